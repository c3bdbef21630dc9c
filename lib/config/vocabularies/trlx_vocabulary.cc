// trlx's sweep files (CarperAI/trlx at 3340c2f: configs/sweeps/*.yml, read by trlx/sweep.py):
// every top-level key but tune_config is a parameter, keyed by trlx config paths
// (optimizer.kwargs.lr, method.init_kl_coef), written {strategy: NAME, values: [...]}.
// get_param_space (sweep.py:17) turns each into a Ray Tune call with `values` as its positional
// arguments (tune.NAME(*values); choice and grid take the list whole), so Ray's meanings hold.
// tune_config (sweep.py:161 get_tune_config) is tune.TuneConfig's: mode, metric, num_samples,
// max_concurrent_trials, time_budget_s, search_alg (random, bayesopt, bohb) and scheduler (fifo;
// hyperband is Ray's synchronous HyperBand, which pauses and resumes trials: refused).
// The older layout (configs/ray_tune_configs, trlx/ray_tune at aafcae9e) is read too: below.
#include <fmt/format.h>

#include <optional>
#include <string>

#include "lib/config/vocabularies/vocabulary.h"
#include "lib/config/yaml_source.h"

namespace hpo::config {
namespace {

// The number of values each strategy asserts (sweep.py:20-99 get_strategy), and its Ray call.
struct TrlxStrategy {
  const char* strategy;
  const char* fn;
  size_t min_values, max_values;  // 0, 0: any number (a list argument)
};

const TrlxStrategy* FindStrategy(const std::string& name) {
  static const TrlxStrategy kStrategies[] = {
      {"uniform", "uniform", 2, 2},       {"quniform", "quniform", 3, 3},
      {"loguniform", "loguniform", 2, 3}, {"qloguniform", "qloguniform", 4, 4},
      {"randn", "randn", 2, 2},           {"qrandn", "qrandn", 3, 3},
      {"randint", "randint", 2, 2},       {"qrandint", "qrandint", 3, 3},
      {"lograndint", "lograndint", 3, 3}, {"qlograndint", "qlograndint", 4, 4},
      {"choice", "choice", 0, 0},         {"grid", "grid_search", 0, 0},
  };
  for (const TrlxStrategy& s : kStrategies) {
    if (name == s.strategy) return &s;
  }
  return nullptr;
}

class TrlxReader {
 public:
  explicit TrlxReader(SweepReading& r) : r_(r), c_(r.config()) {}

  void ReadParameter(const std::string& name, const YAML::Node& key_node, const YAML::Node& v) {
    r_.Map(v, name);
    for (const auto& p : v) {
      const std::string k = r_.Key(p.first);
      if (k != "strategy" && k != "values")
        r_.Ignore(fmt::format("{}.{}", name, k));  // never read by trlx
    }
    if (!v["strategy"] || !v["values"] || !v["values"].IsSequence())
      r_.Fail(v, fmt::format("{}: trlx takes {{strategy: NAME, values: [...]}}", Echo(name)));
    const std::string strategy = r_.Text(v["strategy"], name + ".strategy");
    const TrlxStrategy* s = FindStrategy(strategy);
    if (!s) {  // get_strategy returns None: Ray would pass None to every trial
      r_.Fail(v["strategy"], fmt::format("{}: strategy '{}' (trlx knows uniform, quniform, "
                                         "loguniform, qloguniform, randn, qrandn, randint, "
                                         "qrandint, lograndint, qlograndint, choice, grid)",
                                         Echo(name), Echo(strategy)));
    }
    const YAML::Node& values = v["values"];
    YAML::Node args(YAML::NodeType::Sequence);
    if (s->min_values == 0) {
      args.push_back(values);
    } else {
      if (values.size() < s->min_values || values.size() > s->max_values) {
        r_.Fail(values, fmt::format("{}: strategy {} takes {} values (trlx asserts it), got {}",
                                    Echo(name), strategy, s->min_values, values.size()));
      }
      for (const YAML::Node& value : values) args.push_back(value);
      CheckLogBase(name, strategy, values);
    }
    AddRayDomain(r_, count_, {name, key_node, v, true}, s->fn, args);
  }

  void ReadTuneConfig(const YAML::Node& tune) {
    r_.Map(tune, "tune_config");
    for (const auto& p : tune) {
      const std::string key = r_.Key(p.first);
      const std::string path = "tune_config." + key;
      const YAML::Node& v = p.second;
      if (v.IsNull()) continue;  // get_tune_config drops keys whose value is None
      if (key == "metric") {
        r_.SetMetric(v, path);
      } else if (key == "mode") {
        const std::string mode = r_.Text(v, path);
        if (mode != "max" && mode != "min")
          r_.Fail(v, fmt::format("{} must be max or min, got '{}'", path, Echo(mode)));
        r_.SetGoal(mode == "max");
      } else if (key == "num_samples") {
        samples_ = r_.Int(v, path, 1);
      } else if (key == "max_concurrent_trials") {
        c_.n_jobs = r_.Int(v, path, 1);
      } else if (key == "time_budget_s") {
        c_.timeout = r_.Seconds(v, path);
      } else if (key == "search_alg") {
        search_alg_set_ = true;
        ReadSearchAlg(v, path);
      } else if (key == "scheduler") {
        ReadScheduler(v, path);
      } else {
        r_.Ignore(path);  // reuse_actors, trial_name_creator...
      }
    }
  }

  // tune.TuneConfig's num_samples defaults to 1: one draw, or each grid point once. Without a
  // search_alg (or a null one) get_tune_config (sweep.py:161-175) gives Ray none: its random
  // search.
  void Finish() {
    if (!search_alg_set_) SetRaySearcher(r_, "");
    count_.Finish(c_, samples_.value_or(1));
  }

 private:
  // Ray's log base: loguniform's optional third value, lograndint's third, the q forms'
  // fourth. trlx pins ray==2.6.3 (requirements.txt:56), whose LogUniform asserts base > 0
  // (python/ray/tune/search/sample.py@62c6771:163) and draws base ** uniform(log_b(lower),
  // log_b(upper)) (:226-229): the same draws for every base, but base 1 divides by log(1) = 0
  // and numpy's uniform overflows. (Ray later ignores the base: sample.py@ba2c50f:625-635.)
  void CheckLogBase(const std::string& name, const std::string& strategy,
                    const YAML::Node& values) {
    const bool log = strategy == "loguniform" || strategy == "lograndint" ||
                     strategy == "qloguniform" || strategy == "qlograndint";
    const size_t at = strategy[0] == 'q' ? 3 : 2;
    if (!log || values.size() <= at) return;
    const YAML::Node& node = values[at];
    const Value base = ValueFromYaml(node, r_.At(node));
    if (!base.is_number()) {
      r_.Fail(node, fmt::format("{}.values: Ray's log base must be a number, got '{}'", name,
                                Echo(node.IsScalar() ? node.Scalar() : base.ToYaml())));
    }
    if (!(base.as_double() > 0)) {
      r_.Fail(node, fmt::format("{}: Ray's log base must be > 0 (Ray 2.6.3, which trlx pins, "
                                "asserts it), got {}",
                                name, node.Scalar()));
    }
    if (base.as_double() == 1)
      r_.Fail(node, fmt::format("{}: log base 1 (Ray divides by log(1) = 0 and fails)", name));
    if (strategy == "loguniform") {
      c_.notes.push_back(
          fmt::format("{}: {} is Ray's log base (tune.loguniform's third "
                      "argument), which changes no draw",
                      name, node.Scalar()));
    }
  }

  // sweep.py:103 get_search_alg: bayesopt and bohb; anything else runs Ray's random search (an
  // unknown name builds a NotImplementedError it never raises, and returns None).
  void ReadSearchAlg(const YAML::Node& v, const std::string& path) {
    const std::string alg = r_.Text(v, path);
    SetRaySearcher(r_, alg == "bayesopt" || alg == "bohb" ? alg : "");
    if (alg != "random" && alg != "bayesopt" && alg != "bohb")
      c_.notes.push_back(fmt::format("{} '{}': trlx runs Ray's random search for it", path, alg));
  }

  // sweep.py:136 get_scheduler.
  void ReadScheduler(const YAML::Node& v, const std::string& path) {
    const std::string scheduler = r_.Text(v, path);
    if (scheduler == "hyperband" || scheduler == "hyperbandforbohb") {
      r_.Fail(v, fmt::format("{} '{}': Ray's synchronous HyperBand pauses trials at each rung and "
                             "resumes the best, which hpo does not do (fifo runs every trial "
                             "whole)",
                             path, scheduler));
    }
    if (scheduler != "fifo")
      c_.notes.push_back(fmt::format("{} '{}': trlx runs no scheduler for it", path, scheduler));
  }

  SweepReading& r_;
  SweepConfig& c_;
  std::optional<int> samples_;
  bool search_alg_set_ = false;
  RayTrialCount count_;
};

// trlx's first Ray Tune layout (aafcae9e: configs/ray_tune_configs/*.yml, read by
// trlx/ray_tune/__init__.py): a whole trlx config whose model:, train: and method: sections
// may hold {strategy, values} one level down.
const char* const kRayTuneSections[] = {"model", "train", "method"};

bool IsRayTuneLayout(const YAML::Node& root) {
  for (const char* section : kRayTuneSections) {
    const YAML::Node s = root[section];
    if (!s || !s.IsMap()) continue;
    for (const auto& p : s) {
      if (p.second.IsMap() && p.second["strategy"]) return true;
    }
  }
  return false;
}

// get_param_space (ray_tune/__init__.py:90-107): each of model, train and method, whose
// {strategy, values} values become Ray calls; a deeper one stays a mapping (parse_param_space
// looks one level down) and the trial gets it as written. Other sections are not passed.
void ReadRayTuneLayout(SweepReading& r, TrlxReader& trlx, const YAML::Node& root) {
  for (const auto& p : root) {
    const std::string key = r.Key(p.first);
    const bool section = key == "model" || key == "train" || key == "method";
    if (key == "tune_config") {
      trlx.ReadTuneConfig(p.second);
    } else if (!section) {
      r.Ignore(key + " (not in the param_space trlx passes to Ray)");
    } else {
      r.Map(p.second, key);
      int settings = 0;
      for (const auto& q : p.second) {
        const std::string name = key + "." + r.Key(q.first);
        if (q.second.IsMap() && q.second["strategy"])
          trlx.ReadParameter(name, q.first, q.second);
        else
          ++settings;
      }
      if (settings > 0)
        r.Ignore(
            fmt::format("{}: {} other settings (trlx's config, passed as written)", key, settings));
    }
  }
}

}  // namespace

bool MatchesTrlx(const YAML::Node& root) {
  if (!root.IsMap() || !root["tune_config"] || !root["tune_config"].IsMap()) return false;
  if (IsRayTuneLayout(root)) return true;
  for (const auto& p : root) {
    if (p.first.IsScalar() && p.first.Scalar() == "tune_config") continue;
    if (!p.second.IsMap() || !p.second["strategy"]) return false;
  }
  return true;
}

void ReadTrlx(SweepReading& r, const YAML::Node& root) {
  TrlxReader trlx(r);
  if (IsRayTuneLayout(root)) {
    ReadRayTuneLayout(r, trlx, root);
    return trlx.Finish();
  }
  for (const auto& p : root) {
    const std::string key = r.Key(p.first);
    if (key == "tune_config")
      trlx.ReadTuneConfig(p.second);
    else
      trlx.ReadParameter(key, p.first, p.second);
  }
  trlx.Finish();
}

}  // namespace hpo::config
