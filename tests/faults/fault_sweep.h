// What the fault-injection tests (issue 37) share: `hpo sweep` workers started as on machines of
// their own (each its own train_dir, stdout, stderr and --events file), waiting with a deadline,
// and the checks every test ends with.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "lib/store/store.h"

namespace hpo::faults {

namespace fs = std::filesystem;

constexpr const char* kResultsFile = "sweep_eval_results.yaml";

/// The whole text of a file ("" if it cannot be read).
inline std::string TextOf(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

/// The lines of `text` that contain `word`.
inline std::vector<std::string> LinesWith(const std::string& text, const std::string& word) {
  std::vector<std::string> found;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.find(word) != std::string::npos) found.push_back(line);
  }
  return found;
}

/// One `hpo sweep` controller, on a "machine" of its own: the folder `dir` holds its output.
struct Worker {
  pid_t pid = -1;
  fs::path dir;
  fs::path train_dir;  ///< its HPO_TRAIN_DIR
  int exit_code = -1;  ///< as a shell reports it (128 + signal), once it has ended
  bool ended = false;

  fs::path events() const { return dir / "events.jsonl"; }
  std::string Out() const { return TextOf(dir / "out.txt"); }
  std::string Err() const { return TextOf(dir / "err.txt"); }
  /// What the worker wrote, for a failure message.
  std::string Describe() const {
    return "\n--- " + dir.filename().string() + " (pid " + std::to_string(pid) + ") stderr:\n" +
           Err() + "--- stdout (last 2000 characters):\n" +
           Out().substr(Out().size() > 2000 ? Out().size() - 2000 : 0);
  }
};

/// Starts `hpo <args> --events <dir>/events.jsonl` with HPO_TRAIN_DIR=`train_dir`
/// (<dir>/train_dir when empty), its stdout and stderr in <dir>/out.txt and <dir>/err.txt.
inline Worker StartWorker(const fs::path& dir, std::vector<std::string> args,
                          const fs::path& train_dir = {}) {
  fs::create_directories(dir);
  Worker w;
  w.dir = dir;
  w.train_dir = train_dir.empty() ? dir / "train_dir" : train_dir;
  args.push_back("--events");
  args.push_back(w.events().string());
  const std::string train_dir_text = w.train_dir.string();
  const std::string out = (dir / "out.txt").string(), err = (dir / "err.txt").string();
  std::vector<char*> argv = {const_cast<char*>(HPO_BINARY)};
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  w.pid = fork();
  if (w.pid == 0) {
    setenv("HPO_TRAIN_DIR", train_dir_text.c_str(), 1);
    const int out_fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err_fd = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(out_fd, 1);
    dup2(err_fd, 2);
    execv(HPO_BINARY, argv.data());
    _exit(127);
  }
  return w;
}

/// Polls `done` every 100 ms until it holds or `seconds` passed; false on the deadline.
inline bool WaitUntil(const std::function<bool()>& done, double seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return true;
}

/// Reaps the worker if it has ended; true when it has.
inline bool Ended(Worker& w) {
  if (w.ended) return true;
  int status = 0;
  if (waitpid(w.pid, &status, WNOHANG) != w.pid) return false;
  w.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  w.ended = true;
  return true;
}

/// Waits for every worker to end, at most `seconds` in all; false if one is still running. A
/// deadline, not a measure: a worker that never ends fails the test here instead of at ctest's
/// timeout, with what it wrote.
inline bool WaitForAll(std::vector<Worker>& workers, double seconds) {
  return WaitUntil(
      [&] {
        bool all = true;
        for (Worker& w : workers) all &= Ended(w);
        return all;
      },
      seconds);
}

/// Ends a worker a failed test left running (a frozen one too) and reaps it; its trials die with
/// it (they get SIGKILL when their controller dies).
inline void Reap(Worker& w) {
  if (w.pid <= 0 || Ended(w)) return;
  kill(w.pid, SIGCONT);
  kill(w.pid, SIGKILL);
  int status = 0;
  waitpid(w.pid, &status, 0);
  w.ended = true;
}

inline std::string AllOutput(const std::vector<Worker>& workers) {
  std::string text;
  for (const Worker& w : workers) text += w.Describe();
  return text;
}

/// What a sweep ended with.
struct Outcome {
  int complete = 0, distinct_complete = 0, running = 0, waiting = 0, failed = 0, requeued = 0;
  int results_files = 0;  ///< sweep_eval_results.yaml files in every worker's train_dir
};

/// The checks every fault test ends with (issue 37, item 4): exactly `n` COMPLETE trials with
/// distinct numbers, none RUNNING or WAITING, no COMPLETE trial that repeats another COMPLETE one
/// (a retry of a trial that got recorded after all), and one results file per COMPLETE trial:
/// counted across every worker's train_dir, each whole (not empty) and in a COMPLETE trial's run
/// folder. Prints the counts on one line and records them as test properties.
inline Outcome ExpectWholeSweep(const std::vector<store::Trial>& trials, int n,
                                const std::vector<Worker>& workers) {
  Outcome o;
  std::set<int64_t> numbers;
  std::set<std::string> complete_dirs;
  auto key = [](const fs::path& p) { return fs::weakly_canonical(p).string(); };
  for (const store::Trial& t : trials) {
    switch (t.state) {
      case store::TrialState::kComplete:
        ++o.complete;
        numbers.insert(t.number);
        complete_dirs.insert(key(t.run_dir));
        EXPECT_TRUE(fs::exists(fs::path(t.run_dir) / kResultsFile))
            << "COMPLETE trial " << t.number << " has no results file in " << t.run_dir;
        break;
      case store::TrialState::kRunning:
        ++o.running;
        ADD_FAILURE() << "trial " << t.number << " is RUNNING at the end (worker " << t.worker
                      << ")";
        break;
      case store::TrialState::kWaiting:
        ++o.waiting;
        ADD_FAILURE() << "trial " << t.number << " is WAITING at the end";
        break;
      case store::TrialState::kFailed:
        ++o.failed;
        o.requeued += t.retried;
        break;
      case store::TrialState::kPruned:
        ADD_FAILURE() << "trial " << t.number << " PRUNED (no pruner in these sweeps)";
        break;
    }
  }
  for (const store::Trial& t : trials) {
    if (t.state == store::TrialState::kComplete && t.retry_of >= 0) {
      EXPECT_EQ(numbers.count(t.retry_of), 0u)
          << "trial " << t.number << " re-ran trial " << t.retry_of << ", which is COMPLETE too";
    }
  }
  o.distinct_complete = static_cast<int>(numbers.size());
  std::set<fs::path> train_dirs;
  for (const Worker& w : workers) train_dirs.insert(w.train_dir);
  for (const fs::path& train_dir : train_dirs) {
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(train_dir, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->path().filename() != kResultsFile) continue;
      ++o.results_files;
      EXPECT_GT(fs::file_size(it->path()), 0u) << "an empty results file: " << it->path();
      EXPECT_TRUE(complete_dirs.count(key(it->path().parent_path())))
          << "a results file outside a COMPLETE trial's run folder: " << it->path();
    }
  }
  EXPECT_EQ(o.complete, n);
  EXPECT_EQ(o.distinct_complete, n);
  EXPECT_EQ(o.results_files, o.complete) << "one results file per COMPLETE trial";

  std::string exits;
  for (const Worker& w : workers) exits += " " + std::to_string(w.exit_code);
  const std::string line =
      "[faults] " + std::to_string(o.complete) + " COMPLETE (" +
      std::to_string(o.distinct_complete) + " distinct numbers, " + std::to_string(n) +
      " wanted), " + std::to_string(o.running) + " RUNNING, " + std::to_string(o.waiting) +
      " WAITING, " + std::to_string(o.failed) + " FAILED (" + std::to_string(o.requeued) +
      " re-queued), " + std::to_string(o.results_files) + " results files; exit codes" + exits;
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
  testing::Test::RecordProperty("complete", o.complete);
  testing::Test::RecordProperty("distinct_complete", o.distinct_complete);
  testing::Test::RecordProperty("running_or_waiting", o.running + o.waiting);
  testing::Test::RecordProperty("failed", o.failed);
  testing::Test::RecordProperty("results_files", o.results_files);
  testing::Test::RecordProperty("exit_codes", exits);
  return o;
}

/// The worker's --events said "waiting for storage" once and, after it, "storage is back" once:
/// one outage, one notice each way.
inline void ExpectOneWaitForStorage(const Worker& w) {
  const std::string events = TextOf(w.events());
  const size_t waiting = events.find("waiting for storage");
  const size_t back = events.find("storage is back");
  EXPECT_EQ(LinesWith(events, "waiting for storage").size(), 1u) << w.events();
  EXPECT_EQ(LinesWith(events, "storage is back").size(), 1u) << w.events();
  EXPECT_TRUE(waiting != std::string::npos && back != std::string::npos && waiting < back)
      << w.events() << ": \"waiting for storage\", then \"storage is back\"";
}

/// No environmental fault is ever an "internal error"; no password in any output.
inline void ExpectNoInternalErrorNorPassword(const Worker& w, const std::string& password) {
  const std::string all = w.Out() + w.Err() + TextOf(w.events());
  for (const std::string& line : LinesWith(all, "internal error"))
    ADD_FAILURE() << w.dir.filename().string() << " says: " << line;
  if (!password.empty()) {
    EXPECT_EQ(all.find(password), std::string::npos)
        << w.dir.filename().string() << " printed the password";
  }
}

}  // namespace hpo::faults
