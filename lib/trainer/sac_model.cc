#include "lib/trainer/sac_model.h"

#include <cmath>

namespace hpo::trainer {
namespace {

// SB3's create_mlp: Linear + activation per hidden layer, PyTorch's default initialisation
// (SAC does not use ortho_init).
torch::nn::Sequential Mlp(int input, const config::TrainerConfig& config, int output) {
  torch::nn::Sequential mlp;
  int width = input;
  for (int64_t hidden : config.net_arch) {
    mlp->push_back(torch::nn::Linear(width, static_cast<int>(hidden)));
    if (config.activation_fn == "relu") {
      mlp->push_back(torch::nn::ReLU());
    } else {
      mlp->push_back(torch::nn::Tanh());
    }
    width = static_cast<int>(hidden);
  }
  if (output > 0) mlp->push_back(torch::nn::Linear(width, output));
  return mlp;
}

// SB3's LOG_STD_MIN, LOG_STD_MAX
constexpr double kLogStdMin = -20, kLogStdMax = 2;

}  // namespace

SacActorImpl::SacActorImpl(int observation_size, int action_dim,
                           const config::TrainerConfig& config) {
  const int last = static_cast<int>(config.net_arch.back());
  trunk_ = register_module("trunk", Mlp(observation_size, config, 0));
  mu_ = register_module("mu", torch::nn::Linear(last, action_dim));
  log_std_ = register_module("log_std", torch::nn::Linear(last, action_dim));
}

std::pair<torch::Tensor, torch::Tensor> SacActorImpl::MeanAndLogStd(
    const torch::Tensor& observations) {
  const torch::Tensor features = trunk_->forward(observations);
  return {mu_->forward(features),
          torch::clamp(log_std_->forward(features), kLogStdMin, kLogStdMax)};
}

std::pair<torch::Tensor, torch::Tensor> SacActorImpl::Sample(const torch::Tensor& observations) {
  const auto [mean, log_std] = MeanAndLogStd(observations);
  const torch::Tensor std = log_std.exp();
  const torch::Tensor noise = torch::randn_like(mean);
  const torch::Tensor gaussian = mean + std * noise;
  const torch::Tensor action = torch::tanh(gaussian);
  // log N(gaussian; mean, std) summed over dimensions, minus log |d tanh / du| (SB3's 1e-6)
  const torch::Tensor log_prob =
      (-0.5 * noise.pow(2) - log_std - 0.5 * std::log(2 * M_PI)).sum(-1) -
      torch::log(1 - action.pow(2) + 1e-6).sum(-1);
  return {action, log_prob};
}

torch::Tensor SacActorImpl::Mode(const torch::Tensor& observations) {
  return torch::tanh(MeanAndLogStd(observations).first);
}

SacCriticImpl::SacCriticImpl(int observation_size, int action_dim,
                             const config::TrainerConfig& config) {
  q1_ = register_module("q1", Mlp(observation_size + action_dim, config, 1));
  q2_ = register_module("q2", Mlp(observation_size + action_dim, config, 1));
}

std::pair<torch::Tensor, torch::Tensor> SacCriticImpl::forward(const torch::Tensor& observations,
                                                               const torch::Tensor& actions) {
  const torch::Tensor input = torch::cat({observations, actions}, 1);
  return {q1_->forward(input).squeeze(-1), q2_->forward(input).squeeze(-1)};
}

SacModelImpl::SacModelImpl(int observation_size, const envs::ActionSpace& space,
                           const config::TrainerConfig& config) {
  actor = register_module("actor", SacActor(observation_size, space.n, config));
  critic = register_module("critic", SacCritic(observation_size, space.n, config));
  critic_target = register_module("critic_target", SacCritic(observation_size, space.n, config));
  log_ent_coef = register_parameter("log_ent_coef", torch::full({1}, std::log(config.ent_coef)));
  torch::NoGradGuard no_grad;
  const std::vector<torch::Tensor> source = critic->parameters(),
                                   target = critic_target->parameters();
  for (size_t i = 0; i < source.size(); ++i) target[i].copy_(source[i]);
}

void ScaleToEnv(const envs::ActionSpace& space, const float* unit_actions, int64_t count,
                float* env_actions) {
  for (int64_t i = 0; i < count; ++i) {
    env_actions[i] = space.low + 0.5f * (unit_actions[i] + 1.0f) * (space.high - space.low);
  }
}

}  // namespace hpo::trainer
