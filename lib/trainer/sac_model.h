// SAC's networks (internal to lib/trainer: includes torch), as SB3's SACPolicy builds them: a
// squashed-Gaussian actor with a state-dependent log-std, twin Q critics on (observation, action)
// and a target copy of the critics. Actions are in [-1, 1]; ScaleToEnv maps them to the env's box.
#pragma once

#include <torch/torch.h>

#include <utility>

#include "envs/env.h"
#include "lib/config/trainer_config.h"

namespace hpo::trainer {

class SacActorImpl : public torch::nn::Module {
 public:
  SacActorImpl(int observation_size, int action_dim, const config::TrainerConfig& config);

  /// A reparameterised sample tanh(mu + std * noise) and its log-probability [B] with the tanh
  /// correction (SB3's SquashedDiagGaussianDistribution).
  std::pair<torch::Tensor, torch::Tensor> Sample(const torch::Tensor& observations);
  /// The deterministic action tanh(mu).
  torch::Tensor Mode(const torch::Tensor& observations);

 private:
  std::pair<torch::Tensor, torch::Tensor> MeanAndLogStd(const torch::Tensor& observations);

  torch::nn::Sequential trunk_{nullptr};
  torch::nn::Linear mu_{nullptr}, log_std_{nullptr};
};
TORCH_MODULE(SacActor);

class SacCriticImpl : public torch::nn::Module {
 public:
  SacCriticImpl(int observation_size, int action_dim, const config::TrainerConfig& config);
  /// Both Q values [B] of (observations, actions).
  std::pair<torch::Tensor, torch::Tensor> forward(const torch::Tensor& observations,
                                                  const torch::Tensor& actions);

 private:
  torch::nn::Sequential q1_{nullptr}, q2_{nullptr};
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

/// An action in [-1, 1] mapped affinely onto the env's [low, high] (SB3's unscale_action).
void ScaleToEnv(const envs::ActionSpace& space, const float* unit_actions, int64_t count,
                float* env_actions);

}  // namespace hpo::trainer
