#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "lib/runner/sweep_runner.h"

namespace hpo::runner {
namespace {

std::filesystem::path RunDirWithResults(const std::string& name, const std::string& yaml) {
  const auto dir = std::filesystem::path(testing::TempDir()) / name;
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "sweep_eval_results.yaml") << yaml;
  return dir;
}

TEST(ReadFinalValueTest, TimeToSolveIsReadWhenTheRunSolved) {
  const auto dir =
      RunDirWithResults("solved",
                        "final_mean_reward: 240\ntraining_time: 30\ntotal_timesteps: 1000000\n"
                        "time_to_solve: 12.5\nsteps_to_solve: 400000\n");
  EXPECT_DOUBLE_EQ(ReadFinalValue(dir, "time_to_solve", std::nullopt), 12.5);
  EXPECT_DOUBLE_EQ(ReadFinalValue(dir, "steps_to_solve", std::nullopt), 400000);
}

TEST(ReadFinalValueTest, ANeverSolvedRunCountsAsItsWholeLengthNotAFailure) {
  const auto dir =
      RunDirWithResults("unsolved",
                        "final_mean_reward: 120\ntraining_time: 30\ntotal_timesteps: 1000000\n"
                        "time_to_solve: null\nsteps_to_solve: null\n");
  EXPECT_DOUBLE_EQ(ReadFinalValue(dir, "time_to_solve", std::nullopt), 30);
  EXPECT_DOUBLE_EQ(ReadFinalValue(dir, "steps_to_solve", std::nullopt), 1000000);
  // any other null metric is still an error
  const auto other = RunDirWithResults("null_reward", "final_mean_reward: null\n");
  EXPECT_THROW(ReadFinalValue(other, "final_mean_reward", std::nullopt), std::runtime_error);
}

TEST(ParseReportLineTest, ALineWithoutAStepIsAFinalValue) {
  const std::optional<ParsedReport> curve =
      ParseReportLine(R"({"step": 2000, "score": 1.5})", "score");
  ASSERT_TRUE(curve);
  EXPECT_EQ(curve->step, 2000);
  EXPECT_DOUBLE_EQ(curve->value, 1.5);
  const std::optional<ParsedReport> final_value = ParseReportLine(R"({"score": -0.25})", "score");
  ASSERT_TRUE(final_value);
  EXPECT_FALSE(final_value->step);
  EXPECT_DOUBLE_EQ(final_value->value, -0.25);
  EXPECT_FALSE(ParseReportLine(R"({"loss": 3})", "score"));  // not the metric
  EXPECT_FALSE(ParseReportLine("score: 3", "score"));        // not a JSON line
}

TEST(ParseReportLineTest, PythonsNonFiniteNumbersAreNumbers) {
  // json.dumps writes float("nan"), float("inf") and -inf as NaN, Infinity and -Infinity.
  const std::optional<ParsedReport> nan = ParseReportLine(R"({"step": 3, "score": NaN})", "score");
  ASSERT_TRUE(nan);
  EXPECT_EQ(nan->step, 3);
  EXPECT_TRUE(std::isnan(nan->value));
  EXPECT_EQ(ParseReportLine(R"({"step": 3, "score": Infinity})", "score")->value, HUGE_VAL);
  EXPECT_EQ(ParseReportLine(R"({"score": -Infinity})", "score")->value, -HUGE_VAL);
  EXPECT_FALSE(ParseReportLine(R"({"score": "NaN"})", "score"));  // a string is no number
}

TEST(ReadFinalValueTest, AFinalNanFailsAndSaysSo) {
  const auto dir = std::filesystem::path(testing::TempDir()) / "final_nan";
  std::filesystem::create_directories(dir);
  try {
    ReadFinalValue(dir, "score", NAN);
    ADD_FAILURE() << "a NaN final value was taken";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "the trial's final score is NaN (not a number to compare)");
  }
}

TEST(ParseReportLineTest, ACostOnTheLineIsKept) {
  const std::optional<ParsedReport> r =
      ParseReportLine(R"({"score": -0.25, "cost": 42.5})", "score");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->cost, 42.5);
  EXPECT_FALSE(ParseReportLine(R"({"score": 1})", "score")->cost);
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
