// SAC's hand-written gradient step (lib/trainer/sac_update.h, sac_net.h) against LibTorch's
// autograd on the same parameters, batch and noise (tests/trainer/sac_torch_reference.h), and
// its parts on numbers worked out by hand: where each network sits in the flat buffer, the
// Polyak step, the entropy coefficient's step.
#include "lib/trainer/sac_update.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "lib/trainer/model.h"
#include "lib/trainer/sac_model.h"
#include "tests/trainer/sac_torch_reference.h"
#include "tests/trainer/tensor_compare.h"

namespace hpo::trainer {
namespace {

std::vector<float> Copy(std::span<const float> values) { return {values.begin(), values.end()}; }

std::vector<float> Normals(torch::IntArrayRef shape) { return VectorOf(torch::randn(shape)); }

// A torch model, the hand-written networks on a copy of its parameters, a random batch and noise.
// LunarLanderContinuous's shapes: 8 observations, 2 actions; smaller networks and batch.
struct SacFixture {
  static constexpr int kObs = 8, kActions = 2, kBatch = 32;
  config::TrainerConfig config;
  SacModel model{nullptr};
  FlatParameters flat;
  SacNet net;
  SacUpdate update;
  ReplayBatch batch;
  SacNoise noise;

  SacFixture(bool ent_coef_auto, const std::string& activation, uint64_t seed)
      : config(MakeConfig(ent_coef_auto, activation)),
        model(MakeModel(config, seed)),
        flat(Flatten(*model)),
        net(kObs, kActions, config),
        update(net, VectorOf(flat.values), config) {
    batch.size = kBatch;
    batch.observations = Normals({kBatch, kObs});
    batch.actions = VectorOf(torch::rand({kBatch, kActions}) * 2 - 1);
    batch.rewards = Normals({kBatch});
    batch.next_observations = Normals({kBatch, kObs});
    batch.terminated = VectorOf((torch::rand({kBatch}) < 0.25).to(torch::kFloat));
    noise.current = Normals({kBatch, kActions});
    noise.next = Normals({kBatch, kActions});
  }

  static config::TrainerConfig MakeConfig(bool ent_coef_auto, const std::string& activation) {
    config::TrainerConfig config;
    config.algorithm = "sac";
    config.net_arch = {16, 16};
    config.activation_fn = activation;
    config.ent_coef_auto = ent_coef_auto;
    config.ent_coef = ent_coef_auto ? 0.5 : 0.2;
    config.gamma = 0.99;
    config.tau = 0.05;
    config.adam_eps = 1e-8;
    return config;
  }
  // The target critics moved off the critics (as after training), so a pass that read one for
  // the other gives other numbers.
  static SacModel MakeModel(const config::TrainerConfig& config, uint64_t seed) {
    torch::manual_seed(seed);
    SacModel model(kObs, envs::ActionSpace{false, kActions, -1, 1}, config);
    torch::NoGradGuard no_grad;
    for (torch::Tensor& p : model->critic_target->parameters()) p.add_(0.1 * torch::randn_like(p));
    return model;
  }
  reference::SacBatch Tensors() const { return reference::TensorsOf(batch, kObs, kActions); }
  torch::Tensor NoiseTensor(const std::vector<float>& n) const {
    return torch::from_blob(const_cast<float*>(n.data()), {kBatch, kActions}).clone();
  }
  std::vector<float> TorchGrads(const FlatRegion& region) const {
    return VectorOf(flat.grads.narrow(0, region.offset, region.size));
  }
};

struct Case {
  std::string name;
  bool ent_coef_auto;
  std::string activation;
};
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class SacGradientTest : public ::testing::TestWithParam<Case> {};

TEST_P(SacGradientTest, CriticGradientEqualsAutograd) {
  const Case c = GetParam();
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    SacFixture f(c.ent_coef_auto, c.activation, seed);
    const double ent_coef = 0.3;
    const torch::Tensor loss = reference::SacCriticLoss(
        *f.model, f.Tensors(), f.NoiseTensor(f.noise.next), ent_coef, f.config.gamma);
    f.flat.grads.zero_();
    loss.backward();
    const double by_hand = f.update.CriticGradient(f.batch, f.noise.next, ent_coef);
    EXPECT_NEAR(by_hand, loss.item<double>(), 1e-5 * std::abs(by_hand)) << "seed " << seed;
    EXPECT_LT(RelativeError(Copy(f.update.Grads(f.net.critic())), f.TorchGrads(f.net.critic())),
              1e-5)
        << "seed " << seed;
  }
}

TEST_P(SacGradientTest, ActorGradientEqualsAutograd) {
  const Case c = GetParam();
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    SacFixture f(c.ent_coef_auto, c.activation, seed);
    const double ent_coef = 0.3;
    const torch::Tensor loss =
        reference::SacActorLoss(*f.model, f.Tensors(), f.NoiseTensor(f.noise.current), ent_coef);
    f.flat.grads.zero_();
    loss.backward();
    const double by_hand = f.update.ActorGradient(f.batch, f.noise.current, ent_coef);
    EXPECT_NEAR(by_hand, loss.item<double>(), 1e-5 * std::abs(by_hand)) << "seed " << seed;
    EXPECT_LT(RelativeError(Copy(f.update.Grads(f.net.actor())), f.TorchGrads(f.net.actor())), 1e-5)
        << "seed " << seed;
  }
}

// The entropy coefficient's gradient: with ent_coef_auto -mean(log pi + target entropy), and
// none without (its value then never moves).
TEST_P(SacGradientTest, EntropyCoefficientGradientEqualsAutograd) {
  const Case c = GetParam();
  SacFixture f(c.ent_coef_auto, c.activation, 1);
  torch::Tensor log_prob;
  {
    torch::NoGradGuard no_grad;
    log_prob = reference::SacSample(*f.model->actor, f.Tensors().observations,
                                    f.NoiseTensor(f.noise.current))
                   .second;
  }
  const torch::Tensor loss = -(f.model->log_ent_coef * (log_prob - SacFixture::kActions)).mean();
  f.flat.grads.zero_();
  loss.backward();
  const float before = f.update.Values(f.net.log_ent_coef())[0];
  const double ent_coef = f.update.StepEntropyCoefficient(VectorOf(log_prob), 1e-3);
  if (c.ent_coef_auto) {
    EXPECT_NEAR(ent_coef, std::exp(before), 1e-7);
    EXPECT_NEAR(f.update.Grads(f.net.log_ent_coef())[0], f.TorchGrads(f.net.log_ent_coef())[0],
                1e-5 * std::abs(f.TorchGrads(f.net.log_ent_coef())[0]));
    EXPECT_NEAR(f.update.stats().ent_coef_loss, loss.item<double>(), 1e-6);
  } else {
    EXPECT_EQ(ent_coef, 0.2);
    EXPECT_EQ(f.update.Values(f.net.log_ent_coef())[0], before);
  }
}

// Three whole steps, SB3's train() with torch::optim::Adam against the hand-written step: every
// parameter (actor, critics, targets, log_ent_coef) ends equal.
TEST_P(SacGradientTest, StepsEqualAutogradWithTorchsAdam) {
  const Case c = GetParam();
  SacFixture f(c.ent_coef_auto, c.activation, 2);
  reference::SacStep torch_step(f.model, f.config, SacFixture::kActions);
  for (int step = 0; step < 3; ++step) {
    torch_step.Step(f.Tensors(), f.NoiseTensor(f.noise.current), f.NoiseTensor(f.noise.next), 1e-3);
    ASSERT_TRUE(f.update.Step(f.batch, f.noise, 1e-3));
    for (const auto& [name, region] :
         {std::pair{"actor", f.net.actor()}, std::pair{"critic", f.net.critic()},
          std::pair{"critic_target", f.net.critic_target()},
          std::pair{"log_ent_coef", f.net.log_ent_coef()}}) {
      EXPECT_LT(RelativeError(Copy(f.update.Values(region)),
                              VectorOf(f.flat.values.narrow(0, region.offset, region.size))),
                1e-5)
          << name << " after step " << step + 1;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(EntropyAndActivation, SacGradientTest,
                         ::testing::Values(Case{"AutoEntropyRelu", true, "relu"},
                                           Case{"FixedEntropyRelu", false, "relu"},
                                           Case{"AutoEntropyTanh", true, "tanh"}),
                         [](const ::testing::TestParamInfo<Case>& param) {
                           return param.param.name;
                         });

// A log-std past SB3's clamp [-20, 2] gets no gradient through it, as torch::clamp's: the
// actor's gradient still equals autograd's with the first action's log-std pushed past either
// end. At the upper end (std e^2) the noise is scaled down: tanh saturated by a large sample
// leaves the correction's gradient to float rounding on either side.
TEST(SacNetTest, ClampedLogStdPassesNoGradient) {
  for (const float push : {-20.0f, 2.0f}) {
    SacFixture f(true, "relu", 4);
    if (push > 0) {
      for (float& n : f.noise.current) n *= 0.05f;
    }
    {
      torch::NoGradGuard no_grad;
      f.model->actor->log_std->bias.add_(torch::tensor({push, 0.0f}));
    }
    std::ranges::copy(VectorOf(f.flat.values), f.update.AllValues().begin());
    {
      torch::NoGradGuard no_grad;
      const torch::Tensor first =
          f.model->actor->log_std->forward(f.model->actor->trunk->forward(f.Tensors().observations))
              .select(1, 0);
      const int64_t clamped = (push < 0 ? first < -20 : first > 2).sum().item<int64_t>();
      ASSERT_GT(clamped, 0) << push;
      ASSERT_LT(clamped, SacFixture::kBatch) << push;
    }
    const torch::Tensor loss =
        reference::SacActorLoss(*f.model, f.Tensors(), f.NoiseTensor(f.noise.current), 0.3);
    f.flat.grads.zero_();
    loss.backward();
    f.update.ActorGradient(f.batch, f.noise.current, 0.3);
    EXPECT_LT(RelativeError(Copy(f.update.Grads(f.net.actor())), f.TorchGrads(f.net.actor())), 1e-5)
        << push;
  }
}

TEST(SacNetTest, RegionsFollowTorchsParameterOrder) {
  config::TrainerConfig config;
  config.algorithm = "sac";
  config.net_arch = {4, 4};
  config.ent_coef = 1.0;
  torch::manual_seed(3);
  SacModel model(3, envs::ActionSpace{false, 1, -2, 2}, config);
  const SacNet net(3, 1, config);
  // torch lists the module's own parameter first, then the children as registered:
  //   log_ent_coef: 1
  //   actor: trunk 3x4 + 4, 4x4 + 4; mu 4x1 + 1; log_std 4x1 + 1 = 16 + 20 + 5 + 5 = 46
  //   critic: q1 and q2, each (3 + 1)x4 + 4, 4x4 + 4, 4x1 + 1 = 20 + 20 + 5 = 45: 90
  //   critic_target: 90                                                  total 227
  EXPECT_EQ(net.log_ent_coef().offset, 0);
  EXPECT_EQ(net.log_ent_coef().size, 1);
  EXPECT_EQ(net.actor().offset, 1);
  EXPECT_EQ(net.actor().size, 46);
  EXPECT_EQ(net.critic().offset, 47);
  EXPECT_EQ(net.critic().size, 90);
  EXPECT_EQ(net.critic_target().offset, 137);
  EXPECT_EQ(net.critic_target().size, 90);
  EXPECT_EQ(net.parameter_count(), 227);
  // ... and the torch module agrees: each child's first parameter at the region's start
  const FlatParameters flat = Flatten(*model);
  const float* base = flat.values.data_ptr<float>();
  EXPECT_EQ(model->log_ent_coef.data_ptr<float>() - base, net.log_ent_coef().offset);
  EXPECT_EQ(model->actor->parameters().front().data_ptr<float>() - base, net.actor().offset);
  EXPECT_EQ(model->critic->parameters().front().data_ptr<float>() - base, net.critic().offset);
  EXPECT_EQ(model->critic_target->parameters().front().data_ptr<float>() - base,
            net.critic_target().offset);
  // The initial parameters: log(ent_coef 1) = 0 in its slot (an off-by-one region once stepped
  // an actor weight instead and left ent_coef at 1), the targets a copy of the critics.
  const std::vector<float> initial =
      InitialSacParameters(3, envs::ActionSpace{false, 1, -2, 2}, config);
  EXPECT_EQ(initial[0], 0.0f);
  EXPECT_EQ(std::vector<float>(initial.begin() + 47, initial.begin() + 137),
            std::vector<float>(initial.begin() + 137, initial.end()));
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
  SacFixture f(true, "relu", 3);  // ent_coef 0.5 to start with
  f.config.adam_eps = 1e-5;
  SacUpdate update(f.net, Copy(f.update.AllValues()), f.config);
  const std::vector<float> before = Copy(update.AllValues());
  // log_prob mean -0.5 and target entropy -dim(actions) = -2:
  //   loss = -(log 0.5 * (-0.5 - 2)) = -1.7328680; d loss / d log_alpha = -(-0.5 - 2) = 2.5.
  //   Adam's first step (torch's arithmetic, betas 0.9, 0.999, eps 1e-5):
  //   m = 0.25, v = 0.00625; log_alpha -= lr * (m / 0.1) / (sqrt(v / 0.001) + eps)
  //   = 0.01 * 2.5 / 2.50001, so log_alpha = log 0.5 - 0.0099999 = -0.7031471.
  const std::vector<float> log_prob = {-0.2f, -0.8f};
  EXPECT_NEAR(update.StepEntropyCoefficient(log_prob, 0.01), 0.5, 1e-7)
      << "the step uses the coefficient from before its own update (SB3)";
  EXPECT_NEAR(update.stats().ent_coef, 0.5, 1e-7);
  EXPECT_NEAR(update.stats().ent_coef_loss, -1.7328680, 1e-6);
  EXPECT_NEAR(update.Values(f.net.log_ent_coef())[0], -0.7031471, 1e-6);
  // Nothing else in the buffer moved.
  const std::vector<float> after = Copy(update.AllValues());
  for (size_t i = 1; i < after.size(); ++i) ASSERT_EQ(after[i], before[i]) << "parameter " << i;
  // The next step uses the new coefficient: exp(-0.7031471) = 0.4950249.
  EXPECT_NEAR(update.StepEntropyCoefficient(log_prob, 0.01), 0.4950249, 1e-6);
}

// A whole step moves the targets tau of the way towards the critics as they are after their own
// step, and nothing else of theirs.
TEST(SacUpdateTest, StepMovesTheTargetsTauTowardsTheUpdatedCritics) {
  SacFixture f(true, "relu", 5);
  f.config.tau = 0.25;
  for (float& v : f.update.Values(f.net.critic_target())) v += 0.5f;  // apart, so the step shows
  const std::vector<float> target_before = Copy(f.update.Values(f.net.critic_target()));
  const std::vector<float> critic_before = Copy(f.update.Values(f.net.critic()));
  const std::vector<float> actor_before = Copy(f.update.Values(f.net.actor()));
  ASSERT_TRUE(f.update.Step(f.batch, f.noise, 1e-3));
  const std::vector<float> critic = Copy(f.update.Values(f.net.critic()));
  const std::vector<float> target = Copy(f.update.Values(f.net.critic_target()));
  EXPECT_NE(critic, critic_before);
  EXPECT_NE(Copy(f.update.Values(f.net.actor())), actor_before);
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
  ReplayBatch b;
  buffer.Sample(64, rng, b);
  ASSERT_EQ(b.size, 64);
  std::set<int> seen;
  for (size_t i = 0; i < 64; ++i) {
    const float k = b.rewards[i];
    seen.insert(static_cast<int>(k));
    EXPECT_EQ(b.observations[2 * i + 1], -k);
    EXPECT_EQ(b.next_observations[2 * i], 10.0f * k);
    EXPECT_FLOAT_EQ(b.actions[i], 0.1f * k);
    EXPECT_EQ(b.terminated[i], k == 2 ? 1.0f : 0.0f);
  }
  EXPECT_EQ(seen, (std::set<int>{2, 3}));  // the first transition was overwritten
}

}  // namespace
}  // namespace hpo::trainer
