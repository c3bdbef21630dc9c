// Parameter importance: which hyperparameters explain the variation of the score.
//
// Method: fANOVA as Optuna 3.1's FanovaImportanceEvaluator computes it (lib/report/fanova.h):
// a random forest of 64 trees on the complete trials, each parameter's share of the variance
// its main effect explains. hpo grows kForests forests of different seeds and gives each share
// as their mean and standard deviation, so a reader sees which differences the forest's own
// randomness could make. Parameters are encoded as Optuna encodes the exported study
// (`hpo export --format optuna-journal`): numeric ones in their own values, even on log axes.
#pragma once

#include <string>
#include <vector>

#include "lib/config/sweep_config.h"
#include "lib/report/sweep_results.h"
#include "lib/store/store.h"

namespace hpo::report {

/// Forests grown, seeds 0 .. kForests - 1: the mean over them is the share, their standard
/// deviation its uncertainty.
constexpr int kForests = 5;

struct ParameterImportance {
  std::string parameter;
  double importance = 0;  ///< share of the explained variance, in [0, 1]: mean over the forests
  double spread = 0;      ///< standard deviation of the share over the forests
};

/// The importances of the parameters that every COMPLETE trial with a finite value has (as
/// Optuna ranks its intersection search space), most important first; a parameter with one
/// possible value gets 0. Trials whose values lie outside `config`'s space (an earlier space)
/// are left out. Throws a UserError naming `sweep_name` when fewer than 3 trials remain.
std::vector<ParameterImportance> TrialImportance(const config::SweepConfig& config,
                                                 const std::vector<store::Trial>& trials,
                                                 const std::string& sweep_name);

/// TrialImportance of a sweep. Also throws a UserError when the stored config no longer parses
/// (no search space to measure in).
std::vector<ParameterImportance> SweepImportance(const SweepResults& sweep);

/// analysis/hyperparameter_importance.yaml: `importance_ranking` (parameter, importance, its
/// spread over the forests, best_value: the best trial's value) and `top_5_configs` (config_id,
/// params, the metric), as in the seeds' analysis files.
std::string ImportanceYaml(const SweepResults& sweep,
                           const std::vector<ParameterImportance>& ranking);

}  // namespace hpo::report
