#include "lib/trainer/policy_distribution.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace hpo::trainer {
namespace {

const float kHalfLog2Pi = static_cast<float>(0.5 * std::log(2.0 * std::numbers::pi));

// log softmax of one row of logits, stable for large logits.
void LogSoftmax(const float* logits, int n, float* out) {
  const float max = *std::max_element(logits, logits + n);
  float sum = 0.0f;
  for (int k = 0; k < n; ++k) sum += std::exp(logits[k] - max);
  const float log_sum = max + std::log(sum);
  for (int k = 0; k < n; ++k) out[k] = logits[k] - log_sum;
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

void PolicyDistribution::Sample(const float* head, const float* log_std, int64_t batch, Rng& rng, float* actions,
                                float* log_prob) const {
  for (int64_t b = 0; b < batch; ++b) {
    const float* row = head + b * n_;
    if (discrete_) {
      float log_p[kMaxActions];
      LogSoftmax(row, n_, log_p);
      // Inverse CDF on the probabilities; the last action takes any rounding remainder.
      double u = UniformUnit(rng);
      int a = n_ - 1;
      for (int k = 0; k < n_ - 1; ++k) {
        const double p = std::exp(static_cast<double>(log_p[k]));
        if (u < p) {
          a = k;
          break;
        }
        u -= p;
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

void PolicyDistribution::LogProbAndEntropy(const float* head, const float* log_std, const float* actions,
                                           int64_t batch, float* log_prob, float* entropy) const {
  const float gaussian_entropy = discrete_ ? 0.0f : GaussianEntropy(log_std, n_);
  for (int64_t b = 0; b < batch; ++b) {
    const float* row = head + b * n_;
    if (discrete_) {
      float log_p[kMaxActions];
      LogSoftmax(row, n_, log_p);
      log_prob[b] = log_p[static_cast<int>(actions[b])];
      float h = 0.0f;
      for (int k = 0; k < n_; ++k) h -= std::exp(log_p[k]) * log_p[k];
      entropy[b] = h;
    } else {
      log_prob[b] = GaussianLogProb(row, log_std, actions + b * n_, n_);
      entropy[b] = gaussian_entropy;
    }
  }
}

void PolicyDistribution::Backward(const float* head, const float* log_std, const float* actions, int64_t batch,
                                  const float* d_log_prob, float d_entropy, float* d_head, float* d_log_std) const {
  for (int64_t b = 0; b < batch; ++b) {
    const float* row = head + b * n_;
    float* d_row = d_head + b * n_;
    if (discrete_) {
      // d log p_a / d z_k = [k = a] - p_k;  d H / d z_k = -p_k (log p_k + H)
      float log_p[kMaxActions];
      LogSoftmax(row, n_, log_p);
      float h = 0.0f;
      for (int k = 0; k < n_; ++k) h -= std::exp(log_p[k]) * log_p[k];
      const int a = static_cast<int>(actions[b]);
      for (int k = 0; k < n_; ++k) {
        const float p = std::exp(log_p[k]);
        d_row[k] = d_log_prob[b] * ((k == a ? 1.0f : 0.0f) - p) - d_entropy * p * (log_p[k] + h);
      }
    } else {
      // z = (a - mean) / std:  d log p / d mean_k = z_k / std_k;  d log p / d log_std_k = z_k^2 - 1;
      // the entropy depends on log_std only, by 1 per dimension.
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
