// The study's workers as `hpo status` lists them: each controller that worked on the study, the
// Slurm task it ran as, where, in which state, and how many trials it finished; and the tasks
// of the study's launches that have not started a controller yet (pending, or cancelled first).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "lib/launch/slurm.h"
#include "lib/store/store.h"

namespace hpo::launch {

struct WorkerRow {
  std::string worker;      ///< host:pid, or "-" for a task that has not started a controller
  std::string slurm_task;  ///< "12_0", or "-"
  std::string host;        ///< the controller's host, else the node Slurm named, else "-"
  std::string state;       ///< Slurm's state of the task, or "-" (not a Slurm task, or unknown)
  int finished = 0;        ///< trials it ran to an end: COMPLETE, PRUNED or FAILED
  int running = 0;         ///< trials it runs now
};

/// `tasks`: SlurmTaskStates of the launches' jobs (empty where Slurm is not reachable).
std::vector<WorkerRow> WorkerRows(const std::vector<store::Worker>& workers,
                                  const std::vector<store::Trial>& trials,
                                  const std::vector<store::Launch>& launches,
                                  const std::map<std::string, SlurmTask>& tasks);

/// The rows as a table under a heading naming the launches; "" when there are no rows.
std::string WorkersText(const std::vector<WorkerRow>& rows,
                        const std::vector<store::Launch>& launches);

}  // namespace hpo::launch
