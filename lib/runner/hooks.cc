#include "lib/runner/hooks.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <optional>

#include "lib/runner/event_log.h"
#include "lib/runner/trial_process.h"
#include "lib/store/store.h"

namespace hpo::runner {
namespace {

std::string Joined(const std::vector<std::string>& argv) {
  std::string out;
  for (const std::string& word : argv) out += (out.empty() ? "" : " ") + word;
  return out;
}

// One line of the hook log, written before and after each hook (its output goes between).
void AppendToLog(const std::filesystem::path& path, const std::string& line) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return;  // a log that cannot be written loses a line, never a trial
  [[maybe_unused]] const ssize_t written = ::write(fd, line.data(), line.size());
  ::close(fd);
}

const char* TrialState(SweepEvent::Kind kind) {
  switch (kind) {
    case SweepEvent::Kind::kFinished:
      return "complete";
    case SweepEvent::Kind::kFailed:
      return "failed";
    case SweepEvent::Kind::kPruned:
      return "pruned";
    default:
      return "running";
  }
}

}  // namespace

HookRunner::HookRunner(config::HookSettings settings, std::string sweep,
                       std::filesystem::path sweep_dir)
    : settings_(std::move(settings)),
      sweep_(std::move(sweep)),
      sweep_dir_(std::move(sweep_dir)),
      log_path_(sweep_dir_ / "hooks.log") {
  if (!settings_.empty()) worker_ = std::thread([this] { Work(); });
}

HookRunner::~HookRunner() { Finish(); }

void HookRunner::OnEvent(const SweepEvent& event) {
  if (event.kind == SweepEvent::Kind::kExploited) return OnExploit(event);
  if (!event.trial) return;
  const bool starts = event.kind == SweepEvent::Kind::kStarted;
  const bool ends = event.kind == SweepEvent::Kind::kFinished ||
                    event.kind == SweepEvent::Kind::kFailed ||
                    event.kind == SweepEvent::Kind::kPruned;
  if (!starts && !ends) return;
  const store::Trial& t = *event.trial;
  MacroValues values{&t.params, t.run_dir, {}};
  values.texts = {{"sweep", sweep_},
                  {"sweep_dir", sweep_dir_.string()},
                  {"trial_json", EventJson(event, sweep_, store::NowMs())},
                  {"trial_number", std::to_string(t.number)},
                  {"trial_state", TrialState(event.kind)}};
  Enqueue(starts ? "on_trial_start" : "on_trial_end", fmt::format("trial {}", t.number),
          starts ? settings_.on_trial_start : settings_.on_trial_end, values,
          {{"HPO_TRIAL_NUMBER", std::to_string(t.number)}, {"HPO_RUN_DIR", t.run_dir}});
}

void HookRunner::OnExploit(const SweepEvent& event) {
  const MacroValues values{nullptr,
                           sweep_dir_,
                           {{"sweep", sweep_},
                            {"sweep_dir", sweep_dir_.string()},
                            {"member", std::to_string(event.member)},
                            {"parent", std::to_string(event.parent)},
                            {"step", std::to_string(event.step.value_or(0))},
                            {"exploit_json", EventJson(event, sweep_, store::NowMs())}}};
  Enqueue("on_exploit", fmt::format("member {}", event.member), settings_.on_exploit, values,
          {{"HPO_PBT_MEMBER", std::to_string(event.member)}});
}

void HookRunner::SweepStarted() {
  const MacroValues values{
      nullptr, sweep_dir_, {{"sweep", sweep_}, {"sweep_dir", sweep_dir_.string()}}};
  Enqueue("on_sweep_start", "sweep", settings_.on_sweep_start, values, {});
}

void HookRunner::SweepEnded(const std::string& sweep_json) {
  const MacroValues values{
      nullptr,
      sweep_dir_,
      {{"sweep", sweep_}, {"sweep_dir", sweep_dir_.string()}, {"sweep_json", sweep_json}}};
  Enqueue("on_sweep_end", "sweep", settings_.on_sweep_end, values, {});
}

void HookRunner::Enqueue(const std::string& hook, const std::string& who,
                         const std::vector<std::vector<std::string>>& commands,
                         const MacroValues& values,
                         std::vector<std::pair<std::string, std::string>> env) {
  if (commands.empty()) return;
  env.insert(env.begin(), {{"HPO_SWEEP_NAME", sweep_}, {"HPO_HOOK", hook}});
  std::lock_guard<std::mutex> lock(mutex_);
  for (const std::vector<std::string>& words : commands)
    queue_.push_back(Job{hook, who, ExpandMacros(words, values), env});
  wake_.notify_one();
}

void HookRunner::Finish(bool abandon) {
  if (!worker_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    finishing_ = true;
    if (abandon) {
      abandon_ = true;
      queue_.clear();
    }
  }
  wake_.notify_one();
  worker_.join();
}

void HookRunner::Work() {
  for (;;) {
    Job job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return !queue_.empty() || finishing_; });
      if (queue_.empty()) return;  // finishing, and nothing left
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    Run(job);
  }
}

void HookRunner::Run(const Job& job) {
  AppendToLog(log_path_, fmt::format("== {} ({}): {}\n", job.hook, job.who, Joined(job.argv)));
  std::string outcome;
  try {
    ProcessSpec spec{job.argv, job.env, {}, log_path_};
    TrialProcess process = TrialProcess::Start(spec);
    std::optional<ExitStatus> status;
    bool timed_out = false;
    while (!status) {
      pollfd fds[2] = {{process.stdout_fd(), POLLIN, 0}, {process.exit_fd(), POLLIN, 0}};
      ::poll(fds, process.exit_fd() >= 0 ? 2 : 1, 100);
      process.ReadLines();  // into the log
      status = process.Poll();
      if (!status && !timed_out && (abandon_ || process.ElapsedSeconds() > settings_.timeout)) {
        timed_out = !abandon_;
        process.Kill();
      }
    }
    process.ReadLines();
    if (timed_out)
      outcome = fmt::format("killed after its time limit of {}s", settings_.timeout);
    else if (!status->ok())
      outcome = "failed: " + status->Describe();
    AppendToLog(log_path_, fmt::format("== {} ({}): {} in {:.2f}s\n", job.hook, job.who,
                                       outcome.empty() ? "ok" : outcome, process.ElapsedSeconds()));
  } catch (const std::runtime_error& e) {  // the program cannot be started
    outcome = std::string("failed: ") + e.what();
    AppendToLog(log_path_, fmt::format("== {} ({}): {}\n", job.hook, job.who, outcome));
  }
  if (outcome.empty() || abandon_) return;
  ++failures_;
  fmt::print(stderr, "hpo: hook {} ({}) {} (see {})\n", job.hook, job.who, outcome,
             log_path_.string());
}

}  // namespace hpo::runner
