// SIGINT and SIGTERM as a request to stop, for as long as a scope lives: the long-running loops
// (the trainer's steps, the sweep controller's poll) check it and wind down, saving what they
// have, instead of dying mid-write.
#pragma once

#include <signal.h>

namespace hpo {

class StopSignalScope {
 public:
  /// Installs the handlers (without SA_RESTART, so a blocking poll() returns at once with EINTR)
  /// and forgets any earlier request.
  StopSignalScope();
  /// Restores the handlers that were there before.
  ~StopSignalScope();
  StopSignalScope(const StopSignalScope&) = delete;
  StopSignalScope& operator=(const StopSignalScope&) = delete;

  /// The signal that asked to stop (SIGINT or SIGTERM), or 0.
  static int Received();

 private:
  struct sigaction old_int_ {
  }, old_term_{};
};

}  // namespace hpo
