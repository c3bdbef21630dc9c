// PPO, top to bottom in execution order (after CleanRL's ppo.py): seeding, rollout with
// bootstrapped truncations, GAE, minibatch epochs, logging, periodic evaluation, checkpoints.
#include "lib/trainer/trainer.h"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <fstream>
#include <numeric>
#include <optional>

#include "envs/vector_env.h"
#include "lib/core/atomic_file.h"
#include "lib/core/error.h"
#include "lib/core/random.h"
#include "lib/core/stop_signal.h"
#include "lib/core/terminal.h"
#include "lib/core/value.h"
#include "lib/trainer/gae.h"
#include "lib/trainer/policy_io.h"
#include "lib/trainer/ppo_update.h"

namespace hpo::trainer {
namespace {

// OpenBLAS splits a GEMM over threads above ~64^3 multiply-adds; `threads: 1` must mean one
// core. Weak: linked against another BLAS, there is nothing to set.
extern "C" void openblas_set_num_threads(int) __attribute__((weak));
void SetBlasThreads(int threads) {
  if (openblas_set_num_threads != nullptr) openblas_set_num_threads(threads);
}

using Clock = std::chrono::steady_clock;
double SecondsSince(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::string Eta(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  if (seconds < 120) return fmt::format("{:.0f}s", seconds);
  return fmt::format("{:.0f}m{:02.0f}s", std::floor(seconds / 60), std::fmod(seconds, 60));
}

// ---------------------------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------------------------

class PpoRun {
 public:
  PpoRun(const config::TrainerConfig& config, const TrainOptions& options)
      : c_(config),
        run_dir_(options.run_dir),
        envs_(config.env_id, static_cast<int>(config.n_envs), DeriveSeed(static_cast<uint64_t>(config.seed), 0, "train-env"),
              EnvOptionsOf(config)),
        rng_(DeriveSeed(static_cast<uint64_t>(config.seed), 0, "policy")),
        policy_(MakePolicy(config, envs_.observation_size(), envs_.action_space())),
        update_(policy_.net, policy_.distribution, envs_.observation_size(), config),
        options_(options) {
    obs_size_ = envs_.observation_size();
    action_width_ = envs_.action_space().width();
    const auto n = static_cast<size_t>(c_.n_envs * c_.n_steps);
    obs_buf_.resize(n * static_cast<size_t>(obs_size_));
    act_buf_.resize(n * static_cast<size_t>(action_width_));
    logp_buf_.resize(n), val_buf_.resize(n), rew_buf_.resize(n), ended_buf_.resize(n), adv_buf_.resize(n), ret_buf_.resize(n);
    next_obs_.resize(static_cast<size_t>(c_.n_envs * obs_size_));
    if (options.resume) Restore();
  }

  int Run();

 private:
  void CollectRollout();
  void BootstrapTruncated(const std::vector<uint8_t>& terminated, const std::vector<uint8_t>& truncated, size_t row);
  bool Update(double lr);  // false on non-finite losses
  void Evaluate(bool final_eval);
  void SaveCheckpoint(const std::string& name);
  void Restore();
  void WriteProgressRow(double lr, double sps);
  void ShowProgress(double sps, bool last);
  void ShowEvaluation(const EvalResult& r, bool final_eval);
  double TrainingSeconds() const { return training_seconds_ + SecondsSince(started_); }
  int64_t TotalSteps() const;  // total_timesteps rounded up to whole rollouts

  const config::TrainerConfig& c_;
  std::filesystem::path run_dir_;
  envs::VectorEnv envs_;
  Rng rng_;
  Policy policy_;
  PpoUpdate update_;
  int obs_size_ = 0, action_width_ = 0;
  ActorCriticNet::Activations activations_;  // rollout forward passes

  // rollout storage, [step][env]
  std::vector<float> obs_buf_, act_buf_, logp_buf_, val_buf_, rew_buf_, ended_buf_, adv_buf_, ret_buf_;
  std::vector<float> next_obs_;
  std::vector<float> last_values_;
  std::vector<float> truncated_obs_;  // final observations of time-limit ends, to bootstrap

  int64_t global_step_ = 0;
  int64_t updates_ = 0;
  int64_t next_eval_step_ = 0;
  int64_t next_checkpoint_step_ = 0;
  int64_t solved_step_ = -1;       // first periodic eval at or above the reward threshold
  double solved_seconds_ = -1.0;
  std::deque<double> recent_returns_;  // last 100 training episodes (SB3's ep_info_buffer)
  double training_seconds_ = 0.0;      // accumulated over resumes
  Clock::time_point started_ = Clock::now();
  int64_t start_step_ = 0;

  // where the time goes (this process's run only): env stepping, policy forward + sampling in
  // rollouts, the PPO update, evaluations
  double env_seconds_ = 0, policy_seconds_ = 0, update_seconds_ = 0, eval_seconds_ = 0;

  // last update's diagnostics for progress.csv
  UpdateStats stats_;
  double explained_variance_ = 0;
  std::ofstream progress_;
  TrainOptions options_;
  LiveLine live_line_{stderr};
  std::optional<EvalResult> last_eval_;  // periodic evaluations, for the progress display
  double best_eval_ = -INFINITY;
};

int64_t PpoRun::TotalSteps() const {
  const int64_t rollout = c_.n_envs * c_.n_steps;
  return (c_.total_timesteps + rollout - 1) / rollout * rollout;
}

// A time-limit end is not a terminal state: bootstrap from the value of where it stopped (one
// batched critic pass over every env truncated at this step).
void PpoRun::BootstrapTruncated(const std::vector<uint8_t>& terminated, const std::vector<uint8_t>& truncated,
                                size_t row) {
  std::vector<int64_t> envs;
  for (int64_t e = 0; e < c_.n_envs; ++e) {
    if (truncated[static_cast<size_t>(e)] && !terminated[static_cast<size_t>(e)]) envs.push_back(e);
  }
  if (envs.empty()) return;
  truncated_obs_.resize(envs.size() * static_cast<size_t>(obs_size_));
  for (size_t k = 0; k < envs.size(); ++k) {
    std::copy_n(envs_.final_observations().data() + envs[k] * obs_size_, obs_size_,
                truncated_obs_.data() + k * static_cast<size_t>(obs_size_));
  }
  policy_.net.ForwardValue(policy_.params.data(), truncated_obs_.data(), static_cast<int64_t>(envs.size()), activations_);
  for (size_t k = 0; k < envs.size(); ++k) {
    rew_buf_[row + static_cast<size_t>(envs[k])] += static_cast<float>(c_.gamma) * activations_.value[k];
  }
}

void PpoRun::CollectRollout() {
  const int64_t n_envs = c_.n_envs;
  std::vector<float> rewards(static_cast<size_t>(n_envs));
  std::vector<uint8_t> terminated(static_cast<size_t>(n_envs)), truncated(static_cast<size_t>(n_envs));
  for (int64_t t = 0; t < c_.n_steps && !StopSignalScope::Received(); ++t) {
    const size_t row = static_cast<size_t>(t * n_envs);
    float* obs_t = obs_buf_.data() + row * static_cast<size_t>(obs_size_);
    std::copy(next_obs_.begin(), next_obs_.end(), obs_t);
    const Clock::time_point policy_start = Clock::now();
    float* act_t = act_buf_.data() + row * static_cast<size_t>(action_width_);
    policy_.Act(obs_t, n_envs, &rng_, act_t, logp_buf_.data() + row, activations_);
    std::copy_n(activations_.value.data(), n_envs, val_buf_.data() + row);

    const Clock::time_point env_start = Clock::now();
    policy_seconds_ += std::chrono::duration<double>(env_start - policy_start).count();
    envs_.Step(std::span<const float>(act_t, static_cast<size_t>(n_envs * action_width_)), next_obs_, rewards,
               terminated, truncated);
    env_seconds_ += SecondsSince(env_start);
    for (int64_t e = 0; e < n_envs; ++e) {
      const size_t i = row + static_cast<size_t>(e);
      rew_buf_[i] = rewards[static_cast<size_t>(e)];
      ended_buf_[i] = terminated[static_cast<size_t>(e)] || truncated[static_cast<size_t>(e)] ? 1.0f : 0.0f;
    }
    BootstrapTruncated(terminated, truncated, row);
    for (const envs::EpisodeStats& episode : envs_.finished_episodes()) {
      recent_returns_.push_back(episode.episode_return);
      if (recent_returns_.size() > 100) recent_returns_.pop_front();
    }
    envs_.ClearFinishedEpisodes();
    global_step_ += n_envs;
  }
  policy_.net.ForwardValue(policy_.params.data(), next_obs_.data(), n_envs, activations_);
  last_values_.assign(activations_.value.begin(), activations_.value.begin() + n_envs);
}

// 1 - Var(returns - values) / Var(returns), over the rollout (nan when the returns are constant).
double ExplainedVariance(const std::vector<float>& returns, const std::vector<float>& values) {
  const auto n = static_cast<double>(returns.size());
  double mean_r = 0, mean_d = 0;
  for (size_t i = 0; i < returns.size(); ++i) mean_r += returns[i] / n, mean_d += (returns[i] - values[i]) / n;
  double var_r = 0, var_d = 0;
  for (size_t i = 0; i < returns.size(); ++i) {
    var_r += (returns[i] - mean_r) * (returns[i] - mean_r);
    const double d = returns[i] - values[i] - mean_d;
    var_d += d * d;
  }
  return var_r == 0 ? NAN : 1.0 - var_d / var_r;
}

bool PpoRun::Update(double lr) {
  ComputeGae(rew_buf_, val_buf_, ended_buf_, last_values_, static_cast<int>(c_.n_steps), static_cast<int>(c_.n_envs),
             c_.gamma, c_.gae_lambda, adv_buf_, ret_buf_);
  const RolloutView rollout{c_.n_envs * c_.n_steps, obs_buf_.data(), act_buf_.data(), logp_buf_.data(),
                            val_buf_.data(), adv_buf_.data(), ret_buf_.data()};
  stats_ = update_.Run(rollout, policy_.params, lr, rng_);
  explained_variance_ = ExplainedVariance(ret_buf_, val_buf_);
  return stats_.finite;
}

void PpoRun::Evaluate(bool final_eval) {
  const int64_t episodes = final_eval ? c_.final_eval_episodes : c_.eval_episodes;
  const EvalResult r = EvaluatePolicy(policy_, c_, episodes, DeriveSeed(static_cast<uint64_t>(c_.seed), 0, "eval"), false);
  if (!final_eval && solved_step_ < 0 && r.mean_reward >= envs_.reward_threshold()) {
    solved_step_ = global_step_;
    solved_seconds_ = TrainingSeconds();
  }
  if (final_eval) {
    const double seconds = TrainingSeconds();
    auto or_null = [](auto value, bool known) { return known ? fmt::format("{}", value) : std::string("null"); };
    WriteFileAtomic(run_dir_ / "sweep_eval_results.yaml",
                    fmt::format("final_mean_reward: {}\nstd: {}\nsuccess_rate: {}\nmean_episode_length: {}\n"
                                "episodes: {}\ntraining_time: {}\ntotal_timesteps: {}\nsps: {}\n"
                                "time_to_solve: {}\nsteps_to_solve: {}\n"
                                "time_env_step: {}\ntime_policy_rollout: {}\ntime_update: {}\ntime_eval: {}\n",
                                r.mean_reward, r.std_reward, r.success_rate, r.mean_episode_length, r.episodes,
                                seconds, global_step_, static_cast<double>(global_step_) / std::max(seconds, 1e-9),
                                or_null(solved_seconds_, solved_step_ >= 0), or_null(solved_step_, solved_step_ >= 0),
                                env_seconds_, policy_seconds_, update_seconds_, eval_seconds_));
  }
  ShowEvaluation(r, final_eval);
}

void PpoRun::ShowEvaluation(const EvalResult& r, bool final_eval) {
  if (options_.eval_json) {  // the sweep controller's intermediate values
    fmt::print("{{\"event\":\"{}\",\"step\":{},\"mean_reward\":{},\"std\":{},\"success_rate\":{},\"episodes\":{},"
               "\"elapsed\":{:.3f}}}\n",
               final_eval ? "final_eval" : "eval", global_step_, r.mean_reward, r.std_reward, r.success_rate, r.episodes,
               TrainingSeconds());
    std::fflush(stdout);
  }
  if (!final_eval) {
    last_eval_ = r;
    best_eval_ = std::max(best_eval_, r.mean_reward);
  }
  if (options_.eval_json || (options_.live_progress && !final_eval)) return;  // the progress line shows it
  if (options_.live_progress) live_line_.Clear();
  fmt::print("{} at step {}: mean reward {} +/- {} over {} episodes, {}% landed{}\n", final_eval ? "final evaluation" : "evaluation",
             global_step_, ReadableNumber(r.mean_reward), ReadableNumber(r.std_reward), r.episodes,
             ReadableNumber(100 * r.success_rate), final_eval || !std::isfinite(best_eval_) ? "" : fmt::format(" (best {})", ReadableNumber(best_eval_)));
  std::fflush(stdout);
}

void PpoRun::SaveCheckpoint(const std::string& name) {
  CheckpointState state;
  state.params = policy_.params;
  state.adam_m = update_.optimizer().m();
  state.adam_v = update_.optimizer().v();
  state.adam_step = update_.optimizer().step();
  state.global_step = global_step_;
  state.updates = updates_;
  state.training_seconds = TrainingSeconds();
  state.solved_step = solved_step_;
  state.solved_seconds = solved_seconds_;
  SaveCheckpointFile(run_dir_ / "checkpoints" / name, state);
}

void PpoRun::Restore() {
  const std::filesystem::path path = LatestCheckpoint(run_dir_);
  CheckpointState state = LoadCheckpointFile(path);
  if (state.params.size() != policy_.params.size() || state.adam_m.size() != state.params.size() ||
      state.adam_v.size() != state.params.size()) {
    throw UserError(fmt::format("checkpoint {} does not match the network of this config", path.string()));
  }
  policy_.params = std::move(state.params);
  update_.optimizer().m() = std::move(state.adam_m);
  update_.optimizer().v() = std::move(state.adam_v);
  update_.optimizer().step() = state.adam_step;
  global_step_ = state.global_step;
  updates_ = state.updates;
  training_seconds_ = state.training_seconds;
  solved_step_ = state.solved_step;
  solved_seconds_ = state.solved_seconds;
  // Each resume gets fresh env and policy streams: continuing is reproducible, not identical
  // to an uninterrupted run (Box2D worlds are not checkpointed).
  rng_.seed(DeriveSeed(static_cast<uint64_t>(c_.seed), static_cast<uint64_t>(updates_), "policy-resume"));
  envs_ = envs::VectorEnv(c_.env_id, static_cast<int>(c_.n_envs),
                          DeriveSeed(static_cast<uint64_t>(c_.seed), static_cast<uint64_t>(updates_), "train-env-resume"),
                          EnvOptionsOf(c_));
  fmt::print(stderr, "resumed from {} at step {}\n", path.string(), global_step_);
}

void PpoRun::WriteProgressRow(double lr, double sps) {
  double mean_return = NAN;
  if (!recent_returns_.empty()) {
    mean_return = std::accumulate(recent_returns_.begin(), recent_returns_.end(), 0.0) / static_cast<double>(recent_returns_.size());
  }
  progress_ << fmt::format("{},{},{},{},{},{},{},{},{},{},{}\n", global_step_, updates_, mean_return, stats_.policy_loss,
                           stats_.value_loss, stats_.entropy, stats_.approx_kl, stats_.clip_fraction,
                           explained_variance_, sps, lr);
  progress_.flush();
}

void PpoRun::ShowProgress(double sps, bool last) {
  const double mean_return = recent_returns_.empty()
                                 ? NAN
                                 : std::accumulate(recent_returns_.begin(), recent_returns_.end(), 0.0) /
                                       static_cast<double>(recent_returns_.size());
  const int64_t total = TotalSteps();
  const double eta = static_cast<double>(total - global_step_) / std::max(sps, 1.0);
  if (options_.live_progress) {
    const int width = 30;
    const int filled = std::clamp(static_cast<int>(width * static_cast<double>(global_step_) / static_cast<double>(total)), 0, width);
    // Most telling first: a narrow terminal cuts the end of the line.
    std::string line = fmt::format("[{}{}] {}/{} steps | return {:.1f}", std::string(static_cast<size_t>(filled), '#'),
                                   std::string(static_cast<size_t>(width - filled), '.'), global_step_, total, mean_return);
    if (last_eval_) line += fmt::format(" | eval {} (best {})", ReadableNumber(last_eval_->mean_reward), ReadableNumber(best_eval_));
    live_line_.Set(line + fmt::format(" | {:.0f} sps | eta {}", sps, Eta(eta)));
    if (last) live_line_.Keep();  // the finished bar stays
  } else {
    fmt::print(stderr, "step {}/{} | {:.0f} sps | return {:.1f} | eta {}\n", global_step_, total, sps, mean_return,
               Eta(eta));
  }
}

int PpoRun::Run() {
  std::filesystem::create_directories(run_dir_ / "checkpoints");
  const bool new_progress = !std::filesystem::exists(run_dir_ / "progress.csv");
  progress_.open(run_dir_ / "progress.csv", std::ios::app);
  if (new_progress) {
    progress_ << "step,update,episodic_return_mean,policy_loss,value_loss,entropy,approx_kl,clip_fraction,"
                 "explained_variance,sps,learning_rate\n";
  }
  envs_.Reset(next_obs_);
  start_step_ = global_step_;
  started_ = Clock::now();
  next_eval_step_ = c_.eval_interval > 0 ? (global_step_ / c_.eval_interval + 1) * c_.eval_interval : INT64_MAX;
  next_checkpoint_step_ = c_.checkpoint_interval > 0 ? (global_step_ / c_.checkpoint_interval + 1) * c_.checkpoint_interval : INT64_MAX;

  const int64_t rollout = c_.n_envs * c_.n_steps;
  const int64_t total_updates = TotalSteps() / rollout;
  if (global_step_ == 0) {
    fmt::print(stderr, "hpo train: {} steps ({} updates of {} envs x {} steps{})\n", TotalSteps(), total_updates,
               c_.n_envs, c_.n_steps,
               TotalSteps() == c_.total_timesteps ? "" : fmt::format("; total_timesteps {} rounded up to whole rollouts", c_.total_timesteps));
  }
  while (updates_ < total_updates) {
    const double lr = c_.anneal_lr ? c_.learning_rate * (1.0 - static_cast<double>(updates_) / static_cast<double>(total_updates))
                                   : c_.learning_rate;
    CollectRollout();
    if (StopSignalScope::Received()) break;  // a partial rollout is not trained on
    const Clock::time_point update_start = Clock::now();
    const bool finite = Update(lr);
    update_seconds_ += SecondsSince(update_start);
    if (!finite) {
      fmt::print(stderr, "hpo train: non-finite loss or parameters at step {} (update {}); stopping. "
                 "Lower learning_rate or max_grad_norm.\n", global_step_, updates_ + 1);
      WriteProgressRow(lr, 0);
      return kExitNonFinite;
    }
    ++updates_;
    const double sps = static_cast<double>(global_step_ - start_step_) / std::max(SecondsSince(started_), 1e-9);
    WriteProgressRow(lr, sps);
    ShowProgress(sps, updates_ == total_updates);
    if (global_step_ >= next_eval_step_) {
      const Clock::time_point eval_start = Clock::now();
      Evaluate(false);
      eval_seconds_ += SecondsSince(eval_start);
      next_eval_step_ = (global_step_ / c_.eval_interval + 1) * c_.eval_interval;
    }
    if (global_step_ >= next_checkpoint_step_) {
      SaveCheckpoint(fmt::format("step_{:010d}.pt", global_step_));
      next_checkpoint_step_ = (global_step_ / c_.checkpoint_interval + 1) * c_.checkpoint_interval;
    }
  }
  if (StopSignalScope::Received()) {
    SaveCheckpoint(fmt::format("step_{:010d}.pt", global_step_));
    fmt::print(stderr, "\nhpo train: stopped by {} at step {}; checkpoint saved\n",
               sigabbrev_np(StopSignalScope::Received()), global_step_);
    return kExitInterrupted;
  }
  SaveCheckpoint("final.pt");
  Evaluate(true);
  return kExitOk;
}

}  // namespace

int Train(const config::TrainerConfig& config, const TrainOptions& options) {
  torch::set_num_threads(static_cast<int>(config.threads));
  SetBlasThreads(static_cast<int>(config.threads));
  torch::manual_seed(static_cast<uint64_t>(config.seed));  // weight initialisation only
  StopSignalScope stop_signals;
  PpoRun run(config, options);
  return run.Run();
}

}  // namespace hpo::trainer
