#include "lib/trainer/policy_distribution.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace hpo::trainer {
namespace {

const float kHalfLog2Pi = static_cast<float>(0.5 * std::log(2.0 * std::numbers::pi));

// log softmax of one row of logits, stable for large logits; and the probabilities.
void LogSoftmax(const float* logits, int n, float* log_p, float* p) {
  const float max = *std::max_element(logits, logits + n);
  float sum = 0.0f;
  for (int k = 0; k < n; ++k) sum += p[k] = std::exp(logits[k] - max);
  const float log_sum = std::log(sum);
  for (int k = 0; k < n; ++k) {
    log_p[k] = logits[k] - max - log_sum;
    p[k] /= sum;
  }
}

float Entropy(const float* log_p, const float* p, int n) {
  float h = 0.0f;
  for (int k = 0; k < n; ++k) h -= p[k] * log_p[k];
  return h;
}

// Gaussian log-density of one action, summed over dimensions.
float GaussianLogProb(const float* mean, const float* log_std, const float* action, int n) {
  float log_prob = 0.0f;
  for (int k = 0; k < n; ++k) {
    const float z = (action[k] - mean[k]) * std::exp(-log_std[k]);
    log_prob += -0.5f * z * z - log_std[k] - kHalfLog2Pi;
  }
  return log_prob;
}

float GaussianEntropy(const float* log_std, int n) {
  float entropy = 0.0f;
  for (int k = 0; k < n; ++k) entropy += 0.5f + kHalfLog2Pi + log_std[k];
  return entropy;
}

constexpr int kMaxActions = 64;  // the stack buffer of one row's log-probabilities

}  // namespace

void PolicyDistribution::Sample(const float* head, const float* log_std, int64_t batch, Rng& rng,
                                float* actions, float* log_prob) const {
  for (int64_t b = 0; b < batch; ++b) {
    const float* row = head + b * n_;
    if (discrete_) {
      float log_p[kMaxActions], p[kMaxActions];
      LogSoftmax(row, n_, log_p, p);
      // Inverse CDF on the probabilities; the last action takes any rounding remainder.
      double u = UniformUnit(rng);
      int a = n_ - 1;
      for (int k = 0; k < n_ - 1; ++k) {
        if (u < p[k]) {
          a = k;
          break;
        }
        u -= p[k];
      }
      actions[b] = static_cast<float>(a);
      log_prob[b] = log_p[a];
    } else {
      float* action = actions + b * n_;
      for (int k = 0; k < n_; ++k) {
        action[k] = row[k] + std::exp(log_std[k]) * static_cast<float>(StandardNormal(rng));
      }
      log_prob[b] = GaussianLogProb(row, log_std, action, n_);
    }
  }
}

void PolicyDistribution::Mode(const float* head, int64_t batch, float* actions) const {
  for (int64_t b = 0; b < batch; ++b) {
    const float* row = head + b * n_;
    if (discrete_) {
      actions[b] = static_cast<float>(std::max_element(row, row + n_) - row);
    } else {
      std::copy(row, row + n_, actions + b * n_);
    }
  }
}

void PolicyDistribution::LogProbAndEntropy(const float* head, const float* log_std,
                                           const float* actions, int64_t batch, float* log_prob,
                                           float* entropy) const {
  const float gaussian_entropy = discrete_ ? 0.0f : GaussianEntropy(log_std, n_);
  for (int64_t b = 0; b < batch; ++b) {
    const float* row = head + b * n_;
    if (discrete_) {
      float log_p[kMaxActions], p[kMaxActions];
      LogSoftmax(row, n_, log_p, p);
      log_prob[b] = log_p[static_cast<int>(actions[b])];
      entropy[b] = Entropy(log_p, p, n_);
    } else {
      log_prob[b] = GaussianLogProb(row, log_std, actions + b * n_, n_);
      entropy[b] = gaussian_entropy;
    }
  }
}

void PolicyDistribution::Backward(const float* head, const float* log_std, const float* actions,
                                  int64_t batch, const float* d_log_prob, float d_entropy,
                                  float* d_head, float* d_log_std) const {
  for (int64_t b = 0; b < batch; ++b) {
    const float* row = head + b * n_;
    float* d_row = d_head + b * n_;
    if (discrete_) {
      // d log p_a / d z_k = [k = a] - p_k;  d H / d z_k = -p_k (log p_k + H)
      float log_p[kMaxActions], p[kMaxActions];
      LogSoftmax(row, n_, log_p, p);
      const float h = Entropy(log_p, p, n_);
      const int a = static_cast<int>(actions[b]);
      for (int k = 0; k < n_; ++k) {
        d_row[k] =
            d_log_prob[b] * ((k == a ? 1.0f : 0.0f) - p[k]) - d_entropy * p[k] * (log_p[k] + h);
      }
    } else {
      // z = (a - mean) / std:  d log p / d mean_k = z_k / std_k;  d log p / d log_std_k = z_k^2 -
      // 1; the entropy depends on log_std only, by 1 per dimension.
      const float* action = actions + b * n_;
      for (int k = 0; k < n_; ++k) {
        const float inv_std = std::exp(-log_std[k]);
        const float z = (action[k] - row[k]) * inv_std;
        d_row[k] = d_log_prob[b] * z * inv_std;
        d_log_std[k] += d_log_prob[b] * (z * z - 1.0f) + d_entropy;
      }
    }
  }
}

}  // namespace hpo::trainer
