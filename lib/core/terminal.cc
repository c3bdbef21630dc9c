#include "lib/core/terminal.h"

#include <sys/ioctl.h>
#include <unistd.h>

namespace hpo {
namespace {

// "\r" back to the line's start, then "erase to the end of the line" (ANSI EL).
constexpr const char* kEraseLine = "\r\033[K";

size_t Columns(std::FILE* out) {
  winsize size{};
  if (::ioctl(::fileno(out), TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return 80;
}

}  // namespace

bool IsTerminal(std::FILE* stream) { return ::isatty(::fileno(stream)) == 1; }

LiveLine::LiveLine(std::FILE* out) : out_(out), columns_(Columns(out)) {}

void LiveLine::Set(std::string status) {
  status_ = std::move(status);
  Draw();
}

void LiveLine::Print(const std::string& line) {
  std::fputs(kEraseLine, out_);
  std::fputs(line.c_str(), out_);
  std::fputc('\n', out_);
  Draw();
}

void LiveLine::Clear() {
  if (status_.empty()) return;
  std::fputs(kEraseLine, out_);
  status_.clear();
  std::fflush(out_);
}

void LiveLine::Keep() {
  if (status_.empty()) return;
  std::fputc('\n', out_);
  status_.clear();
  std::fflush(out_);
}

void LiveLine::Draw() {
  std::fputs(kEraseLine, out_);
  // One column spare: a line that fills the last column wraps on some terminals.
  std::fputs((status_.size() < columns_ ? status_ : status_.substr(0, columns_ - 1)).c_str(), out_);
  std::fflush(out_);
}

}  // namespace hpo
