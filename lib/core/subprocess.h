// Runs a short helper program (a scheduler's sbatch, squeue, scancel) and collects what it
// prints. Trials are not run this way: they stream output to the controller
// (lib/runner/trial_process.h).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace hpo {

struct ProgramResult {
  int exit_code = -1;  ///< the program's exit code; 128 + N when signal N killed it
  std::string out;     ///< its standard output
  std::string err;     ///< its standard error
};

/// Runs argv[0] (searched on PATH) with `argv`, with the variables of `extra_env` ("NAME=value")
/// added to this process's environment, and waits for it. Throws std::runtime_error when it
/// cannot be started.
ProgramResult RunProgram(const std::vector<std::string>& argv,
                         const std::vector<std::string>& extra_env = {});

/// The full path of `program` in a directory of PATH, or std::nullopt.
std::optional<std::string> FindOnPath(const std::string& program);

}  // namespace hpo
