// Training (PPO, A2C, SAC) and evaluation: the trainer's public face. No torch in this header, so
// the app and other modules include it without paying torch's compile time.
#pragma once

#include <cstdint>
#include <filesystem>

#include "lib/config/trainer_config.h"
#include "lib/core/error.h"
#include "lib/trainer/run_types.h"

namespace hpo::trainer {

/// Throws UserError when the config's algorithm cannot act in its env (SAC on discrete actions);
/// an unknown env id throws too. Cheap: hpo train calls it before writing anything.
void CheckAlgorithmFitsEnv(const config::TrainerConfig& config);

/// The checkpoint file a new run starts from (hpo train --init-from, HPO_RESTORE_FROM):
/// `file_or_dir` is a checkpoint file, a run directory (its latest checkpoint) or a folder of
/// step_<N>.pt files (the highest N). Throws UserError at `origin` when there is none, it
/// cannot be read, or its network does not fit `config` (naming each key that differs: env,
/// algorithm, hidden layers). Cheap enough to call before anything is written.
std::filesystem::path CheckStartingPoint(const config::TrainerConfig& config,
                                         const std::filesystem::path& file_or_dir,
                                         const Origin& origin);

/// Trains config.algorithm as configured. Returns an exit code: kExitOk, kExitNonFinite (NaN/inf in
/// the losses) or kExitInterrupted (SIGINT/SIGTERM: the final checkpoint and progress are saved).
/// Throws UserError for problems with the run directory or config.
int Train(const config::TrainerConfig& config, const TrainOptions& options);

/// Evaluates a saved policy: a run directory (its latest checkpoint) or a checkpoint file.
EvalResult EvaluateSaved(const std::filesystem::path& run_dir_or_checkpoint, int64_t episodes,
                         uint64_t seed, bool stochastic);

}  // namespace hpo::trainer
