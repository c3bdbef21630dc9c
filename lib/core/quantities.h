// The small quantities users type on the command line and in sweep files: durations and job
// counts. One parser each, so `--timeout 12h` and `timeout: 12h` mean the same.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hpo {

/// Seconds in a duration: plain seconds ("90", "1.5") or numbers with units s, m, h, d, also
/// combined ("12h", "30m", "45s", "1h30m", "1.5h"). std::nullopt for anything else, and for
/// negative or non-finite values.
std::optional<double> ParseDuration(std::string_view text);

/// A duration as ParseDuration reads it back: "12h", "1h30m", "45s"; fractions of a second as
/// "0.25s".
std::string FormatDuration(double seconds);

/// "14:03:07": a moment (unix epoch milliseconds) in the machine's local time, for messages.
std::string ClockTime(int64_t unix_ms);

/// Trials to run at once: a whole number >= 1, or "auto" / "-1" for every core of the machine
/// (as Optuna's n_jobs=-1). std::nullopt for anything else.
std::optional<int> ParseJobs(std::string_view text);
/// True for the words ParseJobs reads as every core: auto, and Optuna's -1.
bool IsAutoJobs(std::string_view text);

/// "0,1, 2" -> {"0", "1", "2"}: the items of a comma-separated list, spaces around each trimmed;
/// empty items are kept ("0,,1" has three), for the caller to refuse or skip.
std::vector<std::string> SplitCommaList(std::string_view text);

/// The machine's cores (at least 1).
int AllCores();

}  // namespace hpo
