// SAC's gradient step (internal: torch, autograd), after SB3's sac.py train(): the entropy
// coefficient, the twin critics, the actor against the critics just updated, then the
// Polyak-averaged targets. Every SAC parameter lives in one flat buffer (the torch parameters
// are views into it); each network is a region of it with its own optimizer.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <span>
#include <vector>

#include "lib/config/trainer_config.h"
#include "lib/trainer/checkpoint.h"
#include "lib/trainer/flat_optimizer.h"
#include "lib/trainer/model.h"
#include "lib/trainer/replay_buffer.h"
#include "lib/trainer/sac_model.h"

namespace hpo::trainer {

/// One network's parameters in the flat buffer [offset, offset + size).
struct FlatRegion {
  int64_t offset = 0, size = 0;
};

/// Where `params` (one network's, in order) sit in the flat buffer. Read off the tensors, not
/// assumed from the order they were registered in: torch lists a module's own parameters
/// (log_ent_coef) before its children's. std::logic_error if they are not one contiguous run.
FlatRegion RegionOf(const FlatParameters& flat, const std::vector<torch::Tensor>& params);

/// target = (1 - tau) target + tau source, elementwise: the target critics' Polyak step.
void PolyakUpdate(std::span<const float> source, std::span<float> target, float tau);

/// The diagnostics of the last gradient step (progress.csv).
struct SacStats {
  double actor_loss = 0, critic_loss = 0, ent_coef = 0, ent_coef_loss = 0;
};

class SacUpdate {
 public:
  /// Takes over `model`'s parameters into one flat buffer; the target critics get no gradient.
  SacUpdate(SacModel& model, int action_dim, const config::TrainerConfig& config);

  /// One gradient step on `batch` with step size `lr`. False when a loss is not finite.
  bool Step(const ReplayBuffer::Batch& batch, double lr);

  /// The entropy coefficient for this step, given the actor's log-probabilities of its own
  /// actions: with ent_coef_auto, exp(log_ent_coef) as it is before one Adam step on
  /// -mean(log_ent_coef * (log_prob + target_entropy)), SB3's loss (target_entropy =
  /// -dim(actions)); otherwise the fixed ent_coef.
  torch::Tensor StepEntropyCoefficient(const torch::Tensor& log_prob, double lr);

  const SacStats& stats() const { return stats_; }
  const FlatRegion& actor() const { return actor_; }
  const FlatRegion& critic() const { return critic_; }
  const FlatRegion& critic_target() const { return critic_target_; }
  const FlatRegion& log_ent_coef() const { return log_ent_coef_; }
  std::span<float> Values(const FlatRegion& region);
  std::span<float> AllValues() { return Values({0, flat_.values.numel()}); }

  /// The parameters and the three optimizers' state, in and out of a checkpoint.
  void SaveTo(CheckpointState& state);
  /// False (and nothing changed) when the checkpoint's sizes are not this model's.
  bool RestoreFrom(const CheckpointState& state);

 private:
  std::span<float> Grads(const FlatRegion& region);

  SacModel model_;
  const config::TrainerConfig& c_;
  FlatParameters flat_;
  FlatRegion actor_, critic_, critic_target_, log_ent_coef_;
  FlatOptimizer actor_optimizer_, critic_optimizer_, ent_coef_optimizer_;
  double target_entropy_;
  SacStats stats_;
};

}  // namespace hpo::trainer
