// When PBT judges a member and what follows: Ray Tune's PopulationBasedTraining.on_trial_result,
// _checkpoint_or_exploit, _exploit's bookkeeping and choose_trial_to_run (ray
// python/ray/tune/schedulers/pbt.py:514-733, 877-1006), as decisions on member indices. It
// starts no process and stores nothing: the sweep controller runs the members, saves and copies
// checkpoints, and calls Explore (lib/pbt/explore.h) for each exploit.
//
// A member's time is the step it reports. Asynchronous (synch: false): a member is judged at
// its first report at or past burn_in and at least perturbation_interval steps after its last
// judgement; it then keeps a checkpoint if it is in the top quantile, and copies a random top
// member's checkpoint if it is in the bottom one. Synchronous: a member that reaches its
// judgement waits until every live member has trained to the next synchronisation step, then
// all are judged at once (top quantile first, so their checkpoints exist before the bottom
// copies them).
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "lib/core/random.h"
#include "lib/pbt/pbt_settings.h"
#include "lib/pbt/quantiles.h"

namespace hpo::pbt {

/// A member's status as the decisions need it (Ray's Trial statuses).
enum class MemberStatus {
  kRunning,   ///< RUNNING
  kWaiting,   ///< PENDING or PAUSED: not running, wants a slot
  kFinished,  ///< TERMINATED or ERROR
};

/// What PBT remembers of a member (Ray's _PBTTrialState, pbt.py:33-44).
struct MemberState {
  /// Its score at its last judgement (larger is better); nullopt before the first. Not reset by
  /// an exploit: a member that copied keeps its own last score until it is judged again.
  std::optional<double> last_score;
  /// The step of the checkpoint a bottom member would copy from it: set when it is judged in the
  /// top quantile (at its last_train_step), cleared when it is judged outside it.
  std::optional<int64_t> checkpoint_step;
  /// Its last judgement's step (copied from the leader on an exploit).
  int64_t last_perturbation_step = 0;
  /// Its step when last judged (copied from the leader on an exploit).
  int64_t last_train_step = 0;
};

/// `member` goes on from `leader`'s checkpoint at `step`, with values explored from the
/// leader's (Ray's _exploit, pbt.py:877-955).
struct Exploit {
  int member = 0, leader = 0;
  int64_t step = 0;
  bool operator==(const Exploit&) const = default;
};

/// `member` was in the bottom quantile, but the leader drawn for it had no checkpoint (it was
/// judged outside the top quantile since): nothing is copied (pbt.py:727-732).
struct SkippedExploit {
  int member = 0, leader = 0;
  bool operator==(const SkippedExploit&) const = default;
};

/// A checkpoint PBT needs kept: `member`'s at `step` (asynchronous: save it now, the member
/// has just reported `step`; synchronous: the one it paused with).
struct KeptCheckpoint {
  int member = 0;
  int64_t step = 0;
  bool operator==(const KeptCheckpoint&) const = default;
};

/// What a report leads to.
struct Judgement {
  /// kPause: the reporting member stops for now: it was exploited (it restarts from its
  /// leader's checkpoint when it runs again), or, asynchronous, other members wait for a slot
  /// (Ray yields it, pbt.py:577-581), or, synchronous, it waits for the others (or has been
  /// judged with them).
  enum class Next { kContinue, kPause };
  Next next = Next::kContinue;
  bool judged = false;  ///< a judgement took place (of this member, or of all, synchronous)
  std::vector<KeptCheckpoint> checkpoints;
  std::vector<Exploit> exploits;
  std::vector<SkippedExploit> skipped;
};

/// Picks the leader a bottom member copies among the top quantile's members (Ray:
/// random.choice(upper_quantile), pbt.py:702). Called once per bottom member, in ascending
/// score order.
using LeaderPicker = std::function<int(std::span<const int> top)>;

/// Each of `top` with equal odds, from `rng`.
LeaderPicker PickUniformly(Rng& rng);

class Population {
 public:
  /// settings.Check() must pass (hpo::UserError otherwise).
  explicit Population(PbtSettings settings);

  /// `member` reported `score` (larger is better) at `step`. `statuses` holds every member's,
  /// the reporting one as running. Ray's on_trial_result (pbt.py:514-644).
  Judgement OnResult(int member, int64_t step, double score, std::span<const MemberStatus> statuses,
                     const LeaderPicker& pick_leader);

  /// Which waiting member should have the next free slot: the least trained (by
  /// last_train_step, the first in member order on a tie); synchronous, only those short of the
  /// next synchronisation step. Ray's choose_trial_to_run (pbt.py:986-1006).
  std::optional<int> NextToRun(std::span<const MemberStatus> statuses) const;

  const MemberState& member(int index) const { return members_.at(static_cast<size_t>(index)); }
  /// Sets what PBT remembers of a member and the synchronisation step, as a stopped sweep left
  /// them (its saved records): a resumed sweep goes on from there.
  void Restore(int index, const MemberState& state) {
    members_.at(static_cast<size_t>(index)) = state;
  }
  void RestoreSync(int64_t next_sync_step) {
    next_sync_step_ = std::max(next_sync_step_, next_sync_step);
  }
  /// Synchronous: the step every live member must reach before the next judgement.
  int64_t next_sync_step() const { return next_sync_step_; }

 private:
  Judgement JudgeAlone(int member, int64_t step, std::span<const MemberStatus> statuses,
                       const LeaderPicker& pick_leader);
  Judgement JudgeTogether(int member, int64_t step, std::span<const MemberStatus> statuses,
                          const LeaderPicker& pick_leader);
  Quantiles CurrentQuantiles(std::span<const MemberStatus> statuses) const;
  void CheckpointOrExploit(int member, const std::vector<int>& bottom, const std::vector<int>& top,
                           const LeaderPicker& pick_leader, Judgement& judgement);
  bool OthersShortOfSync(int member, std::span<const MemberStatus> statuses) const;
  void AdvanceSync();

  PbtSettings settings_;
  int64_t interval_;
  std::vector<MemberState> members_;
  int64_t next_sync_step_;
};

}  // namespace hpo::pbt
