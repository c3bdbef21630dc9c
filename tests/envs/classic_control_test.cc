// The classic-control ports against Gymnasium 1.3.0: single steps from given states against the
// numbers Gymnasium's own step() gave (recorded 2026-12-06 with the source tree of
// ../shared/pyref/README.md), random-policy returns and lengths against a recorded Gymnasium
// sample (two-sample KS, tests/fixtures/gymnasium/README.md), and pinned trajectory hashes.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "envs/classic_control/acrobot.h"
#include "envs/classic_control/cart_pole.h"
#include "envs/classic_control/pendulum.h"
#include "envs/env.h"
#include "envs/fixed_policy.h"
#include "lib/core/error.h"
#include "lib/core/random.h"
#include "tests/envs/ks_two_sample.h"
#include "tests/envs/trajectory_hash.h"

namespace hpo::envs {
namespace {

template <size_t N>
void ExpectNear(const std::array<double, N>& ours, const std::array<double, N>& gymnasium) {
  for (size_t i = 0; i < N; ++i) EXPECT_NEAR(ours[i], gymnasium[i], 1e-12) << "component " << i;
}

TEST(CartPoleTest, OneStepIsGymnasiumsEulerStep) {
  ExpectNear(CartPoleEnv::Advance({0.01, -0.2, 0.05, 0.3}, true),
             {0.006, -0.005625065781779709, 0.056, 0.02349585151852651});
  ExpectNear(CartPoleEnv::Advance({2.3, 1.0, 0.2, 0.0}, false),
             {2.32, 0.8026555674968914, 0.2, 0.34852480718276335});
  EXPECT_FALSE(CartPoleEnv::Terminal({2.32, 0, 0.2, 0}));
  EXPECT_TRUE(CartPoleEnv::Terminal({2.41, 0, 0, 0}));
  EXPECT_TRUE(CartPoleEnv::Terminal({0, 0, -0.21, 0}));  // past 12 degrees (0.2094 rad)
}

TEST(AcrobotTest, OneStepIsGymnasiumsRk4StepWrappedAndBounded) {
  ExpectNear(AcrobotEnv::Advance({0.1, -0.2, 0.3, -0.4}, 1.0),
             {0.1282116312891261, -0.211840321026976, -0.023484731535001357, 0.28679521459777035});
  // theta1 wraps past pi, and the velocities stay inside 4 pi and 9 pi.
  ExpectNear(AcrobotEnv::Advance({3.0, 0.1, 12.0, -25.0}, -1.0),
             {-0.9797210557702947, 1.7610585451836096, 11.324381286916228, -22.451252194799864});
  EXPECT_FALSE(AcrobotEnv::Terminal({0, 0, 0, 0}));     // hanging down
  EXPECT_TRUE(AcrobotEnv::Terminal({3.0, 0.0, 0, 0}));  // swung up
}

TEST(PendulumTest, OneStepAndItsCostAreGymnasiums) {
  ExpectNear(PendulumEnv::Advance({2.0, -0.5}, 1.5), {2.020348653505963, 0.4069730701192612});
  EXPECT_NEAR(PendulumEnv::Cost({2.0, -0.5}, 1.5), 4.02725, 1e-12);
  // The torque is clipped to 2 and the speed to 8; the angle in the cost is normalised.
  auto env = MakeEnv("Pendulum-v1");
  ExpectNear(PendulumEnv::Advance({-4.0, 7.9}, 2.0), {-3.6, 8.0});
  EXPECT_NEAR(PendulumEnv::Cost({-4.0, 7.9}, 2.0), 11.457935146920741, 1e-12);
}

TEST(ClassicControlTest, TimeLimitsActionsAndThresholdsAreGymnasiums) {
  struct Expected {
    const char* id;
    int observation_size, time_limit;
    bool discrete;
    int n;
    double threshold;
  };
  for (const Expected& e : {Expected{"CartPole-v1", 4, 500, true, 2, 475.0},
                            Expected{"Acrobot-v1", 6, 500, true, 3, -100.0},
                            Expected{"Pendulum-v1", 3, 200, false, 1, -200.0}}) {
    auto env = MakeEnv(e.id);
    EXPECT_EQ(env->observation_size(), e.observation_size) << e.id;
    EXPECT_EQ(env->action_space().discrete, e.discrete) << e.id;
    EXPECT_EQ(env->action_space().n, e.n) << e.id;
    EXPECT_EQ(env->reward_threshold(), e.threshold) << e.id;
    // A policy that does not end the episode early meets the time limit exactly: CartPole
    // pushed the way the pole falls, Acrobot without torque, Pendulum without torque.
    std::vector<float> obs(static_cast<size_t>(e.observation_size)), action(1, 0.0f);
    const std::string id = e.id;
    env->Reset(3, obs);
    int steps = 0;
    StepResult r;
    do {
      action[0] = id == "CartPole-v1"  ? (obs[2] + obs[3] > 0 ? 1.0f : 0.0f)
                  : id == "Acrobot-v1" ? 1.0f
                                       : 0.0f;
      r = env->Step(action, obs);
      ++steps;
    } while (!r.terminated && !r.truncated);
    EXPECT_TRUE(r.truncated && !r.terminated) << id;
    EXPECT_EQ(steps, e.time_limit) << id;
    EnvOptions shorter;
    shorter.max_episode_steps = 3;
    auto short_env = MakeEnv(e.id, shorter);
    short_env->Reset(3, obs);
    for (int i = 0; i < 3; ++i) r = short_env->Step(std::vector<float>{0.0f}, obs);
    EXPECT_TRUE(r.truncated || r.terminated) << e.id;
  }
}

TEST(ClassicControlTest, ABadActionOrIdIsRefusedNamingTheValue) {
  std::vector<float> obs(6);
  for (const char* id : {"CartPole-v1", "Acrobot-v1"}) {
    auto env = MakeEnv(id);
    env->Reset(0, obs);
    try {
      env->Step(std::vector<float>{7.0f}, obs);
      ADD_FAILURE() << id << " took action 7";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(std::string(id) + ": discrete action must be an index"),
                std::string::npos)
          << e.what();
    }
  }
  try {
    MakeEnv("CartPole-v0");
    ADD_FAILURE() << "made CartPole-v0";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find(
                  "unknown env id 'CartPole-v0' (known: LunarLander-v3, LunarLanderContinuous-v3, "
                  "CartPole-v1, Acrobot-v1, Pendulum-v1)"),
              std::string::npos)
        << e.what();
  }
  FixedPolicyRun heuristic;
  heuristic.env_id = "Acrobot-v1";
  heuristic.policy = "heuristic";
  try {
    RunFixedPolicy(heuristic);
    ADD_FAILURE() << "ran a heuristic in Acrobot-v1";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("--policy: there is no heuristic policy for Acrobot-v1"),
              std::string::npos)
        << e.what();
  }
  heuristic.policy = "";  // the default: the heuristic where there is one, else random
  heuristic.episodes = 2;
  EXPECT_EQ(RunFixedPolicy(heuristic).policy, "random");
  heuristic.env_id = "LunarLander-v3";
  EXPECT_EQ(RunFixedPolicy(heuristic).policy, "heuristic");
}

using testing_support::TrajectoryHash;

// Pinned: a change to the equations, the constants or the order of the random draws changes
// these, and has to say so here.
TEST(ClassicControlTest, GoldenTrajectoryHashesPinTheDynamicsAndTheDraws) {
  EXPECT_EQ(TrajectoryHash("CartPole-v1", 7), TrajectoryHash("CartPole-v1", 7));
  EXPECT_NE(TrajectoryHash("CartPole-v1", 7), TrajectoryHash("CartPole-v1", 8));
  EXPECT_EQ(TrajectoryHash("CartPole-v1", 7), 5247933257955842681ULL);
  EXPECT_EQ(TrajectoryHash("Acrobot-v1", 7), 6307430252086802039ULL);
  EXPECT_EQ(TrajectoryHash("Pendulum-v1", 7), 14902207371452090308ULL);
}

constexpr int kEpisodes = 1000;

class ClassicControlParityTest : public testing::TestWithParam<std::string> {};

// Random-policy episodes as `hpo env-eval --policy random` runs them (seed 0), against
// scripts/gymnasium-episodes' first 1000.
TEST_P(ClassicControlParityTest, RandomPolicyReturnsAndLengthsAreDistributedAsGymnasiums) {
  FixedPolicyRun run;
  run.env_id = GetParam();
  run.policy = "random";
  run.episodes = kEpisodes;
  const FixedPolicyResult ours = RunFixedPolicy(run);
  std::vector<double> our_returns, our_lengths, their_returns, their_lengths;
  for (const Episode& e : ours.episodes) {
    our_returns.push_back(e.episode_return);
    our_lengths.push_back(e.length);
  }
  const YAML::Node theirs =
      YAML::LoadFile(std::string(HPO_SOURCE_DIR) + "/tests/fixtures/gymnasium/episodes_" +
                     run.env_id + "_random.json");
  for (size_t i = 0; i < kEpisodes && i < theirs.size(); ++i) {
    their_returns.push_back(theirs[i][0].as<double>());
    their_lengths.push_back(theirs[i][1].as<double>());
  }
  ASSERT_EQ(their_returns.size(), static_cast<size_t>(kEpisodes));
  EXPECT_GT(testing_support::KsPValue(our_returns, their_returns), 0.01)
      << run.env_id << " returns";
  EXPECT_GT(testing_support::KsPValue(our_lengths, their_lengths), 0.01)
      << run.env_id << " lengths";
}

INSTANTIATE_TEST_SUITE_P(Envs, ClassicControlParityTest,
                         testing::Values("CartPole-v1", "Acrobot-v1", "Pendulum-v1"),
                         [](const testing::TestParamInfo<std::string>& p) {
                           std::string name = p.param;
                           for (char& c : name)
                             c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return name;
                         });

}  // namespace
}  // namespace hpo::envs
