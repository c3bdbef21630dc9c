// CLI11 validators for hpo's flags. Each refuses a bad value while the command line is parsed,
// in hpo's words ("--trials: must be at least 1, got 0"), and turns the forms hpo accepts
// (durations, hours, "auto" jobs) into the plain number the option holds: one way to check a
// flag, and no hand checks after parsing.
#pragma once

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "lib/config/sweep_config.h"
#include "lib/core/quantities.h"

namespace hpo::cli {

/// Parses the text with `parse` and hands the option the number it gives; when it gives none,
/// refuses the text with `refusal`, a format with one {} for the text.
template <class Parse>
CLI::Validator Converting(Parse parse, std::string refusal) {
  return CLI::Validator(
      [parse = std::move(parse), refusal = std::move(refusal)](std::string& text) -> std::string {
        const auto value = parse(text);
        if (!value) return fmt::format(fmt::runtime(refusal), text);
        text = fmt::format("{}", *value);
        return "";
      },
      "");
}

/// The whole text as a number of type T (no sign, space or prefix around it), or none.
template <class T>
std::optional<T> NumberOf(const std::string& text) {
  T value{};
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc() || stop != end) return std::nullopt;
  return value;
}

/// A whole number of at least 1.
inline CLI::Validator AtLeastOne() {
  return Converting(
      [](const std::string& text) -> std::optional<int64_t> {
        const std::optional<int64_t> n = NumberOf<int64_t>(text);
        return n && *n >= 1 ? n : std::nullopt;
      },
      "must be at least 1, got {}");
}

/// A duration (45s, 30m, 12h, 1h30m) or seconds; the option gets seconds.
inline CLI::Validator Duration() {
  return Converting([](const std::string& text) { return ParseDuration(text); },
                    "must be a duration (45s, 30m, 12h, 1h30m) or seconds, got '{}'");
}

/// A number of hours > 0; the option gets seconds.
inline CLI::Validator HoursAsSeconds() {
  return Converting(
      [](const std::string& text) -> std::optional<double> {
        const std::optional<double> hours = NumberOf<double>(text);
        if (!hours || !(*hours > 0) || !std::isfinite(*hours)) return std::nullopt;
        return *hours * 3600;
      },
      "must be a number of hours > 0, got {}");
}

/// Trials at once: a whole number >= 1, or auto / -1 for every core; the option gets the number.
inline CLI::Validator Jobs() {
  return Converting([](const std::string& text) { return ParseJobs(text); },
                    "must be a whole number >= 1, or auto / -1 for every core, got '{}'");
}

/// GPUs per trial: 0, a share 1/k of one device or a whole number (config::IsGpuAmount).
inline CLI::Validator GpuAmount() {
  return Converting(
      [](const std::string& text) -> std::optional<double> {
        const std::optional<double> g = NumberOf<double>(text);
        if (!g || !config::IsGpuAmount(*g)) return std::nullopt;
        return *g;
      },
      "must be 0, a share 1/k of one device (0.5, 0.25) or a whole number of devices, got {}");
}

/// Device ids comma-separated (`0,1,2,3`), as CUDA_VISIBLE_DEVICES takes them.
inline CLI::Validator DeviceList() {
  return Converting(
      [](const std::string& text) -> std::optional<std::string> {
        if (text.empty() || text.front() == ',' || text.back() == ',' ||
            text.find(",,") != std::string::npos || text.find(' ') != std::string::npos)
          return std::nullopt;
        return text;
      },
      "must be device ids comma-separated without spaces (0,1,2,3), got '{}'");
}

}  // namespace hpo::cli
