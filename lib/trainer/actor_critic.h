// The PPO and A2C policy and value networks as a torch module (internal to lib/trainer: includes
// torch). Training does not run it: it creates and initialises the parameters and fixes their
// order in the flat buffer that actor_critic_net.h computes with, and its forward is the
// reference the tests check that hand-written pass against (tests/trainer/torch_reference.h).
#pragma once

#include <torch/torch.h>

#include "envs/env.h"
#include "lib/config/trainer_config.h"

namespace hpo::trainer {

/// Separate (or shared) MLP actor and critic: the actor outputs logits (discrete) or the mean
/// of a diagonal Gaussian with state-independent log-std (continuous); the critic a value.
class ActorCriticImpl : public torch::nn::Module {
 public:
  ActorCriticImpl(int observation_size, const envs::ActionSpace& action_space,
                  const config::TrainerConfig& config);

  struct Output {
    torch::Tensor policy;  ///< logits [B, n] or Gaussian mean [B, n]
    torch::Tensor value;   ///< [B]
  };
  Output forward(const torch::Tensor& observations);

  bool discrete() const { return discrete_; }
  int action_dim() const { return action_dim_; }
  torch::Tensor log_std() const { return log_std_; }

 private:
  torch::nn::Sequential MakeTrunk(int input, const config::TrainerConfig& config,
                                  const std::string& name);

  bool discrete_;
  int action_dim_;
  bool shared_;
  torch::nn::Sequential actor_trunk_{nullptr}, critic_trunk_{nullptr};
  torch::nn::Linear policy_head_{nullptr}, value_head_{nullptr};
  torch::Tensor log_std_;
};
TORCH_MODULE(ActorCritic);

}  // namespace hpo::trainer
