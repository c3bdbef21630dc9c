// What hpo sweep shows of a study while it runs: the counts, the best so far and an ETA, one
// line ("[5/8 done, 1 running, 1 pruned, 0 failed | best 270.2 (trial 6) | elapsed 45s, eta 27s]").
// On a terminal it is the redrawn status line; elsewhere a plain line after each finished trial.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "lib/core/objectives.h"
#include "lib/core/pareto.h"
#include "lib/store/store.h"

namespace hpo::report {

struct SweepProgress {
  int done = 0;  ///< complete, pruned, or failed for good (not re-queued)
  int running = 0;
  int pruned = 0;
  int failed = 0;
  std::string best;  ///< "best 270.2 (trial 6)", "Pareto front 4 trial(s)", or "best -"
  /// With seeds_per_trial > 1: the seed processes this controller runs (its n_jobs slots in use)
  std::optional<int> seed_processes;
};

/// The study's counts and best trial (`objectives`: the study's, the first one's goal decides).
SweepProgress CountProgress(const std::vector<store::Trial>& trials,
                            const std::vector<Objective>& objectives);

/// The line: counts, best, and the time left at this controller's pace so far. No `n_trials`:
/// the sweep has no trial budget (PBT: members train until their program ends), so no ETA.
std::string ProgressText(const SweepProgress& progress, std::optional<int> n_trials,
                         double elapsed_seconds);

}  // namespace hpo::report
