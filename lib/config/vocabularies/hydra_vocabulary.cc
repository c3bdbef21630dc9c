// Hydra's sweeper plugins: hydra.sweeper.params, each value a sweep in Hydra's override grammar
// (a,b,c; choice(...), range(a, b[, step]), interval(a, b), tag(log, ...), int(...), shuffle(...))
// for the Optuna sweeper, or for the Nevergrad sweeper also a list (a choice) or a mapping {lower,
// upper, init, step, integer, log}; hydra.sweeper.search_space (the Optuna sweeper's older {type,
// low, high, step, log, choices}); direction, n_trials, n_jobs, sampler.seed and
// sampler.n_startup_trials; Nevergrad's optim.{budget, num_workers, maximize, seed}; the Ax
// sweeper's ax_config (params {type: range|choice|fixed}, max_trials, experiment.minimize).
// Semantics follow the Optuna sweeper (hydra_plugins/hydra_optuna_sweeper/_impl.py): interval
// is a float range, range() includes its stop, and a log tag on range() is ignored.
#include <fmt/format.h>

#include <cmath>
#include <optional>

#include "lib/config/vocabularies/vocabulary.h"
#include "lib/config/yaml_source.h"

namespace hpo::config {
namespace {

// One call of the override grammar: name(args...), an argument being a word, a number, a quoted
// string, key=value, or another call.
struct Call {
  std::string name;  // empty for a plain argument
  std::string text;  // the plain argument's text
  std::string keyword;
  std::vector<Call> args;
};

class GrammarParser {
 public:
  explicit GrammarParser(std::string text) : text_(std::move(text)) {}

  Call ParseAll() {
    Call call = Parse();
    Skip();
    if (pos_ != text_.size())
      throw UserError(fmt::format("unexpected '{}' at column {}", text_.substr(pos_, 1), pos_ + 1));
    return call;
  }

 private:
  void Skip() {
    while (pos_ < text_.size() && text_[pos_] == ' ') ++pos_;
  }

  Call Parse() {
    Skip();
    Call call;
    if (pos_ < text_.size() && (text_[pos_] == '\'' || text_[pos_] == '"')) {
      const char quote = text_[pos_];
      const size_t close = text_.find(quote, pos_ + 1);
      if (close == std::string::npos) throw UserError("unclosed string");
      call.text = text_.substr(pos_ + 1, close - pos_ - 1);
      pos_ = close + 1;
      return call;
    }
    const size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] != '(' && text_[pos_] != ',' && text_[pos_] != ')' &&
           text_[pos_] != '=')
      ++pos_;
    std::string word = text_.substr(start, pos_ - start);
    while (!word.empty() && word.back() == ' ') word.pop_back();
    if (pos_ < text_.size() && text_[pos_] == '=') {  // step=0.5
      ++pos_;
      Call value = Parse();
      value.keyword = word;
      return value;
    }
    if (pos_ < text_.size() && text_[pos_] == '(') {
      if (++depth_ > 16) throw UserError("nested too deeply");
      ++pos_;
      call.name = word;
      Skip();
      if (pos_ < text_.size() && text_[pos_] == ')') {
        ++pos_;
        --depth_;
        return call;
      }
      while (true) {
        call.args.push_back(Parse());
        Skip();
        if (pos_ >= text_.size()) throw UserError("missing ')'");
        if (text_[pos_] == ')') break;
        if (text_[pos_] != ',')
          throw UserError(fmt::format("expected ',' or ')' at column {}", pos_ + 1));
        ++pos_;
      }
      ++pos_;
      --depth_;
      return call;
    }
    call.text = word;
    return call;
  }

  std::string text_;
  size_t pos_ = 0;
  int depth_ = 0;
};

bool IsSweep(const std::string& text) {
  for (const char* f :
       {"choice(", "range(", "interval(", "tag(", "int(", "float(", "shuffle(", "sort(", "glob("}) {
    if (text.rfind(f, 0) == 0) return true;
  }
  return false;
}

Value Word(const Call& c) {
  const std::optional<Value> v = Value::Parse(c.text);
  if (v && (v->is_number() || v->is_bool())) return *v;
  return Value(c.text);
}

class HydraReader {
 public:
  explicit HydraReader(SweepReading& r) : r_(r), c_(r.config()) {}

  void Read(const YAML::Node& root) {
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
    c_.sampler.method = "tpe";  // the Optuna sweeper's default sampler (TPESampler)
    const char* plugin = sweeper["ax_config"] ? "Ax" : sweeper["optim"] ? "Nevergrad" : "Optuna";
    c_.vocabulary = fmt::format("Hydra {} sweeper (hydra.sweeper)", plugin);
    for (const auto& p : sweeper) {
      const std::string key = r_.Key(p.first);
      const std::string path = "hydra.sweeper." + key;
      const YAML::Node& v = p.second;
      if (key == "params") {
        if (v.IsNull()) continue;
        r_.Map(v, path);
        for (const auto& param : v) ReadParam(r_.Key(param.first), param.first, param.second);
      } else if (key == "search_space") {
        if (v.IsNull()) continue;
        r_.Map(v, path);
        ReadHpoParameters(r_, v,
                          "");  // {type: int|float|categorical, low, high, step, log, choices}
      } else if (key == "direction") {
        if (v.IsSequence()) {
          ReadDirections(v, path);
        } else {
          r_.SetGoal(v, path);
        }
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
      } else {
        r_.Ignore(path);  // _target_, storage, study_name, max_failure_rate, load_if_exists...
      }
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
        const std::string target = r_.Text(p.second, path);
        if (target.find("TPESampler") != std::string::npos)
          c_.sampler.method = "tpe";
        else if (target.find("RandomSampler") != std::string::npos)
          c_.sampler.method = "random";
        else if (target.find("GridSampler") != std::string::npos)
          c_.sampler.method = "grid";
        else if (target.find("CmaEsSampler") != std::string::npos)
          c_.sampler.method = "cmaes";
        else {
          c_.sampler.method = "tpe";
          c_.notes.push_back(fmt::format("{} is not an hpo sampler: tpe is used", target));
        }
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
    const std::string value_type =
        v["value_type"] ? r_.Text(v["value_type"], name + ".value_type") : "";
    const bool integer = value_type.empty()
                             ? ValueFromYaml(bounds[0], r_.At(bounds[0])).is_int() &&
                                   ValueFromYaml(bounds[1], r_.At(bounds[1])).is_int()
                             : value_type == "int";
    const bool log = v["log_scale"] && r_.Bool(v["log_scale"], name + ".log_scale");
    const std::string kind =
        integer ? (log ? "int_loguniform" : "int_uniform") : (log ? "loguniform" : "uniform");
    r_.AddNumeric(name, key_node, kind, low, high);
  }

  void ReadParam(const std::string& name, const YAML::Node& key_node, const YAML::Node& v) {
    if (v.IsSequence())
      return r_.AddCategorical(name, key_node,
                               r_.Values(v, name));  // Nevergrad: a list is a choice
    if (v.IsMap()) return ReadNevergradScalar(name, key_node, v);
    std::string text = v.IsScalar() ? v.Scalar() : "";
    const bool plain = v.IsScalar() && v.Tag() != "!";
    if (plain && !IsSweep(text) && text.find(',') != std::string::npos)
      text = "choice(" + text + ")";  // a,b: Hydra's simple sweep
    if (!plain || !IsSweep(text)) {   // a plain value: every trial gets it
      return r_.SetFixed(name, key_node, ValueFromYaml(v, r_.At(v)), r_.At(v));
    }
    Call call;
    try {
      call = GrammarParser(text).ParseAll();
    } catch (const UserError& e) {
      r_.Fail(v, fmt::format("{}: '{}' is not Hydra's override grammar: {}", Echo(name), Echo(text),
                             e.what()));
    }
    AddSweep(name, key_node, v, call, /*log=*/false, /*integer=*/false);
  }

  double Num(const Call& c, const YAML::Node& v, const std::string& name) {
    const Value w = Word(c);
    if (!w.is_number())
      r_.Fail(v, fmt::format("{}: '{}' is not a number", Echo(name), Echo(c.text)));
    return w.as_double();
  }

  void AddSweep(const std::string& name, const YAML::Node& key_node, const YAML::Node& v,
                const Call& call, bool log, bool integer) {
    auto args_of = [&](size_t min, size_t max) {
      if (call.args.size() < min || call.args.size() > max) {
        r_.Fail(v, fmt::format("{}: {}() takes {} to {} arguments, got {}", Echo(name), call.name,
                               min, max, call.args.size()));
      }
    };
    if (call.name == "tag") {
      args_of(2, 3);
      bool tagged_log = false;
      for (size_t i = 0; i + 1 < call.args.size(); ++i) tagged_log |= call.args[i].text == "log";
      const Call& inner = call.args.back();
      if (inner.name == "range" && tagged_log)
        c_.notes.push_back(
            fmt::format("{}: tag(log, range(...)) is linear, as in Hydra's Optuna sweeper", name));
      return AddSweep(name, key_node, v, inner, tagged_log && inner.name != "range", integer);
    }
    if (call.name == "int") {
      args_of(1, 1);
      return AddSweep(name, key_node, v, call.args[0], log, true);
    }
    if (call.name == "float") {
      args_of(1, 1);
      return AddSweep(name, key_node, v, call.args[0], log, false);
    }
    if (call.name == "choice" || call.name == "shuffle") {
      if (call.name == "shuffle") {
        args_of(1, 1);
        if (call.args[0].name != "range")
          return AddSweep(name, key_node, v, call.args[0], log, integer);
        std::vector<Value> values;
        for (const double x : RangeValues(name, v, call.args[0])) values.push_back(IntIfWhole(x));
        return r_.AddCategorical(name, key_node, std::move(values));
      }
      std::vector<Value> choices;
      for (const Call& arg : call.args) choices.push_back(Word(arg));
      return r_.AddCategorical(name, key_node, std::move(choices));
    }
    if (call.name == "interval") {
      args_of(2, 2);
      const double lo = Num(call.args[0], v, name), hi = Num(call.args[1], v, name);
      const std::string kind =
          integer ? (log ? "int_loguniform" : "int_uniform") : (log ? "loguniform" : "uniform");
      return r_.AddNumeric(name, key_node, kind, lo, hi);
    }
    if (call.name == "range") {
      double start = 0, stop = 0, step = 1;
      RangeArgs(name, v, call, start, stop, step);
      const bool ints =
          start == std::floor(start) && stop == std::floor(stop) && step == std::floor(step);
      return r_.AddNumeric(name, key_node, ints ? "int_uniform" : "discrete_uniform", start, stop,
                           std::nullopt, std::nullopt, step);
    }
    r_.Fail(v, fmt::format("{}: unknown sweep '{}(...)' (known: choice, range, interval, tag, int, "
                           "float, shuffle)",
                           Echo(name), Echo(call.name)));
  }

  void RangeArgs(const std::string& name, const YAML::Node& v, const Call& call, double& start,
                 double& stop, double& step) {
    std::vector<double> positional;
    for (const Call& arg : call.args) {
      if (arg.keyword == "step")
        step = Num(arg, v, name);
      else if (arg.keyword == "start")
        start = Num(arg, v, name);
      else if (arg.keyword == "stop")
        stop = Num(arg, v, name);
      else
        positional.push_back(Num(arg, v, name));
    }
    if (positional.size() == 1) {
      stop = positional[0];
    } else if (positional.size() >= 2) {
      start = positional[0];
      stop = positional[1];
      if (positional.size() == 3) step = positional[2];
    }
    if (!(step > 0)) r_.Fail(v, fmt::format("{}: range() needs a positive step", Echo(name)));
  }

  std::vector<double> RangeValues(const std::string& name, const YAML::Node& v, const Call& call) {
    double start = 0, stop = 0, step = 1;
    RangeArgs(name, v, call, start, stop, step);
    std::vector<double> values;
    for (double x = start; x < stop && values.size() < 10'000; x += step)
      values.push_back(x);  // Hydra's own range
    return values;
  }

  static Value IntIfWhole(double x) {
    return x == std::floor(x) && std::fabs(x) < 9e15 ? Value(static_cast<int64_t>(x)) : Value(x);
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
    if (!lower || !upper) {
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
    const std::string kind =
        integer ? (log ? "int_loguniform" : "int_uniform") : (log ? "log_normal" : "uniform");
    r_.AddNumeric(name, key_node, kind, *lower, *upper, integer ? std::nullopt : init);
  }

  std::vector<bool> directions_;
  YAML::Node directions_node_;
  std::vector<std::string> objective_names_;
  SweepReading& r_;
  SweepConfig& c_;
};

}  // namespace

bool MatchesHydra(const YAML::Node& root) {
  return root.IsMap() && root["hydra"] && root["hydra"].IsMap() && root["hydra"]["sweeper"] &&
         root["hydra"]["sweeper"].IsMap();
}

void ReadHydra(SweepReading& reading, const YAML::Node& root) { HydraReader(reading).Read(root); }

}  // namespace hpo::config
