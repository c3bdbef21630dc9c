// hpo status [SWEEP]: the trial table of a running or finished sweep, read from storage.
#include <fmt/chrono.h>
#include <fmt/format.h>

#include <ctime>
#include <map>
#include <set>

#include "apps/hpo/commands.h"
#include "apps/hpo/sweep_args.h"
#include "lib/core/error.h"
#include "lib/launch/worker_table.h"
#include "lib/report/best_params.h"
#include "lib/report/seed_values.h"
#include "lib/report/study_info.h"
#include "lib/report/sweep_results.h"
#include "lib/report/trial_table.h"
#include "lib/runner/pbt_member.h"
#include "lib/store/store.h"

namespace hpo::cli {
namespace {

// The study's workers, with Slurm's view of the jobs they ran in (where squeue/sacct answer).
std::string WorkersText(store::Store& store, int64_t study_id,
                        const std::vector<store::Trial>& trials) {
  const std::vector<store::Launch> launches = store.LoadLaunches(study_id);
  const std::vector<store::Worker> workers = store.LoadWorkers(study_id);
  std::set<std::string> jobs;
  for (const store::Launch& l : launches) jobs.insert(l.job_id);
  for (const store::Worker& w : workers) {
    if (!w.slurm_task.empty()) jobs.insert(w.slurm_task.substr(0, w.slurm_task.find('_')));
  }
  const auto tasks = jobs.empty() ? std::map<std::string, launch::SlurmTask>{}
                                  : launch::SlurmTaskStates({jobs.begin(), jobs.end()});
  return launch::WorkersText(launch::WorkerRows(workers, trials, launches, tasks), launches);
}

// "4 complete, 1 pruned, ...; best: trial 3 with reward = 250.1" (or the Pareto front's size).
void PrintCounts(const std::vector<store::Trial>& trials, const report::StudyInfo& info) {
  const std::vector<store::Trial> ranked =
      report::RankTrials(trials, info.objectives.maximize, info.objectives.more);
  const store::StateCounts counts = store::CountStates(trials);
  fmt::print("\n{} complete, {} pruned, {} failed, {} running, {} waiting", counts.complete,
             counts.pruned, counts.failed, counts.running, counts.waiting);
  if (!ranked.empty() && info.objectives.Multi()) {
    fmt::print("; Pareto front: {} trial(s)",
               report::ObjectiveFront(trials, info.objectives.All()).size());
  } else if (!ranked.empty()) {
    fmt::print("; best: trial {} with {} = {}", ranked[0].number, info.objectives.Shown(),
               report::ValueWithSeedsText(ranked[0], info.seeds));
  }
  fmt::print("\n");
}

// The config changes a resume accepted, and an early stop, with their local times.
void PrintStudyChanges(store::Store& store, int64_t study_id) {
  const auto local_time = [](int64_t ms) {
    return fmt::format("{:%Y-%m-%d %H:%M:%S}", fmt::localtime(static_cast<std::time_t>(ms / 1000)));
  };
  for (const store::StudyChange& change : store.LoadStudyChanges(study_id)) {
    fmt::print("config changed (accepted) at {}: {}\n", local_time(change.at_ms), change.changes);
  }
  const std::vector<store::StudyChange> stops = store.LoadStudyStops(study_id);
  if (!stops.empty())
    fmt::print("stopped early at {}: {}\n", local_time(stops.back().at_ms), stops.back().changes);
}

int RunStatus(const SweepArgs& args) {
  const store::SweepLocation location = args.Locate();
  auto store = store::OpenStore(location.storage_url);
  const report::SweepResults r = report::LoadSweepResults(location, *store);
  const report::StudyInfo& info = r.info;
  fmt::print("sweep {}: {} trials, {} {}\n", location.name, r.trials.size(),
             info.objectives.Multi() ? "objectives" : "metric", info.objectives.Describe());
  const std::string seeds = report::SeedsSentence(info.objectives.Shown(), info.seeds);
  if (!seeds.empty()) fmt::print("{}\n", seeds);
  fmt::print("{}", report::TrialTable(r.trials, info, store::NowMs()));
  const std::vector<pbt::Member> members = runner::LoadPopulation(*store, r.study.id);
  if (!members.empty()) {
    fmt::print(
        "\npopulation-based training: {} members (parent: the member it last copied, at "
        "that step)\n{}",
        members.size(), runner::PopulationTable(members, info.objectives.Shown()));
  }
  PrintCounts(r.trials, info);
  PrintStudyChanges(*store, r.study.id);
  fmt::print("{}", WorkersText(*store, r.study.id, r.trials));
  return kExitOk;
}

}  // namespace

void RegisterStatusCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<SweepArgs>();
  CLI::App* cmd = app.add_subcommand("status", "Print the trial table of a sweep");
  args->AddTo(cmd);
  cmd->callback([args, &exit_code] { exit_code = RunStatus(*args); });
}

}  // namespace hpo::cli
