#include "lib/report/html_report.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "tests/report/seeded_study.h"

namespace hpo::report {
namespace {

// The y label of the chart under a section's heading.
std::string YLabelNote(const std::string& page, const std::string& heading) {
  const size_t chart = page.find("<h2>" + heading + "</h2>");
  const size_t note = page.find(R"(class="note">()", chart);
  if (chart == std::string::npos || note == std::string::npos || note > page.find("</svg>", chart))
    return "";
  return page.substr(note + 13, page.find("</tspan>", note) - note - 13);
}

// Twenty trials whose curves and values lie between 1 and 2.9, and one far from them: below
// for a maximised metric (a policy that crashed), above for a minimised one (a loss that
// diverged).
SweepResults StudyWithOneFarTrial(bool maximize) {
  SweepResults r;
  r.location.name = "far";
  r.info.objectives.metric = maximize ? "reward" : "loss";
  r.info.objectives.maximize = maximize;
  for (int64_t n = 0; n <= 20; ++n) {
    store::Trial t;
    t.number = n;
    t.state = store::TrialState::kComplete;
    t.started_ms = 1000 * n, t.finished_ms = 1000 * n + 500;
    const double far = maximize ? -3000 : 3000,
                 value = n == 20 ? far : 1 + 0.1 * static_cast<double>(n);
    for (int step = 1; step <= 3; ++step) t.intermediates.push_back({step, value});
    t.value = value;
    r.trials.push_back(t);
  }
  return r;
}

TEST(HtmlReportTest, HistoryAndCurvesLeaveOutFarValuesOnTheMetricsWorseSide) {
  const std::string maximised = HtmlReport(StudyWithOneFarTrial(true), {}, 10);
  EXPECT_EQ(YLabelNote(maximised, "Optimization history"),
            "(1 point below 0.924 drawn at the edge)");
  EXPECT_EQ(YLabelNote(maximised, "History by wall time"),
            "(1 point below 0.924 drawn at the edge)");
  EXPECT_EQ(YLabelNote(maximised, "Intermediate values"),
            "(3 points below 0.924 drawn at the edge)");
  const std::string minimised = HtmlReport(StudyWithOneFarTrial(false), {}, 10);
  EXPECT_EQ(YLabelNote(minimised, "Optimization history"),
            "(1 point above 2.976 drawn at the edge)");
  EXPECT_EQ(YLabelNote(minimised, "Intermediate values"),
            "(3 points above 2.976 drawn at the edge)");
  // The cost chart shows every value.
  EXPECT_EQ(YLabelNote(minimised, "Cost vs score"), "");
}

// The final values of a default LunarLander sweep, in trial order, and whether each completed
// (`hpo sweep configs/lunar.yaml --jobs 1`, 2026-12-07; docs/benchmarks.md, "Report charts").
TEST(HtmlReportTest, TheBestSoFarLineDoesNotCountTwiceInTheHistorysQuartiles) {
  const std::vector<std::pair<double, bool>> values = {
      {-57.9, true},  {203.7, true},  {15.1, true},   {149.3, true},  {-129.4, false},
      {-99.2, false}, {256.3, true},  {-11.6, false}, {193.0, true},  {269.6, true},
      {279.0, true},  {273.6, true},  {273.5, true},  {277.1, true},  {274.7, true},
      {272.1, true},  {253.2, false}, {97.2, false},  {256.6, false}, {167.0, false},
      {248.6, false}, {195.6, false}, {237.7, false}, {219.6, false}, {47.1, false},
      {101.2, false}, {107.0, false}, {105.8, false}, {237.4, false}, {274.5, true}};
  SweepResults r;
  r.location.name = "lunar";
  for (size_t n = 0; n < values.size(); ++n) {
    store::Trial t;
    t.number = static_cast<int64_t>(n);
    t.state = values[n].second ? store::TrialState::kComplete : store::TrialState::kPruned;
    t.value = values[n].first;
    r.trials.push_back(t);
  }
  // Its quartiles put the fence at -144, below every value. Counted with the best-so-far line
  // (14 more values, most of them near 275), they put it at -65, past the two worst trials.
  const std::string page = HtmlReport(r, {}, 10);
  EXPECT_EQ(YLabelNote(page, "Optimization history"), "");
  EXPECT_EQ(page.find("class=\"clipped\""), std::string::npos);
}

SweepResults SeededResults() {
  SeededStudy s = MakeSeededStudy();
  SweepResults r;
  r.location.name = "seeded";
  r.study = s.study;
  r.info = s.info;
  r.trials = std::move(s.trials);
  return r;
}

TEST(MarkdownReportTest, ASeededStudysTopTrialsShowTheirSeedsAndSpread) {
  const std::string md = MarkdownReport(SeededResults(), {}, 5);
  EXPECT_NE(md.find("## Top 5 trials\n\nEach trial's final_mean_reward is the median of its 3 "
                    "seeds' values, shown +/- their standard deviation.\n\n"
                    "| rank | run | final_mean_reward | seeds | cost (s) | parameters |\n"
                    "| --- | --- | --- | --- | --- | --- |\n"
                    "| 1 | seeded.r.0 | 256 | +/- 6 (seeds: 250, 262, 256) | 30.0 | gamma=0.99  |\n"
                    "| 2 | seeded.r.1 | 244.5 | +/- 4 (seeds: 240.5, 248.5, 244.5) | 30.0 | "
                    "gamma=0.95  |\n"),
            std::string::npos)
      << md;
}

TEST(HtmlReportTest, ASeededStudysTopTableHasASeedsColumn) {
  const std::string page = HtmlReport(SeededResults(), {}, 5);
  const std::string table = page.substr(page.find("<h2>Top 5 trials</h2>"));
  EXPECT_NE(table.find("<th>final_mean_reward</th><th>seeds</th><th>cost (s)</th>"),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("<td>256</td><td>+/- 6 (seeds: 250, 262, 256)</td><td>30.0</td>"),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("is the median of its 3 seeds"), std::string::npos) << table;
}

// An expression metric with a label: the top table heads its column as every report names it.
TEST(HtmlReportTest, TheTopTableNamesALabelledExpressionAsTheOtherReportsDo) {
  SweepResults r = StudyWithOneFarTrial(true);
  r.info.objectives.metric = "0.5*score + 100*x";
  r.info.objectives.label = "composite";
  const std::string page = HtmlReport(r, {}, 5);
  const std::string table = page.substr(page.find("<h2>Top 5 trials</h2>"));
  EXPECT_NE(table.find("<th>composite (0.5*score + 100*x)</th>"), std::string::npos) << table;
}

}  // namespace
}  // namespace hpo::report
