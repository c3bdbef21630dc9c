// Pruners: decide from intermediate values whether a running trial should stop early.
//
// Each pruner follows its peer's code exactly (tests/conformance/optuna_pruners.md and
// wandb_hyperband.md give the rules with file:line): median, percentile, successive halving and
// hyperband as Optuna, wandb_hyperband as W&B's early_terminate. A peer's value at step s is its
// report at exactly s, as in Optuna. Values are oriented larger-is-better (the caller negates
// them for goal: minimize); only the percentile's interpolation needs to know the goal.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
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
  bool complete = false;  ///< finished normally (COMPLETE); pruned/failed/running are not
  /// In the order reported, one per step: a repeated step is not added (Optuna keeps the first).
  std::vector<Report> reports;
  /// Successive halving and hyperband: the value recorded at each rung an earlier decision
  /// passed (Optuna's completed_rung_<k> attribute), by rung. The controller keeps what
  /// Decision::rungs said.
  std::map<int, double> rungs{};  // `{}`: braced curves may leave it out
};

/// What a pruner decided about a trial, and what it wants remembered of it.
struct Decision {
  bool prune = false;
  /// Rungs this decision completed and the value entered at each: record them on the trial
  /// (TrialCurve::rungs) before it is judged again, or it will be judged at those rungs again.
  std::map<int, double> rungs;
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
  /// trial, fixed at the first estimate, as Optuna; hyperband: 1, Optuna's default).
  int64_t min_resource = 0;
  /// hyperband: sets the number of brackets; 0 = auto (longest complete trial + 1, fixed once).
  int64_t max_resource = 0;
  /// 1/reduction_factor of a rung is promoted. The sweep file's reader puts in Optuna's
  /// default for the method when the file does not say: 4 for successive halving, 3 for
  /// hyperband.
  int reduction_factor = 3;
  /// successive_halving: the first rung is min_resource * reduction_factor^rate.
  int min_early_stopping_rate = 0;
  /// Prune until a rung has more than this many values.
  int bootstrap_count = 0;

  /// Throws hpo::UserError for a setting out of range.
  void Check() const;

  bool operator==(const HalvingRule&) const = default;
};

/// W&B's early_terminate (type hyperband): bands of logged-value counts; a running run whose
/// value at its latest band is worse than the band's 1/eta quantile over all runs is stopped.
struct WandbBandRule {
  /// Bands min_iter, min_iter*eta, ... (100 of them). Unused when max_iter is given.
  std::optional<int64_t> min_iter;
  /// With s: bands max_iter/eta, max_iter/eta^2, ... (s of them while >= 1), sorted.
  std::optional<int64_t> max_iter;
  std::optional<int64_t> s;
  /// > 1; also the quantile: the threshold is the value at index int(n/eta) of the sorted band.
  double eta = 3.0;
  /// true: a run is judged by its value at its latest band; false: by its best value so far.
  bool strict = true;

  /// The bands W&B computes (ascending). Throws hpo::UserError where W&B raises.
  std::vector<int64_t> Bands() const;
  /// Throws hpo::UserError for settings W&B refuses.
  void Check() const;

  bool operator==(const WandbBandRule&) const = default;
};

/// The method, and each family's rule (only the method's rule is used; both are checked).
struct PrunerSettings {
  /// none | median | percentile | successive_halving | hyperband | wandb_hyperband
  std::string method = "none";
  // `{}`: a braced PrunerSettings may leave a rule out without -Wmissing-field-initializers.
  PercentileRule percentile_rule{};  ///< median, percentile
  HalvingRule halving_rule{};        ///< successive_halving, hyperband
  WandbBandRule band_rule{};         ///< wandb_hyperband

  bool operator==(const PrunerSettings&) const = default;
};

class Pruner {
 public:
  virtual ~Pruner() = default;
  /// Whether `trial` (running, just reported its latest value) should stop, and the rungs to
  /// record on it. `trials` is the whole study (it may include `trial` itself; it is recognised
  /// by number). Not const: an "auto" resource is fixed at its first estimate, as Optuna's
  /// pruner object keeps it; that is a pruner's only state.
  virtual Decision Judge(const TrialCurve& trial, std::span<const TrialCurve> trials) = 0;
  /// Judge's verdict alone, for pruners that record nothing (median, percentile, W&B).
  bool ShouldPrune(const TrialCurve& trial, std::span<const TrialCurve> trials) {
    return Judge(trial, trials).prune;
  }
};

/// Throws hpo::UserError on an unknown method or out-of-range settings. `study_name` places
/// hyperband's trials in brackets (crc32 of "<study_name>_<number>", as Optuna). `maximize` is
/// the study's goal: the values are oriented already, but numpy's percentile interpolates
/// between the neighbours in the goal's order, and an infinite neighbour on one side only
/// gives NaN, so the percentile pruner computes it as Optuna does for that goal.
std::unique_ptr<Pruner> MakePruner(const PrunerSettings& settings,
                                   const std::string& study_name = "", bool maximize = true);

/// The method names MakePruner accepts.
std::vector<std::string> PrunerMethods();

}  // namespace hpo::pruners
