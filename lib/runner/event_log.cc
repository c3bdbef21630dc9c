#include "lib/runner/event_log.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "lib/core/error.h"
#include "lib/core/json.h"

namespace hpo::runner {
namespace {

const char* EventName(SweepEvent::Kind kind) {
  switch (kind) {
    case SweepEvent::Kind::kCreated:
      return "created";
    case SweepEvent::Kind::kStarted:
      return "started";
    case SweepEvent::Kind::kReported:
      return "reported";
    case SweepEvent::Kind::kFinished:
      return "finished";
    case SweepEvent::Kind::kFailed:
      return "failed";
    case SweepEvent::Kind::kPruned:
      return "pruned";
    case SweepEvent::Kind::kRecovered:
      return "requeued";
    case SweepEvent::Kind::kInfo:
      return "info";
    case SweepEvent::Kind::kExploited:
      return "exploited";
  }
  return "info";
}

}  // namespace

std::string EventJson(const SweepEvent& event, const std::string& sweep, int64_t time_ms) {
  std::string line = fmt::format("{{\"event\": {}, \"sweep\": {}, \"time_ms\": {}",
                                 JsonString(EventName(event.kind)), JsonString(sweep), time_ms);
  if (event.trial) {
    line += fmt::format(", \"trial\": {}", event.trial->number);
    line += ", \"params\": " + JsonParams(event.trial->params);
    if (!event.trial->run_dir.empty()) line += ", \"run_dir\": " + JsonString(event.trial->run_dir);
  }
  if (event.member >= 0)
    line += fmt::format(", \"member\": {}, \"parent\": {}", event.member, event.parent);
  if (event.step) line += fmt::format(", \"step\": {}", *event.step);
  if (event.value) line += ", \"value\": " + JsonNumber(*event.value);
  if (event.trial && !event.trial->more_values.empty())
    line += ", \"more_values\": " + JsonNumbers(event.trial->more_values);
  if (!event.message.empty()) line += ", \"message\": " + JsonString(event.message);
  return line + "}";
}

EventLog::EventLog(const std::filesystem::path& path, std::string sweep)
    : sweep_(std::move(sweep)) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0)
    throw UserError(Origin{"--events"},
                    fmt::format("cannot open {}: {}", path.string(), std::strerror(errno)));
}

EventLog::~EventLog() {
  if (fd_ >= 0) ::close(fd_);
}

std::string SweepEndJson(const std::string& sweep, const std::vector<store::Trial>& trials,
                         const store::Trial* best, int launched, bool interrupted,
                         int64_t time_ms) {
  const store::StateCounts counts = store::CountStates(trials);
  std::string best_json = "null";
  if (best && best->value) {
    best_json = fmt::format("{{\"trial\": {}, \"value\": {}, {}\"params\": {}, \"run_dir\": {}}}",
                            best->number, JsonNumber(*best->value),
                            best->more_values.empty()
                                ? ""
                                : "\"more_values\": " + JsonNumbers(best->more_values) + ", ",
                            JsonParams(best->params), JsonString(best->run_dir));
  }
  return fmt::format(
      "{{\"event\": \"sweep_end\", \"sweep\": {}, \"time_ms\": {}, \"launched\": {}, \"complete\": "
      "{}, "
      "\"pruned\": {}, \"failed\": {}, \"interrupted\": {}, \"best\": {}}}",
      JsonString(sweep), time_ms, launched, counts.complete, counts.pruned, counts.failed,
      interrupted ? "true" : "false", best_json);
}

void EventLog::Write(const SweepEvent& event) {
  WriteLine(EventJson(event, sweep_, store::NowMs()));
}

void EventLog::WriteLine(const std::string& json) {
  const std::string line = json + "\n";
  // One write: O_APPEND keeps lines of several controllers whole. A failed write loses a
  // line of the log, never the sweep.
  [[maybe_unused]] const ssize_t written = ::write(fd_, line.data(), line.size());
}

}  // namespace hpo::runner
