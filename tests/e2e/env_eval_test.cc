#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>
#include <string>

#include "tests/e2e/run_hpo.h"

namespace hpo::e2e {
namespace {

TEST(EnvEvalCliTest, JsonHasEveryKey) {
  const CommandResult r =
      RunHpo("env-eval --env LunarLanderContinuous-v3 --policy heuristic --episodes 20 --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const YAML::Node json = YAML::Load(r.output);
  for (const char* key : {"mean_return", "std_return", "median_return", "min_return", "max_return",
                          "mean_episode_length", "terminated_fraction", "truncated_fraction",
                          "solved_fraction", "steps_per_second"}) {
    EXPECT_TRUE(json[key].IsScalar()) << key;
  }
  EXPECT_GT(json["mean_return"].as<double>(), 200.0);
}

TEST(EnvEvalCliTest, EpisodesOutHasOneRowPerEpisodeMatchingTheSummary) {
  const std::string csv = testing::TempDir() + "env_eval_episodes.csv";
  const CommandResult r =
      RunHpo("env-eval --policy random --episodes 25 --json --episodes-out " + csv);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const YAML::Node json = YAML::Load(r.output);
  EXPECT_NE(json["physics"].as<std::string>().find("Box2D 2.4.1"), std::string::npos);
  std::ifstream in(csv);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "episode,return,length,terminated,truncated");
  int rows = 0, length = 0;
  double sum = 0;
  while (std::getline(in, line)) {
    std::stringstream fields(line);
    std::string episode, ret, len, terminated, truncated;
    std::getline(fields, episode, ',');
    std::getline(fields, ret, ',');
    std::getline(fields, len, ',');
    std::getline(fields, terminated, ',');
    std::getline(fields, truncated, ',');
    EXPECT_EQ(std::stoi(episode), rows);
    EXPECT_NE(terminated, truncated) << line;  // each episode ends one way
    sum += std::stod(ret);
    length += std::stoi(len);
    ++rows;
  }
  EXPECT_EQ(rows, 25);
  EXPECT_NEAR(sum / rows, json["mean_return"].as<double>(), 1e-9);
  EXPECT_NEAR(length / 25.0, json["mean_episode_length"].as<double>(), 1e-9);
}

struct BadInput {
  const char* args;
  const char* named;  // the bad value must appear in the message
};
void PrintTo(const BadInput& bad, std::ostream* os) { *os << bad.args; }

class EnvEvalBadInputTest : public testing::TestWithParam<BadInput> {};

TEST_P(EnvEvalBadInputTest, OneLineErrorNamingTheValueAndExitCode2) {
  const CommandResult r = RunHpo(std::string("env-eval ") + GetParam().args);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(LineCount(r.output), 1) << r.output;
  EXPECT_NE(r.output.find(GetParam().named), std::string::npos) << r.output;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, EnvEvalBadInputTest,
    testing::Values(BadInput{"--env CartPole-v9", "CartPole-v9"}, BadInput{"--episodes -5", "-5"},
                    BadInput{"--policy greedy", "greedy"}, BadInput{"--gravity -15", "-15"},
                    BadInput{"--gravity 3", "3"}, BadInput{"--episodes ten", "ten"},
                    BadInput{"--env Acrobot-v1 --policy heuristic",
                             "--policy: there is no heuristic policy for Acrobot-v1"}),
    [](const testing::TestParamInfo<BadInput>& param) {
      return TestNameOf(param.index, param.param.args);
    });

}  // namespace
}  // namespace hpo::e2e
