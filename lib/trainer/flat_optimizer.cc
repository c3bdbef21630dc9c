#include "lib/trainer/flat_optimizer.h"

#include <cmath>

#include "lib/trainer/fast_math.h"

namespace hpo::trainer {

double FlatOptimizer::Step(std::span<float> params, std::span<float> grads, double lr,
                           double max_norm) {
  const double norm = std::sqrt(SumOfSquares(grads.data(), static_cast<int64_t>(grads.size())));
  // clip_grad_norm_: scale by max_norm / (norm + 1e-6) when that is below 1
  const double clip = max_norm > 0 ? max_norm / (norm + 1e-6) : 1.0;
  const float grad_scale = clip < 1.0 ? static_cast<float>(clip) : 1.0f;

  ++step_;
  if (rmsprop_) {  // square_avg = alpha sa + (1 - alpha) g^2; p -= lr g / (sqrt(sa) + eps)
    const auto alpha = static_cast<float>(beta2_), eps = static_cast<float>(eps_),
               step = static_cast<float>(lr);
    for (size_t i = 0; i < params.size(); ++i) {
      const float g = grads[i] * grad_scale;
      grads[i] = g;
      v_[i] = alpha * v_[i] + (1.0f - alpha) * g * g;
      params[i] -= step * g / (std::sqrt(v_[i]) + eps);
    }
    return norm;
  }
  const double bias1 = 1.0 - std::pow(beta1_, static_cast<double>(step_));
  const double bias2 = 1.0 - std::pow(beta2_, static_cast<double>(step_));
  AdamUpdate(params.data(), grads.data(), m_.data(), v_.data(), static_cast<int64_t>(params.size()),
             grad_scale, static_cast<float>(beta1_), static_cast<float>(beta2_),
             static_cast<float>(lr / bias1), static_cast<float>(1.0 / std::sqrt(bias2)),
             static_cast<float>(eps_));
  return norm;
}

}  // namespace hpo::trainer
