// Ludwig's hyperopt: section, read as Ludwig runs it (ludwig-ai/ludwig at 5d19f3e63;
// ludwig/schema/hyperopt/ and ludwig/hyperopt/).
//  - parameters: keyed by Ludwig config paths (trainer.learning_rate, combiner.num_fc_layers, a
//    feature's name first), each {space: NAME, ...}. The Ray executor (the default) calls
//    tune.NAME with the spec's keys that name its arguments (execution.py:273
//    _get_search_space): lower, upper, q, categories (choice), values (grid_search), mean, sd;
//    other keys are not passed. So Ray's meanings hold: randint leaves out upper, a grid_search
//    runs every point num_samples times. The optuna executor (optuna_executor.py:60
//    _suggest_params) reads uniform (the default space), loguniform, int/randint/qrandint as
//    suggest_int(lower, upper) (upper included, q unused), choice/categorical and grid_search as
//    a categorical drawn at random.
//  - goal (minimize), metric (loss), output_feature (combined), split (validation): the metric
//    is named split.output_feature.metric, as Ludwig's training statistics nest it.
//  - executor: {type: ray|optuna, num_samples (1: utils.py:212), max_concurrent_trials,
//    time_budget_s, scheduler, sampler and pruner (optuna)}; search_alg: {type}.
// The rest of the file (input_features, trainer, ...) is the model's own config: ignored.
#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "lib/config/vocabularies/vocabulary.h"

namespace hpo::config {
namespace {

// The arguments of each Ray Tune function, in order (python/ray/tune/search/sample.py), with
// the defaults Ray gives the optional ones; `base` is accepted and unused by Ray.
struct RaySignature {
  const char* fn;
  std::vector<const char*> args;
  size_t required;
};

const RaySignature* FindRaySignature(const std::string& fn) {
  static const std::vector<RaySignature> kSignatures = {
      {"uniform", {"lower", "upper"}, 2},
      {"quniform", {"lower", "upper", "q"}, 3},
      {"loguniform", {"lower", "upper", "base"}, 2},
      {"qloguniform", {"lower", "upper", "q", "base"}, 3},
      {"choice", {"categories"}, 1},
      {"grid_search", {"values"}, 1},
      {"randint", {"lower", "upper"}, 2},
      {"qrandint", {"lower", "upper", "q"}, 2},
      {"lograndint", {"lower", "upper", "base"}, 2},
      {"qlograndint", {"lower", "upper", "q", "base"}, 3},
      {"randn", {"mean", "sd"}, 0},
      {"qrandn", {"mean", "sd", "q"}, 3},
  };
  for (const RaySignature& s : kSignatures) {
    if (fn == s.fn) return &s;
  }
  return nullptr;
}

YAML::Node RayDefault(const std::string& arg) {
  if (arg == "mean") return YAML::Node(0.0);
  return YAML::Node(1.0);  // sd of randn, q of qrandint
}

class LudwigReader {
 public:
  LudwigReader(SweepReading& r, const YAML::Node& hyperopt) : r_(r), c_(r.config()), h_(hyperopt) {
    const YAML::Node executor = h_["executor"];
    if (executor && executor.IsMap() && executor["type"])
      executor_ = r_.Kind(executor["type"], "hyperopt.executor.type");
    if (executor_ != "ray" && executor_ != "optuna") {
      r_.Fail(executor["type"], fmt::format("hyperopt.executor.type '{}' (Ludwig's executors: ray, "
                                            "optuna)",
                                            Echo(executor_)));
    }
    c_.vocabulary = fmt::format("Ludwig hyperopt ({} executor)", executor_);
  }

  void Read() {
    r_.Map(h_, "hyperopt");
    // Ludwig's defaults: Ray's variant generator (random search), or Optuna's AutoSampler
    c_.sampler.method = "random";
    if (executor_ == "optuna" && !(h_["executor"]["sampler"])) {
      c_.sampler.method = "tpe";
      c_.notes.push_back("Optuna's auto sampler (Ludwig's default): hpo's tpe");
    }
    std::string goal = "minimize", metric = "loss", feature = "combined", split = "validation";
    for (const auto& p : h_) {
      const std::string key = r_.Key(p.first);
      const std::string path = "hyperopt." + key;
      const YAML::Node& v = p.second;
      if (key == "parameters") {
        ReadParameters(v);
      } else if (key == "goal") {
        goal = r_.Text(v, path);
        if (goal != "minimize" && goal != "maximize")
          r_.Fail(v, fmt::format("{} must be minimize or maximize, got '{}'", path, Echo(goal)));
      } else if (key == "metric" || key == "output_feature" || key == "split") {
        (key == "metric" ? metric : key == "split" ? split : feature) = r_.Text(v, path);
        if (key == "metric") metric_node_.reset(v);
      } else if (key == "executor") {
        ReadExecutor(v);
      } else if (key == "search_alg") {
        ReadSearchAlg(v);
      } else {
        r_.Ignore(path);  // eval_split: the split the best model is evaluated on afterwards
      }
    }
    r_.SetGoal(goal == "maximize");
    SetMetric(metric, feature, split);
    if (!samples_)
      c_.notes.push_back("no executor.num_samples: Ludwig's default, 1 (hyperopt/utils.py:212)");
    count_.Finish(c_, samples_.value_or(1));
  }

 private:
  // Ludwig scores a trial by the best epoch's value of `metric` for `feature` (execution.py:354
  // get_metric_score); the trial program reports it under this name.
  void SetMetric(const std::string& metric, const std::string& feature, const std::string& split) {
    const std::string name =
        metric.find('.') == std::string::npos ? split + "." + feature + "." + metric : metric;
    if (metric_node_)
      r_.SetImpliedMetric(name, metric_node_);
    else
      r_.SetImpliedMetric(name, h_);
    if (split != "validation") {
      c_.notes.push_back(fmt::format(
          "Ludwig's ray executor ranks trials by the validation split's statistics (training's "
          "without one) whatever split says (execution.py:354); the metric is named {} as written",
          name));
    }
    if (name == metric) return;  // written whole (split.feature.metric), as Ludwig's example
    c_.notes.push_back(fmt::format(
        "Ludwig's metric: the best epoch's {} of output feature {} on the {} split, as {}", metric,
        feature, split, name));
  }

  void ReadParameters(const YAML::Node& params) {
    r_.Map(params, "hyperopt.parameters");
    for (const auto& p : params) {
      const std::string name = r_.Key(p.first);
      const YAML::Node& spec = p.second;
      r_.Map(spec, "hyperopt.parameters." + name);
      if (executor_ == "optuna")
        ReadOptunaSpace(name, p.first, spec);
      else
        ReadRaySpace(name, p.first, spec);
    }
  }

  // The Ray executor: tune.<space>(**the spec's keys that name its arguments).
  void ReadRaySpace(const std::string& name, const YAML::Node& key_node, const YAML::Node& spec) {
    if (!spec["space"])
      r_.Fail(spec, fmt::format("{}: a Ludwig parameter needs space", Echo(name)));
    const std::string fn = r_.Kind(spec["space"], name + ".space");
    const RaySignature* signature = FindRaySignature(fn);
    if (!signature) {
      r_.Fail(spec["space"], fmt::format("{}: space '{}' (hpo reads Ray Tune's uniform, quniform, "
                                         "loguniform, qloguniform, randn, qrandn, randint, "
                                         "qrandint, lograndint, qlograndint, choice, grid_search)",
                                         Echo(name), Echo(fn)));
    }
    YAML::Node args(YAML::NodeType::Sequence);
    for (size_t i = 0; i < signature->args.size(); ++i) {
      const std::string arg = signature->args[i];
      if (arg == "base") break;  // deprecated in Ray and not used
      if (spec[arg])
        args.push_back(spec[arg]);
      else if (i < signature->required)
        r_.Fail(spec, fmt::format("{}: Parameter '{}' not defined (tune.{} needs it)", Echo(name),
                                  arg, fn));
      else
        args.push_back(RayDefault(arg));
    }
    for (const auto& p : spec) {
      const std::string k = r_.Key(p.first);
      const auto& a = signature->args;
      if (k != "space" && std::find(a.begin(), a.end(), k) == a.end())
        r_.Ignore(fmt::format("{}.{}", name, k));
    }
    AddRayDomain(r_, count_, {name, key_node, spec, true}, fn, args);
  }

  // The optuna executor's _suggest_params.
  void ReadOptunaSpace(const std::string& name, const YAML::Node& key_node,
                       const YAML::Node& spec) {
    const std::string space = spec["space"] ? r_.Kind(spec["space"], name + ".space") : "uniform";
    auto number = [&](const char* key) {
      if (!spec[key]) r_.Fail(spec, fmt::format("{}: space {} needs {}", Echo(name), space, key));
      return r_.Number(spec[key], name + "." + key);
    };
    if (space == "choice" || space == "categorical" || space == "grid_search") {
      const char* key = space == "grid_search" ? "values" : "categories";
      if (!spec[key] || !spec[key].IsSequence())
        r_.Fail(spec, fmt::format("{}: space {} needs a list {}", Echo(name), space, key));
      return r_.AddCategorical(name, key_node, r_.Values(spec[key], name + "." + key));
    }
    if (space == "uniform" || space == "loguniform")
      return r_.AddNumeric(name, key_node, space, number("lower"), number("upper"));
    if (space == "int" || space == "randint" || space == "qrandint")  // suggest_int: both ends
      return r_.AddNumeric(name, key_node, "int_uniform", number("lower"), number("upper"));
    r_.Fail(spec["space"], fmt::format("{}: space '{}' (Ludwig's optuna executor reads uniform, "
                                       "loguniform, int, randint, qrandint, choice, categorical, "
                                       "grid_search)",
                                       Echo(name), Echo(space)));
  }

  void ReadExecutor(const YAML::Node& executor) {
    r_.Map(executor, "hyperopt.executor");
    for (const auto& p : executor) {
      const std::string key = r_.Key(p.first);
      const std::string path = "hyperopt.executor." + key;
      const YAML::Node& v = p.second;
      if (key == "num_samples")
        samples_ = r_.Int(v, path, 1);
      else if (key == "max_concurrent_trials" && !v.IsNull())
        c_.n_jobs = r_.Jobs(v, path);
      else if (key == "time_budget_s" && !v.IsNull())
        c_.timeout = r_.Seconds(v, path);
      else if (key == "scheduler" && executor_ == "ray")
        ReadScheduler(v);
      else if (key == "sampler" && executor_ == "optuna")
        ReadOptunaSampler(v, path);
      else if (key == "pruner" && executor_ == "optuna")
        ReadOptunaPruner(v, path);
      else if (key != "type")
        r_.Ignore(path);  // resources per trial, kubernetes_namespace, study_name, storage
    }
  }

  void ReadSearchAlg(const YAML::Node& v) {
    r_.Map(v, "hyperopt.search_alg");
    for (const auto& p : v) {
      if (r_.Key(p.first) != "type") r_.Ignore("hyperopt.search_alg." + r_.Key(p.first));
    }
    if (executor_ == "optuna") return r_.Ignore("hyperopt.search_alg (the optuna executor)");
    const std::string type = v["type"] ? r_.Kind(v["type"], "hyperopt.search_alg.type") : "";
    SetRaySearcher(r_, type == "variant_generator" ? "" : type);
  }

  // optuna_executor.py:34 _create_sampler.
  void ReadOptunaSampler(const YAML::Node& v, const std::string& path) {
    const std::string sampler = r_.Kind(v, path);
    if (sampler == "tpe" || sampler == "cmaes" || sampler == "random") {
      c_.sampler.method = sampler;
    } else if (sampler == "auto" || sampler == "gp") {
      c_.sampler.method = sampler == "auto" ? "tpe" : "protein";
      c_.notes.push_back(fmt::format("Optuna's {} sampler: hpo's {}", sampler, c_.sampler.method));
    } else {
      r_.Fail(v,
              fmt::format("{} '{}' (Ludwig's: auto, gp, tpe, cmaes, random)", path, Echo(sampler)));
    }
  }

  // Optuna's MedianPruner() and HyperbandPruner() with their defaults, which hpo's are.
  void ReadOptunaPruner(const YAML::Node& v, const std::string& path) {
    if (v.IsNull()) return;
    const std::string pruner = r_.Kind(v, path);
    if (pruner != "median" && pruner != "hyperband")
      return r_.Ignore(path + " (Ludwig runs no pruner for '" + pruner + "')");
    YAML::Node section(YAML::NodeType::Map);
    section["type"] = pruner;
    r_.ReadPruner(section);
  }

  void ReadScheduler(const YAML::Node& v) {
    if (v.IsNull()) return;
    r_.Map(v, "hyperopt.executor.scheduler");
    const std::string type = v["type"] ? r_.Kind(v["type"], "scheduler.type") : "fifo";
    if (type == "fifo") return;
    if (type != "async_hyperband" && type != "asynchyperband" && type != "asha") {
      r_.Fail(v, fmt::format("hyperopt.executor.scheduler.type '{}': Ray's {} scheduler pauses, "
                             "restarts or changes trials, which hpo does not do (hpo reads fifo "
                             "and async_hyperband)",
                             Echo(type), Echo(type)));
    }
    ReadAsha(v);
  }

  // Ray's AsyncHyperBandScheduler with one bracket is asynchronous successive halving, as
  // Optuna's SuccessiveHalvingPruner (hpo's successive_halving) is: rungs at grace_period *
  // reduction_factor^k of time_attr, a trial below the rung's top 1 / reduction_factor stops.
  void ReadAsha(const YAML::Node& v) {
    pruners::HalvingRule& rule = c_.pruner.halving_rule;
    rule.min_resource = 1;  // Ludwig's defaults (schema/hyperopt/scheduler.py:127)
    rule.reduction_factor = 4;
    for (const auto& p : v) {
      const std::string key = r_.Key(p.first);
      const std::string path = "hyperopt.executor.scheduler." + key;
      const YAML::Node& x = p.second;
      if (key == "time_attr" && r_.Text(x, path) != "training_iteration") {
        r_.Fail(x, fmt::format("{} '{}': hpo's pruner counts the steps a trial reports, not {}",
                               path, Echo(x.Scalar()), Echo(x.Scalar())));
      } else if (key == "grace_period") {
        rule.min_resource = r_.Integer(x, path, 1);
      } else if (key == "reduction_factor") {
        rule.reduction_factor = static_cast<int>(r_.Integer(x, path, 2, 1000));
      } else if (key == "brackets" && r_.Integer(x, path, 1) != 1) {
        r_.Fail(x, path + ": ASHA with several brackets has no counterpart in hpo (1 is read)");
      } else if (key == "max_t" || key == "stop_last_trials") {
        r_.Ignore(path + " (stopping a trial at max_t is the trial program's to do)");
      } else if (key != "type" && key != "time_attr" && key != "brackets") {
        r_.Ignore(path);
      }
    }
    c_.pruner.method = "successive_halving";
    c_.notes.push_back(fmt::format(
        "Ray's async_hyperband: hpo's successive_halving pruner, rungs at {} x {}^k reported "
        "steps (Ray's training_iteration counts reports; its cutoff is a percentile of the rung, "
        "Optuna's the top 1/{} of it)",
        rule.min_resource, rule.reduction_factor, rule.reduction_factor));
  }

  SweepReading& r_;
  SweepConfig& c_;
  const YAML::Node h_;
  std::string executor_ = "ray";
  YAML::Node metric_node_;
  std::optional<int> samples_;
  RayTrialCount count_;
};

}  // namespace

bool MatchesLudwig(const YAML::Node& root) {
  if (!root.IsMap() || !root["hyperopt"] || !root["hyperopt"].IsMap()) return false;
  return root["hyperopt"]["parameters"] && root["hyperopt"]["parameters"].IsMap();
}

void ReadLudwig(SweepReading& r, const YAML::Node& root) {
  LudwigReader ludwig(r, root["hyperopt"]);
  for (const auto& p : root) {
    const std::string key = r.Key(p.first);
    if (key != "hyperopt") r.Ignore(key + " (the model's own config)");
  }
  ludwig.Read();
}

}  // namespace hpo::config
