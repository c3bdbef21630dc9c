#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "lib/trainer/actor_critic.h"

namespace hpo::trainer {
namespace {

torch::Tensor T(std::initializer_list<float> v) { return torch::tensor(std::vector<float>(v)); }

TEST(PpoLossTest, ClippedSurrogateOnHandValues) {
  // ratios e^{log p - old} = {1.5, 0.5, 1.1}; clip 0.2; advantages {1, 1, -2}.
  //  1: min(1.5, 1.2) = 1.2     2: min(0.5, 0.8) = 0.5     3: min(-2.2, -2.2) = -2.2
  //  policy loss = -(1.2 + 0.5 - 2.2) / 3 = 0.5 / 3
  const torch::Tensor old_lp = T({0, 0, 0});
  const torch::Tensor lp = torch::log(T({1.5f, 0.5f, 1.1f}));
  const torch::Tensor adv = T({1, 1, -2});
  const torch::Tensor zeros = T({0, 0, 0});
  const PpoLoss loss =
      ComputePpoLoss(lp, old_lp, adv, zeros, zeros, zeros, zeros, 0.2, 0.0, 0.0, 0.0);
  EXPECT_NEAR(loss.policy_loss.item<double>(), 0.5 / 3, 1e-6);
  // clip fraction: |r - 1| > 0.2 for 1.5 and 0.5
  EXPECT_NEAR(loss.clip_fraction.item<double>(), 2.0 / 3, 1e-6);
  // approx KL: mean((r - 1) - log r)
  const double kl = ((0.5 - std::log(1.5)) + (-0.5 - std::log(0.5)) + (0.1 - std::log(1.1))) / 3;
  EXPECT_NEAR(loss.approx_kl.item<double>(), kl, 1e-6);
}

TEST(PpoLossTest, ValueLossWithAndWithoutClipping) {
  // values {3, 0}, old values {1, 0}, returns {2, 1}: unclipped mse = (1 + 1) / 2 = 1.
  // clip 0.5: predicted = {1.5, 0}: mse = (0.25 + 1) / 2 = 0.625.
  const torch::Tensor zeros = T({0, 0});
  const torch::Tensor values = T({3, 0}), old_values = T({1, 0}), returns = T({2, 1});
  EXPECT_NEAR(
      ComputePpoLoss(zeros, zeros, zeros, values, old_values, returns, zeros, 0.2, 0.0, 0, 1)
          .value_loss.item<double>(),
      1.0, 1e-6);
  EXPECT_NEAR(
      ComputePpoLoss(zeros, zeros, zeros, values, old_values, returns, zeros, 0.2, 0.5, 0, 1)
          .value_loss.item<double>(),
      0.625, 1e-6);
}

TEST(PpoLossTest, TotalCombinesTermsWithTheirCoefficients) {
  const torch::Tensor zeros = T({0, 0});
  const torch::Tensor values = T({1, 1}), entropy = T({2, 4});
  // policy 0 (ratio 1, advantage 0), value mse 1, entropy 3: total = 0 + 0.5 * 1 - 0.01 * 3.
  const PpoLoss loss =
      ComputePpoLoss(zeros, zeros, zeros, values, zeros, zeros, entropy, 0.2, 0, 0.01, 0.5);
  EXPECT_NEAR(loss.total.item<double>(), 0.5 - 0.03, 1e-6);
}

TEST(ActorCriticTest, GaussianLogProbAndEntropyMatchTheFormula) {
  config::TrainerConfig config;
  config.log_std_init = std::log(2.0);
  ActorCritic model(3, envs::ActionSpace{false, 2, -1, 1}, config);
  ActorCriticImpl::Output out{T({0.0f, 1.0f}).unsqueeze(0), T({0.0f})};
  const auto [lp, ent] = model->LogProbAndEntropy(out, T({2.0f, 1.0f}).unsqueeze(0));
  // N(0, 2) at 2 and N(1, 2) at 1: -0.5*1 - log 2 - 0.5 log 2pi, plus -0 - log 2 - 0.5 log 2pi.
  const double half_log_2pi = 0.5 * std::log(2 * M_PI);
  EXPECT_NEAR(lp.item<double>(), -0.5 - 2 * std::log(2.0) - 2 * half_log_2pi, 1e-5);
  EXPECT_NEAR(ent.item<double>(), 2 * (0.5 + half_log_2pi + std::log(2.0)), 1e-5);
}

}  // namespace
}  // namespace hpo::trainer
