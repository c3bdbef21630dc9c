#include "lib/pbt/population.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace hpo::pbt {
namespace {

bool Holds(const std::vector<int>& members, int member) {
  return std::find(members.begin(), members.end(), member) != members.end();
}

}  // namespace

LeaderPicker PickUniformly(Rng& rng) {
  return [&rng](std::span<const int> top) {
    return top[static_cast<size_t>(UniformInt(rng, 0, static_cast<int64_t>(top.size())))];
  };
}

Population::Population(PbtSettings settings) : settings_(std::move(settings)) {
  settings_.Check();
  interval_ = *settings_.perturbation_interval;
  members_.resize(static_cast<size_t>(settings_.population_size));
  next_sync_step_ = std::max(interval_, settings_.burn_in);  // pbt.py:432-435
}

Judgement Population::OnResult(int member, int64_t step, double score,
                               std::span<const MemberStatus> statuses,
                               const LeaderPicker& pick_leader) {
  if (statuses.size() != members_.size())
    throw std::invalid_argument("pbt: " + std::to_string(statuses.size()) + " statuses for " +
                                std::to_string(members_.size()) + " members");
  MemberState& state = members_.at(static_cast<size_t>(member));
  if (step < settings_.burn_in) return {};                         // pbt.py:558
  if (step - state.last_perturbation_step < interval_) return {};  // pbt.py:563-569
  state.last_score = score;  // _save_trial_state, pbt.py:659-661
  state.last_train_step = step;
  return settings_.synch ? JudgeTogether(member, step, statuses, pick_leader)
                         : JudgeAlone(member, step, statuses, pick_leader);
}

// pbt.py:574-585.
Judgement Population::JudgeAlone(int member, int64_t step, std::span<const MemberStatus> statuses,
                                 const LeaderPicker& pick_leader) {
  members_[static_cast<size_t>(member)].last_perturbation_step = step;
  const Quantiles quantiles = CurrentQuantiles(statuses);
  Judgement judgement;
  judgement.judged = true;
  CheckpointOrExploit(member, quantiles.bottom, quantiles.top, pick_leader, judgement);
  // Ray yields the slot whenever a member waits for one, so that all train alike.
  const bool others_wait =
      std::find(statuses.begin(), statuses.end(), MemberStatus::kWaiting) != statuses.end();
  const bool exploited = !judgement.exploits.empty();
  judgement.next = exploited || others_wait ? Judgement::Next::kPause : Judgement::Next::kContinue;
  return judgement;
}

// pbt.py:586-644.
Judgement Population::JudgeTogether(int member, int64_t step,
                                    std::span<const MemberStatus> statuses,
                                    const LeaderPicker& pick_leader) {
  Judgement judgement;
  judgement.next = Judgement::Next::kPause;
  if (OthersShortOfSync(member, statuses)) return judgement;
  judgement.judged = true;
  const Quantiles quantiles = CurrentQuantiles(statuses);
  // Top first, so that their checkpoints are kept before the bottom ones copy them; finished
  // members are among the others and lose their checkpoint (pbt.py:601-623).
  std::vector<int> order = quantiles.top;
  for (int m = 0; m < static_cast<int>(members_.size()); ++m) {
    if (!Holds(quantiles.top, m) && !Holds(quantiles.bottom, m)) order.push_back(m);
  }
  order.insert(order.end(), quantiles.bottom.begin(), quantiles.bottom.end());
  for (int m : order) {
    members_[static_cast<size_t>(m)].last_perturbation_step = step;
    CheckpointOrExploit(m, quantiles.bottom, quantiles.top, pick_leader, judgement);
  }
  AdvanceSync();
  return judgement;
}

Quantiles Population::CurrentQuantiles(std::span<const MemberStatus> statuses) const {
  std::vector<ScoredMember> scored;
  for (size_t i = 0; i < members_.size(); ++i)
    scored.push_back({members_[i].last_score, statuses[i] == MemberStatus::kFinished});
  return SplitQuantiles(scored, settings_.quantile_fraction);
}

// pbt.py:666-733, with _exploit's bookkeeping (pbt.py:952-955).
void Population::CheckpointOrExploit(int member, const std::vector<int>& bottom,
                                     const std::vector<int>& top, const LeaderPicker& pick_leader,
                                     Judgement& judgement) {
  MemberState& state = members_[static_cast<size_t>(member)];
  if (Holds(top, member)) {
    state.checkpoint_step = state.last_train_step;
    judgement.checkpoints.push_back({member, state.last_train_step});
  } else {
    state.checkpoint_step.reset();
  }
  if (!Holds(bottom, member)) return;
  const int leader = pick_leader(top);
  const MemberState& leader_state = members_.at(static_cast<size_t>(leader));
  if (!leader_state.checkpoint_step) {
    judgement.skipped.push_back({member, leader});
    return;
  }
  judgement.exploits.push_back({member, leader, *leader_state.checkpoint_step});
  state.last_perturbation_step = leader_state.last_perturbation_step;
  state.last_train_step = leader_state.last_train_step;
}

// pbt.py:588-592: a live member other than the reporting one has not trained to the next
// synchronisation step yet.
bool Population::OthersShortOfSync(int member, std::span<const MemberStatus> statuses) const {
  for (size_t i = 0; i < members_.size(); ++i) {
    if (static_cast<int>(i) == member || statuses[i] == MemberStatus::kFinished) continue;
    if (members_[i].last_train_step < next_sync_step_) return true;
  }
  return false;
}

// pbt.py:625-633: one interval on, or further if a member has trained past that.
void Population::AdvanceSync() {
  int64_t most_trained = 0;
  for (const MemberState& m : members_) most_trained = std::max(most_trained, m.last_train_step);
  next_sync_step_ = std::max(next_sync_step_ + interval_, most_trained);
}

std::optional<int> Population::NextToRun(std::span<const MemberStatus> statuses) const {
  std::optional<int> next;
  for (size_t i = 0; i < members_.size(); ++i) {
    if (statuses[i] != MemberStatus::kWaiting) continue;
    if (settings_.synch && members_[i].last_train_step >= next_sync_step_) continue;
    // Strictly less: the first in member order wins a tie, as Ray's stable sort keeps it.
    if (!next || members_[i].last_train_step < members_[static_cast<size_t>(*next)].last_train_step)
      next = static_cast<int>(i);
  }
  return next;
}

}  // namespace hpo::pbt
