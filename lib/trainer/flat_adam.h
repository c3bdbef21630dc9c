// Adam over one flat buffer of parameters with global gradient-norm clipping, as
// torch::optim::Adam plus torch::nn::utils::clip_grad_norm_ compute them, in one loop.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace hpo::trainer {

class FlatAdam {
 public:
  FlatAdam(int64_t size, double beta1, double beta2, double eps)
      : m_(static_cast<size_t>(size)), v_(static_cast<size_t>(size)), beta1_(beta1), beta2_(beta2), eps_(eps) {}

  /// Scales `grads` down to a global L2 norm of at most `max_norm` (if max_norm > 0), then
  /// takes one Adam step on `params` with step size `lr`. Returns the norm before clipping.
  double Step(std::span<float> params, std::span<float> grads, double lr, double max_norm);

  std::vector<float>& m() { return m_; }  ///< first moments (checkpointed)
  std::vector<float>& v() { return v_; }  ///< second moments (checkpointed)
  int64_t& step() { return step_; }

 private:
  std::vector<float> m_, v_;
  double beta1_, beta2_, eps_;
  int64_t step_ = 0;
};

}  // namespace hpo::trainer
