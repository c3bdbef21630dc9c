// Which members of a population copy (bottom quantile) and which are copied (top quantile):
// Ray Tune's PopulationBasedTraining._quantiles (ray python/ray/tune/schedulers/pbt.py:957-984).
#pragma once

#include <optional>
#include <span>
#include <vector>

namespace hpo::pbt {

/// A member as the quantiles see it.
struct ScoredMember {
  /// Its score at its last judgement, larger is better (the caller negates for goal: minimize,
  /// as Ray's metric_op does, pbt.py:659); nullopt until it has been judged once.
  std::optional<double> score;
  bool finished = false;  ///< ended (Ray: trial.is_finished()): never copied, never copies
};

/// Member indices (positions in the span given), each list in ascending score order.
struct Quantiles {
  std::vector<int> bottom, top;
  bool operator==(const Quantiles&) const = default;
};

/// Ray's rule: the members with a score that is not NaN and that are not finished, sorted by
/// score (a stable sort: ties keep the members' order, so of two equal scores the lower index
/// counts as worse); fewer than two of them: no quantiles. Otherwise each quantile holds
/// ceil(n * quantile_fraction) members, computed in doubles as Python does (10 * 0.3 is
/// 3.0000000000000004, so 4), but at most floor(n / 2). A fraction of 0 gives an empty bottom
/// and, as Python's trials[-0:] is the whole list, every member on top.
Quantiles SplitQuantiles(std::span<const ScoredMember> members, double quantile_fraction);

}  // namespace hpo::pbt
