#include "lib/trainer/actor_critic.h"

#include <cmath>
#include <numbers>

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

torch::Tensor ActorCriticImpl::Value(const torch::Tensor& observations) {
  const torch::Tensor features =
      shared_ ? actor_trunk_->forward(observations) : critic_trunk_->forward(observations);
  return value_head_->forward(features).squeeze(-1);
}

std::pair<torch::Tensor, torch::Tensor> ActorCriticImpl::LogProbAndEntropy(
    const Output& out, const torch::Tensor& actions) {
  if (discrete_) {
    const torch::Tensor log_probs = torch::log_softmax(out.policy, -1);
    const torch::Tensor log_prob = log_probs.gather(1, actions.unsqueeze(1)).squeeze(1);
    const torch::Tensor entropy = -(log_probs.exp() * log_probs).sum(-1);
    return {log_prob, entropy};
  }
  // Diagonal Gaussian: sum over action dimensions.
  static const double kHalfLog2Pi = 0.5 * std::log(2.0 * std::numbers::pi);
  const torch::Tensor z = (actions - out.policy) * torch::exp(-log_std_);
  const torch::Tensor log_prob = (-0.5 * z.pow(2) - log_std_ - kHalfLog2Pi).sum(-1);
  const torch::Tensor entropy = (0.5 + kHalfLog2Pi + log_std_).sum().expand({out.policy.size(0)});
  return {log_prob, entropy};
}

PpoLoss ComputePpoLoss(const torch::Tensor& log_prob, const torch::Tensor& old_log_prob,
                       const torch::Tensor& advantages, const torch::Tensor& values,
                       const torch::Tensor& old_values, const torch::Tensor& returns,
                       const torch::Tensor& entropy, double clip_range, double clip_range_vf,
                       double ent_coef, double vf_coef) {
  PpoLoss loss;
  const torch::Tensor log_ratio = log_prob - old_log_prob;
  const torch::Tensor ratio = log_ratio.exp();
  // clipped surrogate: the pessimistic of the unclipped and clipped objectives
  const torch::Tensor unclipped = advantages * ratio;
  const torch::Tensor clipped = advantages * ratio.clamp(1.0 - clip_range, 1.0 + clip_range);
  loss.policy_loss = -torch::min(unclipped, clipped).mean();
  // value loss, optionally with the prediction clipped around the rollout's value
  torch::Tensor predicted = values;
  if (clip_range_vf > 0)
    predicted = old_values + (values - old_values).clamp(-clip_range_vf, clip_range_vf);
  loss.value_loss = (returns - predicted).pow(2).mean();
  loss.entropy = entropy.mean();
  loss.total = loss.policy_loss + vf_coef * loss.value_loss - ent_coef * loss.entropy;
  {
    torch::NoGradGuard no_grad;
    // http://joschu.net/blog/kl-approx.html, as SB3 and CleanRL
    loss.approx_kl = ((ratio - 1) - log_ratio).mean();
    loss.clip_fraction = ((ratio - 1).abs() > clip_range).to(torch::kFloat).mean();
  }
  return loss;
}

}  // namespace hpo::trainer
