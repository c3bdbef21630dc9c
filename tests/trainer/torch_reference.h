// The PPO loss and the policy's log-probability and entropy in LibTorch with autograd: the
// reference the trainer's hand-written passes (lib/trainer/ppo_update.h,
// lib/trainer/policy_distribution.h) are checked against. Test code only: training computes the
// loss in PpoLossAndGradient (lib/trainer/ppo_update.cc), the one PPO loss of the trainer.
#pragma once

#include <torch/torch.h>

#include <utility>

#include "lib/trainer/actor_critic.h"

namespace hpo::trainer::reference {

/// Log-probability of `actions` ([B] indices or [B, n]) under the model's distribution for
/// `out`, and its entropy, both [B].
std::pair<torch::Tensor, torch::Tensor> LogProbAndEntropy(const ActorCriticImpl& model,
                                                          const ActorCriticImpl::Output& out,
                                                          const torch::Tensor& actions);

/// The PPO loss and its diagnostics for one minibatch (SB3's formulation: value loss is the
/// plain mean squared error, weighted by vf_coef).
struct PpoLoss {
  torch::Tensor total;
  torch::Tensor policy_loss, value_loss, entropy;  ///< scalars (entropy: mean, not negated)
  torch::Tensor approx_kl, clipfrac;               ///< scalars, no gradient
};

PpoLoss ComputePpoLoss(const torch::Tensor& log_prob, const torch::Tensor& old_log_prob,
                       const torch::Tensor& advantages, const torch::Tensor& values,
                       const torch::Tensor& old_values, const torch::Tensor& returns,
                       const torch::Tensor& entropy, double clip_range, double clip_range_vf,
                       double ent_coef, double vf_coef);

}  // namespace hpo::trainer::reference
