// SAC's losses and gradient step in LibTorch with autograd, as SB3's sac.py train() computes
// them: the reference SAC's hand-written step (lib/trainer/sac_update.h) is checked against.
// Test code only. The noise is given, so both sides draw the same sample.
#pragma once

#include <torch/torch.h>

#include <utility>

#include "lib/config/trainer_config.h"
#include "lib/trainer/replay_buffer.h"
#include "lib/trainer/sac_model.h"

namespace hpo::trainer::reference {

/// A replay batch as tensors (copies).
struct SacBatch {
  torch::Tensor observations, actions, rewards, next_observations, terminated;
};
SacBatch TensorsOf(const ReplayBatch& batch, int observation_size, int action_dim);

/// tanh(mean + std * noise) and its log-probability with SB3's tanh correction, [B, A] and [B].
std::pair<torch::Tensor, torch::Tensor> SacSample(SacActorImpl& actor,
                                                  const torch::Tensor& observations,
                                                  const torch::Tensor& noise);

/// Both Q values [B] of (observations, actions).
std::pair<torch::Tensor, torch::Tensor> SacQ(SacCriticImpl& critic,
                                             const torch::Tensor& observations,
                                             const torch::Tensor& actions);

/// 0.5 (MSE(q1, y) + MSE(q2, y)), y from the target critics and the actor at the next
/// observations (no gradient through y).
torch::Tensor SacCriticLoss(SacModelImpl& model, const SacBatch& batch,
                            const torch::Tensor& next_noise, double ent_coef, double gamma);

/// mean(ent_coef log pi - min(q1, q2)) on the batch's observations.
torch::Tensor SacActorLoss(SacModelImpl& model, const SacBatch& batch, const torch::Tensor& noise,
                           double ent_coef);

/// SB3's train() step by step with torch::optim::Adam for the actor, the critic and
/// log_ent_coef.
class SacStep {
 public:
  SacStep(SacModel model, const config::TrainerConfig& config, int action_dim);
  void Step(const SacBatch& batch, const torch::Tensor& noise, const torch::Tensor& next_noise,
            double lr);

 private:
  SacModel model_;
  const config::TrainerConfig& c_;
  double target_entropy_;
  torch::optim::Adam actor_optimizer_, critic_optimizer_, ent_coef_optimizer_;
};

}  // namespace hpo::trainer::reference
