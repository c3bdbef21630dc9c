#include "lib/report/sweep_summary.h"

#include <fmt/format.h>

#include <filesystem>

#include "lib/core/value.h"
#include "lib/protocol/run_folder.h"
#include "lib/report/best_params.h"

namespace hpo::report {
namespace {

std::string CountsLine(const config::SweepConfig& c, const std::vector<store::Trial>& trials,
                       int launched) {
  const store::StateCounts counts = store::CountStates(trials);
  return fmt::format("sweep {}: {} trials launched here; study: {} complete, {} pruned, {} failed",
                     c.name, launched, counts.complete, counts.pruned, counts.failed);
}

std::string FrontLines(const config::SweepConfig& c, const std::vector<store::Trial>& trials) {
  const std::vector<store::Trial> front = ObjectiveFront(trials, c.objectives.All());
  std::string text = fmt::format(
      "Pareto front ({} trial(s); hpo best-params --pareto lists them):\n", front.size());
  for (const store::Trial& t : front) {
    text += fmt::format("  trial {}: {}\n", t.number, ObjectiveValuesText(t, c.objectives.All()));
  }
  return text;
}

}  // namespace

std::string SweepEndText(const config::SweepConfig& c, const std::vector<store::Trial>& trials,
                         int launched,
                         const std::function<std::string(const store::Trial&)>& command_for) {
  const std::vector<store::Trial> ranked =
      RankTrials(trials, c.objectives.maximize, c.objectives.more);
  std::string text = CountsLine(c, trials, launched);
  if (EveryTrialFailed(trials)) {
    const int failed = store::CountStates(trials).failed;
    return text + fmt::format(
                      "\nsweep {} failed: all {} trial(s) failed, none completed (each trial's "
                      "error: hpo status {}; its output: the trial's run folder in runs/)\n",
                      c.name, failed, c.name);
  }
  if (ranked.empty()) return text + "\n";
  const store::Trial& best = ranked[0];
  if (c.objectives.Multi()) {
    text += "\n" + FrontLines(c, trials) +
            fmt::format("the front's best {} is trial {}:\n", c.objectives.metric, best.number);
  } else {
    text += fmt::format("; best trial {} with {} = {}\n", best.number, c.objectives.metric,
                        ReadableNumber(*best.value));
  }
  if (c.sampler.method == "pbt") {  // a trial is a stretch of a member: its values alone did
                                    // not make its score
    return text + fmt::format(
                      "population-based training: a trial's values are one stretch of its "
                      "member's training; the best member's whole schedule: hpo best-params {} "
                      "(it writes {}_schedule.yaml); retrain it on another seed: hpo pbt-replay "
                      "{}\n",
                      c.name, c.name, c.name);
  }
  text += fmt::format("best parameters (trial {}): {}\n", best.number, ParamsLine(best.params));
  text += fmt::format("to train with the best hyperparameters, run:\n  {}\n", command_for(best));
  return text;
}

bool EveryTrialFailed(const std::vector<store::Trial>& trials) {
  const store::StateCounts counts = store::CountStates(trials);
  return counts.failed > 0 && counts.complete == 0 && counts.pruned == 0;
}

CheckpointKeeper::CheckpointKeeper(int keep, const config::SweepConfig& c)
    : keep_(keep), objectives_(c.objectives) {}

void CheckpointKeeper::Prune(const std::vector<store::Trial>& trials) {
  if (keep_ <= 0) return;
  const std::vector<store::Trial> ranked =
      RankTrials(trials, objectives_.maximize, objectives_.more);
  std::set<int64_t> top;
  for (size_t i = 0; i < ranked.size() && i < static_cast<size_t>(keep_); ++i)
    top.insert(ranked[i].id);
  for (const store::Trial& t : trials) {
    const bool finished =
        t.state != store::TrialState::kWaiting && t.state != store::TrialState::kRunning;
    if (!finished || top.count(t.id) || t.run_dir.empty() || !done_.insert(t.id).second) continue;
    std::error_code ignored;  // a folder another controller already removed, or none
    removed_ += std::filesystem::remove_all(
                    std::filesystem::path(t.run_dir) / protocol::kCheckpointsDir, ignored) > 0;
  }
}

}  // namespace hpo::report
