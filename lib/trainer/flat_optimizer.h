// Adam or RMSprop over one flat buffer of parameters with global gradient-norm clipping, as
// torch::optim::Adam / RMSprop plus torch::nn::utils::clip_grad_norm_ compute them, in one loop.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace hpo::trainer {

class FlatOptimizer {
 public:
  /// torch::optim::Adam(betas (beta1, beta2), eps).
  static FlatOptimizer Adam(int64_t size, double beta1, double beta2, double eps) {
    return FlatOptimizer(size, false, beta1, beta2, eps);
  }
  /// torch::optim::RMSprop(alpha, eps), no momentum, not centred: SB3's A2C optimizer.
  static FlatOptimizer Rmsprop(int64_t size, double alpha, double eps) {
    return FlatOptimizer(size, true, 0.0, alpha, eps);
  }

  /// Scales `grads` down to a global L2 norm of at most `max_norm` (if max_norm > 0), then
  /// takes one step on `params` with step size `lr`. Returns the norm before clipping.
  double Step(std::span<float> params, std::span<float> grads, double lr, double max_norm);

  std::vector<float>& m() {
    return m_;
  }  ///< Adam's first moments (zeros for RMSprop; checkpointed)
  std::vector<float>& v() { return v_; }  ///< second moments: Adam's, or RMSprop's square averages
  int64_t& step() { return step_; }

 private:
  FlatOptimizer(int64_t size, bool rmsprop, double beta1, double beta2, double eps)
      : m_(static_cast<size_t>(size)),
        v_(static_cast<size_t>(size)),
        rmsprop_(rmsprop),
        beta1_(beta1),
        beta2_(beta2),
        eps_(eps) {}

  std::vector<float> m_, v_;
  bool rmsprop_;
  double beta1_, beta2_, eps_;  // RMSprop: beta2 is alpha
  int64_t step_ = 0;
};

}  // namespace hpo::trainer
