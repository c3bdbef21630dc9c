// SAC, top to bottom in execution order (SB3's off_policy_algorithm.py and sac.py): act
// (uniformly at random until learning_starts), store the transition, and every train_freq steps
// take gradient_steps steps: entropy coefficient, critics, actor, Polyak targets.
#include "lib/trainer/sac_run.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "envs/vector_env.h"
#include "lib/core/error.h"
#include "lib/core/random.h"
#include "lib/core/stop_signal.h"
#include "lib/trainer/evaluation.h"
#include "lib/trainer/flat_optimizer.h"
#include "lib/trainer/model.h"
#include "lib/trainer/run_log.h"
#include "lib/trainer/sac_model.h"

namespace hpo::trainer {
namespace {

/// Transitions in a ring of `capacity`; actions as the actor gives them, in [-1, 1].
class ReplayBuffer {
 public:
  ReplayBuffer(int64_t capacity, int observation_size, int action_dim)
      : capacity_(capacity), obs_size_(observation_size), action_dim_(action_dim) {}

  void Add(const float* observation, const float* action, float reward,
           const float* next_observation, bool terminated) {
    if (size_ < capacity_) {  // grows as it fills: a 1M capacity costs nothing until it is used
      observations_.resize(observations_.size() + static_cast<size_t>(obs_size_));
      next_observations_.resize(observations_.size());
      actions_.resize(actions_.size() + static_cast<size_t>(action_dim_));
      rewards_.push_back(0), terminated_.push_back(0);
      ++size_;
    }
    const auto i = static_cast<size_t>(next_);
    std::copy_n(observation, obs_size_, observations_.data() + i * static_cast<size_t>(obs_size_));
    std::copy_n(next_observation, obs_size_,
                next_observations_.data() + i * static_cast<size_t>(obs_size_));
    std::copy_n(action, action_dim_, actions_.data() + i * static_cast<size_t>(action_dim_));
    rewards_[i] = reward;
    terminated_[i] = terminated ? 1.0f : 0.0f;
    next_ = (next_ + 1) % capacity_;
  }

  int64_t size() const { return size_; }

  /// `batch` transitions drawn uniformly (with replacement, as SB3) into tensors.
  struct Batch {
    torch::Tensor observations, actions, rewards, next_observations, terminated;
  };
  Batch Sample(int64_t batch, Rng& rng) const {
    Batch b{torch::empty({batch, obs_size_}), torch::empty({batch, action_dim_}),
            torch::empty({batch}), torch::empty({batch, obs_size_}), torch::empty({batch})};
    float *obs = b.observations.data_ptr<float>(), *act = b.actions.data_ptr<float>();
    float *rew = b.rewards.data_ptr<float>(), *next = b.next_observations.data_ptr<float>();
    float* done = b.terminated.data_ptr<float>();
    for (int64_t k = 0; k < batch; ++k) {
      const auto i = static_cast<size_t>(UniformInt(rng, 0, size_));
      std::copy_n(observations_.data() + i * static_cast<size_t>(obs_size_), obs_size_,
                  obs + k * obs_size_);
      std::copy_n(next_observations_.data() + i * static_cast<size_t>(obs_size_), obs_size_,
                  next + k * obs_size_);
      std::copy_n(actions_.data() + i * static_cast<size_t>(action_dim_), action_dim_,
                  act + k * action_dim_);
      rew[k] = rewards_[i];
      done[k] = terminated_[i];
    }
    return b;
  }

 private:
  int64_t capacity_;
  int obs_size_, action_dim_;
  int64_t size_ = 0, next_ = 0;
  std::vector<float> observations_, next_observations_, actions_, rewards_, terminated_;
};

/// One network's parameters in the flat buffer [offset, offset + size).
struct FlatRegion {
  int64_t offset = 0, size = 0;
};

/// The diagnostics of the last gradient step (progress.csv).
struct SacStats {
  double actor_loss = 0, critic_loss = 0, ent_coef = 0, ent_coef_loss = 0;
};

class SacRun {
 public:
  SacRun(const config::TrainerConfig& config, const TrainOptions& options);
  int Run();

 private:
  void Act(bool at_random);
  void StoreTransitions(const std::vector<float>& rewards, const std::vector<uint8_t>& terminated);
  bool Learn(double lr);  // false on a non-finite loss
  void Evaluate(bool final_eval);
  void SaveCheckpoint(const std::string& name);
  void Restore();
  void WriteProgressRow(double lr);
  int64_t TotalSteps() const {
    return (c_.total_timesteps + c_.n_envs - 1) / c_.n_envs * c_.n_envs;
  }

  std::span<float> Values(const FlatRegion& region) {
    return {flat_.values.data_ptr<float>() + region.offset, static_cast<size_t>(region.size)};
  }
  std::span<float> Grads(const FlatRegion& region) {
    return {flat_.grads.data_ptr<float>() + region.offset, static_cast<size_t>(region.size)};
  }
  std::span<float> AllValues() { return Values({0, flat_.values.numel()}); }

  const config::TrainerConfig& c_;
  std::filesystem::path run_dir_;
  envs::VectorEnv envs_;
  envs::ActionSpace space_;
  int obs_size_;
  Rng rng_;
  SacModel model_;
  FlatParameters flat_;
  FlatRegion actor_, critic_, critic_target_, log_ent_coef_;
  FlatOptimizer actor_optimizer_, critic_optimizer_, ent_coef_optimizer_;
  ReplayBuffer buffer_;
  RunLog log_;
  double target_entropy_;

  std::vector<float> obs_, next_obs_, unit_actions_, env_actions_;
  std::vector<uint8_t>
      ended_scratch_;  // StoreTransitions' per-step flags, kept to not allocate every step
  int64_t global_step_ = 0, updates_ = 0;
  SacStats stats_;
};

EvalResult EvaluateActor(const config::TrainerConfig& config, SacActorImpl& actor, int64_t episodes,
                         uint64_t seed, bool stochastic) {
  const auto env = envs::MakeEnv(config.env_id, EnvOptionsOf(config));
  const envs::ActionSpace space = env->action_space();
  const int obs_size = env->observation_size();
  return EvaluateActions(
      config, episodes, seed, [&](const float* observations, int64_t batch, float* actions) {
        torch::NoGradGuard no_grad;
        const torch::Tensor obs =
            torch::from_blob(const_cast<float*>(observations), {batch, obs_size});
        const torch::Tensor unit =
            (stochastic ? actor.Sample(obs).first : actor.Mode(obs)).contiguous();
        ScaleToEnv(space, unit.data_ptr<float>(), batch * space.n, actions);
      });
}

/// Where `params` (one network's, in order) sit in the flat buffer. Read off the tensors, not
/// assumed from the order they were registered in: torch lists a module's own parameters
/// (log_ent_coef) before its children's.
FlatRegion RegionOf(const FlatParameters& flat, const std::vector<torch::Tensor>& params) {
  const float* base = flat.values.data_ptr<float>();
  FlatRegion region{params.front().data_ptr<float>() - base, 0};
  for (const torch::Tensor& p : params) {
    if (p.data_ptr<float>() != base + region.offset + region.size) {
      throw std::logic_error("SAC: a network's parameters are not contiguous in the flat buffer");
    }
    region.size += p.numel();
  }
  return region;
}

SacRun::SacRun(const config::TrainerConfig& config, const TrainOptions& options)
    : c_(config),
      run_dir_(options.run_dir),
      envs_(config.env_id, static_cast<int>(config.n_envs),
            DeriveSeed(static_cast<uint64_t>(config.seed), 0, "train-env"), EnvOptionsOf(config)),
      space_(envs_.action_space()),
      obs_size_(envs_.observation_size()),
      rng_(DeriveSeed(static_cast<uint64_t>(config.seed), 0, "policy")),
      model_(obs_size_, space_, config),
      flat_(Flatten(*model_)),
      actor_(RegionOf(flat_, model_->actor->parameters())),
      critic_(RegionOf(flat_, model_->critic->parameters())),
      critic_target_(RegionOf(flat_, model_->critic_target->parameters())),
      log_ent_coef_(RegionOf(flat_, {model_->log_ent_coef})),
      actor_optimizer_(
          FlatOptimizer::Adam(actor_.size, config.adam_beta1, config.adam_beta2, config.adam_eps)),
      critic_optimizer_(
          FlatOptimizer::Adam(critic_.size, config.adam_beta1, config.adam_beta2, config.adam_eps)),
      ent_coef_optimizer_(FlatOptimizer::Adam(log_ent_coef_.size, config.adam_beta1,
                                              config.adam_beta2, config.adam_eps)),
      buffer_(config.buffer_size, obs_size_, space_.n),
      log_(config, options, envs_.reward_threshold()),
      target_entropy_(-static_cast<double>(space_.n)) {  // SB3's "auto": -dim(actions)
  for (torch::Tensor& p : model_->critic_target->parameters()) p.set_requires_grad(false);
  const auto n = static_cast<size_t>(c_.n_envs);
  obs_.resize(n * static_cast<size_t>(obs_size_)), next_obs_.resize(obs_.size());
  unit_actions_.resize(n * static_cast<size_t>(space_.n)),
      env_actions_.resize(unit_actions_.size());
  if (options.resume) Restore();
}

void SacRun::Act(bool at_random) {
  if (at_random) {
    for (float& a : unit_actions_) a = static_cast<float>(Uniform(rng_, -1.0, 1.0));
  } else {
    torch::NoGradGuard no_grad;
    const torch::Tensor obs = torch::from_blob(obs_.data(), {c_.n_envs, obs_size_});
    const torch::Tensor actions = model_->actor->Sample(obs).first.contiguous();
    std::copy_n(actions.data_ptr<float>(), unit_actions_.size(), unit_actions_.begin());
  }
  ScaleToEnv(space_, unit_actions_.data(), static_cast<int64_t>(unit_actions_.size()),
             env_actions_.data());
}

// The next observation of an episode that ended is its last one, not the reset's first; only a
// terminal state cuts the bootstrap (a time limit does not).
void SacRun::StoreTransitions(const std::vector<float>& rewards,
                              const std::vector<uint8_t>& terminated) {
  std::vector<uint8_t>& ended = ended_scratch_;
  ended.assign(static_cast<size_t>(c_.n_envs), 0);
  for (const envs::EpisodeStats& episode : envs_.finished_episodes()) {
    ended[static_cast<size_t>(episode.env_index)] = 1;
    log_.AddEpisodeReturn(episode.episode_return);
  }
  envs_.ClearFinishedEpisodes();
  for (int64_t e = 0; e < c_.n_envs; ++e) {
    const auto i = static_cast<size_t>(e);
    const float* next =
        (ended[i] ? envs_.final_observations().data() : next_obs_.data()) + e * obs_size_;
    buffer_.Add(obs_.data() + e * obs_size_, unit_actions_.data() + e * space_.n, rewards[i], next,
                terminated[i] != 0);
  }
}

bool SacRun::Learn(double lr) {
  const ReplayBuffer::Batch b = buffer_.Sample(c_.batch_size, rng_);
  auto [pi_actions, log_prob] = model_->actor->Sample(b.observations);

  torch::Tensor ent_coef = torch::full({1}, c_.ent_coef);
  if (c_.ent_coef_auto) {
    ent_coef = model_->log_ent_coef.detach().exp();
    const torch::Tensor ent_coef_loss =
        -(model_->log_ent_coef * (log_prob.detach() + target_entropy_)).mean();
    std::ranges::fill(Grads(log_ent_coef_), 0.0f);
    ent_coef_loss.backward();
    ent_coef_optimizer_.Step(Values(log_ent_coef_), Grads(log_ent_coef_), lr, 0);
    stats_.ent_coef_loss = ent_coef_loss.item<double>();
  }
  stats_.ent_coef = ent_coef.item<double>();

  torch::Tensor target_q;
  {
    torch::NoGradGuard no_grad;
    auto [next_actions, next_log_prob] = model_->actor->Sample(b.next_observations);
    auto [q1, q2] = model_->critic_target->forward(b.next_observations, next_actions);
    const torch::Tensor next_q = torch::min(q1, q2) - ent_coef * next_log_prob;
    target_q = b.rewards + (1 - b.terminated) * c_.gamma * next_q;
  }
  auto [q1, q2] = model_->critic->forward(b.observations, b.actions);
  const torch::Tensor critic_loss =
      0.5 * (torch::mse_loss(q1, target_q) + torch::mse_loss(q2, target_q));
  std::ranges::fill(Grads(critic_), 0.0f);
  critic_loss.backward();
  critic_optimizer_.Step(Values(critic_), Grads(critic_), lr, 0);

  // The actor against the critics just updated (SB3's order); the critics' gradients this adds
  // are cleared before their next step.
  auto [q1_pi, q2_pi] = model_->critic->forward(b.observations, pi_actions);
  const torch::Tensor actor_loss = (ent_coef * log_prob - torch::min(q1_pi, q2_pi)).mean();
  std::ranges::fill(Grads(actor_), 0.0f);
  actor_loss.backward();
  actor_optimizer_.Step(Values(actor_), Grads(actor_), lr, 0);

  // target = (1 - tau) target + tau critic
  const std::span<float> critic = Values(critic_), target = Values(critic_target_);
  const auto tau = static_cast<float>(c_.tau);
  for (size_t i = 0; i < critic.size(); ++i) target[i] = (1.0f - tau) * target[i] + tau * critic[i];

  stats_.actor_loss = actor_loss.item<double>();
  stats_.critic_loss = critic_loss.item<double>();
  ++updates_;
  return std::isfinite(stats_.actor_loss) && std::isfinite(stats_.critic_loss) &&
         std::isfinite(stats_.ent_coef);
}

void SacRun::Evaluate(bool final_eval) {
  const int64_t episodes = final_eval ? c_.final_eval_episodes : c_.eval_episodes;
  log_.RecordEvaluation(EvaluateActor(c_, *model_->actor, episodes,
                                      DeriveSeed(static_cast<uint64_t>(c_.seed), 0, "eval"), false),
                        global_step_, final_eval);
}

void SacRun::SaveCheckpoint(const std::string& name) {
  CheckpointState state;
  const std::span<float> values = AllValues();
  state.params.assign(values.begin(), values.end());
  for (FlatOptimizer* optimizer : {&actor_optimizer_, &critic_optimizer_, &ent_coef_optimizer_}) {
    state.adam_m.insert(state.adam_m.end(), optimizer->m().begin(), optimizer->m().end());
    state.adam_v.insert(state.adam_v.end(), optimizer->v().begin(), optimizer->v().end());
  }
  state.adam_step = actor_optimizer_.step();
  state.global_step = global_step_;
  state.updates = updates_;
  log_.SaveTo(state);
  SaveCheckpointFile(run_dir_ / "checkpoints" / name, state);
}

// The replay buffer is not checkpointed (nor is it in SB3 by default): a resumed run refills it
// and learns again once it holds a batch.
void SacRun::Restore() {
  const std::filesystem::path path = LatestCheckpoint(run_dir_);
  const CheckpointState state = LoadCheckpointFile(path);
  const auto optimized = static_cast<size_t>(actor_.size + critic_.size + log_ent_coef_.size);
  if (state.params.size() != static_cast<size_t>(flat_.values.numel()) ||
      state.adam_m.size() != optimized || state.adam_v.size() != optimized) {
    throw UserError(
        fmt::format("checkpoint {} does not match the SAC networks of this config", path.string()));
  }
  std::ranges::copy(state.params, AllValues().begin());
  size_t offset = 0;
  for (FlatOptimizer* optimizer : {&actor_optimizer_, &critic_optimizer_, &ent_coef_optimizer_}) {
    const size_t n = optimizer->m().size();
    std::copy_n(state.adam_m.begin() + static_cast<std::ptrdiff_t>(offset), n,
                optimizer->m().begin());
    std::copy_n(state.adam_v.begin() + static_cast<std::ptrdiff_t>(offset), n,
                optimizer->v().begin());
    optimizer->step() = state.adam_step;
    offset += n;
  }
  global_step_ = state.global_step;
  updates_ = state.updates;
  log_.RestoreFrom(state);
  rng_.seed(DeriveSeed(static_cast<uint64_t>(c_.seed), static_cast<uint64_t>(global_step_),
                       "policy-resume"));
  torch::manual_seed(DeriveSeed(static_cast<uint64_t>(c_.seed), static_cast<uint64_t>(global_step_),
                                "sac-noise-resume"));
  envs_ = envs::VectorEnv(c_.env_id, static_cast<int>(c_.n_envs),
                          DeriveSeed(static_cast<uint64_t>(c_.seed),
                                     static_cast<uint64_t>(global_step_), "train-env-resume"),
                          EnvOptionsOf(c_));
  fmt::print(stderr, "resumed from {} at step {} (the replay buffer starts empty)\n", path.string(),
             global_step_);
}

void SacRun::WriteProgressRow(double lr) {
  log_.WriteProgressRow(fmt::format("{},{},{},{},{},{},{},{},{}", global_step_, updates_,
                                    log_.MeanRecentReturn(), stats_.actor_loss, stats_.critic_loss,
                                    stats_.ent_coef, stats_.ent_coef_loss,
                                    log_.StepsPerSecond(global_step_), lr));
}

int SacRun::Run() {
  const RunLog::Evaluate evaluate = [this](bool final_eval) { Evaluate(final_eval); };
  const RunLog::SaveCheckpoint save = [this](const std::string& name) { SaveCheckpoint(name); };
  const int64_t total = TotalSteps();
  log_.Start(
      "step,update,episodic_return_mean,actor_loss,critic_loss,ent_coef,ent_coef_loss,sps,"
      "learning_rate",
      global_step_, total);
  envs_.Reset(obs_);
  if (global_step_ == 0) {
    fmt::print(stderr,
               "hpo train: sac {} steps ({} envs; random actions for the first {}; {} gradient "
               "step(s) every {} step(s))\n",
               total, c_.n_envs, c_.learning_starts, c_.gradient_steps, c_.train_freq);
  }
  const int64_t progress_every =
      std::max<int64_t>(1000, c_.n_envs);  // env steps between progress rows
  int64_t next_progress = (global_step_ / progress_every + 1) * progress_every;
  std::vector<float> rewards(static_cast<size_t>(c_.n_envs));
  std::vector<uint8_t> terminated(rewards.size()), truncated(rewards.size());
  double lr = c_.learning_rate;
  while (global_step_ < total && !StopSignalScope::Received()) {
    const RunLog::Clock::time_point policy_start = RunLog::Clock::now();
    Act(global_step_ < c_.learning_starts);
    const RunLog::Clock::time_point env_start = RunLog::Clock::now();
    log_.time_spent().policy += std::chrono::duration<double>(env_start - policy_start).count();
    envs_.Step(env_actions_, next_obs_, rewards, terminated, truncated);
    log_.time_spent().env += RunLog::SecondsSince(env_start);
    StoreTransitions(rewards, terminated);
    obs_.swap(next_obs_);
    global_step_ += c_.n_envs;

    lr = c_.anneal_lr ? c_.learning_rate *
                            (1.0 - static_cast<double>(global_step_) / static_cast<double>(total))
                      : c_.learning_rate;
    const bool learning = global_step_ > c_.learning_starts && buffer_.size() >= c_.batch_size;
    if (learning && (global_step_ / c_.n_envs) % c_.train_freq == 0) {
      const RunLog::Clock::time_point update_start = RunLog::Clock::now();
      for (int64_t g = 0; g < c_.gradient_steps; ++g) {
        if (Learn(lr)) continue;
        fmt::print(stderr,
                   "hpo train: non-finite loss at step {} (gradient step {}); stopping. Lower "
                   "learning_rate.\n",
                   global_step_, updates_);
        WriteProgressRow(lr);
        return kExitNonFinite;
      }
      log_.time_spent().update += RunLog::SecondsSince(update_start);
    }
    if (global_step_ >= next_progress || global_step_ >= total) {
      next_progress = (global_step_ / progress_every + 1) * progress_every;
      WriteProgressRow(lr);
      log_.ShowProgress(global_step_, global_step_ >= total);
    }
    log_.AfterLearning(global_step_, evaluate, save);
  }
  return log_.Finish(global_step_, evaluate, save);
}

}  // namespace

int RunSac(const config::TrainerConfig& config, const TrainOptions& options) {
  SacRun run(config, options);
  return run.Run();
}

EvalResult EvaluateSacCheckpoint(const config::TrainerConfig& config, const CheckpointState& state,
                                 int64_t episodes, uint64_t seed, bool stochastic) {
  const auto env = envs::MakeEnv(config.env_id, EnvOptionsOf(config));
  SacModel model(env->observation_size(), env->action_space(), config);
  FlatParameters flat = Flatten(*model);
  if (state.params.size() != static_cast<size_t>(flat.values.numel())) {
    throw UserError("the checkpoint does not match the SAC networks of its resolved_config.yaml");
  }
  std::ranges::copy(state.params, flat.values.data_ptr<float>());
  return EvaluateActor(config, *model->actor, episodes, seed, stochastic);
}

}  // namespace hpo::trainer
