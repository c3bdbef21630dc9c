#include "lib/launch/worker_table.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <ctime>
#include <set>

namespace hpo::launch {
namespace {

std::string HostOf(const std::string& worker) { return worker.substr(0, worker.rfind(':')); }

bool BelongsTo(const std::string& task, const std::vector<store::Launch>& launches) {
  for (const store::Launch& l : launches) {
    if (task == l.job_id || task.rfind(l.job_id + "_", 0) == 0) return true;
  }
  return false;
}

}  // namespace

std::vector<WorkerRow> WorkerRows(const std::vector<store::Worker>& workers,
                                  const std::vector<store::Trial>& trials,
                                  const std::vector<store::Launch>& launches,
                                  const std::map<std::string, SlurmTask>& tasks) {
  std::vector<WorkerRow> rows;
  std::set<std::string> tasks_with_worker;
  for (const store::Worker& w : workers) {
    WorkerRow row{w.worker, w.slurm_task.empty() ? "-" : w.slurm_task, HostOf(w.worker), "-"};
    if (const auto task = tasks.find(w.slurm_task); task != tasks.end())
      row.state = task->second.state;
    for (const store::Trial& t : trials) {
      if (t.worker != w.worker) continue;
      row.running += t.state == store::TrialState::kRunning;
      row.finished +=
          t.state != store::TrialState::kRunning && t.state != store::TrialState::kWaiting;
    }
    tasks_with_worker.insert(w.slurm_task);
    rows.push_back(std::move(row));
  }
  for (const auto& [id, task] : tasks) {
    if (tasks_with_worker.count(id) || !BelongsTo(id, launches)) continue;
    rows.push_back({"-", id, task.node.empty() ? "-" : task.node, task.state});
  }
  return rows;
}

std::string WorkersText(const std::vector<WorkerRow>& rows,
                        const std::vector<store::Launch>& launches) {
  if (rows.empty()) return "";
  std::string text = fmt::format("\nworkers: {}", rows.size());
  for (const store::Launch& l : launches) {
    text += fmt::format("; Slurm job {} ({} task(s), submitted {:%Y-%m-%d %H:%M:%S})", l.job_id,
                        l.workers, fmt::localtime(static_cast<std::time_t>(l.at_ms / 1000)));
  }
  text += fmt::format("\n{:<24}  {:<12}  {:<16}  {:<12}  {:>8}  {:>7}\n", "worker", "slurm task",
                      "host", "state", "finished", "running");
  for (const WorkerRow& r : rows) {
    text += fmt::format("{:<24}  {:<12}  {:<16}  {:<12}  {:>8}  {:>7}\n", r.worker, r.slurm_task,
                        r.host, r.state, r.finished, r.running);
  }
  return text;
}

}  // namespace hpo::launch
