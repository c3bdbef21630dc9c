#include "lib/trainer/sac_model.h"

#include <cmath>
#include <stdexcept>

#include "lib/trainer/model.h"
#include "lib/trainer/sac_net.h"

namespace hpo::trainer {
namespace {

// SB3's create_mlp: Linear + activation per hidden layer, PyTorch's default initialisation
// (SAC does not use ortho_init).
torch::nn::Sequential TorchMlp(int input, const config::TrainerConfig& config, int output) {
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

}  // namespace

SacActorImpl::SacActorImpl(int observation_size, int action_dim,
                           const config::TrainerConfig& config) {
  const int last = static_cast<int>(config.net_arch.back());
  trunk = register_module("trunk", TorchMlp(observation_size, config, 0));
  mu = register_module("mu", torch::nn::Linear(last, action_dim));
  log_std = register_module("log_std", torch::nn::Linear(last, action_dim));
}

SacCriticImpl::SacCriticImpl(int observation_size, int action_dim,
                             const config::TrainerConfig& config) {
  q1 = register_module("q1", TorchMlp(observation_size + action_dim, config, 1));
  q2 = register_module("q2", TorchMlp(observation_size + action_dim, config, 1));
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

std::vector<float> InitialSacParameters(int observation_size, const envs::ActionSpace& space,
                                        const config::TrainerConfig& config) {
  SacModel model(observation_size, space, config);
  const FlatParameters flat = Flatten(*model);
  if (flat.values.numel() != SacNet(observation_size, space.n, config).parameter_count()) {
    throw std::logic_error("SacNet's parameter layout does not match the torch module's");
  }
  const float* values = flat.values.data_ptr<float>();
  return {values, values + flat.values.numel()};
}

}  // namespace hpo::trainer
