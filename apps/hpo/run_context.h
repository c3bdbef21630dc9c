// What a controller brings besides the sweep config: shared by `hpo sweep`, `hpo validate`
// (which reruns configurations through the same trial machinery), `hpo pbt-replay` and the
// printed commands that train a trial again.
#pragma once

#include <filesystem>

#include "lib/launch/slurm.h"
#include "lib/runner/sweep_runner.h"

namespace hpo::cli {

/// This hpo binary runs the trials, from `sweep_dir`, as this process's Slurm task (if any).
inline runner::RunContext RunContextFor(const std::filesystem::path& sweep_dir) {
  runner::RunContext run;
  run.sweep_dir = sweep_dir;
  run.hpo_binary = std::filesystem::read_symlink("/proc/self/exe");
  run.slurm_task = launch::SlurmTaskOfThisProcess();
  return run;
}

}  // namespace hpo::cli
