// Checkpoints (internal: torch archives): the flat parameters, the optimizer's moments, the
// counters, the run's clock, the network they belong to and the random streams, written whole or
// not at all.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace hpo::trainer {

struct CheckpointState {
  std::vector<float> params, adam_m, adam_v;
  int64_t adam_step = 0;
  int64_t global_step = 0;
  int64_t updates = 0;
  double training_seconds = 0.0;
  int64_t solved_step = -1;      ///< env steps when a periodic eval first reached the threshold
  double solved_seconds = -1.0;  ///< training seconds then (-1: not yet)
  /// What the numbers are the weights of: "key: value" lines of the keys that shape the network
  /// (NetworkOf in restore.h). Empty in checkpoints written before it was saved (2026-12-07).
  std::string network;
  /// The run's action, shuffle, replay-sampling and SAC noise stream (mt19937_64 in its
  /// standard text form); empty: not saved (older checkpoints). Checkpoints from before SAC drew
  /// its noise from it also hold torch's generator state ("torch_rng"), which is not read.
  std::string policy_rng;
  /// SAC with checkpoint_replay_buffer: the replay buffer's transitions, oldest first
  /// (ReplayBuffer::Transitions); empty otherwise.
  std::vector<float> replay_transitions;
};

/// Writes to a temporary file and renames it into place: a crash never leaves a torn checkpoint.
/// The temporary name starts with a dot, so a program watching the folder for step_<N> files
/// (a population-based sweep) never sees it.
void SaveCheckpointFile(const std::filesystem::path& path, const CheckpointState& state);
CheckpointState LoadCheckpointFile(const std::filesystem::path& path);
/// final.pt if present, else the step_*.pt with the most steps. UserError if there is none.
std::filesystem::path LatestCheckpoint(const std::filesystem::path& run_dir);
/// The same choice among the files of `folder` itself (a run's checkpoints/, or the folder a
/// population-based sweep collects step_<N>.pt files in, whose numbers are not zero-padded).
std::filesystem::path LatestCheckpointIn(const std::filesystem::path& folder);

}  // namespace hpo::trainer
