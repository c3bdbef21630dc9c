// `hpo sweep --events FILE`: one JSON line per trial event, for dashboards and scripts.
#pragma once

#include <filesystem>
#include <string>

#include "lib/runner/sweep_runner.h"

namespace hpo::runner {

/// Appends events to a file as JSON lines:
///   {"event": "finished", "sweep": "lunar", "trial": 3, "time_ms": 1764780000000,
///    "value": 231.5, "params": {...}, "message": "..."}
/// `event` is started, reported (with "step"), pruned, finished, failed, requeued (a stale
/// trial failed and re-queued, or adopted: "message" says which) or info (the sweep's own
/// notes: timeouts, stopping rules). Each line is one write(2) in append mode, so several
/// controllers can share the file.
class EventLog {
 public:
  /// Throws UserError naming the path when it cannot be opened.
  EventLog(const std::filesystem::path& path, std::string sweep);
  ~EventLog();
  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;

  void Write(const SweepEvent& event);
  /// Appends one JSON object (such as SweepEndJson's) as a line.
  void WriteLine(const std::string& json);

 private:
  int fd_ = -1;
  std::string sweep_;
};

/// The JSON line (without newline) EventLog writes for `event`; a trial hook's ${trial_json}.
std::string EventJson(const SweepEvent& event, const std::string& sweep, int64_t time_ms);

/// The last line of the events file, and on_sweep_end's ${sweep_json}:
///   {"event": "sweep_end", "sweep", "time_ms", "launched", "complete", "pruned", "failed",
///    "interrupted", "best": {"trial", "value", "params", "run_dir"} or null}
/// `launched` counts this controller's trials, the others the study's.
std::string SweepEndJson(const std::string& sweep, const std::vector<store::Trial>& trials,
                         const store::Trial* best, int launched, bool interrupted, int64_t time_ms);

}  // namespace hpo::runner
