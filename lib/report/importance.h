// Parameter importance: which hyperparameters explain the variation of the score.
//
// Method: functional ANOVA first-order (main-effect) indices on a Gaussian-process surrogate
// (Hutter, Hoos & Leyton-Brown 2014 use a random forest; the decomposition is the same). The GP
// of lib/samplers/gaussian_process.h is fitted to the trials' unit coordinates and standardised
// scores; for each parameter j its main effect f_j(v) is the surrogate's mean averaged over the
// other parameters (Monte Carlo over uniform points of the box) with x_j = v, on a grid of v
// (every level of a categorical); the importance of j is Var_v f_j(v), normalised so the
// importances sum to 1. Interactions are not attributed to any parameter.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lib/report/sweep_results.h"
#include "lib/space/search_space.h"

namespace hpo::report {

struct ParameterImportance {
  std::string parameter;
  double importance = 0;  ///< share of the main-effect variance, in [0, 1]
};

/// Main-effect importances of every dimension of `space`, most important first. `points` are
/// unit points (as SearchSpace::ToUnit gives), `scores` their values (larger or smaller: the
/// sign does not matter). Needs at least 2 points; deterministic for a given `seed`.
std::vector<ParameterImportance> MainEffectImportance(const space::SearchSpace& space,
                                                      const std::vector<space::UnitPoint>& points,
                                                      const std::vector<double>& scores,
                                                      uint64_t seed);

/// The importances for a sweep's COMPLETE trials. Throws a UserError when fewer than 3 trials
/// completed or the stored config no longer parses (no search space to measure in).
std::vector<ParameterImportance> SweepImportance(const SweepResults& sweep);

/// analysis/hyperparameter_importance.yaml: `importance_ranking` (parameter, importance,
/// best_value: the best trial's value) and `top_5_configs` (config_id, params, the metric), as
/// in the seeds' analysis files.
std::string ImportanceYaml(const SweepResults& sweep,
                           const std::vector<ParameterImportance>& ranking);

}  // namespace hpo::report
