// Linear layers and MLPs over the flat parameter buffer, forward and backward by hand: one BLAS
// call per product (the OpenBLAS sgemm LibTorch itself calls) plus one fused loop, on buffers
// that grow once and are reused. PPO's actor-critic (actor_critic_net.h) and SAC's networks
// (sac_net.h) are built from these; the torch modules only create and initialise the
// parameters and are the tests' autograd reference.
//
// Why not autograd: a 64-wide MLP on a minibatch of 64 is ~1.8M multiply-adds, a few
// microseconds of arithmetic, but autograd and the ATen dispatcher spend ~1-3 us on each of the
// ~60 ops of a forward, backward and optimizer step (docs/benchmarks.md).
#pragma once

#include <cstdint>
#include <vector>

namespace hpo::trainer {

/// One torch::nn::Linear in the flat parameters: its weight [out, in], then its bias [out].
struct DenseLayer {
  int in = 0, out = 0;
  int64_t weight = 0, bias = 0;  ///< offsets into the flat parameters
};

/// Lays out a layer `in -> out` at `offset` (weight, then bias, as torch registers them) and
/// moves `offset` past it.
DenseLayer AddDenseLayer(int64_t& offset, int in, int out);

enum class Activation { kTanh, kRelu };

/// Linear layers, each followed by the activation but for the last when `linear_output`.
struct Mlp {
  std::vector<DenseLayer> layers;
  Activation activation = Activation::kTanh;
  bool linear_output = false;  ///< the last layer is a head (a Q value), not a hidden layer
};

/// Lays out torch's Linear stack from `input` through `widths` at `offset`.
Mlp AddMlp(int64_t& offset, int input, const std::vector<int64_t>& widths, Activation activation,
           bool linear_output);

/// out [batch, layer.out] = input [batch, layer.in] W^T + b.
void DenseForward(const float* params, const DenseLayer& layer, const float* input, int64_t batch,
                  float* out);

/// The layer's gradients given d_out [batch, out], the gradient on its output: weight and bias
/// gradients written to `grads` (same layout as the parameters; skipped when null), and
/// d_input [batch, in] = d_out W when not null, added to what it holds when `accumulate`.
void DenseBackward(const float* params, const DenseLayer& layer, const float* input,
                   const float* d_out, int64_t batch, float* grads, float* d_input,
                   bool accumulate);

/// outputs[l] = layer l's output [batch, out] (after its activation); resized as needed.
void MlpForward(const float* params, const Mlp& mlp, const float* input, int64_t batch,
                std::vector<std::vector<float>>& outputs);

/// Back through every layer of `mlp`. On entry `d` holds the gradient on the last output
/// [batch, out]; it is used up as scratch, as is `scratch`. Weight and bias gradients go to
/// `grads` (skipped when null); the gradient on `input` [batch, in] to `d_input` when not null.
void MlpBackward(const float* params, const Mlp& mlp, const float* input,
                 const std::vector<std::vector<float>>& outputs, int64_t batch,
                 std::vector<float>& d, std::vector<float>& scratch, float* grads, float* d_input);

/// Grows `v` to at least `n` elements (never shrinks: the buffers keep their largest size).
void EnsureSize(std::vector<float>& v, int64_t n);

}  // namespace hpo::trainer
