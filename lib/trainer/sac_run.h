// Soft actor-critic (internal to lib/trainer), after SB3's sac.py: a replay buffer, twin Q
// critics with Polyak-averaged targets, a squashed-Gaussian actor and automatic entropy tuning.
#pragma once

#include <cstdint>

#include "lib/config/trainer_config.h"
#include "lib/trainer/checkpoint.h"
#include "lib/trainer/run_types.h"

namespace hpo::trainer {

/// Trains SAC in options.run_dir. Returns Train()'s exit codes.
int RunSac(const config::TrainerConfig& config, const TrainOptions& options);

/// Evaluates the actor of a SAC checkpoint.
EvalResult EvaluateSacCheckpoint(const config::TrainerConfig& config, const CheckpointState& state,
                                 int64_t episodes, uint64_t seed, bool stochastic);

}  // namespace hpo::trainer
