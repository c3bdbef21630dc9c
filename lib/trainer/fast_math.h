// Elementwise math for the hand-written network passes (plain floats, no torch).
#pragma once

#include <cstdint>

namespace hpo::trainer {

/// x[i] = tanh(x[i]) for n floats, within ~2 ulp of std::tanh, vectorised (std::tanh is a
/// scalar libm call: ~10x slower, and a 64-wide MLP spends most of its non-GEMM time here).
/// Branch-free, the same operations in every lane, so every CPU gets the same bits.
void TanhInPlace(float* x, int64_t n);

}  // namespace hpo::trainer
