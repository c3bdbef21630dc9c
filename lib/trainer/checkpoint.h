// Checkpoints (internal: torch archives): the flat parameters, the optimizer's moments, the
// counters and the run's clock, written whole or not at all.
#pragma once

#include <cstdint>
#include <filesystem>
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
};

/// Writes to a temporary file and renames it into place: a crash never leaves a torn checkpoint.
void SaveCheckpointFile(const std::filesystem::path& path, const CheckpointState& state);
CheckpointState LoadCheckpointFile(const std::filesystem::path& path);
/// final.pt if present, else the step_*.pt with the most steps. UserError if there is none.
std::filesystem::path LatestCheckpoint(const std::filesystem::path& run_dir);

}  // namespace hpo::trainer
