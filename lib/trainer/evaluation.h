// Evaluation episodes (torch-free): fresh envs built as the config says, stepped together, one
// batched call of the policy per step, and their statistics.
#pragma once

#include <cstdint>
#include <functional>

#include "envs/env.h"
#include "lib/config/trainer_config.h"
#include "lib/trainer/policy.h"
#include "lib/trainer/run_types.h"

namespace hpo::trainer {

/// The env options a trainer config sets (gravity, wind, turbulence): for the training envs and
/// the evaluation ones alike.
envs::EnvOptions EnvOptionsOf(const config::TrainerConfig& config);

/// Writes one action per row of `observations` [batch, observation_size] to `actions`.
using ActFunction = std::function<void(const float* observations, int64_t batch, float* actions)>;

/// Runs `episodes` episodes on fresh envs seeded from `seed`, all stepped together with one
/// call of `act` per step for the episodes still running.
EvalResult EvaluateActions(const config::TrainerConfig& config, int64_t episodes, uint64_t seed,
                           const ActFunction& act);

/// EvaluateActions with the policy: deterministic (argmax or Gaussian mean) or sampled.
EvalResult EvaluatePolicy(const Policy& policy, const config::TrainerConfig& config,
                          int64_t episodes, uint64_t seed, bool stochastic);

}  // namespace hpo::trainer
