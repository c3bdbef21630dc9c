#include "lib/trainer/flat_adam.h"

#include <cmath>

namespace hpo::trainer {

double FlatAdam::Step(std::span<float> params, std::span<float> grads, double lr, double max_norm) {
  double sum_squares = 0.0;
  for (float g : grads) sum_squares += static_cast<double>(g) * g;
  const double norm = std::sqrt(sum_squares);
  // clip_grad_norm_: scale by max_norm / (norm + 1e-6) when that is below 1
  const double clip = max_norm > 0 ? max_norm / (norm + 1e-6) : 1.0;
  const float grad_scale = clip < 1.0 ? static_cast<float>(clip) : 1.0f;

  ++step_;
  const double bias1 = 1.0 - std::pow(kBeta1, static_cast<double>(step_));
  const double bias2 = 1.0 - std::pow(kBeta2, static_cast<double>(step_));
  const float beta1 = static_cast<float>(kBeta1), beta2 = static_cast<float>(kBeta2);
  const float step_size = static_cast<float>(lr / bias1);
  const float inv_sqrt_bias2 = static_cast<float>(1.0 / std::sqrt(bias2));
  const float eps = static_cast<float>(eps_);
  float* p = params.data();
  float* g = grads.data();
  float* m = m_.data();
  float* v = v_.data();
  const size_t n = params.size();
  for (size_t i = 0; i < n; ++i) {
    const float gi = g[i] * grad_scale;
    g[i] = gi;
    m[i] = m[i] * beta1 + gi * (1.0f - beta1);
    v[i] = v[i] * beta2 + (1.0f - beta2) * gi * gi;
    p[i] -= step_size * m[i] / (std::sqrt(v[i]) * inv_sqrt_bias2 + eps);
  }
  return norm;
}

}  // namespace hpo::trainer
