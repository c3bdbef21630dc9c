#include "lib/trainer/dense_layer.h"

#include <cblas.h>

#include <algorithm>

#include "lib/trainer/fast_math.h"

namespace hpo::trainer {
namespace {

// C[m, n] (+)= A[m, k] * B[n, k]^T: a linear layer's pre-activation, x W^T.
void MultiplyTransposedB(const float* a, const float* b, float* c, int64_t m, int n, int k,
                         float beta) {
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(m), n, k, 1.0f, a, k, b, k,
              beta, c, n);
}
// C[m, n] = A[k, m]^T * B[k, n]: a weight gradient, d_pre^T x.
void MultiplyTransposedA(const float* a, const float* b, float* c, int m, int n, int64_t k) {
  cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, m, n, static_cast<int>(k), 1.0f, a, m, b, n,
              0.0f, c, n);
}
// C[m, n] (+)= A[m, k] * B[k, n]: the gradient flowing into a layer's input, d_pre W.
void Multiply(const float* a, const float* b, float* c, int64_t m, int n, int k, float beta) {
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<int>(m), n, k, 1.0f, a, k, b,
              n, beta, c, n);
}

// Every row of x [rows, cols] set to the bias: the GEMM then adds x W^T onto it (beta = 1,
// which also spares OpenBLAS clearing the output first).
void FillRowsWithBias(float* x, const float* bias, int64_t rows, int cols) {
  for (int64_t r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c)
      x[r * cols + c] = bias[c];  // inline: a memmove per row costs more
  }
}

void Activate(Activation activation, float* x, int64_t n) {
  if (activation == Activation::kRelu) {
    for (int64_t i = 0; i < n; ++i) x[i] = std::max(x[i], 0.0f);
  } else {
    TanhInPlace(x, n);
  }
}

// d, the gradient on the activation's output y, becomes the gradient on its input.
void ActivationBackward(Activation activation, const float* y, float* d, int64_t n) {
  if (activation == Activation::kRelu) {
    for (int64_t i = 0; i < n; ++i) d[i] = y[i] > 0.0f ? d[i] : 0.0f;
  } else {
    TanhBackward(y, d, n);
  }
}

}  // namespace

DenseLayer AddDenseLayer(int64_t& offset, int in, int out) {
  const DenseLayer layer{in, out, offset, offset + static_cast<int64_t>(in) * out};
  offset = layer.bias + out;
  return layer;
}

Mlp AddMlp(int64_t& offset, int input, const std::vector<int64_t>& widths, Activation activation,
           bool linear_output) {
  Mlp mlp{{}, activation, linear_output};
  mlp.layers.reserve(widths.size());
  int width = input;
  for (int64_t next : widths) {
    mlp.layers.push_back(AddDenseLayer(offset, width, static_cast<int>(next)));
    width = static_cast<int>(next);
  }
  return mlp;
}

void EnsureSize(std::vector<float>& v, int64_t n) {
  if (static_cast<int64_t>(v.size()) < n) v.resize(static_cast<size_t>(n));
}

void DenseForward(const float* params, const DenseLayer& layer, const float* input, int64_t batch,
                  float* out) {
  FillRowsWithBias(out, params + layer.bias, batch, layer.out);
  MultiplyTransposedB(input, params + layer.weight, out, batch, layer.out, layer.in, 1.0f);
}

void DenseBackward(const float* params, const DenseLayer& layer, const float* input,
                   const float* d_out, int64_t batch, float* grads, float* d_input,
                   bool accumulate) {
  if (grads != nullptr) {
    MultiplyTransposedA(d_out, input, grads + layer.weight, layer.out, layer.in, batch);
    ColumnSums(d_out, batch, layer.out, grads + layer.bias);
  }
  if (d_input != nullptr) {
    Multiply(d_out, params + layer.weight, d_input, batch, layer.in, layer.out,
             accumulate ? 1.0f : 0.0f);
  }
}

void MlpForward(const float* params, const Mlp& mlp, const float* input, int64_t batch,
                std::vector<std::vector<float>>& outputs) {
  outputs.resize(mlp.layers.size());
  for (size_t l = 0; l < mlp.layers.size(); ++l) {
    const DenseLayer& layer = mlp.layers[l];
    EnsureSize(outputs[l], batch * layer.out);
    float* out = outputs[l].data();
    DenseForward(params, layer, input, batch, out);
    if (!mlp.linear_output || l + 1 < mlp.layers.size()) {
      Activate(mlp.activation, out, batch * layer.out);
    }
    input = out;
  }
}

void MlpBackward(const float* params, const Mlp& mlp, const float* input,
                 const std::vector<std::vector<float>>& outputs, int64_t batch,
                 std::vector<float>& d, std::vector<float>& scratch, float* grads, float* d_input) {
  for (size_t l = mlp.layers.size(); l-- > 0;) {
    const DenseLayer& layer = mlp.layers[l];
    if (!mlp.linear_output || l + 1 < mlp.layers.size()) {  // d: from d/d output to d/d pre
      ActivationBackward(mlp.activation, outputs[l].data(), d.data(), batch * layer.out);
    }
    const float* layer_input = l == 0 ? input : outputs[l - 1].data();
    if (l == 0) {
      DenseBackward(params, layer, layer_input, d.data(), batch, grads, d_input, false);
      return;
    }
    EnsureSize(scratch, batch * layer.in);
    DenseBackward(params, layer, layer_input, d.data(), batch, grads, scratch.data(), false);
    d.swap(scratch);
  }
}

}  // namespace hpo::trainer
