#include "lib/report/population_report.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "lib/report/html_report.h"

namespace hpo::report {
namespace {

size_t Count(const std::string& text, const std::string& what, size_t from = 0) {
  size_t n = 0;
  for (size_t at = text.find(what, from); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

// Three members: 0 finished (200), 1 finished best (250) after copying 0 at step 2000 and a
// skipped copy of 2 at step 1000, 2 still running.
std::vector<pbt::Member> Population() {
  std::vector<pbt::Member> members(3);
  for (int i = 0; i < 3; ++i) {
    members[i].index = i;
    members[i].phase = pbt::MemberPhase::kFinished;
    members[i].outcome = "complete";
    members[i].last_step = 3000;
    members[i].trials = 1;
  }
  members[0].last_value = 200;
  members[0].schedule = {{0, {{"lr", Value(0.001)}, {"act", Value("tanh")}}}};
  pbt::Member& best = members[1];
  best.last_value = 250;
  best.trials = 2;
  best.lineage = {{1000, 2, "", {}, {}, "", true},
                  {2000,
                   0,
                   "/runs/0/pbt_checkpoints/step_2000.ckpt",
                   {{"lr", Value(0.001)}},
                   {{"lr", Value(0.0012)}},
                   "lr 0.001 -> 0.0012 (* 1.2)",
                   false}};
  best.schedule = {
      {0, {{"lr", Value(0.001)}, {"batch", Value(int64_t{64})}, {"act", Value("tanh")}}, 0},
      {2000, {{"lr", Value(0.0012)}, {"batch", Value(int64_t{64})}, {"act", Value("relu")}}, 1}};
  members[2].phase = pbt::MemberPhase::kRunning;
  members[2].outcome.clear();
  members[2].last_step = 2500;
  members[2].last_value = 300;  // running: not a candidate for best
  return members;
}

TEST(PopulationHtmlTest, DrawsEachMemberAsALaneAndEachExploitAsAnEdgeFromItsLeader) {
  const std::string html = PopulationHtml(Population(), "reward", true);
  EXPECT_NE(html.find("<h2>Population lineage</h2>"), std::string::npos);
  EXPECT_NE(html.find("3 members, 1 exploits, 1 skipped"), std::string::npos) << html;
  // Lanes labelled with their last value, the best member marked.
  EXPECT_NE(html.find("member 1: 250 (best)"), std::string::npos) << html;
  EXPECT_NE(html.find("member 2: 300<"), std::string::npos) << html;
  // The exploit: an edge (a polyline) and a dot, both saying what was copied and explored.
  EXPECT_EQ(Count(html,
                  "step 2000: member 1 copied member 0's checkpoint; lr 0.001 -&gt; "
                  "0.0012 (* 1.2)"),
            2u)
      << html;
  EXPECT_EQ(Count(html, "step 1000: member 1 would copy member 2, which had no checkpoint"), 1u);
}

// Member 1's schedule says member 2 trained its weights to step 1500, member 0 on to 2000 and
// member 1 since. Member 0's own lineage (a copy of member 2 at step 1000 that it made after
// member 1 copied it, async members running at different speeds) is not member 1's past.
TEST(PopulationHtmlTest, TracesTheBestMembersWeightsBackThroughItsSchedule) {
  std::vector<pbt::Member> members = Population();
  members[0].lineage = {{1000, 2, "c1000", {}, {}, "", false}};
  members[1].schedule = {{0, {{"lr", Value(0.001)}}, 2},
                         {1500, {{"lr", Value(0.001)}}, 0},
                         {2000, {{"lr", Value(0.0012)}}, 1}};
  const std::string html = PopulationHtml(members, "reward", true);
  EXPECT_EQ(Count(html, "the best member's past"), 3u) << html;
  EXPECT_NE(html.find("the best member's past: member 2 from step 0 to 1500"), std::string::npos);
  EXPECT_NE(html.find("the best member's past: member 0 from step 1500 to 2000"),
            std::string::npos);
  EXPECT_NE(html.find("the best member's past: member 1 from step 2000 to 3000"),
            std::string::npos);
  // A record that does not say who trained a stretch: no trace rather than a guess.
  members[1].schedule[1].member = -1;
  EXPECT_EQ(Count(PopulationHtml(members, "reward", true), "the best member's past"), 0u);
}

TEST(PopulationHtmlTest, ChartsTheBestMembersChangingNumericValuesAndTablesTheSchedule) {
  const std::string html = PopulationHtml(Population(), "reward", true);
  const size_t schedule = html.find("<h2>Best member's schedule</h2>");
  ASSERT_NE(schedule, std::string::npos) << html;
  EXPECT_NE(html.find("member 1: the values it trained with", schedule), std::string::npos);
  // lr changes and is numeric: one staircase; batch never changes, act is not a number.
  EXPECT_EQ(Count(html, "<svg", schedule), 1u);
  EXPECT_NE(html.find("from step 2000: lr=1.2e-03", schedule), std::string::npos) << html;
  EXPECT_NE(html.find("<tr><td>2000</td><td class=\"params\">act=relu batch=64 lr=1.2e-03</td>",
                      schedule),
            std::string::npos)
      << html;
}

TEST(PopulationHtmlTest, MinimisedMetricsPickTheLowestFinishedMemberAsBest) {
  EXPECT_NE(PopulationHtml(Population(), "loss", false).find("member 0: 200 (best)"),
            std::string::npos);
}

TEST(PopulationHtmlTest, NothingForASweepWithoutAPopulation) {
  EXPECT_EQ(PopulationHtml({}, "reward", true), "");
  EXPECT_EQ(PopulationMarkdown({}, "reward", true), "");
  SweepResults r;
  r.info.objectives.metric = "reward";
  EXPECT_EQ(HtmlReport(r, {}, 5).find("Population lineage"), std::string::npos);
  r.population = Population();
  EXPECT_NE(HtmlReport(r, {}, 5).find("Population lineage"), std::string::npos);
}

TEST(PopulationMarkdownTest, ListsTheExploitsInStepOrderAndTheBestSchedule) {
  const std::string md = PopulationMarkdown(Population(), "reward", true);
  const size_t skipped = md.find("- step 1000: member 1 would copy member 2");
  const size_t copied = md.find("- step 2000: member 1 copied member 0's checkpoint");
  ASSERT_NE(skipped, std::string::npos) << md;
  ASSERT_NE(copied, std::string::npos) << md;
  EXPECT_LT(skipped, copied);
  EXPECT_NE(md.find("member 1 (reward 250):\n\n- from step 0: act=tanh batch=64 lr=1e-03\n"
                    "- from step 2000: act=relu batch=64 lr=1.2e-03\n"),
            std::string::npos)
      << md;
}

}  // namespace
}  // namespace hpo::report
