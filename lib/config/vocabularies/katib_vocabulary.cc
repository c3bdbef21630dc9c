// Katib Experiments (kubeflow.org/v1beta1): spec.parameters, a list of {name, parameterType:
// double | int | discrete | categorical, feasibleSpace: {min, max, step, list, distribution:
// uniform | logUniform}} whose numbers are strings; spec.objective {type (the direction),
// objectiveMetricName, goal (a target value, not a direction: hpo's target)}; maxTrialCount,
// parallelTrialCount, algorithm.algorithmName (hpo's nearest sampler) and earlyStopping
// (medianstop: the median pruner). Semantics of Katib's Optuna suggestion service.
#include <fmt/format.h>

#include "lib/config/vocabularies/vocabulary.h"
#include "lib/config/yaml_source.h"

namespace hpo::config {
namespace {

void ReadParameter(SweepReading& r, const YAML::Node& item) {
  r.Map(item, "a spec.parameters entry");
  if (!item["name"]) r.Fail(item, "a spec.parameters entry needs name");
  const std::string name = r.Text(item["name"], "name");
  const std::string type =
      item["parameterType"] ? r.Kind(item["parameterType"], name + ".parameterType") : "";
  const YAML::Node space = item["feasibleSpace"];
  if (!space || !space.IsMap()) r.Fail(item, fmt::format("{}: needs feasibleSpace", Echo(name)));
  if (type == "categorical" || type == "discrete") {
    if (!space["list"] || !space["list"].IsSequence())
      r.Fail(space, fmt::format("{}: needs feasibleSpace.list", Echo(name)));
    std::vector<Value> choices;
    for (const YAML::Node& v : space["list"]) {
      Value value = ValueFromYaml(v, r.At(v));
      // FeasibleSpace.List is []string (experiment_types.go:227 at 33c8ff4e): the webhooks'
      // decode refuses a JSON boolean or null, which kubectl makes of y, no, on, ~ (go-yaml v2)
      if (value.is_bool() || value.is_null())
        r.Fail(v, fmt::format("{}: '{}' is {} to kubectl (go-yaml v2 reads YAML 1.1's words), "
                              "and Katib refuses it: feasibleSpace.list holds strings; quote it",
                              Echo(name), Echo(v.Scalar()), value.ToYaml()));
      // Katib writes every value as a string; a discrete parameter's are numbers
      if (type == "discrete" && value.is_string())
        value = Value::Parse(value.as_string()).value_or(value);
      choices.push_back(value);
    }
    return r.AddCategorical(name, item["name"], std::move(choices));
  }
  if (type != "double" && type != "int") {
    r.Fail(item,
           fmt::format("{}: unknown parameterType '{}' (known: double, int, discrete, categorical)",
                       Echo(name), Echo(type)));
  }
  if (!space["min"] || !space["max"])
    r.Fail(space, fmt::format("{}: needs feasibleSpace.min and max", Echo(name)));
  const double min = r.Number(space["min"], name + ".min", true),
               max = r.Number(space["max"], name + ".max", true);
  const std::string distribution =
      space["distribution"] ? r.Kind(space["distribution"], name + ".distribution") : "uniform";
  const bool log = distribution == "loguniform";
  if (!log && distribution != "uniform") {
    r.Fail(space["distribution"],
           fmt::format("{}: distribution '{}' is not supported (uniform, logUniform)", Echo(name),
                       Echo(distribution)));
  }
  const bool has_step = static_cast<bool>(space["step"]);
  const double step = has_step ? r.Number(space["step"], name + ".step", true) : 1.0;
  std::string kind;
  // Katib's step counts from min, as Optuna's
  if (type == "int")
    kind = log ? "int_loguniform" : "int_uniform";
  else
    kind = log ? "loguniform" : (has_step ? "discrete_uniform" : "uniform");
  r.AddNumeric(name, item["name"], kind, min, max, std::nullopt, std::nullopt, step);
}

void ReadObjective(SweepReading& r, const YAML::Node& objective) {
  for (const auto& p : objective) {
    const std::string key = r.Key(p.first);
    const std::string path = "spec.objective." + key;
    if (key == "type")
      r.SetGoal(p.second, path);
    else if (key == "objectiveMetricName")
      r.SetMetric(p.second, path);
    else if (key == "goal")
      r.config().target = r.Number(p.second, path, true);  // ends the experiment when reached
    else
      r.Ignore(path);  // additionalMetricNames...
  }
}

}  // namespace

// Katib's suggestion algorithms, by hpo's nearest sampler.
void ReadAlgorithm(SweepReading& r, const std::string& name) {
  SweepConfig& c = r.config();
  if (name == "random" || name == "grid")
    c.sampler.method = name;
  else if (name == "tpe" || name == "multivariate-tpe")
    c.sampler.method = "tpe";
  else if (name == "bayesianoptimization")
    c.sampler.method = "protein";
  else if (name == "cmaes")
    c.sampler.method = "cmaes";
  else if (name == "hyperband")
    c.sampler.method = "random", c.pruner.method = "hyperband";
  else
    c.notes.push_back(fmt::format("Katib algorithm {} has no hpo sampler: tpe is used", name)),
        c.sampler.method = "tpe";
}

// earlyStopping {algorithmName: medianstop, algorithmSettings: [{name, value}]}: hpo's median
// pruner; min_trials_required and start_step are its start-up trials and warm-up steps.
void ReadEarlyStopping(SweepReading& r, const YAML::Node& v) {
  const std::string name =
      v["algorithmName"] ? r.Text(v["algorithmName"], "spec.earlyStopping.algorithmName") : "";
  if (name != "medianstop") {
    r.Fail(v, fmt::format("spec.earlyStopping.algorithmName '{}' (known: medianstop)", Echo(name)));
  }
  pruners::PrunerSettings& pruner = r.config().pruner;
  pruner.method = "median";
  if (!v["algorithmSettings"] || !v["algorithmSettings"].IsSequence()) return;
  for (const YAML::Node& setting : v["algorithmSettings"]) {
    const std::string key =
        setting["name"] ? r.Text(setting["name"], "algorithmSettings.name") : "";
    if (!setting["value"]) continue;
    if (key == "min_trials_required")
      pruner.percentile_rule.n_startup_trials =
          static_cast<int>(r.Number(setting["value"], key, true));
    else if (key == "start_step")
      pruner.percentile_rule.n_warmup_steps =
          static_cast<int64_t>(r.Number(setting["value"], key, true));
    else
      r.Ignore("spec.earlyStopping." + key);
  }
}

bool MatchesKatib(const YAML::Node& root) {
  return root.IsMap() && root["kind"] && root["kind"].IsScalar() &&
         root["kind"].Scalar() == "Experiment" && root["spec"];
}

void ReadKatib(SweepReading& r, const YAML::Node& root) {
  for (const auto& p : root) {
    const std::string key = r.Key(p.first);
    if (key != "spec") {
      r.Ignore(key);  // apiVersion, kind, metadata
      continue;
    }
    for (const auto& q : p.second) {
      const std::string k = r.Key(q.first);
      const std::string path = "spec." + k;
      if (k == "parameters") {
        if (!q.second.IsSequence()) r.Fail(q.second, "spec.parameters must be a list");
        for (const YAML::Node& item : q.second) ReadParameter(r, item);
      } else if (k == "objective") {
        ReadObjective(r, q.second);
      } else if (k == "maxTrialCount") {
        r.config().n_trials = r.Int(q.second, path, 1);
      } else if (k == "parallelTrialCount") {
        r.config().n_jobs = r.Int(q.second, path, 1);
      } else if (k == "algorithm" && q.second.IsMap() && q.second["algorithmName"]) {
        ReadAlgorithm(r, r.Text(q.second["algorithmName"], path + ".algorithmName"));
      } else if (k == "earlyStopping" && q.second.IsMap()) {
        ReadEarlyStopping(r, q.second);
      } else {
        r.Ignore(path);  // trialTemplate, maxFailedTrialCount...
      }
    }
  }
}

}  // namespace hpo::config
