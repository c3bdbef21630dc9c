// SAC's gradient step by hand, after SB3's sac.py train(): the entropy coefficient, the twin
// critics, the actor against the critics just updated, then the Polyak-averaged targets. Every
// SAC parameter lives in one flat buffer (sac_net.h); each network is a region of it with its
// own Adam (FlatOptimizer). Torch's autograd is the tests' reference
// (tests/trainer/sac_torch_reference.h).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "lib/config/trainer_config.h"
#include "lib/trainer/checkpoint.h"
#include "lib/trainer/flat_optimizer.h"
#include "lib/trainer/replay_buffer.h"
#include "lib/trainer/sac_net.h"

namespace hpo::trainer {

/// target = (1 - tau) target + tau source, elementwise: the target critics' Polyak step.
void PolyakUpdate(std::span<const float> source, std::span<float> target, float tau);

/// The diagnostics of the last gradient step (progress.csv).
struct SacStats {
  double actor_loss = 0, critic_loss = 0, ent_coef = 0, ent_coef_loss = 0;
};

/// The standard normals one gradient step draws: for the actor's sample on the batch's
/// observations and on its next observations, each [batch, actions].
struct SacNoise {
  std::vector<float> current, next;
};

class SacUpdate {
 public:
  /// `params`: every SAC parameter in SacNet's layout (InitialSacParameters, sac_model.h).
  SacUpdate(const SacNet& net, std::vector<float> params, const config::TrainerConfig& config);

  /// One gradient step on `batch` with step size `lr`. False when a loss is not finite.
  bool Step(const ReplayBatch& batch, const SacNoise& noise, double lr);

  /// The entropy coefficient for this step, given the actor's log-probabilities of its own
  /// actions: with ent_coef_auto, exp(log_ent_coef) as it is before one Adam step on
  /// -mean(log_ent_coef * (log_prob + target_entropy)), SB3's loss (target_entropy =
  /// -dim(actions)); otherwise the fixed ent_coef.
  double StepEntropyCoefficient(std::span<const float> log_prob, double lr);

  /// The critics' loss 0.5 (MSE(q1, y) + MSE(q2, y)) towards y = r + gamma (1 - terminated)
  /// (min of the target critics - ent_coef log pi) at the next observations; its gradient is
  /// written to the critic's region of grads().
  double CriticGradient(const ReplayBatch& batch, std::span<const float> next_noise,
                        double ent_coef);
  /// The actor's loss mean(ent_coef log pi - min(q1, q2)) on the batch's observations, with the
  /// critics as they are now; its gradient is written to the actor's region of grads().
  double ActorGradient(const ReplayBatch& batch, std::span<const float> noise, double ent_coef);

  const SacNet& net() const { return net_; }
  const SacStats& stats() const { return stats_; }
  std::span<float> Values(const FlatRegion& region);
  std::span<float> Grads(const FlatRegion& region);
  std::span<float> AllValues() { return params_; }

  /// The parameters and the three optimizers' state, in and out of a checkpoint.
  void SaveTo(CheckpointState& state);
  /// False (and nothing changed) when the checkpoint's sizes are not this model's.
  bool RestoreFrom(const CheckpointState& state);

 private:
  double ActorGradientOfSample(const ReplayBatch& batch, double ent_coef);

  const SacNet& net_;
  const config::TrainerConfig& c_;
  std::vector<float> params_, grads_;
  FlatOptimizer actor_optimizer_, critic_optimizer_, ent_coef_optimizer_;
  double target_entropy_;
  SacStats stats_;
  // scratch, kept across steps
  SacNet::ActorPass pi_, next_pi_;
  SacNet::CriticPass critic_pass_, target_pass_;
  std::vector<float> target_q_, d_q1_, d_q2_, d_actions_;
};

}  // namespace hpo::trainer
