#include "tests/trainer/sac_torch_reference.h"

#include <cmath>
#include <numbers>

namespace hpo::trainer::reference {
namespace {

torch::Tensor Rows(const std::vector<float>& values, int64_t rows, int64_t width) {
  return torch::from_blob(const_cast<float*>(values.data()), {rows, width}).clone();
}

torch::optim::AdamOptions AdamOf(const config::TrainerConfig& c) {
  return torch::optim::AdamOptions(c.learning_rate)
      .betas({c.adam_beta1, c.adam_beta2})
      .eps(c.adam_eps);
}

void SetLearningRate(torch::optim::Adam& optimizer, double lr) {
  for (auto& group : optimizer.param_groups()) {
    static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
  }
}

// Optimizer::zero_grad detaches the gradients in place, which views (Flatten's) refuse.
void ZeroGrads(const std::vector<torch::Tensor>& params) {
  for (const torch::Tensor& p : params) {
    if (p.grad().defined()) p.grad().zero_();
  }
}

}  // namespace

SacBatch TensorsOf(const ReplayBatch& b, int observation_size, int action_dim) {
  return {Rows(b.observations, b.size, observation_size), Rows(b.actions, b.size, action_dim),
          Rows(b.rewards, b.size, 1).squeeze(1),
          Rows(b.next_observations, b.size, observation_size),
          Rows(b.terminated, b.size, 1).squeeze(1)};
}

std::pair<torch::Tensor, torch::Tensor> SacSample(SacActorImpl& actor,
                                                  const torch::Tensor& observations,
                                                  const torch::Tensor& noise) {
  const torch::Tensor features = actor.trunk->forward(observations);
  const torch::Tensor mean = actor.mu->forward(features);
  const torch::Tensor log_std = torch::clamp(actor.log_std->forward(features), -20, 2);
  const torch::Tensor action = torch::tanh(mean + log_std.exp() * noise);
  // log N(u; mean, std) with u - mean = std * noise, minus log |d tanh / du| (SB3's 1e-6)
  const torch::Tensor log_prob =
      (-0.5 * noise.pow(2) - log_std - 0.5 * std::log(2 * std::numbers::pi)).sum(-1) -
      torch::log(1 - action.pow(2) + 1e-6).sum(-1);
  return {action, log_prob};
}

std::pair<torch::Tensor, torch::Tensor> SacQ(SacCriticImpl& critic,
                                             const torch::Tensor& observations,
                                             const torch::Tensor& actions) {
  const torch::Tensor input = torch::cat({observations, actions}, 1);
  return {critic.q1->forward(input).squeeze(-1), critic.q2->forward(input).squeeze(-1)};
}

torch::Tensor SacCriticLoss(SacModelImpl& model, const SacBatch& b, const torch::Tensor& next_noise,
                            double ent_coef, double gamma) {
  torch::Tensor target_q;
  {
    torch::NoGradGuard no_grad;
    auto [next_actions, next_log_prob] = SacSample(*model.actor, b.next_observations, next_noise);
    auto [q1, q2] = SacQ(*model.critic_target, b.next_observations, next_actions);
    const torch::Tensor next_q = torch::min(q1, q2) - ent_coef * next_log_prob;
    target_q = b.rewards + (1 - b.terminated) * gamma * next_q;
  }
  auto [q1, q2] = SacQ(*model.critic, b.observations, b.actions);
  return 0.5 * (torch::mse_loss(q1, target_q) + torch::mse_loss(q2, target_q));
}

torch::Tensor SacActorLoss(SacModelImpl& model, const SacBatch& b, const torch::Tensor& noise,
                           double ent_coef) {
  auto [actions, log_prob] = SacSample(*model.actor, b.observations, noise);
  auto [q1, q2] = SacQ(*model.critic, b.observations, actions);
  return (ent_coef * log_prob - torch::min(q1, q2)).mean();
}

SacStep::SacStep(SacModel model, const config::TrainerConfig& config, int action_dim)
    : model_(std::move(model)),
      c_(config),
      target_entropy_(-action_dim),
      actor_optimizer_(model_->actor->parameters(), AdamOf(config)),
      critic_optimizer_(model_->critic->parameters(), AdamOf(config)),
      ent_coef_optimizer_(std::vector<torch::Tensor>{model_->log_ent_coef}, AdamOf(config)) {}

// SB3's order: the entropy coefficient from the actor's sample (and one step on its loss), the
// critics, the actor against the critics just updated, then the Polyak step.
void SacStep::Step(const SacBatch& b, const torch::Tensor& noise, const torch::Tensor& next_noise,
                   double lr) {
  for (torch::optim::Adam* optimizer :
       {&actor_optimizer_, &critic_optimizer_, &ent_coef_optimizer_}) {
    SetLearningRate(*optimizer, lr);
  }
  double ent_coef = c_.ent_coef;
  if (c_.ent_coef_auto) {
    torch::Tensor log_prob;
    {
      torch::NoGradGuard no_grad;
      log_prob = SacSample(*model_->actor, b.observations, noise).second;
    }
    ent_coef = model_->log_ent_coef.detach().exp().item<double>();
    const torch::Tensor loss = -(model_->log_ent_coef * (log_prob + target_entropy_)).mean();
    ZeroGrads({model_->log_ent_coef});
    loss.backward();
    ent_coef_optimizer_.step();
  }
  const torch::Tensor critic_loss = SacCriticLoss(*model_, b, next_noise, ent_coef, c_.gamma);
  ZeroGrads(model_->critic->parameters());
  critic_loss.backward();
  critic_optimizer_.step();

  const torch::Tensor actor_loss = SacActorLoss(*model_, b, noise, ent_coef);
  ZeroGrads(model_->actor->parameters());
  actor_loss.backward();
  actor_optimizer_.step();

  torch::NoGradGuard no_grad;
  const std::vector<torch::Tensor> source = model_->critic->parameters(),
                                   target = model_->critic_target->parameters();
  for (size_t i = 0; i < source.size(); ++i) target[i].mul_(1 - c_.tau).add_(c_.tau * source[i]);
}

}  // namespace hpo::trainer::reference
