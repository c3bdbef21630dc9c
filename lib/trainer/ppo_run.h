// The on-policy runs: PPO and A2C (internal to lib/trainer).
#pragma once

#include "lib/config/trainer_config.h"
#include "lib/trainer/run_types.h"

namespace hpo::trainer {

/// Trains PPO, or A2C (config.algorithm), in options.run_dir. Returns Train()'s exit codes.
int RunPpo(const config::TrainerConfig& config, const TrainOptions& options);

}  // namespace hpo::trainer
