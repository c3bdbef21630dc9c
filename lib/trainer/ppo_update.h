// The PPO (and A2C) update without autograd: the clipped loss and its gradient written out,
// minibatch epochs over one gather of the shuffled rollout per epoch, and diagnostics kept as plain
// sums.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "lib/config/trainer_config.h"
#include "lib/core/random.h"
#include "lib/trainer/actor_critic_net.h"
#include "lib/trainer/flat_optimizer.h"
#include "lib/trainer/policy_distribution.h"

namespace hpo::trainer {

/// One minibatch's loss terms (SB3's formulation: the value loss is the plain mean squared
/// error, weighted by vf_coef; the entropy is the mean, not negated).
struct PpoLossTerms {
  double total = 0, policy_loss = 0, value_loss = 0, entropy = 0, approx_kl = 0, clipfrac = 0;
};

struct PpoCoefficients {
  double clip_range = 0.2;
  double clip_range_vf = 0.0;  ///< 0: no value clipping
  double ent_coef = 0.0;
  double vf_coef = 0.5;
};

/// The loss of one minibatch of `batch` samples, and its gradient with respect to each
/// sample's log-probability and value (`d_log_prob`, `d_value`) and entropy (the same for every
/// sample: returned in `d_entropy`). `advantages` are used as given (normalise before).
PpoLossTerms PpoLossAndGradient(int64_t batch, const float* log_prob, const float* old_log_prob,
                                const float* advantages, const float* values,
                                const float* old_values, const float* returns, const float* entropy,
                                const PpoCoefficients& c, float* d_log_prob, float* d_value,
                                float* d_entropy);

/// The rollout as the update reads it: n samples, row-major.
struct RolloutView {
  int64_t size = 0;
  const float* observations = nullptr;  ///< [n, observation_size]
  const float* actions = nullptr;       ///< [n, action_width]
  const float* log_probs = nullptr;     ///< [n]
  const float* values = nullptr;        ///< [n]
  const float* advantages = nullptr;    ///< [n]
  const float* returns = nullptr;       ///< [n]
};

/// Means over the minibatches of one update (progress.csv).
struct UpdateStats {
  double policy_loss = 0, value_loss = 0, entropy = 0, approx_kl = 0, clipfrac = 0;
  int64_t minibatches = 0;
  bool finite = true;  ///< false: a loss or a parameter became NaN/inf
};

/// PPO's update, or A2C's (algorithm: a2c): one gradient step on the whole rollout with RMSprop
/// or Adam. A2C's loss is PPO's without clipping at ratio 1 (the rollout's own policy), where
/// the gradient of -A * ratio is -A * grad log pi: the same code computes both.
class PpoUpdate {
 public:
  PpoUpdate(const ActorCriticNet& net, const PolicyDistribution& distribution, int observation_size,
            const config::TrainerConfig& config);

  /// n_epochs passes of minibatch steps over the rollout (A2C: one step on all of it); changes
  /// `params` and the optimizer.
  UpdateStats Run(const RolloutView& rollout, std::span<float> params, double lr, Rng& rng);

  FlatOptimizer& optimizer() { return optimizer_; }

 private:
  void Gather(const RolloutView& rollout, const std::vector<int64_t>& order);
  /// One minibatch step on rows [start, start + batch) of the gathered epoch. Returns false
  /// (and does not step) when the KL early stop fires; `terms` are set either way.
  bool Step(int64_t start, int64_t batch, std::span<float> params, double lr, PpoLossTerms& terms);

  const ActorCriticNet& net_;
  const PolicyDistribution& distribution_;
  const config::TrainerConfig& c_;
  int observation_size_;
  int action_width_;
  FlatOptimizer optimizer_;
  // the epoch's shuffled copy of the rollout
  std::vector<float> observations_, actions_, log_probs_, values_, advantages_, returns_;
  // per-minibatch scratch
  std::vector<float> advantages_mb_, log_prob_, entropy_, d_log_prob_, d_value_, d_head_, grads_;
  ActorCriticNet::Activations activations_, backward_scratch_;
};

}  // namespace hpo::trainer
