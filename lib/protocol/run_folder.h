// The names in a trial's run folder (docs/run_dir.md): one spelling for the trainer that writes
// them, the controller that prepares and reads them, and the report.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace hpo::protocol {

/// The trial's input: its values, written by the controller, read by `hpo train --config`.
inline constexpr const char* kTrialInput = "train_config_overrides.yaml";
/// Every trainer key and the value `hpo train` used (read back by --resume and hpo eval).
inline constexpr const char* kResolvedConfig = "resolved_config.yaml";
/// The keys `hpo train` was asked to set, as it resolved them.
inline constexpr const char* kResolvedOverrides = "resolved_overrides.yaml";
/// The final results (trial_results.h).
inline constexpr const char* kResultsFile = "sweep_eval_results.yaml";
inline constexpr const char* kProgressCsv = "progress.csv";
inline constexpr const char* kCheckpointsDir = "checkpoints";
/// The trial's stderr and a copy of its stdout, written by the controller.
inline constexpr const char* kTrialLog = "trial.log";
/// The controller's record of the trial (study, number, seed, values).
inline constexpr const char* kTrialRecord = "hpo_trial.yaml";
/// A run started from a checkpoint: which one (hpo train --init-from).
inline constexpr const char* kInitFromRecord = "init_from.yaml";
/// A PBT member's record as its trial started.
inline constexpr const char* kPbtMemberRecord = "pbt_member.yaml";

/// A run's checkpoint at a step, in checkpoints/: step_<N>.pt with N zero-padded to 10 digits
/// (so a listing sorts them by step).
std::string StepCheckpointName(int64_t step);
/// The checkpoint at a PBT member's reported step, in HPO_CHECKPOINT_DIR: step_<N>.pt, N as the
/// report line writes it (docs/trial_protocol.md).
std::string PbtCheckpointName(int64_t step);
/// The checkpoint a run writes when it ends, in checkpoints/.
inline constexpr const char* kFinalCheckpoint = "final.pt";

/// The step N in a checkpoint's name: `step_<N>` (a folder) or `step_<N>.<ext>`, N zero-padded
/// or not (hpo train writes both names above; a sweep's own program may use any extension).
/// None for any other name, for a number larger than an int64 holds, and for a file still
/// being written (`.tmp` in its name).
std::optional<int64_t> CheckpointStep(const std::string& name);

/// The folder of a trial's `index`-th seed process, in a trial trained on several seeds.
inline std::filesystem::path SeedFolder(const std::filesystem::path& run_dir, int index) {
  return run_dir / ("seed_" + std::to_string(index));
}

/// Where a trial's `index`-th seed process runs (seeds_per_trial): the trial's folder when it
/// has one seed, else its SeedFolder.
inline std::filesystem::path SeedRunDir(const std::filesystem::path& run_dir, int index,
                                        int seeds_per_trial) {
  return seeds_per_trial == 1 ? run_dir : SeedFolder(run_dir, index);
}

}  // namespace hpo::protocol
