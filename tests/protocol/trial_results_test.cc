#include "lib/protocol/trial_results.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace hpo::protocol {
namespace {

TEST(ResultsFileTest, WhatHpoTrainWritesReadsBackKeyByKey) {
  TrainerResults r;
  r.final_mean_reward = 231.5;
  r.episodes = 10;
  r.training_time = 80.5;
  r.total_timesteps = 100000;
  r.steps_to_solve = 60000;
  r.time_to_solve = 44.25;
  r.time_update = 20.5;
  const YAML::Node read = YAML::Load(TrainerResultsYaml(r));
  std::vector<std::string> keys;
  for (const auto& entry : read) keys.push_back(entry.first.as<std::string>());
  EXPECT_EQ(keys, TrainerResultKeys());
  EXPECT_EQ(keys.front(), "final_mean_reward");
  EXPECT_EQ(keys.size(), 14u);
  EXPECT_EQ(MetricInResults(read, "final_mean_reward"), 231.5);
  EXPECT_EQ(MetricInResults(read, "episodes"), 10);
  EXPECT_EQ(MetricInResults(read, "total_timesteps"), 100000);
  EXPECT_EQ(MetricInResults(read, "steps_to_solve"), 60000);
  EXPECT_EQ(MetricInResults(read, "time_to_solve"), 44.25);
  EXPECT_EQ(MetricInResults(read, "time_update"), 20.5);
  // never solved: null, read as the whole run; a NaN reward reads back as NaN
  r.steps_to_solve.reset();
  r.time_to_solve.reset();
  r.final_mean_reward = NAN;
  r.std = HUGE_VAL;
  const YAML::Node unsolved = YAML::Load(TrainerResultsYaml(r));
  EXPECT_TRUE(unsolved["steps_to_solve"].IsNull());
  EXPECT_EQ(MetricInResults(unsolved, "steps_to_solve"), 100000);
  EXPECT_EQ(MetricInResults(unsolved, "time_to_solve"), 80.5);
  EXPECT_TRUE(std::isnan(MetricInResults(unsolved, "final_mean_reward")));
  EXPECT_EQ(MetricInResults(unsolved, "std"), HUGE_VAL);
}

TEST(ResultsFileTest, EveryNonFiniteSpellingATrialWritesIsANumber) {
  // fmt and printf write 0/0 on x86-64 as -nan (its sign bit is set)
  EXPECT_EQ(fmt::format("{}", -std::numeric_limits<double>::quiet_NaN()), "-nan");
  for (const char* text : {"nan", "-nan", "NaN", ".nan", ".NaN"})
    EXPECT_TRUE(std::isnan(TrialNumber(YAML::Load(std::string("x: ") + text)["x"]))) << text;
  for (const char* text : {"inf", "+inf", "Infinity", ".inf"})
    EXPECT_EQ(TrialNumber(YAML::Load(std::string("x: ") + text)["x"]), HUGE_VAL) << text;
  for (const char* text : {"-inf", "-Infinity", "-.inf"})
    EXPECT_EQ(TrialNumber(YAML::Load(std::string("x: ") + text)["x"]), -HUGE_VAL) << text;
  EXPECT_THROW(TrialNumber(YAML::Load("x: \"nan\"")["x"]), YAML::Exception);  // a string
  EXPECT_THROW(TrialNumber(YAML::Load("x: fast")["x"]), YAML::Exception);
}

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
}  // namespace hpo::protocol
