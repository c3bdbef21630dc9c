// SAC's gradient step in parts: where each network sits in the flat buffer, the Polyak step of
// the target critics and the entropy coefficient's step; and its replay buffer. Expected numbers
// are worked out by hand in the comments (there is no SAC in the Python reference,
// /work/shared/pyref).
#include "lib/trainer/sac_update.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <set>
#include <stdexcept>
#include <vector>

namespace hpo::trainer {
namespace {

// Observations of 3, one action in [-2, 2], two hidden layers of 4.
struct SmallSac {
  config::TrainerConfig config;
  SacModel model{nullptr};

  explicit SmallSac(bool ent_coef_auto = true, double ent_coef = 1.0) {
    config.algorithm = "sac";
    config.net_arch = {4, 4};
    config.ent_coef_auto = ent_coef_auto;
    config.ent_coef = ent_coef;
    torch::manual_seed(3);
    model = SacModel(3, envs::ActionSpace{false, 1, -2, 2}, config);
  }
};

std::vector<float> Copy(std::span<const float> values) { return {values.begin(), values.end()}; }

TEST(SacUpdateTest, RegionsFollowTorchsParameterOrder) {
  SmallSac sac;
  SacUpdate update(sac.model, 1, sac.config);
  // torch lists the module's own parameter first, then the children as registered:
  //   log_ent_coef: 1
  //   actor: trunk 3x4 + 4, 4x4 + 4; mu 4x1 + 1; log_std 4x1 + 1 = 16 + 20 + 5 + 5 = 46
  //   critic: q1 and q2, each (3 + 1)x4 + 4, 4x4 + 4, 4x1 + 1 = 20 + 20 + 5 = 45: 90
  //   critic_target: 90                                                  total 227
  EXPECT_EQ(update.log_ent_coef().offset, 0);
  EXPECT_EQ(update.log_ent_coef().size, 1);
  EXPECT_EQ(update.actor().offset, 1);
  EXPECT_EQ(update.actor().size, 46);
  EXPECT_EQ(update.critic().offset, 47);
  EXPECT_EQ(update.critic().size, 90);
  EXPECT_EQ(update.critic_target().offset, 137);
  EXPECT_EQ(update.critic_target().size, 90);
  EXPECT_EQ(update.AllValues().size(), 227u);
  // The region holds the entropy coefficient itself: log(1) = 0 (an off-by-one region once
  // stepped an actor weight instead and left ent_coef at 1).
  EXPECT_EQ(update.Values(update.log_ent_coef())[0], 0.0f);
  // The target critics start as a copy of the critics.
  EXPECT_EQ(Copy(update.Values(update.critic_target())), Copy(update.Values(update.critic())));
}

TEST(SacUpdateTest, RegionOfRefusesParametersThatAreNotOneRun) {
  SmallSac sac;
  const FlatParameters flat = Flatten(*sac.model);
  const std::vector<torch::Tensor> critic = sac.model->critic->parameters();
  EXPECT_THROW(RegionOf(flat, {critic[0], critic[2]}), std::logic_error);
}

TEST(SacUpdateTest, PolyakStepOnHandValues) {
  // (1 - 0.005) * 1 + 0.005 * {3, -1, 0.5} = {1.01, 0.99, 0.9975}
  const std::vector<float> source = {3.0f, -1.0f, 0.5f};
  std::vector<float> target = {1.0f, 1.0f, 1.0f};
  PolyakUpdate(source, target, 0.005f);
  EXPECT_NEAR(target[0], 1.01, 1e-6);
  EXPECT_NEAR(target[1], 0.99, 1e-6);
  EXPECT_NEAR(target[2], 0.9975, 1e-6);
  PolyakUpdate(source, target, 1.0f);  // tau 1: a copy
  EXPECT_EQ(target, source);
}

TEST(SacUpdateTest, EntropyCoefficientStepOnHandValues) {
  SmallSac sac(true, 0.5);
  SacUpdate update(sac.model, 1, sac.config);
  const std::vector<float> before = Copy(update.AllValues());
  // log_prob mean -0.5 and target entropy -dim(actions) = -1:
  //   loss = -(log 0.5 * (-0.5 - 1)) = -1.0397208; d loss / d log_alpha = -(-0.5 - 1) = 1.5.
  //   Adam's first step (torch's arithmetic, betas 0.9, 0.999, eps 1e-5):
  //   m = 0.15, v = 0.00225; log_alpha -= lr * (m / 0.1) / (sqrt(v / 0.001) + eps)
  //   = 0.01 * 1.5 / 1.50001, so log_alpha = log 0.5 - 0.0099999 = -0.7031471.
  const torch::Tensor log_prob = torch::tensor({-0.2f, -0.8f});
  EXPECT_NEAR(update.StepEntropyCoefficient(log_prob, 0.01).item<double>(), 0.5, 1e-7)
      << "the step uses the coefficient from before its own update (SB3)";
  EXPECT_NEAR(update.stats().ent_coef, 0.5, 1e-7);
  EXPECT_NEAR(update.stats().ent_coef_loss, -1.0397208, 1e-6);
  EXPECT_NEAR(update.Values(update.log_ent_coef())[0], -0.7031471, 1e-6);
  // Nothing else in the buffer moved.
  const std::vector<float> after = Copy(update.AllValues());
  for (size_t i = 1; i < after.size(); ++i) ASSERT_EQ(after[i], before[i]) << "parameter " << i;
  // The next step uses the new coefficient: exp(-0.7031471) = 0.4950249.
  EXPECT_NEAR(update.StepEntropyCoefficient(log_prob, 0.01).item<double>(), 0.4950249, 1e-6);
}

TEST(SacUpdateTest, FixedEntropyCoefficientIsNotLearned) {
  SmallSac sac(false, 0.2);
  SacUpdate update(sac.model, 1, sac.config);
  const std::vector<float> before = Copy(update.AllValues());
  EXPECT_NEAR(update.StepEntropyCoefficient(torch::tensor({-3.0f}), 0.01).item<double>(), 0.2,
              1e-7);
  EXPECT_EQ(Copy(update.AllValues()), before);
}

// A whole step moves the targets tau of the way towards the critics as they are after their own
// step, and nothing else of theirs.
TEST(SacUpdateTest, StepMovesTheTargetsTauTowardsTheUpdatedCritics) {
  SmallSac sac;
  sac.config.tau = 0.25;
  SacUpdate update(sac.model, 1, sac.config);
  {
    torch::NoGradGuard no_grad;  // targets apart from the critics, so the step shows
    for (float& v : update.Values(update.critic_target())) v += 0.5f;
  }
  const std::vector<float> target_before = Copy(update.Values(update.critic_target()));
  const std::vector<float> critic_before = Copy(update.Values(update.critic()));
  const std::vector<float> actor_before = Copy(update.Values(update.actor()));
  const int64_t batch = 8;
  const ReplayBuffer::Batch b{torch::randn({batch, 3}), torch::rand({batch, 1}) * 2 - 1,
                              torch::randn({batch}), torch::randn({batch, 3}),
                              torch::zeros({batch})};
  ASSERT_TRUE(update.Step(b, 1e-3));
  const std::vector<float> critic = Copy(update.Values(update.critic()));
  const std::vector<float> target = Copy(update.Values(update.critic_target()));
  EXPECT_NE(critic, critic_before);
  EXPECT_NE(Copy(update.Values(update.actor())), actor_before);
  for (size_t i = 0; i < target.size(); ++i) {
    ASSERT_NEAR(target[i], 0.75 * target_before[i] + 0.25 * critic[i], 1e-6) << "parameter " << i;
  }
}

TEST(ReplayBufferTest, OverwritesTheOldestAndSamplesWholeTransitions) {
  ReplayBuffer buffer(2, 2, 1);
  for (int k = 1; k <= 3;
       ++k) {  // transition k: observation {k, -k}, next {10k, -10k}, action k/10
    const float obs[2] = {static_cast<float>(k), static_cast<float>(-k)};
    const float next[2] = {10.0f * k, -10.0f * k};
    const float action = 0.1f * k;
    buffer.Add(obs, &action, static_cast<float>(k), next, k == 2);
  }
  EXPECT_EQ(buffer.size(), 2);
  Rng rng(1);
  const ReplayBuffer::Batch b = buffer.Sample(64, rng);
  std::set<int> seen;
  for (int64_t i = 0; i < 64; ++i) {
    const float k = b.rewards[i].item<float>();
    seen.insert(static_cast<int>(k));
    EXPECT_EQ(b.observations[i][1].item<float>(), -k);
    EXPECT_EQ(b.next_observations[i][0].item<float>(), 10.0f * k);
    EXPECT_FLOAT_EQ(b.actions[i][0].item<float>(), 0.1f * k);
    EXPECT_EQ(b.terminated[i].item<float>(), k == 2 ? 1.0f : 0.0f);
  }
  EXPECT_EQ(seen, (std::set<int>{2, 3}));  // the first transition was overwritten
}

}  // namespace
}  // namespace hpo::trainer
