#include "lib/trainer/run_log.h"

#include <fmt/format.h>
#include <string.h>  // sigabbrev_np

#include <algorithm>
#include <numeric>

#include "lib/core/atomic_file.h"
#include "lib/core/error.h"
#include "lib/core/stop_signal.h"
#include "lib/core/value.h"
#include "lib/protocol/eval_line.h"
#include "lib/protocol/run_folder.h"
#include "lib/protocol/trial_results.h"
#include "lib/trainer/checkpoint.h"

namespace hpo::trainer {
namespace {

std::string Eta(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  if (seconds < 120) return fmt::format("{:.0f}s", seconds);
  return fmt::format("{:.0f}m{:02.0f}s", std::floor(seconds / 60), std::fmod(seconds, 60));
}

// The first multiple of `interval` after `step` (INT64_MAX when the interval is 0: never).
int64_t NextMultiple(int64_t step, int64_t interval) {
  return interval > 0 ? (step / interval + 1) * interval : INT64_MAX;
}

}  // namespace

RunLog::RunLog(const config::TrainerConfig& config, const TrainOptions& options,
               double reward_threshold)
    : c_(config), options_(options), reward_threshold_(reward_threshold) {}

void RunLog::Start(const std::string& csv_header, int64_t global_step, int64_t total_steps) {
  std::filesystem::create_directories(options_.run_dir / protocol::kCheckpointsDir);
  if (!options_.checkpoint_dir.empty())
    std::filesystem::create_directories(options_.checkpoint_dir);
  const bool new_progress = !std::filesystem::exists(options_.run_dir / protocol::kProgressCsv);
  progress_.open(options_.run_dir / protocol::kProgressCsv, std::ios::app);
  if (new_progress) progress_ << csv_header << "\n";
  start_step_ = global_step;
  total_steps_ = total_steps;
  started_ = Clock::now();
  next_eval_step_ = NextMultiple(global_step, c_.eval_interval);
  next_checkpoint_step_ = NextMultiple(global_step, c_.checkpoint_interval);
}

void RunLog::AddEpisodeReturn(double episode_return) {
  recent_returns_.push_back(episode_return);
  if (recent_returns_.size() > 100) recent_returns_.pop_front();
}

double RunLog::MeanRecentReturn() const {
  if (recent_returns_.empty()) return NAN;
  return std::accumulate(recent_returns_.begin(), recent_returns_.end(), 0.0) /
         static_cast<double>(recent_returns_.size());
}

void RunLog::WriteProgressRow(const std::string& row) {
  progress_ << row << "\n";
  progress_.flush();
}

double RunLog::StepsPerSecond(int64_t global_step) const {
  return static_cast<double>(global_step - start_step_) /
         std::max(std::chrono::duration<double>(Clock::now() - started_).count(), 1e-9);
}

void RunLog::ShowProgress(int64_t global_step, bool last) {
  const double sps = StepsPerSecond(global_step);
  const double mean_return = MeanRecentReturn();
  const double eta = static_cast<double>(total_steps_ - global_step) / std::max(sps, 1.0);
  if (options_.live_progress) {
    const int width = 30;
    const int filled = std::clamp(static_cast<int>(width * static_cast<double>(global_step) /
                                                   static_cast<double>(total_steps_)),
                                  0, width);
    // Most telling first: a narrow terminal cuts the end of the line.
    std::string line = fmt::format("[{}{}] {}/{} steps | return {:.1f}",
                                   std::string(static_cast<size_t>(filled), '#'),
                                   std::string(static_cast<size_t>(width - filled), '.'),
                                   global_step, total_steps_, mean_return);
    if (last_eval_)
      line += fmt::format(" | eval {} (best {})", ReadableNumber(last_eval_->mean_reward),
                          ReadableNumber(best_eval_));
    live_line_.Set(line + fmt::format(" | {:.0f} sps | eta {}", sps, Eta(eta)));
    if (last) live_line_.Keep();  // the finished bar stays
  } else if (last ||
             std::chrono::duration<double>(Clock::now() - last_plain_line_).count() >= 1.0) {
    // A2C updates every few milliseconds: a line each would flood a log.
    last_plain_line_ = Clock::now();
    fmt::print(stderr, "step {}/{} | {:.0f} sps | return {:.1f} | eta {}\n", global_step,
               total_steps_, sps, mean_return, Eta(eta));
  }
}

void RunLog::AfterLearning(int64_t global_step, const Evaluate& evaluate,
                           const SaveCheckpoint& save) {
  if (global_step >= next_eval_step_) {
    next_eval_step_ = NextMultiple(global_step, c_.eval_interval);
    // The evaluation is due at the last multiple of eval_interval, and runs at the first update
    // past it: the line reports the due step, so that trials of one sweep whose rollouts differ
    // (n_steps, n_envs) report at the same steps and a pruner compares them there, as Optuna's
    // median pruner compares values at exactly one step.
    const int64_t due_step = global_step / c_.eval_interval * c_.eval_interval;
    const Clock::time_point eval_start = Clock::now();
    const EvalResult result = evaluate(false);
    time_spent_.eval += std::chrono::duration<double>(Clock::now() - eval_start).count();
    Report(result, global_step, due_step, false, save);
  }
  if (global_step >= next_checkpoint_step_) {
    next_checkpoint_step_ = NextMultiple(global_step, c_.checkpoint_interval);
    save(options_.run_dir / protocol::kCheckpointsDir / protocol::StepCheckpointName(global_step));
  }
}

int RunLog::Finish(int64_t global_step, const Evaluate& evaluate, const SaveCheckpoint& save) {
  if (const int signal = StopSignalScope::Received()) {
    save(options_.run_dir / protocol::kCheckpointsDir / protocol::StepCheckpointName(global_step));
    fmt::print(stderr, "\nhpo train: stopped by {} at step {}; checkpoint saved\n",
               sigabbrev_np(signal), global_step);
    return kExitInterrupted;
  }
  save(options_.run_dir / protocol::kCheckpointsDir / protocol::kFinalCheckpoint);
  Report(evaluate(true), global_step, global_step, true, save);
  return kExitOk;
}

double RunLog::TrainingSeconds() const {
  return training_seconds_ + std::chrono::duration<double>(Clock::now() - started_).count();
}

void RunLog::Report(const EvalResult& r, int64_t global_step, int64_t reported_step,
                    bool final_eval, const SaveCheckpoint& save) {
  if (!final_eval && solved_step_ < 0 && r.mean_reward >= reward_threshold_) {
    solved_step_ = global_step;
    solved_seconds_ = TrainingSeconds();
  }
  // The contract with a population-based sweep (docs/trial_protocol.md): the checkpoint of a
  // step exists, whole, before the line that reports it; so a member that reads the line can
  // copy it at once. Written after the solve step is known, so a copy carries it.
  if (!options_.checkpoint_dir.empty())
    save(options_.checkpoint_dir / protocol::PbtCheckpointName(reported_step));
  if (final_eval) {
    const double seconds = TrainingSeconds();
    const bool solved = solved_step_ >= 0;
    const protocol::TrainerResults results{
        .final_mean_reward = r.mean_reward,
        .std = r.std_reward,
        .success_rate = r.success_rate,
        .mean_episode_length = r.mean_episode_length,
        .episodes = r.episodes,
        .training_time = seconds,
        .total_timesteps = global_step,
        .sps = static_cast<double>(global_step) / std::max(seconds, 1e-9),
        .time_to_solve = solved ? std::optional(solved_seconds_) : std::nullopt,
        .steps_to_solve = solved ? std::optional(solved_step_) : std::nullopt,
        .time_env_step = time_spent_.env,
        .time_policy_rollout = time_spent_.policy,
        .time_update = time_spent_.update,
        .time_eval = time_spent_.eval};
    WriteFileAtomic(options_.run_dir / protocol::kResultsFile,
                    protocol::TrainerResultsYaml(results));
  }
  if (options_.eval_json) {  // the sweep controller's intermediate values
    fmt::print("{}\n", protocol::EvalLineJson({.final_eval = final_eval,
                                               .step = reported_step,
                                               .mean_reward = r.mean_reward,
                                               .std = r.std_reward,
                                               .success_rate = r.success_rate,
                                               .episodes = r.episodes,
                                               .elapsed = TrainingSeconds()}));
    std::fflush(stdout);
  }
  if (!final_eval) {
    last_eval_ = r;
    best_eval_ = std::max(best_eval_, r.mean_reward);
  }
  if (options_.eval_json || (options_.live_progress && !final_eval))
    return;  // the progress line shows it
  if (options_.live_progress) live_line_.Clear();
  fmt::print("{} at step {}: mean reward {} +/- {} over {} episodes, {}% solved{}\n",
             final_eval ? "final evaluation" : "evaluation", global_step,
             ReadableNumber(r.mean_reward), ReadableNumber(r.std_reward), r.episodes,
             ReadableNumber(100 * r.success_rate),
             final_eval || !std::isfinite(best_eval_)
                 ? ""
                 : fmt::format(" (best {})", ReadableNumber(best_eval_)));
  std::fflush(stdout);
}

void RunLog::SaveTo(CheckpointState& state) const {
  state.training_seconds = TrainingSeconds();
  state.solved_step = solved_step_;
  state.solved_seconds = solved_seconds_;
}

void RunLog::RestoreFrom(const CheckpointState& state) {
  training_seconds_ = state.training_seconds;
  solved_step_ = state.solved_step;
  solved_seconds_ = state.solved_seconds;
}

}  // namespace hpo::trainer
