// Pruners: decide from intermediate values whether a running trial should stop early.
//
// Semantics follow Optuna's pruners (median, percentile, successive halving, hyperband) with
// one deliberate difference: our trials report at different env steps (rollout sizes vary
// with n_steps and n_envs), so a peer's "value at step s" is its last report at or before s
// instead of a report at exactly s. Values are oriented larger-is-better (the caller negates
// them for goal: minimize), so no pruner looks at the direction.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace hpo::pruners {

/// One intermediate value a trial reported.
struct Report {
  int64_t step = 0;
  double value = 0.0;
};

/// A trial as a pruner sees it.
struct TrialCurve {
  int64_t number = 0;
  bool complete = false;        ///< finished normally (COMPLETE); pruned/failed/running are not
  std::vector<Report> reports;  ///< sorted by step
};

/// The median and percentile pruners' rule (median is percentile 50): a running trial is
/// judged against the complete trials' values at the same step.
struct PercentileRule {
  /// No pruning until this many trials are complete.
  int n_startup_trials = 5;
  /// No pruning before this step.
  int64_t n_warmup_steps = 0;
  /// Steps between pruning checks, offset by the warm-up.
  int64_t interval_steps = 1;
  /// Keep trials above this percentile of their peers (the median pruner uses 50 whatever this
  /// says).
  double percentile = 50.0;
  /// Peers needed at a step before a trial can be judged.
  int n_min_trials = 1;

  /// Throws hpo::UserError for a setting out of range.
  void Check() const;

  bool operator==(const PercentileRule&) const = default;
};

/// The successive halving and hyperband pruners' rule: at each rung (a step count growing by
/// reduction_factor), only the best 1/reduction_factor of the trials that reached it go on.
struct HalvingRule {
  /// Steps of the first rung; 0 = auto (successive halving: 1/100 of the longest complete
  /// trial, as Optuna; hyperband: 1).
  int64_t min_resource = 0;
  /// hyperband: steps of a full trial; 0 = auto (longest complete trial + 1).
  int64_t max_resource = 0;
  /// 1/reduction_factor of a rung is promoted.
  int reduction_factor = 3;
  /// successive_halving: the first rung is min_resource * reduction_factor^rate.
  int min_early_stopping_rate = 0;
  /// Prune until a rung has more than this many values.
  int bootstrap_count = 0;

  /// Throws hpo::UserError for a setting out of range.
  void Check() const;

  bool operator==(const HalvingRule&) const = default;
};

/// The method, and each family's rule (only the method's rule is used; both are checked).
struct PrunerSettings {
  /// none | median | percentile | successive_halving | hyperband
  std::string method = "none";
  // `{}`: a braced PrunerSettings may leave a rule out without -Wmissing-field-initializers.
  PercentileRule percentile_rule{};  ///< median, percentile
  HalvingRule halving_rule{};        ///< successive_halving, hyperband

  bool operator==(const PrunerSettings&) const = default;
};

class Pruner {
 public:
  virtual ~Pruner() = default;
  /// Whether `trial` (just reported its latest value) should stop. `trials` is the whole study
  /// (it may include `trial` itself; it is recognised by number).
  virtual bool ShouldPrune(const TrialCurve& trial, std::span<const TrialCurve> trials) const = 0;
};

/// Throws hpo::UserError on an unknown method or out-of-range settings.
std::unique_ptr<Pruner> MakePruner(const PrunerSettings& settings);

/// The method names MakePruner accepts.
std::vector<std::string> PrunerMethods();

}  // namespace hpo::pruners
