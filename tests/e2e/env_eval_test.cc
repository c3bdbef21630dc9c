#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "tests/e2e/run_hpo.h"

namespace hpo::e2e {
namespace {

TEST(EnvEvalCliTest, JsonHasEveryKey) {
  const CommandResult r = RunHpo("env-eval --env LunarLanderContinuous-v3 --policy heuristic --episodes 20 --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const YAML::Node json = YAML::Load(r.output);
  for (const char* key : {"mean_return", "std_return", "median_return", "min_return", "max_return",
                          "mean_episode_length", "terminated_fraction", "truncated_fraction",
                          "solved_fraction", "steps_per_second"}) {
    EXPECT_TRUE(json[key].IsScalar()) << key;
  }
  EXPECT_GT(json["mean_return"].as<double>(), 200.0);
}

struct BadInput {
  const char* args;
  const char* named;  // the bad value must appear in the message
};

class EnvEvalBadInputTest : public testing::TestWithParam<BadInput> {};

TEST_P(EnvEvalBadInputTest, OneLineErrorNamingTheValueAndExitCode2) {
  const CommandResult r = RunHpo(std::string("env-eval ") + GetParam().args);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(LineCount(r.output), 1) << r.output;
  EXPECT_NE(r.output.find(GetParam().named), std::string::npos) << r.output;
}

INSTANTIATE_TEST_SUITE_P(Cases, EnvEvalBadInputTest,
                         testing::Values(BadInput{"--env CartPole-v9", "CartPole-v9"},
                                         BadInput{"--episodes -5", "-5"},
                                         BadInput{"--policy greedy", "greedy"},
                                         BadInput{"--gravity -15", "-15"},
                                         BadInput{"--gravity 3", "3"},
                                         BadInput{"--episodes ten", "ten"}));

}  // namespace
}  // namespace hpo::e2e
