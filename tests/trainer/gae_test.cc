#include "lib/trainer/gae.h"

#include <gtest/gtest.h>

#include <vector>

namespace hpo::trainer {
namespace {

TEST(GaeTest, HandComputedSingleEnv) {
  // gamma 0.9, lambda 0.5, three steps; the episode ends at step 1 (index 1).
  //   delta2 = r2 + 0.9*V_last - V2 = 1 + 0.9*4 - 3 = 1.6           A2 = 1.6
  //   delta1 = r1 + 0 - V1 = 2 - 2 = 0 (ended: no bootstrap)        A1 = 0 (no carry over the end)
  //   delta0 = r0 + 0.9*V1 - V0 = 0.5 + 1.8 - 1 = 1.3               A0 = 1.3 + 0.45*0 = 1.3
  const std::vector<float> rewards = {0.5f, 2.0f, 1.0f}, values = {1, 2, 3}, ended = {0, 1, 0},
                           last = {4};
  std::vector<float> adv(3), ret(3);
  ComputeGae(rewards, values, ended, last, 3, 1, 0.9, 0.5, adv, ret);
  EXPECT_NEAR(adv[2], 1.6, 1e-6);
  EXPECT_NEAR(adv[1], 0.0, 1e-6);
  EXPECT_NEAR(adv[0], 1.3, 1e-6);
  EXPECT_NEAR(ret[0], 2.3, 1e-6);
  EXPECT_NEAR(ret[2], 4.6, 1e-6);
}

TEST(GaeTest, AdvantageCarriesBackWithGammaLambda) {
  // No episode end: A1 = delta1 = 1 + 0.9*0 - 0 = 1; A0 = delta0 + 0.9*0.5*A1 = 0 + 0.45.
  const std::vector<float> rewards = {0, 1}, values = {0, 0}, ended = {0, 0}, last = {0};
  std::vector<float> adv(2), ret(2);
  ComputeGae(rewards, values, ended, last, 2, 1, 0.9, 0.5, adv, ret);
  EXPECT_NEAR(adv[1], 1.0, 1e-6);
  EXPECT_NEAR(adv[0], 0.45, 1e-6);
}

TEST(GaeTest, EnvsAreIndependentColumns) {
  // Two envs interleaved [step][env]; env 1 is env 0 shifted by +1 reward at every step.
  const std::vector<float> rewards = {1, 2, 1, 2}, values = {0, 0, 0, 0}, ended = {0, 0, 0, 0},
                           last = {0, 0};
  std::vector<float> adv(4), ret(4);
  ComputeGae(rewards, values, ended, last, 2, 2, 1.0, 1.0, adv, ret);
  EXPECT_NEAR(adv[0], 2.0, 1e-6);  // env 0: 1 + 1
  EXPECT_NEAR(adv[1], 4.0, 1e-6);  // env 1: 2 + 2
  EXPECT_NEAR(adv[2], 1.0, 1e-6);
  EXPECT_NEAR(adv[3], 2.0, 1e-6);
}

}  // namespace
}  // namespace hpo::trainer
