// Pruner decisions on small synthetic learning curves, worked out by hand in the comments.
#include "lib/pruners/pruner.h"

#include <gtest/gtest.h>

#include <cmath>

#include "lib/core/error.h"

namespace hpo::pruners {
namespace {

TrialCurve Complete(int64_t number, std::vector<Report> reports) {
  return {number, true, std::move(reports)};
}
TrialCurve Running(int64_t number, std::vector<Report> reports) {
  return {number, false, std::move(reports)};
}

PrunerSettings Settings(const std::string& method) {
  PrunerSettings s;
  s.method = method;
  s.percentile_rule.n_startup_trials = 3;
  return s;
}

// Three finished peers: at step 10 they had 1, 3, 5; at step 20: 2, 4, 6.
std::vector<TrialCurve> Peers() {
  return {Complete(0, {{10, 1}, {20, 2}}), Complete(1, {{10, 3}, {20, 4}}),
          Complete(2, {{10, 5}, {20, 6}})};
}

bool Decide(const Pruner& pruner, const TrialCurve& trial, std::vector<TrialCurve> study) {
  study.push_back(trial);
  return pruner.ShouldPrune(trial, study);
}

TEST(MedianPrunerTest, PrunesBelowTheMedianOfPeersAtTheSameStep) {
  auto pruner = MakePruner(Settings("median"));
  // Median of {1, 3, 5} is 3.
  EXPECT_TRUE(Decide(*pruner, Running(3, {{10, 2.5}}), Peers()));
  EXPECT_FALSE(Decide(*pruner, Running(3, {{10, 3.5}}), Peers()));
}

TEST(MedianPrunerTest, PeersAreReadAtTheirLastReportAtOrBeforeTheStep) {
  auto pruner = MakePruner(Settings("median"));
  // Step 15: peers' last reports at or before it are those of step 10 -> median 3.
  EXPECT_TRUE(Decide(*pruner, Running(3, {{15, 2.5}}), Peers()));
  // Step 25: step-20 values {2, 4, 6} -> median 4.
  EXPECT_FALSE(Decide(*pruner, Running(3, {{25, 4.5}}), Peers()));
  EXPECT_TRUE(Decide(*pruner, Running(3, {{25, 3.5}}), Peers()));
}

TEST(MedianPrunerTest, UsesTheTrialsBestValueSoFar) {
  auto pruner = MakePruner(Settings("median"));
  // Latest value 1 is below the median 4, but the best so far (5 at step 10) is not.
  EXPECT_FALSE(Decide(*pruner, Running(3, {{10, 5}, {20, 1}}), Peers()));
}

TEST(MedianPrunerTest, WaitsForStartupTrials) {
  auto pruner = MakePruner(Settings("median"));
  std::vector<TrialCurve> two = {Peers()[0], Peers()[1]};
  EXPECT_FALSE(Decide(*pruner, Running(3, {{10, -100}}), two));
}

TEST(MedianPrunerTest, RunningAndPrunedPeersDoNotCountAsStartupTrials) {
  auto pruner = MakePruner(Settings("median"));
  std::vector<TrialCurve> study = {Peers()[0], Peers()[1], Running(2, {{10, 5}})};
  EXPECT_FALSE(Decide(*pruner, Running(3, {{10, -100}}), study));
}

TEST(MedianPrunerTest, WaitsForWarmupSteps) {
  PrunerSettings s = Settings("median");
  s.percentile_rule.n_warmup_steps = 20;
  auto pruner = MakePruner(s);
  EXPECT_FALSE(Decide(*pruner, Running(3, {{10, -100}}), Peers()));
  EXPECT_TRUE(Decide(*pruner, Running(3, {{10, -100}, {20, -100}}), Peers()));
}

TEST(MedianPrunerTest, ChecksOnlyTheFirstReportOfEachInterval) {
  PrunerSettings s = Settings("median");
  s.percentile_rule.interval_steps = 20;
  auto pruner = MakePruner(s);
  // Checks fall at steps 0, 20, 40...: the report at 10 is the first of [0, 20), the one at 15
  // is not, the one at 20 opens the next interval.
  EXPECT_TRUE(Decide(*pruner, Running(3, {{10, -100}}), Peers()));
  EXPECT_FALSE(Decide(*pruner, Running(3, {{10, -100}, {15, -100}}), Peers()));
  EXPECT_TRUE(Decide(*pruner, Running(3, {{10, -100}, {15, -100}, {20, -100}}), Peers()));
}

TEST(MedianPrunerTest, AllNanTrialIsPruned) {
  auto pruner = MakePruner(Settings("median"));
  EXPECT_TRUE(Decide(*pruner, Running(3, {{10, NAN}}), Peers()));
}

TEST(PercentilePrunerTest, KeepsTheTopPercentile) {
  PrunerSettings s = Settings("percentile");
  s.percentile_rule.percentile = 25.0;
  auto pruner = MakePruner(s);
  std::vector<TrialCurve> peers = {Complete(0, {{10, 1}}), Complete(1, {{10, 3}}),
                                   Complete(2, {{10, 5}}), Complete(3, {{10, 7}})};
  // Keep the top 25%: threshold is the 75th percentile of {1,3,5,7}: rank 2.25 -> 5.5.
  EXPECT_TRUE(Decide(*pruner, Running(4, {{10, 5.4}}), peers));
  EXPECT_FALSE(Decide(*pruner, Running(4, {{10, 5.6}}), peers));
}

TEST(PercentilePrunerTest, NeedsMinTrialsAtTheStep) {
  PrunerSettings s = Settings("percentile");
  s.percentile_rule.n_min_trials = 4;
  auto pruner = MakePruner(s);
  EXPECT_FALSE(Decide(*pruner, Running(3, {{10, -100}}), Peers()));
}

PrunerSettings Halving(int64_t min_resource, int reduction_factor) {
  PrunerSettings s;
  s.method = "successive_halving";
  s.halving_rule.min_resource = min_resource;
  s.halving_rule.reduction_factor = reduction_factor;
  return s;
}

TEST(SuccessiveHalvingTest, FirstTrialInARungIsPromoted) {
  auto pruner = MakePruner(Halving(10, 2));
  EXPECT_FALSE(Decide(*pruner, Running(0, {{10, -5}}), {}));
}

TEST(SuccessiveHalvingTest, FewerThanReductionFactorValuesKeepOnlyTheBest) {
  auto pruner = MakePruner(Halving(10, 4));
  // Rung 0 (step 10) holds 5 and 3; with the trial, 3 values < eta=4: only the best survives.
  std::vector<TrialCurve> peers = {Running(0, {{10, 5}}), Running(1, {{10, 3}})};
  EXPECT_TRUE(Decide(*pruner, Running(2, {{10, 4}}), peers));
  EXPECT_FALSE(Decide(*pruner, Running(2, {{10, 6}}), peers));
}

TEST(SuccessiveHalvingTest, PromotesTheTopFraction) {
  auto pruner = MakePruner(Halving(10, 2));
  // Rung 0 with the trial has 4 values: top 4/2 = 2 are promoted.
  std::vector<TrialCurve> peers = {Complete(0, {{10, 8}}), Complete(1, {{10, 4}}),
                                   Complete(2, {{10, 2}})};
  EXPECT_FALSE(Decide(*pruner, Running(3, {{10, 6}}), peers));  // {8, 6, 4, 2}: 2nd best
  EXPECT_FALSE(Decide(*pruner, Running(3, {{10, 5}}), peers));  // {8, 5, 4, 2}: 2nd best
  EXPECT_TRUE(Decide(*pruner, Running(3, {{10, 3}}), peers));   // {8, 4, 3, 2}: 3rd
}

TEST(SuccessiveHalvingTest, BeforeTheFirstRungNothingIsPruned) {
  auto pruner = MakePruner(Halving(10, 2));
  std::vector<TrialCurve> peers = {Complete(0, {{10, 8}})};
  EXPECT_FALSE(Decide(*pruner, Running(1, {{9, -100}}), peers));
}

TEST(SuccessiveHalvingTest, RungValuesAreTheFirstReportAtOrAfterTheRungStep) {
  auto pruner = MakePruner(Halving(10, 2));
  // Rungs at 10 and 20. Peer 0 reached rung 0 with 8 (at step 12) and rung 1 with 1 (at 20);
  // peer 1 reached rung 0 with 2 and rung 1 with 9.
  std::vector<TrialCurve> peers = {Complete(0, {{5, 0}, {12, 8}, {20, 1}}),
                                   Complete(1, {{10, 2}, {20, 9}})};
  // The trial had 5 at rung 0: {8, 5, 2} promotes 3 / 2 = 1 value, the 8, so it is pruned.
  EXPECT_TRUE(Decide(*pruner, Running(2, {{10, 5}, {20, 10}}), peers));
  // With 9 at rung 0 it survives rung 0 ({9,8,2}); at rung 1 {10,9,1}: best survives.
  EXPECT_FALSE(Decide(*pruner, Running(2, {{10, 9}, {20, 10}}), peers));
  EXPECT_TRUE(Decide(*pruner, Running(2, {{10, 9}, {20, 5}}), peers));
}

TEST(SuccessiveHalvingTest, AutoMinResourceWaitsForACompleteTrial) {
  auto pruner = MakePruner(Halving(0, 2));
  EXPECT_FALSE(Decide(*pruner, Running(1, {{500, -100}}), {Running(0, {{500, 5}})}));
  // Longest complete trial 1000 steps -> min_resource 10; rung 0 at 10.
  std::vector<TrialCurve> peers = {Complete(0, {{10, 5}, {1000, 5}})};
  EXPECT_TRUE(Decide(*pruner, Running(1, {{10, 1}}), peers));
}

TEST(HyperbandTest, OneBracketBehavesLikeSuccessiveHalving) {
  PrunerSettings hb = Halving(10, 3);
  hb.method = "hyperband";
  hb.halving_rule.max_resource = 20;  // floor(log3(2)) + 1 = 1 bracket
  auto hyperband = MakePruner(hb);
  auto halving = MakePruner(Halving(10, 3));
  std::vector<TrialCurve> peers = {Complete(0, {{10, 8}, {30, 9}}), Complete(1, {{10, 4}}),
                                   Complete(2, {{10, 2}})};
  for (double v : {1.0, 3.0, 5.0, 9.0}) {
    const TrialCurve trial = Running(7, {{10, v}});
    EXPECT_EQ(Decide(*hyperband, trial, peers), Decide(*halving, trial, peers)) << v;
  }
}

TEST(HyperbandTest, BracketsShiftTheFirstRung) {
  // min 1, max 9, eta 3: 3 brackets with first rungs at 1, 3 and 9 and budgets 9, 5, 3.
  PrunerSettings s = Halving(1, 3);
  s.method = "hyperband";
  s.halving_rule.max_resource = 9;
  auto pruner = MakePruner(s);
  // A peer population that beats the trial everywhere: the trial is pruned in brackets whose
  // first rung it reached (step 2 reaches only bracket 0's rung at 1) and kept in the others.
  std::vector<TrialCurve> strong;
  for (int64_t n = 100; n < 400; ++n) strong.push_back(Complete(n, {{1, 50}, {3, 50}, {9, 50}}));
  int pruned = 0;
  const int trials = 340;
  for (int64_t n = 0; n < trials; ++n) pruned += Decide(*pruner, Running(n, {{2, 0}}), strong);
  // Expected share of bracket 0 is 9/17 = 0.53; allow sampling slack.
  EXPECT_GT(pruned, trials * 40 / 100);
  EXPECT_LT(pruned, trials * 66 / 100);
}

TEST(PrunerSettingsTest, BadSettingsAreUserErrors) {
  EXPECT_THROW(MakePruner(Settings("bogus")), UserError);
  PrunerSettings s = Settings("percentile");
  s.percentile_rule.percentile = 120;
  EXPECT_THROW(MakePruner(s), UserError);
  PrunerSettings h = Halving(10, 1);
  EXPECT_THROW(MakePruner(h), UserError);
}

}  // namespace
}  // namespace hpo::pruners
