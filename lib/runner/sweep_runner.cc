#include "lib/runner/sweep_runner.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <iterator>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <system_error>
#include <unordered_map>
#include <utility>

#include "lib/config/yaml_source.h"
#include "lib/core/atomic_file.h"
#include "lib/core/error.h"
#include "lib/core/json.h"
#include "lib/core/quantities.h"
#include "lib/core/random.h"
#include "lib/core/seed_aggregate.h"
#include "lib/core/stop_signal.h"
#include "lib/protocol/run_folder.h"
#include "lib/protocol/trial_command.h"
#include "lib/protocol/trial_results.h"
#include "lib/runner/gpu_slots.h"
#include "lib/runner/pbt_coordinator.h"
#include "lib/runner/study_view.h"
#include "lib/runner/trial_process.h"
#include "lib/runner/warm_start.h"

namespace hpo::runner {
namespace {

std::string HostName() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "localhost";
  return name;
}

// "host:pid" of a controller; a dead pid on our own host means its trials are orphaned.
// Signals a trial program does not send itself: someone else stopped it.
bool KilledFromOutside(const ExitStatus& status) {
  return status.signal == SIGTERM || status.signal == SIGKILL || status.signal == SIGINT ||
         status.signal == SIGHUP;
}

bool IsDeadLocalWorker(const std::string& worker, const std::string& host) {
  const size_t colon = worker.rfind(':');
  if (colon == std::string::npos || worker.substr(0, colon) != host) return false;
  const pid_t pid = static_cast<pid_t>(std::strtol(worker.c_str() + colon + 1, nullptr, 10));
  if (pid <= 0) return false;
  return ::kill(pid, 0) != 0 && errno == ESRCH;
}

using Clock = std::chrono::steady_clock;

/// When a file was created (unix epoch ms), where the file system records it (statx's birth
/// time: ext4, xfs, btrfs, tmpfs).
std::optional<int64_t> CreatedMs(const std::filesystem::path& path) {
  struct statx st = {};
  if (::statx(AT_FDCWD, path.c_str(), 0, STATX_BTIME, &st) != 0 || !(st.stx_mask & STATX_BTIME))
    return std::nullopt;
  return static_cast<int64_t>(st.stx_btime.tv_sec) * 1000 + st.stx_btime.tv_nsec / 1000000;
}

double SecondsSince(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// ---------------------------------------------------------------------------------------------
// The controller
// ---------------------------------------------------------------------------------------------

class Controller {
 public:
  Controller(const config::SweepConfig& c, const RunContext& run, const space::SearchSpace& space,
             samplers::Sampler& sampler, store::Store& store, const store::Study& study,
             const std::function<void(const SweepEvent&)>& on_event)
      : c_(c),
        run_(run),
        space_(space),
        sampler_(sampler),
        store_(store),
        study_(study),
        on_event_(on_event),
        view_(store, study.id),
        host_(HostName()),
        worker_(fmt::format("{}:{}", host_, ::getpid())) {
    if (c_.gpus_per_trial > 0) gpus_.emplace(PlanGpus(c_), GpuAllocator::LockDir());
  }

  SweepSummary Run() {
    StopSignalScope signals;
    std::filesystem::create_directories(run_.sweep_dir / "runs");
    try {
      RecoverOrphans();
    } catch (const store::StorageUnavailable& e) {
      orphans_pending_ = true;  // looked for when the storage is back
      BeginOutage(e.what());
    }
    Write([this] { store_.RecordWorker(study_.id, {worker_, run_.slurm_task, store::NowMs()}); });
    if (pbt_settings_) {
      if (pbt_settings_->synch) RefuseSharedPopulation();  // SweepConfig::OneControllerOnly
      pbt_.emplace(*pbt_settings_, space_, c_.seed);
      SyncPopulation(true);
    }
    const Clock::time_point started = Clock::now();
    started_ms_ = store::NowMs();
    Clock::time_point last_heartbeat = Clock::now();
    bool launching = true;
    // Stopped launching for good: the timeout passed, or a stopping rule held.
    auto done_launching = [&] {
      return stopped_ || (c_.timeout > 0 && SecondsSince(started) > c_.timeout);
    };

    while (true) {
      if (StopSignalScope::Received()) return Interrupt();
      if (outage_) TryStorageAgain();
      if (c_.timeout > 0 && SecondsSince(started) > c_.timeout && launching) {
        launching = false;
        Emit(SweepEvent::Kind::kInfo, nullptr, "sweep timeout reached: no new trials");
      }
      if (launching && !outage_) CheckStoppingRules(launching);
      StartWaitingSeeds();  // a started trial's seeds come before new trials
      while (launching && !outage_ && CanStartProcess()) {
        if (!LaunchNext()) {
          // a launch the storage refused is tried again; a paused PBT member runs again later
          launching = outage_.has_value() || pbt_.has_value();
          break;
        }
      }
      spare_gpus_.reset();  // a device leased for nothing goes back to the machine's controllers
      if (pbt_ && !outage_ && running_.empty() && PopulationDone(done_launching())) break;
      // Nothing ends while the storage is away: what the outbox holds must be written first.
      const bool idle = !outage_ && !launching && running_.empty();
      if (idle && done_launching()) break;
      if (idle && !StudyHasUnfinishedTrials()) break;

      WaitForOutput(0.2);
      // A stop request wakes the wait: handle it before reading trial exits, since the signal
      // that reached us (a scheduler's cancel) may have ended our trials too.
      if (StopSignalScope::Received()) return Interrupt();
      for (size_t i = 0; i < running_.size();) {
        if (Service(running_[i])) {
          running_.erase(running_.begin() + static_cast<std::ptrdiff_t>(i));
        } else {
          ++i;
        }
      }
      if (StorageInReach() && SecondsSince(last_heartbeat) >= heartbeat_interval_) {
        Heartbeat();
        last_heartbeat = Clock::now();
        // A trial another controller re-queued (or whose controller died) can be ours to run.
        if (!launching && !done_launching()) launching = true;
      }
    }
    summary_.population_finished = pbt_ && pbt_->AllFinished();
    return summary_;
  }

 private:
  /// One process of a trial: a trial trained on K seeds (seeds_per_trial) has K, each in its
  /// own folder, started as slots free; a single-seed trial has one, in the trial's folder.
  struct SeedRun {
    int index = 0;
    uint64_t seed = 0;
    std::filesystem::path run_dir;
    std::optional<TrialProcess> process;  ///< none: not started (waits for a slot)
    std::optional<ExitStatus> exit;       ///< set once it has ended
    double seconds = 0;                   ///< how long it ran, once it has ended
    std::map<int64_t, double> steps;      ///< each step's first reported value
    std::optional<double> last_whole;     ///< last whole value of the metric on a JSON line
    std::vector<std::optional<double>> last_more;  ///< the further objectives, as last reported
    TrialMeasures measures;  ///< the last step and the `cost` it reported so far
    std::optional<Clock::time_point> terminated_at;
    std::optional<double> value;   ///< its final value, once it has ended well
    std::vector<double> more;      ///< its further objectives' final values
    std::optional<GpuLease> gpus;  ///< its devices (gpus_per_trial), held until it ends
    bool running() const { return process && !exit; }
  };

  struct RunningTrial {
    store::Trial trial;
    std::vector<SeedRun> seeds;
    std::vector<pruners::Report> reports;  ///< each complete step's aggregate, oriented
    std::optional<double> last_value;      ///< the last complete step's aggregate (not oriented)
    bool pruned = false;
    bool taken_over = false;  ///< another controller took it over: stopped, nothing recorded
    std::string failure;      ///< why it fails (set when a seed failed or ran out of time)
    std::string outside;      ///< a seed was killed from outside: how (the trial is re-queued)
    std::filesystem::path failure_log;   ///< the log of the seed that failed it
    int member = -1;                     ///< PBT: the member it trains (-1: not PBT)
    std::filesystem::path restore_from;  ///< PBT: the checkpoint it starts from (a copy)
    bool paused = false;                 ///< PBT stopped it: complete with its last value
    /// Its seeds are being stopped (or not started): it is pruned, failed, paused or taken over.
    bool ending() const {
      return pruned || paused || taken_over || !failure.empty() || !outside.empty();
    }
    bool started() const { return seeds.front().process.has_value(); }
  };

  // ----- the storage -------------------------------------------------------------------------
  //
  // Every write goes through the outbox, in order. While the storage is unreachable (the
  // store's own short retries failed: StorageUnavailable) or the disk is full, writes wait
  // there, running trials go on (their results are in their run folders too), nothing new is
  // launched or pruned, and the storage is tried again with capped exponential backoff. When it
  // answers, the outbox is written and the sweep goes on; past c_.storage_retry the
  // controller stops its trials and fails (StopForOutage).

  struct Outage {
    bool storage = true;  // the storage is away; false: only the disk is full (heartbeats go on)
    Clock::time_point since;
    int64_t since_ms = 0;  // the same moment, for people
    std::string fault;
    Clock::time_point next_try;
    double delay = 1;  // seconds before next_try; doubles up to a heartbeat interval
  };

  /// Runs a write now, or queues it behind earlier ones while the storage is away.
  void Write(std::function<void()> write) {
    outbox_.push_back(std::move(write));
    if (StorageInReach()) FlushOutbox();
  }

  /// False while the storage is away (a full disk alone leaves it in reach).
  bool StorageInReach() const { return !outage_ || !outage_->storage; }

  /// Writes the outbox in order. False, and an outage begun, when the storage is away.
  bool FlushOutbox() {
    while (!outbox_.empty()) {
      try {
        outbox_.front()();
      } catch (const store::StorageUnavailable& e) {
        BeginOutage(e.what());
        return false;
      }
      outbox_.pop_front();
    }
    return true;
  }

  /// The study's trials: fresh when the storage answers, else as last read.
  const std::vector<store::Trial>& Trials() {
    if (outage_) return view_.trials();
    try {
      return view_.Refresh();
    } catch (const store::StorageUnavailable& e) {
      BeginOutage(e.what());
      return view_.trials();
    }
  }

  /// A failure of the storage or of the disk (not of hpo, nor of the user's input).
  static bool IsFault(const std::exception& e) {
    if (dynamic_cast<const EnvironmentError*>(&e)) return true;  // StorageUnavailable too
    const auto* system = dynamic_cast<const std::system_error*>(&e);
    return system && IsEnvironmentErrno(system->code().value());
  }

  /// Begins an outage, said once; a fault during one changes nothing (the first is the news),
  /// but a storage that goes away during a full disk is an outage of the storage from then on.
  void BeginOutage(const std::string& fault, bool storage = true) {
    if (outage_) {
      outage_->storage = outage_->storage || storage;
      return;
    }
    const Clock::time_point now = Clock::now();
    outage_ = Outage{storage, now, store::NowMs(), fault, now + std::chrono::seconds(1)};
    Emit(SweepEvent::Kind::kInfo, nullptr,
         fmt::format("waiting for storage since {}: {} (running trials go on; retrying for up to "
                     "{}, storage_retry)",
                     ClockTime(outage_->since_ms), fault, FormatDuration(c_.storage_retry)));
  }

  /// At its time, tries the storage (and the disk) again; past the budget, stops for good.
  void TryStorageAgain() {
    if (SecondsSince(outage_->since) > c_.storage_retry) StopForOutage();
    if (Clock::now() < outage_->next_try) return;
    if (FlushOutbox() && StorageAnswers() && DiskWritable()) {
      const double waited = SecondsSince(outage_->since);
      outage_.reset();
      in_touch_since_ = Clock::now();
      Emit(SweepEvent::Kind::kInfo, nullptr,
           fmt::format("storage is back after {}", FormatDuration(std::round(waited))));
      if (!orphans_pending_) return Heartbeat();
      try {
        RecoverOrphans();
        orphans_pending_ = false;
      } catch (const store::StorageUnavailable& e) {
        BeginOutage(e.what());  // gone again at once: a new outage
      }
      return;
    }
    // Never longer than a heartbeat interval: a controller must be back within the others'
    // reclaim grace (heartbeat_timeout) of the storage's return (docs/multi_machine.md).
    outage_->delay = std::min(heartbeat_interval_, outage_->delay * 2);
    outage_->next_try =
        Clock::now() + std::chrono::milliseconds(static_cast<int64_t>(outage_->delay * 1000));
  }

  /// Whether the storage answers a read (an empty outbox writes nothing to try it with).
  bool StorageAnswers() {
    try {
      view_.Refresh();
      return true;
    } catch (const store::StorageUnavailable&) {
      return false;
    }
  }

  /// Whether the runs folder takes a file again (after a full disk).
  bool DiskWritable() {
    const std::filesystem::path probe = run_.sweep_dir / "runs" / ".space_probe";
    try {
      WriteFileAtomic(probe, "hpo checks that the disk takes files again\n", Flush::kNo);
      std::filesystem::remove(probe);
      return true;
    } catch (const std::exception& e) {
      if (!IsFault(e)) throw;
      return false;
    }
  }

  /// The budget of storage_retry is spent: stop the running trials as on SIGTERM, give the
  /// storage one last chance to take what is held, and fail with one line naming the fault.
  [[noreturn]] void StopForOutage() {
    const Outage was = *outage_;
    const size_t stopped = running_.size();  // trials
    StopRunningTrials("stopped: the storage was unreachable for longer than storage_retry");
    const bool written = FlushOutbox();  // one last try; a failure here is no new news
    std::string after = stopped > 0 ? fmt::format("; {} running trial(s) stopped", stopped) : "";
    if (!written) after += "; the next `hpo sweep` of this study recovers what was not recorded";
    throw EnvironmentError(fmt::format("gave up after waiting {} (storage_retry) since {}: {}{}",
                                       FormatDuration(std::round(SecondsSince(was.since))),
                                       ClockTime(was.since_ms), was.fault, after));
  }

  // ----- launching ---------------------------------------------------------------------------

  /// Stops launching for good when a stopping rule holds, and records why in the study.
  void CheckStoppingRules(bool& launching) {
    if (!stopping_.target && stopping_.patience <= 0) return;
    const std::optional<std::string> reason =
        StopReason(Trials(), c_.objectives.maximize, c_.objectives.metric, stopping_, started_ms_);
    if (!reason) return;
    stopped_ = true;
    launching = false;
    Write([this, reason] { store_.RecordStop(study_.id, *reason); });
    Emit(SweepEvent::Kind::kInfo, nullptr, "stopping: " + *reason + " (running trials finish)");
  }

  /// Claims and starts one trial. False when there is nothing (more) to launch now, or when the
  /// storage or the disk failed (then an outage has begun, and the claim is given back).
  bool LaunchNext() {
    // PBT: another controller may take the member this one chose a moment before (both choose
    // the least trained): then the next one is tried, up to once per member.
    const int attempts = pbt_ ? pbt_->size() : 1;
    bool lost_member = false;
    for (int attempt = 0; attempt < attempts; ++attempt) {
      if (LaunchOnce(lost_member)) return true;
      if (!lost_member) return false;
    }
    return false;
  }

  bool LaunchOnce(bool& lost_member) {
    lost_member = false;
    std::optional<int> member;  // PBT: the member whose next stretch this trial trains
    if (pbt_) {
      SyncPopulation(false);
      member = pbt_->NextToLaunch();
      if (!member) return false;
    }
    std::optional<store::Trial> claimed;
    try {
      claimed = store_.ClaimTrial(study_.id, pbt_ ? std::numeric_limits<int>::max() : c_.n_trials,
                                  worker_);
    } catch (const store::StorageUnavailable& e) {
      BeginOutage(e.what());  // a claim whose answer was lost is recovered as stale
      return false;
    }
    if (!claimed) return false;
    store::Trial trial = std::move(*claimed);
    // Its parameters were chosen before the claim (enqueued, or a retry): given back, it waits.
    const bool queued = !trial.params.empty() || trial.retry_of >= 0;
    // A PBT member goes on with its plan's values; its first trial takes an enqueued point (the
    // search centre of a new study) or the sampler's draw, as any first trial does.
    if (member && pbt_->PlanOf(*member)) trial.params = pbt_->PlanOf(*member)->params;
    if (trial.params.empty()) {
      // A new trial: the sampler chooses; its randomness depends only on seed and number.
      std::optional<samplers::Suggestion> suggestion;
      try {
        suggestion = SuggestTrial(sampler_, space_, History(), c_.seed, trial.number);
      } catch (...) {
        Write([this, id = trial.id] { store_.ReleaseTrial(id, /*queued=*/false); });
        throw;
      }
      if (!suggestion) {
        Write([this, id = trial.id] { store_.ReleaseTrial(id, /*queued=*/false); });
        Emit(SweepEvent::Kind::kInfo, nullptr, "the sampler has no more points (grid exhausted)");
        return false;
      }
      trial.params = space_.ToParams(suggestion->point);
      trial.seed = SeedOfTrial(c_.fixed, trial.params, c_.seed, trial.number);
    }
    if (member) trial.seed = pbt_->member(*member).seed;  // one seed through a member's trials
    std::filesystem::path restore_from;
    try {
      trial.run_dir = ClaimRunDir(c_.name, run_.sweep_dir, trial.number).string();
      if (member && !TakeMember(*member, trial)) {
        lost_member = true;
        return false;
      }
      store_.StartTrial(trial.id, trial.params, trial.seed, trial.run_dir);
      WriteRunFiles(trial);
      if (member) {
        restore_from = PlaceRestorePoint(*member, trial.run_dir);
        // The member's history as this stretch starts (values, lineage, schedule), beside it.
        WriteFileAtomic(std::filesystem::path(trial.run_dir) / protocol::kPbtMemberRecord,
                        pbt_->Record(*member), Flush::kNo);
      }
    } catch (const std::exception& e) {
      if (!IsFault(e)) throw;
      GiveBack(trial, queued, e);
      return false;
    }
    Emit(SweepEvent::Kind::kCreated, &trial, "");
    Start(std::move(trial), queued, member.value_or(-1), restore_from);
    return true;
  }

  // ----- population-based training -----------------------------------------------------------

  /// Records that this controller runs `member` as `trial`, unless another controller took the
  /// member since this one last looked (then the claimed trial is given back, and false).
  bool TakeMember(int member, const store::Trial& trial) {
    pbt_->Launched(member, trial.number, trial.run_dir, trial.params, worker_);
    pbt_->TakeChanged();  // saved here, at once, not through the outbox
    if (!store_.SavePbtMembers(study_.id, {Save(member)}).empty()) {
      std::filesystem::remove(trial.run_dir);
      store_.ReleaseTrial(trial.id, /*queued=*/false);
      pbt_->Stale(member);
      SyncPopulation(true);
      return false;
    }
    pbt_->Saved(member);
    return true;
  }

  std::set<int> MembersRunningHere() const {
    std::set<int> members;
    for (const RunningTrial& r : running_) {
      if (r.member >= 0) members.insert(r.member);
    }
    return members;
  }

  /// Takes in the other controllers' changes to the population (records first, then trials: a
  /// member's trial is claimed before its record says so), and saves this one's. Unless
  /// `now`, at most once a second.
  void SyncPopulation(bool now) {
    if (outage_ || (!now && SecondsSince(last_sync_) < 1)) return;
    last_sync_ = Clock::now();
    std::map<int, store::PbtRecord> stored;
    try {
      stored = store_.LoadPbtMembers(study_.id);
    } catch (const store::StorageUnavailable& e) {
      return BeginOutage(e.what());
    }
    std::map<int64_t, store::TrialState> states;
    for (const store::Trial& t : Trials()) states[t.number] = t.state;
    // Trials as last read are older than the records: a member another controller took since
    // would look lost.
    if (outage_) return;
    pbt_->Sync(stored, MembersRunningHere(), [&states](int64_t number) {
      const auto it = states.find(number);
      return it != states.end() && it->second == store::TrialState::kRunning;
    });
    SaveChangedMembers();
  }

  /// Copies the checkpoint a PBT member starts from into its new trial's folder (restore_from/),
  /// so that the folder shows what it started from and no later cleanup of the source matters.
  /// Empty when it starts from scratch.
  std::filesystem::path PlaceRestorePoint(int member, const std::filesystem::path& run_dir) {
    const std::optional<pbt::SegmentPlan>& plan = pbt_->PlanOf(member);
    if (!plan || plan->restore_from.empty()) return {};
    const std::filesystem::path source = plan->restore_from;
    if (!std::filesystem::exists(source))
      throw UserError(
          fmt::format("member {} goes on from checkpoint {}, which is gone (removed "
                      "outside hpo?); the population cannot go on without it",
                      member, source.string()));
    std::filesystem::path copy = run_dir / "restore_from" / source.filename();
    std::filesystem::create_directories(copy.parent_path());
    std::filesystem::copy(source, copy, std::filesystem::copy_options::recursive);
    return copy;
  }

  /// A member's report: PBT may judge it (and others, synch), pause it, or make members copy a
  /// leader; trials of members that must stop are stopped (recorded complete with their last
  /// value, Record).
  void OnMemberReport(const RunningTrial& r, int64_t step, double value) {
    SyncPopulation(true);  // the others' latest scores and checkpoints
    const PbtActions actions = pbt_->OnReport(r.member, step, value, Oriented(value));
    for (const std::string& event : actions.events) Emit(SweepEvent::Kind::kInfo, &r.trial, event);
    for (const ExploitNotice& e : actions.exploits) EmitExploit(e);
    for (int member : actions.stop) {
      for (RunningTrial& t : running_) {
        if (t.member != member || t.ending()) continue;
        t.paused = true;
        StopSeeds(t);
      }
    }
    SaveChangedMembers();
  }

  /// The exploit as an event: with the member's current trial when it runs, else its last one.
  void EmitExploit(const ExploitNotice& e) {
    store::Trial last;
    last.number = pbt_->member(e.member).trial;
    last.params = pbt_->member(e.member).params;
    last.run_dir = pbt_->member(e.member).run_dir;
    const store::Trial* trial = &last;
    for (const RunningTrial& t : running_) {
      if (t.member == e.member) trial = &t.trial;
    }
    Emit(SweepEvent::Kind::kExploited, trial, e.text, std::nullopt, e.step, e.member, e.leader);
  }

  /// Saves the members this controller changed, in order behind its other writes. Each write
  /// saves the member as it is when the write runs, at the version the study has then (a write
  /// held during an outage saves the latest state). A save that finds the record changed
  /// elsewhere (another controller took the member for lost) leaves the member to that one.
  void SaveChangedMembers() {
    const auto changed = pbt_->TakeChanged();
    if (changed.empty()) return;
    Write([this, changed] {  // one transaction: a synchronous judgement is saved whole
      std::vector<store::PbtSave> saves;
      saves.reserve(changed.size());
      for (int member : changed) saves.push_back(Save(member));
      const std::vector<int> stale = store_.SavePbtMembers(study_.id, saves);
      for (int member : changed) {
        if (std::find(stale.begin(), stale.end(), member) == stale.end()) pbt_->Saved(member);
      }
      for (int member : stale) LostMember(member);
    });
  }

  /// `member`'s record as the coordinator holds it now, over the version it last read.
  store::PbtSave Save(int member) const {
    return {member, pbt_->Record(member), pbt_->version(member)};
  }

  /// Another controller changed the record of a member this one changed (it took the member
  /// for lost): its change wins, the next sync reads it, and this one's trial of it stops.
  void LostMember(int member) {
    pbt_->Stale(member);
    for (RunningTrial& r : running_) {
      if (r.member != member || r.ending()) continue;
      r.taken_over = true;
      StopSeeds(r);
    }
    Emit(SweepEvent::Kind::kInfo, nullptr,
         fmt::format("member {}'s record was changed by another controller, which took it for "
                     "lost: its change wins (a trial of it here is stopped)",
                     member));
  }

  /// A member's trial was recorded: the member waits, or is finished.
  void MemberEnded(const RunningTrial& r, bool interrupted, const std::string& outcome) {
    if (r.member < 0) return;
    pbt_->Ended(r.member, r.paused, interrupted, outcome);
    SaveChangedMembers();
  }

  /// Whether a PBT sweep with nothing running is over: every member finished, launching stopped
  /// (timeout, a stopping rule), or no member can run (which PBT's rules should never leave).
  bool PopulationDone(bool done_launching) {
    SyncPopulation(false);
    if (pbt_->AllFinished() || done_launching) return true;
    if (pbt_->NextToLaunch() || pbt_->AnyRunning()) return false;  // others' may pause for slots
    Emit(SweepEvent::Kind::kInfo, nullptr,
         "population-based training: no member is finished, none can run; stopping");
    return true;
  }

  /// A PBT population lives in the controller that runs it (its records are saved for a resume):
  /// a second controller on the study would run the same members twice, so it is refused for
  /// now. A controller that stopped sending heartbeats has left: its trials fail, and their
  /// members go on from their latest checkpoints.
  void RefuseSharedPopulation() {
    const int64_t fresh_since = store::NowMs() - static_cast<int64_t>(c_.heartbeat_timeout * 1000);
    for (const store::Trial& t : view_.Refresh()) {
      if (t.state != store::TrialState::kRunning || t.worker == worker_) continue;
      if (t.heartbeat_ms >= fresh_since)
        throw UserError(fmt::format(
            "population-based training: controller {} runs this population (trial {}); a PBT "
            "study has one controller at a time: wait for it to end, or stop it and resume",
            t.worker, t.number));
      store_.FailAndRequeue(t.id, "its controller " + t.worker + " stopped sending heartbeats", 0);
    }
  }

  /// Re-queues of a trial whose controller died: none for a PBT member's trial, whose member
  /// goes on from its latest checkpoint instead (PbtCoordinator).
  int Retries() const { return pbt_settings_ ? 0 : c_.max_retries; }  // before pbt_ exists too

  /// A claimed trial that could not start because the storage or the disk failed: given back
  /// (Store::ReleaseTrial), and the outage begins.
  void GiveBack(const store::Trial& trial, bool queued, const std::exception& fault) {
    BeginOutage(fault.what(), dynamic_cast<const store::StorageUnavailable*>(&fault) != nullptr);
    Write([this, id = trial.id, queued] { store_.ReleaseTrial(id, queued); });
  }

  /// The values a trial's seed gets: the sweep's fixed ones, then the trial's own; a `seed`
  /// among them is that seed's (seed 0's is the trial's).
  ParamSet AllParams(const store::Trial& trial, const SeedRun& seed) const {
    ParamSet all = TrialParams(c_, trial.params);
    if (seed.index > 0 && all.count("seed")) all["seed"] = Value(static_cast<int64_t>(seed.seed));
    return all;
  }

  /// The trial's seeds, none started: one in the trial's folder, or K in its seed_<i>/.
  static std::vector<SeedRun> SeedRuns(const store::Trial& trial, int seeds_per_trial) {
    std::vector<SeedRun> seeds(static_cast<size_t>(seeds_per_trial));
    for (size_t i = 0; i < seeds.size(); ++i) {
      seeds[i].index = static_cast<int>(i);
      seeds[i].seed = SeedOfTrialRun(trial.seed, seeds[i].index);
      seeds[i].run_dir = protocol::SeedRunDir(trial.run_dir, seeds[i].index, seeds_per_trial);
    }
    return seeds;
  }

  /// How many seeds a trial was started with: the seed_<i>/ folders WriteRunFiles made, all at
  /// its start (a study whose seeds_per_trial changed since keeps its trials' own).
  static int SeedsStartedWith(const store::Trial& trial) {
    int k = 0;
    while (std::filesystem::is_directory(protocol::SeedFolder(trial.run_dir, k))) ++k;
    return std::max(k, 1);
  }

  /// The files a trial's run directory (and each seed's) holds before its programs start.
  void WriteRunFiles(const store::Trial& trial) const {
    const std::filesystem::path run_dir = trial.run_dir;
    std::filesystem::create_directories(run_dir);
    // Not flushed to disk: a crash that could tear them kills the trial too, and its retry gets
    // a new run directory; adoption reads the record and refuses one that does not match.
    for (const SeedRun& seed : SeedRuns(trial, c_.seeds_per_trial)) {
      std::filesystem::create_directories(seed.run_dir);
      WriteFileAtomic(seed.run_dir / protocol::kTrialInput, ParamsYaml(AllParams(trial, seed)),
                      Flush::kNo);
    }
    WriteFileAtomic(run_dir / protocol::kTrialRecord, TrialRecord(trial), Flush::kNo);
  }

  /// Free process slots of this controller (n_jobs): each running seed takes one.
  int FreeSlots() const {
    int busy = 0;
    for (const RunningTrial& r : running_) {
      busy += static_cast<int>(std::count_if(r.seeds.begin(), r.seeds.end(),
                                             [](const SeedRun& s) { return s.running(); }));
    }
    return c_.n_jobs - busy;
  }

  /// A slot is free, and with gpus_per_trial the devices for one more process (held in
  /// spare_gpus_ for the next StartSeed): none while other controllers of the machine hold them.
  bool CanStartProcess() {
    if (FreeSlots() <= 0) return false;
    if (gpus_ && !spare_gpus_) spare_gpus_ = gpus_->TryLease();
    return !gpus_ || spare_gpus_.has_value();
  }

  /// Starts a new trial's first seed, and more while slots are free.
  void Start(store::Trial trial, bool queued, int member, std::filesystem::path restore_from) {
    RunningTrial r;
    r.trial = std::move(trial);
    r.seeds = SeedRuns(r.trial, c_.seeds_per_trial);
    r.member = member;
    r.restore_from = std::move(restore_from);
    try {
      StartSeed(r, r.seeds.front());
    } catch (const std::runtime_error& e) {
      if (IsFault(e)) return GiveBack(r.trial, queued, e);  // its log could not be created
      // A program that cannot start is the user's command, not a flaky trial: stop the sweep.
      Write([this, id = r.trial.id, why = std::string(e.what())] {
        store_.FinishTrial(id, store::TrialState::kFailed, std::nullopt, {}, {}, why);
      });
      throw UserError(e.what());
    }
    ++summary_.launched;
    running_.push_back(std::move(r));
    Emit(SweepEvent::Kind::kStarted, &running_.back().trial, "");
    StartWaitingSeeds();
  }

  /// Starts the seeds of started trials that wait for a slot, oldest trial first. While the
  /// storage or the disk is away they wait, as new trials do; one that cannot start for such a
  /// fault waits for its return (the trial's other seeds go on).
  void StartWaitingSeeds() {
    for (RunningTrial& r : running_) {
      for (SeedRun& seed : r.seeds) {
        if (outage_) return;
        if (seed.process || r.ending()) continue;
        if (!CanStartProcess()) return;
        try {
          StartSeed(r, seed);
        } catch (const std::runtime_error& e) {
          if (!IsFault(e)) return FailTrial(r, seed, e.what());
          BeginOutage(e.what(), dynamic_cast<const store::StorageUnavailable*>(&e) != nullptr);
        }
      }
    }
  }

  void StartSeed(const RunningTrial& r, SeedRun& seed) {
    const store::Trial& trial = r.trial;
    // CanStartProcess leased it; held by the seed once it runs, freed if it cannot start
    std::optional<GpuLease> lease = std::exchange(spare_gpus_, std::nullopt);
    const std::string devices = lease ? lease->Text() : "";
    ProcessSpec spec;
    spec.argv = protocol::TrialCommand(c_.command, run_.hpo_binary, AllParams(trial, seed),
                                       seed.run_dir, seed.seed, devices);
    spec.log_path = seed.run_dir / protocol::kTrialLog;
    spec.env = TrialEnvironment(c_, seed.run_dir, seed.seed);
    if (lease) {  // its own devices: CUDA numbers them from 0 inside the process
      spec.env.push_back({"CUDA_VISIBLE_DEVICES", devices});
      spec.env.push_back({"HPO_GPU_IDS", devices});
    }
    spec.env.push_back({"HPO_TRIAL_NUMBER", std::to_string(trial.number)});
    spec.env.push_back({"HPO_SEED_INDEX", std::to_string(seed.index)});
    if (r.member >= 0) {  // the PBT verbs of docs/trial_protocol.md
      std::filesystem::create_directories(CheckpointDir(seed.run_dir));
      spec.env.push_back({"HPO_CHECKPOINT_DIR", CheckpointDir(seed.run_dir).string()});
      spec.env.push_back({"HPO_PBT_MEMBER", std::to_string(r.member)});
      if (!r.restore_from.empty())
        spec.env.push_back({"HPO_RESTORE_FROM", r.restore_from.string()});
    }
    seed.process = TrialProcess::Start(spec);
    seed.gpus = std::move(lease);
  }

  /// The study as the sampler sees it. A trial is converted once per change (its version), not
  /// once per suggestion: at trial 1000 that conversion was most of what a suggestion cost.
  std::vector<samplers::Observation> History() {
    std::vector<samplers::Observation> history = run_.warm_start;
    for (const store::Trial& t : Trials()) {
      auto [cached, fresh] = observations_.try_emplace(t.id);
      if (fresh || cached->second.version != t.version)
        cached->second = {t.version, SamplerView(t)};
      if (cached->second.observation) history.push_back(*cached->second.observation);
    }
    return history;
  }

  std::optional<samplers::Observation> SamplerView(const store::Trial& t) const {
    // Claimed, parameters not chosen yet. In a space of constants only (W&B runs such a sweep)
    // every point is empty: there a trial has its point once it has started.
    const bool chosen = !t.params.empty() || (space_.dimensions().empty() && !t.run_dir.empty());
    if (!chosen) return std::nullopt;
    // A trial of an earlier space (an accepted config change) that this space does not hold
    // tells the sampler nothing about it: moving it to the nearest point would invent data.
    if (!space_.Contains(t.params)) return std::nullopt;
    return runner::ObservationOf(t, space_.ToUnit(t.params), objectives_);
  }

  double Oriented(double v) const { return c_.objectives.maximize ? v : -v; }

  // ----- watching ----------------------------------------------------------------------------

  void WaitForOutput(double seconds) {
    std::vector<pollfd> fds;
    for (const RunningTrial& r : running_) {
      for (const SeedRun& seed : r.seeds) {
        if (!seed.running()) continue;
        if (seed.process->stdout_fd() >= 0) fds.push_back({seed.process->stdout_fd(), POLLIN, 0});
        if (seed.process->exit_fd() >= 0) fds.push_back({seed.process->exit_fd(), POLLIN, 0});
      }
    }
    // A child that exited wakes the poll through its pidfd; without pidfds, Poll() notices it
    // within `seconds`.
    ::poll(fds.data(), fds.size(), static_cast<int>(seconds * 1000));
  }

  /// Reads output, enforces limits, reaps. True when the trial is finished and recorded: every
  /// seed has ended, or the trial is ending and its started seeds have.
  bool Service(RunningTrial& r) {
    for (SeedRun& seed : r.seeds) {
      if (seed.running()) ServiceSeed(r, seed);
    }
    const bool settled =
        std::none_of(r.seeds.begin(), r.seeds.end(), [](const SeedRun& s) { return s.running(); });
    const bool all_ended = std::all_of(r.seeds.begin(), r.seeds.end(),
                                       [](const SeedRun& s) { return s.exit.has_value(); });
    if (!settled || !(all_ended || r.ending())) return false;
    Record(r);
    return true;
  }

  void ServiceSeed(RunningTrial& r, SeedRun& seed) {
    TrialProcess& process = *seed.process;
    for (const std::string& line : process.ReadLines()) HandleLine(r, seed, line, true);
    if (c_.timeout_per_trial > 0 && !seed.terminated_at &&
        process.ElapsedSeconds() > c_.timeout_per_trial) {
      FailTrial(r, seed, fmt::format("exceeded the per-trial limit of {} s", c_.timeout_per_trial));
    }
    if (seed.terminated_at && SecondsSince(*seed.terminated_at) > run_.kill_grace) process.Kill();
    const std::optional<ExitStatus> status = process.Poll();
    if (!status) return;
    // What it wrote just before exiting counts as any other line (but nothing is pruned now).
    for (const std::string& line : process.ReadLines()) HandleLine(r, seed, line, false);
    seed.exit = *status;
    seed.gpus.reset();  // its devices go to the next process
    seed.seconds = process.ElapsedSeconds();
    SeedEnded(r, seed);
  }

  /// Terminates the trial's running seeds (SIGKILL after kill_grace, in ServiceSeed); the ones
  /// not started never start.
  void StopSeeds(RunningTrial& r) {
    for (SeedRun& seed : r.seeds) {
      if (!seed.running() || seed.terminated_at) continue;
      seed.process->Terminate();
      seed.terminated_at = Clock::now();
    }
  }

  /// A seed that ended on its own: its final values, or why the trial fails (the others are
  /// stopped then). A seed we stopped (the trial was ending) tells nothing.
  void SeedEnded(RunningTrial& r, SeedRun& seed) {
    const ExitStatus& status = *seed.exit;
    // A PBT member paused as it finished its budget by itself: it is finished, not paused.
    if (r.paused && status.ok()) return FinishedWhilePaused(r, seed);
    if (r.ending()) return;
    if (KilledFromOutside(status)) {
      // Not the parameters' fault: a scheduler's cancel, the OOM killer or a person. Run it again.
      r.outside = (r.seeds.size() > 1 ? SeedName(seed) + ": " : "") + "trial program was " +
                  status.Describe() + " from outside";
      return StopSeeds(r);
    }
    if (!status.ok()) return FailTrial(r, seed, "trial program ended with " + status.Describe());
    try {
      seed.value = ReadFinalValue(seed.run_dir, formulas_[0], seed.last_whole);
      seed.more = ReadMoreValues(seed.run_dir, seed.last_more);
    } catch (const std::runtime_error& e) {
      return FailTrial(r, seed, e.what());
    }
    if (r.seeds.size() == 1) return;
    Write([this, id = r.trial.id, v = store::SeedValue{seed.index, seed.seed, *seed.value}] {
      store_.RecordSeedValue(id, v);
    });
  }

  // Only with its results file: a program that exits 0 on SIGTERM halfway has not finished.
  void FinishedWhilePaused(RunningTrial& r, SeedRun& seed) {
    try {
      seed.value = ReadFinalValue(seed.run_dir, formulas_[0], std::nullopt);
      seed.more = ReadMoreValues(seed.run_dir, seed.last_more);
      r.paused = false;  // recorded complete, and the member finished
    } catch (const std::runtime_error&) {
      // no results: it was stopped before it wrote them; it goes on from its checkpoint
    }
  }

  static std::string SeedName(const SeedRun& seed) {
    return fmt::format("seed_{} (seed {})", seed.index, seed.seed);
  }

  /// One line of a seed's output: maybe a further objective, or a value of the metric. A step
  /// every seed has reported is complete: its aggregate is the trial's intermediate value,
  /// stored and shown, and judged by the pruner while the trial runs.
  void HandleLine(RunningTrial& r, SeedRun& seed, const std::string& line, bool running) {
    NoteMoreValues(seed, line);
    const std::optional<ParsedReport> report = ParseReportLine(line, formulas_[0]);
    if (!report || r.ending()) return;
    if (!report->partial) seed.last_whole = report->value;
    NoteMeasures(seed, *report);
    if (!report->step) return;  // a final value: nothing to prune on
    // A repeated step keeps its first value, as Optuna's trial.report does.
    if (!seed.steps.emplace(*report->step, report->value).second) return;
    const std::optional<double> value = StepAggregate(r, *report->step);
    if (!value) return;  // other seeds have not reached it yet
    r.last_value = value;
    Write([this, id = r.trial.id, step = *report->step, value = *value] {
      store_.ReportIntermediate(id, step, value);
    });
    r.reports.push_back({*report->step, Oriented(*value)});
    Emit(SweepEvent::Kind::kReported, &r.trial,
         fmt::format("step {} {} {}", *report->step,
                     report->partial ? formulas_[0].names().front() : c_.objectives.metric,
                     ReadableNumber(*value)),
         *value, report->step);
    if (r.member >= 0) {  // PBT judges members; nothing is pruned
      if (running) OnMemberReport(r, *report->step, *value);
      return;
    }
    // Pruning weighs the other trials' curves: not while the storage cannot show them.
    if (running && !outage_ && ShouldPrune(r)) {
      r.pruned = true;
      StopSeeds(r);
    }
  }

  /// The aggregate of `step` over the trial's seeds, once every seed has reported it.
  std::optional<double> StepAggregate(const RunningTrial& r, int64_t step) const {
    std::vector<double> values;
    for (const SeedRun& seed : r.seeds) {
      const auto it = seed.steps.find(step);
      if (it == seed.steps.end()) return std::nullopt;
      values.push_back(it->second);
    }
    return AggregateSeeds(c_.aggregate, std::move(values));
  }

  // The pruner is asked after every report of a running trial (Optuna's objective calling
  // should_prune after each report). The rungs it completes are stored with the trial, as
  // Optuna stores completed_rung_<k>, so other controllers and a resumed one see them.
  bool ShouldPrune(const RunningTrial& r) {
    if (c_.pruner.method == "none") return false;
    std::vector<pruners::TrialCurve> curves;
    pruners::TrialCurve self{r.trial.number, false, r.reports};
    for (const store::Trial& t : Trials()) {
      if (t.number == r.trial.number) {
        self.rungs = t.rungs;
        continue;
      }
      pruners::TrialCurve c{t.number, t.state == store::TrialState::kComplete, {}, t.rungs};
      for (const store::Intermediate& i : t.intermediates)  // one per step (the store's key)
        c.reports.push_back({i.step, Oriented(i.value)});
      curves.push_back(std::move(c));
    }
    curves.push_back(self);
    const pruners::Decision decision = pruner_->Judge(self, curves);
    if (!decision.rungs.empty())
      Write([this, id = r.trial.id, rungs = decision.rungs] { store_.RecordRungs(id, rungs); });
    return decision.prune;
  }

  /// A multi-objective trial's further values from its JSON lines (the results file wins).
  void NoteMoreValues(SeedRun& seed, const std::string& line) const {
    seed.last_more.resize(c_.objectives.more.size());
    for (size_t i = 0; i < c_.objectives.more.size(); ++i) {
      const std::optional<ParsedReport> report = ParseReportLine(line, formulas_[i + 1]);
      if (report && !report->partial) seed.last_more[i] = report->value;
    }
  }

  /// The further objectives of a finished run; throws std::runtime_error as ReadFinalValue.
  std::vector<double> ReadMoreValues(const std::filesystem::path& run_dir,
                                     std::vector<std::optional<double>> last_more) const {
    last_more.resize(c_.objectives.more.size());
    std::vector<double> values;
    for (size_t i = 0; i < c_.objectives.more.size(); ++i) {
      values.push_back(ReadFinalValue(run_dir, formulas_[i + 1], last_more[i]));
    }
    return values;
  }

  static void NoteMeasures(SeedRun& seed, const ParsedReport& report) {
    if (report.step && *report.step > 0) seed.measures.steps = static_cast<double>(*report.step);
    if (report.cost && std::isfinite(*report.cost) && *report.cost > 0)
      seed.measures.reported = report.cost;
  }

  /// Wall time and the sweep's cost measure of a run that ended (a trial, or one of its seeds);
  /// the results file's measures win over what it reported on the way.
  store::TrialCost CostOf(const store::Trial& t, const std::filesystem::path& run_dir,
                          double seconds, TrialMeasures measures) {
    const TrialMeasures written = ReadTrialMeasures(run_dir);
    if (written.steps) measures.steps = written.steps;
    if (written.reported) measures.reported = written.reported;
    bool measured = true;
    const double measure = CostMeasure(c_.cost, measures, seconds, measured);
    if (!measured && !warned_unmeasured_) {
      warned_unmeasured_ = true;
      Emit(SweepEvent::Kind::kInfo, &t,
           fmt::format("cost: {}, but the trial gave no {}: its wall time stands in (so "
                       "suggestions depend on the "
                       "machine's load; see docs/trial_protocol.md)",
                       c_.cost, c_.cost == "steps" ? "steps (total_timesteps or a step)" : "cost"));
    }
    return {seconds, measure};
  }

  /// A trial's cost is its seeds' together: the compute it took.
  store::TrialCost CostOf(const RunningTrial& r) {
    store::TrialCost total;
    for (const SeedRun& seed : r.seeds) {
      if (!seed.exit) continue;
      const store::TrialCost cost = CostOf(r.trial, seed.run_dir, seed.seconds, seed.measures);
      total.seconds += cost.seconds;
      total.measure += cost.measure;
    }
    return total;
  }

  /// Fails the trial for what happened to `seed`, and stops its other seeds.
  void FailTrial(RunningTrial& r, const SeedRun& seed, const std::string& why) {
    if (r.ending()) return;
    r.failure = (r.seeds.size() > 1 ? SeedName(seed) + ": " : "") + why;
    r.failure_log = seed.run_dir / protocol::kTrialLog;
    StopSeeds(r);
  }

  void Record(RunningTrial& r) {
    if (r.taken_over) return;
    const store::Trial& t = r.trial;
    const store::TrialCost cost = CostOf(r);
    // A member's record changes before its trial's state: a controller that saw the trial end
    // while the record still said running would take the member for lost.
    if (r.paused) {
      MemberEnded(r, false, "");
      Finish(t, store::TrialState::kComplete, r.last_value, {}, cost, "");
      Emit(SweepEvent::Kind::kInfo, &t,
           fmt::format("member {} paused at step {} ({} {})", r.member,
                       pbt_->member(r.member).last_step, c_.objectives.metric,
                       r.last_value ? ReadableNumber(*r.last_value) : "none"));
      return;
    }
    if (r.pruned) {
      Finish(t, store::TrialState::kPruned, r.last_value, {}, cost, "pruned");
      Emit(SweepEvent::Kind::kPruned, &t, r.last_value ? ReadableNumber(*r.last_value) : "",
           r.last_value);
      return;
    }
    if (!r.outside.empty() && r.member >= 0) {
      MemberEnded(r, true, "");
      Finish(t, store::TrialState::kFailed, std::nullopt, {}, cost, r.outside);
      Emit(SweepEvent::Kind::kFailed, &t,
           fmt::format("{} (member {} goes on from its latest checkpoint)", r.outside, r.member));
      return;
    }
    if (!r.outside.empty()) {
      Write([this, id = t.id, why = r.outside] { store_.FailAndRequeue(id, why, c_.max_retries); });
      Emit(SweepEvent::Kind::kFailed, &t,
           r.outside + " (re-queued while it has retries left: max_retries)");
      return;
    }
    if (!r.failure.empty()) {
      MemberEnded(r, false, r.failure);
      Finish(t, store::TrialState::kFailed, std::nullopt, {}, cost,
             r.failure + " (see " + r.failure_log.string() + ")");
      Emit(SweepEvent::Kind::kFailed, &t, r.failure);
      return;
    }
    const auto [value, more] = TrialValues(r.seeds);
    MemberEnded(r, false, "complete");
    Finish(t, store::TrialState::kComplete, value, more, cost, "");
    std::string shown = ReadableNumber(value);  // for people: the events' value has every digit
    for (size_t i = 0; i < more.size(); ++i)
      shown += fmt::format(", {} {}", c_.objectives.more[i].name, ReadableNumber(more[i]));
    store::Trial finished = t;  // what the listener shows: its values, and each seed's
    finished.more_values = more;
    if (r.seeds.size() > 1) {
      for (const SeedRun& seed : r.seeds)
        finished.seed_values.push_back({seed.index, seed.seed, *seed.value});
    }
    Emit(SweepEvent::Kind::kFinished, &finished, shown, value);
  }

  /// The trial's value and further objectives: each the aggregate of its seeds' (all ended well).
  std::pair<double, std::vector<double>> TrialValues(const std::vector<SeedRun>& seeds) const {
    std::vector<double> values;
    std::vector<std::vector<double>> more(c_.objectives.more.size());
    for (const SeedRun& seed : seeds) {
      values.push_back(*seed.value);
      for (size_t i = 0; i < more.size(); ++i) more[i].push_back(seed.more[i]);
    }
    std::vector<double> more_values;
    more_values.reserve(more.size());
    for (std::vector<double>& objective : more)
      more_values.push_back(AggregateSeeds(c_.aggregate, std::move(objective)));
    return {AggregateSeeds(c_.aggregate, std::move(values)), more_values};
  }

  /// Records how a trial ended, now or, while the storage is away, when it is back. A trial
  /// another controller took over meanwhile (it thought this one dead) keeps that record.
  void Finish(const store::Trial& t, store::TrialState state, std::optional<double> value,
              std::vector<double> more, store::TrialCost cost, std::string error) {
    Write([this, t, state, value, more = std::move(more), cost, error = std::move(error)] {
      if (!store_.FinishTrial(t.id, state, value, more, cost, error))
        Emit(SweepEvent::Kind::kInfo, &t,
             fmt::format("trial {} ended {}, but another controller had already taken it over "
                         "(this one was silent too long): its record stands",
                         t.number, store::StateName(state)));
    });
  }

  // ----- liveness ----------------------------------------------------------------------------

  /// The trial record the controller wrote when it started this trial: which study, number,
  /// seed and parameters its run directory belongs to.
  std::string TrialRecord(const store::Trial& t) const {
    YAML::Emitter out;
    out << YAML::BeginMap << YAML::Key << "study" << YAML::Value << c_.name << YAML::Key << "trial"
        << YAML::Value << t.number << YAML::Key << "seed" << YAML::Value << t.seed << YAML::Key
        << "params" << YAML::Value;
    config::EmitParams(out, t.params);
    out << YAML::EndMap;
    return std::string(out.c_str()) + "\n";
  }

  /// Why the results in a dead controller's trial's run directory cannot be taken as its
  /// result; empty when they can (and then each seed's values are set).
  std::string WhyNotAdoptable(const store::Trial& t, std::vector<SeedRun>& seeds) const {
    if (t.run_dir.empty() || t.params.empty()) return "it had not started";
    const std::filesystem::path dir = t.run_dir;
    std::ifstream record_file(dir / protocol::kTrialRecord);
    if (!record_file)
      return fmt::format("its run directory has no readable {} (not visible from this host?)",
                         protocol::kTrialRecord);
    const std::string record((std::istreambuf_iterator<char>(record_file)),
                             std::istreambuf_iterator<char>());
    if (record != TrialRecord(t))
      return fmt::format("{} names another trial or other parameters", protocol::kTrialRecord);
    seeds = SeedRuns(t, SeedsStartedWith(t));
    try {
      for (SeedRun& seed : seeds) {
        seed.value = ReadFinalValue(seed.run_dir, formulas_[0], std::nullopt);
        seed.more = ReadMoreValues(seed.run_dir, {});
      }
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    return "";
  }

  /// Seconds a seed of a trial ran: from its log's creation (it started then; seeds that ran in
  /// turn started late), else the trial's start, to its results file (now, if unreadable).
  static double SecondsToResults(const store::Trial& t, const SeedRun& seed) {
    std::error_code ec;
    const auto written =
        std::filesystem::last_write_time(seed.run_dir / protocol::kResultsFile, ec);
    const int64_t written_ms = ec ? store::NowMs()
                                  : std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::file_clock::to_sys(written).time_since_epoch())
                                        .count();
    const int64_t started_ms = CreatedMs(seed.run_dir / protocol::kTrialLog).value_or(t.started_ms);
    return std::max(0.0, static_cast<double>(written_ms - started_ms) / 1000.0);
  }

  /// A RUNNING trial whose controller is gone: COMPLETE from its results file when it finished
  /// and left one (finished work is never run twice). Otherwise false, and its run directory
  /// says why, in not_adopted.txt.
  bool TryAdopt(const store::Trial& t) {
    std::vector<SeedRun> seeds;
    const std::string why_not = WhyNotAdoptable(t, seeds);
    if (why_not.empty()) {
      store::TrialCost cost;
      for (const SeedRun& seed : seeds) {
        const store::TrialCost seed_cost = CostOf(t, seed.run_dir, SecondsToResults(t, seed), {});
        cost.seconds += seed_cost.seconds;
        cost.measure += seed_cost.measure;
      }
      for (const SeedRun& seed : seeds) {  // first: COMPLETE without them reads as one seed
        if (seeds.size() > 1) store_.RecordSeedValue(t.id, {seed.index, seed.seed, *seed.value});
      }
      const auto [value, more] = TrialValues(seeds);
      if (!store_.AdoptFinishedTrial(t.id, value, more, cost)) return false;
      Emit(SweepEvent::Kind::kRecovered, &t,
           fmt::format(
               "finished before its controller {} stopped: COMPLETE with {} from its results file",
               t.worker, value));
      return true;
    }
    if (!t.run_dir.empty() && std::filesystem::is_directory(t.run_dir)) {
      try {
        WriteFileAtomic(
            std::filesystem::path(t.run_dir) / "not_adopted.txt",
            fmt::format(
                "trial {} lost its controller {} and was failed and re-queued, not adopted: {}\n",
                t.number, t.worker, why_not));
      } catch (const std::exception&) {
        // a note we cannot write must not stop the recovery
      }
    }
    return false;
  }

  void Heartbeat() {
    try {
      std::vector<int64_t> ids;
      for (const RunningTrial& r : running_) ids.push_back(r.trial.id);
      StopTakenOver(store_.Heartbeat(ids));
      // Another controller's trial is reclaimed only once this one has been in touch with the
      // storage for a whole heartbeat_timeout: after an outage, a live controller that waited
      // too has had that long to send its heartbeat again (docs/multi_machine.md).
      if (SecondsSince(in_touch_since_) < c_.heartbeat_timeout) return;
      const auto stale_ms = static_cast<int64_t>(c_.heartbeat_timeout * 1000);
      for (const store::Trial& t : Trials()) {
        if (t.state == store::TrialState::kRunning && t.heartbeat_ms < store::NowMs() - stale_ms)
          TryAdopt(t);
      }
      for (int64_t number : store_.RecoverStaleTrials(study_.id, stale_ms, Retries())) {
        Emit(SweepEvent::Kind::kRecovered, nullptr,
             fmt::format("trial {} lost its controller (no heartbeat for {} s): FAILED, re-queued",
                         number, c_.heartbeat_timeout));
      }
    } catch (const store::StorageUnavailable& e) {
      BeginOutage(e.what());
    }
  }

  /// Stops the trials another controller took over while this one was silent (frozen, or cut
  /// off from the storage longer than heartbeat_timeout): their retries run elsewhere, and
  /// nothing of them is recorded from here.
  void StopTakenOver(const std::vector<int64_t>& lost) {
    for (RunningTrial& r : running_) {
      if (std::find(lost.begin(), lost.end(), r.trial.id) == lost.end() || r.taken_over) continue;
      r.taken_over = true;
      StopSeeds(r);
      Emit(SweepEvent::Kind::kInfo, &r.trial,
           fmt::format("trial {} was taken over by another controller while this one was silent "
                       "for more than {} s: stopped here",
                       r.trial.number, c_.heartbeat_timeout));
    }
  }

  /// Trials left RUNNING by a controller on this host that no longer exists (killed -9).
  void RecoverOrphans() {
    for (const store::Trial& t : view_.Refresh()) {  // at the start: a fault here ends the run
      if (t.state != store::TrialState::kRunning || !IsDeadLocalWorker(t.worker, host_)) continue;
      if (TryAdopt(t)) continue;
      if (store_.FailAndRequeue(t.id, "its controller " + t.worker + " died while it ran",
                                Retries())) {
        Emit(SweepEvent::Kind::kRecovered, &t,
             "controller " + t.worker + " is gone: FAILED, " +
                 (pbt_ || pbt_settings_ ? "its member goes on from its latest checkpoint"
                                        : "re-queued"));
      }
    }
    Heartbeat();
  }

  bool StudyHasUnfinishedTrials() {
    for (const store::Trial& t : Trials()) {
      if (t.state == store::TrialState::kRunning || t.state == store::TrialState::kWaiting)
        return true;
    }
    return false;
  }

  // ----- stopping ----------------------------------------------------------------------------

  SweepSummary Interrupt() {
    Emit(SweepEvent::Kind::kInfo, nullptr,
         fmt::format("interrupted: stopping {} running trial(s)", running_.size()));
    StopRunningTrials(StopSignalScope::Received() == SIGTERM
                          ? "stopped by SIGTERM (kill, or a scheduler's cancel or time limit)"
                          : "interrupted by the user");
    FlushOutbox();  // a storage that is away keeps them RUNNING: a resume recovers them
    summary_.interrupted = true;
    return summary_;
  }

  /// Terminates the running trials (SIGKILL after kill_grace) and re-queues them: they are re-run
  /// by a resume, so they do not count as finished.
  void StopRunningTrials(const std::string& why) {
    for (RunningTrial& r : running_) StopSeeds(r);
    const Clock::time_point asked = Clock::now();
    while (!running_.empty()) {
      WaitForOutput(0.1);
      for (size_t i = 0; i < running_.size();) {
        RunningTrial& r = running_[i];
        bool settled = true;
        for (SeedRun& seed : r.seeds) {
          if (!seed.running()) continue;
          seed.process->ReadLines();
          if (SecondsSince(asked) > run_.kill_grace) seed.process->Kill();
          if (seed.process->Poll()) {
            seed.exit = seed.process->Poll();
          } else {
            settled = false;
          }
        }
        if (!settled) {
          ++i;
          continue;
        }
        if (!r.taken_over) {
          MemberEnded(r, true, "");
          outbox_.push_back([this, id = r.trial.id, why, retries = pbt_ ? 0 : c_.max_retries + 1] {
            store_.FailAndRequeue(id, why, retries);
          });
          Emit(SweepEvent::Kind::kFailed, &r.trial,
               r.member >= 0 ? "interrupted (the member goes on from its latest checkpoint)"
                             : "interrupted (re-queued)");
        }
        running_.erase(running_.begin() + static_cast<std::ptrdiff_t>(i));
      }
    }
  }

  void Emit(SweepEvent::Kind kind, const store::Trial* trial, const std::string& message,
            std::optional<double> value = std::nullopt, std::optional<int64_t> step = std::nullopt,
            int member = -1, int parent = -1) {
    if (!on_event_) return;
    // After a trial ends the listener sees the study as it is now (its progress line counts it).
    if (kind == SweepEvent::Kind::kFinished || kind == SweepEvent::Kind::kFailed ||
        kind == SweepEvent::Kind::kPruned) {
      Trials();
    }
    on_event_(SweepEvent{kind, trial, message, &view_.trials(), value, step,
                         outage_ ? std::optional<int64_t>(outage_->since_ms) : std::nullopt,
                         c_.n_jobs - FreeSlots(), member, parent});
  }

  const config::SweepConfig& c_;
  const RunContext& run_;
  std::optional<GpuAllocator> gpus_;    ///< with gpus_per_trial: hands out the devices
  std::optional<GpuLease> spare_gpus_;  ///< leased by CanStartProcess for the next StartSeed
  const std::optional<pbt::PbtSettings> pbt_settings_ =
      c_.sampler.method == "pbt" ? std::optional(c_.sampler.pbt) : std::nullopt;
  const StoppingRules stopping_{c_.target, c_.patience, c_.min_delta};
  const double heartbeat_interval_ = run_.heartbeat_interval > 0
                                         ? run_.heartbeat_interval
                                         : std::min(5.0, c_.heartbeat_timeout / 4);
  const space::SearchSpace& space_;
  samplers::Sampler& sampler_;
  store::Store& store_;
  const store::Study& study_;
  const std::function<void(const SweepEvent&)>& on_event_;
  StudyView view_;
  std::unique_ptr<pruners::Pruner> pruner_ =
      pruners::MakePruner(c_.pruner, study_.name, c_.objectives.maximize);
  const std::string host_;
  const std::string worker_;
  std::vector<RunningTrial> running_;
  std::optional<PbtCoordinator> pbt_;         // method: pbt
  Clock::time_point last_sync_;               // of the population with the study (SyncPopulation)
  std::deque<std::function<void()>> outbox_;  // writes not yet taken by the storage, in order
  std::optional<Outage> outage_;              // set while the storage or the disk is away
  bool orphans_pending_ = false;  // the storage went away before RecoverOrphans could look
  // Since when the storage has answered without a break (the reclaim rule in Heartbeat). From
  // the start too: a controller started as the storage returns from an outage must not take
  // the trials of those that waited through it (dead ones on this host are found at once by
  // RecoverOrphans, by their process id).
  Clock::time_point in_touch_since_ = Clock::now();
  SweepSummary summary_;
  int64_t started_ms_ = 0;          // when this controller started (stopping rules count from it)
  bool stopped_ = false;            // a stopping rule held: no more launches
  bool warned_unmeasured_ = false;  // the cost-measure note is given once per sweep
  const std::vector<Objective> objectives_ = c_.objectives.All();
  const std::vector<config::ObjectiveFormula> formulas_ = ObjectiveFormulas(objectives_);
  struct CachedObservation {
    int64_t version = -1;
    std::optional<samplers::Observation> observation;  // none: the sampler does not see it
  };
  std::unordered_map<int64_t, CachedObservation> observations_;  // by trial id
};

}  // namespace

std::filesystem::path ClaimRunDir(const std::string& name, const std::filesystem::path& sweep_dir,
                                  int64_t number) {
  const std::filesystem::path runs = sweep_dir / "runs";
  std::filesystem::create_directories(runs);
  // create_directory is the claim: false when the folder exists (an earlier study of this name,
  // or another controller that took it a moment ago), and then the next number is tried.
  for (int64_t n = number;; ++n) {
    const std::filesystem::path dir = runs / fmt::format("{}.r.{}", name, n);
    if (std::filesystem::create_directory(dir)) return dir;
  }
}

std::string ParamsYaml(const ParamSet& params) {
  YAML::Emitter out;
  config::EmitParams(out, params);
  return std::string(out.c_str()) + "\n";
}

ParamSet TrialParams(const config::SweepConfig& c, const ParamSet& params) {
  ParamSet all = c.fixed;
  for (const auto& [name, value] : params) all[name] = value;
  if (c.command.empty() && !all.count("threads"))
    all["threads"] = Value(static_cast<int64_t>(c.cpus_per_trial));
  return all;
}

std::vector<std::pair<std::string, std::string>> TrialEnvironment(
    const config::SweepConfig& c, const std::filesystem::path& run_dir, uint64_t seed) {
  const std::string threads = std::to_string(c.cpus_per_trial);
  return {{"OMP_NUM_THREADS", threads},      {"OPENBLAS_NUM_THREADS", threads},
          {"MKL_NUM_THREADS", threads},      {"HPO_SWEEP_NAME", c.name},
          {"HPO_RUN_DIR", run_dir.string()}, {"HPO_SEED", std::to_string(seed)}};
}

uint64_t TrialSeed(uint64_t sweep_seed, int64_t number) {
  return DeriveSeed(sweep_seed, static_cast<uint64_t>(number), "trial-seed") & 0x7FFFFFFFULL;
}

uint64_t SeedOfTrialRun(uint64_t trial_seed, int index) {
  if (index == 0) return trial_seed;
  return DeriveSeed(trial_seed, static_cast<uint64_t>(index), "seed-of-trial") & 0x7FFFFFFFULL;
}

uint64_t SeedOfTrial(const ParamSet& fixed, const ParamSet& params, uint64_t sweep_seed,
                     int64_t number) {
  for (const ParamSet* set : {&params, &fixed}) {
    const auto it = set->find("seed");
    if (it != set->end() && it->second.is_int() && it->second.as_int() >= 0)
      return static_cast<uint64_t>(it->second.as_int());
  }
  return TrialSeed(sweep_seed, number);
}

std::optional<ParsedReport> ParseReportLine(const std::string& line,
                                            const config::ObjectiveFormula& objective) {
  const size_t first = line.find_first_not_of(" \t");
  if (first == std::string::npos || line[first] != '{') return std::nullopt;
  YAML::Node node;
  try {
    node = YAML::Load(line);
  } catch (const YAML::Exception&) {
    return std::nullopt;  // not JSON: ordinary output
  }
  if (!node.IsMap()) return std::nullopt;
  const std::optional<config::LineValue> value = objective.OnLine(node);
  if (!value) return std::nullopt;
  try {
    ParsedReport report{std::nullopt, value->value, std::nullopt, value->partial};
    if (node["step"]) report.step = node["step"].as<int64_t>();
    if (node["cost"] && node["cost"].IsScalar()) report.cost = protocol::TrialNumber(node["cost"]);
    if (report.partial && !report.step) return std::nullopt;  // neither curve point nor result
    return report;
  } catch (const YAML::Exception&) {
    return std::nullopt;
  }
}

double ReadFinalValue(const std::filesystem::path& run_dir,
                      const config::ObjectiveFormula& objective,
                      const std::optional<double>& last_reported) {
  const std::filesystem::path results = run_dir / protocol::kResultsFile;
  const std::string& metric = objective.text();
  double value;
  if (std::filesystem::exists(results)) {
    YAML::Node node;
    try {
      node = YAML::LoadFile(results.string());
    } catch (const YAML::Exception& e) {
      throw std::runtime_error("malformed results file sweep_eval_results.yaml: " +
                               std::string(e.what()));
    }
    value = objective.FromResults(node);
  } else if (last_reported) {
    value = *last_reported;
  } else if (objective.is_expression()) {
    throw std::runtime_error(fmt::format(
        "the trial wrote no sweep_eval_results.yaml and reported no line with all of {}",
        fmt::join(objective.names(), ", ")));
  } else {
    throw std::runtime_error("the trial wrote no sweep_eval_results.yaml and reported no '" +
                             metric + "'");
  }
  if (std::isnan(value))
    throw std::runtime_error(
        fmt::format("the trial's final {} is NaN (not a number to compare)", metric));
  if (!std::isfinite(value))
    throw std::runtime_error(fmt::format("the trial's {} is {}", metric, value));
  return value;
}

std::vector<config::ObjectiveFormula> ObjectiveFormulas(const std::vector<Objective>& objectives) {
  std::vector<config::ObjectiveFormula> formulas;
  for (const Objective& o : objectives)
    formulas.push_back(config::ObjectiveFormula::Parse(o.name, Origin{"metric"}));
  return formulas;
}

TrialMeasures ReadTrialMeasures(const std::filesystem::path& run_dir) {
  TrialMeasures measures;
  const std::filesystem::path results = run_dir / protocol::kResultsFile;
  if (!std::filesystem::exists(results)) return measures;
  try {
    const YAML::Node node = YAML::LoadFile(results.string());
    if (!node.IsMap()) return measures;
    // A measure that is not a positive number is no measure (the value was validated already).
    const auto positive = [&](const char* key) -> std::optional<double> {
      const YAML::Node v = node[key];
      if (!v || !v.IsScalar()) return std::nullopt;
      const double x = v.as<double>(NAN);
      return std::isfinite(x) && x > 0 ? std::optional<double>(x) : std::nullopt;
    };
    measures.steps = positive("total_timesteps");
    measures.reported = positive("cost");
  } catch (const YAML::Exception&) {
    // ReadFinalValue reports a malformed file; here it only has no measures
  }
  return measures;
}

double CostMeasure(const std::string& cost, const TrialMeasures& measures, double seconds,
                   bool& measured) {
  measured = true;
  if (cost == "wall") return seconds;
  if ((cost == "reported" || cost == "auto") && measures.reported) return *measures.reported;
  if ((cost == "steps" || cost == "auto") && measures.steps) return *measures.steps;
  measured = cost == "auto";  // auto asks for nothing: wall time is its last resort, not a stand-in
  return seconds;
}

std::optional<samplers::Suggestion> SuggestTrial(samplers::Sampler& sampler,
                                                 const space::SearchSpace& space,
                                                 std::span<const samplers::Observation> history,
                                                 uint64_t sweep_seed, int64_t number) {
  Rng rng(DeriveSeed(sweep_seed, static_cast<uint64_t>(number), "sampler"));
  return sampler.Suggest(space, history, rng);
}

std::vector<FirstTrial> FirstTrials(samplers::Sampler& sampler, const space::SearchSpace& space,
                                    std::vector<samplers::Observation> history,
                                    const std::vector<config::QueuedTrial>& queued,
                                    uint64_t sweep_seed, int n_trials) {
  std::vector<FirstTrial> trials;
  // as the controller's history shows a trial that has started (SamplerView)
  auto running = [&space](const ParamSet& params) {
    store::Trial started;
    started.state = store::TrialState::kRunning;
    started.params = params;
    return ObservationOf(started, space.ToUnit(params), {Objective{}});
  };
  for (const config::QueuedTrial& q : queued) {
    trials.push_back({q.params, q.label, 0});
    history.push_back(running(q.params));
  }
  for (auto n = static_cast<int64_t>(trials.size()); n < n_trials; ++n) {
    const std::optional<samplers::Suggestion> s =
        SuggestTrial(sampler, space, history, sweep_seed, n);
    if (!s) break;
    trials.push_back({space.ToParams(s->point), s->reason, s->constraint_rejections});
    history.push_back(running(trials.back().params));
  }
  return trials;
}

SweepSummary RunSweep(const config::SweepConfig& c, const RunContext& run,
                      const space::SearchSpace& space, samplers::Sampler& sampler,
                      store::Store& store, const store::Study& study,
                      const std::function<void(const SweepEvent&)>& on_event) {
  return Controller(c, run, space, sampler, store, study, on_event).Run();
}

}  // namespace hpo::runner
