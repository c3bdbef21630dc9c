#include "lib/report/study_info.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>

#include "lib/config/objective_formula.h"
#include "lib/config/yaml_source.h"

namespace hpo::report {

StudyInfo ReadStudyInfo(const store::Study& study) {
  StudyInfo info;
  info.maximize = study.direction != "minimize";
  try {
    const YAML::Node config = YAML::Load(study.config_yaml);
    const YAML::Node metric = config.IsMap() ? config["metric"] : YAML::Node();
    if (metric && metric.IsScalar()) info.metric = metric.Scalar();
    if (metric && metric.IsMap() && metric["name"]) info.metric = metric["name"].Scalar();
    const YAML::Node label = config.IsMap() ? config["metric_name"] : YAML::Node();
    if (label && label.IsScalar())  // an expression's name, shown with it
      info.metric = fmt::format("{} ({})", label.Scalar(), info.metric);
    const YAML::Node metrics = config.IsMap() ? config["metrics"] : YAML::Node();
    if (metrics && metrics.IsSequence() &&
        metrics.size() > 0) {  // as SweepConfig::ToYaml writes it
      std::vector<Objective> all;
      for (const YAML::Node& m : metrics)
        all.push_back({m["name"].as<std::string>(""), m["goal"].as<std::string>("") != "minimize"});
      info.metric = all[0].name;
      info.maximize = all[0].maximize;
      info.more_objectives.assign(all.begin() + 1, all.end());
    }
  } catch (const YAML::Exception&) {
    // A config we cannot read still leaves the default metric name: the values are in storage.
  }
  return info;
}

std::vector<Objective> StudyInfo::Objectives() const {
  return AllObjectives(metric, maximize, more_objectives);
}

std::set<std::string> RescoreFromRunDirs(std::vector<store::Trial>& trials,
                                         const std::string& metric) {
  const config::ObjectiveFormula objective = config::ObjectiveFormula::Parse(metric, {"--metric"});
  std::set<std::string> numeric_keys;
  for (store::Trial& t : trials) {
    if (t.state != store::TrialState::kComplete) continue;
    t.value.reset();
    const std::filesystem::path results =
        std::filesystem::path(t.run_dir) / "sweep_eval_results.yaml";
    try {
      const YAML::Node node = YAML::LoadFile(results.string());
      for (const auto& p : node) {
        if (p.second.IsScalar() && config::ValueFromYaml(p.second, Origin{}).is_number())
          numeric_keys.insert(p.first.Scalar());
      }
      t.value = objective.FromResults(node);
    } catch (const std::exception&) {
      // Missing or unreadable results, or no such number: the trial is not ranked by this metric.
    }
  }
  return numeric_keys;
}

}  // namespace hpo::report
