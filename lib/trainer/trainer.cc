// The trainer's entry points: the process-wide settings every run shares, then the algorithm;
// and the evaluation of a saved run, whichever algorithm trained it.
#include "lib/trainer/trainer.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include "envs/env.h"
#include "lib/core/error.h"
#include "lib/core/stop_signal.h"
#include "lib/protocol/run_folder.h"
#include "lib/trainer/blas.h"
#include "lib/trainer/checkpoint.h"
#include "lib/trainer/evaluation.h"
#include "lib/trainer/model.h"
#include "lib/trainer/ppo_run.h"
#include "lib/trainer/restore.h"
#include "lib/trainer/sac_net.h"
#include "lib/trainer/sac_run.h"

namespace hpo::trainer {
namespace {

// The parameters a checkpoint for `config` holds: the policy's (PPO, A2C) or every SAC network's.
size_t ParameterCount(const config::TrainerConfig& config) {
  const auto env = envs::MakeEnv(config.env_id, EnvOptionsOf(config));
  if (config.algorithm == "sac") {
    return static_cast<size_t>(
        SacNet(env->observation_size(), env->action_space().n, config).parameter_count());
  }
  return static_cast<size_t>(
      ActorCriticNet(env->observation_size(), env->action_space(), config).parameter_count());
}

}  // namespace

std::filesystem::path CheckStartingPoint(const config::TrainerConfig& config,
                                         const std::filesystem::path& file_or_dir,
                                         const Origin& origin) {
  try {
    const std::filesystem::path checkpoint = CheckpointNamedBy(file_or_dir);
    const CheckpointState state = LoadCheckpointFile(checkpoint);
    std::string mismatch = NetworkMismatch(state.network, config);
    if (mismatch.empty() && state.params.size() != ParameterCount(config)) {
      mismatch = fmt::format("it holds {} parameters and this config's network {}",
                             state.params.size(), ParameterCount(config));
    }
    if (!mismatch.empty()) {
      throw UserError(fmt::format("the network of checkpoint {} does not fit this config: {}",
                                  checkpoint.string(), mismatch));
    }
    return checkpoint;
  } catch (const UserError& e) {
    throw UserError(origin, e.what());
  }
}

void CheckAlgorithmFitsEnv(const config::TrainerConfig& config) {
  const envs::ActionSpace space = envs::MakeEnv(config.env_id)->action_space();
  if (config.algorithm == "sac" && space.discrete) {
    throw UserError(Origin{"algorithm"},
                    fmt::format("sac needs continuous actions and {} has {} discrete ones "
                                "(use ppo or a2c, or a continuous env: Pendulum-v1, "
                                "LunarLanderContinuous-v3)",
                                config.env_id, space.n));
  }
}

int Train(const config::TrainerConfig& config, const TrainOptions& options) {
  CheckAlgorithmFitsEnv(config);
  torch::set_num_threads(static_cast<int>(config.threads));
  SetBlasThreads(static_cast<int>(config.threads));
  torch::manual_seed(static_cast<uint64_t>(config.seed));  // weight initialisation only
  StopSignalScope stop_signals;
  return config.algorithm == "sac" ? RunSac(config, options) : RunPpo(config, options);
}

EvalResult EvaluateSaved(const std::filesystem::path& run_dir_or_checkpoint, int64_t episodes,
                         uint64_t seed, bool stochastic) {
  std::filesystem::path checkpoint, run_dir;
  if (std::filesystem::is_directory(run_dir_or_checkpoint)) {
    run_dir = run_dir_or_checkpoint;
    checkpoint = LatestCheckpoint(run_dir);
  } else {
    checkpoint = run_dir_or_checkpoint;
    run_dir = checkpoint.parent_path().parent_path();  // RUN_DIR/checkpoints/X.pt
  }
  config::TrainerConfig config;
  config::ApplyYamlFile(config, run_dir / protocol::kResolvedConfig);
  if (config.algorithm == "sac")
    return EvaluateSacCheckpoint(config, LoadCheckpointFile(checkpoint), episodes, seed,
                                 stochastic);
  auto env = envs::MakeEnv(config.env_id);
  Policy policy = MakePolicy(config, env->observation_size(), env->action_space());
  const CheckpointState state = LoadCheckpointFile(checkpoint);
  if (state.params.size() != policy.params.size()) {
    throw UserError("checkpoint " + checkpoint.string() +
                    " does not match the network in resolved_config.yaml");
  }
  policy.params = state.params;
  return EvaluatePolicy(policy, config, episodes, seed, stochastic);
}

}  // namespace hpo::trainer
