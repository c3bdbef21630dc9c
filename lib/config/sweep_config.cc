#include "lib/config/sweep_config.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "lib/config/trainer_config.h"
#include "lib/config/trainer_keys.h"
#include "lib/config/yaml_source.h"
#include "lib/core/closest_word.h"
#include "lib/core/random.h"
#include "lib/space/constraint.h"

namespace hpo::config {
namespace {

// Keys that make a mapping a parameter's specification rather than a group of parameters.
const std::set<std::string> kSpecKeys = {"distribution", "type", "min", "max", "low", "high", "mean", "scale",
                                         "values", "choices", "value", "prior", "q", "log", "default"};

const std::vector<std::string> kTopLevelKeys = {
    "name", "study_name", "description", "search_space_id", "project", "entity", "metric", "objective_metric",
    "goal", "direction", "method", "sampler", "protein", "tpe", "pruner", "early_terminate", "n_startup_trials",
    "n_warmup_steps", "n_trials", "max_trials", "timeout", "timeout_per_trial", "n_jobs", "n_parallel_trials",
    "storage", "seed", "max_retries", "heartbeat_timeout", "grid_points", "command", "program", "fixed", "parameters", "searchable",
    "constraints", "presets", "applied_preset"};

std::string Closest(const std::string& word, const std::vector<std::string>& known) {
  return ClosestWord(word, std::vector<std::string_view>(known.begin(), known.end()));
}

class Loader {
 public:
  Loader(std::string source, SweepConfig& config) : source_(std::move(source)), c_(config) {}

  void Load(const YAML::Node& root) {
    // The trial program decides how parameter names resolve, so read it first.
    for (const auto& pair : root) {
      const std::string key = Key(pair.first);
      if (key == "command" || key == "program") ReadCommand(pair.second, key);
    }
    std::set<std::string> seen;
    for (const auto& pair : root) {
      const std::string key = Key(pair.first);
      if (!seen.insert(key).second) Fail(pair.first, fmt::format("'{}' appears twice", Echo(key)));
      ReadTopLevel(key, pair.first, pair.second);
    }
  }

 private:
  // ----- helpers -----------------------------------------------------------------------------

  Origin At(const YAML::Node& node) const { return OriginOf(source_, node); }
  [[noreturn]] void Fail(const YAML::Node& node, const std::string& message) const { throw UserError(At(node), message); }

  std::string Key(const YAML::Node& key) const {
    if (!key.IsScalar()) Fail(key, "keys must be plain words");
    return key.Scalar();
  }

  std::string Text(const YAML::Node& node, const std::string& path) const {
    if (!node.IsScalar()) Fail(node, fmt::format("{} must be a word", path));
    return node.Scalar();
  }

  double Number(const YAML::Node& node, const std::string& path) const {
    const Value v = ValueFromYaml(node, At(node));
    if (!v.is_number()) Fail(node, fmt::format("{} must be a number, got '{}'", Echo(path), Echo(node.Scalar())));
    if (!std::isfinite(v.as_double())) Fail(node, fmt::format("{} must be a finite number, got '{}'", Echo(path), Echo(node.Scalar())));
    return v.as_double();
  }

  // A whole number in [min, max]; the default max (1e18) keeps step counts and seeds clear of
  // int64's edge, where the conversion from the double YAML gives would be undefined.
  int64_t Integer(const YAML::Node& node, const std::string& path, int64_t min, int64_t max = 1'000'000'000'000'000'000) const {
    const double v = Number(node, path);
    if (v != std::floor(v)) Fail(node, fmt::format("{} must be a whole number, got {}", path, Echo(node.Scalar())));
    if (v < static_cast<double>(min)) Fail(node, fmt::format("{} must be at least {}, got {}", path, min, Echo(node.Scalar())));
    if (v > static_cast<double>(max)) Fail(node, fmt::format("{} must be at most {}, got {}", path, max, Echo(node.Scalar())));
    return static_cast<int64_t>(v);
  }

  int Int(const YAML::Node& node, const std::string& path, int min) const {
    return static_cast<int>(Integer(node, path, min, std::numeric_limits<int>::max()));
  }

  bool Bool(const YAML::Node& node, const std::string& path) const {
    const Value v = ValueFromYaml(node, At(node));
    if (!v.is_bool()) Fail(node, fmt::format("{} must be true or false, got '{}'", Echo(path), Echo(node.Scalar())));
    return v.as_bool();
  }

  void Map(const YAML::Node& node, const std::string& path) const {
    if (!node.IsMap()) Fail(node, fmt::format("{} must be a mapping", path));
  }

  void SetGoal(const YAML::Node& node, const std::string& path) {
    const std::string goal = Text(node, path);
    if (goal != "maximize" && goal != "minimize") Fail(node, fmt::format("{} must be maximize or minimize, got '{}'", Echo(path), Echo(goal)));
    const bool maximize = goal == "maximize";
    if (goal_node_ && maximize != c_.maximize) Fail(node, fmt::format("{} contradicts the goal set earlier", path));
    c_.maximize = maximize;
    goal_node_ = true;
  }

  void SetMethod(const YAML::Node& node, const std::string& path) {
    std::string method = Text(node, path);
    if (method == "bayes" || method == "bayesian" || method == "gp") method = "protein";
    if (method == "cmaes") Fail(node, "sampler 'cmaes' is not supported; use tpe or protein (method: bayes)");
    if (std::find(samplers::SamplerMethods().begin(), samplers::SamplerMethods().end(), method) == samplers::SamplerMethods().end()) {
      Fail(node, fmt::format("unknown {} '{}' (known: random, grid, bayes/protein, tpe)", Echo(path), Echo(method)));
    }
    c_.sampler.method = method;
  }

  // ----- top level ---------------------------------------------------------------------------

  void ReadTopLevel(const std::string& key, const YAML::Node& key_node, const YAML::Node& v) {
    if (key == "name" || key == "study_name") {
      c_.name = Text(v, key);
    } else if (key == "description" || key == "search_space_id" || key == "project" || key == "entity") {
      // descriptive only
    } else if (key == "metric") {
      if (v.IsMap()) {
        for (const auto& p : v) {
          const std::string k = Key(p.first);
          if (k == "name") c_.metric = Text(p.second, "metric.name");
          else if (k == "goal") SetGoal(p.second, "metric.goal");
          else if (k != "target") Fail(p.first, fmt::format("unknown key 'metric.{}' (known: name, goal, target)", k));
        }
      } else {
        c_.metric = Text(v, key);
      }
    } else if (key == "objective_metric") {
      c_.metric = Text(v, key);
    } else if (key == "goal" || key == "direction") {
      SetGoal(v, key);
    } else if (key == "method") {
      SetMethod(v, key);
    } else if (key == "sampler") {
      if (v.IsMap()) {
        ReadSamplerSettings(v, "sampler");
      } else {
        SetMethod(v, key);
      }
    } else if (key == "protein") {
      Map(v, key);
      ReadSamplerSettings(v, "protein");
    } else if (key == "tpe") {
      Map(v, key);
      ReadSamplerSettings(v, "tpe");
    } else if (key == "pruner") {
      ReadPruner(v);
    } else if (key == "early_terminate") {
      ReadEarlyTerminate(v);
    } else if (key == "n_startup_trials") {
      c_.sampler.n_startup_trials = Int(v, key, 0);
    } else if (key == "n_warmup_steps") {
      c_.pruner.n_warmup_steps = Integer(v, key, 0);
    } else if (key == "n_trials" || key == "max_trials") {
      c_.n_trials = Int(v, key, 1);
    } else if (key == "timeout") {
      c_.timeout = Number(v, key);
      if (c_.timeout < 0) Fail(v, "timeout must be >= 0 seconds");
    } else if (key == "timeout_per_trial") {
      c_.timeout_per_trial = Number(v, key);
      if (c_.timeout_per_trial < 0) Fail(v, "timeout_per_trial must be >= 0 seconds");
    } else if (key == "n_jobs" || key == "n_parallel_trials") {
      c_.n_jobs = Int(v, key, 1);
    } else if (key == "storage") {
      c_.storage = v.IsNull() ? "" : Text(v, key);
    } else if (key == "seed") {
      c_.seed = static_cast<uint64_t>(Integer(v, key, 0));
    } else if (key == "max_retries") {
      c_.max_retries = Int(v, key, 0);
    } else if (key == "heartbeat_timeout") {
      c_.heartbeat_timeout = Number(v, key);
      if (c_.heartbeat_timeout < 1) Fail(v, "heartbeat_timeout must be at least 1 second");
    } else if (key == "grid_points") {
      c_.sampler.grid_points = Int(v, key, 1);
    } else if (key == "applied_preset") {  // written by ToYaml: the preset a stored config was resolved with
      c_.preset = Text(v, key);
    } else if (key == "command" || key == "program" || key == "presets") {
      // read before (command) or by LoadSweepConfig (presets)
    } else if (key == "fixed") {
      Map(v, key);
      ReadFixed(v, "");
    } else if (key == "parameters" || key == "searchable") {
      Map(v, key);
      ReadParameters(v, "");
    } else if (key == "constraints") {
      if (!v.IsSequence()) Fail(v, "constraints must be a list of expressions");
      for (const YAML::Node& item : v) c_.constraints.emplace_back(Text(item, "a constraint"), At(item));
    } else {
      Fail(key_node, fmt::format("unknown key '{}' at the top level (did you mean '{}'?)", Echo(key), Closest(key, kTopLevelKeys)));
    }
  }

  void ReadCommand(const YAML::Node& v, const std::string& key) {
    c_.command.clear();
    if (v.IsScalar()) {
      c_.command.push_back(v.Scalar());
    } else if (v.IsSequence()) {
      for (const YAML::Node& word : v) c_.command.push_back(Text(word, key + " entries"));
    } else {
      Fail(v, fmt::format("{} must be a list of words: [program, arg, \"${{args}}\"]", key));
    }
    if (c_.command.empty()) Fail(v, fmt::format("{} is empty", key));
  }

  void ReadSamplerSettings(const YAML::Node& v, const std::string& section) {
    samplers::SamplerSettings& s = c_.sampler;
    for (const auto& p : v) {
      const std::string k = Key(p.first);
      const std::string path = section + "." + k;
      const YAML::Node& x = p.second;
      if (k == "type" || k == "name" || k == "method") SetMethod(x, path);
      else if (k == "num_random_samples") s.num_random_samples = Int(x, path, 0);
      else if (k == "max_suggestion_cost") {
        s.max_suggestion_cost = Number(x, path);
        if (c_.timeout_per_trial == 0) c_.timeout_per_trial = s.max_suggestion_cost;  // also the kill limit
      } else if (k == "resample_frequency") s.resample_frequency = Int(x, path, 0);
      else if (k == "global_search_scale") s.global_search_scale = Number(x, path);
      else if (k == "random_suggestions") s.random_suggestions = Int(x, path, 1);
      else if (k == "suggestions_per_pareto") s.suggestions_per_pareto = Int(x, path, 1);
      else if (k == "expansion_rate") s.expansion_rate = Number(x, path);
      else if (k == "n_startup_trials") s.n_startup_trials = Int(x, path, 0);
      else if (k == "n_ei_candidates") s.n_ei_candidates = Int(x, path, 1);
      else if (k == "gamma") s.tpe_gamma = Number(x, path);
      else if (k == "prior_weight") s.prior_weight = Number(x, path);
      else if (k == "constant_liar") s.constant_liar = Bool(x, path);
      else if (k == "multivariate") s.multivariate = Bool(x, path);
      else if (k == "seed") c_.seed = static_cast<uint64_t>(Integer(x, path, 0));
      else if (k == "grid_points") s.grid_points = Int(x, path, 1);
      else Fail(p.first, fmt::format("unknown key '{}'", Echo(path)));
    }
  }

  void ReadPruner(const YAML::Node& v) {
    pruners::PrunerSettings& s = c_.pruner;
    if (v.IsScalar()) {
      s.method = v.Scalar();
    } else {
      Map(v, "pruner");
      for (const auto& p : v) {
        const std::string k = Key(p.first);
        const std::string path = "pruner." + k;
        const YAML::Node& x = p.second;
        if (k == "type" || k == "name" || k == "method") s.method = Text(x, path);
        else if (k == "n_startup_trials") s.n_startup_trials = Int(x, path, 0);
        else if (k == "n_warmup_steps") s.n_warmup_steps = Integer(x, path, 0);
        else if (k == "interval_steps") s.interval_steps = Integer(x, path, 1);
        else if (k == "percentile") s.percentile = Number(x, path);
        else if (k == "n_min_trials") s.n_min_trials = Int(x, path, 1);
        else if (k == "min_resource") s.min_resource = x.Scalar() == "auto" ? 0 : Integer(x, path, 1);
        else if (k == "max_resource") s.max_resource = x.Scalar() == "auto" ? 0 : Integer(x, path, 1);
        else if (k == "reduction_factor") s.reduction_factor = Int(x, path, 2);
        else if (k == "min_early_stopping_rate") s.min_early_stopping_rate = Int(x, path, 0);
        else if (k == "bootstrap_count") s.bootstrap_count = Int(x, path, 0);
        else Fail(p.first, fmt::format("unknown key '{}'", Echo(path)));
      }
    }
    if (s.method == "successivehalving" || s.method == "asha") s.method = "successive_halving";
    CheckPruner(v);
  }

  // Settings the pruner itself refuses, at the section that set them.
  void CheckPruner(const YAML::Node& section) const {
    try {
      pruners::MakePruner(c_.pruner);
    } catch (const UserError& e) {
      Fail(section, e.what());
    }
  }

  // W&B's early_terminate: {type: hyperband, min_iter, max_iter, eta}.
  void ReadEarlyTerminate(const YAML::Node& v) {
    Map(v, "early_terminate");
    c_.pruner.method = "hyperband";
    for (const auto& p : v) {
      const std::string k = Key(p.first);
      const std::string path = "early_terminate." + k;
      if (k == "type") {
        if (Text(p.second, path) != "hyperband") Fail(p.second, "early_terminate.type must be hyperband");
      } else if (k == "min_iter") c_.pruner.min_resource = Integer(p.second, path, 1);
      else if (k == "max_iter") c_.pruner.max_resource = Integer(p.second, path, 1);
      else if (k == "eta") c_.pruner.reduction_factor = Int(p.second, path, 2);
      else if (k != "s" && k != "strict") Fail(p.first, fmt::format("unknown key '{}'", Echo(path)));
    }
    CheckPruner(v);
  }

  // ----- parameters --------------------------------------------------------------------------

  /// The canonical name of a parameter written as `path`.
  std::string Resolve(const std::string& path, const YAML::Node& node) const {
    if (!c_.command.empty()) return path;  // a custom program takes the names as written
    const size_t dot = path.rfind('.');
    const std::string leaf = dot == std::string::npos ? path : path.substr(dot + 1);
    if (leaf == "hidden_size") return "hidden_size";  // the trainer widens it to net_arch
    const std::optional<std::string> key = CanonicalTrainerKey(path);
    if (!key) {
      Fail(node, fmt::format("'{}' is not a trainer key (did you mean '{}'?); with a custom command: any name is allowed",
                             Echo(path), ClosestTrainerKey(leaf)));
    }
    return *key;
  }

  void Claim(const std::string& name, const std::string& path, const YAML::Node& node) {
    const auto [it, fresh] = claimed_.emplace(name, At(node).where);
    if (!fresh) Fail(node, fmt::format("duplicate parameter '{}' (also at {})", Echo(path), it->second));
  }

  void ReadFixed(const YAML::Node& map, const std::string& prefix) {
    for (const auto& p : map) {
      const std::string path = prefix + Key(p.first);
      if (p.second.IsMap()) {
        ReadFixed(p.second, path + ".");
        continue;
      }
      const std::string name = Resolve(path, p.first);
      Claim(name, path, p.first);
      SetFixed(name, ValueFromYaml(p.second, At(p.second)), At(p.second));
    }
  }

  /// A value every trial gets, however the file wrote it (fixed:, a bare value or W&B's value:).
  void SetFixed(const std::string& name, const Value& value, const Origin& origin) {
    // hpo train would refuse it in every trial: refuse it once, here, where it is written
    if (c_.command.empty()) CheckTrainerValue(name, value, origin);
    // every trial trains on a fixed seed, so it has to be one (see runner::SeedOfTrial)
    if (name == "seed" && !(value.is_int() && value.as_int() >= 0)) {
      throw UserError(origin, fmt::format("fixed seed must be a non-negative integer, got '{}'", Echo(value.ToYaml())));
    }
    c_.fixed[name] = value;
  }

  void ReadParameters(const YAML::Node& map, const std::string& prefix) {
    std::set<std::string> seen;
    for (const auto& p : map) {
      const std::string key = Key(p.first);
      if (!seen.insert(key).second) Fail(p.first, fmt::format("duplicate parameter '{}{}'", prefix, key));
      const std::string path = prefix + key;
      const YAML::Node& v = p.second;
      if (!v.IsMap()) {  // a bare value: fixed
        const std::string name = Resolve(path, p.first);
        Claim(name, path, p.first);
        SetFixed(name, ValueFromYaml(v, At(v)), At(v));
        continue;
      }
      bool spec = false;
      for (const auto& q : v) spec |= kSpecKeys.count(Key(q.first)) > 0;
      if (spec) {
        ReadSpec(path, p.first, v);
      } else {
        ReadParameters(v, path + ".");
      }
    }
  }

  void ReadSpec(const std::string& path, const YAML::Node& key_node, const YAML::Node& v) {
    ParameterSpec spec;
    spec.written_name = path;
    spec.origin = At(key_node);
    std::string kind;
    std::optional<double> min, max;
    bool log = false;
    std::optional<Value> value;
    Origin value_origin;
    for (const auto& p : v) {
      const std::string k = Key(p.first);
      const std::string kpath = path + "." + k;
      const YAML::Node& x = p.second;
      auto once = [&](bool already) {
        if (already) Fail(p.first, fmt::format("{} sets the same thing twice", kpath));
      };
      if (k == "distribution" || k == "type") {
        once(!kind.empty());
        kind = Text(x, kpath);
      } else if (k == "min" || k == "low") {
        once(min.has_value());
        min = Number(x, kpath);
      } else if (k == "max" || k == "high") {
        once(max.has_value());
        max = Number(x, kpath);
      } else if (k == "mean" || k == "prior" || k == "default") {
        if (x.IsSequence() || !ValueFromYaml(x, At(x)).is_number()) {
          spec.prior = ValueFromYaml(x, At(x));
        } else {
          spec.numeric.mean = Number(x, kpath);
          spec.prior = ValueFromYaml(x, At(x));
        }
      } else if (k == "scale") {
        spec.numeric.scale = Text(x, kpath);
      } else if (k == "values" || k == "choices") {
        once(spec.categorical);
        if (!x.IsSequence()) Fail(x, fmt::format("{} must be a list", kpath));
        spec.categorical = true;
        for (const YAML::Node& item : x) {
          // Choices may be lists themselves ([64, 64]): ValueFromYaml takes flat lists.
          spec.choices.push_back(ValueFromYaml(item, At(item)));
        }
        if (spec.choices.empty()) Fail(x, fmt::format("{} is empty: a parameter needs at least one choice", kpath));
      } else if (k == "value") {
        value = ValueFromYaml(x, At(x));
        value_origin = At(x);
      } else if (k == "q") {
        spec.numeric.q = Number(x, kpath);
      } else if (k == "log") {
        log = Bool(x, kpath);
      } else {
        Fail(p.first, fmt::format("unknown key '{}' in a parameter (known: distribution/type, min/low, max/high, "
                                  "mean/prior, scale, values/choices, value, q, log)", Echo(kpath)));
      }
    }
    spec.name = Resolve(path, key_node);
    Claim(spec.name, path, key_node);
    if (value) {  // W&B's constant parameter
      SetFixed(spec.name, *value, value_origin);
      return;
    }
    if (spec.categorical) {
      if (!kind.empty() && kind != "categorical" && kind != "choice") {
        Fail(v, fmt::format("{}: values/choices make a categorical parameter, but the distribution says '{}'", path, kind));
      }
      if (spec.prior && std::find(spec.choices.begin(), spec.choices.end(), *spec.prior) == spec.choices.end()) {
        Fail(v, fmt::format("{}: prior {} is not one of the choices", path, spec.prior->ToYaml()));
      }
      c_.parameters.push_back(std::move(spec));
      return;
    }
    if (kind == "categorical" || kind == "choice") Fail(v, fmt::format("{}: a categorical parameter needs values (or choices)", path));
    if (!min || !max) Fail(v, fmt::format("{}: a numeric parameter needs min and max (or low and high)", path));
    spec.numeric.min = *min;
    spec.numeric.max = *max;
    // Map every vocabulary's distribution names onto ours.
    if (kind.empty()) {
      const bool ints = *min == std::floor(*min) && *max == std::floor(*max) && v["min"] && v["max"] &&
                        ValueFromYaml(v["min"], {}).is_int() && ValueFromYaml(v["max"], {}).is_int();
      kind = ints ? "int_uniform" : "uniform";
    } else if (kind == "int") {
      kind = log ? "int_loguniform" : "int_uniform";
    } else if (kind == "float") {
      kind = log ? "loguniform" : "uniform";
    } else if (kind == "log_uniform") {  // W&B: bounds are natural-log exponents
      kind = "loguniform";
      spec.numeric.min = std::exp(*min);
      spec.numeric.max = std::exp(*max);
    } else if (kind == "int_log_uniform" || kind == "int_loguniform") {
      kind = "int_loguniform";
    } else if (kind == "log_uniform_values") {
      kind = "loguniform";
    }
    spec.numeric.distribution = kind;
    spec.prior.reset();
    c_.parameters.push_back(std::move(spec));
  }

  std::string source_;
  SweepConfig& c_;
  bool goal_node_ = false;
  std::map<std::string, std::string> claimed_;  // canonical name -> where
};

// A preset replaces whole top-level sections of the config with its own.
YAML::Node ApplyPreset(const YAML::Node& root, const std::string& preset, const std::string& source,
                       std::vector<std::string>& names) {
  const YAML::Node presets = root["presets"];
  if (presets) {
    if (!presets.IsMap()) throw UserError(OriginOf(source, presets), "presets must map names to partial configs");
    for (const auto& p : presets) names.push_back(p.first.Scalar());
  }
  if (preset.empty()) return root;
  if (std::find(names.begin(), names.end(), preset) == names.end()) {
    std::string known;
    for (const std::string& n : names) known += (known.empty() ? "" : ", ") + n;
    throw UserError(Origin{"--preset"}, fmt::format("no preset '{}' in {} (presets: {})", preset, source,
                                                    known.empty() ? "none" : known));
  }
  const YAML::Node chosen = presets[preset];
  if (!chosen.IsMap()) throw UserError(OriginOf(source, chosen), fmt::format("preset '{}' must be a mapping", preset));
  YAML::Node merged(YAML::NodeType::Map);
  for (const auto& p : root) {
    const std::string key = p.first.Scalar();
    merged[p.first] = chosen[key] ? chosen[key] : p.second;
  }
  for (const auto& p : chosen) {
    if (!root[p.first.Scalar()]) merged[p.first] = p.second;
  }
  return merged;
}

}  // namespace

namespace {

SweepConfig LoadWithPreset(const YamlDocument& doc, const std::string& name, const std::string& preset);

// Constraints that reject every draw of the prior are reported at load, at the constraint that
// rejected most draws. Deterministic draws: the same file always gives the same answer.
void CheckFeasible(const SweepConfig& config, const space::SearchSpace& space) {
  if (config.constraints.empty()) return;
  constexpr int kDraws = 2000;
  Rng rng(DeriveSeed(0, 0, "feasibility-check"));
  std::vector<int> rejections(config.constraints.size());
  for (int draw = 0; draw < kDraws; ++draw) {
    const std::optional<size_t> rejecting = space.RejectingConstraint(space.ToParams(space.SamplePrior(rng)));
    if (!rejecting) return;
    ++rejections[*rejecting];
  }
  const size_t worst = static_cast<size_t>(std::max_element(rejections.begin(), rejections.end()) - rejections.begin());
  const auto& [text, origin] = config.constraints[worst];
  throw UserError(origin, fmt::format("the constraints look infeasible: all {} random draws were rejected, {} of them by "
                                      "'{}'", kDraws, rejections[worst], Echo(text)));
}

SweepConfig FromDocument(const YamlDocument& doc, const std::string& name, const std::string& preset) {
  SweepConfig config = LoadWithPreset(doc, name, preset);
  // Every preset is checked now, not only when someone selects it.
  for (const std::string& other : config.presets) {
    if (other == preset) continue;
    try {
      LoadWithPreset(doc, name, other);
    } catch (const UserError& e) {
      throw UserError(fmt::format("{} (in preset '{}')", e.what(), other));
    }
  }
  return config;
}

SweepConfig LoadWithPreset(const YamlDocument& doc, const std::string& name, const std::string& preset) {
  if (!doc.root.IsMap()) throw UserError(OriginOf(doc.source, doc.root), "a sweep config must be a mapping of keys");
  SweepConfig config;
  config.source = doc.source;
  config.name = name;
  config.preset = preset;
  const YAML::Node root = ApplyPreset(doc.root, preset, doc.source, config.presets);
  Loader(doc.source, config).Load(root);
  if (config.parameters.empty()) {
    throw UserError(OriginOf(doc.source, doc.root), "the config searches no parameter (parameters: or searchable: is empty)");
  }
  for (const ParameterSpec& p : config.parameters) {
    if (config.fixed.count(p.name)) throw UserError(p.origin, fmt::format("'{}' is both fixed and searched", p.written_name));
  }
  CheckFeasible(config, config.BuildSpace());  // bad distributions and constraints now, not at the first trial
  return config;
}

}  // namespace

SweepConfig LoadSweepConfig(const std::filesystem::path& path, const std::string& preset) {
  return FromDocument(LoadYamlFile(path), path.stem().string(), preset);
}

SweepConfig ParseSweepConfig(const std::string& text, const std::string& source, const std::string& name) {
  SweepConfig config = FromDocument(LoadYamlString(text, source), name, "");
  config.name = name;  // the study's name wins over a name: key in the text
  return config;
}

space::SearchSpace SweepConfig::BuildSpace() const {
  space::SearchSpace space;
  // Every spelling of every name a constraint may use: as written, canonical, and the leaf.
  std::map<std::string, std::string> names;
  auto add_names = [&names](const std::string& canonical, const std::string& written) {
    names[canonical] = canonical;
    names[written] = canonical;
    const size_t dot = written.rfind('.');
    if (dot != std::string::npos) names.emplace(written.substr(dot + 1), canonical);
  };
  for (const ParameterSpec& p : parameters) {
    space.AddParameter(p.name, p.categorical ? space::MakeCategorical(p.choices, p.prior, p.origin)
                                             : space::MakeNumeric(p.numeric, p.origin));
    add_names(p.name, p.written_name);
  }
  // Constraints read fixed values, and in trainer sweeps any trainer key at its default.
  ParamSet constants = fixed;
  if (command.empty()) {
    const TrainerConfig defaults;
    for (const TrainerKey& key : TrainerKeys()) constants.emplace(std::string(key.name), defaults.Get(std::string(key.name)));
  }
  for (const auto& [name, value] : constants) add_names(name, name);
  space.SetFixed(constants);
  const bool trainer = command.empty();
  const space::Constraint::Resolver resolve = [&names, trainer](std::string_view name) -> std::optional<std::string> {
    if (const auto it = names.find(std::string(name)); it != names.end()) return it->second;
    if (trainer) {
      if (const std::optional<std::string> key = CanonicalTrainerKey(name); key && names.count(*key)) return names.at(*key);
    }
    return std::nullopt;
  };
  for (const auto& [text, origin] : constraints) space.AddConstraint(space::Constraint::Parse(text, resolve, origin));
  return space;
}

namespace {

void EmitSampler(YAML::Emitter& out, const samplers::SamplerSettings& s) {
  out << YAML::Key << "sampler" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "method" << YAML::Value << s.method;
  out << YAML::Key << "grid_points" << YAML::Value << s.grid_points;
  out << YAML::Key << "num_random_samples" << YAML::Value << s.num_random_samples;
  out << YAML::Key << "max_suggestion_cost" << YAML::Value << FormatDouble(s.max_suggestion_cost);
  out << YAML::Key << "resample_frequency" << YAML::Value << s.resample_frequency;
  out << YAML::Key << "global_search_scale" << YAML::Value << FormatDouble(s.global_search_scale);
  out << YAML::Key << "random_suggestions" << YAML::Value << s.random_suggestions;
  out << YAML::Key << "suggestions_per_pareto" << YAML::Value << s.suggestions_per_pareto;
  out << YAML::Key << "expansion_rate" << YAML::Value << FormatDouble(s.expansion_rate);
  out << YAML::Key << "n_startup_trials" << YAML::Value << s.n_startup_trials;
  out << YAML::Key << "n_ei_candidates" << YAML::Value << s.n_ei_candidates;
  out << YAML::Key << "gamma" << YAML::Value << FormatDouble(s.tpe_gamma);
  out << YAML::Key << "prior_weight" << YAML::Value << FormatDouble(s.prior_weight);
  out << YAML::Key << "constant_liar" << YAML::Value << s.constant_liar;
  out << YAML::Key << "multivariate" << YAML::Value << s.multivariate;
  out << YAML::EndMap;
}

void EmitPruner(YAML::Emitter& out, const pruners::PrunerSettings& s) {
  // 0 resources mean "auto", which is how the loader reads them back.
  auto resource = [](int64_t r) { return r == 0 ? std::string("auto") : std::to_string(r); };
  out << YAML::Key << "pruner" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "method" << YAML::Value << s.method;
  out << YAML::Key << "n_startup_trials" << YAML::Value << s.n_startup_trials;
  out << YAML::Key << "n_warmup_steps" << YAML::Value << s.n_warmup_steps;
  out << YAML::Key << "interval_steps" << YAML::Value << s.interval_steps;
  out << YAML::Key << "percentile" << YAML::Value << FormatDouble(s.percentile);
  out << YAML::Key << "n_min_trials" << YAML::Value << s.n_min_trials;
  out << YAML::Key << "min_resource" << YAML::Value << resource(s.min_resource);
  out << YAML::Key << "max_resource" << YAML::Value << resource(s.max_resource);
  out << YAML::Key << "reduction_factor" << YAML::Value << s.reduction_factor;
  out << YAML::Key << "min_early_stopping_rate" << YAML::Value << s.min_early_stopping_rate;
  out << YAML::Key << "bootstrap_count" << YAML::Value << s.bootstrap_count;
  out << YAML::EndMap;
}

void EmitParameter(YAML::Emitter& out, const ParameterSpec& p) {
  out << YAML::Key << p.name << YAML::Value << YAML::Flow << YAML::BeginMap;
  if (p.categorical) {
    YAML::Node values(YAML::NodeType::Sequence);
    for (const Value& c : p.choices) values.push_back(ValueToYaml(c));
    out << YAML::Key << "values" << YAML::Value << values;
    if (p.prior) out << YAML::Key << "prior" << YAML::Value << ValueToYaml(*p.prior);
  } else {
    out << YAML::Key << "distribution" << YAML::Value << p.numeric.distribution;
    out << YAML::Key << "min" << YAML::Value << FormatDouble(p.numeric.min);
    out << YAML::Key << "max" << YAML::Value << FormatDouble(p.numeric.max);
    if (p.numeric.mean) out << YAML::Key << "mean" << YAML::Value << FormatDouble(*p.numeric.mean);
    if (p.numeric.scale) out << YAML::Key << "scale" << YAML::Value << *p.numeric.scale;
    if (p.numeric.q != 1.0) out << YAML::Key << "q" << YAML::Value << FormatDouble(p.numeric.q);
  }
  out << YAML::EndMap;
}

}  // namespace

// Every setting, so that ParseSweepConfig(ToYaml()) is the same sweep (tests/config: round trip).
std::string SweepConfig::ToYaml() const {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << name;
  out << YAML::Key << "metric" << YAML::Value << metric;
  out << YAML::Key << "goal" << YAML::Value << (maximize ? "maximize" : "minimize");
  out << YAML::Key << "n_trials" << YAML::Value << n_trials;
  out << YAML::Key << "n_jobs" << YAML::Value << n_jobs;
  out << YAML::Key << "seed" << YAML::Value << seed;
  // The sampler before timeout_per_trial: its max_suggestion_cost sets the timeout only when
  // no timeout_per_trial was read yet.
  EmitSampler(out, sampler);
  EmitPruner(out, pruner);
  out << YAML::Key << "timeout" << YAML::Value << FormatDouble(timeout);
  out << YAML::Key << "timeout_per_trial" << YAML::Value << FormatDouble(timeout_per_trial);
  out << YAML::Key << "max_retries" << YAML::Value << max_retries;
  out << YAML::Key << "heartbeat_timeout" << YAML::Value << FormatDouble(heartbeat_timeout);
  if (!preset.empty()) out << YAML::Key << "applied_preset" << YAML::Value << preset;
  if (!command.empty()) {
    out << YAML::Key << "command" << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (const std::string& w : command) out << w;
    out << YAML::EndSeq;
  }
  out << YAML::Key << "fixed" << YAML::Value << YAML::BeginMap;
  for (const auto& [k, v] : fixed) out << YAML::Key << k << YAML::Value << ValueToYaml(v);
  out << YAML::EndMap;
  out << YAML::Key << "parameters" << YAML::Value << YAML::BeginMap;
  for (const ParameterSpec& p : parameters) EmitParameter(out, p);
  out << YAML::EndMap;
  if (!constraints.empty()) {
    out << YAML::Key << "constraints" << YAML::Value << YAML::BeginSeq;
    for (const auto& [text, origin] : constraints) out << text;
    out << YAML::EndSeq;
  }
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

std::string DescribeParameter(const ParameterSpec& p) {
  if (p.categorical) {
    std::string choices;
    for (const Value& v : p.choices) choices += (choices.empty() ? "" : ", ") + v.ToYaml();
    return fmt::format("categorical [{}]{}", choices, p.prior ? " prior " + p.prior->ToYaml() : "");
  }
  const space::NumericSpec& n = p.numeric;
  std::string text = fmt::format("{} [{}, {}]", n.distribution, FormatDouble(n.min), FormatDouble(n.max));
  if (n.mean) text += " mean " + FormatDouble(*n.mean);
  if (n.scale) text += " scale " + *n.scale;
  if (n.q != 1.0) text += " q " + FormatDouble(n.q);
  return text;
}

std::vector<std::string> StudyChanges(const SweepConfig& stored, const SweepConfig& now) {
  std::vector<std::string> changes;
  auto change = [&changes](const std::string& what, const std::string& before, const std::string& after) {
    if (before != after) changes.push_back(fmt::format("{}: {} -> {}", Echo(what), Echo(before), Echo(after)));
  };
  change("metric", stored.metric, now.metric);
  change("goal", stored.maximize ? "maximize" : "minimize", now.maximize ? "maximize" : "minimize");
  auto program = [](const SweepConfig& c) { return c.command.empty() ? std::string("hpo train") : fmt::format("{}", fmt::join(c.command, " ")); };
  change("trial program", program(stored), program(now));

  std::map<std::string, std::pair<std::string, std::string>> params;  // name -> (before, after)
  for (const ParameterSpec& p : stored.parameters) params[p.name].first = DescribeParameter(p);
  for (const ParameterSpec& p : now.parameters) params[p.name].second = DescribeParameter(p);
  std::map<std::string, std::pair<std::string, std::string>> fixed;
  for (const auto& [k, v] : stored.fixed) fixed[k].first = v.ToYaml();
  for (const auto& [k, v] : now.fixed) fixed[k].second = v.ToYaml();
  auto or_none = [](const std::string& s) { return s.empty() ? std::string("(none)") : s; };
  for (const auto& [name, texts] : params) change(name, or_none(texts.first), or_none(texts.second));
  for (const auto& [name, texts] : fixed) change("fixed " + name, or_none(texts.first), or_none(texts.second));

  auto constraint_list = [](const SweepConfig& c) {
    std::string list;
    for (const auto& [text, origin] : c.constraints) list += (list.empty() ? "" : "; ") + text;
    return "[" + list + "]";
  };
  change("constraints", constraint_list(stored), constraint_list(now));
  return changes;
}

}  // namespace hpo::config
