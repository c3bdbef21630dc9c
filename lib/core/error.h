// User errors: bad YAML, bad overrides, bad flags, missing files.
//
// Why an exception and not an expected<T>: user errors are detected deep inside loaders
// and parsers and always end the command, so every caller in between would only forward
// them. A UserError carries everything the one-line message needs (where, key path, value)
// and `main` maps it to exit code 2. Failing *trials* are data, never a UserError.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace hpo {

/// Exit codes shared by every subcommand (and read by the sweep runner).
enum ExitCode : int {
  kExitOk = 0,
  kExitFailure = 1,       ///< runtime failure that is not the user's fault
  kExitUserError = 2,     ///< bad input: config, flags, files
  kExitNonFinite = 3,     ///< training produced NaN/inf
  kExitInterrupted = 130  ///< stopped by SIGINT/SIGTERM after saving what it had
};

/// Where a value came from: "configs/lunar.yaml:12:7", "--override", "--jobs"...
struct Origin {
  std::string where;
  static Origin None() { return {}; }
};

/// `text` with control characters escaped (\n, \t, \r, \xNN): what a message prints stays one line.
std::string OneLine(std::string_view text);

/// A key or value the user wrote, as a message quotes it: OneLine(), and at most ~80
/// characters ("...") so a mangled config cannot fill the screen with YAML.
std::string Echo(std::string_view text);

/// A mistake the user can fix. what() is the full one-line message.
class UserError : public std::runtime_error {
 public:
  explicit UserError(const std::string& message) : std::runtime_error(message) {}
  /// "<origin>: <message>" (origin omitted when empty).
  UserError(const Origin& origin, const std::string& message)
      : std::runtime_error(origin.where.empty() ? message : origin.where + ": " + message) {}
};

/// A fault of the machine or of a service hpo depends on, not of the user's input and not a bug:
/// a storage that stayed unreachable, a full disk. `main` prints it as one line and exits 1; it
/// is never reported as an internal error.
class EnvironmentError : public std::runtime_error {
 public:
  explicit EnvironmentError(const std::string& message) : std::runtime_error(message) {}
};

/// True for an errno that is the machine's fault (a full or read-only disk, a quota, an I/O
/// error): WriteFileAtomic and main report such failures as EnvironmentError.
bool IsEnvironmentErrno(int error);

}  // namespace hpo
