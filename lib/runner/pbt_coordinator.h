// Population-based training inside the sweep controller (method: pbt). A member is one training
// run that goes on across several trials: each trial is a stretch of its training, started from
// scratch or from a checkpoint (its own, or a leader's it copies), and ended when PBT pauses it
// or when the program finishes its budget. lib/pbt decides (Ray Tune's rules); this class keeps
// the members' records (what each trains with next, where it starts from, its lineage) and turns
// the decisions into what the controller does: which member runs next, which running trial
// stops, which checkpoint a trial starts from. The records go to the study (Store::SavePbtMembers)
// after every change, so a controller that resumes the sweep goes on where the last one stopped.
//
// The trial program's side (docs/trial_protocol.md): it writes the checkpoint of step N into
// $HPO_CHECKPOINT_DIR as `step_<N>` (a file with any extension, or a folder) before it reports
// step N, and starts from $HPO_RESTORE_FROM when that is set.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "lib/core/value.h"
#include "lib/pbt/population.h"
#include "lib/runner/pbt_member.h"
#include "lib/space/search_space.h"
#include "lib/store/store.h"

namespace hpo::runner {

/// A member copied a leader's checkpoint (for the sweep's events and on_exploit hooks).
struct ExploitNotice {
  int member = 0, leader = 0;
  int64_t step = 0;
  std::string text;  ///< "member 2 copies member 0's checkpoint of step 6000: x ... (* 1.2)"
};

/// What a report asks the controller to do.
struct PbtActions {
  std::vector<int> stop;                ///< members whose running trial must end now (paused)
  std::vector<ExploitNotice> exploits;  ///< in the order they were decided
  std::vector<std::string> events;      ///< other news, one line each, for people
  bool changed = false;                 ///< records changed (save TakeChanged()'s)
};

class PbtCoordinator {
 public:
  /// A fresh population; Sync() brings in the study's records.
  /// running by a controller that is gone wait again, from their latest checkpoint.
  PbtCoordinator(pbt::PbtSettings settings, const space::SearchSpace& space, uint64_t sweep_seed);

  /// Takes in the study's records (Store::LoadPbtMembers) of the members `mine` does not hold
  /// (those this controller runs), where they are newer than what it knows: several controllers
  /// share one population. A member recorded as running whose trial `trial_running` says is not
  /// running lost its controller: it waits, from its latest checkpoint (and is to be saved).
  void Sync(const std::map<int, store::PbtRecord>& stored, const std::set<int>& mine,
            const std::function<bool(int64_t)>& trial_running);
  /// The members changed since the last call, to save; each one's record and the version the
  /// study should still hold (Store::SavePbtMembers).
  std::vector<int> TakeChanged();
  int64_t version(int member) const { return versions_.at(static_cast<size_t>(member)); }
  /// A save of `member`'s record at version(member) was sent: the study's version is one more.
  void Saved(int member) { ++versions_.at(static_cast<size_t>(member)); }
  /// The study's record of `member` changed elsewhere: the next Sync takes it whatever its version.
  void Stale(int member) { versions_.at(static_cast<size_t>(member)) = 0; }
  /// Whether a member is running (here or, as last synced, elsewhere).
  bool AnyRunning() const;

  /// The member that should run next, if any (pbt::Population::NextToRun).
  std::optional<int> NextToLaunch() const;
  /// `member` started trial `number` in `run_dir` with `params` (its values, drawn for its
  /// first trial); its plan is used up.
  void Launched(int member, int64_t number, const std::string& run_dir, const ParamSet& params,
                const std::string& owner);
  /// The values a member trains with next (none before its first trial) and where it starts.
  const std::optional<pbt::SegmentPlan>& PlanOf(int member) const {
    return members_.at(member).next;
  }

  /// `member` reported `value` at `step` (`oriented`: larger is better).
  PbtActions OnReport(int member, int64_t step, double value, double oriented);
  /// `member`'s trial ended. `paused`: stopped by PBT (it waits with its plan). Otherwise it
  /// ended by itself (`outcome` "complete" or why it failed: the member is finished), or was
  /// stopped from outside (`interrupted`: it waits, from its latest checkpoint).
  void Ended(int member, bool paused, bool interrupted, const std::string& outcome);

  bool AllFinished() const;
  int size() const { return static_cast<int>(members_.size()); }
  const pbt::Member& member(int index) const { return members_.at(index); }
  /// The record of `member` as saved in the study (MemberRecord).
  std::string Record(int member) const;

 private:
  std::vector<pbt::MemberStatus> Statuses() const;
  bool Apply(const pbt::Judgement& judgement, int member, PbtActions& actions);
  void Exploit(const pbt::Exploit& exploit, PbtActions& actions);
  void Pause(int member, int64_t step, PbtActions& actions);
  void WaitFromLatestCheckpoint(pbt::Member& m);
  void DropUnusedExploit(pbt::Member& m);
  void Changed(int member) { changed_.insert(member); }

  pbt::PbtSettings settings_;
  const space::SearchSpace& space_;
  uint64_t seed_;
  pbt::Population population_;
  std::vector<pbt::Member> members_;
  std::vector<int64_t> versions_;  ///< each member's record version in the study, as known here
  std::set<int> changed_;
};

/// The checkpoint a trial program wrote for `step` in `dir`: `step_<step>` or `step_<step>.<ext>`.
std::optional<std::filesystem::path> CheckpointAt(const std::filesystem::path& dir, int64_t step);
/// The checkpoint of the highest step in `dir`, with its step.
std::optional<std::pair<int64_t, std::filesystem::path>> LatestCheckpointIn(
    const std::filesystem::path& dir);
/// Where a PBT trial's program writes the checkpoints of its reported steps:
/// <run_dir>/pbt_checkpoints (beside hpo train's own checkpoints/, which a new run must not have).
std::filesystem::path CheckpointDir(const std::filesystem::path& run_dir);

}  // namespace hpo::runner
