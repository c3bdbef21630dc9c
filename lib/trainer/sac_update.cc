#include "lib/trainer/sac_update.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace hpo::trainer {

FlatRegion RegionOf(const FlatParameters& flat, const std::vector<torch::Tensor>& params) {
  const float* base = flat.values.data_ptr<float>();
  FlatRegion region{params.front().data_ptr<float>() - base, 0};
  for (const torch::Tensor& p : params) {
    if (p.data_ptr<float>() != base + region.offset + region.size) {
      throw std::logic_error("SAC: a network's parameters are not contiguous in the flat buffer");
    }
    region.size += p.numel();
  }
  return region;
}

void PolyakUpdate(std::span<const float> source, std::span<float> target, float tau) {
  for (size_t i = 0; i < source.size(); ++i) {
    target[i] = (1.0f - tau) * target[i] + tau * source[i];
  }
}

SacUpdate::SacUpdate(SacModel& model, int action_dim, const config::TrainerConfig& config)
    : model_(model),
      c_(config),
      flat_(Flatten(*model)),
      actor_(RegionOf(flat_, model->actor->parameters())),
      critic_(RegionOf(flat_, model->critic->parameters())),
      critic_target_(RegionOf(flat_, model->critic_target->parameters())),
      log_ent_coef_(RegionOf(flat_, {model->log_ent_coef})),
      actor_optimizer_(
          FlatOptimizer::Adam(actor_.size, config.adam_beta1, config.adam_beta2, config.adam_eps)),
      critic_optimizer_(
          FlatOptimizer::Adam(critic_.size, config.adam_beta1, config.adam_beta2, config.adam_eps)),
      ent_coef_optimizer_(FlatOptimizer::Adam(log_ent_coef_.size, config.adam_beta1,
                                              config.adam_beta2, config.adam_eps)),
      target_entropy_(-static_cast<double>(action_dim)) {  // SB3's "auto": -dim(actions)
  for (torch::Tensor& p : model->critic_target->parameters()) p.set_requires_grad(false);
}

std::span<float> SacUpdate::Values(const FlatRegion& region) {
  return {flat_.values.data_ptr<float>() + region.offset, static_cast<size_t>(region.size)};
}

std::span<float> SacUpdate::Grads(const FlatRegion& region) {
  return {flat_.grads.data_ptr<float>() + region.offset, static_cast<size_t>(region.size)};
}

torch::Tensor SacUpdate::StepEntropyCoefficient(const torch::Tensor& log_prob, double lr) {
  torch::Tensor ent_coef = torch::full({1}, c_.ent_coef);
  if (c_.ent_coef_auto) {
    ent_coef = model_->log_ent_coef.detach().exp();
    const torch::Tensor ent_coef_loss =
        -(model_->log_ent_coef * (log_prob.detach() + target_entropy_)).mean();
    std::ranges::fill(Grads(log_ent_coef_), 0.0f);
    ent_coef_loss.backward();
    ent_coef_optimizer_.Step(Values(log_ent_coef_), Grads(log_ent_coef_), lr, 0);
    stats_.ent_coef_loss = ent_coef_loss.item<double>();
  }
  stats_.ent_coef = ent_coef.item<double>();
  return ent_coef;
}

bool SacUpdate::Step(const ReplayBuffer::Batch& b, double lr) {
  auto [pi_actions, log_prob] = model_->actor->Sample(b.observations);
  const torch::Tensor ent_coef = StepEntropyCoefficient(log_prob, lr);

  // critics: towards r + gamma (1 - terminated) (min of the target critics - alpha log pi)
  torch::Tensor target_q;
  {
    torch::NoGradGuard no_grad;
    auto [next_actions, next_log_prob] = model_->actor->Sample(b.next_observations);
    auto [q1, q2] = model_->critic_target->forward(b.next_observations, next_actions);
    const torch::Tensor next_q = torch::min(q1, q2) - ent_coef * next_log_prob;
    target_q = b.rewards + (1 - b.terminated) * c_.gamma * next_q;
  }
  auto [q1, q2] = model_->critic->forward(b.observations, b.actions);
  const torch::Tensor critic_loss =
      0.5 * (torch::mse_loss(q1, target_q) + torch::mse_loss(q2, target_q));
  std::ranges::fill(Grads(critic_), 0.0f);
  critic_loss.backward();
  critic_optimizer_.Step(Values(critic_), Grads(critic_), lr, 0);

  // The actor against the critics just updated (SB3's order); the critics' gradients this adds
  // are cleared before their next step.
  auto [q1_pi, q2_pi] = model_->critic->forward(b.observations, pi_actions);
  const torch::Tensor actor_loss = (ent_coef * log_prob - torch::min(q1_pi, q2_pi)).mean();
  std::ranges::fill(Grads(actor_), 0.0f);
  actor_loss.backward();
  actor_optimizer_.Step(Values(actor_), Grads(actor_), lr, 0);

  PolyakUpdate(Values(critic_), Values(critic_target_), static_cast<float>(c_.tau));

  stats_.actor_loss = actor_loss.item<double>();
  stats_.critic_loss = critic_loss.item<double>();
  return std::isfinite(stats_.actor_loss) && std::isfinite(stats_.critic_loss) &&
         std::isfinite(stats_.ent_coef);
}

void SacUpdate::SaveTo(CheckpointState& state) {
  const std::span<float> values = AllValues();
  state.params.assign(values.begin(), values.end());
  for (FlatOptimizer* optimizer : {&actor_optimizer_, &critic_optimizer_, &ent_coef_optimizer_}) {
    state.adam_m.insert(state.adam_m.end(), optimizer->m().begin(), optimizer->m().end());
    state.adam_v.insert(state.adam_v.end(), optimizer->v().begin(), optimizer->v().end());
  }
  state.adam_step = actor_optimizer_.step();
}

bool SacUpdate::RestoreFrom(const CheckpointState& state) {
  const auto optimized = static_cast<size_t>(actor_.size + critic_.size + log_ent_coef_.size);
  if (state.params.size() != static_cast<size_t>(flat_.values.numel()) ||
      state.adam_m.size() != optimized || state.adam_v.size() != optimized) {
    return false;
  }
  std::ranges::copy(state.params, AllValues().begin());
  size_t offset = 0;
  for (FlatOptimizer* optimizer : {&actor_optimizer_, &critic_optimizer_, &ent_coef_optimizer_}) {
    const size_t n = optimizer->m().size();
    std::copy_n(state.adam_m.begin() + static_cast<std::ptrdiff_t>(offset), n,
                optimizer->m().begin());
    std::copy_n(state.adam_v.begin() + static_cast<std::ptrdiff_t>(offset), n,
                optimizer->v().begin());
    optimizer->step() = state.adam_step;
    offset += n;
  }
  return true;
}

}  // namespace hpo::trainer
