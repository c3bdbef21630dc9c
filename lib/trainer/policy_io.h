// Model construction, the flat parameter buffer, checkpoints and evaluation (internal: torch).
#pragma once

#include <torch/torch.h>

#include <filesystem>
#include <functional>

#include "lib/config/trainer_config.h"
#include "lib/trainer/actor_critic.h"
#include "lib/trainer/policy.h"
#include "lib/trainer/trainer.h"

namespace hpo::trainer {

/// Every parameter of a model as a view into `values`, and its gradient as a view into
/// `grads` (autograd accumulates into existing gradients in place, so they stay views).
struct FlatParameters {
  torch::Tensor values;
  torch::Tensor grads;
};
FlatParameters Flatten(torch::nn::Module& model);

ActorCritic MakeModel(const config::TrainerConfig& config, int observation_size,
                      const envs::ActionSpace& space);

/// The env options a trainer config sets (gravity, wind, turbulence).
envs::EnvOptions EnvOptionsOf(const config::TrainerConfig& config);

/// A freshly initialised policy (the torch module's initialisation, seeded by torch's global
/// generator), its parameters copied out of the module.
Policy MakePolicy(const config::TrainerConfig& config, int observation_size,
                  const envs::ActionSpace& space);

struct CheckpointState {
  std::vector<float> params, adam_m, adam_v;
  int64_t adam_step = 0;
  int64_t global_step = 0;
  int64_t updates = 0;
  double training_seconds = 0.0;
  int64_t solved_step = -1;      ///< env steps when a periodic eval first reached the threshold
  double solved_seconds = -1.0;  ///< training seconds then (-1: not yet)
};

/// Writes to a temporary file and renames it into place: a crash never leaves a torn checkpoint.
void SaveCheckpointFile(const std::filesystem::path& path, const CheckpointState& state);
CheckpointState LoadCheckpointFile(const std::filesystem::path& path);
/// final.pt if present, else the step_*.pt with the most steps. UserError if there is none.
std::filesystem::path LatestCheckpoint(const std::filesystem::path& run_dir);

/// Writes one action per row of `observations` [batch, observation_size] to `actions`.
using ActFunction = std::function<void(const float* observations, int64_t batch, float* actions)>;

/// Runs `episodes` episodes on fresh envs seeded from `seed`, all stepped together with one
/// call of `act` per step for the episodes still running.
EvalResult EvaluateActions(const config::TrainerConfig& config, int64_t episodes, uint64_t seed,
                           const ActFunction& act);

/// EvaluateActions with the policy: deterministic (argmax or Gaussian mean) or sampled.
EvalResult EvaluatePolicy(const Policy& policy, const config::TrainerConfig& config,
                          int64_t episodes, uint64_t seed, bool stochastic);

}  // namespace hpo::trainer
