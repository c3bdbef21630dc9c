// Azure ML sweep jobs (CLI v2): search_space {name: {type: choice, values} | {type: uniform |
// quniform, min_value, max_value[, q]} | {type: loguniform | qloguniform, min_value, max_value
// (natural-log exponents)[, q]} | {type: randint, upper}}; objective {goal, primary_metric};
// limits {max_total_trials, max_concurrent_trials, timeout}; sampling_algorithm;
// early_termination (median_stopping, truncation_selection, bandit: hpo's nearest pruner).
#include <fmt/format.h>

#include <cmath>

#include "lib/config/vocabularies/vocabulary.h"
#include "lib/config/yaml_source.h"

namespace hpo::config {
namespace {

// ChoiceSchema's values are integers, texts, floats or mappings (search_space/choice.py:22-45
// at da69b740), and marshmallow's number and string fields refuse a boolean: Azure refuses
// true, false and what yaml.safe_load reads as them (yes, no, on, off).
void RefuseBooleanChoices(SweepReading& r, const std::string& name, const YAML::Node& values) {
  for (const YAML::Node& v : values) {
    if (!v.IsScalar() || !ValueFromYaml(v, r.At(v)).is_bool()) continue;
    r.Fail(v, fmt::format("{}: '{}' is a boolean to yaml.safe_load (YAML 1.1), which Azure ML "
                          "loads the file with, and Azure's choice takes integers, numbers, "
                          "texts or mappings: quote it",
                          Echo(name), Echo(v.Scalar())));
  }
}

void ReadSearchSpace(SweepReading& r, const YAML::Node& space) {
  r.Map(space, "search_space");
  for (const auto& p : space) {
    const std::string name = r.Key(p.first);
    const YAML::Node& v = p.second;
    if (!v.IsMap() || !v["type"])
      r.Fail(v, fmt::format("search_space.{} needs a type", Echo(name)));
    const std::string type = r.Kind(v["type"], name + ".type");
    auto number = [&](const char* key) {
      if (!v[key]) r.Fail(v, fmt::format("{}: type {} needs {}", Echo(name), type, key));
      // marshmallow's Float takes a number written as text (uniform.py:17-18): '1e-5', which
      // yaml.safe_load gives, is 1e-05
      return r.Number(v[key], name + "." + key, true);
    };
    const double q = v["q"] ? r.Number(v["q"], name + ".q", true) : 1.0;
    if (type == "choice") {
      if (!v["values"] || !v["values"].IsSequence())
        r.Fail(v, fmt::format("{}: type choice needs a list values", Echo(name)));
      RefuseBooleanChoices(r, name, v["values"]);
      r.AddCategorical(name, p.first, r.Values(v["values"], name + ".values"));
    } else if (type == "uniform") {
      r.AddNumeric(name, p.first, "uniform", number("min_value"), number("max_value"));
    } else if (type == "quniform") {
      r.AddNumeric(name, p.first, "q_uniform", number("min_value"), number("max_value"),
                   std::nullopt, std::nullopt, q);
    } else if (type == "loguniform") {  // exp(U(min_value, max_value))
      r.AddNumeric(name, p.first, "loguniform", std::exp(number("min_value")),
                   std::exp(number("max_value")));
    } else if (type == "randint") {  // 0 .. upper - 1
      r.AddNumeric(name, p.first, "int_uniform", 0, number("upper") - 1);
    } else {
      r.Fail(v["type"],
             fmt::format(
                 "{}: type '{}' is not supported (choice, uniform, quniform, loguniform, randint)",
                 Echo(name), Echo(type)));
    }
  }
}

}  // namespace

// early_termination {type: median_stopping | truncation_selection | bandit}. Azure counts its
// evaluation_interval and delay_evaluation in metric reports, hpo's pruners in steps, so those
// keep hpo's defaults (listed as ignored). Bandit (stop runs outside a slack of the best) has no
// hpo pruner: the median rule is the nearest, and the dry run says so.
void ReadEarlyTermination(SweepReading& r, const YAML::Node& v) {
  r.Map(v, "early_termination");
  pruners::PrunerSettings& pruner = r.config().pruner;
  const std::string type = v["type"] ? r.Text(v["type"], "early_termination.type") : "";
  if (type == "median_stopping") {
    pruner.method = "median";
  } else if (type == "truncation_selection") {
    pruner.method = "percentile";
    if (v["truncation_percentage"])
      pruner.percentile_rule.percentile =
          r.Number(v["truncation_percentage"], "early_termination.truncation_percentage");
  } else if (type == "bandit") {
    pruner.method = "median";
    r.config().notes.push_back(
        "early_termination bandit has no hpo pruner: the median pruner is used");
  } else {
    r.Fail(v,
           fmt::format(
               "early_termination.type '{}' (known: median_stopping, truncation_selection, bandit)",
               Echo(type)));
  }
  for (const auto& p : v) {
    const std::string k = r.Key(p.first);
    if (k != "type" && k != "truncation_percentage") r.Ignore("early_termination." + k);
  }
}

bool MatchesAzureMl(const YAML::Node& root) {
  return root.IsMap() && root["search_space"] && root["type"] && root["type"].IsScalar() &&
         root["type"].Scalar() == "sweep";
}

void ReadAzureMl(SweepReading& r, const YAML::Node& root) {
  for (const auto& p : root) {
    const std::string key = r.Key(p.first);
    if (key == "search_space") {
      ReadSearchSpace(r, p.second);
    } else if (key == "objective") {
      for (const auto& q : p.second) {
        const std::string k = r.Key(q.first);
        if (k == "goal")
          r.SetGoal(q.second, "objective.goal");
        else if (k == "primary_metric")
          r.SetMetric(q.second, "objective.primary_metric");
        else
          r.Ignore("objective." + k);
      }
    } else if (key == "limits") {
      for (const auto& q : p.second) {
        const std::string k = r.Key(q.first);
        const std::string path = "limits." + k;
        if (k == "max_total_trials")
          r.config().n_trials = r.Int(q.second, path, 1);
        else if (k == "max_concurrent_trials")
          r.config().n_jobs = r.Int(q.second, path, 1);
        else if (k == "timeout")
          r.config().timeout = r.Number(q.second, path);
        else if (k == "trial_timeout")
          r.config().timeout_per_trial = r.Number(q.second, path);
        else
          r.Ignore(path);
      }
    } else if (key == "sampling_algorithm") {
      const std::string algorithm = p.second.IsMap() && p.second["type"]
                                        ? r.Text(p.second["type"], key + ".type")
                                        : r.Text(p.second, key);
      if (algorithm == "random" || algorithm == "grid")
        r.config().sampler.method = algorithm;
      else if (algorithm == "bayesian")
        r.config().sampler.method = "protein";
      else
        r.config().notes.push_back(
            fmt::format("sampling_algorithm {}: searched at random", algorithm));
      if (algorithm != "random" && algorithm != "grid" && algorithm != "bayesian")
        r.config().sampler.method = "random";
    } else if (key == "early_termination") {
      ReadEarlyTermination(r, p.second);
    } else {
      r.Ignore(key);  // $schema, type, trial, inputs, compute...
    }
  }
}

}  // namespace hpo::config
