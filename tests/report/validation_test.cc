#include "lib/report/validation.h"

#include <gtest/gtest.h>

#include <cmath>

namespace hpo::report {
namespace {

store::Trial RunOf(int64_t number, double x, store::TrialState state, std::optional<double> value,
                   bool retried = false) {
  store::Trial t;
  t.number = number;
  t.params = {{"x", Value(x)}};
  t.state = state;
  t.value = value;
  t.retried = retried;
  return t;
}

// The sweep ranked x=0.1 first (value 90) and x=0.2 second (80); on fresh seeds x=0.2 does
// better: the ranking changed, and each configuration gets its mean, std, min and new rank.
TEST(ValidationTest, GroupsRunsByConfigurationAndRanksThemAgainByMean) {
  const std::vector<store::Trial> top = {RunOf(4, 0.1, store::TrialState::kComplete, 90),
                                         RunOf(7, 0.2, store::TrialState::kComplete, 80)};
  const std::vector<ParamSet> run_params = {top[0].params, top[1].params};
  const std::vector<store::Trial> runs = {
      RunOf(0, 0.1, store::TrialState::kComplete, 70),
      RunOf(1, 0.1, store::TrialState::kComplete, 74),
      RunOf(2, 0.1, store::TrialState::kFailed, std::nullopt),
      RunOf(3, 0.2, store::TrialState::kComplete, 85),
      RunOf(4, 0.2, store::TrialState::kComplete, 87),
      RunOf(5, 0.2, store::TrialState::kFailed, std::nullopt,
            /*retried=*/true),                           // re-queued: not a failure
      RunOf(6, 0.3, store::TrialState::kComplete, 99)};  // not a validated configuration
  const Validation v = GroupValidationRuns(top, run_params, runs, /*maximize=*/true);
  ASSERT_EQ(v.configs.size(), 2u);
  EXPECT_FALSE(v.ranking_held);
  EXPECT_EQ(v.configs[0].sweep_rank, 1);
  EXPECT_EQ(v.configs[0].validated_rank, 2);
  EXPECT_DOUBLE_EQ(v.configs[0].Mean(), 72);
  EXPECT_DOUBLE_EQ(v.configs[0].Std(), std::sqrt(8.0));
  EXPECT_DOUBLE_EQ(v.configs[0].Min(), 70);
  EXPECT_EQ(v.configs[0].failed, 1);
  EXPECT_EQ(v.configs[1].validated_rank, 1);
  EXPECT_DOUBLE_EQ(v.configs[1].Mean(), 86);
  EXPECT_EQ(v.configs[1].failed, 0);

  // Minimising, the same runs keep the sweep's order.
  EXPECT_TRUE(GroupValidationRuns(top, run_params, runs, /*maximize=*/false).ranking_held);

  const std::string yaml = ValidationYaml(v, "s", "score", 3, "total_timesteps 1000");
  EXPECT_NE(yaml.find("ranking_held: false\n"), std::string::npos) << yaml;
  EXPECT_NE(
      yaml.find("  - config_id: s.r.4\n    sweep_rank: 1\n    sweep_value: 90\n    mean: 72\n"),
      std::string::npos)
      << yaml;
  EXPECT_NE(ValidationTable(v, "s").find("s.r.7"), std::string::npos);
}

}  // namespace
}  // namespace hpo::report
