#include "lib/runner/pbt_replay.h"

#include <fmt/format.h>
#include <poll.h>

#include <chrono>
#include <optional>

#include "lib/config/objective_formula.h"
#include "lib/core/atomic_file.h"
#include "lib/core/error.h"
#include "lib/core/json.h"
#include "lib/protocol/run_folder.h"
#include "lib/protocol/trial_command.h"
#include "lib/runner/pbt_coordinator.h"
#include "lib/runner/trial_process.h"

namespace hpo::runner {
namespace {

struct Segment {
  size_t index = 0;
  const pbt::ScheduleEntry* entry = nullptr;
  std::optional<int64_t> stop_at;      ///< the next entry's step; none for the last
  std::filesystem::path restore_from;  ///< the previous segment's checkpoint; empty for the first
};

// Runs one segment to its end, or until it has reported `stop_at` (then stops it). The last
// value of the metric it reported, and the last step.
std::pair<std::optional<double>, int64_t> RunSegment(const ReplayPlan& plan, const Segment& s,
                                                     const std::filesystem::path& run_dir,
                                                     const config::ObjectiveFormula& metric) {
  std::filesystem::create_directories(CheckpointDir(run_dir));
  const ParamSet all = TrialParams(plan.sweep, s.entry->params);  // as the sweep's trials ran
  WriteFileAtomic(run_dir / protocol::kTrialInput, ParamsYaml(all));
  ProcessSpec spec;
  spec.argv =
      protocol::TrialCommand(plan.sweep.command, plan.run.hpo_binary, all, run_dir, plan.seed);
  spec.log_path = run_dir / protocol::kTrialLog;
  spec.env = TrialEnvironment(plan.sweep, run_dir, plan.seed);
  spec.env.push_back({"HPO_CHECKPOINT_DIR", CheckpointDir(run_dir).string()});
  if (!s.restore_from.empty()) spec.env.push_back({"HPO_RESTORE_FROM", s.restore_from.string()});
  TrialProcess process = TrialProcess::Start(spec);
  std::optional<double> last_value;
  int64_t last_step = 0;
  std::optional<std::chrono::steady_clock::time_point> stopped_at;  // SIGTERM sent then
  while (true) {
    pollfd fd{process.stdout_fd(), POLLIN, 0};
    ::poll(&fd, 1, 200);
    // As the sweep stops a trial: SIGKILL when SIGTERM was not enough within kill_grace.
    if (stopped_at &&
        std::chrono::duration<double>(std::chrono::steady_clock::now() - *stopped_at).count() >
            plan.run.kill_grace)
      process.Kill();
    for (const std::string& line : process.ReadLines()) {
      const std::optional<ParsedReport> report = ParseReportLine(line, metric);
      if (!report || report->partial) continue;
      last_value = report->value;
      if (report->step) last_step = *report->step;
      if (s.stop_at && report->step && *report->step >= *s.stop_at && !stopped_at) {
        process.Terminate();
        stopped_at = std::chrono::steady_clock::now();
      }
    }
    const std::optional<ExitStatus> status = process.Poll();
    if (!status) continue;
    for (const std::string& line : process.ReadLines()) {
      const std::optional<ParsedReport> report = ParseReportLine(line, metric);
      if (report && !report->partial) last_value = report->value;
    }
    if (!stopped_at && !status->ok())
      throw UserError(fmt::format("replay segment {} ended with {} (see {})", s.index,
                                  status->Describe(), (run_dir / protocol::kTrialLog).string()));
    return {last_value, last_step};
  }
}

}  // namespace

ReplayResult ReplaySchedule(const ReplayPlan& plan,
                            const std::function<void(const std::string&)>& progress) {
  if (plan.schedule.empty()) throw UserError("the schedule has no entry");
  const config::ObjectiveFormula metric =
      config::ObjectiveFormula::Parse(plan.sweep.objectives.metric, Origin{"metric"});
  ReplayResult result;
  std::filesystem::path restore_from;
  for (size_t i = 0; i < plan.schedule.size(); ++i) {
    Segment s{i, &plan.schedule[i], std::nullopt, restore_from};
    if (i + 1 < plan.schedule.size()) s.stop_at = plan.schedule[i + 1].step;
    const std::filesystem::path run_dir = plan.dir / fmt::format("segment_{}", i);
    if (std::filesystem::exists(run_dir))
      throw UserError(fmt::format("{} exists: a replay goes into a new folder", run_dir.string()));
    const auto [value, step] = RunSegment(plan, s, run_dir, metric);
    result.segments.push_back(run_dir);
    if (s.stop_at) {
      const auto checkpoint = CheckpointAt(CheckpointDir(run_dir), *s.stop_at);
      if (step < *s.stop_at || !checkpoint)
        throw UserError(fmt::format(
            "replay segment {} ended at step {} without a checkpoint of step {}, where the "
            "schedule changes values (see {})",
            i, step, *s.stop_at, (run_dir / protocol::kTrialLog).string()));
      restore_from = *checkpoint;
      progress(fmt::format("segment {}: steps {}..{} with {} ({} {})", i, s.entry->step, *s.stop_at,
                           JsonParams(s.entry->params), plan.sweep.objectives.metric,
                           value ? ReadableNumber(*value) : "none"));
      continue;
    }
    try {
      result.value = ReadFinalValue(run_dir, metric, value);
    } catch (const std::runtime_error& e) {
      throw UserError(fmt::format("replay segment {}: {}", i, e.what()));
    }
    progress(fmt::format("segment {}: steps {}..{} with {} ({} {})", i, s.entry->step, step,
                         JsonParams(s.entry->params), plan.sweep.objectives.metric,
                         ReadableNumber(result.value)));
  }
  return result;
}

}  // namespace hpo::runner
