// The types a run shares with its callers and its parts: how to run (TrainOptions) and what an
// evaluation found (EvalResult). Torch-free, below every other trainer header that needs them.
#pragma once

#include <cstdint>
#include <filesystem>

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

struct EvalResult {
  double mean_reward = 0.0;
  double std_reward = 0.0;
  double success_rate = 0.0;  ///< fraction of episodes with a return at the env's reward threshold
  double mean_episode_length = 0.0;
  int64_t episodes = 0;
};

}  // namespace hpo::trainer
