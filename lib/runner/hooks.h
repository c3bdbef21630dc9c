// `hooks:` in a sweep (docs/config.md, "Hooks"): the commands a controller runs when the sweep
// starts and ends and when each of its trials starts and ends.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "lib/config/sweep_config.h"
#include "lib/core/command_macros.h"
#include "lib/runner/sweep_runner.h"

namespace hpo::runner {

/// Runs hooks on one worker thread, one at a time and in the order of the events, so a slow
/// hook delays later hooks but never a trial or the controller. Each runs without a shell, in
/// its own process group, for at most settings.timeout seconds (then it is killed). Its output
/// goes to <sweep dir>/hooks.log. A hook that fails or times out is logged there and reported
/// on stderr; it never fails a trial or the sweep.
class HookRunner {
 public:
  HookRunner(config::HookSettings settings, std::string sweep, std::filesystem::path sweep_dir);
  /// Waits for the queued hooks (Finish).
  ~HookRunner();
  HookRunner(const HookRunner&) = delete;
  HookRunner& operator=(const HookRunner&) = delete;

  /// on_trial_start at a trial's kStarted, on_trial_end at its kFinished, kFailed or kPruned,
  /// on_exploit at a PBT member's kExploited.
  void OnEvent(const SweepEvent& event);
  void SweepStarted();
  /// on_sweep_end with ${sweep_json} = `sweep_json`.
  void SweepEnded(const std::string& sweep_json);
  /// Waits until every queued hook has run. With `abandon` (the user interrupted the sweep),
  /// drops the queued ones and kills the running one instead.
  void Finish(bool abandon = false);
  /// Hooks that failed or timed out so far.
  int failures() const { return failures_; }

 private:
  void OnExploit(const SweepEvent& event);
  struct Job {
    std::string hook;  ///< on_trial_end, ...
    std::string who;   ///< "trial 3" or "sweep", for messages
    std::vector<std::string> argv;
    std::vector<std::pair<std::string, std::string>> env;
  };
  void Enqueue(const std::string& hook, const std::string& who,
               const std::vector<std::vector<std::string>>& commands, const MacroValues& values,
               std::vector<std::pair<std::string, std::string>> env);
  void Work();
  void Run(const Job& job);

  const config::HookSettings settings_;
  const std::string sweep_;
  const std::filesystem::path sweep_dir_;
  const std::filesystem::path log_path_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> queue_;
  bool finishing_ = false;
  std::atomic<bool> abandon_{false};
  std::atomic<int> failures_{0};
  std::thread worker_;
};

}  // namespace hpo::runner
