// Ray Tune and RLlib sweep files.
//  - RLlib's tuned examples: one section per experiment ({run, env, stop, config}), the search
//    written inline in config: as {grid_search: [...]}; env: is read as config.env, as Ray does.
//    The first experiment is read; the others are presets (--preset NAME). RLlib reports
//    episode_reward_mean, which it maximises.
//  - Ray Tune configs, alone or beside a W&B sweep's keys: a tune: section with metric, mode
//    (max|min), num_samples, and the space in search_alg.<name>.space, param_space or config.
// A leaf is {grid_search: [...]}, a Ray Tune sampling call written as a string
// ("tune.loguniform(1e-4, 1e-2)"), hyperopt's {hp.choice: [label, [...]]} (or hyperopt.hp.*),
// or anything hpo's own grammar reads (W&B specs, constants). Semantics follow Ray and hyperopt:
// randint's upper bound is exclusive, hyperopt's loguniform takes natural-log exponents.
// Every searched parameter a grid: the grid sampler, over every combination times num_samples.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "lib/config/vocabularies/vocabulary.h"
#include "lib/config/yaml_source.h"

namespace hpo::config {
namespace {

bool IsRllibExperiment(const YAML::Node& section) {
  return section.IsMap() && section["run"] && section["config"] && section["config"].IsMap();
}

// "tune.loguniform(1e-4, 1e-2)" -> {"loguniform", [1e-4, 1e-2]}; the arguments are read as a YAML
// flow list, so tune.choice([a, b]) gets its list.
std::optional<std::pair<std::string, YAML::Node>> TuneCall(const std::string& text) {
  if (text.rfind("tune.", 0) != 0 || text.back() != ')') return std::nullopt;
  const size_t open = text.find('(');
  if (open == std::string::npos) return std::nullopt;
  try {
    YAML::Node args = YAML::Load("[" + text.substr(open + 1, text.size() - open - 2) + "]");
    if (!args.IsSequence()) return std::nullopt;
    return std::make_pair(text.substr(5, open - 5), args);
  } catch (const YAML::Exception&) {
    return std::nullopt;
  }
}

class RayReader {
 public:
  explicit RayReader(SweepReading& r) : r_(r), c_(r.config()) {}

  void ReadRllib(const YAML::Node& root) {
    std::string first;  // the experiment read without --preset; the others are presets
    for (const auto& p : root) {
      if (!IsRllibExperiment(p.second)) continue;
      if (first.empty())
        first = r_.Key(p.first);
      else
        c_.presets.push_back(r_.Key(p.first));
    }
    const std::string name = c_.preset.empty() ? first : c_.preset;
    if (!IsRllibExperiment(root[name])) {
      throw UserError(Origin{"--preset"},
                      fmt::format("no RLlib experiment '{}' in {}", Echo(name), r_.source()));
    }
    c_.objectives.metric = "episode_reward_mean";
    r_.SetGoal(true);
    c_.notes.push_back("RLlib's metric: episode_reward_mean, maximised");
    for (const auto& p : root) {
      const std::string other = r_.Key(p.first);
      if (other == name) continue;
      r_.Ignore(IsRllibExperiment(p.second)
                    ? fmt::format("{} (another experiment: --preset {})", other, other)
                    : other);
    }
    const YAML::Node experiment = root[name];
    std::optional<int> samples;
    for (const auto& p : experiment) {
      const std::string key = r_.Key(p.first);
      const std::string path = name + "." + key;
      if (key == "config")
        ReadInlineSearch(ConfigWithEnv(experiment), "");
      else if (key == "env")
        continue;  // read inside config, where Ray puts it
      else if (key == "num_samples")
        samples = r_.Int(p.second, path, 1);
      else if (key == "stop")
        r_.Ignore(path + " (RLlib's stopping rule for each trial: the trial program's to apply)");
      else
        r_.Ignore(path);  // run, checkpoint_freq...
    }
    Finish(samples);
  }

  // Ray's Experiment.from_json (python/ray/tune/experiment/experiment.py:256-261) moves an
  // experiment's env: into its config (over a config.env), so a grid_search there is searched.
  YAML::Node ConfigWithEnv(const YAML::Node& experiment) {
    const YAML::Node config = experiment["config"];
    r_.Map(config, "config");
    if (!experiment["env"]) return config;
    YAML::Node merged(YAML::NodeType::Map);
    for (const auto& p : config) {
      if (r_.Key(p.first) != "env") merged.force_insert(p.first, p.second);
    }
    for (const auto& p : experiment) {
      if (r_.Key(p.first) == "env") merged.force_insert(p.first, p.second);
    }
    return merged;
  }

  void ReadTune(const YAML::Node& tune) {
    r_.Map(tune, "tune");
    std::optional<int> samples;
    for (const auto& p : tune) {
      const std::string key = r_.Key(p.first);
      const std::string path = "tune." + key;
      const YAML::Node& v = p.second;
      if (key == "metric") {
        r_.SetMetric(v, path);
      } else if (key == "mode") {
        const std::string mode = r_.Text(v, path);
        if (mode != "max" && mode != "min")
          r_.Fail(v, fmt::format("tune.mode must be max or min, got '{}'", Echo(mode)));
        r_.SetGoal(mode == "max");
      } else if (key == "num_samples") {
        samples = r_.Int(v, path, 1);
      } else if (key == "search_alg") {
        ReadSearchAlg(v);
      } else if (key == "param_space" || key == "config") {
        ReadInlineSearch(v, "");
      } else {
        r_.Ignore(path);  // scheduler, resources_per_trial, local_dir...
      }
    }
    Finish(samples);
  }

 private:
  // search_alg: {hyperopt: {space: {...}, ...}} (or {name: hyperopt, space: ...}).
  void ReadSearchAlg(const YAML::Node& v) {
    r_.Map(v, "tune.search_alg");
    std::string algorithm = v["name"] && v["name"].IsScalar() ? v["name"].Scalar() : "";
    for (const auto& p : v) {
      const std::string key = r_.Key(p.first);
      if (key == "space") {
        ReadInlineSearch(p.second, "");
      } else if (p.second.IsMap()) {
        algorithm = key;
        for (const auto& q : p.second) {
          if (r_.Key(q.first) == "space")
            ReadInlineSearch(q.second, "");
          else
            r_.Ignore("tune.search_alg." + key + "." + r_.Key(q.first));
        }
      } else if (key != "name") {
        r_.Ignore("tune.search_alg." + key);
      }
    }
    SetSampler(algorithm);
  }

  void SetSampler(const std::string& algorithm) { SetRaySearcher(r_, algorithm); }

  // A config mapping whose leaves may be searches; plain values are the program's own settings.
  void ReadInlineSearch(const YAML::Node& map, const std::string& prefix) {
    r_.Map(map, prefix.empty() ? "config" : prefix);
    int settings = 0;
    for (const auto& p : map) {
      const std::string path = prefix + r_.Key(p.first);
      const YAML::Node& v = p.second;
      if (ReadLeaf(path, p.first, v)) continue;
      if (v.IsMap() && !IsSpec(v)) {
        ReadInlineSearch(v, path + ".");
      } else if (v.IsMap()) {
        ReadHpoParameter(r_, path, p.first, v);  // a W&B or hpo spec
      } else {
        ++settings;  // the trainer's own setting, which the trial program has already
      }
    }
    if (settings > 0) {
      const std::string where = prefix.empty() ? "config" : prefix.substr(0, prefix.size() - 1);
      r_.Ignore(fmt::format("{}: {} other setting{} (the trainer's own config)", where, settings,
                            settings == 1 ? "" : "s"));
    }
  }

  static bool IsSpec(const YAML::Node& v) {
    return v["distribution"] || v["values"] || v["value"] || (v["min"] && v["max"]);
  }

  // grid_search, a tune.* call or a hyperopt call; false for anything else.
  bool ReadLeaf(const std::string& path, const YAML::Node& key_node, const YAML::Node& v) {
    if (v.IsMap() && v.size() == 1 && v["grid_search"]) {
      if (!v["grid_search"].IsSequence())
        r_.Fail(v["grid_search"], fmt::format("{}: grid_search takes a list", Echo(path)));
      AddGrid(path, key_node, r_.Values(v["grid_search"], path + ".grid_search"));
      return true;
    }
    if (v.IsMap() && v.size() == 1) {
      const std::string name = r_.Key(v.begin()->first);
      for (const char* prefix : {"hyperopt.hp.", "hp."}) {
        if (name.rfind(prefix, 0) == 0) {
          ReadHyperopt(path, key_node, name.substr(std::string(prefix).size()), v.begin()->second);
          return true;
        }
      }
    }
    if (v.IsScalar()) {
      if (const auto call = TuneCall(v.Scalar())) {
        ReadTuneCall(path, key_node, v, call->first, call->second);
        return true;
      }
    }
    return false;
  }

  // A grid_search written as {grid_search: [...]}: a one-point grid is a constant
  // (variant_generator.py's _grid_search_generator yields its one value in every variant).
  void AddGrid(const std::string& path, const YAML::Node& key_node, std::vector<Value> choices) {
    count_.AddGrid(choices.size());
    r_.AddCategorical(path, key_node, std::move(choices));
  }

  double Arg(const YAML::Node& args, size_t i, const YAML::Node& at, const std::string& path) {
    if (i >= args.size()) r_.Fail(at, fmt::format("{}: missing argument {}", Echo(path), i + 1));
    const Value v = ValueFromYaml(args[i], r_.At(at));
    if (!v.is_number())
      r_.Fail(at, fmt::format("{}: argument {} must be a number, got '{}'", Echo(path), i + 1,
                              Echo(v.ToYaml())));
    return v.as_double();
  }

  // The arguments of a tune.*(...) string are parsed on their own, so they have no line:col of
  // their own and are reported at the string's.
  void ReadTuneCall(const std::string& path, const YAML::Node& key_node, const YAML::Node& v,
                    const std::string& fn, const YAML::Node& args) {
    AddRayDomain(r_, count_, {path, key_node, v, false}, fn, args);
  }

  // hyperopt: [label, args...]; the label is hyperopt's name for the parameter.
  void ReadHyperopt(const std::string& path, const YAML::Node& key_node, const std::string& fn,
                    const YAML::Node& v) {
    if (!v.IsSequence() || v.size() < 2)
      r_.Fail(v, fmt::format("{}: hp.{} takes [label, ...]", Echo(path), Echo(fn)));
    YAML::Node args(YAML::NodeType::Sequence);
    for (size_t i = 1; i < v.size(); ++i) args.push_back(v[i]);
    if (fn == "choice") {
      if (!args[0].IsSequence())
        r_.Fail(v, fmt::format("{}: hp.choice takes [label, [options...]]", Echo(path)));
      return r_.AddCategorical(path, key_node, r_.Values(args[0], path));
    }
    if (fn == "randint" && args.size() == 1)
      return r_.AddNumeric(path, key_node, "int_uniform", 0, Arg(args, 0, v, path) - 1);
    const double a = Arg(args, 0, v, path), b = Arg(args, 1, v, path);
    if (fn == "uniform") return r_.AddNumeric(path, key_node, "uniform", a, b);
    if (fn == "quniform")
      return r_.AddNumeric(path, key_node, "q_uniform", a, b, std::nullopt, std::nullopt,
                           Arg(args, 2, v, path));
    if (fn == "uniformint") return r_.AddNumeric(path, key_node, "int_uniform", a, b);
    if (fn == "randint") return r_.AddNumeric(path, key_node, "int_uniform", a, b - 1);
    if (fn == "loguniform" || fn == "qloguniform") {  // bounds are natural-log exponents
      if (fn == "qloguniform")
        c_.notes.push_back(fmt::format("{}: hp.qloguniform searched without its step", path));
      return r_.AddNumeric(path, key_node, "loguniform", std::exp(a), std::exp(b));
    }
    r_.Fail(v, fmt::format("{}: hp.{} (hpo searches bounded ranges: uniform, quniform, uniformint, "
                           "randint, loguniform, "
                           "qloguniform, choice)",
                           Echo(path), Echo(fn)));
  }

  void Finish(std::optional<int> samples) { count_.Finish(c_, samples); }

  SweepReading& r_;
  SweepConfig& c_;
  RayTrialCount count_;
};

}  // namespace

namespace {

// A number argument of a Ray Tune call: args[i], or Ray's default for it when there is one.
double RayNumber(SweepReading& r, const RayDomainSite& site, const YAML::Node& args, size_t i,
                 const std::string& fn, std::optional<double> fallback = std::nullopt) {
  if (i >= args.size()) {
    if (fallback) return *fallback;
    r.Fail(site.at, fmt::format("{}: tune.{} needs argument {}", Echo(site.path), fn, i + 1));
  }
  const YAML::Node& at = site.args_in_file ? args[i] : site.at;
  const Value v = ValueFromYaml(args[i], r.At(at));
  if (!v.is_number()) {
    r.Fail(at, fmt::format("{}: argument {} of tune.{} must be a number, got '{}'", Echo(site.path),
                           i + 1, fn, Echo(v.ToYaml())));
  }
  return v.as_double();
}

// The one list argument of tune.choice and tune.grid_search.
std::vector<Value> RayList(SweepReading& r, const RayDomainSite& site, const YAML::Node& args,
                           const std::string& fn) {
  if (args.size() != 1 || !args[0].IsSequence())
    r.Fail(site.at, fmt::format("{}: tune.{} takes one list", Echo(site.path), fn));
  std::vector<Value> values;
  for (const YAML::Node& item : args[0])
    values.push_back(ValueFromYaml(item, r.At(site.args_in_file ? item : site.at)));
  return values;
}

// Float.quantized (sample.py) refuses a finite bound that is not a multiple of q.
void CheckMultipleOfQ(SweepReading& r, const RayDomainSite& site, const std::string& fn,
                      double bound, double q) {
  if (!(q > 0)) r.Fail(site.at, fmt::format("{}: tune.{} needs q > 0", Echo(site.path), fn));
  const double ratio = bound / q;
  if (std::fabs(ratio - std::round(ratio)) > 1e-9 * std::max(1.0, std::fabs(ratio))) {
    r.Fail(site.at, fmt::format("{}: tune.{} bound {} is not a multiple of q {} (Ray refuses "
                                "it)",
                                Echo(site.path), fn, FormatDouble(bound), FormatDouble(q)));
  }
}

void CheckPositive(SweepReading& r, const RayDomainSite& site, const std::string& fn, double lo,
                   double hi) {
  if (!(lo > 0 && hi > 0)) {
    r.Fail(site.at, fmt::format("{}: tune.{} needs bounds greater than 0 (Ray refuses {}, {})",
                                Echo(site.path), fn, FormatDouble(lo), FormatDouble(hi)));
  }
}

// Ray's integer domains (Integer in sample.py): integers(lower, upper) leaves out `upper`;
// Quantized with q == 1 passes through to them, and with another q samples on
// [ceil(lower / q) q, floor(upper / q) q) and rounds to a multiple of q, which reaches the top.
void AddRayInteger(SweepReading& r, const RayDomainSite& site, const std::string& fn, bool log,
                   double lo, double hi, double q) {
  if (log) CheckPositive(r, site, fn, lo, hi);
  // integers(lower, lower + 1) (sample.py:357), and floor(exp(uniform(log l, log(l + 1))))
  // (sample.py:374-378), always draw `lower`: a constant, read as a one-value list is.
  if (q == 1 && hi - 1 == lo && lo == std::floor(lo))
    return r.AddCategorical(site.path, site.key_node, {Value(static_cast<int64_t>(lo))});
  if (q == 1)
    return r.AddNumeric(site.path, site.key_node, log ? "int_loguniform" : "int_uniform", lo,
                        hi - 1);
  if (!(q > 0)) r.Fail(site.at, fmt::format("{}: tune.{} needs q > 0", Echo(site.path), fn));
  const double qlo = std::ceil(lo / q) * q, qhi = std::floor(hi / q) * q;
  r.AddNumeric(site.path, site.key_node, log ? "q_log_uniform_values" : "q_uniform", qlo, qhi,
               std::nullopt, std::nullopt, q);
}

}  // namespace

void RayTrialCount::Finish(SweepConfig& c, std::optional<int> num_samples) const {
  const int samples = num_samples.value_or(1);
  const int trials = static_cast<int>(std::min(combinations_ * samples, 1e6));
  if (c.parameters.empty()) {  // constants only: the one variant, num_samples times
    c.n_trials = samples;
    if (samples == 1) c.sampler.method = "grid";
  } else if (grids_ > 0 && grids_ == c.parameters.size()) {
    c.sampler.method = "grid";
    c.n_trials = trials;
  } else if (num_samples || grids_ > 0) {
    c.n_trials = trials;  // num_samples draws for each grid combination, as Ray counts them
  }
}

void SetRaySearcher(SweepReading& r, const std::string& algorithm) {
  SweepConfig& c = r.config();
  if (algorithm == "hyperopt" || algorithm == "optuna" || algorithm == "bohb")
    c.sampler.method = "tpe";
  else if (algorithm == "bayesopt" || algorithm == "ax" || algorithm == "hebo" ||
           algorithm == "skopt")
    c.sampler.method = "protein";
  else
    c.sampler.method = "random";
  if (!algorithm.empty())
    c.notes.push_back(
        fmt::format("Ray Tune's {} search: hpo's {} sampler", algorithm, c.sampler.method));
}

void AddRayDomain(SweepReading& r, RayTrialCount& count, const RayDomainSite& site,
                  const std::string& fn, const YAML::Node& args) {
  const std::string& path = site.path;
  const YAML::Node& key = site.key_node;
  if (fn == "grid_search" || fn == "choice") {
    std::vector<Value> values = RayList(r, site, args, fn);
    if (fn == "grid_search") count.AddGrid(values.size());
    return r.AddCategorical(path, key, std::move(values));
  }
  auto arg = [&](size_t i, std::optional<double> fallback = std::nullopt) {
    return RayNumber(r, site, args, i, fn, fallback);
  };
  if (fn == "randn" || fn == "qrandn") {  // Float(None, None).normal(mean, sd): sd > 0
    const double mean = arg(0, 0.0), sd = arg(1, 1.0), q = fn == "qrandn" ? arg(2) : 1.0;
    if (!(sd > 0)) r.Fail(site.at, fmt::format("{}: tune.{} needs sd > 0", Echo(path), fn));
    return r.AddNormal(path, key, fn == "randn" ? "normal" : "q_normal", mean, sd, q);
  }
  const double lo = arg(0), hi = arg(1);
  if (fn == "randint" || fn == "lograndint")
    return AddRayInteger(r, site, fn, fn[0] == 'l', lo, hi, 1);
  if (fn == "qrandint") return AddRayInteger(r, site, fn, false, lo, hi, arg(2, 1.0));
  if (fn == "qlograndint") return AddRayInteger(r, site, fn, true, lo, hi, arg(2));
  if (fn == "uniform") return r.AddNumeric(path, key, "uniform", lo, hi);
  if (fn == "loguniform" || fn == "qloguniform") CheckPositive(r, site, fn, lo, hi);
  if (fn == "loguniform") return r.AddNumeric(path, key, "loguniform", lo, hi);
  if (fn == "quniform" || fn == "qloguniform") {
    const double q = arg(2);
    CheckMultipleOfQ(r, site, fn, lo, q);
    CheckMultipleOfQ(r, site, fn, hi, q);
    return r.AddNumeric(path, key, fn == "quniform" ? "q_uniform" : "q_log_uniform_values", lo, hi,
                        std::nullopt, std::nullopt, q);
  }
  r.Fail(site.at, fmt::format("{}: tune.{} (hpo reads Ray Tune's uniform, quniform, loguniform, "
                              "qloguniform, randn, qrandn, randint, qrandint, lograndint, "
                              "qlograndint, choice and grid_search)",
                              Echo(path), Echo(fn)));
}

bool MatchesRay(const YAML::Node& root) {
  if (!root.IsMap()) return false;
  if (root["tune"] && root["tune"].IsMap()) return true;
  for (const auto& p : root) {
    if (IsRllibExperiment(p.second)) return true;
  }
  return false;
}

void ReadRay(SweepReading& r, const YAML::Node& root) {
  RayReader ray(r);
  if (!(root["tune"] && root["tune"].IsMap())) return ray.ReadRllib(root);
  // a Ray Tune section beside a W&B sweep's keys (program, command, metric, method...)
  YAML::Node rest(YAML::NodeType::Map);
  for (const auto& p : root) {
    if (p.first.IsScalar() && p.first.Scalar() != "tune") rest.force_insert(p.first, p.second);
  }
  ReadHpo(r, rest);
  ray.ReadTune(root["tune"]);
}

}  // namespace hpo::config
