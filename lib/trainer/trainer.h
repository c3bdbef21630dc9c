// Training (PPO, A2C, SAC) and evaluation: the trainer's public face. No torch in this header, so
// the app and other modules include it without paying torch's compile time.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "lib/config/trainer_config.h"

namespace hpo::trainer {

struct TrainOptions {
  std::filesystem::path run_dir;  ///< where every file of the run goes (created if missing)
  bool resume = false;            ///< continue from the run directory's last checkpoint
  /// Progress on stderr redrawn in one line, with the last and best evaluations (a terminal);
  /// false: plain lines, one per update at most once a second, and the last.
  bool live_progress = false;
  /// Each evaluation as a JSON line on stdout, the sweep protocol (docs/trial_protocol.md): for
  /// a program reading it. false (stdout is a terminal): evaluations are for people, shown in
  /// the live progress line, or as plain lines on stdout when there is none.
  bool eval_json = true;
};

/// Throws UserError when the config's algorithm cannot act in its env (SAC on discrete actions);
/// an unknown env id throws too. Cheap: hpo train calls it before writing anything.
void CheckAlgorithmFitsEnv(const config::TrainerConfig& config);

/// Trains config.algorithm as configured. Returns an exit code: kExitOk, kExitNonFinite (NaN/inf in
/// the losses) or kExitInterrupted (SIGINT/SIGTERM: the final checkpoint and progress are saved).
/// Throws UserError for problems with the run directory or config.
int Train(const config::TrainerConfig& config, const TrainOptions& options);

struct EvalResult {
  double mean_reward = 0.0;
  double std_reward = 0.0;
  double success_rate = 0.0;  ///< fraction of episodes with a return at the env's reward threshold
  double mean_episode_length = 0.0;
  int64_t episodes = 0;
};

/// Evaluates a saved policy: a run directory (its latest checkpoint) or a checkpoint file.
EvalResult EvaluateSaved(const std::filesystem::path& run_dir_or_checkpoint, int64_t episodes,
                         uint64_t seed, bool stochastic);

}  // namespace hpo::trainer
