#include "lib/core/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>

extern char** environ;

namespace hpo {
namespace {

// Reads both pipes until both are closed, so a program that fills one while we wait on the
// other cannot block.
void ReadBoth(int out_fd, int err_fd, ProgramResult& result) {
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open = 2;
  char buffer[4096];
  while (open > 0) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        sinks[i]->append(buffer, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open;
      }
    }
  }
}

}  // namespace

ProgramResult RunProgram(const std::vector<std::string>& argv,
                         const std::vector<std::string>& extra_env) {
  if (argv.empty()) throw std::runtime_error("no program to run");
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  // The added variables replace any of the same name (getenv reads the first).
  std::vector<char*> env(extra_env.size());
  std::transform(extra_env.begin(), extra_env.end(), env.begin(),
                 [](const std::string& e) { return const_cast<char*>(e.c_str()); });
  for (char** e = environ; *e; ++e) {
    bool replaced = false;
    for (const std::string& added : extra_env)
      replaced |= std::strncmp(*e, added.c_str(), added.find('=') + 1) == 0;
    if (!replaced) env.push_back(*e);
  }
  env.push_back(nullptr);

  int out_pipe[2], err_pipe[2], exec_pipe[2];
  if (::pipe(out_pipe) != 0 || ::pipe(err_pipe) != 0 || ::pipe2(exec_pipe, O_CLOEXEC) != 0) {
    throw std::runtime_error(std::string("cannot run ") + argv[0] + ": " + std::strerror(errno));
  }
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out_pipe[1], 1);
    ::dup2(err_pipe[1], 2);
    for (int fd : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1], exec_pipe[0]}) ::close(fd);
    ::execvpe(args[0], args.data(), env.data());
    const int error = errno;  // tell the parent why exec failed (the pipe closes on success)
    (void)!::write(exec_pipe[1], &error, sizeof error);
    ::_exit(127);
  }
  for (int fd : {out_pipe[1], err_pipe[1], exec_pipe[1]}) ::close(fd);
  int exec_error = 0;
  const bool exec_failed =
      pid > 0 && ::read(exec_pipe[0], &exec_error, sizeof exec_error) == sizeof exec_error;
  ::close(exec_pipe[0]);
  ProgramResult result;
  ReadBoth(out_pipe[0], err_pipe[0], result);
  int status = 0;
  if (pid > 0) {
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  if (pid < 0 || exec_failed) {
    throw std::runtime_error(std::string("cannot run ") + argv[0] + ": " +
                             std::strerror(pid < 0 ? errno : exec_error));
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

std::optional<std::string> FindOnPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (!path) return std::nullopt;
  const std::string dirs = path;
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    const std::filesystem::path candidate =
        std::filesystem::path(end == start ? "." : dirs.substr(start, end - start)) / program;
    if (::access(candidate.c_str(), X_OK) == 0 && !std::filesystem::is_directory(candidate))
      return candidate.string();
    start = end + 1;
  }
  return std::nullopt;
}

}  // namespace hpo
