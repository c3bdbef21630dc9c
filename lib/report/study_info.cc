#include "lib/report/study_info.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <filesystem>
#include <optional>

#include "lib/config/objective_formula.h"
#include "lib/core/seed_aggregate.h"
#include "lib/protocol/run_folder.h"
#include "lib/protocol/trial_results.h"

namespace hpo::report {

namespace {

// A study no run has recorded its objectives for (created by an hpo from before
// study_objectives): what its stored config names, as SweepConfig::ToYaml writes it (`metric:`,
// `metric_name:`, or a `metrics:` list), else the default metric in the study's direction.
Objectives ObjectivesInConfig(const YAML::Node& config, const std::string& direction) {
  Objectives objectives;
  objectives.maximize = direction != "minimize";
  if (!config.IsMap()) return objectives;
  const YAML::Node metric = config["metric"];
  if (metric && metric.IsScalar()) objectives.metric = metric.Scalar();
  if (metric && metric.IsMap() && metric["name"]) objectives.metric = metric["name"].Scalar();
  const YAML::Node label = config["metric_name"];
  if (label && label.IsScalar()) objectives.label = label.Scalar();
  const YAML::Node metrics = config["metrics"];
  if (metrics && metrics.IsSequence() && metrics.size() > 0) {
    std::vector<Objective> all;
    for (const YAML::Node& m : metrics)
      all.push_back({m["name"].as<std::string>(""), m["goal"].as<std::string>("") != "minimize"});
    objectives = {all[0].name, "", all[0].maximize, {all.begin() + 1, all.end()}};
  }
  return objectives;
}

}  // namespace

StudyInfo ReadStudyInfo(const store::Study& study) {
  StudyInfo info;
  info.objectives.maximize = study.direction != "minimize";
  if (study.objectives) info.objectives = *study.objectives;
  try {
    const YAML::Node config = YAML::Load(study.config_yaml);
    if (!study.objectives) info.objectives = ObjectivesInConfig(config, study.direction);
    if (config.IsMap() && config["seeds_per_trial"])
      info.seeds.per_trial = config["seeds_per_trial"].as<int>(1);
    if (config.IsMap() && config["aggregate"])
      info.seeds.aggregate = config["aggregate"].as<std::string>("mean");
  } catch (const YAML::Exception&) {
    // A config we cannot read still leaves the objectives: the values are in storage.
  }
  return info;
}

namespace {

// A number as trials write them (protocol::TrialNumber: nan and inf as hpo train wrote them too).
bool IsTrialNumber(const YAML::Node& node) {
  try {
    protocol::TrialNumber(node);
    return true;
  } catch (const YAML::Exception&) {
    return false;
  }
}

// `objective` from a run folder's sweep_eval_results.yaml, as the controller reads it; none when
// the file or the number is missing, or the number is not finite (the controller fails such a
// trial, runner::ReadFinalValue). Adds the file's numeric keys to `numeric_keys`.
std::optional<double> RescoreRun(const std::filesystem::path& run_dir,
                                 const config::ObjectiveFormula& objective,
                                 std::set<std::string>& numeric_keys) {
  try {
    const YAML::Node node = YAML::LoadFile((run_dir / protocol::kResultsFile).string());
    for (const auto& p : node) {
      if (IsTrialNumber(p.second)) numeric_keys.insert(p.first.Scalar());
    }
    const double value = objective.FromResults(node);
    if (!std::isfinite(value)) return std::nullopt;
    return value;
  } catch (const std::exception&) {
    return std::nullopt;  // missing or unreadable results, or no such number
  }
}

// A trial trained on several seeds: each seed rescored from its own folder (seed_<index>), the
// trial's value their aggregate; none unless every seed has the number.
void RescoreSeeds(store::Trial& t, const config::ObjectiveFormula& objective,
                  const SeedSettings& seeds, std::set<std::string>& numeric_keys) {
  std::vector<double> values;
  for (store::SeedValue& s : t.seed_values) {
    const std::filesystem::path dir = protocol::SeedFolder(t.run_dir, s.index);
    const std::optional<double> value = RescoreRun(dir, objective, numeric_keys);
    if (!value) return;
    s.value = *value;
    values.push_back(*value);
  }
  t.value = AggregateSeeds(seeds.aggregate, values);
}

}  // namespace

std::set<std::string> RescoreFromRunDirs(std::vector<store::Trial>& trials,
                                         const std::string& metric, const SeedSettings& seeds) {
  const config::ObjectiveFormula objective = config::ObjectiveFormula::Parse(metric, {"--metric"});
  std::set<std::string> numeric_keys;
  for (store::Trial& t : trials) {
    if (t.state != store::TrialState::kComplete) continue;
    t.value.reset();
    if (t.seed_values.empty()) {
      t.value = RescoreRun(t.run_dir, objective, numeric_keys);
    } else {
      RescoreSeeds(t, objective, seeds, numeric_keys);
      if (!t.value) t.seed_values.clear();  // the sweep's metric's values, not this metric's
    }
  }
  return numeric_keys;
}

}  // namespace hpo::report
