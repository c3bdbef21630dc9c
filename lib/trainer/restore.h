// Starting a run from a checkpoint (internal): which file a path names, whether the checkpoint's
// network fits the run's config, the random streams a checkpoint carries, and the record a new
// run keeps of where it started (hpo train --init-from, HPO_RESTORE_FROM; --resume).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "lib/config/trainer_config.h"
#include "lib/core/random.h"

namespace hpo::trainer {

/// "key: value" lines of the keys that decide what a checkpoint's numbers are: the env (the
/// observation and action sizes), the algorithm (which networks, which optimizer's state), the
/// hidden layers and their activation, whether PPO's trunks are shared, A2C's optimizer. Every
/// other key (learning rate, rollout, entropy, ...) may differ between a checkpoint and a run
/// that starts from it.
std::string NetworkOf(const config::TrainerConfig& config);

/// "" when `network` (a checkpoint's NetworkOf; "" for checkpoints older than it) fits `config`;
/// otherwise each key that differs, "net_arch is [64, 64] in the checkpoint and [32] here",
/// joined by "; ".
std::string NetworkMismatch(const std::string& network, const config::TrainerConfig& config);

/// The checkpoint `file_or_dir` names: a file as it is; a run directory's latest
/// (LatestCheckpoint); a folder of checkpoints' latest (LatestCheckpointIn). UserError when
/// there is none.
std::filesystem::path CheckpointNamedBy(const std::filesystem::path& file_or_dir);

/// What a new run keeps of its starting point: a copy of `checkpoint` in run_dir/checkpoints/
/// under its step's name (so --resume finds it, and the run folder shows what it started from)
/// and run_dir/init_from.yaml (the checkpoint's path and step).
void KeepStartingPoint(const std::filesystem::path& run_dir,
                       const std::filesystem::path& checkpoint, int64_t global_step);

/// An Rng's whole state as text (the standard's operator<< form), and back. Restoring text that
/// is not such a state throws UserError naming `checkpoint`.
std::string RngText(const Rng& rng);
void RestoreRng(Rng& rng, const std::string& text, const std::filesystem::path& checkpoint);

}  // namespace hpo::trainer
