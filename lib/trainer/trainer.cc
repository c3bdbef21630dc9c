// PPO, top to bottom in execution order (after CleanRL's ppo.py): seeding, rollout with
// bootstrapped truncations, GAE, minibatch epochs, logging, periodic evaluation, checkpoints.
#include "lib/trainer/trainer.h"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <deque>
#include <fstream>
#include <numeric>
#include <numbers>

#include "envs/vector_env.h"
#include "lib/core/atomic_file.h"
#include "lib/core/error.h"
#include "lib/core/random.h"
#include "lib/trainer/actor_critic.h"
#include "lib/trainer/gae.h"
#include "lib/trainer/policy_io.h"

namespace hpo::trainer {
namespace {

volatile std::sig_atomic_t g_stop_signal = 0;
void OnStop(int signal) { g_stop_signal = signal; }

using Clock = std::chrono::steady_clock;
double SecondsSince(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Adam over one flat buffer of all parameters, with their gradients as views into one flat
// gradient buffer: a handful of tensor ops per step instead of ~10 per parameter tensor.
class FlatAdam {
 public:
  FlatAdam(FlatParameters& params, double eps) : p_(params), eps_(eps) {
    m_ = torch::zeros_like(p_.values);
    v_ = torch::zeros_like(p_.values);
  }

  /// Clips the global gradient norm to `max_norm` and applies one Adam step with `lr`.
  void Step(double lr, double max_norm) {
    torch::NoGradGuard no_grad;
    const double norm = p_.grads.norm().item<double>();
    if (norm > max_norm) p_.grads.mul_(max_norm / (norm + 1e-6));
    ++step_;
    const double bias1 = 1.0 - std::pow(kBeta1, static_cast<double>(step_));
    const double bias2 = 1.0 - std::pow(kBeta2, static_cast<double>(step_));
    m_.mul_(kBeta1).add_(p_.grads, 1.0 - kBeta1);
    v_.mul_(kBeta2).addcmul_(p_.grads, p_.grads, 1.0 - kBeta2);
    const torch::Tensor denom = (v_.sqrt() / std::sqrt(bias2)).add_(eps_);
    p_.values.addcdiv_(m_, denom, -lr / bias1);
  }

  torch::Tensor& m() { return m_; }
  torch::Tensor& v() { return v_; }
  int64_t& step() { return step_; }

 private:
  static constexpr double kBeta1 = 0.9, kBeta2 = 0.999;
  FlatParameters& p_;
  double eps_;
  torch::Tensor m_, v_;
  int64_t step_ = 0;
};

envs::EnvOptions EnvOptionsOf(const config::TrainerConfig& c) {
  envs::EnvOptions o;
  o.gravity = c.gravity;
  o.enable_wind = c.enable_wind;
  o.wind_power = c.wind_power;
  o.turbulence_power = c.turbulence_power;
  return o;
}

// Samples actions from the policy output with our own RNG (reproducible, and no torch
// generator state to checkpoint) and returns their log-probabilities.
void SampleActions(ActorCritic& model, const ActorCriticImpl::Output& out, Rng& rng, float* actions,
                   float* log_probs) {
  const int64_t batch = out.policy.size(0);
  const int64_t n = out.policy.size(1);
  if (model->discrete()) {
    const torch::Tensor lp = torch::log_softmax(out.policy, -1).contiguous();
    const float* l = lp.data_ptr<float>();
    for (int64_t b = 0; b < batch; ++b) {
      double u = UniformUnit(rng), cumulative = 0.0;
      int64_t a = n - 1;
      for (int64_t k = 0; k < n; ++k) {
        cumulative += std::exp(l[b * n + k]);
        if (u < cumulative) {
          a = k;
          break;
        }
      }
      actions[b] = static_cast<float>(a);
      log_probs[b] = l[b * n + a];
    }
    return;
  }
  const torch::Tensor mean = out.policy.contiguous();
  const torch::Tensor log_std = model->log_std().contiguous();
  const float* mu = mean.data_ptr<float>();
  const float* ls = log_std.data_ptr<float>();
  static const double kHalfLog2Pi = 0.5 * std::log(2.0 * std::numbers::pi);
  for (int64_t b = 0; b < batch; ++b) {
    double lp = 0.0;
    for (int64_t k = 0; k < n; ++k) {
      const double z = StandardNormal(rng);
      actions[b * n + k] = static_cast<float>(mu[b * n + k] + std::exp(ls[k]) * z);
      lp += -0.5 * z * z - ls[k] - kHalfLog2Pi;
    }
    log_probs[b] = static_cast<float>(lp);
  }
}

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
        model_(MakeModel(config, envs_.observation_size(), envs_.action_space())),
        params_(Flatten(*model_)),
        adam_(params_, 1e-5) {
    obs_size_ = envs_.observation_size();
    action_width_ = envs_.action_space().width();
    const int64_t n = c_.n_envs * c_.n_steps;
    obs_buf_.resize(static_cast<size_t>(n * obs_size_));
    act_buf_.resize(static_cast<size_t>(n * action_width_));
    logp_buf_.resize(static_cast<size_t>(n));
    val_buf_.resize(static_cast<size_t>(n));
    rew_buf_.resize(static_cast<size_t>(n));
    ended_buf_.resize(static_cast<size_t>(n));
    adv_buf_.resize(static_cast<size_t>(n));
    ret_buf_.resize(static_cast<size_t>(n));
    next_obs_.resize(static_cast<size_t>(c_.n_envs * obs_size_));
    if (options.resume) Restore();
  }

  int Run();

 private:
  void CollectRollout();
  bool Update(double lr);  // false on non-finite losses
  void Evaluate(bool final_eval);
  void SaveCheckpoint(const std::string& name);
  void Restore();
  void WriteProgressRow(double lr, double sps);
  void ShowProgress(double sps, bool last);

  const config::TrainerConfig& c_;
  std::filesystem::path run_dir_;
  envs::VectorEnv envs_;
  Rng rng_;
  ActorCritic model_;
  FlatParameters params_;
  FlatAdam adam_;
  int obs_size_ = 0, action_width_ = 0;

  // rollout storage, [step][env]
  std::vector<float> obs_buf_, act_buf_, logp_buf_, val_buf_, rew_buf_, ended_buf_, adv_buf_, ret_buf_;
  std::vector<float> next_obs_;
  std::vector<float> last_values_;

  int64_t global_step_ = 0;
  int64_t updates_ = 0;
  int64_t next_eval_step_ = 0;
  int64_t next_checkpoint_step_ = 0;
  std::deque<double> recent_returns_;  // last 100 training episodes (SB3's ep_info_buffer)
  double training_seconds_ = 0.0;      // accumulated over resumes
  Clock::time_point started_ = Clock::now();
  int64_t start_step_ = 0;

  // where the time goes (this process's run only): env stepping, policy forward + sampling in
  // rollouts, the PPO update, evaluations
  double env_seconds_ = 0, policy_seconds_ = 0, update_seconds_ = 0, eval_seconds_ = 0;

  // last update's diagnostics for progress.csv
  double policy_loss_ = 0, value_loss_ = 0, entropy_ = 0, approx_kl_ = 0, clip_fraction_ = 0, explained_variance_ = 0;
  std::ofstream progress_;
  bool tty_ = ::isatty(STDERR_FILENO) == 1;
};

void PpoRun::CollectRollout() {
  torch::InferenceMode inference;
  const int64_t n_envs = c_.n_envs;
  std::vector<float> rewards(static_cast<size_t>(n_envs));
  std::vector<uint8_t> terminated(static_cast<size_t>(n_envs)), truncated(static_cast<size_t>(n_envs));
  for (int64_t t = 0; t < c_.n_steps && !g_stop_signal; ++t) {
    const size_t row = static_cast<size_t>(t * n_envs);
    float* obs_t = obs_buf_.data() + row * static_cast<size_t>(obs_size_);
    std::copy(next_obs_.begin(), next_obs_.end(), obs_t);
    const Clock::time_point policy_start = Clock::now();
    const torch::Tensor obs = torch::from_blob(obs_t, {n_envs, obs_size_});
    const ActorCriticImpl::Output out = model_->forward(obs);
    std::copy_n(out.value.data_ptr<float>(), n_envs, val_buf_.data() + row);
    float* act_t = act_buf_.data() + row * static_cast<size_t>(action_width_);
    SampleActions(model_, out, rng_, act_t, logp_buf_.data() + row);

    const Clock::time_point env_start = Clock::now();
    policy_seconds_ += std::chrono::duration<double>(env_start - policy_start).count();
    envs_.Step(std::span<const float>(act_t, static_cast<size_t>(n_envs * action_width_)), next_obs_, rewards,
               terminated, truncated);
    env_seconds_ += SecondsSince(env_start);
    for (int64_t e = 0; e < n_envs; ++e) {
      const size_t i = row + static_cast<size_t>(e);
      rew_buf_[i] = rewards[static_cast<size_t>(e)];
      ended_buf_[i] = terminated[static_cast<size_t>(e)] || truncated[static_cast<size_t>(e)] ? 1.0f : 0.0f;
      // A time-limit end is not a terminal state: bootstrap from the value of where it stopped.
      if (truncated[static_cast<size_t>(e)] && !terminated[static_cast<size_t>(e)]) {
        const float* final_obs = envs_.final_observations().data() + e * obs_size_;
        const torch::Tensor v = model_->Value(torch::from_blob(const_cast<float*>(final_obs), {1, obs_size_}));
        rew_buf_[i] += static_cast<float>(c_.gamma) * v.item<float>();
      }
    }
    for (const envs::EpisodeStats& episode : envs_.finished_episodes()) {
      recent_returns_.push_back(episode.episode_return);
      if (recent_returns_.size() > 100) recent_returns_.pop_front();
    }
    envs_.ClearFinishedEpisodes();
    global_step_ += n_envs;
  }
  const torch::Tensor last = model_->Value(torch::from_blob(next_obs_.data(), {n_envs, obs_size_}));
  last_values_.assign(last.data_ptr<float>(), last.data_ptr<float>() + n_envs);
}

bool PpoRun::Update(double lr) {
  const int64_t n = c_.n_envs * c_.n_steps;
  ComputeGae(rew_buf_, val_buf_, ended_buf_, last_values_, static_cast<int>(c_.n_steps), static_cast<int>(c_.n_envs),
             c_.gamma, c_.gae_lambda, adv_buf_, ret_buf_);

  // The whole rollout as tensors over our buffers (no copies).
  const torch::Tensor obs = torch::from_blob(obs_buf_.data(), {n, obs_size_});
  const torch::Tensor actions = model_->discrete()
                                    ? torch::from_blob(act_buf_.data(), {n}).to(torch::kLong)
                                    : torch::from_blob(act_buf_.data(), {n, action_width_});
  const torch::Tensor old_log_prob = torch::from_blob(logp_buf_.data(), {n});
  const torch::Tensor old_values = torch::from_blob(val_buf_.data(), {n});
  const torch::Tensor advantages = torch::from_blob(adv_buf_.data(), {n});
  const torch::Tensor returns = torch::from_blob(ret_buf_.data(), {n});

  std::vector<int64_t> order(static_cast<size_t>(n));
  double pg_sum = 0, v_sum = 0, ent_sum = 0, kl_sum = 0, clip_sum = 0;
  int minibatches = 0;
  bool stop_epochs = false;
  for (int64_t epoch = 0; epoch < c_.n_epochs && !stop_epochs; ++epoch) {
    std::iota(order.begin(), order.end(), 0);
    for (int64_t i = n - 1; i > 0; --i) std::swap(order[static_cast<size_t>(i)], order[static_cast<size_t>(UniformInt(rng_, 0, i + 1))]);
    const torch::Tensor permutation = torch::from_blob(order.data(), {n}, torch::kLong);
    for (int64_t start = 0; start < n; start += c_.batch_size) {
      const torch::Tensor idx = permutation.slice(0, start, std::min(start + c_.batch_size, n));
      torch::Tensor mb_adv = advantages.index_select(0, idx);
      if (c_.normalize_advantage && idx.size(0) > 1) mb_adv = (mb_adv - mb_adv.mean()) / (mb_adv.std() + 1e-8);
      const ActorCriticImpl::Output out = model_->forward(obs.index_select(0, idx));
      const auto [log_prob, entropy] = model_->LogProbAndEntropy(out, actions.index_select(0, idx));
      const PpoLoss loss = ComputePpoLoss(log_prob, old_log_prob.index_select(0, idx), mb_adv, out.value,
                                          old_values.index_select(0, idx), returns.index_select(0, idx), entropy,
                                          c_.clip_range, c_.clip_range_vf, c_.ent_coef, c_.vf_coef);
      const double total = loss.total.item<double>();
      if (!std::isfinite(total)) return false;
      const double kl = loss.approx_kl.item<double>();
      // SB3: stop this update's epochs before stepping once the policy moved too far.
      if (c_.target_kl > 0 && kl > 1.5 * c_.target_kl) {
        stop_epochs = true;
        break;
      }
      params_.grads.zero_();
      loss.total.backward();
      adam_.Step(lr, c_.max_grad_norm);
      pg_sum += loss.policy_loss.item<double>();
      v_sum += loss.value_loss.item<double>();
      ent_sum += loss.entropy.item<double>();
      kl_sum += kl;
      clip_sum += loss.clip_fraction.item<double>();
      ++minibatches;
    }
  }
  const double m = std::max(minibatches, 1);
  policy_loss_ = pg_sum / m, value_loss_ = v_sum / m, entropy_ = ent_sum / m, approx_kl_ = kl_sum / m,
  clip_fraction_ = clip_sum / m;
  const torch::Tensor var_returns = returns.var();
  explained_variance_ = var_returns.item<double>() == 0 ? NAN : 1.0 - ((returns - old_values).var() / var_returns).item<double>();
  return std::isfinite(params_.values.sum().item<double>());
}

void PpoRun::Evaluate(bool final_eval) {
  const int64_t episodes = final_eval ? c_.final_eval_episodes : c_.eval_episodes;
  const EvalResult r = EvaluatePolicy(model_, c_, episodes, DeriveSeed(static_cast<uint64_t>(c_.seed), 0, "eval"), false);
  if (final_eval) {
    const double seconds = training_seconds_ + SecondsSince(started_);
    WriteFileAtomic(run_dir_ / "sweep_eval_results.yaml",
                    fmt::format("final_mean_reward: {}\nstd: {}\nsuccess_rate: {}\nmean_episode_length: {}\n"
                                "episodes: {}\ntraining_time: {}\ntotal_timesteps: {}\nsps: {}\n"
                                "time_env_step: {}\ntime_policy_rollout: {}\ntime_update: {}\ntime_eval: {}\n",
                                r.mean_reward, r.std_reward, r.success_rate, r.mean_episode_length, r.episodes,
                                seconds, global_step_, static_cast<double>(global_step_) / std::max(seconds, 1e-9),
                                env_seconds_, policy_seconds_, update_seconds_, eval_seconds_));
  }
  // One JSON line per evaluation on stdout: the sweep controller's intermediate values.
  fmt::print("{{\"event\":\"{}\",\"step\":{},\"mean_reward\":{},\"std\":{},\"success_rate\":{},\"episodes\":{},"
             "\"elapsed\":{:.3f}}}\n",
             final_eval ? "final_eval" : "eval", global_step_, r.mean_reward, r.std_reward, r.success_rate, r.episodes,
             training_seconds_ + SecondsSince(started_));
  std::fflush(stdout);
}

void PpoRun::SaveCheckpoint(const std::string& name) {
  CheckpointState state;
  state.params = params_.values;
  state.adam_m = adam_.m();
  state.adam_v = adam_.v();
  state.adam_step = adam_.step();
  state.global_step = global_step_;
  state.updates = updates_;
  state.training_seconds = training_seconds_ + SecondsSince(started_);
  SaveCheckpointFile(run_dir_ / "checkpoints" / name, state);
}

void PpoRun::Restore() {
  const std::filesystem::path path = LatestCheckpoint(run_dir_);
  CheckpointState state = LoadCheckpointFile(path);
  if (state.params.numel() != params_.values.numel()) {
    throw UserError(fmt::format("checkpoint {} does not match the network of this config", path.string()));
  }
  torch::NoGradGuard no_grad;
  params_.values.copy_(state.params);
  adam_.m().copy_(state.adam_m);
  adam_.v().copy_(state.adam_v);
  adam_.step() = state.adam_step;
  global_step_ = state.global_step;
  updates_ = state.updates;
  training_seconds_ = state.training_seconds;
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
  progress_ << fmt::format("{},{},{},{},{},{},{},{},{},{},{}\n", global_step_, updates_, mean_return, policy_loss_,
                           value_loss_, entropy_, approx_kl_, clip_fraction_, explained_variance_, sps, lr);
  progress_.flush();
}

void PpoRun::ShowProgress(double sps, bool last) {
  const double mean_return = recent_returns_.empty()
                                 ? NAN
                                 : std::accumulate(recent_returns_.begin(), recent_returns_.end(), 0.0) /
                                       static_cast<double>(recent_returns_.size());
  const double eta = static_cast<double>(c_.total_timesteps - global_step_) / std::max(sps, 1.0);
  if (tty_) {
    const int width = 30;
    const int filled = static_cast<int>(width * static_cast<double>(global_step_) / static_cast<double>(c_.total_timesteps));
    fmt::print(stderr, "\r[{}{}] {}/{} steps | {:.0f} sps | return {:.1f} | eta {}   {}",
               std::string(static_cast<size_t>(std::clamp(filled, 0, width)), '#'),
               std::string(static_cast<size_t>(width - std::clamp(filled, 0, width)), '.'), global_step_,
               c_.total_timesteps, sps, mean_return, Eta(eta), last ? "\n" : "");
  } else {
    fmt::print(stderr, "step {}/{} | {:.0f} sps | return {:.1f} | eta {}\n", global_step_, c_.total_timesteps, sps,
               mean_return, Eta(eta));
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
  const int64_t total_updates = (c_.total_timesteps + rollout - 1) / rollout;
  while (updates_ < total_updates) {
    const double lr = c_.anneal_lr ? c_.learning_rate * (1.0 - static_cast<double>(updates_) / static_cast<double>(total_updates))
                                   : c_.learning_rate;
    CollectRollout();
    if (g_stop_signal) break;  // a partial rollout is not trained on
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
  if (g_stop_signal) {
    SaveCheckpoint(fmt::format("step_{:010d}.pt", global_step_));
    fmt::print(stderr, "\nhpo train: stopped by {} at step {}; checkpoint saved\n", sigabbrev_np(g_stop_signal),
               global_step_);
    return kExitInterrupted;
  }
  SaveCheckpoint("final.pt");
  Evaluate(true);
  return kExitOk;
}

}  // namespace

int Train(const config::TrainerConfig& config, const TrainOptions& options) {
  torch::set_num_threads(static_cast<int>(config.threads));
  torch::manual_seed(static_cast<uint64_t>(config.seed));  // weight initialisation only
  g_stop_signal = 0;
  struct sigaction action {};
  action.sa_handler = OnStop;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  PpoRun run(config, options);
  return run.Run();
}

}  // namespace hpo::trainer
