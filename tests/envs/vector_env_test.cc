#include "envs/vector_env.h"

#include <gtest/gtest.h>

#include <vector>

namespace hpo::envs {
namespace {

TEST(VectorEnvTest, CopiesStartFromDifferentSeedsAndRunsRepeat) {
  VectorEnv a("LunarLander-v3", 4, 11), b("LunarLander-v3", 4, 11), c("LunarLander-v3", 4, 12);
  std::vector<float> oa(32), ob(32), oc(32);
  a.Reset(oa);
  b.Reset(ob);
  c.Reset(oc);
  EXPECT_EQ(oa, ob);
  EXPECT_NE(oa, oc);
  for (int i = 1; i < 4; ++i) {
    EXPECT_NE(std::vector<float>(oa.begin(), oa.begin() + 8),
              std::vector<float>(oa.begin() + 8 * i, oa.begin() + 8 * i + 8));
  }
}

TEST(VectorEnvTest, AutoResetKeepsTheFinalObservationAndReportsTheEpisode) {
  VectorEnv env("LunarLander-v3", 2, 3);
  std::vector<float> obs(16), actions(2, 0.0f), rewards(2);  // free fall: both crash
  std::vector<uint8_t> terminated(2), truncated(2);
  env.Reset(obs);
  std::vector<double> returns(2, 0.0);
  for (int t = 0; t < 1000 && env.finished_episodes().empty(); ++t) {
    env.Step(actions, obs, rewards, terminated, truncated);
    for (int i = 0; i < 2; ++i) returns[static_cast<size_t>(i)] += rewards[static_cast<size_t>(i)];
  }
  ASSERT_FALSE(env.finished_episodes().empty());
  const EpisodeStats& done = env.finished_episodes().front();
  const size_t i = static_cast<size_t>(done.env_index);
  EXPECT_TRUE(terminated[i]);
  EXPECT_EQ(rewards[i], -100.0f);
  EXPECT_NEAR(done.episode_return, returns[i], 1e-3);
  EXPECT_GT(done.length, 10);
  // The row now holds the new episode's first observation (near the top of the screen); the
  // final observation of the crash is kept aside.
  const std::span<const float> final_obs = env.final_observations().subspan(i * 8, 8);
  EXPECT_NE(std::vector<float>(final_obs.begin(), final_obs.end()),
            std::vector<float>(obs.begin() + static_cast<long>(i) * 8,
                               obs.begin() + static_cast<long>(i) * 8 + 8));
  EXPECT_GT(obs[i * 8 + 1], 1.3f);
  EXPECT_LT(final_obs[1], 0.5f);
  env.ClearFinishedEpisodes();
  EXPECT_TRUE(env.finished_episodes().empty());
}

}  // namespace
}  // namespace hpo::envs
