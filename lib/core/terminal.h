// A status line redrawn in place on a terminal (hpo train's progress, hpo sweep's counts), with
// lines that stay printed above it. Only for terminals: elsewhere callers print plain lines, so
// logs and pipes get no carriage returns or escape codes.
#pragma once

#include <cstdio>
#include <string>

namespace hpo {

/// True when `stream` is a terminal.
bool IsTerminal(std::FILE* stream);

class LiveLine {
 public:
  explicit LiveLine(std::FILE* out);
  /// Redraws the status line (cut to the terminal's width: a wrapped line could not be redrawn).
  void Set(std::string status);
  /// Prints a line that stays, above the status line.
  void Print(const std::string& line);
  /// Erases the status line (before the output that follows it).
  void Clear();
  /// Leaves the status line where it is, as a line that stays, and starts a new one below it.
  void Keep();

 private:
  void Draw();

  std::FILE* out_;
  std::string status_;
  size_t columns_;
};

}  // namespace hpo
