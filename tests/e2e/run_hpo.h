// Runs the hpo binary (or another program) for end-to-end tests and captures its output.
#pragma once

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace hpo::e2e {

struct CommandResult {
  int exit_code = -1;
  std::string output;  ///< stdout and stderr together
};

/// Runs a shell command line (tests only; arguments are quoted by the caller).
inline CommandResult RunShell(const std::string& command_line) {
  const std::string command = command_line + " 2>&1";
  CommandResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return result;
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    result.output.append(buffer.data(), n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

/// Runs `hpo <args>` through the shell.
inline CommandResult RunHpo(const std::string& args) {
  return RunShell(std::string(HPO_BINARY) + " " + args);
}

/// Starts `hpo <args>` in the background with stdout and stderr to `log`; returns its pid.
inline pid_t SpawnHpo(const std::vector<std::string>& args, const std::string& log) {
  const pid_t pid = fork();
  if (pid == 0) {
    const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    std::vector<char*> argv = {const_cast<char*>(HPO_BINARY)};
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(HPO_BINARY, argv.data());
    _exit(127);
  }
  return pid;
}

/// Runs `hpo <args>` on a pseudo-terminal (util-linux's script(1)), 120 columns wide: what a
/// person at a terminal sees, carriage returns and escape codes included (the terminal's "\r\n"
/// line ends read back as "\n"). Empty output and exit code 127 when script(1) is missing.
inline CommandResult RunHpoOnTerminal(const std::string& args) {
  if (std::system("command -v script >/dev/null 2>&1") != 0) return {127, ""};
  const std::string inner = "stty cols 120 2>/dev/null; " + std::string(HPO_BINARY) + " " + args;
  std::string quoted = "'";
  for (char c : inner) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  CommandResult r = RunShell("TERM=xterm script -qec " + quoted + "' /dev/null </dev/null");
  for (size_t at; (at = r.output.find("\r\n")) != std::string::npos;) r.output.erase(at, 1);
  return r;
}

/// A parameterised test's name from its command-line arguments: "3_override_n_envs_0" for case 3,
/// "--override n_envs=0" (letters and digits kept, the rest one underscore; the index keeps
/// names unique).
inline std::string TestNameOf(size_t index, const std::string& args) {
  std::string name = std::to_string(index);
  for (char c : args) {
    const bool word = std::isalnum(static_cast<unsigned char>(c)) != 0;
    if (word)
      name += c;
    else if (name.back() != '_')
      name += '_';
  }
  if (name.back() == '_') name.pop_back();
  return name;
}

/// The whole text of a file ("" if it cannot be read).
inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

/// Number of lines in `text`.
inline int LineCount(const std::string& text) {
  int lines = 0;
  for (char c : text) lines += c == '\n';
  return lines;
}

}  // namespace hpo::e2e
