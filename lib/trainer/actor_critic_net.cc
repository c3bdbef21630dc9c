#include "lib/trainer/actor_critic_net.h"

namespace hpo::trainer {

ActorCriticNet::ActorCriticNet(int observation_size, const envs::ActionSpace& action_space,
                               const config::TrainerConfig& config)
    : head_size_(action_space.n), shared_(config.shared_network) {
  // The order of ActorCriticImpl::parameters(): the module's own log_std first, then its
  // children as registered (actor trunk, critic trunk, policy head, value head); each Linear
  // holds its weight [out, in], then its bias.
  int64_t offset = 0;
  if (!action_space.discrete) {
    log_std_offset_ = offset;
    offset += head_size_;
  }
  const Activation activation =
      config.activation_fn == "relu" ? Activation::kRelu : Activation::kTanh;
  actor_ = AddMlp(offset, observation_size, config.net_arch, activation, false);
  if (!shared_) critic_ = AddMlp(offset, observation_size, config.net_arch, activation, false);
  const int features = static_cast<int>(config.net_arch.back());
  policy_head_ = AddDenseLayer(offset, features, head_size_);
  value_head_ = AddDenseLayer(offset, features, 1);
  parameter_count_ = offset;
}

void ActorCriticNet::Forward(const float* params, const float* observations, int64_t batch,
                             Activations& a) const {
  a.batch = batch;
  MlpForward(params, actor_, observations, batch, a.actor);
  EnsureSize(a.head, batch * head_size_);
  DenseForward(params, policy_head_, a.actor.back().data(), batch, a.head.data());
  const std::vector<std::vector<float>>& critic = shared_ ? a.actor : a.critic;
  if (!shared_) MlpForward(params, critic_, observations, batch, a.critic);
  EnsureSize(a.value, batch);
  DenseForward(params, value_head_, critic.back().data(), batch, a.value.data());
}

void ActorCriticNet::ForwardValue(const float* params, const float* observations, int64_t batch,
                                  Activations& a) const {
  a.batch = batch;
  std::vector<std::vector<float>>& critic = shared_ ? a.actor : a.critic;
  MlpForward(params, shared_ ? actor_ : critic_, observations, batch, critic);
  EnsureSize(a.value, batch);
  DenseForward(params, value_head_, critic.back().data(), batch, a.value.data());
}

void ActorCriticNet::Backward(const float* params, const float* observations, const Activations& a,
                              const float* d_head, const float* d_value, float* grads,
                              Activations& scratch) const {
  const int64_t batch = a.batch;
  const int features = policy_head_.in;
  EnsureSize(scratch.d_hidden, batch * features);
  DenseBackward(params, policy_head_, a.actor.back().data(), d_head, batch, grads,
                scratch.d_hidden.data(), false);
  if (shared_) {
    DenseBackward(params, value_head_, a.actor.back().data(), d_value, batch, grads,
                  scratch.d_hidden.data(), true);
    MlpBackward(params, actor_, observations, a.actor, batch, scratch.d_hidden,
                scratch.d_hidden_next, grads, nullptr);
    return;
  }
  MlpBackward(params, actor_, observations, a.actor, batch, scratch.d_hidden, scratch.d_hidden_next,
              grads, nullptr);
  EnsureSize(scratch.d_value_features, batch * features);
  DenseBackward(params, value_head_, a.critic.back().data(), d_value, batch, grads,
                scratch.d_value_features.data(), false);
  MlpBackward(params, critic_, observations, a.critic, batch, scratch.d_value_features,
              scratch.d_hidden_next, grads, nullptr);
}

}  // namespace hpo::trainer
