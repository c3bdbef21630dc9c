#include "lib/config/results_file.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace hpo::config {
namespace {

TEST(ResultsFileTest, AMetricIsReadByItsNameOrAsARewardAlias) {
  const YAML::Node results = YAML::Load("final_mean_reward: 231.5\ntraining_time: 80\nscore: 3\n");
  EXPECT_EQ(MetricInResults(results, "score"), 3.0);
  for (const char* alias : {"final_mean_reward", "reward", "mean_reward", "episode_reward_mean"}) {
    EXPECT_EQ(MetricInResults(results, alias), 231.5) << alias;
  }
  EXPECT_THROW(MetricInResults(results, "nope"), std::runtime_error);
}

TEST(ResultsFileTest, AnUnsolvedRunCountsAsItsWholeLength) {
  const YAML::Node results =
      YAML::Load("time_to_solve: null\ntraining_time: 80\nsteps_to_solve: null\n");
  EXPECT_EQ(MetricInResults(results, "time_to_solve"), 80.0);
  EXPECT_THROW(MetricInResults(results, "steps_to_solve"),
               std::runtime_error);  // no total_timesteps
}

TEST(ResultsFileTest, WhatIsNotANumberOrNotAMappingIsAnError) {
  EXPECT_THROW(MetricInResults(YAML::Load("score: [1, 2]\n"), "score"), std::runtime_error);
  EXPECT_THROW(MetricInResults(YAML::Load("- 1\n"), "score"), std::runtime_error);
}

}  // namespace
}  // namespace hpo::config
