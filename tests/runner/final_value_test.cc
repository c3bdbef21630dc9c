#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "lib/protocol/eval_line.h"
#include "lib/runner/sweep_runner.h"

namespace hpo::runner {
namespace {

std::filesystem::path RunDirWithResults(const std::string& name, const std::string& yaml) {
  const auto dir = std::filesystem::path(testing::TempDir()) / name;
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "sweep_eval_results.yaml") << yaml;
  return dir;
}

config::ObjectiveFormula Metric(const std::string& text) {
  return config::ObjectiveFormula::Parse(text);
}

TEST(ReadFinalValueTest, TimeToSolveIsReadWhenTheRunSolved) {
  const auto dir =
      RunDirWithResults("solved",
                        "final_mean_reward: 240\ntraining_time: 30\ntotal_timesteps: 1000000\n"
                        "time_to_solve: 12.5\nsteps_to_solve: 400000\n");
  EXPECT_DOUBLE_EQ(ReadFinalValue(dir, Metric("time_to_solve"), std::nullopt), 12.5);
  EXPECT_DOUBLE_EQ(ReadFinalValue(dir, Metric("steps_to_solve"), std::nullopt), 400000);
}

TEST(ReadFinalValueTest, ANeverSolvedRunCountsAsItsWholeLengthNotAFailure) {
  const auto dir =
      RunDirWithResults("unsolved",
                        "final_mean_reward: 120\ntraining_time: 30\ntotal_timesteps: 1000000\n"
                        "time_to_solve: null\nsteps_to_solve: null\n");
  EXPECT_DOUBLE_EQ(ReadFinalValue(dir, Metric("time_to_solve"), std::nullopt), 30);
  EXPECT_DOUBLE_EQ(ReadFinalValue(dir, Metric("steps_to_solve"), std::nullopt), 1000000);
  // any other null metric is still an error
  const auto other = RunDirWithResults("null_reward", "final_mean_reward: null\n");
  EXPECT_THROW(ReadFinalValue(other, Metric("final_mean_reward"), std::nullopt),
               std::runtime_error);
}

TEST(ParseReportLineTest, ALineWithoutAStepIsAFinalValue) {
  const std::optional<ParsedReport> curve =
      ParseReportLine(R"({"step": 2000, "score": 1.5})", Metric("score"));
  ASSERT_TRUE(curve);
  EXPECT_EQ(curve->step, 2000);
  EXPECT_DOUBLE_EQ(curve->value, 1.5);
  const std::optional<ParsedReport> final_value =
      ParseReportLine(R"({"score": -0.25})", Metric("score"));
  ASSERT_TRUE(final_value);
  EXPECT_FALSE(final_value->step);
  EXPECT_DOUBLE_EQ(final_value->value, -0.25);
  EXPECT_FALSE(ParseReportLine(R"({"loss": 3})", Metric("score")));  // not the metric
  EXPECT_FALSE(ParseReportLine("score: 3", Metric("score")));        // not a JSON line
}

TEST(ParseReportLineTest, PythonsNonFiniteNumbersAreNumbers) {
  // json.dumps writes float("nan"), float("inf") and -inf as NaN, Infinity and -Infinity.
  const std::optional<ParsedReport> nan =
      ParseReportLine(R"({"step": 3, "score": NaN})", Metric("score"));
  ASSERT_TRUE(nan);
  EXPECT_EQ(nan->step, 3);
  EXPECT_TRUE(std::isnan(nan->value));
  EXPECT_EQ(ParseReportLine(R"({"step": 3, "score": Infinity})", Metric("score"))->value, HUGE_VAL);
  EXPECT_EQ(ParseReportLine(R"({"score": -Infinity})", Metric("score"))->value, -HUGE_VAL);
  EXPECT_FALSE(ParseReportLine(R"({"score": "NaN"})", Metric("score")));  // a string is no number
}

TEST(ReadFinalValueTest, AFinalNanFailsAndSaysSo) {
  const auto dir = std::filesystem::path(testing::TempDir()) / "final_nan";
  std::filesystem::create_directories(dir);
  try {
    ReadFinalValue(dir, Metric("score"), NAN);
    ADD_FAILURE() << "a NaN final value was taken";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "the trial's final score is NaN (not a number to compare)");
  }
}

TEST(ParseReportLineTest, HpoTrainsNonFiniteNumbersAreNumbers) {
  // hpo train (lib/trainer/run_log.cc) and Python's repr write nan, inf and -inf: a NaN
  // evaluation reaches the pruner (which prunes it, as Optuna's do) instead of being dropped.
  const std::string line =
      R"({"event":"eval","step":10,"mean_reward":nan,"std":nan,"success_rate":0,)"
      R"("episodes":5,"elapsed":0.100})";
  const std::optional<ParsedReport> nan = ParseReportLine(line, Metric("final_mean_reward"));
  ASSERT_TRUE(nan);
  EXPECT_EQ(nan->step, 10);
  EXPECT_TRUE(std::isnan(nan->value));
  EXPECT_EQ(ParseReportLine(R"({"step": 3, "score": inf})", Metric("score"))->value, HUGE_VAL);
  EXPECT_EQ(ParseReportLine(R"({"score": -inf})", Metric("score"))->value, -HUGE_VAL);
  EXPECT_FALSE(ParseReportLine(R"({"score": "nan"})", Metric("score")));  // a string is no number
}

TEST(ReadFinalValueTest, AResultsFileWithNanFailsTheTrialForItsNan) {
  const auto dir = std::filesystem::path(testing::TempDir()) / "results_nan";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "sweep_eval_results.yaml") << "final_mean_reward: nan\nstd: nan\n";
  try {
    ReadFinalValue(dir, Metric("final_mean_reward"), std::nullopt);
    ADD_FAILURE() << "a NaN final value was taken";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "the trial's final final_mean_reward is NaN (not a number to compare)");
  }
}

TEST(ParseReportLineTest, HpoTrainsEvalLineIsTheCurveOfEveryRewardAlias) {
  // What hpo train prints (protocol::EvalLineJson) is what the controller reads back.
  const std::string line = protocol::EvalLineJson(
      {.step = 2048, .mean_reward = 120.5, .std = 3, .success_rate = 0.25, .episodes = 4});
  for (const char* alias : {"final_mean_reward", "reward", "mean_reward", "episode_reward_mean"}) {
    const std::optional<ParsedReport> r = ParseReportLine(line, Metric(alias));
    ASSERT_TRUE(r) << alias;
    EXPECT_EQ(r->step, 2048) << alias;
    EXPECT_EQ(r->value, 120.5) << alias;
  }
  EXPECT_EQ(ParseReportLine(line, Metric("success_rate"))->value, 0.25);
  const std::string nan = protocol::EvalLineJson({.step = 10, .mean_reward = NAN});
  EXPECT_TRUE(std::isnan(ParseReportLine(nan, Metric("final_mean_reward"))->value));
  // the final evaluation's reward is the results file's, not a point of the curve
  EXPECT_FALSE(
      ParseReportLine(protocol::EvalLineJson({.final_eval = true, .step = 4096, .mean_reward = 1}),
                      Metric("final_mean_reward")));
}

TEST(ParseReportLineTest, ACostOnTheLineIsKept) {
  const std::optional<ParsedReport> r =
      ParseReportLine(R"({"score": -0.25, "cost": 42.5})", Metric("score"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->cost, 42.5);
  EXPECT_FALSE(ParseReportLine(R"({"score": 1})", Metric("score"))->cost);
}

TEST(ParseReportLineTest, AnExpressionsPartialLineIsACurvePointOnly) {
  const config::ObjectiveFormula objective = Metric("score + 10*bonus");
  const std::optional<ParsedReport> whole =
      ParseReportLine(R"({"step": 10, "score": 2, "bonus": 0.5})", objective);
  ASSERT_TRUE(whole);
  EXPECT_DOUBLE_EQ(whole->value, 7);
  EXPECT_FALSE(whole->partial);
  const std::optional<ParsedReport> partial =
      ParseReportLine(R"({"step": 20, "score": 3})", objective);
  ASSERT_TRUE(partial);
  EXPECT_EQ(partial->step, 20);
  EXPECT_DOUBLE_EQ(partial->value, 3);
  EXPECT_TRUE(partial->partial);
  // without a step a line is a final value, and a final value must be the whole expression
  EXPECT_FALSE(ParseReportLine(R"({"score": 3})", objective));
  EXPECT_DOUBLE_EQ(ParseReportLine(R"({"score": 3, "bonus": 1})", objective)->value, 13);
}

TEST(ReadFinalValueTest, AnExpressionIsComputedFromTheResultsFileOrItsLastWholeLine) {
  const config::ObjectiveFormula objective = Metric("score + 10*bonus");
  EXPECT_DOUBLE_EQ(
      ReadFinalValue(RunDirWithResults("expression", "score: 3\nbonus: 1\n"), objective, 99), 13);
  const auto no_file = std::filesystem::path(testing::TempDir()) / "expression_no_file";
  std::filesystem::create_directories(no_file);
  EXPECT_DOUBLE_EQ(ReadFinalValue(no_file, objective, 7.0), 7.0);
  try {
    ReadFinalValue(no_file, objective, std::nullopt);
    ADD_FAILURE() << "a trial without a whole value was taken";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(),
                 "the trial wrote no sweep_eval_results.yaml and reported no line with all of "
                 "score, bonus");
  }
  try {
    ReadFinalValue(RunDirWithResults("expression_inf", "score: 3\nbonus: 0\n"),
                   Metric("score / bonus"), std::nullopt);
    ADD_FAILURE() << "an infinite value was taken";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "the trial's score / bonus is inf");
  }
}

TEST(TrialMeasuresTest, StepsAndCostComeFromTheResultsFile) {
  const TrialMeasures both = ReadTrialMeasures(
      RunDirWithResults("measures", "score: 1\ntotal_timesteps: 600000\ncost: 7\n"));
  EXPECT_EQ(both.steps, 600000);
  EXPECT_EQ(both.reported, 7);
  const TrialMeasures none = ReadTrialMeasures(
      RunDirWithResults("no_measures", "score: 1\ncost: -3\ntotal_timesteps: x\n"));
  EXPECT_FALSE(none.steps);
  EXPECT_FALSE(none.reported);
}

TEST(CostMeasureTest, EachModePicksItsMeasureAndSaysWhenWallTimeStandsIn) {
  const TrialMeasures both{600000.0, 7.0}, steps_only{600000.0, std::nullopt}, none;
  bool measured = false;
  EXPECT_EQ(CostMeasure("wall", both, 3.5, measured), 3.5);
  EXPECT_TRUE(measured);
  EXPECT_EQ(CostMeasure("steps", both, 3.5, measured), 600000);
  EXPECT_EQ(CostMeasure("reported", both, 3.5, measured), 7);
  EXPECT_EQ(CostMeasure("auto", both, 3.5, measured), 7);  // the trial's own word first
  EXPECT_EQ(CostMeasure("auto", steps_only, 3.5, measured), 600000);
  EXPECT_TRUE(measured);
  EXPECT_EQ(CostMeasure("auto", none, 3.5, measured), 3.5);
  EXPECT_TRUE(measured);  // auto asked for nothing in particular
  EXPECT_EQ(CostMeasure("reported", steps_only, 3.5, measured), 3.5);
  EXPECT_FALSE(measured);
  EXPECT_EQ(CostMeasure("steps", none, 3.5, measured), 3.5);
  EXPECT_FALSE(measured);
}

}  // namespace
}  // namespace hpo::runner
