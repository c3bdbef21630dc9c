#include "envs/fixed_policy.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "lib/core/error.h"

namespace hpo::envs {
namespace {

TEST(FixedPolicyTest, TheSummaryIsComputedFromTheEpisodes) {
  const FixedPolicyResult r = RunFixedPolicy({"LunarLander-v3", "random", 7, 3, {}});
  ASSERT_EQ(r.episodes.size(), 7u);
  double sum = 0, lowest = 1e9, highest = -1e9;
  int64_t steps = 0;
  for (const Episode& e : r.episodes) {
    sum += e.episode_return;
    lowest = std::min(lowest, e.episode_return);
    highest = std::max(highest, e.episode_return);
    steps += e.length;
  }
  EXPECT_DOUBLE_EQ(r.mean_return, sum / 7);
  EXPECT_EQ(r.min_return, lowest);
  EXPECT_EQ(r.max_return, highest);
  EXPECT_EQ(r.steps, steps);
  EXPECT_DOUBLE_EQ(r.mean_length, static_cast<double>(steps) / 7);
  std::vector<double> returns;
  for (const Episode& e : r.episodes) returns.push_back(e.episode_return);
  std::sort(returns.begin(), returns.end());
  EXPECT_EQ(r.median_return, returns[3]);  // odd count: the middle one
}

TEST(FixedPolicyTest, TheHeuristicLandsAndTheSameSeedPlaysTheSameEpisodes) {
  // Gymnasium's heuristic scores ~270 on LunarLander-v3 (docs/benchmarks.md); random play crashes.
  const FixedPolicyResult heuristic = RunFixedPolicy({"LunarLander-v3", "heuristic", 20, 5, {}});
  EXPECT_GT(heuristic.mean_return, 200);
  EXPECT_GE(heuristic.solved_fraction, 0.7);
  const FixedPolicyResult random = RunFixedPolicy({"LunarLander-v3", "random", 20, 5, {}});
  EXPECT_LT(random.mean_return, 0);
  EXPECT_EQ(EpisodesCsv(RunFixedPolicy({"LunarLander-v3", "random", 20, 5, {}}).episodes),
            EpisodesCsv(random.episodes));
  EXPECT_NE(EpisodesCsv(RunFixedPolicy({"LunarLander-v3", "random", 20, 6, {}}).episodes),
            EpisodesCsv(random.episodes));
}

TEST(FixedPolicyTest, TheCsvHasARowPerEpisodeWithEveryDigit) {
  const std::string csv = EpisodesCsv({{-123.456789012345678, 88, true}, {12.5, 1000, false}});
  EXPECT_EQ(csv,
            "episode,return,length,terminated,truncated\n0,-123.45678901234568,88,1,0\n1,12.5,1000,"
            "0,1\n");
}

TEST(FixedPolicyTest, AnUnknownPolicyOrNoEpisodesIsAUserError) {
  EXPECT_THROW(RunFixedPolicy({"LunarLander-v3", "greedy", 5, 0, {}}), UserError);
  EXPECT_THROW(RunFixedPolicy({"LunarLander-v3", "random", 0, 0, {}}), UserError);
}

}  // namespace
}  // namespace hpo::envs
