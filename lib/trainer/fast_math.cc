#include "lib/trainer/fast_math.h"

#include <bit>
#include <cmath>
#include <cstdint>

// Compiled for three instruction sets, picked at load time by the CPU.
#define HPO_VECTOR_CLONES \
  __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))

namespace hpo::trainer {

// tanh|x| = -expm1(-2|x|) / (2 + expm1(-2|x|)): expm1 keeps full relative precision near 0,
// where 1 - exp(-2|x|) would cancel. expm1(y) = 2^k (1 + p) - 1 with y = k ln2 + r,
// |r| <= ln2 / 2 and p = expm1(r) by its Taylor series to r^7 (relative truncation < 4e-8,
// under one float ulp).
HPO_VECTOR_CLONES void TanhInPlace(float* x, int64_t n) {
  constexpr float kLog2e = 1.44269504088896341f;
  constexpr float kLn2Hi = 0.693145751953125f;  // ln 2 split so k * kLn2Hi is exact
  constexpr float kLn2Lo = 1.42860682030941723212e-6f;
  for (int64_t i = 0; i < n; ++i) {
    const float v = x[i];
    float a = v < 0.0f ? -v : v;
    a = a < 9.0f ? a : 9.0f;  // tanh(9) rounds to 1 in float
    const float y = -2.0f * a;
    const int32_t k = static_cast<int32_t>(y * kLog2e - 0.5f);  // round to nearest (y <= 0)
    const float kf = static_cast<float>(k);
    const float r = (y - kf * kLn2Hi) - kf * kLn2Lo;
    float p = 1.0f / 5040.0f;
    p = p * r + 1.0f / 720.0f;
    p = p * r + 1.0f / 120.0f;
    p = p * r + 1.0f / 24.0f;
    p = p * r + 1.0f / 6.0f;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r;  // expm1(r)
    const float two_k = std::bit_cast<float>((k + 127) << 23);
    const float e = two_k * p + (two_k - 1.0f);  // expm1(y)
    const float t = -e / (2.0f + e);
    x[i] = v < 0.0f ? -t : t;
  }
}

HPO_VECTOR_CLONES void TanhBackward(const float* y, float* d, int64_t n) {
  for (int64_t i = 0; i < n; ++i) d[i] *= 1.0f - y[i] * y[i];
}

HPO_VECTOR_CLONES void ColumnSums(const float* d, int64_t rows, int cols, float* out) {
  for (int c = 0; c < cols; ++c) out[c] = 0.0f;
  for (int64_t r = 0; r < rows; ++r) {
    const float* row = d + r * cols;
    for (int c = 0; c < cols; ++c) out[c] += row[c];
  }
}

HPO_VECTOR_CLONES double SumOfSquares(const float* x, int64_t n) {
  constexpr int kLanes = 16;
  double lanes[kLanes] = {};
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    for (int j = 0; j < kLanes; ++j) lanes[j] += static_cast<double>(x[i + j]) * x[i + j];
  }
  for (; i < n; ++i) lanes[0] += static_cast<double>(x[i]) * x[i];
  double sum = 0.0;
  for (double lane : lanes) sum += lane;
  return sum;
}

HPO_VECTOR_CLONES void AdamUpdate(float* __restrict params, float* __restrict grads,
                                  float* __restrict m, float* __restrict v, int64_t n,
                                  float grad_scale, float beta1, float beta2, float step_size,
                                  float inv_sqrt_bias2, float eps) {
  for (int64_t i = 0; i < n; ++i) {
    const float g = grads[i] * grad_scale;
    grads[i] = g;
    m[i] = m[i] * beta1 + g * (1.0f - beta1);
    v[i] = v[i] * beta2 + (1.0f - beta2) * g * g;
    params[i] -= step_size * m[i] / (std::sqrt(v[i]) * inv_sqrt_bias2 + eps);
  }
}

}  // namespace hpo::trainer
