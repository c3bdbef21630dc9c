#include "lib/runner/trial_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <initializer_list>
#include <stdexcept>

#include "lib/core/error.h"

namespace hpo::runner {
namespace {

void CloseFd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// Closes every descriptor that is open (>= 0): the cleanup of a Start that fails half way.
void CloseAll(std::initializer_list<int> fds) {
  for (const int fd : fds) {
    if (fd >= 0) ::close(fd);
  }
}

void WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the log is best effort; the trial's result does not depend on it
    data += n;
    size -= static_cast<size_t>(n);
  }
}

int OpenLog(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    const int error = errno;  // before building the message, which may allocate
    const std::string message = "cannot open trial log " + path.string() + ": ";
    if (error == ENOSPC) throw EnvironmentError("no space left on device: " + message);
    if (IsEnvironmentErrno(error)) throw EnvironmentError(message + std::strerror(error));
    throw std::runtime_error(message + std::strerror(error));
  }
  return fd;
}

}  // namespace

std::string ExitStatus::Describe() const {
  if (signal != 0) {
    const char* name = sigabbrev_np(signal);
    return std::string("killed by SIG") + (name ? name : std::to_string(signal));
  }
  return "exit code " + std::to_string(exit_code);
}

namespace {

// The controller's environment with the spec's variables set (replacing any of the same name).
std::vector<std::string> ChildEnvironment(const ProcessSpec& spec) {
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    const std::string key = entry.substr(0, entry.find('='));
    bool replaced = false;
    for (const auto& [k, v] : spec.env) replaced |= (k == key);
    if (!replaced) env_strings.push_back(entry);
  }
  for (const auto& [k, v] : spec.env) env_strings.push_back(k + "=" + v);
  return env_strings;
}

// argv / envp for exec: pointers into strings that outlive the exec, ending with nullptr.
std::vector<char*> NullTerminated(const std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  pointers.reserve(strings.size() + 1);
  for (const std::string& s : strings) pointers.push_back(const_cast<char*>(s.c_str()));
  pointers.push_back(nullptr);
  return pointers;
}

// What the vforked child needs, all prepared before vfork.
struct ChildSetup {
  char* const* argv;
  char* const* envp;
  const char* cwd;  // "" = the controller's
  pid_t parent;
  const sigset_t* signal_mask;  // the controller's, restored once the handlers are reset
  int stdout_fd, log_fd, exec_error_fd;
};

// The vforked child: only async-signal-safe calls on its own stack, then exec. On failure it
// writes errno to exec_error_fd (a CLOEXEC pipe, so exec closes it on success).
[[noreturn]] void RunChild(const ChildSetup& c) {
  ::setpgid(0, 0);
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != c.parent) ::_exit(127);  // the controller died before prctl took effect
  // Restore default signal handling the controller may have changed.
  ::signal(SIGINT, SIG_DFL);
  ::signal(SIGTERM, SIG_DFL);
  ::signal(SIGPIPE, SIG_DFL);
  ::pthread_sigmask(SIG_SETMASK, c.signal_mask, nullptr);
  ::dup2(c.stdout_fd, STDOUT_FILENO);
  if (c.log_fd >= 0) ::dup2(c.log_fd, STDERR_FILENO);
  const int devnull = ::open("/dev/null", O_RDONLY);
  if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
  if (c.cwd[0] == '\0' || ::chdir(c.cwd) == 0) ::execvpe(c.argv[0], c.argv, c.envp);
  const int err = errno;
  WriteAll(c.exec_error_fd, reinterpret_cast<const char*>(&err), sizeof err);
  ::_exit(127);
}

// The child's errno when it could not exec, else 0 (exec closed the pipe).
int ReadExecError(int fd) {
  int child_errno = 0;
  ssize_t n;
  do {
    n = ::read(fd, &child_errno, sizeof child_errno);
  } while (n < 0 && errno == EINTR);
  ::close(fd);
  return n == sizeof child_errno ? child_errno : 0;
}

}  // namespace

TrialProcess TrialProcess::Start(const ProcessSpec& spec) {
  if (spec.argv.empty()) throw std::runtime_error("trial command is empty");
  // Everything the child needs is prepared before vfork: between vfork and exec only
  // async-signal-safe calls on the child's own stack are allowed.
  const std::vector<char*> argv = NullTerminated(spec.argv);
  const std::vector<std::string> env_strings = ChildEnvironment(spec);
  const std::vector<char*> envp = NullTerminated(env_strings);
  const int log_fd =
      spec.log_path.empty() ? -1 : OpenLog(spec.log_path);  // const: vfork must not clobber it
  int out[2] = {-1, -1};         // a failed pipe2 leaves its array as it was
  int exec_error[2] = {-1, -1};  // CLOEXEC pipe: the child writes errno if exec fails
  if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(exec_error, O_CLOEXEC) != 0) {
    const int error = errno;  // the closes must not hide why the pipe failed
    CloseAll({log_fd, out[0], out[1], exec_error[0], exec_error[1]});
    throw std::runtime_error(std::string("pipe: ") + std::strerror(error));
  }
  const std::string cwd = spec.working_dir.string();

  // vfork, as posix_spawn does inside: the child borrows the controller's memory until it
  // execs, instead of copying its page tables. The controller maps LibTorch (hpo train lives in
  // the same binary), and fork's copy was most of what starting a trial cost. The child only
  // touches its own stack and makes system calls. Signals stay blocked until the child has reset
  // its handlers, so no controller handler ever runs in the child.
  sigset_t all_signals, old_mask;
  ::sigfillset(&all_signals);
  ::pthread_sigmask(SIG_SETMASK, &all_signals, &old_mask);
  const ChildSetup child{argv.data(), envp.data(), cwd.c_str(), ::getpid(),
                         &old_mask,   out[1],      log_fd,      exec_error[1]};
  const pid_t pid = ::vfork();
  if (pid == 0) RunChild(child);
  const int vfork_errno = errno;
  ::pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  if (pid < 0) {
    CloseAll({child.log_fd, out[0], out[1], exec_error[0], exec_error[1]});
    throw std::runtime_error(std::string("vfork: ") + std::strerror(vfork_errno));
  }

  // Also set the group from the parent side, so a kill right after Start reaches the group.
  ::setpgid(pid, pid);
  ::close(out[1]);
  ::close(exec_error[1]);
  if (const int child_errno = ReadExecError(exec_error[0])) {
    ::waitpid(pid, nullptr, 0);
    CloseAll({out[0], child.log_fd});
    throw std::runtime_error("cannot run " + spec.argv[0] + ": " + std::strerror(child_errno));
  }
  ::fcntl(out[0], F_SETFL, ::fcntl(out[0], F_GETFL) | O_NONBLOCK);
  TrialProcess process;
  process.pid_ = pid;
  process.stdout_fd_ = out[0];
  process.exit_fd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));  // -1 before Linux 5.3
  process.log_fd_ = child.log_fd;
  process.started_ = std::chrono::steady_clock::now();
  return process;
}

TrialProcess::TrialProcess(TrialProcess&& other) noexcept { *this = std::move(other); }

TrialProcess& TrialProcess::operator=(TrialProcess&& other) noexcept {
  std::swap(pid_, other.pid_);
  std::swap(stdout_fd_, other.stdout_fd_);
  std::swap(exit_fd_, other.exit_fd_);
  std::swap(log_fd_, other.log_fd_);
  std::swap(partial_line_, other.partial_line_);
  std::swap(status_, other.status_);
  std::swap(started_, other.started_);
  return *this;
}

TrialProcess::~TrialProcess() {
  if (pid_ > 0 && !status_) {
    Kill();
    ::waitpid(pid_, nullptr, 0);
  }
  CloseFd(stdout_fd_);
  CloseFd(exit_fd_);
  CloseFd(log_fd_);
}

std::vector<std::string> TrialProcess::ReadLines() {
  std::vector<std::string> lines;
  if (stdout_fd_ < 0) return lines;
  char buffer[8192];
  while (true) {
    const ssize_t n = ::read(stdout_fd_, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;  // EAGAIN: nothing more for now
    if (n == 0) {      // end of file: the child closed stdout
      if (!partial_line_.empty()) lines.push_back(std::move(partial_line_));
      partial_line_.clear();
      CloseFd(stdout_fd_);
      break;
    }
    if (log_fd_ >= 0) WriteAll(log_fd_, buffer, static_cast<size_t>(n));
    partial_line_.append(buffer, static_cast<size_t>(n));
    size_t start = 0, newline;
    while ((newline = partial_line_.find('\n', start)) != std::string::npos) {
      lines.push_back(partial_line_.substr(start, newline - start));
      start = newline + 1;
    }
    partial_line_.erase(0, start);
  }
  return lines;
}

std::optional<ExitStatus> TrialProcess::Poll() {
  if (status_ || pid_ <= 0) return status_;
  // Look without reaping first: while the leader is an unreaped zombie its group id cannot be
  // reused, so the group kill below cannot hit an unrelated process.
  siginfo_t info{};
  if (::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) != 0 ||
      info.si_pid != pid_) {
    return std::nullopt;
  }
  ::killpg(pid_, SIGKILL);  // anything the trial started goes with it
  int raw = 0;
  ::waitpid(pid_, &raw, 0);
  ExitStatus status;
  if (WIFSIGNALED(raw)) {
    status.signal = WTERMSIG(raw);
  } else {
    status.exit_code = WEXITSTATUS(raw);
  }
  status_ = status;
  return status_;
}

void TrialProcess::Signal(int sig) {
  if (pid_ > 0 && !status_) ::killpg(pid_, sig);
}

void TrialProcess::Terminate() { Signal(SIGTERM); }
void TrialProcess::Kill() { Signal(SIGKILL); }

double TrialProcess::ElapsedSeconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
}

}  // namespace hpo::runner
