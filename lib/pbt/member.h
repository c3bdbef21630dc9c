// A member of a population-based training sweep: what it trains with next and from which
// checkpoint, what PBT remembers of it, its lineage and its schedule. Plain data: the
// controller's coordinator changes it (lib/runner/pbt_coordinator.h), the study keeps it as a
// record (lib/runner/pbt_member.h), and the report draws it (lib/report/population_report.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lib/core/value.h"
#include "lib/pbt/population.h"

namespace hpo::pbt {

/// From `step` on, the member trained with `params`.
struct ScheduleEntry {
  int64_t step = 0;
  ParamSet params;
  /// Who trained from `step` on: the member itself, or a leader whose past it copied (-1 in
  /// records written before it was kept). The schedule's members are where its weights came
  /// from, in order.
  int member = -1;
};

/// How a member starts when it runs again.
struct SegmentPlan {
  ParamSet params;
  std::string restore_from;  ///< checkpoint it starts from; "" = from scratch
  int64_t start_step = 0;    ///< the checkpoint's step (0 from scratch)
  /// An exploit's: the leader's schedule before start_step, which becomes the member's past
  /// when the plan runs (a member that finishes first never trained with it).
  std::optional<std::vector<ScheduleEntry>> inherited;
  /// A trial started from it. An unused plan (an exploit's, a pause's) survives its member's
  /// trial dying before it ran; a used one gives way to the member's latest checkpoint.
  bool used = false;
};

/// One judgement that made a member copy a leader, in the member's lineage.
struct LineageEntry {
  int64_t step = 0;        ///< the leader's checkpoint step the member goes on from
  int parent = -1;         ///< the leader
  std::string checkpoint;  ///< the leader's checkpoint ("" when skipped)
  ParamSet before, after;  ///< the leader's values, and the member's new ones
  std::string changes;     ///< explore's moves, "lr 0.0003 -> 0.00036 (* 1.2); ..."
  bool skipped = false;    ///< the leader had no checkpoint: nothing was copied (pbt.py:727)
};

enum class MemberPhase { kWaiting, kRunning, kFinished };

struct Member {
  int index = 0;
  MemberPhase phase = MemberPhase::kWaiting;
  uint64_t seed = 0;
  /// How it starts next; none before its first trial (its values are drawn then).
  std::optional<SegmentPlan> next;
  ParamSet params;     ///< the values of its current or last trial
  int64_t trial = -1;  ///< the number of its current or last trial
  std::string run_dir;
  std::string owner;  ///< the controller (host:pid) that runs or last ran it
  int trials = 0;     ///< trials it has started
  pbt::MemberState state;
  std::string checkpoint;            ///< the checkpoint of state.checkpoint_step ("" when none)
  std::optional<double> last_value;  ///< its last reported value (not oriented)
  int64_t last_step = 0;             ///< the step of that report
  std::vector<LineageEntry> lineage;
  /// The values it trained with from each step on, its leaders' before it copied them: what
  /// replays its training (ScheduleYaml).
  std::vector<ScheduleEntry> schedule;
  std::string outcome;  ///< kFinished: "complete", or why it failed
};

/// Its generation: the leaders it copied (its lineage less the skipped exploits).
int Generation(const Member& member);

/// "waiting", "running", "finished", or "failed" (finished, not complete).
const char* DisplayedPhase(const Member& member);

/// The finished member with the best last value (`maximize`), if any.
const Member* BestMember(const std::vector<Member>& members, bool maximize);

}  // namespace hpo::pbt
