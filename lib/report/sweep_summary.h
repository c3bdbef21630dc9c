// What the end of `hpo sweep` says and does with the study it ran: the summary lines (counts,
// best trial or Pareto front, best parameters, the command that trains them again) and
// keep_best_n's checkpoint removal. Both rank trials as `hpo best-params` does.
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "lib/config/sweep_config.h"
#include "lib/store/store.h"

namespace hpo::report {

/// The lines hpo sweep prints at its end (each ends in '\n'): "sweep NAME: L trials launched
/// here; study: C complete, P pruned, F failed; best trial N with METRIC = V", the Pareto front
/// of a multi-objective study, then the best parameters and `command_for(best trial)`. When
/// EveryTrialFailed, a line that says how many failed and where their logs are instead.
std::string SweepEndText(const config::SweepConfig& c, const std::vector<store::Trial>& trials,
                         int launched,
                         const std::function<std::string(const store::Trial&)>& command_for);

/// True when the study has failed trials and none that finished (complete or pruned): the
/// sweep produced nothing to rank, and hpo sweep exits 1 (kExitFailure) so that scripts and CI
/// see it. A sweep where some trials completed succeeds, however many others failed.
bool EveryTrialFailed(const std::vector<store::Trial>& trials);

/// keep_best_n: once a trial has finished outside the best `keep` complete trials, its
/// checkpoints/ folder is removed, once (a trial that has left the top K never comes back:
/// values do not change). Results, logs and progress stay. keep <= 0 keeps everything.
class CheckpointKeeper {
 public:
  CheckpointKeeper(int keep, const config::SweepConfig& c);

  /// Removes the checkpoints of the study's finished trials outside the best `keep`.
  void Prune(const std::vector<store::Trial>& trials);
  /// Trials whose checkpoints were removed so far.
  int removed() const { return removed_; }

 private:
  int keep_;
  Objectives objectives_;
  std::set<int64_t> done_;  // trial ids already dealt with
  int removed_ = 0;
};

}  // namespace hpo::report
