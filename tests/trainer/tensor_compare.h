// Comparing the hand-written passes' numbers with LibTorch's in the trainer tests.
#pragma once

#include <torch/torch.h>

#include <cmath>
#include <vector>

namespace hpo::trainer {

/// A float tensor's values, in order.
inline std::vector<float> VectorOf(const torch::Tensor& t) {
  const torch::Tensor c = t.contiguous();
  return {c.data_ptr<float>(), c.data_ptr<float>() + c.numel()};
}

/// ||a - b|| / ||b||
inline double RelativeError(const std::vector<float>& a, const std::vector<float>& b) {
  double diff = 0, norm = 0;
  for (size_t i = 0; i < a.size(); ++i) diff += (a[i] - b[i]) * (a[i] - b[i]), norm += b[i] * b[i];
  return std::sqrt(diff / norm);
}

}  // namespace hpo::trainer
