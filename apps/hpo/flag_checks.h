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

#include "lib/core/quantities.h"

namespace hpo::cli {

/// A whole number of at least 1.
inline CLI::Validator AtLeastOne() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        int64_t value = 0;
        const char* end = text.data() + text.size();
        const auto [stop, error] = std::from_chars(text.data(), end, value);
        if (error == std::errc() && stop == end && value >= 1) return "";
        return fmt::format("must be at least 1, got {}", text);
      },
      "");
}

/// A duration (45s, 30m, 12h, 1h30m) or seconds; the option gets seconds.
inline CLI::Validator Duration() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        const std::optional<double> seconds = ParseDuration(text);
        if (!seconds) {
          return fmt::format("must be a duration (45s, 30m, 12h, 1h30m) or seconds, got '{}'",
                             text);
        }
        text = fmt::format("{}", *seconds);
        return "";
      },
      "");
}

/// A number of hours > 0; the option gets seconds.
inline CLI::Validator HoursAsSeconds() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        double hours = 0;
        const char* end = text.data() + text.size();
        const auto [stop, error] = std::from_chars(text.data(), end, hours);
        if (error != std::errc() || stop != end || !(hours > 0) || !std::isfinite(hours))
          return fmt::format("must be a number of hours > 0, got {}", text);
        text = fmt::format("{}", hours * 3600);
        return "";
      },
      "");
}

/// Trials at once: a whole number >= 1, or auto / -1 for every core; the option gets the number.
inline CLI::Validator Jobs() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        const std::optional<int> jobs = ParseJobs(text);
        if (!jobs) {
          return fmt::format("must be a whole number >= 1, or auto / -1 for every core, got '{}'",
                             text);
        }
        text = std::to_string(*jobs);
        return "";
      },
      "");
}

}  // namespace hpo::cli
