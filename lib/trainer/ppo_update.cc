#include "lib/trainer/ppo_update.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace hpo::trainer {
namespace {

// Copies rows order[i] of src [n, width] to row i of dst.
void GatherRows(const float* src, int width, const std::vector<int64_t>& order,
                std::vector<float>& dst) {
  dst.resize(order.size() * static_cast<size_t>(width));
  float* out = dst.data();
  for (int64_t row : order) {
    std::copy_n(src + row * width, width, out);
    out += width;
  }
}

// (a - mean) / (std + 1e-8) with the unbiased std, as SB3 and CleanRL normalise per minibatch.
void NormalizeAdvantages(const float* in, int64_t n, float* out) {
  double sum = 0.0;
  for (int64_t i = 0; i < n; ++i) sum += in[i];
  const double mean = sum / static_cast<double>(n);
  double squares = 0.0;
  for (int64_t i = 0; i < n; ++i) squares += (in[i] - mean) * (in[i] - mean);
  const double scale = 1.0 / (std::sqrt(squares / static_cast<double>(n - 1)) + 1e-8);
  for (int64_t i = 0; i < n; ++i) out[i] = static_cast<float>((in[i] - mean) * scale);
}

}  // namespace

PpoLossTerms PpoLossAndGradient(int64_t batch, const float* log_prob, const float* old_log_prob,
                                const float* advantages, const float* values,
                                const float* old_values, const float* returns, const float* entropy,
                                const PpoCoefficients& c, float* d_log_prob, float* d_value,
                                float* d_entropy) {
  const double inv_batch = 1.0 / static_cast<double>(batch);
  const double low = 1.0 - c.clip_range, high = 1.0 + c.clip_range;
  double surrogate = 0, squared_error = 0, entropy_sum = 0, kl = 0;
  int64_t clipped_count = 0;
  for (int64_t i = 0; i < batch; ++i) {
    // clipped surrogate: the pessimistic of A r and A clip(r); its gradient flows through r
    // unless the clipped term is the smaller one and r is outside the clip range
    const double log_ratio = static_cast<double>(log_prob[i]) - old_log_prob[i];
    const double ratio = std::exp(log_ratio);
    const double a = advantages[i];
    const bool inside = ratio >= low && ratio <= high;
    const double unclipped = a * ratio, clipped = a * std::clamp(ratio, low, high);
    surrogate += std::min(unclipped, clipped);
    const bool through_ratio = inside || unclipped < clipped;
    d_log_prob[i] = static_cast<float>(through_ratio ? -a * ratio * inv_batch : 0.0);

    // value loss, optionally with the prediction clipped around the rollout's value
    double predicted = values[i];
    bool value_moves = true;
    if (c.clip_range_vf > 0) {
      const double change = static_cast<double>(values[i]) - old_values[i];
      value_moves = std::abs(change) <= c.clip_range_vf;
      predicted = old_values[i] + std::clamp(change, -c.clip_range_vf, c.clip_range_vf);
    }
    const double error = predicted - returns[i];
    squared_error += error * error;
    d_value[i] = static_cast<float>(value_moves ? c.vf_coef * 2.0 * error * inv_batch : 0.0);

    entropy_sum += entropy[i];
    kl += (ratio - 1.0) - log_ratio;  // http://joschu.net/blog/kl-approx.html, as SB3 and CleanRL
    clipped_count += std::abs(ratio - 1.0) > c.clip_range;
  }
  *d_entropy = static_cast<float>(-c.ent_coef * inv_batch);
  PpoLossTerms terms;
  terms.policy_loss = -surrogate * inv_batch;
  terms.value_loss = squared_error * inv_batch;
  terms.entropy = entropy_sum * inv_batch;
  terms.total = terms.policy_loss + c.vf_coef * terms.value_loss - c.ent_coef * terms.entropy;
  terms.approx_kl = kl * inv_batch;
  terms.clipfrac = static_cast<double>(clipped_count) * inv_batch;
  return terms;
}

PpoUpdate::PpoUpdate(const ActorCriticNet& net, const PolicyDistribution& distribution,
                     int observation_size, const config::TrainerConfig& config)
    : net_(net),
      distribution_(distribution),
      c_(config),
      observation_size_(observation_size),
      action_width_(distribution.action_width()),
      optimizer_(config.algorithm == "a2c" && config.use_rms_prop
                     ? FlatOptimizer::Rmsprop(net.parameter_count(), 0.99, config.rms_prop_eps)
                     : FlatOptimizer::Adam(net.parameter_count(), config.adam_beta1,
                                           config.adam_beta2, config.adam_eps)) {
  grads_.resize(static_cast<size_t>(net.parameter_count()));
}

void PpoUpdate::Gather(const RolloutView& r, const std::vector<int64_t>& order) {
  GatherRows(r.observations, observation_size_, order, observations_);
  GatherRows(r.actions, action_width_, order, actions_);
  GatherRows(r.log_probs, 1, order, log_probs_);
  GatherRows(r.values, 1, order, values_);
  GatherRows(r.advantages, 1, order, advantages_);
  GatherRows(r.returns, 1, order, returns_);
}

bool PpoUpdate::Step(int64_t start, int64_t batch, std::span<float> params, double lr,
                     PpoLossTerms& terms) {
  const auto n = static_cast<size_t>(batch);
  for (std::vector<float>* buffer :
       {&advantages_mb_, &log_prob_, &entropy_, &d_log_prob_, &d_value_})
    buffer->resize(n);
  d_head_.resize(n * static_cast<size_t>(distribution_.size()));
  const float* observations = observations_.data() + start * observation_size_;
  const float* actions = actions_.data() + start * action_width_;
  const float* advantages = advantages_.data() + start;
  if (c_.normalize_advantage && batch > 1) {
    NormalizeAdvantages(advantages, batch, advantages_mb_.data());
    advantages = advantages_mb_.data();
  }

  net_.Forward(params.data(), observations, batch, activations_);
  const float* log_std =
      net_.log_std_offset() >= 0 ? params.data() + net_.log_std_offset() : nullptr;
  distribution_.LogProbAndEntropy(activations_.head.data(), log_std, actions, batch,
                                  log_prob_.data(), entropy_.data());
  const bool a2c = c_.algorithm == "a2c";
  const PpoCoefficients coefficients{a2c ? INFINITY : c_.clip_range, a2c ? 0.0 : c_.clip_range_vf,
                                     c_.ent_coef, c_.vf_coef};
  float d_entropy = 0;
  terms = PpoLossAndGradient(batch, log_prob_.data(), log_probs_.data() + start, advantages,
                             activations_.value.data(), values_.data() + start,
                             returns_.data() + start, entropy_.data(), coefficients,
                             d_log_prob_.data(), d_value_.data(), &d_entropy);
  // SB3: stop this update's epochs before stepping once the policy moved too far.
  if (!a2c && c_.target_kl > 0 && terms.approx_kl > 1.5 * c_.target_kl) return false;

  if (log_std) std::fill_n(grads_.data() + net_.log_std_offset(), distribution_.size(), 0.0f);
  float* d_log_std = log_std ? grads_.data() + net_.log_std_offset() : nullptr;
  distribution_.Backward(activations_.head.data(), log_std, actions, batch, d_log_prob_.data(),
                         d_entropy, d_head_.data(), d_log_std);
  net_.Backward(params.data(), observations, activations_, d_head_.data(), d_value_.data(),
                grads_.data(), backward_scratch_);
  optimizer_.Step(params, grads_, lr, c_.max_grad_norm);
  return true;
}

UpdateStats PpoUpdate::Run(const RolloutView& rollout, std::span<float> params, double lr,
                           Rng& rng) {
  const int64_t n = rollout.size;
  const bool a2c = c_.algorithm == "a2c";
  const int64_t epochs = a2c ? 1 : c_.n_epochs, minibatch = a2c ? n : c_.batch_size;
  std::vector<int64_t> order(static_cast<size_t>(n));
  UpdateStats stats;
  bool stop = false;
  for (int64_t epoch = 0; epoch < epochs && !stop; ++epoch) {
    std::iota(order.begin(), order.end(), 0);
    for (int64_t i = n - 1; i > 0; --i) {
      std::swap(order[static_cast<size_t>(i)],
                order[static_cast<size_t>(UniformInt(rng, 0, i + 1))]);
    }
    Gather(rollout, order);
    for (int64_t start = 0; start < n && !stop; start += minibatch) {
      PpoLossTerms terms;
      const bool stepped = Step(start, std::min(minibatch, n - start), params, lr, terms);
      stats.finite = std::isfinite(terms.total);
      stop = !stepped || !stats.finite;
      if (stop) break;
      stats.policy_loss += terms.policy_loss;
      stats.value_loss += terms.value_loss;
      stats.entropy += terms.entropy;
      stats.approx_kl += terms.approx_kl;
      stats.clipfrac += terms.clipfrac;
      ++stats.minibatches;
    }
  }
  const double m = static_cast<double>(std::max<int64_t>(stats.minibatches, 1));
  for (double* mean :
       {&stats.policy_loss, &stats.value_loss, &stats.entropy, &stats.approx_kl, &stats.clipfrac}) {
    *mean /= m;
  }
  if (stats.finite) {
    for (float p : params) stats.finite = stats.finite && std::isfinite(p);
  }
  return stats;
}

}  // namespace hpo::trainer
