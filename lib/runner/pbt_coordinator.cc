#include "lib/runner/pbt_coordinator.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <string>

#include "lib/core/random.h"
#include "lib/pbt/explore.h"
#include "lib/protocol/run_folder.h"

namespace hpo::runner {
namespace {

std::string ChangesText(const std::vector<pbt::ParameterChange>& changes) {
  std::string text;
  for (const pbt::ParameterChange& c : changes) {
    text += fmt::format("{}{} {} -> {} ({})", text.empty() ? "" : "; ", c.name,
                        c.before ? ReadableValue(*c.before) : "-",
                        c.after ? ReadableValue(*c.after) : "-", c.operation);
  }
  return text;
}

}  // namespace

std::filesystem::path CheckpointDir(const std::filesystem::path& run_dir) {
  return run_dir / "pbt_checkpoints";
}

std::optional<std::filesystem::path> CheckpointAt(const std::filesystem::path& dir, int64_t step) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (protocol::CheckpointStep(entry.path().filename().string()) == step) return entry.path();
  }
  return std::nullopt;
}

std::optional<std::pair<int64_t, std::filesystem::path>> LatestCheckpointIn(
    const std::filesystem::path& dir) {
  std::optional<std::pair<int64_t, std::filesystem::path>> latest;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::optional<int64_t> step = protocol::CheckpointStep(entry.path().filename().string());
    if (step && (!latest || *step > latest->first)) latest = {{*step, entry.path()}};
  }
  return latest;
}

PbtCoordinator::PbtCoordinator(pbt::PbtSettings settings, const space::SearchSpace& space,
                               uint64_t sweep_seed)
    : settings_(std::move(settings)), space_(space), seed_(sweep_seed), population_(settings_) {
  pbt::CheckExplorable(space_);
  members_.resize(static_cast<size_t>(settings_.population_size));
  versions_.assign(members_.size(), 0);
  for (size_t i = 0; i < members_.size(); ++i) {
    members_[i].index = static_cast<int>(i);
    members_[i].seed = DeriveSeed(sweep_seed, i, "pbt-member") & 0x7FFFFFFFULL;
  }
}

void PbtCoordinator::Sync(const std::map<int, store::PbtRecord>& stored, const std::set<int>& mine,
                          const std::function<bool(int64_t)>& trial_running) {
  for (const auto& [index, record] : stored) {
    if (index < 0 || index >= size() || mine.count(index)) continue;
    const auto i = static_cast<size_t>(index);
    if (record.version <= versions_[i]) continue;
    int64_t next_sync_step = 0;
    members_[i] = MemberFromRecord(record.text, next_sync_step);
    versions_[i] = record.version;
    population_.Restore(index, members_[i].state);
    population_.RestoreSync(next_sync_step);
  }
  for (pbt::Member& m : members_) {
    if (mine.count(m.index) || m.phase != pbt::MemberPhase::kRunning || trial_running(m.trial))
      continue;
    WaitFromLatestCheckpoint(m);  // its controller is gone
    Changed(m.index);
  }
}

std::vector<int> PbtCoordinator::TakeChanged() {
  std::vector<int> changed(changed_.begin(), changed_.end());
  changed_.clear();
  return changed;
}

std::vector<pbt::MemberStatus> PbtCoordinator::Statuses() const {
  std::vector<pbt::MemberStatus> statuses;
  for (const pbt::Member& m : members_) {
    statuses.push_back(m.phase == pbt::MemberPhase::kRunning    ? pbt::MemberStatus::kRunning
                       : m.phase == pbt::MemberPhase::kFinished ? pbt::MemberStatus::kFinished
                                                                : pbt::MemberStatus::kWaiting);
  }
  return statuses;
}

std::optional<int> PbtCoordinator::NextToLaunch() const {
  return population_.NextToRun(Statuses());
}

void PbtCoordinator::Launched(int member, int64_t number, const std::string& run_dir,
                              const ParamSet& params, const std::string& owner) {
  pbt::Member& m = members_.at(member);
  Changed(member);
  m.owner = owner;
  m.phase = pbt::MemberPhase::kRunning;
  m.trial = number;
  m.run_dir = run_dir;
  m.params = params;
  ++m.trials;
  if (!m.next) m.next = pbt::SegmentPlan{params, "", 0, std::nullopt, false};  // for a restart
  if (m.next->inherited) {  // it goes on from a leader's checkpoint
    m.schedule = *m.next->inherited;
    m.schedule.push_back({m.next->start_step, params, member});
    m.next->inherited.reset();
  }
  m.next->used = true;
  if (m.schedule.empty()) m.schedule.push_back({0, params, member});
}

PbtActions PbtCoordinator::OnReport(int member, int64_t step, double value, double oriented) {
  pbt::Member& m = members_.at(member);
  m.last_value = value;
  m.last_step = step;
  Rng leader_rng(DeriveSeed(DeriveSeed(seed_, static_cast<uint64_t>(member), "pbt-leader"),
                            static_cast<uint64_t>(step), "pick"));
  const pbt::Judgement judgement =
      population_.OnResult(member, step, oriented, Statuses(), pbt::PickUniformly(leader_rng));
  for (size_t i = 0; i < members_.size(); ++i)  // what PBT remembers, in the records too
    members_[i].state = population_.member(static_cast<int>(i));
  PbtActions actions;
  const bool reporter_exploited = judgement.judged && Apply(judgement, member, actions);
  if (judgement.judged) {  // synch judges every member; asynchronous, the reporting one
    for (int i = 0; i < size(); ++i) {
      if (settings_.synch || i == member) Changed(i);
    }
  }
  if (judgement.next == pbt::Judgement::Next::kPause && !reporter_exploited)
    Pause(member, step, actions);
  return actions;
}

// A judgement's kept checkpoints, exploits and skipped exploits; true when `member` (the one
// that reported) copies a leader.
bool PbtCoordinator::Apply(const pbt::Judgement& judgement, int member, PbtActions& actions) {
  actions.changed = true;
  for (const pbt::KeptCheckpoint& kept : judgement.checkpoints) {
    pbt::Member& k = members_.at(kept.member);
    const auto path = CheckpointAt(CheckpointDir(k.run_dir), kept.step);
    k.checkpoint = path ? path->string() : "";
    if (!path)
      actions.events.push_back(fmt::format(
          "member {} wrote no checkpoint of step {} in {} before reporting it: nobody can copy it "
          "(docs/trial_protocol.md)",
          kept.member, kept.step, CheckpointDir(k.run_dir).string()));
  }
  for (pbt::Member& m : members_) {
    if (!m.state.checkpoint_step) m.checkpoint.clear();
  }
  bool reporter_exploited = false;
  for (const pbt::Exploit& e : judgement.exploits) {
    Exploit(e, actions);
    reporter_exploited |= e.member == member;
  }
  for (const pbt::SkippedExploit& s : judgement.skipped) {
    members_.at(s.member).lineage.push_back(
        {members_.at(s.member).last_step, s.leader, "", {}, {}, "", true});
    actions.events.push_back(
        fmt::format("member {} would copy member {}, which has no checkpoint now: nothing copied",
                    s.member, s.leader));
  }
  return reporter_exploited;
}

void PbtCoordinator::Exploit(const pbt::Exploit& e, PbtActions& actions) {
  pbt::Member& m = members_.at(e.member);
  const pbt::Member& leader = members_.at(e.leader);
  if (leader.checkpoint.empty()) {
    m.lineage.push_back({e.step, e.leader, "", {}, {}, "", true});
    actions.events.push_back(fmt::format(
        "member {} would copy member {}'s checkpoint of step {}, which it did not write: nothing "
        "copied",
        e.member, e.leader, e.step));
    return;
  }
  Rng rng(DeriveSeed(DeriveSeed(seed_, static_cast<uint64_t>(e.member), "pbt-explore"),
                     static_cast<uint64_t>(e.step) ^ (static_cast<uint64_t>(m.trials) << 40),
                     "explore"));
  pbt::RngDraws draws(rng);
  const pbt::Exploration exploration = pbt::Explore(space_, leader.params, settings_, draws);
  const std::string changes = ChangesText(exploration.changes);
  // Its past becomes the leader's up to the checkpoint's step once it runs from it.
  std::vector<pbt::ScheduleEntry> inherited;
  for (const pbt::ScheduleEntry& entry : leader.schedule) {
    if (entry.step < e.step) inherited.push_back(entry);
  }
  m.next =
      pbt::SegmentPlan{exploration.values, leader.checkpoint, e.step, std::move(inherited), false};
  m.lineage.push_back(
      {e.step, e.leader, leader.checkpoint, leader.params, exploration.values, changes, false});
  if (m.phase == pbt::MemberPhase::kRunning) actions.stop.push_back(e.member);
  actions.exploits.push_back(
      {e.member, e.leader, e.step,
       fmt::format("member {} copies member {}'s checkpoint of step {}: {}", e.member, e.leader,
                   e.step, changes.empty() ? "values kept" : changes)});
}

// A member that yields its slot (or waits for the others, synch) goes on later from its own
// checkpoint of `step`; without one it keeps running, as stopping it would lose its steps.
void PbtCoordinator::Pause(int member, int64_t step, PbtActions& actions) {
  pbt::Member& m = members_.at(member);
  const auto path = CheckpointAt(CheckpointDir(m.run_dir), step);
  if (!path) {
    actions.events.push_back(
        fmt::format("member {} has no checkpoint of step {}: it keeps running instead of pausing",
                    member, step));
    return;
  }
  m.next = pbt::SegmentPlan{m.params, path->string(), step, std::nullopt, false};
  actions.stop.push_back(member);
  actions.changed = true;
  Changed(member);
}

void PbtCoordinator::WaitFromLatestCheckpoint(pbt::Member& m) {
  m.phase = pbt::MemberPhase::kWaiting;
  if (m.next && !m.next->used) return;  // an exploit or a pause decided since: it stands
  const auto latest = LatestCheckpointIn(CheckpointDir(m.run_dir));
  if (latest && (!m.next || latest->first >= m.next->start_step))
    m.next =
        pbt::SegmentPlan{m.params, latest->second.string(), latest->first, std::nullopt, false};
}

void PbtCoordinator::Ended(int member, bool paused, bool interrupted, const std::string& outcome) {
  pbt::Member& m = members_.at(member);
  Changed(member);
  if (paused) {
    m.phase = pbt::MemberPhase::kWaiting;
  } else if (interrupted) {
    WaitFromLatestCheckpoint(m);
  } else {
    m.phase = pbt::MemberPhase::kFinished;
    m.outcome = outcome;
    DropUnusedExploit(m);
  }
}

// A member exploited at its last report that finished its budget anyway never trained from
// the leader's checkpoint: its lineage and plan say nothing of a copy that did not happen.
void PbtCoordinator::DropUnusedExploit(pbt::Member& m) {
  if (!m.next || m.next->used || !m.next->inherited) return;
  for (auto it = m.lineage.rbegin(); it != m.lineage.rend(); ++it) {
    if (it->skipped) continue;
    m.lineage.erase(std::next(it).base());
    break;
  }
  m.next.reset();
}

bool PbtCoordinator::AnyRunning() const {
  return std::any_of(members_.begin(), members_.end(),
                     [](const pbt::Member& m) { return m.phase == pbt::MemberPhase::kRunning; });
}

bool PbtCoordinator::AllFinished() const {
  return std::all_of(members_.begin(), members_.end(),
                     [](const pbt::Member& m) { return m.phase == pbt::MemberPhase::kFinished; });
}

std::string PbtCoordinator::Record(int member) const {
  return MemberRecord(members_.at(member), population_.next_sync_step());
}

}  // namespace hpo::runner
