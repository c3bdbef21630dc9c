// The density model of TPE (lib/samplers/tpe_sampler.h), after Optuna 4's _ParzenEstimator:
// a mixture with one kernel per observation and one prior kernel, over a block of dimensions of
// the unit box. Numeric dimensions get truncated Gaussians (on the levels, for evenly spaced
// discrete dimensions), categoricals Optuna's smoothed one-hot rows. Its densities equal
// Optuna's (tests/samplers/tpe_test.cc pins them against numbers Optuna 4.9 computed).
#pragma once

#include <memory>
#include <span>
#include <vector>

#include "lib/core/random.h"
#include "lib/samplers/sampler.h"
#include "lib/space/search_space.h"

namespace hpo::samplers {

class ParzenEstimator {
 public:
  /// `points` are the observations in trial order (the kernel weights depend on their age),
  /// or with `weights` of their own (a multi-objective split's hypervolume weights).
  ParzenEstimator(const std::vector<space::Dimension>& dims, const std::vector<size_t>& block,
                  const std::vector<const space::UnitPoint*>& points, double prior_weight,
                  const std::vector<double>& weights = {});
  ParzenEstimator(ParzenEstimator&&) noexcept;
  ~ParzenEstimator();

  /// Draws one point of the block (one coordinate per block dimension) from the mixture.
  std::vector<double> Sample(Rng& rng) const;
  /// log density of the mixture at a block point.
  double LogPdf(const std::vector<double>& x) const;

 private:
  struct Columns;
  std::vector<double> log_weights_, weights_;  // of the kernels (the prior's last)
  std::unique_ptr<Columns> columns_;
};

/// Optuna's split of a history for TPE: the best `n_below` complete trials are "below" (good),
/// topped up with the pruned trials that got furthest (then by their last value) when there are
/// too few complete ones; every other complete or pruned trial, and running ones under the
/// constant liar, is "above". Both groups stay in trial order.
/// With several objectives (Observation::more_values), Optuna 4's form: the best are whole
/// non-domination ranks, the last rank that does not fit whole tie-broken by greedy hypervolume
/// subset selection; each below point is weighted by its hypervolume contribution.
struct TpeGroups {
  std::vector<const space::UnitPoint*> below, above;
  std::vector<double> below_weights;  ///< multi-objective: one per below point; else empty
};
TpeGroups SplitHistory(std::span<const Observation> history, size_t n_below, bool constant_liar);

}  // namespace hpo::samplers
