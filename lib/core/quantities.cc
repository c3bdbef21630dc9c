#include "lib/core/quantities.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <ctime>
#include <string>
#include <thread>
#include <utility>

namespace hpo {
namespace {

// A non-negative decimal number at the front of `text`, consumed.
std::optional<double> TakeNumber(std::string_view& text) {
  size_t end = 0;
  while (end < text.size() &&
         (std::isdigit(static_cast<unsigned char>(text[end])) || text[end] == '.'))
    ++end;
  if (end == 0) return std::nullopt;
  double value = 0;
  const auto [ptr, error] = std::from_chars(text.data(), text.data() + end, value);
  if (error != std::errc() || ptr != text.data() + end) return std::nullopt;
  text.remove_prefix(end);
  return value;
}

std::optional<double> UnitSeconds(char unit) {
  switch (unit) {
    case 's':
      return 1.0;
    case 'm':
      return 60.0;
    case 'h':
      return 3600.0;
    case 'd':
      return 86400.0;
    default:
      return std::nullopt;
  }
}

}  // namespace

std::optional<double> ParseDuration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::string_view rest = text;
  const std::optional<double> plain = TakeNumber(rest);
  if (plain && rest.empty()) return std::isfinite(*plain) ? plain : std::nullopt;
  rest = text;
  double seconds = 0;
  while (!rest.empty()) {
    const std::optional<double> number = TakeNumber(rest);
    if (!number || rest.empty()) return std::nullopt;
    const std::optional<double> unit = UnitSeconds(rest.front());
    if (!unit) return std::nullopt;
    rest.remove_prefix(1);
    seconds += *number * *unit;
  }
  return std::isfinite(seconds) ? std::optional<double>(seconds) : std::nullopt;
}

std::string FormatDuration(double seconds) {
  if (seconds != std::floor(seconds) || seconds < 1) return fmt::format("{:g}s", seconds);
  auto whole = static_cast<int64_t>(seconds);
  std::string text;
  for (const auto& [unit, size] : {std::pair{'d', 86400}, {'h', 3600}, {'m', 60}, {'s', 1}}) {
    if (whole >= size) text += fmt::format("{}{}", whole / size, unit), whole %= size;
  }
  return text;
}

bool IsAutoJobs(std::string_view text) { return text == "auto" || text == "-1"; }

std::optional<int> ParseJobs(std::string_view text) {
  if (IsAutoJobs(text)) return AllCores();
  int jobs = 0;
  const auto [ptr, error] = std::from_chars(text.data(), text.data() + text.size(), jobs);
  if (error != std::errc() || ptr != text.data() + text.size() || jobs < 1) return std::nullopt;
  return jobs;
}

std::vector<std::string> SplitCommaList(std::string_view text) {
  std::vector<std::string> items;
  size_t start = 0;
  while (true) {
    const size_t comma = std::min(text.find(',', start), text.size());
    std::string_view item = text.substr(start, comma - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    items.emplace_back(item);
    if (comma == text.size()) return items;
    start = comma + 1;
  }
}

int AllCores() { return std::max(1, static_cast<int>(std::thread::hardware_concurrency())); }

std::string ClockTime(int64_t unix_ms) {
  const auto seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm local{};
  localtime_r(&seconds, &local);
  char text[16];
  std::strftime(text, sizeof text, "%H:%M:%S", &local);
  return text;
}

}  // namespace hpo
