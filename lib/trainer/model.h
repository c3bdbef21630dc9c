// Building a model from a config (internal: torch): the torch module that creates and
// initialises the parameters, its parameters as one flat buffer, and the torch-free Policy
// the PPO and A2C runs act and learn with.
#pragma once

#include <torch/torch.h>

#include "envs/env.h"
#include "lib/config/trainer_config.h"
#include "lib/trainer/actor_critic.h"
#include "lib/trainer/policy.h"

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

/// A freshly initialised policy (the torch module's initialisation, seeded by torch's global
/// generator), its parameters copied out of the module.
Policy MakePolicy(const config::TrainerConfig& config, int observation_size,
                  const envs::ActionSpace& space);

}  // namespace hpo::trainer
