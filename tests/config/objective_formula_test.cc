#include "lib/config/objective_formula.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "lib/protocol/trial_results.h"

namespace hpo::config {
namespace {

std::string ErrorOf(const std::string& text, const ObjectiveFormula::NameCheck& check = {}) {
  try {
    ObjectiveFormula::Parse(text, Origin{"sweep.yaml:2:9"}, check);
  } catch (const UserError& e) {
    return e.what();
  }
  return "(no error)";
}

// hpo train's check, as the loader words it inside an expression.
std::optional<std::string> TrainerWrites(const std::string& name) {
  return protocol::WhyTrainerNeverWrites(name);
}

TEST(ObjectiveFormulaTest, AnExpressionHasAnOperatorAndANameMayHoldSlashesAndHyphens) {
  for (const char* name : {"final_mean_reward", "eval/mean_reward", "val-loss",
                           "env_agent/heart.get", "charts/episodic_return", "Mean Reward"}) {
    EXPECT_FALSE(ObjectiveFormula::IsExpression(name)) << name;
    const ObjectiveFormula f = ObjectiveFormula::Parse(name);
    EXPECT_FALSE(f.is_expression()) << name;
    EXPECT_EQ(f.names(), std::vector<std::string>{name});
  }
  for (const char* expression :
       {"0.7*final_mean_reward + 0.3*success_rate", "reward - cost", "reward / 1000", "-loss",
        "(loss)", "success_rate>0.5", "reward-cost + 0"}) {
    EXPECT_TRUE(ObjectiveFormula::IsExpression(expression)) << expression;
  }
}

TEST(ObjectiveFormulaTest, NamesAreListedOnceInTheOrderWritten) {
  const ObjectiveFormula f = ObjectiveFormula::Parse("b*a + a - 2*c");
  EXPECT_TRUE(f.is_expression());
  EXPECT_EQ(f.names(), (std::vector<std::string>{"b", "a", "c"}));
}

TEST(ObjectiveFormulaTest, MistakesAreLoadErrorsWithTheColumn) {
  EXPECT_EQ(ErrorOf("0.7*final_mean_reward +"),
            "sweep.yaml:2:9: metric \"0.7*final_mean_reward +\": expected a value but the "
            "expression ended at column 24");
  EXPECT_EQ(ErrorOf("0.7*final_mean_rewrd + 0.3*success_rate", TrainerWrites),
            "sweep.yaml:2:9: metric \"0.7*final_mean_rewrd + 0.3*success_rate\": "
            "'final_mean_rewrd' is never written by hpo train (did you mean "
            "'final_mean_reward'?) at column 5");
  EXPECT_EQ(ErrorOf("reward + 1", TrainerWrites), "(no error)");  // a reward alias
  EXPECT_EQ(ErrorOf("'fast' * 2"),  // a string is no value: refused now, not in every trial
            "sweep.yaml:2:9: metric \"'fast' * 2\": 'fast' is not a number here");
  EXPECT_EQ(ErrorOf("reward_typo", TrainerWrites),  // a plain name: the check's words alone
            "sweep.yaml:2:9: 'reward_typo' is never written by hpo train");
}

TEST(ObjectiveFormulaTest, TheFinalValueReadsEachNameAsAMetricIsRead) {
  const YAML::Node results = YAML::Load(
      "final_mean_reward: 200\nsuccess_rate: 0.5\ntraining_time: 100\ntime_to_solve: null\n");
  EXPECT_DOUBLE_EQ(
      ObjectiveFormula::Parse("0.7*final_mean_reward + 0.3*success_rate").FromResults(results),
      140.15);
  EXPECT_DOUBLE_EQ(ObjectiveFormula::Parse("0.7*reward + 0.3*success_rate").FromResults(results),
                   140.15);  // reward reads final_mean_reward
  // a run that never solved counts as its whole length, as for the metric alone
  EXPECT_DOUBLE_EQ(ObjectiveFormula::Parse("reward - 0.1*time_to_solve").FromResults(results),
                   190.0);
  try {
    ObjectiveFormula::Parse("reward + bonus").FromResults(results);
    ADD_FAILURE() << "a missing name was taken";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "results file has no 'bonus'");
  }
  EXPECT_DOUBLE_EQ(ObjectiveFormula::Parse("success_rate").FromResults(results), 0.5);
}

TEST(ObjectiveFormulaTest, ALineGivesTheExpressionWhenItCarriesEveryNameElseTheFirstName) {
  const ObjectiveFormula f = ObjectiveFormula::Parse("score + 10*bonus");
  const std::optional<LineValue> whole =
      f.OnLine(YAML::Load(R"({"step": 10, "score": 2, "bonus": 0.5})"));
  ASSERT_TRUE(whole);
  EXPECT_DOUBLE_EQ(whole->value, 7);
  EXPECT_FALSE(whole->partial);
  const std::optional<LineValue> first = f.OnLine(YAML::Load(R"({"step": 20, "score": 3})"));
  ASSERT_TRUE(first);
  EXPECT_DOUBLE_EQ(first->value, 3);
  EXPECT_TRUE(first->partial);
  EXPECT_FALSE(f.OnLine(YAML::Load(R"({"step": 20, "bonus": 3})")));  // not the first name
  EXPECT_TRUE(std::isnan(f.OnLine(YAML::Load(R"({"score": NaN, "bonus": 1})"))->value));
  // hpo train's evaluation lines carry final_mean_reward as mean_reward, and success_rate
  const YAML::Node eval = YAML::Load(
      R"({"event":"eval","step":5000,"mean_reward":200,"std":9,"success_rate":0.5,"episodes":10})");
  const std::optional<LineValue> trainer =
      ObjectiveFormula::Parse("0.7*final_mean_reward + 0.3*success_rate").OnLine(eval);
  ASSERT_TRUE(trainer);
  EXPECT_DOUBLE_EQ(trainer->value, 140.15);
  EXPECT_FALSE(trainer->partial);
  const std::optional<LineValue> reward_only =
      ObjectiveFormula::Parse("final_mean_reward - 0.01*training_time").OnLine(eval);
  ASSERT_TRUE(reward_only);
  EXPECT_DOUBLE_EQ(reward_only->value, 200);
  EXPECT_TRUE(reward_only->partial);
}

TEST(ObjectiveFormulaTest, TheDryRunSaysWhatTheIntermediateValuesAre) {
  EXPECT_EQ(ObjectiveFormula::Parse("0.7*final_mean_reward + 0.3*success_rate")
                .DescribeIntermediateValues(true),
            "the expression, on every evaluation line of hpo train (they carry all its names)");
  EXPECT_EQ(ObjectiveFormula::Parse("final_mean_reward - 0.01*training_time")
                .DescribeIntermediateValues(true),
            "final_mean_reward alone: hpo train's evaluation lines lack training_time (the final "
            "value is the expression, from sweep_eval_results.yaml)");
  EXPECT_EQ(ObjectiveFormula::Parse("0.5*score + 100*x").DescribeIntermediateValues(false),
            "the expression on JSON lines that carry score, x; score alone on lines that carry "
            "only it (the final value is always the expression)");
}

}  // namespace
}  // namespace hpo::config
