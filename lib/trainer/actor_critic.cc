#include "lib/trainer/actor_critic.h"

#include <cmath>

namespace hpo::trainer {
namespace {

void OrthogonalInit(torch::nn::Linear& layer, double gain) {
  torch::NoGradGuard no_grad;
  torch::nn::init::orthogonal_(layer->weight, gain);
  torch::nn::init::zeros_(layer->bias);
}

}  // namespace

torch::nn::Sequential ActorCriticImpl::MakeTrunk(int input, const config::TrainerConfig& config,
                                                 const std::string& name) {
  torch::nn::Sequential trunk;
  int width = input;
  for (int64_t hidden : config.net_arch) {
    torch::nn::Linear layer(width, static_cast<int>(hidden));
    if (config.ortho_init) OrthogonalInit(layer, std::sqrt(2.0));
    trunk->push_back(layer);
    if (config.activation_fn == "relu") {
      trunk->push_back(torch::nn::ReLU());
    } else {
      trunk->push_back(torch::nn::Tanh());
    }
    width = static_cast<int>(hidden);
  }
  return register_module(name, trunk);
}

ActorCriticImpl::ActorCriticImpl(int observation_size, const envs::ActionSpace& action_space,
                                 const config::TrainerConfig& config)
    : discrete_(action_space.discrete),
      action_dim_(action_space.n),
      shared_(config.shared_network) {
  const int last = static_cast<int>(config.net_arch.back());
  actor_trunk_ = MakeTrunk(observation_size, config, "actor");
  if (!shared_) critic_trunk_ = MakeTrunk(observation_size, config, "critic");
  policy_head_ = register_module("policy_head", torch::nn::Linear(last, action_dim_));
  value_head_ = register_module("value_head", torch::nn::Linear(last, 1));
  if (config.ortho_init) {
    OrthogonalInit(policy_head_, 0.01);  // near-uniform initial policy (SB3, CleanRL)
    OrthogonalInit(value_head_, 1.0);
  }
  if (!discrete_) {
    log_std_ = register_parameter("log_std", torch::full({action_dim_}, config.log_std_init));
  }
}

ActorCriticImpl::Output ActorCriticImpl::forward(const torch::Tensor& observations) {
  const torch::Tensor actor_features = actor_trunk_->forward(observations);
  const torch::Tensor critic_features =
      shared_ ? actor_features : critic_trunk_->forward(observations);
  return {policy_head_->forward(actor_features), value_head_->forward(critic_features).squeeze(-1)};
}

}  // namespace hpo::trainer
