#include "lib/trainer/sac_net.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "lib/trainer/fast_math.h"

namespace hpo::trainer {
namespace {

// SB3's LOG_STD_MIN, LOG_STD_MAX
constexpr float kLogStdMin = -20, kLogStdMax = 2;
// SB3's epsilon in log(1 - tanh(u)^2 + epsilon)
constexpr float kTanhEpsilon = 1e-6f;

}  // namespace

SacNet::SacNet(int observation_size, int action_dim, const config::TrainerConfig& config)
    : observation_size_(observation_size), action_dim_(action_dim) {
  // SacModelImpl::parameters(): its own log_ent_coef, then actor (trunk, mean, log_std),
  // critic (q1, q2) and critic_target as registered.
  const Activation activation =
      config.activation_fn == "relu" ? Activation::kRelu : Activation::kTanh;
  const int features = static_cast<int>(config.net_arch.back());
  int64_t offset = 0;
  log_ent_coef_ = {offset, 1};
  offset += 1;
  trunk_ = AddMlp(offset, observation_size, config.net_arch, activation, false);
  mean_ = AddDenseLayer(offset, features, action_dim);
  log_std_ = AddDenseLayer(offset, features, action_dim);
  actor_region_ = {log_ent_coef_.size, offset - log_ent_coef_.size};

  std::vector<int64_t> q_widths = config.net_arch;
  q_widths.push_back(1);
  int64_t critic_size = 0;
  q1_ = AddMlp(critic_size, observation_size + action_dim, q_widths, activation, true);
  q2_ = AddMlp(critic_size, observation_size + action_dim, q_widths, activation, true);
  critic_region_ = {offset, critic_size};
  critic_target_region_ = {offset + critic_size, critic_size};
  parameter_count_ = offset + 2 * critic_size;
}

void SacNet::Trunk(const float* params, const float* observations, int64_t batch,
                   ActorPass& pass) const {
  pass.batch = batch;
  MlpForward(params, trunk_, observations, batch, pass.trunk);
  const int64_t n = batch * action_dim_;
  EnsureSize(pass.mean, n);
  DenseForward(params, mean_, pass.trunk.back().data(), batch, pass.mean.data());
}

void SacNet::Sample(const float* params, const float* observations, int64_t batch,
                    const float* noise, ActorPass& pass) const {
  Trunk(params, observations, batch, pass);
  const int64_t n = batch * action_dim_;
  for (std::vector<float>* v : {&pass.log_std, &pass.std, &pass.noise, &pass.actions}) {
    EnsureSize(*v, n);
  }
  EnsureSize(pass.log_prob, batch);
  DenseForward(params, log_std_, pass.trunk.back().data(), batch, pass.log_std.data());
  std::copy_n(noise, n, pass.noise.data());
  for (int64_t i = 0; i < n; ++i) {
    pass.std[i] = std::exp(std::clamp(pass.log_std[i], kLogStdMin, kLogStdMax));
    pass.actions[i] = pass.mean[i] + pass.std[i] * noise[i];
  }
  TanhInPlace(pass.actions.data(), n);
  // log N(u; mean, std) summed over the action's dimensions, minus log |d tanh(u) / du|
  const auto half_log_two_pi = static_cast<float>(0.5 * std::log(2 * std::numbers::pi));
  for (int64_t b = 0; b < batch; ++b) {
    float gaussian = 0, correction = 0;
    for (int64_t i = b * action_dim_; i < (b + 1) * action_dim_; ++i) {
      const float log_std = std::clamp(pass.log_std[i], kLogStdMin, kLogStdMax);
      gaussian += -0.5f * noise[i] * noise[i] - log_std - half_log_two_pi;
      correction += std::log(1.0f - pass.actions[i] * pass.actions[i] + kTanhEpsilon);
    }
    pass.log_prob[b] = gaussian - correction;
  }
}

void SacNet::Mode(const float* params, const float* observations, int64_t batch,
                  ActorPass& pass) const {
  Trunk(params, observations, batch, pass);
  const int64_t n = batch * action_dim_;
  EnsureSize(pass.actions, n);
  std::copy_n(pass.mean.data(), n, pass.actions.data());
  TanhInPlace(pass.actions.data(), n);
}

void SacNet::ActorBackward(const float* params, const float* observations, ActorPass& pass,
                           float* d_actions, float d_log_prob, float* grads) const {
  const int64_t batch = pass.batch, n = batch * action_dim_;
  EnsureSize(pass.d_head, n);
  float* d_mean = d_actions;  // turned into the gradient on the mean in place
  float* d_log_std = pass.d_head.data();
  for (int64_t i = 0; i < n; ++i) {
    const float a = pass.actions[i];
    // log_prob holds -log(1 - a^2 + eps); a = tanh(u), u = mean + std * noise
    const float d_a = d_actions[i] + d_log_prob * 2.0f * a / (1.0f - a * a + kTanhEpsilon);
    const float d_u = d_a * (1.0f - a * a);
    d_mean[i] = d_u;
    // log_prob holds -log_std directly; the clamp passes the gradient inside [min, max]
    const bool inside = pass.log_std[i] >= kLogStdMin && pass.log_std[i] <= kLogStdMax;
    d_log_std[i] = inside ? d_u * pass.std[i] * pass.noise[i] - d_log_prob : 0.0f;
  }
  const float* features = pass.trunk.back().data();
  EnsureSize(pass.d_features, batch * mean_.in);
  DenseBackward(params, mean_, features, d_mean, batch, grads, pass.d_features.data(), false);
  DenseBackward(params, log_std_, features, d_log_std, batch, grads, pass.d_features.data(), true);
  MlpBackward(params, trunk_, observations, pass.trunk, batch, pass.d_features, pass.d_scratch,
              grads, nullptr);
}

void SacNet::Critic(const float* params, const FlatRegion& region, const float* observations,
                    const float* actions, int64_t batch, CriticPass& pass) const {
  const int width = observation_size_ + action_dim_;
  pass.batch = batch;
  EnsureSize(pass.input, batch * width);
  for (int64_t b = 0; b < batch; ++b) {
    float* row = pass.input.data() + b * width;
    std::copy_n(observations + b * observation_size_, observation_size_, row);
    std::copy_n(actions + b * action_dim_, action_dim_, row + observation_size_);
  }
  const float* base = params + region.offset;
  MlpForward(base, q1_, pass.input.data(), batch, pass.q1_layers);
  MlpForward(base, q2_, pass.input.data(), batch, pass.q2_layers);
}

void SacNet::CriticBackward(const float* params, const FlatRegion& region, CriticPass& pass,
                            const float* d_q1, const float* d_q2, float* grads,
                            float* d_actions) const {
  const int64_t batch = pass.batch;
  const int width = observation_size_ + action_dim_;
  const float* base = params + region.offset;
  float* grads_base = grads == nullptr ? nullptr : grads + region.offset;
  if (d_actions != nullptr) std::fill_n(d_actions, batch * action_dim_, 0.0f);
  for (const auto& [q, layers, d_q] :
       {std::tuple{&q1_, &pass.q1_layers, d_q1}, std::tuple{&q2_, &pass.q2_layers, d_q2}}) {
    EnsureSize(pass.d, batch);
    std::copy_n(d_q, batch, pass.d.data());
    EnsureSize(pass.d_input, batch * width);
    MlpBackward(base, *q, pass.input.data(), *layers, batch, pass.d, pass.d_scratch, grads_base,
                d_actions == nullptr ? nullptr : pass.d_input.data());
    if (d_actions == nullptr) continue;
    for (int64_t b = 0; b < batch; ++b) {
      for (int j = 0; j < action_dim_; ++j) {
        d_actions[b * action_dim_ + j] += pass.d_input[b * width + observation_size_ + j];
      }
    }
  }
}

void ScaleToEnv(const envs::ActionSpace& space, const float* unit_actions, int64_t count,
                float* env_actions) {
  for (int64_t i = 0; i < count; ++i) {
    env_actions[i] = space.low + 0.5f * (unit_actions[i] + 1.0f) * (space.high - space.low);
  }
}

}  // namespace hpo::trainer
