#include "lib/report/sweep_progress.h"

#include <fmt/format.h>

#include <algorithm>

#include "lib/core/value.h"
#include "lib/report/best_params.h"

namespace hpo::report {

SweepProgress CountProgress(const std::vector<store::Trial>& trials,
                            const std::vector<Objective>& objectives) {
  SweepProgress p;
  const store::StateCounts counts = store::CountStates(trials);
  p.failed = counts.failed - counts.requeued;  // a re-queued failure is still to run
  p.done = counts.complete + counts.pruned + p.failed;
  p.running = counts.running;
  p.pruned = counts.pruned;
  p.best = "best -";
  if (objectives.size() > 1) {
    p.best = fmt::format("Pareto front {} trial(s)", ObjectiveFront(trials, objectives).size());
  } else if (const store::Trial* best = BestTrial(trials, objectives.at(0).maximize)) {
    p.best = fmt::format("best {} (trial {})", ReadableNumber(*best->value), best->number);
  }
  return p;
}

std::string ProgressText(const SweepProgress& p, std::optional<int> n_trials,
                         double elapsed_seconds) {
  // A trial on several seeds is several processes: the count says how many run, the pace
  // (finished trials) includes them all.
  const std::string seeds =
      p.seed_processes ? fmt::format(" ({} seed processes)", *p.seed_processes) : "";
  const std::string counts =
      fmt::format("{} running{}, {} pruned, {} failed | {} | elapsed {:.0f}s", p.running, seeds,
                  p.pruned, p.failed, p.best, elapsed_seconds);
  if (!n_trials) return fmt::format("[{} trials done, {}]", p.done, counts);
  // No pace before the first trial ends: the ETA is unknown, not 0.
  const std::string eta =
      p.done > 0
          ? fmt::format("{:.0f}s", elapsed_seconds / p.done * std::max(*n_trials - p.done, 0))
          : "-";
  return fmt::format("[{}/{} done, {}, eta {}]", p.done, *n_trials, counts, eta);
}

}  // namespace hpo::report
