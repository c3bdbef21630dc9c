// Population Based Training's settings, as Ray Tune's PopulationBasedTraining takes them
// (ray python/ray/tune/schedulers/pbt.py:357-435; file:line from wingkitlee0/ray at
// ba2c50f6, the copy of Ray used here, tests/fixtures/pbt/ray_pbt.yaml).
//
// Ray counts time in any increasing result key (`time_attr`, default time_total_s, seconds);
// hpo counts the steps a trial reports, which are whole numbers.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace hpo::pbt {

struct PbtSettings {
  /// Members trained side by side and compared. Ray has no such setting: a population is the
  /// trials Tune runs (TuneConfig.num_samples, default 1); 8 is the population of Ray's own
  /// example (pbt.py:350) and issue 39's default.
  int population_size = 8;
  /// Steps between two judgements of a member (Ray: perturbation_interval, pbt.py:362, whose
  /// default 60.0 counts seconds of time_total_s and has no meaning in steps; so a sweep must
  /// give it). A member is judged at its first report at least this many steps after its last
  /// judgement (pbt.py:563).
  std::optional<int64_t> perturbation_interval;
  /// No judgement before this step (Ray: burn_in_period, default 0, pbt.py:363 and 558).
  int64_t burn_in = 0;
  /// The share of scored members in the bottom quantile (which copy) and in the top one (which
  /// are copied): pbt.py:367, between 0 and 0.5 (pbt.py:397).
  double quantile_fraction = 0.25;
  /// Per parameter, the chance that explore draws a new value from the prior instead of
  /// perturbing the copied one (pbt.py:368).
  double resample_probability = 0.25;
  /// A perturbed numeric value is the copied one times one of these, chosen with equal odds
  /// (pbt.py:369 and 141).
  std::vector<double> perturbation_factors = {1.2, 0.8};
  /// false: each member is judged on its own as it reaches its interval; true: members wait
  /// until every live one has reached the same step, then all are judged at once (pbt.py:373,
  /// 574-644).
  bool synch = false;

  /// Throws hpo::UserError listing every setting out of range, on one line: those Ray refuses,
  /// with Ray's reason, and those Ray accepts but cannot use (a NaN, a negative burn-in, a
  /// probability outside [0, 1], no or non-positive factors, a population below 2, no
  /// perturbation_interval), each saying why.
  void Check() const;

  bool operator==(const PbtSettings&) const = default;
};

}  // namespace hpo::pbt
