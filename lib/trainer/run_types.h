// The types a run shares with its callers and its parts: how to run (TrainOptions) and what an
// evaluation found (EvalResult). Torch-free, below every other trainer header that needs them.
#pragma once

#include <cstdint>
#include <filesystem>

namespace hpo::trainer {

struct TrainOptions {
  std::filesystem::path run_dir;  ///< where every file of the run goes (created if missing)
  bool resume = false;            ///< continue from the run directory's last checkpoint
  /// A new run that starts from this checkpoint file (hpo train --init-from, HPO_RESTORE_FROM):
  /// its weights, optimizer state, step counters and random streams, with this run's config.
  /// Empty: from scratch (or resume).
  std::filesystem::path init_from;
  /// Where a population-based sweep collects checkpoints (HPO_CHECKPOINT_DIR): step_<N>.pt is
  /// written there before the evaluation line that reports step N. Empty: nowhere.
  std::filesystem::path checkpoint_dir;
  /// Progress on stderr redrawn in one line, with the last and best evaluations (a terminal);
  /// false: plain lines, one per update at most once a second, and the last.
  bool live_progress = false;
  /// Each evaluation as a JSON line on stdout, the sweep protocol (docs/trial_protocol.md): for
  /// a program reading it. false (stdout is a terminal): evaluations are for people, shown in
  /// the live progress line, or as plain lines on stdout when there is none.
  bool eval_json = true;
};

struct EvalResult {
  double mean_reward = 0.0;
  double std_reward = 0.0;
  double success_rate = 0.0;  ///< fraction of episodes with a return at the env's reward threshold
  double mean_episode_length = 0.0;
  int64_t episodes = 0;
};

}  // namespace hpo::trainer
