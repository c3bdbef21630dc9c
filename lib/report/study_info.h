// What reports need to know about a study beyond its trials: the metric and its direction.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "lib/core/pareto.h"
#include "lib/store/store.h"

namespace hpo::report {

struct StudyInfo {
  /// The metric as reports show it: its name or expression, or "composite (0.7*a + 0.3*b)" for
  /// an expression with a metric_name.
  std::string metric = "final_mean_reward";
  bool maximize = true;
  std::vector<Objective> more_objectives = {};  ///< a multi-objective study's further objectives
  bool MultiObjective() const { return !more_objectives.empty(); }
  std::vector<Objective> Objectives() const;
};

/// Reads the metric name from the study's stored config (`metric: name`, `metric: {name:}` or
/// a `metrics:` list) and the direction from the study.
StudyInfo ReadStudyInfo(const store::Study& study);

/// Replaces each complete trial's value with `metric` (a name or an expression) from its run
/// directory's sweep_eval_results.yaml, read as the controller reads it
/// (config::ObjectiveFormula: reward aliases, unsolved time_to_solve); trials without it lose
/// their value. A malformed expression is a UserError at --metric. For ranking by a
/// metric the sweep did not optimise. Returns the numeric keys the results files have.
std::set<std::string> RescoreFromRunDirs(std::vector<store::Trial>& trials,
                                         const std::string& metric);

}  // namespace hpo::report
