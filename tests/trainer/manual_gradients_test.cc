// The hand-written network passes, PPO loss gradient, distribution and Adam against LibTorch's
// autograd and torch::optim::Adam: the reference they replace in the training loop.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <string>

#include "lib/trainer/actor_critic.h"
#include "lib/trainer/fast_math.h"
#include "lib/trainer/flat_optimizer.h"
#include "lib/trainer/model.h"
#include "lib/trainer/ppo_update.h"
#include "tests/trainer/tensor_compare.h"
#include "tests/trainer/torch_reference.h"

namespace hpo::trainer {
namespace {

struct Case {
  std::string name;
  bool discrete;
  double clip_range_vf;
  bool shared;
  std::string activation;
};
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class ManualGradientTest : public ::testing::TestWithParam<Case> {};

// A torch module, the hand-written policy on the same parameters, and a random minibatch.
struct Fixture {
  static constexpr int kObs = 8, kBatch = 64;
  config::TrainerConfig config;
  envs::ActionSpace space;
  ActorCritic model{nullptr};
  FlatParameters flat;
  Policy policy;
  torch::Tensor obs, actions, old_log_prob, advantages, old_values, returns;

  explicit Fixture(const Case& c, uint64_t seed)
      : config(MakeConfig(c)),
        space(c.discrete ? envs::ActionSpace{true, 4, 0, 3} : envs::ActionSpace{false, 2, -1, 1}),
        policy{ActorCriticNet(kObs, space, config), PolicyDistribution(space), {}} {
    torch::manual_seed(seed);
    model = ActorCritic(kObs, space, config);
    flat = Flatten(*model);
    {
      torch::NoGradGuard no_grad;  // a log_std away from 0, so its gradient terms are exercised
      if (!c.discrete)
        flat.values.narrow(0, policy.net.log_std_offset(), 2).copy_(torch::tensor({-0.3f, 0.4f}));
    }
    policy.params = VectorOf(flat.values);
    obs = torch::randn({kBatch, kObs});
    actions =
        c.discrete ? torch::randint(0, 4, {kBatch}).to(torch::kFloat) : torch::randn({kBatch, 2});
    old_values = torch::randn({kBatch});
    returns = old_values + torch::randn({kBatch});
    advantages = torch::randn({kBatch});
    advantages = (advantages - advantages.mean()) / (advantages.std() + 1e-8);
  }

  static config::TrainerConfig MakeConfig(const Case& c) {
    config::TrainerConfig config;
    config.clip_range_vf = c.clip_range_vf;
    config.shared_network = c.shared;
    config.activation_fn = c.activation;
    config.ent_coef = 0.01;
    return config;
  }
};

TEST_P(ManualGradientTest, ForwardAndGradientsEqualAutograd) {
  const Case c = GetParam();
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    Fixture f(c, seed);
    // torch: forward, loss, backward into the flat gradient buffer
    const ActorCriticImpl::Output out = f.model->forward(f.obs);
    const torch::Tensor torch_actions = c.discrete ? f.actions.to(torch::kLong) : f.actions;
    const auto [log_prob, entropy] = reference::LogProbAndEntropy(*f.model, out, torch_actions);
    // old log-probs near the new ones, so some ratios fall inside the clip range and some out
    const torch::Tensor old_log_prob = log_prob.detach() + 0.3 * torch::randn({Fixture::kBatch});
    const reference::PpoLoss loss = reference::ComputePpoLoss(
        log_prob, old_log_prob, f.advantages, out.value, f.old_values, f.returns, entropy, 0.2,
        c.clip_range_vf, f.config.ent_coef, f.config.vf_coef);
    f.flat.grads.zero_();
    loss.total.backward();

    // by hand, on the same parameters and inputs
    ActorCriticNet::Activations a, scratch;
    const std::vector<float> obs = VectorOf(f.obs), actions = VectorOf(f.actions);
    f.policy.net.Forward(f.policy.params.data(), obs.data(), Fixture::kBatch, a);
    EXPECT_LT(RelativeError({a.head.begin(), a.head.begin() + Fixture::kBatch * f.space.n},
                            VectorOf(out.policy.detach())),
              1e-6);
    EXPECT_LT(RelativeError({a.value.begin(), a.value.begin() + Fixture::kBatch},
                            VectorOf(out.value.detach())),
              1e-6);

    std::vector<float> lp(Fixture::kBatch), ent(Fixture::kBatch), d_lp(Fixture::kBatch),
        d_v(Fixture::kBatch);
    f.policy.distribution.LogProbAndEntropy(a.head.data(), f.policy.log_std(), actions.data(),
                                            Fixture::kBatch, lp.data(), ent.data());
    EXPECT_LT(RelativeError(lp, VectorOf(log_prob.detach())), 1e-6);
    float d_entropy = 0;
    const std::vector<float> old_lp = VectorOf(old_log_prob), adv = VectorOf(f.advantages),
                             old_v = VectorOf(f.old_values), ret = VectorOf(f.returns);
    const PpoLossTerms terms = PpoLossAndGradient(
        Fixture::kBatch, lp.data(), old_lp.data(), adv.data(), a.value.data(), old_v.data(),
        ret.data(), ent.data(), {0.2, c.clip_range_vf, f.config.ent_coef, f.config.vf_coef},
        d_lp.data(), d_v.data(), &d_entropy);
    EXPECT_NEAR(terms.total, loss.total.item<double>(), 1e-5 * (1 + std::abs(terms.total)));
    EXPECT_NEAR(terms.approx_kl, loss.approx_kl.item<double>(), 1e-6);
    EXPECT_NEAR(terms.clipfrac, loss.clipfrac.item<double>(), 1e-9);
    EXPECT_GT(terms.clipfrac, 0.05) << "the batch should exercise the clipped branch";

    std::vector<float> grads(f.policy.params.size(), 0.0f),
        d_head(Fixture::kBatch * static_cast<size_t>(f.space.n));
    float* d_log_std = f.policy.log_std() ? grads.data() + f.policy.net.log_std_offset() : nullptr;
    f.policy.distribution.Backward(a.head.data(), f.policy.log_std(), actions.data(),
                                   Fixture::kBatch, d_lp.data(), d_entropy, d_head.data(),
                                   d_log_std);
    f.policy.net.Backward(f.policy.params.data(), obs.data(), a, d_head.data(), d_v.data(),
                          grads.data(), scratch);
    EXPECT_LT(RelativeError(grads, VectorOf(f.flat.grads)), 1e-5) << "seed " << seed;
    if (d_log_std) {  // the log-std gradient is 2 of ~10k numbers: check it on its own
      const std::vector<float> torch_log_std =
          VectorOf(f.flat.grads.narrow(0, f.policy.net.log_std_offset(), 2));
      EXPECT_LT(RelativeError({d_log_std, d_log_std + 2}, torch_log_std), 1e-5);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Heads, ManualGradientTest,
    ::testing::Values(Case{"Discrete", true, 0.0, false, "tanh"},
                      Case{"DiscreteValueClip", true, 0.2, false, "tanh"},
                      Case{"Gaussian", false, 0.0, false, "tanh"},
                      Case{"GaussianValueClip", false, 0.2, false, "tanh"},
                      Case{"DiscreteSharedRelu", true, 0.0, true, "relu"},
                      Case{"GaussianSharedValueClip", false, 0.2, true, "tanh"}),
    [](const ::testing::TestParamInfo<Case>& param) { return param.param.name; });

TEST(PolicyDistributionTest, SampledLogProbabilitiesAreWhatTheLossComputes) {
  for (const bool discrete : {true, false}) {
    const envs::ActionSpace space =
        discrete ? envs::ActionSpace{true, 4, 0, 3} : envs::ActionSpace{false, 2, -1, 1};
    config::TrainerConfig config;
    torch::manual_seed(7);
    Policy policy = MakePolicy(config, 8, space);
    const std::vector<float> obs = VectorOf(torch::randn({256, 8}));
    ActorCriticNet::Activations a;
    std::vector<float> actions(256 * static_cast<size_t>(space.width())), sampled_lp(256), lp(256),
        ent(256);
    Rng rng(3);
    policy.Act(obs.data(), 256, &rng, actions.data(), sampled_lp.data(), a);
    policy.distribution.LogProbAndEntropy(a.head.data(), policy.log_std(), actions.data(), 256,
                                          lp.data(), ent.data());
    for (size_t i = 0; i < 256; ++i)
      EXPECT_NEAR(sampled_lp[i], lp[i], 1e-5) << (discrete ? "discrete " : "gaussian ") << i;
    // and the torch module's definition agrees
    ActorCritic model = MakeModel(config, 8, space);
    FlatParameters flat = Flatten(*model);
    {
      torch::NoGradGuard no_grad;
      flat.values.copy_(
          torch::from_blob(policy.params.data(), {static_cast<int64_t>(policy.params.size())}));
    }
    torch::Tensor torch_actions = torch::from_blob(actions.data(), {256, space.width()}).clone();
    torch_actions = discrete ? torch_actions.squeeze(1).to(torch::kLong) : torch_actions;
    const auto [torch_lp, torch_ent] = reference::LogProbAndEntropy(
        *model, model->forward(torch::from_blob(const_cast<float*>(obs.data()), {256, 8})),
        torch_actions);
    EXPECT_LT(RelativeError(lp, VectorOf(torch_lp.detach())), 1e-6);
  }
}

TEST(PolicyDistributionTest, SamplesFollowTheCategoricalProbabilities) {
  const PolicyDistribution categorical(envs::ActionSpace{true, 3, 0, 2});
  const std::vector<float> logits = {std::log(0.2f), std::log(0.5f), std::log(0.3f)};
  Rng rng(11);
  std::vector<int> counts(3);
  float action = 0, log_prob = 0;
  for (int i = 0; i < 20000; ++i) {
    categorical.Sample(logits.data(), nullptr, 1, rng, &action, &log_prob);
    ++counts[static_cast<size_t>(action)];
  }
  EXPECT_NEAR(counts[0] / 20000.0, 0.2, 0.01);
  EXPECT_NEAR(counts[1] / 20000.0, 0.5, 0.01);
  EXPECT_NEAR(counts[2] / 20000.0, 0.3, 0.01);
}

// Betas other than torch's defaults, so that an optimizer ignoring them would fail.
TEST(FlatOptimizerTest, AdamMatchesTorchAdamOnTheSameGradients) {
  torch::manual_seed(5);
  torch::Tensor reference = torch::randn({1000}).requires_grad_(true);
  std::vector<float> params = VectorOf(reference.detach());
  torch::optim::Adam torch_adam({reference},
                                torch::optim::AdamOptions(3e-3).betas({0.8, 0.99}).eps(1e-5));
  FlatOptimizer adam = FlatOptimizer::Adam(1000, 0.8, 0.99, 1e-5);
  for (int step = 0; step < 20; ++step) {
    const torch::Tensor grad = torch::randn({1000}) * (step + 1);
    reference.mutable_grad() = grad.clone();
    // clipping as the trainer does it: clip_grad_norm_ then step
    torch::nn::utils::clip_grad_norm_(std::vector<torch::Tensor>{reference}, 20.0);
    torch_adam.step();
    std::vector<float> g = VectorOf(grad);
    adam.Step(params, g, 3e-3, 20.0);
  }
  EXPECT_LT(RelativeError(params, VectorOf(reference.detach())), 1e-6);
  EXPECT_EQ(adam.step(), 20);
}

// SB3's A2C optimizer: RMSprop(alpha 0.99, eps 1e-5), after clipping.
TEST(FlatOptimizerTest, RmspropMatchesTorchRmspropOnTheSameGradients) {
  torch::manual_seed(6);
  torch::Tensor reference = torch::randn({1000}).requires_grad_(true);
  std::vector<float> params = VectorOf(reference.detach());
  torch::optim::RMSprop torch_rmsprop({reference},
                                      torch::optim::RMSpropOptions(7e-4).alpha(0.99).eps(1e-5));
  FlatOptimizer rmsprop = FlatOptimizer::Rmsprop(1000, 0.99, 1e-5);
  for (int step = 0; step < 20; ++step) {
    const torch::Tensor grad = torch::randn({1000}) * (step + 1);
    reference.mutable_grad() = grad.clone();
    torch::nn::utils::clip_grad_norm_(std::vector<torch::Tensor>{reference}, 20.0);
    torch_rmsprop.step();
    std::vector<float> g = VectorOf(grad);
    rmsprop.Step(params, g, 7e-4, 20.0);
  }
  EXPECT_LT(RelativeError(params, VectorOf(reference.detach())), 1e-6);
}

TEST(FastMathTest, TanhWithinTwoUlpOfLibm) {
  std::vector<float> x;
  for (float v = -12.0f; v < 12.0f; v += 1e-3f) x.push_back(v);
  x.insert(x.end(), {0.0f, -0.0f, 1e-30f, -1e-8f, 1e-4f, 50.0f, -50.0f});
  std::vector<float> y = x;
  TanhInPlace(y.data(), static_cast<int64_t>(y.size()));
  for (size_t i = 0; i < x.size(); ++i) {
    const double exact = std::tanh(static_cast<double>(x[i]));
    EXPECT_LE(std::abs(y[i] - exact), 2.5e-7 * std::max(std::abs(exact), 1e-30)) << "x = " << x[i];
  }
}

}  // namespace
}  // namespace hpo::trainer
