// The policy and value networks (internal to lib/trainer: includes torch).
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
  torch::Tensor Value(const torch::Tensor& observations);

  /// Log-probability of `actions` ([B] indices or [B, n]) and the entropy, both [B].
  std::pair<torch::Tensor, torch::Tensor> LogProbAndEntropy(const Output& out,
                                                            const torch::Tensor& actions);

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

/// The PPO loss and its diagnostics for one minibatch (SB3's formulation: value loss is the
/// plain mean squared error, weighted by vf_coef).
struct PpoLoss {
  torch::Tensor total;
  torch::Tensor policy_loss, value_loss, entropy;  ///< scalars (entropy: mean, not negated)
  torch::Tensor approx_kl, clip_fraction;          ///< scalars, no gradient
};

PpoLoss ComputePpoLoss(const torch::Tensor& log_prob, const torch::Tensor& old_log_prob,
                       const torch::Tensor& advantages, const torch::Tensor& values,
                       const torch::Tensor& old_values, const torch::Tensor& returns,
                       const torch::Tensor& entropy, double clip_range, double clip_range_vf,
                       double ent_coef, double vf_coef);

}  // namespace hpo::trainer
