// An in-memory Store for testing the controller loop without a database: one study, the
// claim/requeue rules of Store's contract, and a log of every call that changes a trial, so a
// test can check what the controller did and in which order.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "lib/store/store.h"

namespace hpo::runner::testing {

class FakeStore : public store::Store {
 public:
  store::Study OpenStudy(const std::string& name, const std::string& direction,
                         const std::string& config_yaml, bool /*create*/) override {
    study_ = {1, name, direction, config_yaml, store::NowMs()};
    return study_;
  }
  std::vector<store::Study> ListStudies() override {
    Reach();
    return {study_};
  }
  void UpdateStudyConfig(int64_t, const std::string& config_yaml, const std::string&) override {
    Reach();
    study_.config_yaml = config_yaml;
  }
  void RecordObjectives(int64_t, const Objectives& objectives) override {
    Reach();
    study_.objectives = objectives;
  }
  std::vector<store::StudyChange> LoadStudyChanges(int64_t) override {
    Reach();
    return {};
  }
  void RecordStop(int64_t, const std::string& reason) override {
    Reach();
    stops.push_back(reason);
  }
  std::vector<store::StudyChange> LoadStudyStops(int64_t) override {
    Reach();
    return {};
  }
  void RecordWorker(int64_t, const store::Worker& worker) override {
    Reach();
    workers.push_back(worker);
  }
  std::vector<store::Worker> LoadWorkers(int64_t) override {
    Reach();
    return workers;
  }
  void RecordLaunch(int64_t, const store::Launch& launch) override {
    Reach();
    launches.push_back(launch);
  }
  std::vector<store::Launch> LoadLaunches(int64_t) override {
    Reach();
    return launches;
  }
  std::vector<int> SavePbtMembers(int64_t, const std::vector<store::PbtSave>& saves) override {
    Reach();
    std::vector<int> stale;
    for (const store::PbtSave& s : saves) {
      const auto it = pbt_members.find(s.member);
      const store::PbtRecord saved{s.record, s.version + 1};
      if (it != pbt_members.end() && it->second == saved) continue;  // a retry of this save
      if ((it == pbt_members.end() ? 0 : it->second.version) != s.version) {
        stale.push_back(s.member);
        continue;
      }
      pbt_members[s.member] = {s.record, s.version + 1};
    }
    return stale;
  }
  std::map<int, store::PbtRecord> LoadPbtMembers(int64_t) override {
    Reach();
    return pbt_members;
  }

  std::optional<store::Trial> ClaimTrial(int64_t, int max_trials,
                                         const std::string& worker) override {
    Reach();
    const auto waiting = std::find_if(trials_.begin(), trials_.end(), [](const store::Trial& t) {
      return t.state == store::TrialState::kWaiting;
    });
    store::Trial* claimed = nullptr;
    if (waiting != trials_.end()) {
      claimed = &*waiting;
    } else {
      const auto counted = std::count_if(trials_.begin(), trials_.end(), [](const store::Trial& t) {
        return !(t.state == store::TrialState::kFailed && t.retried);
      });
      if (counted >= max_trials) return std::nullopt;
      claimed = &NewTrial();
    }
    claimed->state = store::TrialState::kRunning;
    claimed->worker = worker;
    claimed->started_ms = claimed->heartbeat_ms = store::NowMs();
    Touch(*claimed, "claim");
    return *claimed;
  }

  int64_t EnqueueTrial(int64_t, const ParamSet& params, uint64_t seed) override {
    Reach();
    store::Trial& t = NewTrial();
    t.params = params;
    t.seed = seed;
    Touch(t, "enqueue");
    return t.number;
  }

  void StartTrial(int64_t trial_id, const ParamSet& params, uint64_t seed,
                  const std::string& run_dir) override {
    Reach();
    store::Trial& t = ById(trial_id);
    t.params = params;
    t.seed = seed;
    t.run_dir = run_dir;
    Touch(t, "start");
  }

  std::vector<int64_t> Heartbeat(const std::vector<int64_t>& trial_ids) override {
    Reach();
    std::vector<int64_t> lost;
    for (int64_t id : trial_ids) {
      store::Trial& t = ById(id);
      if (t.state == store::TrialState::kRunning) {
        t.heartbeat_ms = store::NowMs();
      } else {
        lost.push_back(id);
      }
    }
    return lost;
  }

  void ReportIntermediate(int64_t trial_id, int64_t step, double value) override {
    Reach();
    store::Trial& t = ById(trial_id);
    t.intermediates.push_back({step, value});
    t.heartbeat_ms = store::NowMs();
    Touch(t, fmt::format("report {} {}", step, value));
  }

  void RecordRungs(int64_t trial_id, const std::map<int, double>& rungs) override {
    Reach();
    store::Trial& t = ById(trial_id);
    for (const auto& [rung, value] : rungs) t.rungs.emplace(rung, value);
    Touch(t, fmt::format("rungs {}", rungs.size()));
  }

  void RecordSeedValue(int64_t trial_id, const store::SeedValue& seed_value) override {
    Reach();
    store::Trial& t = ById(trial_id);
    if (t.state != store::TrialState::kRunning) return;
    std::erase_if(t.seed_values,
                  [&](const store::SeedValue& v) { return v.index == seed_value.index; });
    t.seed_values.push_back(seed_value);
    std::sort(
        t.seed_values.begin(), t.seed_values.end(),
        [](const store::SeedValue& a, const store::SeedValue& b) { return a.index < b.index; });
    Touch(t, fmt::format("seed {} {}", seed_value.index, seed_value.value));
  }

  bool FinishTrial(int64_t trial_id, store::TrialState state, std::optional<double> value,
                   const std::vector<double>& more_values, store::TrialCost cost,
                   const std::string& error) override {
    Reach();
    store::Trial& t = ById(trial_id);
    if (t.state != store::TrialState::kRunning) return false;
    t.state = state;
    t.value = value;
    t.more_values = more_values;
    t.cost = cost.seconds;
    t.cost_measure = cost.measure;
    t.error = error;
    t.finished_ms = store::NowMs();
    Touch(t, std::string(store::StateName(state)));
    return true;
  }

  bool AdoptFinishedTrial(int64_t trial_id, double value, const std::vector<double>& more_values,
                          store::TrialCost cost) override {
    Reach();
    store::Trial& t = ById(trial_id);
    if (t.state != store::TrialState::kRunning) return false;
    t.state = store::TrialState::kComplete;
    t.value = value;
    t.more_values = more_values;
    t.cost = cost.seconds;
    t.cost_measure = cost.measure;
    Touch(t, "adopt");
    return true;
  }

  bool FailAndRequeue(int64_t trial_id, const std::string& reason, int max_retries) override {
    Reach();
    store::Trial& t = ById(trial_id);
    if (t.state != store::TrialState::kRunning) return false;
    t.state = store::TrialState::kFailed;
    t.error = reason;
    Touch(t, "fail: " + reason);
    if (RetriesOf(t) >= max_retries) return true;
    t.retried = true;
    const ParamSet params = t.params;
    const uint64_t seed = t.seed;
    const int64_t number = t.number;
    store::Trial& retry = NewTrial();  // invalidates t
    retry.params = params;
    retry.seed = seed;
    retry.retry_of = number;
    Touch(retry, "requeue");
    return true;
  }

  std::vector<int64_t> RecoverStaleTrials(int64_t, int64_t stale_after_ms,
                                          int max_retries) override {
    Reach();
    std::vector<int64_t> stale;
    for (const store::Trial& t : trials_) {
      if (t.state == store::TrialState::kRunning &&
          t.heartbeat_ms < store::NowMs() - stale_after_ms)
        stale.push_back(t.id);
    }
    std::vector<int64_t> numbers;
    for (int64_t id : stale) {
      numbers.push_back(ById(id).number);
      FailAndRequeue(id, "heartbeat stale", max_retries);
    }
    return numbers;
  }

  void ReleaseTrial(int64_t trial_id, bool queued) override {
    Reach();
    if (queued) {
      store::Trial& t = ById(trial_id);
      if (t.state != store::TrialState::kRunning) return;
      t.state = store::TrialState::kWaiting;
      t.worker = t.run_dir = "";
      Touch(t, "release");
      return;
    }
    ++version_;
    std::erase_if(trials_, [&](const store::Trial& t) {
      return t.id == trial_id && t.state == store::TrialState::kRunning;
    });
    log.push_back("abandon");  // the trial is gone: no number
  }

  std::vector<store::Trial> LoadTrials(int64_t) override {
    Reach();
    return trials_;
  }

  store::StudyChanges LoadTrialsChangedSince(int64_t, int64_t since_version) override {
    Reach();
    store::StudyChanges changes{{}, version_, static_cast<int64_t>(trials_.size())};
    for (const store::Trial& t : trials_) {
      if (t.version > since_version) changes.trials.push_back(t);
    }
    return changes;
  }

  /// The trial with this number (the test's view of the study).
  store::Trial& Trial(int64_t number) {
    for (store::Trial& t : trials_) {
      if (t.number == number) return t;
    }
    throw std::out_of_range(fmt::format("no trial {}", number));
  }
  /// Changes a trial behind the controller's back (as another process would), as a new version.
  void Edit(int64_t number, const std::function<void(store::Trial&)>& change) {
    store::Trial& t = Trial(number);
    change(t);
    t.version = ++version_;
  }
  size_t size() const { return trials_.size(); }

  std::vector<std::string> log;    ///< "0 claim", "0 start", "0 report 100 1.5", "0 COMPLETE"...
  std::vector<std::string> stops;  ///< RecordStop's reasons
  std::vector<store::Worker> workers;
  std::vector<store::Launch> launches;
  std::map<int, store::PbtRecord> pbt_members;

  /// While this says so, every call but OpenStudy throws StorageUnavailable, as the real store
  /// does once its own short retries have failed (a storage outage).
  std::function<bool()> unavailable;

 private:
  void Reach() const {
    if (unavailable && unavailable()) throw store::StorageUnavailable("fake", "connection lost");
  }

  store::Trial& NewTrial() {
    store::Trial t;
    t.id = next_id_++;
    t.number = static_cast<int64_t>(trials_.size());
    t.created_ms = store::NowMs();
    trials_.push_back(std::move(t));
    return trials_.back();
  }
  store::Trial& ById(int64_t id) {
    for (store::Trial& t : trials_) {
      if (t.id == id) return t;
    }
    throw std::out_of_range(fmt::format("no trial id {}", id));
  }
  void Touch(store::Trial& t, const std::string& what) {
    t.version = ++version_;
    log.push_back(fmt::format("{} {}", t.number, what));
  }
  int RetriesOf(const store::Trial& t) {
    int retries = 0;
    for (int64_t of = t.retry_of; of >= 0; of = Trial(of).retry_of) ++retries;
    return retries;
  }

  store::Study study_;
  std::vector<store::Trial> trials_;  // ordered by number (numbers are never reused)
  int64_t next_id_ = 100;             // ids differ from numbers, as in a shared database
  int64_t version_ = 0;
};

}  // namespace hpo::runner::testing
