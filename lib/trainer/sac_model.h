// SAC's networks as torch modules (internal to lib/trainer: includes torch), as SB3's SACPolicy
// builds them: a squashed-Gaussian actor with a state-dependent log-std, twin Q critics on
// (observation, action) and a target copy of the critics. They create and initialise the
// parameters and define their layout; training and acting run on SacNet (sac_net.h), and the
// tests' autograd reference (tests/trainer/sac_torch_reference.h) runs these modules.
#pragma once

#include <torch/torch.h>

#include <vector>

#include "envs/env.h"
#include "lib/config/trainer_config.h"

namespace hpo::trainer {

struct SacActorImpl : torch::nn::Module {
  SacActorImpl(int observation_size, int action_dim, const config::TrainerConfig& config);
  torch::nn::Sequential trunk{nullptr};
  torch::nn::Linear mu{nullptr}, log_std{nullptr};
};
TORCH_MODULE(SacActor);

struct SacCriticImpl : torch::nn::Module {
  SacCriticImpl(int observation_size, int action_dim, const config::TrainerConfig& config);
  torch::nn::Sequential q1{nullptr}, q2{nullptr};
};
TORCH_MODULE(SacCritic);

/// Every SAC parameter in one module: actor, critic, target critic and the log of the entropy
/// coefficient. Their order in parameters() (and in checkpoints) is torch's: the module's own
/// log_ent_coef first, then the children as registered.
class SacModelImpl : public torch::nn::Module {
 public:
  SacModelImpl(int observation_size, const envs::ActionSpace& space,
               const config::TrainerConfig& config);

  SacActor actor{nullptr};
  SacCritic critic{nullptr}, critic_target{nullptr};
  torch::Tensor log_ent_coef;
};
TORCH_MODULE(SacModel);

/// A freshly initialised model's parameters in SacNet's layout (torch's initialisation, seeded
/// by torch's global generator; the target critics a copy of the critics).
std::vector<float> InitialSacParameters(int observation_size, const envs::ActionSpace& space,
                                        const config::TrainerConfig& config);

}  // namespace hpo::trainer
