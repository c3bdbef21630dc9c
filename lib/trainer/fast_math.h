// The elementwise loops of the network passes and of Adam (plain floats, no torch). Each is
// compiled for AVX-512, AVX2 and baseline x86-64 and picked at load time by the CPU: the
// default build targets baseline x86-64, whose 4-wide SSE loops left half the update's
// non-GEMM time on the table. Results are the same from run to run on one machine; across
// CPUs they may differ in the last bits (FMA or not), as OpenBLAS's per-CPU kernels do.
#pragma once

#include <cstdint>

namespace hpo::trainer {

/// x[i] = tanh(x[i]), within ~2 ulp of std::tanh (a scalar libm call, ~15x slower).
void TanhInPlace(float* x, int64_t n);

/// d[i] *= 1 - y[i]^2: back through tanh, given its outputs y.
void TanhBackward(const float* y, float* d, int64_t n);

/// out[c] = sum over rows of d[r, c], for d [rows, cols]: a bias gradient.
void ColumnSums(const float* d, int64_t rows, int cols, float* out);

/// sum of x[i]^2 in double, over 16 fixed partial sums (the same order on every CPU; one
/// running sum is a chain of dependent adds, ~4 cycles each).
double SumOfSquares(const float* x, int64_t n);

/// One Adam step (torch::optim::Adam's arithmetic) after scaling the gradients by
/// `grad_scale`; the scaled gradients are written back.
void AdamUpdate(float* params, float* grads, float* m, float* v, int64_t n, float grad_scale,
                float beta1, float beta2, float step_size, float inv_sqrt_bias2, float eps);

}  // namespace hpo::trainer
