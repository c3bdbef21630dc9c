#include "lib/trainer/sac_update.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace hpo::trainer {

void PolyakUpdate(std::span<const float> source, std::span<float> target, float tau) {
  for (size_t i = 0; i < source.size(); ++i) {
    target[i] = (1.0f - tau) * target[i] + tau * source[i];
  }
}

SacUpdate::SacUpdate(const SacNet& net, std::vector<float> params,
                     const config::TrainerConfig& config)
    : net_(net),
      c_(config),
      params_(std::move(params)),
      grads_(params_.size()),
      actor_optimizer_(FlatOptimizer::Adam(net.actor().size, config.adam_beta1, config.adam_beta2,
                                           config.adam_eps)),
      critic_optimizer_(FlatOptimizer::Adam(net.critic().size, config.adam_beta1, config.adam_beta2,
                                            config.adam_eps)),
      ent_coef_optimizer_(FlatOptimizer::Adam(net.log_ent_coef().size, config.adam_beta1,
                                              config.adam_beta2, config.adam_eps)),
      target_entropy_(-static_cast<double>(net.action_dim())) {}  // SB3's "auto": -dim(actions)

std::span<float> SacUpdate::Values(const FlatRegion& region) {
  return std::span<float>(params_).subspan(static_cast<size_t>(region.offset),
                                           static_cast<size_t>(region.size));
}

std::span<float> SacUpdate::Grads(const FlatRegion& region) {
  return std::span<float>(grads_).subspan(static_cast<size_t>(region.offset),
                                          static_cast<size_t>(region.size));
}

double SacUpdate::StepEntropyCoefficient(std::span<const float> log_prob, double lr) {
  if (!c_.ent_coef_auto) {
    stats_.ent_coef = c_.ent_coef;
    return c_.ent_coef;
  }
  const float log_ent_coef = Values(net_.log_ent_coef())[0];
  double mean_log_prob = 0;
  for (float l : log_prob) mean_log_prob += l;
  mean_log_prob /= static_cast<double>(log_prob.size());
  // loss = -log_ent_coef * (mean log_prob + target_entropy), and its gradient the factor
  const double gradient = -(mean_log_prob + target_entropy_);
  stats_.ent_coef_loss = log_ent_coef * gradient;
  stats_.ent_coef = std::exp(static_cast<double>(log_ent_coef));
  Grads(net_.log_ent_coef())[0] = static_cast<float>(gradient);
  ent_coef_optimizer_.Step(Values(net_.log_ent_coef()), Grads(net_.log_ent_coef()), lr, 0);
  return stats_.ent_coef;
}

double SacUpdate::CriticGradient(const ReplayBatch& b, std::span<const float> next_noise,
                                 double ent_coef) {
  const int64_t batch = b.size;
  const auto n = static_cast<size_t>(batch);
  const float* params = params_.data();
  net_.Sample(params, b.next_observations.data(), batch, next_noise.data(), next_pi_);
  net_.Critic(params, net_.critic_target(), b.next_observations.data(), next_pi_.actions.data(),
              batch, target_pass_);
  target_q_.resize(n);
  const auto alpha = static_cast<float>(ent_coef), gamma = static_cast<float>(c_.gamma);
  for (size_t i = 0; i < n; ++i) {
    const float next_q =
        std::min(target_pass_.q1()[i], target_pass_.q2()[i]) - alpha * next_pi_.log_prob[i];
    target_q_[i] = b.rewards[i] + (1.0f - b.terminated[i]) * gamma * next_q;
  }

  net_.Critic(params, net_.critic(), b.observations.data(), b.actions.data(), batch, critic_pass_);
  d_q1_.resize(n);
  d_q2_.resize(n);
  double squared_error = 0;
  const double inv_batch = 1.0 / static_cast<double>(batch);
  for (size_t i = 0; i < n; ++i) {
    const double e1 = critic_pass_.q1()[i] - target_q_[i], e2 = critic_pass_.q2()[i] - target_q_[i];
    squared_error += e1 * e1 + e2 * e2;
    d_q1_[i] = static_cast<float>(e1 * inv_batch);  // d/dq of 0.5 mean(e^2)
    d_q2_[i] = static_cast<float>(e2 * inv_batch);
  }
  net_.CriticBackward(params, net_.critic(), critic_pass_, d_q1_.data(), d_q2_.data(),
                      grads_.data(), nullptr);
  return 0.5 * squared_error * inv_batch;
}

double SacUpdate::ActorGradient(const ReplayBatch& b, std::span<const float> noise,
                                double ent_coef) {
  net_.Sample(params_.data(), b.observations.data(), b.size, noise.data(), pi_);
  return ActorGradientOfSample(b, ent_coef);
}

// The actor's loss on pi_, the sample already drawn on b's observations.
double SacUpdate::ActorGradientOfSample(const ReplayBatch& b, double ent_coef) {
  const int64_t batch = b.size;
  const auto n = static_cast<size_t>(batch);
  net_.Critic(params_.data(), net_.critic(), b.observations.data(), pi_.actions.data(), batch,
              critic_pass_);
  d_q1_.resize(n);
  d_q2_.resize(n);
  const double inv_batch = 1.0 / static_cast<double>(batch);
  const auto minus_share = static_cast<float>(-inv_batch);
  double loss = 0;
  for (size_t i = 0; i < n; ++i) {
    const float q1 = critic_pass_.q1()[i], q2 = critic_pass_.q2()[i];
    loss += ent_coef * pi_.log_prob[i] - std::min(q1, q2);
    // torch's min(a, b) sends the gradient to the smaller one, half to each on a tie
    d_q1_[i] = q1 < q2 ? minus_share : q1 == q2 ? 0.5f * minus_share : 0.0f;
    d_q2_[i] = q2 < q1 ? minus_share : q1 == q2 ? 0.5f * minus_share : 0.0f;
  }
  d_actions_.resize(n * static_cast<size_t>(net_.action_dim()));
  net_.CriticBackward(params_.data(), net_.critic(), critic_pass_, d_q1_.data(), d_q2_.data(),
                      nullptr, d_actions_.data());
  net_.ActorBackward(params_.data(), b.observations.data(), pi_, d_actions_.data(),
                     static_cast<float>(ent_coef * inv_batch), grads_.data());
  return loss * inv_batch;
}

bool SacUpdate::Step(const ReplayBatch& b, const SacNoise& noise, double lr) {
  net_.Sample(params_.data(), b.observations.data(), b.size, noise.current.data(), pi_);
  const double ent_coef =
      StepEntropyCoefficient({pi_.log_prob.data(), static_cast<size_t>(b.size)}, lr);
  stats_.critic_loss = CriticGradient(b, noise.next, ent_coef);
  critic_optimizer_.Step(Values(net_.critic()), Grads(net_.critic()), lr, 0);
  // The actor against the critics just updated (SB3's order), on the sample drawn before.
  stats_.actor_loss = ActorGradientOfSample(b, ent_coef);
  actor_optimizer_.Step(Values(net_.actor()), Grads(net_.actor()), lr, 0);
  PolyakUpdate(Values(net_.critic()), Values(net_.critic_target()), static_cast<float>(c_.tau));
  return std::isfinite(stats_.actor_loss) && std::isfinite(stats_.critic_loss) &&
         std::isfinite(stats_.ent_coef);
}

void SacUpdate::SaveTo(CheckpointState& state) {
  state.params = params_;
  for (FlatOptimizer* optimizer : {&actor_optimizer_, &critic_optimizer_, &ent_coef_optimizer_}) {
    state.adam_m.insert(state.adam_m.end(), optimizer->m().begin(), optimizer->m().end());
    state.adam_v.insert(state.adam_v.end(), optimizer->v().begin(), optimizer->v().end());
  }
  state.adam_step = actor_optimizer_.step();
}

bool SacUpdate::RestoreFrom(const CheckpointState& state) {
  const auto optimized =
      static_cast<size_t>(net_.actor().size + net_.critic().size + net_.log_ent_coef().size);
  if (state.params.size() != params_.size() || state.adam_m.size() != optimized ||
      state.adam_v.size() != optimized) {
    return false;
  }
  params_ = state.params;
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
