// The PPO loss the trainer trains with (PpoLossAndGradient) and the Gaussian policy's
// log-probability and entropy, on values worked out by hand. (tests/trainer/
// manual_gradients_test.cc checks the same code against autograd on random batches.)
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "lib/trainer/policy_distribution.h"
#include "lib/trainer/ppo_update.h"

namespace hpo::trainer {
namespace {

// One minibatch's inputs and the loss's outputs, with the gradient buffers sized to it.
struct Minibatch {
  std::vector<float> log_prob, old_log_prob, advantages, values, old_values, returns, entropy;
  std::vector<float> d_log_prob, d_value;
  float d_entropy = 0;

  explicit Minibatch(size_t n)
      : log_prob(n),
        old_log_prob(n),
        advantages(n),
        values(n),
        old_values(n),
        returns(n),
        entropy(n),
        d_log_prob(n),
        d_value(n) {}

  PpoLossTerms Loss(const PpoCoefficients& c) {
    return PpoLossAndGradient(static_cast<int64_t>(log_prob.size()), log_prob.data(),
                              old_log_prob.data(), advantages.data(), values.data(),
                              old_values.data(), returns.data(), entropy.data(), c,
                              d_log_prob.data(), d_value.data(), &d_entropy);
  }
};

TEST(PpoLossTest, ClippedSurrogateOnHandValues) {
  // ratios e^{log p - old} = {1.5, 0.5, 1.1}; clip 0.2; advantages {1, 1, -2}.
  //  1: min(1.5, 1.2) = 1.2     2: min(0.5, 0.8) = 0.5     3: min(-2.2, -2.2) = -2.2
  //  policy loss = -(1.2 + 0.5 - 2.2) / 3 = 0.5 / 3
  Minibatch m(3);
  m.log_prob = {std::log(1.5f), std::log(0.5f), std::log(1.1f)};
  m.advantages = {1, 1, -2};
  const PpoLossTerms terms = m.Loss({0.2, 0.0, 0.0, 0.0});
  EXPECT_NEAR(terms.policy_loss, 0.5 / 3, 1e-6);
  // clip fraction: |r - 1| > 0.2 for 1.5 and 0.5
  EXPECT_NEAR(terms.clipfrac, 2.0 / 3, 1e-9);
  // approx KL: mean((r - 1) - log r)
  const double kl = ((0.5 - std::log(1.5)) + (-0.5 - std::log(0.5)) + (0.1 - std::log(1.1))) / 3;
  EXPECT_NEAR(terms.approx_kl, kl, 1e-6);
  // d loss / d log p_i = -A_i r_i / n where the gradient flows through r, else 0:
  //  1: the clipped term is the minimum and r is outside the range: 0
  //  2: the unclipped term is the minimum: -1 * 0.5 / 3     3: r inside the range: 2 * 1.1 / 3
  EXPECT_EQ(m.d_log_prob[0], 0.0f);
  EXPECT_NEAR(m.d_log_prob[1], -0.5 / 3, 1e-6);
  EXPECT_NEAR(m.d_log_prob[2], 2.2 / 3, 1e-6);
}

TEST(PpoLossTest, ValueLossWithAndWithoutClipping) {
  // values {3, 0}, old values {1, 0}, returns {2, 1}: unclipped mse = (1 + 1) / 2 = 1, and
  // d / d value_i = vf_coef * 2 (value_i - return_i) / n = {1, -1}.
  Minibatch m(2);
  m.values = {3, 0};
  m.old_values = {1, 0};
  m.returns = {2, 1};
  EXPECT_NEAR(m.Loss({0.2, 0.0, 0, 1}).value_loss, 1.0, 1e-6);
  EXPECT_NEAR(m.d_value[0], 1.0, 1e-6);
  EXPECT_NEAR(m.d_value[1], -1.0, 1e-6);
  // clip 0.5: predicted = {1.5, 0}: mse = (0.25 + 1) / 2 = 0.625. The first prediction is held
  // at the clip boundary, so no gradient reaches its value; the second still gets -1.
  EXPECT_NEAR(m.Loss({0.2, 0.5, 0, 1}).value_loss, 0.625, 1e-6);
  EXPECT_EQ(m.d_value[0], 0.0f);
  EXPECT_NEAR(m.d_value[1], -1.0, 1e-6);
}

TEST(PpoLossTest, TotalCombinesTermsWithTheirCoefficients) {
  // policy 0 (ratio 1, advantage 0), value mse 1, entropy mean 3: total = 0 + 0.5 * 1 - 0.01 * 3,
  // and every sample's entropy gets d total / d entropy_i = -0.01 / 2.
  Minibatch m(2);
  m.values = {1, 1};
  m.entropy = {2, 4};
  const PpoLossTerms terms = m.Loss({0.2, 0, 0.01, 0.5});
  EXPECT_NEAR(terms.entropy, 3.0, 1e-9);
  EXPECT_NEAR(terms.total, 0.5 - 0.03, 1e-6);
  EXPECT_NEAR(m.d_entropy, -0.005, 1e-9);
}

TEST(PolicyDistributionTest, GaussianLogProbAndEntropyMatchTheFormula) {
  const PolicyDistribution gaussian(envs::ActionSpace{false, 2, -1, 1});
  const std::vector<float> mean = {0.0f, 1.0f}, log_std(2, std::log(2.0f)), action = {2.0f, 1.0f};
  float log_prob = 0, entropy = 0;
  gaussian.LogProbAndEntropy(mean.data(), log_std.data(), action.data(), 1, &log_prob, &entropy);
  // N(0, 2) at 2 and N(1, 2) at 1: -0.5*1 - log 2 - 0.5 log 2pi, plus -0 - log 2 - 0.5 log 2pi.
  const double half_log_2pi = 0.5 * std::log(2 * std::numbers::pi);
  EXPECT_NEAR(log_prob, -0.5 - 2 * std::log(2.0) - 2 * half_log_2pi, 1e-5);
  EXPECT_NEAR(entropy, 2 * (0.5 + half_log_2pi + std::log(2.0)), 1e-5);
}

}  // namespace
}  // namespace hpo::trainer
