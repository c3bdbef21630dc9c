// What every algorithm's run does besides learning, the same for PPO, A2C and SAC: the run
// directory's progress.csv, the progress display, the evaluations (JSON lines a sweep reads,
// sweep_eval_results.yaml), the step a periodic evaluation first solved the env, the clock.
#pragma once

#include <chrono>
#include <cmath>
#include <cstdint>
#include <deque>
#include <fstream>
#include <functional>
#include <optional>
#include <string>

#include "lib/config/trainer_config.h"
#include "lib/core/terminal.h"
#include "lib/trainer/checkpoint.h"
#include "lib/trainer/run_types.h"

namespace hpo::trainer {

/// Where the time of one process's run goes.
struct TimeSpent {
  double env = 0, policy = 0, update = 0,
         eval = 0;  ///< stepping, acting in rollouts, learning, evaluating
};

class RunLog {
 public:
  using Clock = std::chrono::steady_clock;
  static double SecondsSince(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
  }

  RunLog(const config::TrainerConfig& config, const TrainOptions& options, double reward_threshold);

  /// Creates the run directory's checkpoints/ and opens progress.csv (writing `csv_header`
  /// when the file is new); starts the clock at `global_step` of `total_steps`.
  void Start(const std::string& csv_header, int64_t global_step, int64_t total_steps);

  /// One training episode's return (the progress display's mean of the last 100).
  void AddEpisodeReturn(double episode_return);
  double MeanRecentReturn() const;  ///< NaN before the first episode ends

  /// Appends a row to progress.csv (a line without its newline).
  void WriteProgressRow(const std::string& row);
  /// The progress line (a terminal) or a plain line per call; `last` keeps the finished bar.
  void ShowProgress(int64_t global_step, bool last);
  double StepsPerSecond(int64_t global_step) const;

  /// The run's evaluation (final: the last one), and its checkpoint saved to a file.
  using Evaluate = std::function<EvalResult(bool final_eval)>;
  using SaveCheckpoint = std::function<void(const std::filesystem::path& path)>;

  /// After a learning step: the periodic evaluation and checkpoint, when due at `global_step`.
  void AfterLearning(int64_t global_step, const Evaluate& evaluate, const SaveCheckpoint& save);
  /// The end of the loop: after a stop signal a checkpoint and kExitInterrupted; otherwise
  /// final.pt, the final evaluation and kExitOk.
  int Finish(int64_t global_step, const Evaluate& evaluate, const SaveCheckpoint& save);

  double TrainingSeconds() const;
  TimeSpent& time_spent() { return time_spent_; }

  /// The run's clock and solve step, saved in and restored from checkpoints.
  void SaveTo(CheckpointState& state) const;
  void RestoreFrom(const CheckpointState& state);

 private:
  /// Reports an evaluation that `reported_step` names: the solve step of the first periodic one
  /// at the threshold; the checkpoint for a population-based sweep (options.checkpoint_dir),
  /// before the line that reports the step; the JSON line (a sweep's intermediate values) or a
  /// line for people; for the final one, sweep_eval_results.yaml.
  void Report(const EvalResult& result, int64_t global_step, int64_t reported_step, bool final_eval,
              const SaveCheckpoint& save);

  const config::TrainerConfig& c_;
  TrainOptions options_;
  double reward_threshold_;
  std::ofstream progress_;
  LiveLine live_line_{stderr};
  std::deque<double> recent_returns_;  // last 100 training episodes (SB3's ep_info_buffer)
  std::optional<EvalResult> last_eval_;
  double best_eval_ = -INFINITY;
  int64_t solved_step_ = -1;  // first periodic eval at or above the reward threshold
  double solved_seconds_ = -1.0;
  double training_seconds_ = 0.0;  // accumulated over resumes
  Clock::time_point started_ = Clock::now();
  Clock::time_point last_plain_line_;  // the epoch: the first line is always shown
  int64_t start_step_ = 0, total_steps_ = 0;
  int64_t next_eval_step_ = INT64_MAX, next_checkpoint_step_ = INT64_MAX;
  TimeSpent time_spent_;
};

}  // namespace hpo::trainer
