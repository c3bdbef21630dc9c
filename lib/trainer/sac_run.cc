// SAC, top to bottom in execution order (SB3's off_policy_algorithm.py and sac.py): act
// (uniformly at random until learning_starts), store the transition, and every train_freq steps
// take gradient_steps steps (sac_update.h: entropy coefficient, critics, actor, Polyak targets)
// on batches from the replay buffer (replay_buffer.h). One stream (rng_) draws the random
// actions, the replay batches and the actor's noise; checkpoints keep where it was.
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
#include "lib/trainer/progress_columns.h"
#include "lib/trainer/replay_buffer.h"
#include "lib/trainer/restore.h"
#include "lib/trainer/run_log.h"
#include "lib/trainer/sac_model.h"
#include "lib/trainer/sac_net.h"
#include "lib/trainer/sac_update.h"

namespace hpo::trainer {
namespace {

class SacRun {
 public:
  SacRun(const config::TrainerConfig& config, const TrainOptions& options);
  int Run();

 private:
  void Act(bool at_random);
  void StoreTransitions(const std::vector<float>& rewards, const std::vector<uint8_t>& terminated);
  bool Learn(double lr);  // false on a non-finite loss
  EvalResult Evaluate(bool final_eval);
  void SaveCheckpoint(const std::filesystem::path& path);
  void Restore(const std::filesystem::path& path);
  void WriteProgressRow(double lr);
  int64_t TotalSteps() const {
    return (c_.total_timesteps + c_.n_envs - 1) / c_.n_envs * c_.n_envs;
  }

  const config::TrainerConfig& c_;
  std::filesystem::path run_dir_;
  bool started_from_another_run_;
  envs::VectorEnv envs_;
  envs::ActionSpace space_;
  int obs_size_;
  Rng rng_;
  SacNet net_;
  SacUpdate update_;
  ReplayBuffer buffer_;
  RunLog log_;

  std::vector<float> obs_, next_obs_, unit_actions_, env_actions_;
  SacNet::ActorPass acting_;
  ReplayBatch batch_;
  SacNoise noise_;
  std::vector<uint8_t>
      ended_scratch_;  // StoreTransitions' per-step flags, kept to not allocate every step
  int64_t global_step_ = 0, updates_ = 0;
};

// `n` standard normals into `out`: the actor's reparameterisation noise.
void DrawNormals(Rng& rng, int64_t n, std::vector<float>& out) {
  out.resize(static_cast<size_t>(n));
  for (float& x : out) x = static_cast<float>(StandardNormal(rng));
}

// The policy on `params` over evaluation episodes: tanh(mean), or with `stochastic` a sample.
EvalResult EvaluateActor(const config::TrainerConfig& config, std::span<const float> params,
                         int64_t episodes, uint64_t seed, bool stochastic) {
  const auto env = envs::MakeEnv(config.env_id, EnvOptionsOf(config));
  const envs::ActionSpace space = env->action_space();
  const SacNet net(env->observation_size(), space.n, config);
  SacNet::ActorPass pass;
  Rng noise_rng(DeriveSeed(seed, 0, "eval-actions"));
  std::vector<float> noise;
  return EvaluateActions(config, episodes, seed,
                         [&](const float* observations, int64_t batch, float* actions) {
                           if (stochastic) {
                             DrawNormals(noise_rng, batch * space.n, noise);
                             net.Sample(params.data(), observations, batch, noise.data(), pass);
                           } else {
                             net.Mode(params.data(), observations, batch, pass);
                           }
                           ScaleToEnv(space, pass.actions.data(), batch * space.n, actions);
                         });
}

SacRun::SacRun(const config::TrainerConfig& config, const TrainOptions& options)
    : c_(config),
      run_dir_(options.run_dir),
      started_from_another_run_(!options.init_from.empty()),
      envs_(config.env_id, static_cast<int>(config.n_envs),
            DeriveSeed(static_cast<uint64_t>(config.seed), 0, "train-env"), EnvOptionsOf(config)),
      space_(envs_.action_space()),
      obs_size_(envs_.observation_size()),
      rng_(DeriveSeed(static_cast<uint64_t>(config.seed), 0, "policy")),
      net_(obs_size_, space_.n, config),
      update_(net_, InitialSacParameters(obs_size_, space_, config), config),
      buffer_(config.buffer_size, obs_size_, space_.n),
      log_(config, options, envs_.reward_threshold()) {
  const auto n = static_cast<size_t>(c_.n_envs);
  obs_.resize(n * static_cast<size_t>(obs_size_));
  next_obs_.resize(obs_.size());
  unit_actions_.resize(n * static_cast<size_t>(space_.n));
  env_actions_.resize(unit_actions_.size());
  if (started_from_another_run_) {
    Restore(options.init_from);
    KeepStartingPoint(run_dir_, options.init_from, global_step_);
  } else if (options.resume) {
    Restore(LatestCheckpoint(run_dir_));
  }
}

void SacRun::Act(bool at_random) {
  if (at_random) {
    for (float& a : unit_actions_) a = static_cast<float>(Uniform(rng_, -1.0, 1.0));
  } else {
    DrawNormals(rng_, c_.n_envs * space_.n, noise_.current);
    net_.Sample(update_.AllValues().data(), obs_.data(), c_.n_envs, noise_.current.data(), acting_);
    std::copy_n(acting_.actions.begin(), unit_actions_.size(), unit_actions_.begin());
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
  buffer_.Sample(c_.batch_size, rng_, batch_);
  DrawNormals(rng_, c_.batch_size * space_.n, noise_.current);
  DrawNormals(rng_, c_.batch_size * space_.n, noise_.next);
  const bool finite = update_.Step(batch_, noise_, lr);
  ++updates_;
  return finite;
}

EvalResult SacRun::Evaluate(bool final_eval) {
  const int64_t episodes = final_eval ? c_.final_eval_episodes : c_.eval_episodes;
  return EvaluateActor(c_, update_.AllValues(), episodes,
                       DeriveSeed(static_cast<uint64_t>(c_.seed), 0, "eval"), false);
}

void SacRun::SaveCheckpoint(const std::filesystem::path& path) {
  CheckpointState state;
  update_.SaveTo(state);
  state.global_step = global_step_;
  state.updates = updates_;
  state.network = NetworkOf(c_);
  state.policy_rng = RngText(rng_);
  if (c_.checkpoint_replay_buffer) state.replay_transitions = buffer_.Transitions();
  log_.SaveTo(state);
  SaveCheckpointFile(path, state);
}

// The replay buffer is checkpointed only with checkpoint_replay_buffer (SB3 saves it apart, on
// request): without it a resumed run, or one started from another run's checkpoint, refills
// the buffer and learns again once it holds a batch.
void SacRun::Restore(const std::filesystem::path& path) {
  const CheckpointState state = LoadCheckpointFile(path);
  const std::string mismatch = NetworkMismatch(state.network, c_);
  if (!mismatch.empty() || !update_.RestoreFrom(state) ||
      !buffer_.AddTransitions(state.replay_transitions)) {
    throw UserError(fmt::format("checkpoint {} does not match the SAC networks of this config{}",
                                path.string(), mismatch.empty() ? "" : ": " + mismatch));
  }
  global_step_ = state.global_step;
  updates_ = state.updates;
  log_.RestoreFrom(state);
  if (!state.policy_rng.empty()) {
    RestoreRng(rng_, state.policy_rng, path);
  } else {  // a checkpoint from before the streams were saved
    rng_.seed(DeriveSeed(static_cast<uint64_t>(c_.seed), static_cast<uint64_t>(global_step_),
                         "policy-resume"));
  }
  envs_ = envs::VectorEnv(c_.env_id, static_cast<int>(c_.n_envs),
                          DeriveSeed(static_cast<uint64_t>(c_.seed),
                                     static_cast<uint64_t>(global_step_), "train-env-resume"),
                          EnvOptionsOf(c_));
  fmt::print(stderr, "{} from {} at step {} ({})\n",
             started_from_another_run_ ? "hpo train: starting" : "resumed", path.string(),
             global_step_,
             buffer_.size() == 0
                 ? "the replay buffer starts empty"
                 : fmt::format("the replay buffer holds its {} transitions", buffer_.size()));
}

void SacRun::WriteProgressRow(double lr) {
  const SacStats& stats = update_.stats();
  SacProgress row;
  row.global_step = global_step_;
  row.update = updates_;
  row.episodic_return = log_.MeanRecentReturn();
  row.actor_loss = stats.actor_loss;
  row.qf_loss = stats.critic_loss;
  row.alpha = stats.ent_coef;
  row.alpha_loss = stats.ent_coef_loss;
  row.sps = log_.StepsPerSecond(global_step_);
  row.learning_rate = lr;
  log_.WriteProgressRow(ProgressLine(kSacColumns, row));
}

int SacRun::Run() {
  const RunLog::Evaluate evaluate = [this](bool final_eval) { return Evaluate(final_eval); };
  const RunLog::SaveCheckpoint save = [this](const std::filesystem::path& path) {
    SaveCheckpoint(path);
  };
  const int64_t total = TotalSteps();
  log_.Start(ProgressHeader(kSacColumns), global_step_, total);
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
  if (state.params.size() !=
      static_cast<size_t>(
          SacNet(env->observation_size(), env->action_space().n, config).parameter_count())) {
    throw UserError("the checkpoint does not match the SAC networks of its resolved_config.yaml");
  }
  return EvaluateActor(config, state.params, episodes, seed, stochastic);
}

}  // namespace hpo::trainer
