// The runner's plan for a sweep config: shared by `hpo sweep` and `hpo validate` (which reruns
// configurations through the same trial machinery).
#pragma once

#include <algorithm>
#include <filesystem>

#include "lib/config/sweep_config.h"
#include "lib/launch/slurm.h"
#include "lib/runner/sweep_runner.h"

namespace hpo::cli {

inline runner::SweepPlan PlanFor(const config::SweepConfig& c,
                                 const std::filesystem::path& sweep_dir) {
  runner::SweepPlan plan;
  plan.name = c.name;
  plan.sweep_dir = sweep_dir;
  plan.metric = c.metric;
  plan.maximize = c.maximize;
  plan.more_objectives = c.more_objectives;
  plan.n_trials = c.n_trials;
  plan.jobs = c.n_jobs;
  plan.seed = c.seed;
  plan.seeds_per_trial = c.seeds_per_trial;
  plan.aggregate = c.aggregate;
  if (c.sampler.method == "pbt") plan.pbt = c.sampler.pbt;
  plan.timeout_per_trial = c.timeout_per_trial;
  plan.timeout = c.timeout;
  plan.max_retries = c.max_retries;
  plan.stale_after = c.heartbeat_timeout;
  plan.heartbeat_interval = std::min(5.0, c.heartbeat_timeout / 4);
  plan.storage_retry = c.storage_retry;
  plan.command = c.command;
  plan.hpo_binary = std::filesystem::read_symlink("/proc/self/exe");
  plan.fixed = c.fixed;
  plan.pruner = c.pruner;
  plan.cost = c.cost;
  plan.stopping = {c.target, c.patience, c.min_delta};
  plan.slurm_task = launch::SlurmTaskOfThisProcess();
  return plan;
}

}  // namespace hpo::cli
