// The policy's action distribution, defined once: sampling in rollouts, the mode in
// evaluations, log-probabilities and entropy in the loss, and their gradients in the update.
// Plain float buffers (no torch): the rollout and the update call it for every sample.
#pragma once

#include <cstdint>

#include "envs/env.h"
#include "lib/core/random.h"

namespace hpo::trainer {

/// A categorical over `n` actions (head = logits) or a diagonal Gaussian in `n` dimensions
/// (head = mean, state-independent log standard deviations passed in `log_std`).
/// Buffers are row-major: head [batch, n]; actions [batch] (discrete) or [batch, n].
class PolicyDistribution {
 public:
  explicit PolicyDistribution(const envs::ActionSpace& space)
      : discrete_(space.discrete), n_(space.n) {}

  bool discrete() const { return discrete_; }
  int size() const { return n_; }  ///< head outputs per sample
  int action_width() const { return discrete_ ? 1 : n_; }

  /// Draws one action per row and writes its log-probability.
  void Sample(const float* head, const float* log_std, int64_t batch, Rng& rng, float* actions,
              float* log_prob) const;
  /// The most likely action per row (argmax / the mean): deterministic evaluation.
  void Mode(const float* head, int64_t batch, float* actions) const;
  /// Log-probability of `actions` and the entropy, per row.
  void LogProbAndEntropy(const float* head, const float* log_std, const float* actions,
                         int64_t batch, float* log_prob, float* entropy) const;
  /// Gradient of sum_i (d_log_prob[i] * log_prob_i + d_entropy * entropy_i) with respect to the
  /// head (written to d_head [batch, n]) and, for the Gaussian, added to d_log_std [n].
  void Backward(const float* head, const float* log_std, const float* actions, int64_t batch,
                const float* d_log_prob, float d_entropy, float* d_head, float* d_log_std) const;

 private:
  bool discrete_;
  int n_;
};

}  // namespace hpo::trainer
