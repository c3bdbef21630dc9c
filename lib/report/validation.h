// hpo validate's results: the best configurations of a sweep retrained on fresh seeds, grouped
// by configuration, ranked again by their mean, and written as a table and validation.yaml.
// (apps/hpo/validate.cc queues and runs the retraining; this is what it makes of the runs.)
#pragma once

#include <string>
#include <vector>

#include "lib/core/value.h"
#include "lib/store/store.h"

namespace hpo::report {

struct ValidatedConfig {
  int sweep_rank = 0;          ///< 1 = the sweep's best
  store::Trial original;       ///< the sweep's trial
  ParamSet run_params;         ///< the values the retraining ran with (--set may change some)
  std::vector<double> values;  ///< one per seed that completed
  int failed = 0;              ///< seeds that failed for good
  int validated_rank = 0;      ///< rank by mean over seeds
  double Mean() const;
  double Std() const;  ///< sample standard deviation (0 with fewer than two values)
  double Min() const;
};

struct Validation {
  std::vector<ValidatedConfig> configs;  ///< in the sweep's rank order
  bool ranking_held = true;              ///< the means rank them as the sweep did
};

/// Groups the validation study's `runs` by configuration: `top` are the sweep's best trials in
/// rank order, `run_params[i]` the values top[i] was retrained with. Runs of other values, and
/// failures that were re-queued, are left out.
Validation GroupValidationRuns(const std::vector<store::Trial>& top,
                               const std::vector<ParamSet>& run_params,
                               const std::vector<store::Trial>& runs, bool maximize);

/// The table hpo validate prints: rank, trial, the sweep's value, mean, std, min, new rank,
/// failures.
std::string ValidationTable(const Validation& v, const std::string& sweep);

/// analysis/validation.yaml: the settings, whether the ranking held, each configuration.
std::string ValidationYaml(const Validation& v, const std::string& sweep, const std::string& metric,
                           int seeds, const std::string& budget);

}  // namespace hpo::report
