// Hydra's sweeper plugins, each file read as the plugin it names (its _target_, its defaults
// list's hydra/sweeper option, else the keys only one plugin has) reads it, following the
// plugins' code at facebookresearch/hydra 2c03d1b (cited per function below):
// - Optuna: hydra.sweeper.params, each entry the override `name=VALUE` read by Hydra's grammar
//   (hydra_grammar.h); a range() includes its stop, lowered onto the step; GridSampler (by
//   _target_ or hydra/sweeper/sampler: grid) runs the plugin's grid, which leaves the top value
//   out; the older search_space {type, low, high, step, log, choices}; direction, n_trials,
//   n_jobs, sampler.seed and sampler.n_startup_trials.
// - Nevergrad: params (1.4: the grammar, a mapping {lower, upper, init, step, integer, log});
//   parametrization (1.1-1.3: a list is a choice, a mapping a scalar); Hydra 1.0's
//   params: {optim, parametrization}; a range() leaves its stop out; optim.{budget,
//   num_workers, maximize, seed}.
// - Ax: ax_config (params {type: range|choice|fixed}, max_trials, experiment.minimize).
// A YAML list or number under params is a fixed value in both grammar plugins.
#include <fmt/format.h>

#include <cmath>
#include <optional>
#include <regex>

#include "lib/config/vocabularies/hydra_grammar.h"
#include "lib/config/vocabularies/vocabulary.h"
#include "lib/config/yaml_source.h"

namespace hpo::config {
namespace {

enum class Plugin { kOptuna, kNevergrad, kAx };

// The option a config's defaults list picks for `group` (`- override hydra/sweeper: optuna`,
// `- override /hydra/sweeper/sampler: grid`, or without `override`); empty if none.
std::string DefaultsChoice(const YAML::Node& root, const std::string& group) {
  const YAML::Node defaults = root["defaults"];
  if (!defaults || !defaults.IsSequence()) return "";
  for (const YAML::Node& entry : defaults) {
    if (!entry.IsMap()) continue;
    for (const auto& p : entry) {
      std::string key = p.first.IsScalar() ? p.first.Scalar() : "";
      if (key.rfind("override ", 0) == 0) key = key.substr(9);
      while (!key.empty() && (key[0] == '/' || key[0] == ' ')) key.erase(0, 1);
      if (key == group && p.second.IsScalar()) return p.second.Scalar();
    }
  }
  return "";
}

// Hydra 1.0's Ax layout: hydra.sweeper.params holds the AxSweeper's arguments (ax_config,
// max_batch_size), which Hydra 1.0 passes to the sweeper's class (hydra/_internal/utils.py:407-422
// at a23dab6; the plugin's conf/hydra/sweeper/ax.yaml writes them there).
bool IsHydra10Ax(const YAML::Node& params) {
  return params && params.IsMap() && params["ax_config"] && params["ax_config"].IsMap();
}

// The plugin a file is for: its _target_ (Hydra 1.0: class or cls), else the defaults list's
// hydra/sweeper option, else the keys only one plugin has (ax_config; optim, parametrization).
Plugin PluginOf(const YAML::Node& root, const YAML::Node& sweeper) {
  for (const char* key : {"_target_", "class", "cls"}) {
    const YAML::Node target = sweeper[key];
    const std::string text = target && target.IsScalar() ? target.Scalar() : "";
    if (text.find("hydra_ax_sweeper") != std::string::npos) return Plugin::kAx;
    if (text.find("hydra_nevergrad_sweeper") != std::string::npos) return Plugin::kNevergrad;
    if (text.find("hydra_optuna_sweeper") != std::string::npos) return Plugin::kOptuna;
  }
  const std::string option = DefaultsChoice(root, "hydra/sweeper");
  if (option == "ax") return Plugin::kAx;
  if (option == "nevergrad") return Plugin::kNevergrad;
  if (option == "optuna") return Plugin::kOptuna;
  if (sweeper["ax_config"] || IsHydra10Ax(sweeper["params"])) return Plugin::kAx;
  if (sweeper["optim"] || sweeper["parametrization"]) return Plugin::kNevergrad;
  return Plugin::kOptuna;
}

// A file that is the sweeper's config itself (`# @package hydra.sweeper`, as in a config
// group hydra/sweeper/NAME.yaml or `--cfg hydra -p hydra.sweeper`): its _target_ names a plugin.
bool IsSweeperConfig(const YAML::Node& root) {
  const YAML::Node target = root["_target_"];
  if (!target || !target.IsScalar()) return false;
  const std::string& text = target.Scalar();
  return text.rfind("hydra_plugins.hydra_", 0) == 0 && text.find("_sweeper.") != std::string::npos;
}

// Hydra 1.0's Nevergrad layout: hydra.sweeper.params: {optim: ..., parametrization: ...}.
bool IsHydra10Nevergrad(const YAML::Node& params) {
  return params && params.IsMap() &&
         ((params["optim"] && params["optim"].IsMap()) ||
          (params["parametrization"] && params["parametrization"].IsMap()));
}

class HydraReader {
 public:
  explicit HydraReader(SweepReading& r) : r_(r), c_(r.config()) {}

  void Read(const YAML::Node& root) {
    root_ = root;
    if (!root["hydra"] && IsSweeperConfig(root)) {
      sweeper_file_ = true;
      ReadSweeper(root);
      c_.vocabulary += ": the file is hydra.sweeper";
      return FinishDirections();
    }
    for (const auto& p : root) {
      const std::string key = r_.Key(p.first);
      if (key == "hydra") {
        ReadHydraSection(p.second);
      } else if (key == "optimized_metric" && p.second.IsSequence()) {  // names for direction: [..]
        for (const YAML::Node& name : p.second) objective_names_.push_back(r_.Text(name, key));
      } else if (key == "optimized_metric") {  // lightning-hydra-template's name for the objective
        r_.SetMetric(p.second, key);
      } else {
        r_.Ignore(key);  // defaults and the task's own config (the base values the sweep overrides)
      }
    }
    FinishDirections();
  }

 private:
  std::string SeedText() const { return fmt::format("the sweep's seed {}", c_.seed); }

  void ReadHydraSection(const YAML::Node& hydra) {
    for (const auto& p : hydra) {
      const std::string key = r_.Key(p.first);
      if (key == "sweeper")
        ReadSweeper(p.second);
      else
        r_.Ignore("hydra." + key);
    }
  }

  void ReadSweeper(const YAML::Node& sweeper) {
    r_.Map(sweeper, "hydra.sweeper");
    plugin_ = PluginOf(root_, sweeper);
    static const char* kNames[] = {"Optuna", "Nevergrad", "Ax"};
    c_.vocabulary =
        fmt::format("Hydra {} sweeper (hydra.sweeper)", kNames[static_cast<int>(plugin_)]);
    // The plugins' defaults (their config.py): minimise; Optuna's 20 trials of TPESampler,
    // Nevergrad's budget of 80, Ax's 10 trials (ReadAxConfig).
    r_.SetGoal(false);
    c_.sampler.method = "tpe";
    if (plugin_ == Plugin::kNevergrad) c_.n_trials = 80;
    if (plugin_ == Plugin::kAx) c_.n_trials = 10;  // AxConfig.max_trials
    // the sampler's option in the defaults list: the sweeper's own (`- sampler: grid`) in a
    // file that is hydra.sweeper, the primary config's otherwise
    const std::string sampler_option =
        DefaultsChoice(root_, sweeper_file_ ? "sampler" : "hydra/sweeper/sampler");
    if (!sampler_option.empty()) SetSampler(sampler_option, "hydra/sweeper/sampler: ");
    const YAML::Node sampler = sweeper["sampler"];
    if (sampler && sampler.IsMap() && sampler["_target_"] && sampler["_target_"].IsScalar())
      SetSampler(sampler["_target_"].Scalar(), "");
    grid_ = plugin_ == Plugin::kOptuna && c_.sampler.method == "grid";
    if (sweeper["params"] && sweeper["parametrization"] && !sweeper["params"].IsNull() &&
        !sweeper["parametrization"].IsNull())
      r_.Fail(sweeper["parametrization"],  // NevergradSweeperImpl._process_parameter_config
              "hydra.sweeper.params and hydra.sweeper.parametrization cannot both be configured");
    for (const auto& p : sweeper) ReadSweeperKey(r_.Key(p.first), p.second);
    FinishGrid();
  }

  void ReadSweeperKey(const std::string& key, const YAML::Node& v) {
    const std::string path = "hydra.sweeper." + key;
    if (key == "params" && plugin_ == Plugin::kNevergrad && IsHydra10Nevergrad(v)) {
      ReadHydra10Nevergrad(v);
    } else if (key == "params" && plugin_ == Plugin::kAx && IsHydra10Ax(v)) {
      c_.notes.push_back(
          "hydra.sweeper.params holds ax_config: Hydra 1.0's layout, read as the "
          "sweeper's own keys");
      for (const auto& p : v) ReadSweeperKey(r_.Key(p.first), p.second);
    } else if (key == "params" || key == "parametrization") {
      if (v.IsNull()) return;
      r_.Map(v, path);
      for (const auto& param : v) ReadParam(key, r_.Key(param.first), param.first, param.second);
    } else if (key == "search_space") {
      if (v.IsNull()) return;
      r_.Map(v, path);
      ReadHpoParameters(r_, v, "");  // {type: int|float|categorical, low, high, step, log, choices}
    } else if (key == "direction") {
      if (v.IsSequence())
        ReadDirections(v, path);
      else
        r_.SetGoal(v, path);
    } else if (key == "n_trials") {
      c_.n_trials = r_.Int(v, path, 1);
    } else if (key == "n_jobs") {
      c_.n_jobs = r_.Jobs(v, path);
    } else if (key == "sampler") {
      ReadSampler(v);
    } else if (key == "optim") {
      ReadNevergradOptim(v);
    } else if (key == "ax_config") {
      ReadAxConfig(v);
    } else if (key == "custom_search_space" && !v.IsNull()) {
      // OptunaSweeperImpl calls this function of the user's on each trial (_impl.py:146, 194):
      // it may add parameters hpo cannot see
      r_.Fail(v,
              "hydra.sweeper.custom_search_space is a Python function of yours that adds to "
              "the search; hpo cannot run it: write its parameters under params");
    } else {
      r_.Ignore(path);  // _target_, storage, study_name, max_failure_rate, load_if_exists...
    }
  }

  // Hydra 1.0's Nevergrad sweeper: params: {optim: {...}, parametrization: {...}}, each read
  // as the later hydra.sweeper.optim and hydra.sweeper.parametrization are.
  void ReadHydra10Nevergrad(const YAML::Node& params) {
    c_.notes.push_back(
        "hydra.sweeper.params holds optim and parametrization: Hydra 1.0's "
        "Nevergrad sweeper layout");
    for (const auto& p : params) {
      const std::string key = r_.Key(p.first);
      if (key == "optim") {
        ReadNevergradOptim(p.second);
      } else if (key == "parametrization") {
        r_.Map(p.second, "hydra.sweeper.params.parametrization");
        for (const auto& param : p.second)
          ReadParam("parametrization", r_.Key(param.first), param.first, param.second);
      } else {
        r_.Fail(p.first, fmt::format("unknown key 'hydra.sweeper.params.{}' in Hydra 1.0's "
                                     "Nevergrad layout (known: optim, parametrization)",
                                     Echo(key)));
      }
    }
  }

  // An Optuna sampler by its class (_target_) or its option in hydra/sweeper/sampler.
  void SetSampler(const std::string& name, const std::string& prefix) {
    std::string lower = LowerCase(name);
    lower = lower.substr(lower.rfind('.') == std::string::npos ? 0 : lower.rfind('.') + 1);
    if (lower == "tpe" || lower == "tpesampler")
      c_.sampler.method = "tpe";
    else if (lower == "random" || lower == "randomsampler")
      c_.sampler.method = "random";
    else if (lower == "grid" || lower == "gridsampler")
      c_.sampler.method = "grid";
    else if (lower == "cmaes" || lower == "cmaessampler")
      c_.sampler.method = "cmaes";
    else {
      c_.sampler.method = "tpe";
      c_.notes.push_back(fmt::format("{}{} is not an hpo sampler: tpe is used", prefix, name));
    }
  }

  void ReadSampler(const YAML::Node& sampler) {
    if (!sampler.IsMap()) return r_.Ignore("hydra.sweeper.sampler");
    for (const auto& p : sampler) {
      const std::string key = r_.Key(p.first);
      const std::string path = "hydra.sweeper.sampler." + key;
      if (key == "seed") {
        if (!p.second.IsNull() && !r_.KeepsDefaultIfUnresolved(p.second, path, SeedText()))
          c_.seed = static_cast<uint64_t>(r_.Integer(p.second, path, 0));
      } else if (key == "n_startup_trials") {
        c_.sampler.tpe.n_startup_trials = r_.Int(p.second, path, 0);
      } else if (key == "_target_") {
        r_.Text(p.second, path);  // read before the parameters (ReadSweeper): a grid changes them
      } else {
        r_.Ignore(path);
      }
    }
  }

  void ReadNevergradOptim(const YAML::Node& optim) {
    r_.Map(optim, "hydra.sweeper.optim");
    for (const auto& p : optim) {
      const std::string key = r_.Key(p.first);
      const std::string path = "hydra.sweeper.optim." + key;
      if (key == "budget")
        c_.n_trials = r_.Int(p.second, path, 1);
      else if (key == "num_workers")
        c_.n_jobs = r_.Int(p.second, path, 1);
      else if (key == "maximize")
        r_.SetGoal(r_.Bool(p.second, path));
      else if (key == "seed" && !p.second.IsNull() &&
               !r_.KeepsDefaultIfUnresolved(p.second, path, SeedText()))
        c_.seed = static_cast<uint64_t>(r_.Integer(p.second, path, 0));
      else
        r_.Ignore(path);  // optimizer, noisy, max_failure_rate
    }
  }

  // direction: [minimize, maximize]: Hydra's task returns a tuple, so the objectives have no
  // names; the trial reports them as objective_0, objective_1... unless optimized_metric lists
  // names (read after the whole file, in Read).
  void ReadDirections(const YAML::Node& v, const std::string& path) {
    directions_ = r_.Goals(v, path);
    directions_node_ = v;
  }

  void FinishDirections() {
    if (directions_.empty()) return;
    if (!objective_names_.empty() && objective_names_.size() != directions_.size()) {
      r_.Fail(directions_node_,
              fmt::format("hydra.sweeper.direction lists {} goals and optimized_metric {} names",
                          directions_.size(), objective_names_.size()));
    }
    std::vector<Objective> objectives;
    for (size_t i = 0; i < directions_.size(); ++i) {
      objectives.push_back(
          {objective_names_.empty() ? fmt::format("objective_{}", i) : objective_names_[i],
           directions_[i]});
    }
    if (objective_names_.empty() && directions_.size() > 1) {
      c_.notes.push_back(
          fmt::format("Hydra's {} objectives have no names: the trial reports them as objective_0 "
                      "... objective_{}",
                      directions_.size(), directions_.size() - 1));
    }
    r_.SetObjectives(objectives, directions_node_);
  }

  // The Ax sweeper's ax_config: max_trials, experiment.{minimize, objective_name},
  // client.random_seed and params {x: {type: range, bounds: [lo, hi], value_type, log_scale} |
  // {type: choice, values} | {type: fixed, value}}. Ax minimises by default, as the sweeper's
  // config does.
  void ReadAxConfig(const YAML::Node& ax) {
    r_.Map(ax, "hydra.sweeper.ax_config");
    c_.sampler.method = "protein";
    c_.notes.push_back("Ax's Bayesian optimisation is searched with hpo's GP sampler (protein)");
    r_.SetGoal(false);
    r_.SetImpliedMetric("objective", ax);
    for (const auto& p : ax) {
      const std::string key = r_.Key(p.first);
      const std::string path = "hydra.sweeper.ax_config." + key;
      const YAML::Node& v = p.second;
      if (key == "max_trials") {
        c_.n_trials = r_.Int(v, path, 1);
      } else if (key == "params") {
        r_.Map(v, path);
        for (const auto& param : v) ReadAxParam(r_.Key(param.first), param.first, param.second);
      } else if (key == "experiment" && v.IsMap()) {
        for (const auto& e : v) {
          const std::string ekey = r_.Key(e.first);
          if (ekey == "minimize")
            r_.SetGoal(!r_.Bool(e.second, path + ".minimize"));
          else if (ekey == "objective_name")
            r_.SetMetric(e.second, path + ".objective_name");
          else
            r_.Ignore(path + "." + ekey);  // name, parameter_constraints, outcome_constraints
        }
      } else if (key == "client" && v.IsMap() && v["random_seed"] && !v["random_seed"].IsNull()) {
        c_.seed = static_cast<uint64_t>(r_.Integer(v["random_seed"], path + ".random_seed", 0));
      } else {
        r_.Ignore(path);  // early_stop, is_noisy, client.verbose_logging
      }
    }
  }

  void ReadAxParam(const std::string& name, const YAML::Node& key_node, const YAML::Node& v) {
    r_.Map(v, name);
    const std::string type = v["type"] ? r_.Kind(v["type"], name + ".type") : "";
    if (type == "fixed") {
      if (!v["value"]) r_.Fail(v, fmt::format("{}: a fixed Ax parameter needs value:", Echo(name)));
      return r_.SetFixed(name, key_node, ValueFromYaml(v["value"], r_.At(v["value"])),
                         r_.At(v["value"]));
    }
    if (type == "choice") {
      if (!v["values"] || !v["values"].IsSequence())
        r_.Fail(v, fmt::format("{}: a choice Ax parameter needs a values: list", Echo(name)));
      return r_.AddCategorical(name, key_node, r_.Values(v["values"], name + ".values"));
    }
    if (type != "range")
      r_.Fail(v, fmt::format("{}: Ax parameter type '{}' (known: range, choice, fixed)", Echo(name),
                             Echo(type)));
    const YAML::Node bounds = v["bounds"];
    if (!bounds || !bounds.IsSequence() || bounds.size() != 2) {
      r_.Fail(v, fmt::format("{}: a range Ax parameter needs bounds: [low, high]", Echo(name)));
    }
    const double low = r_.Number(bounds[0], name + ".bounds"),
                 high = r_.Number(bounds[1], name + ".bounds");
    // Ax takes the type from value_type, else from the bounds: two integers make an int range
    // (the Ax sweeper of Hydra 1.4.dev, for Ax's new API, reads only the bounds: noted)
    const std::string value_type =
        v["value_type"] ? r_.Text(v["value_type"], name + ".value_type") : "";
    if (!value_type.empty() && value_type != "int" && value_type != "float")
      r_.Fail(v["value_type"], fmt::format("{}: a range Ax parameter's value_type is int or float, "
                                           "not '{}'",
                                           Echo(name), Echo(value_type)));
    const bool int_bounds = ValueFromYaml(bounds[0], r_.At(bounds[0])).is_int() &&
                            ValueFromYaml(bounds[1], r_.At(bounds[1])).is_int();
    const bool integer = value_type.empty() ? int_bounds : value_type == "int";
    if (integer != int_bounds)
      c_.notes.push_back(fmt::format(
          "{}: value_type {} is read as Ax reads it; Hydra 1.4.dev's Ax sweeper takes the type "
          "from the bounds only",
          name, value_type));
    const bool log = v["log_scale"] && r_.Bool(v["log_scale"], name + ".log_scale");
    const std::string kind =
        integer ? (log ? "int_loguniform" : "int_uniform") : (log ? "loguniform" : "uniform");
    r_.AddNumeric(name, key_node, kind, low, high);
  }

  // One entry of params (Optuna's or Nevergrad's) or of Nevergrad's parametrization. The
  // plugins turn a params entry into the override `name=VALUE` (str() of the YAML value) for
  // Hydra's parser: a YAML list or number is then a fixed value; only Nevergrad reads a mapping
  // as a scalar ({lower, upper, ...}). Under parametrization a list is a choice, a mapping a
  // scalar, anything else the value itself (create_nevergrad_param_from_config).
  void ReadParam(const std::string& section, const std::string& name, const YAML::Node& key_node,
                 const YAML::Node& v) {
    CheckOverrideKey(name, key_node);
    const bool nevergrad = plugin_ == Plugin::kNevergrad;
    if (nevergrad && v.IsMap()) return ReadNevergradScalar(name, key_node, v);
    if (section == "parametrization") {
      if (v.IsSequence()) return r_.AddCategorical(name, key_node, r_.Values(v, name));
      return r_.SetFixed(name, key_node, ValueFromYaml(v, r_.At(v)), r_.At(v));
    }
    const Value value = v.IsNull() ? Value("None") : ValueFromYaml(v, r_.At(v));
    if (!v.IsScalar() || !value.is_string())  // a list, a mapping, a number, a bool: fixed
      return r_.SetFixed(name, key_node, value, r_.At(v));
    HydraSweep sweep;
    try {
      sweep = EvaluateHydraOverride(value.as_string());
    } catch (const UserError& e) {
      r_.Fail(v, fmt::format("{}: '{}' is not Hydra's override grammar: {}", Echo(name),
                             Echo(value.as_string()), e.what()));
    }
    if (nevergrad)
      AddNevergradSweep(name, key_node, v, sweep);
    else
      AddOptunaSweep(name, key_node, v, sweep);
  }

  // Hydra's override key (OverrideParser.g4 `key`): a YAML flow mapping such as
  // {x: interval(0, 1)} splits at the comma into keys like '1)', which Hydra refuses.
  void CheckOverrideKey(const std::string& name, const YAML::Node& key_node) {
    static const std::regex kKey(R"((\+\+|\+|~)?[A-Za-z0-9_$][A-Za-z0-9_$./-]*(@[\w.$-]*)?)");
    if (!std::regex_match(name, kKey))
      r_.Fail(key_node, fmt::format("'{}' is not a key Hydra's override grammar reads (a flow "
                                    "mapping {{x: f(a, b)}} splits at its commas: quote the "
                                    "values or write one entry a line)",
                                    Echo(name)));
  }

  // create_optuna_distribution_from_override (hydra_optuna_sweeper/_impl.py:44-95): a choice is
  // categorical; a range is Optuna's Int- or FloatDistribution(start, stop, step), so its stop
  // is included and Optuna lowers it onto the step; an interval is a float range unless both
  // ends are ints (int()), log-scaled with tag(log, ...). A log tag on a range is not read.
  void AddOptunaSweep(const std::string& name, const YAML::Node& key_node, const YAML::Node& v,
                      const HydraSweep& sweep) {
    using Kind = HydraSweep::Kind;
    if (sweep.kind == Kind::kValue) return r_.SetFixed(name, key_node, sweep.value, r_.At(v));
    if (sweep.kind == Kind::kChoice || (sweep.kind == Kind::kRange && sweep.shuffle)) {
      std::vector<Value> values = sweep.kind == Kind::kChoice ? sweep.choices : sweep.RangeValues();
      grid_size_ *= static_cast<double>(values.size());
      return r_.AddCategorical(name, key_node, std::move(values));
    }
    const bool ints = sweep.start.is_int() && sweep.stop.is_int() &&
                      (sweep.kind == Kind::kInterval || sweep.step.is_int());
    double low = sweep.start.as_double(), high = sweep.stop.as_double();
    double step = sweep.kind == Kind::kRange ? sweep.step.as_double() : (ints ? 1 : 0);
    if (low > high || step < 0 || (ints && step == 0))
      r_.Fail(v, fmt::format("{}: Optuna refuses a range from {} to {} by {}", Echo(name),
                             FormatDouble(low), FormatDouble(high), FormatDouble(step)));
    if (sweep.kind == Kind::kRange && sweep.tags.count("log"))
      c_.notes.push_back(
          fmt::format("{}: tag(log, range(...)) is linear, as in Hydra's Optuna sweeper", name));
    if (step > 0) high = low + std::floor((high - low) / step + 1e-9) * step;  // Optuna's high
    const bool log = sweep.kind == Kind::kInterval && sweep.tags.count("log");
    if (grid_) high = GridHigh(name, v, low, high, step);
    const std::string kind =
        ints ? (log ? "int_loguniform" : "int_uniform")
             : (step > 0 ? "discrete_uniform" : (log ? "loguniform" : "uniform"));
    r_.AddNumeric(name, key_node, kind, low, high, std::nullopt, std::nullopt, step > 0 ? step : 1,
                  /*one_value_ok=*/true);
  }

  // The Optuna sweeper's GridSampler runs _to_grid_sampler_choices (_impl.py:217-233): low +
  // i * step for i < (high - low) // step, the top value left out; a continuous range refused.
  double GridHigh(const std::string& name, const YAML::Node& v, double low, double high,
                  double step) {
    if (step <= 0)
      r_.Fail(v, fmt::format("{}: GridSampler only supports discrete distributions (the Optuna "
                             "sweeper's grid)",
                             Echo(name)));
    const double n_items = std::floor((high - low) / step + 1e-9);
    if (n_items < 1)
      r_.Fail(v, fmt::format("{}: the Optuna sweeper's grid over it has no value", Echo(name)));
    grid_size_ *= n_items;
    return low + (n_items - 1) * step;
  }

  void FinishGrid() {
    if (!grid_) return;
    const int asked = c_.n_trials > 0 ? c_.n_trials : 20;  // the Optuna sweeper's n_trials
    c_.n_trials = static_cast<int>(std::min<double>(asked, grid_size_));
  }

  // create_nevergrad_parameter_from_override (hydra_nevergrad_sweeper/_impl.py:61-84): a
  // choice is ng.p.Choice (TransitionChoice when tagged ordered); a range is a Choice of the
  // values Hydra iterates, its stop left out; an interval is ng.p.Scalar or, tagged log,
  // ng.p.Log, cast to integers when its start is an int (int(interval(...))).
  void AddNevergradSweep(const std::string& name, const YAML::Node& key_node, const YAML::Node& v,
                         const HydraSweep& sweep) {
    using Kind = HydraSweep::Kind;
    if (sweep.kind == Kind::kValue) {
      if (sweep.value.is_mapping())
        r_.Fail(v, fmt::format("{}: write the scalar's mapping as YAML, not as override text",
                               Echo(name)));
      return r_.SetFixed(name, key_node, sweep.value, r_.At(v));
    }
    if (sweep.kind == Kind::kChoice) return r_.AddCategorical(name, key_node, sweep.choices);
    if (sweep.kind == Kind::kRange) {
      std::vector<Value> values = sweep.RangeValues();
      if (values.empty()) r_.Fail(v, fmt::format("{}: the range holds no value", Echo(name)));
      return r_.AddCategorical(name, key_node, std::move(values));
    }
    const bool log = sweep.tags.count("log") > 0, integer = sweep.start.is_int();
    const std::string kind =
        integer ? (log ? "int_loguniform" : "int_uniform") : (log ? "loguniform" : "uniform");
    r_.AddNumeric(name, key_node, kind, sweep.start.as_double(), sweep.stop.as_double());
  }

  // Nevergrad's {lower, upper, init, step, integer, log}. Without bounds Nevergrad searches
  // around init by factors of step; hpo needs a box: init / step^3 .. init * step^3, noted.
  void ReadNevergradScalar(const std::string& name, const YAML::Node& key_node,
                           const YAML::Node& v) {
    std::optional<double> lower, upper, init, step;
    bool log = false, integer = false;
    for (const auto& p : v) {
      const std::string k = r_.Key(p.first);
      const std::string path = name + "." + k;
      if (k == "lower")
        lower = r_.Number(p.second, path);
      else if (k == "upper")
        upper = r_.Number(p.second, path);
      else if (k == "init")
        init = r_.Number(p.second, path);
      else if (k == "step")
        step = r_.Number(p.second, path);
      else if (k == "log")
        log = r_.Bool(p.second, path);
      else if (k == "integer")
        integer = r_.Bool(p.second, path);
      else
        r_.Fail(p.first,
                fmt::format("unknown key '{}' (known: lower, upper, init, step, integer, log)",
                            Echo(path)));
    }
    const bool bounded = lower && upper;
    if (!bounded) {
      if (!init || !step || !log || *step <= 1 || *init <= 0) {
        r_.Fail(
            v, fmt::format(
                   "{}: a parameter without lower and upper needs log: true, init > 0 and step > 1",
                   Echo(name)));
      }
      lower = lower.value_or(*init / std::pow(*step, 3));
      upper = upper.value_or(*init * std::pow(*step, 3));
      c_.notes.push_back(fmt::format(
          "{}: unbounded in Nevergrad; searched in [{}, {}] (init / step^3 .. init * step^3)", name,
          FormatDouble(*lower), FormatDouble(*upper)));
    }
    // ng.p.Scalar(lower, upper) or ng.p.Log(lower, upper): the box, linear or log-scaled; init
    // and step only start Nevergrad's search there. Unbounded, Nevergrad's search stays near
    // init: a log-normal centred on it in the box above.
    const std::string kind = integer ? (log ? "int_loguniform" : "int_uniform")
                                     : (log ? (bounded ? "loguniform" : "log_normal") : "uniform");
    r_.AddNumeric(name, key_node, kind, *lower, *upper, integer || bounded ? std::nullopt : init);
  }

  YAML::Node root_;
  bool sweeper_file_ = false;  // the file is hydra.sweeper itself
  Plugin plugin_ = Plugin::kOptuna;
  bool grid_ = false;     // the Optuna sweeper's GridSampler
  double grid_size_ = 1;  // the points of that grid
  std::vector<bool> directions_;
  YAML::Node directions_node_;
  std::vector<std::string> objective_names_;
  SweepReading& r_;
  SweepConfig& c_;
};

}  // namespace

bool MatchesHydra(const YAML::Node& root) {
  return root.IsMap() && ((root["hydra"] && root["hydra"].IsMap() && root["hydra"]["sweeper"] &&
                           root["hydra"]["sweeper"].IsMap()) ||
                          IsSweeperConfig(root));
}

void ReadHydra(SweepReading& reading, const YAML::Node& root) { HydraReader(reading).Read(root); }

}  // namespace hpo::config
