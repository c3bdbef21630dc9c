// SAC's networks by hand over one flat parameter buffer (dense_layer.h says why not autograd):
// the squashed-Gaussian actor, the twin Q critics and their target copy, laid out as SB3's
// SACPolicy and the torch module SacModel (sac_model.h) register them, so the buffer is that
// module's parameters() in order and checkpoints are the same.
#pragma once

#include <cstdint>
#include <vector>

#include "envs/env.h"
#include "lib/config/trainer_config.h"
#include "lib/trainer/dense_layer.h"

namespace hpo::trainer {

/// One network's parameters in the flat buffer: [offset, offset + size).
struct FlatRegion {
  int64_t offset = 0, size = 0;
};

class SacNet {
 public:
  SacNet(int observation_size, int action_dim, const config::TrainerConfig& config);

  /// The actor on a batch of observations, kept for its backward pass.
  struct ActorPass {
    int64_t batch = 0;
    std::vector<std::vector<float>> trunk;  ///< per hidden layer, [batch, width]
    std::vector<float> mean;                ///< [batch, actions]
    std::vector<float> log_std;   ///< [batch, actions], before the clamp; `std` is after it
    std::vector<float> std;       ///< exp(clamp(log_std, -20, 2))
    std::vector<float> noise;     ///< [batch, actions], as given
    std::vector<float> actions;   ///< tanh(mean + std * noise), in [-1, 1]
    std::vector<float> log_prob;  ///< [batch], with the tanh correction (SB3's)
    std::vector<float> d_head, d_features, d_scratch;  ///< backward scratch
  };

  /// A reparameterised sample tanh(mean + std * noise) and its log-probability
  /// (SB3's SquashedDiagGaussianDistribution, 1e-6 in the correction) for each observation;
  /// `noise` is [batch, actions] of standard normals.
  void Sample(const float* params, const float* observations, int64_t batch, const float* noise,
              ActorPass& pass) const;
  /// The deterministic action tanh(mean) into pass.actions (no log-probability).
  void Mode(const float* params, const float* observations, int64_t batch, ActorPass& pass) const;
  /// The actor's parameter gradients (written to `grads`, the whole buffer's layout) of a loss
  /// whose gradient is `d_actions` [batch, actions] on the sampled actions and `d_log_prob`
  /// (the same for every sample) on their log-probabilities. `d_actions` is used up.
  void ActorBackward(const float* params, const float* observations, ActorPass& pass,
                     float* d_actions, float d_log_prob, float* grads) const;

  /// Both Q networks of the critic in `region` (critic() or critic_target()) on (observation,
  /// action) pairs, kept for their backward pass.
  struct CriticPass {
    int64_t batch = 0;
    std::vector<float> input;  ///< [batch, observations + actions]
    std::vector<std::vector<float>> q1_layers, q2_layers;
    const float* q1() const { return q1_layers.back().data(); }  ///< [batch]
    const float* q2() const { return q2_layers.back().data(); }
    std::vector<float> d, d_scratch, d_input;  ///< backward scratch
  };
  void Critic(const float* params, const FlatRegion& region, const float* observations,
              const float* actions, int64_t batch, CriticPass& pass) const;
  /// Back through both Q networks given the gradients on their outputs, d_q1 and d_q2 [batch]:
  /// weight and bias gradients to `grads` (the whole buffer's layout; skipped when null), and
  /// the gradient on the actions [batch, actions] to `d_actions` (skipped when null).
  void CriticBackward(const float* params, const FlatRegion& region, CriticPass& pass,
                      const float* d_q1, const float* d_q2, float* grads, float* d_actions) const;

  int64_t parameter_count() const { return parameter_count_; }
  const FlatRegion& log_ent_coef() const { return log_ent_coef_; }
  const FlatRegion& actor() const { return actor_region_; }
  const FlatRegion& critic() const { return critic_region_; }
  const FlatRegion& critic_target() const { return critic_target_region_; }
  int action_dim() const { return action_dim_; }

 private:
  void Trunk(const float* params, const float* observations, int64_t batch, ActorPass& pass) const;

  int observation_size_, action_dim_;
  FlatRegion log_ent_coef_, actor_region_, critic_region_, critic_target_region_;
  // actor layers at their offsets in the buffer; the Q networks' relative to their critic's
  // region, so one layout serves the critic and its target
  Mlp trunk_;
  DenseLayer mean_, log_std_;
  Mlp q1_, q2_;
  int64_t parameter_count_ = 0;
};

/// An action in [-1, 1] mapped affinely onto the env's [low, high] (SB3's unscale_action).
void ScaleToEnv(const envs::ActionSpace& space, const float* unit_actions, int64_t count,
                float* env_actions);

}  // namespace hpo::trainer
