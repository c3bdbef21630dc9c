#include "lib/trainer/actor_critic_net.h"

#include <cblas.h>

#include <algorithm>
#include <cmath>

#include "lib/trainer/fast_math.h"

namespace hpo::trainer {
namespace {

// C[m, n] (+)= A[m, k] * B[n, k]^T: a linear layer's pre-activation, x W^T.
void MultiplyTransposedB(const float* a, const float* b, float* c, int64_t m, int n, int k, int ldc,
                         float beta) {
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(m), n, k, 1.0f, a, k, b, k,
              beta, c, ldc);
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
      x[r * cols + c] = bias[c];  // inline: a memmove call per row costs more
  }
}

void EnsureSize(std::vector<float>& v, int64_t n) {
  if (static_cast<int64_t>(v.size()) < n) v.resize(static_cast<size_t>(n));
}

}  // namespace

ActorCriticNet::ActorCriticNet(int observation_size, const envs::ActionSpace& action_space,
                               const config::TrainerConfig& config)
    : observation_size_(observation_size),
      head_size_(action_space.n),
      shared_(config.shared_network),
      relu_(config.activation_fn == "relu") {
  // The order of ActorCriticImpl::parameters(): the module's own log_std first, then its
  // children as registered (actor trunk, critic trunk, policy head, value head); each Linear
  // holds its weight [out, in], then its bias.
  int64_t offset = 0;
  if (!action_space.discrete) {
    log_std_offset_ = offset;
    offset += head_size_;
  }
  auto add_layer = [&offset](int in, int out) {
    Layer layer{in, out, offset, offset + static_cast<int64_t>(in) * out};
    offset = layer.bias + out;
    return layer;
  };
  auto add_trunk = [&](std::vector<Layer>& trunk) {
    int width = observation_size;
    for (int64_t hidden : config.net_arch) {
      trunk.push_back(add_layer(width, static_cast<int>(hidden)));
      width = static_cast<int>(hidden);
    }
  };
  add_trunk(actor_);
  if (!shared_) add_trunk(critic_);
  const int features = static_cast<int>(config.net_arch.back());
  policy_head_ = add_layer(features, head_size_);
  value_head_ = add_layer(features, 1);
  parameter_count_ = offset;
}

void ActorCriticNet::RunTrunk(const float* params, const std::vector<Layer>& trunk,
                              const float* observations, int64_t batch,
                              std::vector<std::vector<float>>& hidden) const {
  hidden.resize(trunk.size());
  const float* input = observations;
  for (size_t l = 0; l < trunk.size(); ++l) {
    const Layer& layer = trunk[l];
    EnsureSize(hidden[l], batch * layer.out);
    float* out = hidden[l].data();
    FillRowsWithBias(out, params + layer.bias, batch, layer.out);
    MultiplyTransposedB(input, params + layer.weight, out, batch, layer.out, layer.in, layer.out,
                        1.0f);
    if (relu_) {
      for (int64_t i = 0; i < batch * layer.out; ++i) out[i] = std::max(out[i], 0.0f);
    } else {
      TanhInPlace(out, batch * layer.out);
    }
    input = out;
  }
}

void ActorCriticNet::RunHead(const float* params, const Layer& head, const float* features,
                             int64_t batch, float* out) const {
  FillRowsWithBias(out, params + head.bias, batch, head.out);
  MultiplyTransposedB(features, params + head.weight, out, batch, head.out, head.in, head.out,
                      1.0f);
}

void ActorCriticNet::Forward(const float* params, const float* observations, int64_t batch,
                             Activations& a) const {
  a.batch = batch;
  RunTrunk(params, actor_, observations, batch, a.actor);
  EnsureSize(a.head, batch * head_size_);
  RunHead(params, policy_head_, a.actor.back().data(), batch, a.head.data());
  const std::vector<std::vector<float>>& critic = shared_ ? a.actor : a.critic;
  if (!shared_) RunTrunk(params, critic_, observations, batch, a.critic);
  EnsureSize(a.value, batch);
  RunHead(params, value_head_, critic.back().data(), batch, a.value.data());
}

void ActorCriticNet::ForwardValue(const float* params, const float* observations, int64_t batch,
                                  Activations& a) const {
  a.batch = batch;
  std::vector<std::vector<float>>& critic = shared_ ? a.actor : a.critic;
  RunTrunk(params, shared_ ? actor_ : critic_, observations, batch, critic);
  EnsureSize(a.value, batch);
  RunHead(params, value_head_, critic.back().data(), batch, a.value.data());
}

void ActorCriticNet::BackwardHead(const float* params, const Layer& head, const float* features,
                                  const float* d_out, int64_t batch, float* d_features,
                                  bool accumulate, float* grads) const {
  MultiplyTransposedA(d_out, features, grads + head.weight, head.out, head.in, batch);
  ColumnSums(d_out, batch, head.out, grads + head.bias);
  Multiply(d_out, params + head.weight, d_features, batch, head.in, head.out,
           accumulate ? 1.0f : 0.0f);
}

void ActorCriticNet::BackwardTrunk(const float* params, const std::vector<Layer>& trunk,
                                   const float* observations,
                                   const std::vector<std::vector<float>>& hidden, int64_t batch,
                                   std::vector<float>& d_features, std::vector<float>& scratch,
                                   float* grads) const {
  for (size_t l = trunk.size(); l-- > 0;) {
    const Layer& layer = trunk[l];
    const float* h = hidden[l].data();
    float* d = d_features.data();  // on entry d_loss/d_h; turned into d_loss/d_pre-activation
    const int64_t n = batch * layer.out;
    if (relu_) {
      for (int64_t i = 0; i < n; ++i) d[i] = h[i] > 0.0f ? d[i] : 0.0f;
    } else {
      TanhBackward(h, d, n);
    }
    const float* input = l == 0 ? observations : hidden[l - 1].data();
    MultiplyTransposedA(d, input, grads + layer.weight, layer.out, layer.in, batch);
    ColumnSums(d, batch, layer.out, grads + layer.bias);
    if (l > 0) {
      EnsureSize(scratch, batch * layer.in);
      Multiply(d, params + layer.weight, scratch.data(), batch, layer.in, layer.out, 0.0f);
      d_features.swap(scratch);
    }
  }
}

void ActorCriticNet::Backward(const float* params, const float* observations, const Activations& a,
                              const float* d_head, const float* d_value, float* grads,
                              Activations& scratch) const {
  const int64_t batch = a.batch;
  const int features = policy_head_.in;
  EnsureSize(scratch.d_hidden, batch * features);
  BackwardHead(params, policy_head_, a.actor.back().data(), d_head, batch, scratch.d_hidden.data(),
               false, grads);
  if (shared_) {
    BackwardHead(params, value_head_, a.actor.back().data(), d_value, batch,
                 scratch.d_hidden.data(), true, grads);
    BackwardTrunk(params, actor_, observations, a.actor, batch, scratch.d_hidden,
                  scratch.d_hidden_next, grads);
    return;
  }
  BackwardTrunk(params, actor_, observations, a.actor, batch, scratch.d_hidden,
                scratch.d_hidden_next, grads);
  EnsureSize(scratch.d_value_features, batch * features);
  BackwardHead(params, value_head_, a.critic.back().data(), d_value, batch,
               scratch.d_value_features.data(), false, grads);
  BackwardTrunk(params, critic_, observations, a.critic, batch, scratch.d_value_features,
                scratch.d_hidden_next, grads);
}

}  // namespace hpo::trainer
