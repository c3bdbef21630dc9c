#include "envs/lunar_lander/lunar_lander.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "envs/env.h"
#include "lib/core/error.h"
#include "lib/core/random.h"
#include "tests/envs/trajectory_hash.h"

namespace hpo::envs {
namespace {

using Physics = LunarLanderPhysics;
constexpr double kW = 20.0, kH = 400.0 / 30.0;

using testing_support::TrajectoryHash;

TEST(LunarLanderTest, SameSeedGivesAnIdenticalTrajectory) {
  for (const char* id : {"LunarLander-v3", "LunarLanderContinuous-v3"}) {
    EXPECT_EQ(TrajectoryHash(id, 7), TrajectoryHash(id, 7)) << id;
    EXPECT_NE(TrajectoryHash(id, 7), TrajectoryHash(id, 8)) << id;
  }
}

// Pinned: a change to the physics (the Box2D build, the port's constants) or to the order of the
// env's random draws changes these, and has to say so here. One pair per Box2D build.
TEST(LunarLanderTest, GoldenTrajectoryHashPinsThePhysicsAndTheDraws) {
  const bool patched = Box2dHasGymnasiumsJoint();
  EXPECT_EQ(TrajectoryHash("LunarLander-v3", 7),
            patched ? 5291744859955147898ULL : 13875852085812361690ULL)
      << Box2dPhysics();
  EXPECT_EQ(TrajectoryHash("LunarLanderContinuous-v3", 7),
            patched ? 7819154431274690663ULL : 5359220059521157352ULL)
      << Box2dPhysics();
}

// scripts/replay-env feeds Gymnasium's draws in: with them, the seed no longer matters.
TEST(LunarLanderTest, ReplayedDrawsDecideTheEpisodeWhateverTheSeed) {
  std::vector<double> draws;
  for (int i = 0; i < 12; ++i) draws.push_back(2.0 + 0.25 * i);  // terrain heights
  draws.insert(draws.end(), {350.0, -120.0});                    // initial push
  for (int i = 0; i < 2 * 51; ++i)
    draws.push_back(i % 2 ? 0.5 : -0.25);  // dispersion, reset's step and 50 more
  std::vector<float> a(8), b(8), c(8), action = {2.0f};
  LunarLanderEnv first(false, {}), second(false, {}), own(false, {});
  first.ReplayDraws(draws);
  second.ReplayDraws(draws);
  first.Reset(1, a);
  second.Reset(2, b);
  own.Reset(1, c);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);  // the env's own stream, same seed as `first`, draws another terrain and push
  for (int t = 0; t < 50; ++t) {
    first.Step(action, a);
    second.Step(action, b);
    ASSERT_EQ(a, b) << "step " << t;
  }
}

TEST(LunarLanderTest, ObservationFormulaOnHandCheckedStates) {
  // At the helipad centre, on the pad's leg height, at rest: all zeros.
  Physics::Observation s =
      Physics::Normalise(kW / 2, kH / 4 + 18.0 / 30.0, 0, 0, 0, 0, false, false);
  for (double v : s) EXPECT_NEAR(v, 0.0, 1e-12);
  // x = 15 m -> (15 - 10) / 10; y = 10 m -> (10 - 3.9333) / 6.6667; vx 1 m/s -> 1 * 10 / 50;
  // vy -2 m/s -> -2 * 6.6667 / 50 = -4/15; omega 0.5 rad/s -> 20 * 0.5 / 50.
  s = Physics::Normalise(15, 10, 1, -2, 0.1, 0.5, true, false);
  EXPECT_NEAR(s[0], 0.5, 1e-12);
  EXPECT_NEAR(s[1], (10 - (kH / 4 + 0.6)) / (kH / 2), 1e-12);
  EXPECT_NEAR(s[1], 0.91, 1e-12);
  EXPECT_NEAR(s[2], 0.2, 1e-12);
  EXPECT_NEAR(s[3], -4.0 / 15.0, 1e-12);
  EXPECT_NEAR(s[4], 0.1, 1e-12);
  EXPECT_NEAR(s[5], 0.2, 1e-12);
  EXPECT_EQ(s[6], 1.0);
  EXPECT_EQ(s[7], 0.0);
}

TEST(LunarLanderTest, ShapingOnAHandCheckedState) {
  // -100*|(0.3, 0.4)| - 100*|(0.6, 0.8)| - 100*0.25 + 10 + 0 = -50 - 100 - 25 + 10.
  const Physics::Observation s = {0.3, 0.4, 0.6, 0.8, -0.25, 0.0, 1.0, 0.0};
  EXPECT_NEAR(Physics::Shaping(s), -165.0, 1e-12);
}

TEST(LunarLanderTest, TerminationOverridesInUpstreamOrder) {
  EXPECT_EQ(Physics::ApplyTermination(1.5, false, 0.2, true), std::make_pair(1.5, false));
  EXPECT_EQ(Physics::ApplyTermination(1.5, true, 0.2, true), std::make_pair(-100.0, true));
  EXPECT_EQ(Physics::ApplyTermination(1.5, false, -1.0, true), std::make_pair(-100.0, true));
  EXPECT_EQ(Physics::ApplyTermination(1.5, false, 0.2, false), std::make_pair(100.0, true));
  // The rest check comes second and wins over a crash in the same step.
  EXPECT_EQ(Physics::ApplyTermination(1.5, true, 1.2, false), std::make_pair(100.0, true));
}

TEST(LunarLanderTest, RewardIsTheChangeOfShapingMinusFuel) {
  auto env = MakeEnv("LunarLander-v3");
  std::vector<float> obs(8), next(8);
  env->Reset(3, obs);
  const float main_engine = 2;
  const StepResult r = env->Step(std::span<const float>(&main_engine, 1), next);
  ASSERT_FALSE(r.terminated);
  auto as_obs = [](const std::vector<float>& v) {
    Physics::Observation o;
    for (int i = 0; i < 8; ++i) o[static_cast<size_t>(i)] = v[static_cast<size_t>(i)];
    return o;
  };
  // Observations are float32, so the recomputed shaping is close, not exact.
  EXPECT_NEAR(r.reward, Physics::Shaping(as_obs(next)) - Physics::Shaping(as_obs(obs)) - 0.30,
              1e-3);
}

TEST(LunarLanderTest, CrashesEndWithMinus100AndLandingsWithPlus100) {
  auto env = MakeEnv("LunarLander-v3");
  std::vector<float> obs(8), action(1);
  int crashes = 0, landings = 0;
  for (uint64_t seed = 0; seed < 20; ++seed) {
    for (bool heuristic : {false, true}) {
      env->Reset(seed, obs);
      StepResult r;
      do {
        if (heuristic) {
          LunarLanderEnv::HeuristicAction(false, obs, action);
        } else {
          action[0] = 0;  // free fall: always a crash
        }
        r = env->Step(action, obs);
      } while (!r.terminated && !r.truncated);
      if (r.terminated) {
        EXPECT_TRUE(r.reward == -100.0f || r.reward == 100.0f) << r.reward;
        crashes += r.reward == -100.0f;
        landings += r.reward == 100.0f;
      }
    }
  }
  EXPECT_GE(crashes, 20);   // every free fall at least
  EXPECT_GE(landings, 15);  // the heuristic lands most of the time
}

TEST(LunarLanderTest, TimeLimitTruncatesWithoutTerminating) {
  EnvOptions options;
  options.max_episode_steps = 5;
  auto env = MakeEnv("LunarLander-v3", options);
  std::vector<float> obs(8);
  const float noop = 0;
  env->Reset(1, obs);
  for (int t = 1; t <= 5; ++t) {
    const StepResult r = env->Step(std::span<const float>(&noop, 1), obs);
    EXPECT_FALSE(r.terminated);
    EXPECT_EQ(r.truncated, t == 5) << t;
  }
}

TEST(LunarLanderTest, DefaultTimeLimitIs1000Steps) {
  // The heuristic hovers to the limit in about 2% of episodes; find one.
  auto env = MakeEnv("LunarLander-v3");
  std::vector<float> obs(8), action(1);
  for (uint64_t seed = 0; seed < 400; ++seed) {
    env->Reset(seed, obs);
    for (int t = 1;; ++t) {
      LunarLanderEnv::HeuristicAction(false, obs, action);
      const StepResult r = env->Step(action, obs);
      if (r.truncated) {
        EXPECT_EQ(t, 1000);
        return;
      }
      if (r.terminated) break;
    }
  }
  FAIL() << "no truncated episode in 400";
}

TEST(LunarLanderTest, ContinuousActionsAreClipped) {
  auto clipped = MakeEnv("LunarLanderContinuous-v3");
  auto extreme = MakeEnv("LunarLanderContinuous-v3");
  std::vector<float> a(8), b(8);
  clipped->Reset(5, a);
  extreme->Reset(5, b);
  const std::vector<std::pair<std::vector<float>, std::vector<float>>> actions = {
      {{1, -1}, {5, -7}}, {{-1, 1}, {-3, 40}}, {{0.7f, 0.2f}, {0.7f, 0.2f}}};
  for (int t = 0; t < 30; ++t) {
    const auto& [in_range, out_of_range] = actions[static_cast<size_t>(t) % actions.size()];
    const StepResult ra = clipped->Step(in_range, a);
    const StepResult rb = extreme->Step(out_of_range, b);
    ASSERT_EQ(a, b) << "step " << t;
    ASSERT_EQ(ra.reward, rb.reward);
  }
}

TEST(LunarLanderTest, InvalidActionsAreClearErrors) {
  auto env = MakeEnv("LunarLander-v3");
  std::vector<float> obs(8);
  env->Reset(0, obs);
  for (float bad : {4.0f, -1.0f, 1.5f, NAN}) {
    try {
      env->Step(std::span<const float>(&bad, 1), obs);
      FAIL() << "accepted action " << bad;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("0, 1, 2 or 3"), std::string::npos) << e.what();
    }
  }
  auto continuous = MakeEnv("LunarLanderContinuous-v3");
  continuous->Reset(0, obs);
  const std::vector<float> nan_action = {NAN, 0};
  EXPECT_THROW(continuous->Step(nan_action, obs), std::invalid_argument);
}

TEST(LunarLanderTest, BadIdsAndOptionsAreUserErrors) {
  EXPECT_THROW(MakeEnv("LunarLander-v2"), UserError);
  EnvOptions options;
  options.gravity = -12.0;
  EXPECT_THROW(MakeEnv("LunarLander-v3", options), UserError);
  options.gravity = 0.5;
  EXPECT_THROW(MakeEnv("LunarLander-v3", options), UserError);
}

TEST(LunarLanderTest, WindChangesTheTrajectory) {
  EnvOptions windy;
  windy.enable_wind = true;
  auto calm = MakeEnv("LunarLander-v3");
  auto wind = MakeEnv("LunarLander-v3", windy);
  std::vector<float> a(8), b(8);
  const float noop = 0;
  calm->Reset(9, a);
  wind->Reset(9, b);
  for (int t = 0; t < 20; ++t) {
    calm->Step(std::span<const float>(&noop, 1), a);
    wind->Step(std::span<const float>(&noop, 1), b);
  }
  EXPECT_NE(a, b);
}

// Gymnasium's 1000-episode heuristic means are 236.9 (discrete) and 283.9 (continuous);
// EnvPool's check is |mean - 237| < 20 and |mean - 284| < 10. With 300 episodes the standard
// error is ~6 (discrete) and ~1.4 (continuous), so these bounds still catch a wrong port
// (a missing referenceAngle or a wrong impulse point moves the mean by far more).
double HeuristicMean(bool continuous, int episodes) {
  auto env = MakeEnv(continuous ? "LunarLanderContinuous-v3" : "LunarLander-v3");
  std::vector<float> obs(8), action(continuous ? 2 : 1);
  Rng seeds(12345);
  double total = 0;
  for (int e = 0; e < episodes; ++e) {
    env->Reset(seeds(), obs);
    StepResult r;
    do {
      LunarLanderEnv::HeuristicAction(continuous, obs, action);
      r = env->Step(action, obs);
      total += r.reward;
    } while (!r.terminated && !r.truncated);
  }
  return total / episodes;
}

TEST(LunarLanderHeuristicTest, DiscreteMeanMatchesGymnasium) {
  EXPECT_NEAR(HeuristicMean(false, 300), 237.0, 20.0);
}

TEST(LunarLanderHeuristicTest, ContinuousMeanMatchesGymnasium) {
  EXPECT_NEAR(HeuristicMean(true, 300), 284.0, 10.0);
}

}  // namespace
}  // namespace hpo::envs
