// PPO and A2C, top to bottom in execution order (after CleanRL's ppo.py): seeding, rollout with
// bootstrapped truncations, GAE, minibatch epochs (A2C: one step on the whole rollout), logging,
// periodic evaluation, checkpoints.
#include "lib/trainer/ppo_run.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "envs/vector_env.h"
#include "lib/core/error.h"
#include "lib/core/random.h"
#include "lib/core/stop_signal.h"
#include "lib/trainer/checkpoint.h"
#include "lib/trainer/evaluation.h"
#include "lib/trainer/gae.h"
#include "lib/trainer/model.h"
#include "lib/trainer/ppo_update.h"
#include "lib/trainer/progress_columns.h"
#include "lib/trainer/restore.h"
#include "lib/trainer/run_log.h"

namespace hpo::trainer {
namespace {

class PpoRun {
 public:
  PpoRun(const config::TrainerConfig& config, const TrainOptions& options)
      : c_(config),
        run_dir_(options.run_dir),
        envs_(config.env_id, static_cast<int>(config.n_envs),
              DeriveSeed(static_cast<uint64_t>(config.seed), 0, "train-env"), EnvOptionsOf(config)),
        rng_(DeriveSeed(static_cast<uint64_t>(config.seed), 0, "policy")),
        policy_(MakePolicy(config, envs_.observation_size(), envs_.action_space())),
        update_(policy_.net, policy_.distribution, envs_.observation_size(), config),
        log_(config, options, envs_.reward_threshold()),
        options_(options) {
    obs_size_ = envs_.observation_size();
    action_width_ = envs_.action_space().width();
    const auto n = static_cast<size_t>(c_.n_envs * c_.n_steps);
    obs_buf_.resize(n * static_cast<size_t>(obs_size_));
    act_buf_.resize(n * static_cast<size_t>(action_width_));
    for (std::vector<float>* buffer :
         {&logp_buf_, &val_buf_, &rew_buf_, &ended_buf_, &adv_buf_, &ret_buf_}) {
      buffer->resize(n);
    }
    next_obs_.resize(static_cast<size_t>(c_.n_envs * obs_size_));
    if (!options.init_from.empty()) {
      Restore(options.init_from);
      KeepStartingPoint(run_dir_, options.init_from, global_step_);
    } else if (options.resume) {
      Restore(LatestCheckpoint(run_dir_));
    }
  }

  int Run();

 private:
  void CollectRollout();
  void BootstrapTruncated(const std::vector<uint8_t>& terminated,
                          const std::vector<uint8_t>& truncated, size_t row);
  bool Update(double lr);  // false on non-finite losses
  EvalResult Evaluate(bool final_eval);
  void SaveCheckpoint(const std::filesystem::path& path);
  void Restore(const std::filesystem::path& path);
  void WriteProgressRow(double lr);
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
  std::vector<float> obs_buf_, act_buf_, logp_buf_, val_buf_, rew_buf_, ended_buf_, adv_buf_,
      ret_buf_;
  std::vector<float> next_obs_;
  std::vector<float> last_values_;
  std::vector<float> truncated_obs_;  // final observations of time-limit ends, to bootstrap

  int64_t global_step_ = 0;
  int64_t updates_ = 0;
  RunLog log_;

  // last update's diagnostics for progress.csv
  UpdateStats stats_;
  double explained_variance_ = 0;
  TrainOptions options_;
};

int64_t PpoRun::TotalSteps() const {
  const int64_t rollout = c_.n_envs * c_.n_steps;
  return (c_.total_timesteps + rollout - 1) / rollout * rollout;
}

// A time-limit end is not a terminal state: bootstrap from the value of where it stopped (one
// batched critic pass over every env truncated at this step).
void PpoRun::BootstrapTruncated(const std::vector<uint8_t>& terminated,
                                const std::vector<uint8_t>& truncated, size_t row) {
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
  policy_.net.ForwardValue(policy_.params.data(), truncated_obs_.data(),
                           static_cast<int64_t>(envs.size()), activations_);
  for (size_t k = 0; k < envs.size(); ++k) {
    rew_buf_[row + static_cast<size_t>(envs[k])] +=
        static_cast<float>(c_.gamma) * activations_.value[k];
  }
}

void PpoRun::CollectRollout() {
  const int64_t n_envs = c_.n_envs;
  std::vector<float> rewards(static_cast<size_t>(n_envs));
  std::vector<uint8_t> terminated(static_cast<size_t>(n_envs)),
      truncated(static_cast<size_t>(n_envs));
  for (int64_t t = 0; t < c_.n_steps && !StopSignalScope::Received(); ++t) {
    const size_t row = static_cast<size_t>(t * n_envs);
    float* obs_t = obs_buf_.data() + row * static_cast<size_t>(obs_size_);
    std::copy(next_obs_.begin(), next_obs_.end(), obs_t);
    const RunLog::Clock::time_point policy_start = RunLog::Clock::now();
    float* act_t = act_buf_.data() + row * static_cast<size_t>(action_width_);
    policy_.Act(obs_t, n_envs, &rng_, act_t, logp_buf_.data() + row, activations_);
    std::copy_n(activations_.value.data(), n_envs, val_buf_.data() + row);

    const RunLog::Clock::time_point env_start = RunLog::Clock::now();
    log_.time_spent().policy += std::chrono::duration<double>(env_start - policy_start).count();
    envs_.Step(std::span<const float>(act_t, static_cast<size_t>(n_envs * action_width_)),
               next_obs_, rewards, terminated, truncated);
    log_.time_spent().env += RunLog::SecondsSince(env_start);
    for (int64_t e = 0; e < n_envs; ++e) {
      const size_t i = row + static_cast<size_t>(e);
      rew_buf_[i] = rewards[static_cast<size_t>(e)];
      ended_buf_[i] =
          terminated[static_cast<size_t>(e)] || truncated[static_cast<size_t>(e)] ? 1.0f : 0.0f;
    }
    BootstrapTruncated(terminated, truncated, row);
    for (const envs::EpisodeStats& episode : envs_.finished_episodes())
      log_.AddEpisodeReturn(episode.episode_return);
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
  for (size_t i = 0; i < returns.size(); ++i) {
    mean_r += returns[i] / n;
    mean_d += (returns[i] - values[i]) / n;
  }
  double var_r = 0, var_d = 0;
  for (size_t i = 0; i < returns.size(); ++i) {
    var_r += (returns[i] - mean_r) * (returns[i] - mean_r);
    const double d = returns[i] - values[i] - mean_d;
    var_d += d * d;
  }
  return var_r == 0 ? NAN : 1.0 - var_d / var_r;
}

bool PpoRun::Update(double lr) {
  ComputeGae(rew_buf_, val_buf_, ended_buf_, last_values_, static_cast<int>(c_.n_steps),
             static_cast<int>(c_.n_envs), c_.gamma, c_.gae_lambda, adv_buf_, ret_buf_);
  const RolloutView rollout{c_.n_envs * c_.n_steps, obs_buf_.data(), act_buf_.data(),
                            logp_buf_.data(),       val_buf_.data(), adv_buf_.data(),
                            ret_buf_.data()};
  stats_ = update_.Run(rollout, policy_.params, lr, rng_);
  explained_variance_ = ExplainedVariance(ret_buf_, val_buf_);
  return stats_.finite;
}

EvalResult PpoRun::Evaluate(bool final_eval) {
  const int64_t episodes = final_eval ? c_.final_eval_episodes : c_.eval_episodes;
  return EvaluatePolicy(policy_, c_, episodes,
                        DeriveSeed(static_cast<uint64_t>(c_.seed), 0, "eval"), false);
}

void PpoRun::SaveCheckpoint(const std::filesystem::path& path) {
  CheckpointState state;
  state.params = policy_.params;
  state.adam_m = update_.optimizer().m();
  state.adam_v = update_.optimizer().v();
  state.adam_step = update_.optimizer().step();
  state.global_step = global_step_;
  state.updates = updates_;
  state.network = NetworkOf(c_);
  state.policy_rng = RngText(rng_);
  log_.SaveTo(state);
  SaveCheckpointFile(path, state);
}

// A resumed run (--resume) and a new run started from a checkpoint (--init-from) restore the
// same things; the new run's config may differ in everything but its network.
void PpoRun::Restore(const std::filesystem::path& path) {
  CheckpointState state = LoadCheckpointFile(path);
  const std::string mismatch = NetworkMismatch(state.network, c_);
  if (!mismatch.empty() || state.params.size() != policy_.params.size() ||
      state.adam_m.size() != state.params.size() || state.adam_v.size() != state.params.size()) {
    throw UserError(fmt::format("checkpoint {} does not match the network of this config{}",
                                path.string(), mismatch.empty() ? "" : ": " + mismatch));
  }
  policy_.params = std::move(state.params);
  update_.optimizer().m() = std::move(state.adam_m);
  update_.optimizer().v() = std::move(state.adam_v);
  update_.optimizer().step() = state.adam_step;
  global_step_ = state.global_step;
  updates_ = state.updates;
  log_.RestoreFrom(state);
  if (!state.policy_rng.empty()) {
    RestoreRng(rng_, state.policy_rng, path);
  } else {  // a checkpoint from before the stream was saved
    rng_.seed(DeriveSeed(static_cast<uint64_t>(c_.seed), static_cast<uint64_t>(updates_),
                         "policy-resume"));
  }
  // Fresh episodes: the envs' states are not checkpointed (Box2D worlds), so continuing is
  // reproducible, not identical to an uninterrupted run.
  envs_ = envs::VectorEnv(c_.env_id, static_cast<int>(c_.n_envs),
                          DeriveSeed(static_cast<uint64_t>(c_.seed),
                                     static_cast<uint64_t>(updates_), "train-env-resume"),
                          EnvOptionsOf(c_));
  fmt::print(stderr, "{} from {} at step {}\n",
             options_.init_from.empty() ? "resumed" : "hpo train: starting", path.string(),
             global_step_);
}

void PpoRun::WriteProgressRow(double lr) {
  PpoProgress row;
  row.global_step = global_step_;
  row.update = updates_;
  row.episodic_return = log_.MeanRecentReturn();
  row.policy_loss = stats_.policy_loss;
  row.value_loss = stats_.value_loss;
  row.entropy = stats_.entropy;
  row.approx_kl = stats_.approx_kl;
  row.clipfrac = stats_.clipfrac;
  row.explained_variance = explained_variance_;
  row.sps = log_.StepsPerSecond(global_step_);
  row.learning_rate = lr;
  log_.WriteProgressRow(ProgressLine(kPpoColumns, row));
}

int PpoRun::Run() {
  const RunLog::Evaluate evaluate = [this](bool final_eval) { return Evaluate(final_eval); };
  const RunLog::SaveCheckpoint save = [this](const std::filesystem::path& path) {
    SaveCheckpoint(path);
  };
  log_.Start(ProgressHeader(kPpoColumns), global_step_, TotalSteps());
  envs_.Reset(next_obs_);

  const int64_t rollout = c_.n_envs * c_.n_steps;
  const int64_t total_updates = TotalSteps() / rollout;
  if (global_step_ == 0) {
    fmt::print(
        stderr, "hpo train: {} {} steps ({} updates of {} envs x {} steps{})\n", c_.algorithm,
        TotalSteps(), total_updates, c_.n_envs, c_.n_steps,
        TotalSteps() == c_.total_timesteps
            ? ""
            : fmt::format("; total_timesteps {} rounded up to whole rollouts", c_.total_timesteps));
  }
  // Steps, not updates, measure the way: a run started from another run's checkpoint may have
  // another rollout size, and its annealing goes on from the checkpoint's step. (For a run from
  // scratch the two are equal: step / total is updates / total_updates to the last bit.)
  while (global_step_ < TotalSteps()) {
    const double lr = c_.anneal_lr
                          ? c_.learning_rate * (1.0 - static_cast<double>(global_step_) /
                                                          static_cast<double>(TotalSteps()))
                          : c_.learning_rate;
    CollectRollout();
    if (StopSignalScope::Received()) break;  // a partial rollout is not trained on
    const RunLog::Clock::time_point update_start = RunLog::Clock::now();
    const bool finite = Update(lr);
    log_.time_spent().update += RunLog::SecondsSince(update_start);
    if (!finite) {
      fmt::print(stderr,
                 "hpo train: non-finite loss or parameters at step {} (update {}); stopping. "
                 "Lower learning_rate or max_grad_norm.\n",
                 global_step_, updates_ + 1);
      WriteProgressRow(lr);
      return kExitNonFinite;
    }
    ++updates_;
    WriteProgressRow(lr);
    log_.ShowProgress(global_step_, global_step_ >= TotalSteps());
    log_.AfterLearning(global_step_, evaluate, save);
  }
  return log_.Finish(global_step_, evaluate, save);
}

}  // namespace

int RunPpo(const config::TrainerConfig& config, const TrainOptions& options) {
  PpoRun run(config, options);
  return run.Run();
}

}  // namespace hpo::trainer
