// One trial = one child process, in its own process group, that dies with its controller.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace hpo::runner {

struct ProcessSpec {
  std::vector<std::string> argv;  ///< argv[0] is the program (looked up in PATH if it has no '/')
  std::vector<std::pair<std::string, std::string>> env;  ///< added to (or replacing) ours
  std::filesystem::path working_dir;                     ///< empty: ours
  std::filesystem::path log_path;  ///< the child's stderr and a copy of its stdout go here
};

/// How a child ended.
struct ExitStatus {
  int exit_code = -1;  ///< valid when signal == 0
  int signal = 0;      ///< the signal that killed it, or 0
  bool ok() const { return signal == 0 && exit_code == 0; }
  std::string Describe() const;  ///< "exit code 3", "killed by SIGSEGV"
};

class TrialProcess {
 public:
  /// Starts the child with vfork + execvpe (an argv array, never a shell). The child gets its own
  /// process group (so a kill reaches everything it started) and PR_SET_PDEATHSIG=SIGKILL (so it
  /// does not outlive a controller killed with -9). posix_spawn cannot set the parent-death
  /// signal, which is why this is vfork/exec. Throws std::runtime_error if the program cannot be
  /// started (the message names it).
  static TrialProcess Start(const ProcessSpec& spec);

  TrialProcess(TrialProcess&& other) noexcept;
  TrialProcess& operator=(TrialProcess&& other) noexcept;
  TrialProcess(const TrialProcess&) = delete;
  TrialProcess& operator=(const TrialProcess&) = delete;
  /// Kills the process group if it is still running (never leaves a zombie or an orphan).
  ~TrialProcess();

  pid_t pid() const { return pid_; }
  /// The read end of the child's stdout, for poll().
  int stdout_fd() const { return stdout_fd_; }
  /// A pidfd that poll() reports readable once the child has exited, so a controller waiting
  /// for output also wakes when a trial ends; -1 where the kernel has no pidfd_open (< 5.3).
  int exit_fd() const { return status_ ? -1 : exit_fd_; }

  /// Reads what is available without blocking and returns the complete lines (a partial last
  /// line is kept for the next call; at end of file it is returned too). Every byte read is
  /// also appended to the log.
  std::vector<std::string> ReadLines();

  /// Reaps the child if it has ended (non-blocking). Once it has, returns the status again.
  std::optional<ExitStatus> Poll();

  /// SIGTERM to the process group: ask it to stop (the trainer saves and exits).
  void Terminate();
  /// SIGKILL to the process group.
  void Kill();

  /// Seconds since Start().
  double ElapsedSeconds() const;

 private:
  TrialProcess() = default;
  void Signal(int sig);

  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  int exit_fd_ = -1;
  int log_fd_ = -1;
  std::string partial_line_;
  std::optional<ExitStatus> status_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace hpo::runner
