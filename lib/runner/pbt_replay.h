// Replaying a PBT member's schedule (pbt_member.h, pbt::ScheduleEntry) from scratch: one run of the
// sweep's trial program per entry, each started from the checkpoint the previous one wrote at
// the entry's step, with the entry's values, and stopped once it has reported the next entry's
// step. What the member's training was, without the other members: to check it on other seeds
// (`hpo pbt-replay`).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "lib/runner/pbt_member.h"
#include "lib/runner/sweep_runner.h"

namespace hpo::runner {

struct ReplayPlan {
  config::SweepConfig sweep;  ///< the trial program (command or hpo train), fixed values, metric
  RunContext run;             ///< hpo's path (for hpo train) and the kill grace
  std::vector<pbt::ScheduleEntry> schedule;
  uint64_t seed = 0;
  std::filesystem::path dir;  ///< segment_<i>/ go here (created; must not hold a replay)
};

struct ReplayResult {
  double value = 0;                             ///< the last segment's final value of the metric
  std::vector<std::filesystem::path> segments;  ///< the run folder of each entry
};

/// Runs the schedule; `progress` gets one line per segment. Throws UserError when the program
/// fails, ends before the next entry's step, or wrote no checkpoint of that step.
ReplayResult ReplaySchedule(const ReplayPlan& plan,
                            const std::function<void(const std::string&)>& progress);

}  // namespace hpo::runner
