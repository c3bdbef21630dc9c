// Pruner decisions on small synthetic learning curves, worked out by hand in the comments.
#include "lib/pruners/pruner.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <optional>

#include "lib/core/crc32.h"
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

bool Decide(Pruner& pruner, const TrialCurve& trial, std::vector<TrialCurve> study) {
  study.push_back(trial);
  return pruner.ShouldPrune(trial, study);
}

TEST(MedianPrunerTest, PrunesBelowTheMedianOfPeersAtTheSameStep) {
  auto pruner = MakePruner(Settings("median"));
  // Median of {1, 3, 5} is 3.
  EXPECT_TRUE(Decide(*pruner, Running(3, {{10, 2.5}}), Peers()));
  EXPECT_FALSE(Decide(*pruner, Running(3, {{10, 3.5}}), Peers()));
}

TEST(MedianPrunerTest, PeersCountOnlyAtExactlyTheStep) {
  auto pruner = MakePruner(Settings("median"));
  // Step 15: no peer reported at 15 (their step-10 values are not carried forward): kept.
  EXPECT_FALSE(Decide(*pruner, Running(3, {{15, -100}}), Peers()));
  // Step 20: step-20 values {2, 4, 6} -> median 4.
  EXPECT_FALSE(Decide(*pruner, Running(3, {{20, 4.5}}), Peers()));
  EXPECT_TRUE(Decide(*pruner, Running(3, {{20, 3.5}}), Peers()));
}

TEST(MedianPrunerTest, NanPeersCountTowardMinTrialsButNotInTheMedian) {
  PrunerSettings s = Settings("median");
  s.percentile_rule.n_min_trials = 3;
  auto pruner = MakePruner(s);
  // Three peers at step 10, one of them NaN: n_min_trials 3 is met, the median is of {1, 3}: 2.
  std::vector<TrialCurve> peers = {Complete(0, {{10, 1}}), Complete(1, {{10, 3}}),
                                   Complete(2, {{10, NAN}})};
  EXPECT_TRUE(Decide(*pruner, Running(3, {{10, 1.9}}), peers));
  EXPECT_FALSE(Decide(*pruner, Running(3, {{10, 2.1}}), peers));
}

TEST(MedianPrunerTest, AnInfiniteNeighbourMakesTheMedianNanAndKeepsTheTrial) {
  // Minimising: the peers' losses 1, 2, inf (here negated). numpy 1.24's median of [1, 2, inf]
  // is 2 + (inf - 2) * 0 = NaN, so Optuna keeps even a trial with loss 100.
  auto minimizing = MakePruner(Settings("median"), "", /*maximize=*/false);
  std::vector<TrialCurve> peers = {Complete(0, {{10, -1}}), Complete(1, {{10, -2}}),
                                   Complete(2, {{10, -HUGE_VAL}})};
  EXPECT_FALSE(Decide(*minimizing, Running(3, {{10, -100}}), peers));
  // Maximising the same numbers, [-inf, -2, -1]: the neighbours of index 1 are -2 and -1, finite.
  auto maximizing = MakePruner(Settings("median"), "", /*maximize=*/true);
  EXPECT_TRUE(Decide(*maximizing, Running(3, {{10, -100}}), peers));
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
  // ...even at a step no peer reported at, since the NaN check comes first.
  EXPECT_TRUE(Decide(*pruner, Running(3, {{15, NAN}}), Peers()));
  // The best over all steps skips NaN: 5 at step 10 is above the step-20 median 4.
  EXPECT_FALSE(Decide(*pruner, Running(3, {{10, 5}, {20, NAN}}), Peers()));
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

/// A trial with the rung values earlier decisions recorded on it.
TrialCurve WithRungs(TrialCurve t, std::map<int, double> rungs) {
  t.rungs = std::move(rungs);
  return t;
}

TEST(SuccessiveHalvingTest, FirstTrialInARungIsPromoted) {
  auto pruner = MakePruner(Halving(10, 2));
  EXPECT_FALSE(Decide(*pruner, Running(0, {{10, -5}}), {}));
}

TEST(SuccessiveHalvingTest, FewerThanReductionFactorValuesKeepOnlyTheBest) {
  auto pruner = MakePruner(Halving(10, 4));
  // Rung 0 (step 10) holds 5 and 3; with the trial, 3 values < eta=4: only the best survives.
  std::vector<TrialCurve> peers = {WithRungs(Running(0, {{10, 5}}), {{0, 5}}),
                                   WithRungs(Running(1, {{10, 3}}), {{0, 3}})};
  EXPECT_TRUE(Decide(*pruner, Running(2, {{10, 4}}), peers));
  EXPECT_FALSE(Decide(*pruner, Running(2, {{10, 6}}), peers));
}

TEST(SuccessiveHalvingTest, PromotesTheTopFraction) {
  auto pruner = MakePruner(Halving(10, 2));
  // Rung 0 with the trial has 4 values: top 4/2 = 2 are promoted.
  std::vector<TrialCurve> peers = {WithRungs(Complete(0, {{10, 8}}), {{0, 8}}),
                                   WithRungs(Complete(1, {{10, 4}}), {{0, 4}}),
                                   WithRungs(Complete(2, {{10, 2}}), {{0, 2}})};
  EXPECT_FALSE(Decide(*pruner, Running(3, {{10, 6}}), peers));  // {8, 6, 4, 2}: 2nd best
  EXPECT_FALSE(Decide(*pruner, Running(3, {{10, 5}}), peers));  // {8, 5, 4, 2}: 2nd best
  EXPECT_TRUE(Decide(*pruner, Running(3, {{10, 3}}), peers));   // {8, 4, 3, 2}: 3rd
}

TEST(SuccessiveHalvingTest, BeforeTheFirstRungNothingIsPruned) {
  auto pruner = MakePruner(Halving(10, 2));
  std::vector<TrialCurve> peers = {WithRungs(Complete(0, {{10, 8}}), {{0, 8}})};
  EXPECT_FALSE(Decide(*pruner, Running(1, {{9, -100}}), peers));
}

TEST(SuccessiveHalvingTest, OnlyRecordedRungValuesCompete) {
  auto pruner = MakePruner(Halving(10, 2));
  // Peer 0 reported 2 at step 10 but was never asked there: it has no rung value and does not
  // compete. Peers 1 and 2 recorded 9 and 1 at rung 0.
  std::vector<TrialCurve> peers = {Complete(0, {{10, 2}}),
                                   WithRungs(Complete(1, {{10, 9}}), {{0, 9}}),
                                   WithRungs(Complete(2, {{10, 1}}), {{0, 1}})};
  // {9, 5, 1}: 3 // 2 = 1 promoted, the 9: pruned.
  EXPECT_TRUE(Decide(*pruner, Running(3, {{10, 5}}), peers));
  // Had peer 0 recorded its 2, {9, 5, 2, 1} would promote 2 and keep the trial.
  peers[0].rungs = {{0, 2}};
  EXPECT_FALSE(Decide(*pruner, Running(3, {{10, 5}}), peers));
}

TEST(SuccessiveHalvingTest, TheLatestValueIsEnteredAtEveryRungPassed) {
  auto pruner = MakePruner(Halving(1, 2));
  // Rungs at steps 1, 2, 4. Never asked before, the trial reports at 4 and passes all three
  // rungs with its value at step 4 (not its value at steps 1 or 2), recording each.
  const Decision d = pruner->Judge(Running(0, {{1, 100}, {2, 100}, {4, 3}}), {});
  EXPECT_FALSE(d.prune);
  EXPECT_EQ(d.rungs, (std::map<int, double>{{0, 3}, {1, 3}, {2, 3}}));
}

TEST(SuccessiveHalvingTest, AskingAgainAtTheSameStepJudgesTheNextRung) {
  PrunerSettings s = Halving(1, 2);
  s.halving_rule.bootstrap_count = 1;
  auto pruner = MakePruner(s);
  // Alone at rung 0 with bootstrap_count 1: pruned, and the rung is recorded.
  TrialCurve trial = Running(0, {{1, 5}});
  const Decision first = pruner->Judge(trial, {});
  EXPECT_TRUE(first.prune);
  EXPECT_EQ(first.rungs, (std::map<int, double>{{0, 5}}));
  // Recorded, the next ask looks at rung 1 (step 2), which step 1 has not reached: kept.
  trial.rungs = first.rungs;
  EXPECT_FALSE(pruner->Judge(trial, {}).prune);
}

TEST(SuccessiveHalvingTest, NanIsPrunedAndNotRecorded) {
  auto pruner = MakePruner(Halving(1, 2));
  const Decision d = pruner->Judge(Running(0, {{1, NAN}}), {});
  EXPECT_TRUE(d.prune);
  EXPECT_TRUE(d.rungs.empty());
}

TEST(SuccessiveHalvingTest, AutoMinResourceIsFixedAtTheFirstEstimate) {
  auto pruner = MakePruner(Halving(0, 2));
  EXPECT_FALSE(Decide(*pruner, Running(1, {{500, -100}}), {Running(0, {{500, 5}})}));
  // Longest complete trial 1000 steps -> min_resource 10: rung 0 at 10, 1 at 20.
  std::vector<TrialCurve> peers = {WithRungs(Complete(0, {{10, 5}, {1000, 5}}), {{0, 5}})};
  EXPECT_TRUE(Decide(*pruner, Running(1, {{10, 1}}), peers));
  // A longer complete trial (5000 steps, estimate 50) does not move it: step 10 is still rung 0.
  peers.push_back(Complete(2, {{5000, 0}}));
  EXPECT_TRUE(Decide(*pruner, Running(3, {{10, 1}}), peers));
}

TEST(SuccessiveHalvingTest, OptunasDefaultReductionFactorIsRead) {
  // PrunerSettings leaves the factor to the reader; the reader gives 4 (SH) and 3 (hyperband):
  // tests/config checks that. Here: with 4, four values promote one.
  auto pruner = MakePruner(Halving(1, 4));
  std::vector<TrialCurve> peers = {WithRungs(Complete(0, {{1, 8}}), {{0, 8}}),
                                   WithRungs(Complete(1, {{1, 6}}), {{0, 6}}),
                                   WithRungs(Complete(2, {{1, 2}}), {{0, 2}})};
  EXPECT_TRUE(Decide(*pruner, Running(3, {{1, 7}}), peers));  // {8, 7, 6, 2}: 4 // 4 = 1
}

// One bracket (min 10, max 20, eta 3: floor(log3(2)) + 1 = 1), so every trial is in it and its
// rungs are at steps 10 and 30. The decisions and recorded rung values, worked out by hand below,
// are what Optuna 3.1's HyperbandPruner decides on the same reports (Debian's python3-optuna:
// `/usr/bin/python3 tests/pruners/hyperband_one_bracket.py` prints prune, prune, keep, keep,
// prune and the rungs checked here).
TEST(HyperbandTest, OneBracketDecidesAndRecordsRungsAsOptuna) {
  PrunerSettings hb = Halving(10, 3);
  hb.method = "hyperband";
  hb.halving_rule.max_resource = 20;
  auto hyperband = MakePruner(hb, "study");
  // Rung 0 at step 10 holds 8, 4, 2; rung 1 at step 30 holds 9.
  std::vector<TrialCurve> peers = {WithRungs(Complete(0, {{10, 8}, {30, 9}}), {{0, 8}, {1, 9}}),
                                   WithRungs(Complete(1, {{10, 4}}), {{0, 4}}),
                                   WithRungs(Complete(2, {{10, 2}}), {{0, 2}})};
  const auto judge = [&](std::vector<Report> reports) {
    std::vector<TrialCurve> study = peers;
    study.push_back(Running(7, std::move(reports)));
    return hyperband->Judge(study.back(), study);
  };
  using Rungs = std::map<int, double>;
  // With the trial, 4 values at rung 0: 4 // 3 = 1 promoted, the best. 1 and 5 are not it.
  for (const double v : {1.0, 5.0}) {
    const Decision d = judge({{10, v}});
    EXPECT_TRUE(d.prune) << v;
    EXPECT_EQ(d.rungs, (Rungs{{0, v}})) << v;  // recorded, though pruned
  }
  // 8 ties the best and is promoted (>=), as is 9; rung 1 (step 30) is not reached yet.
  for (const double v : {8.0, 9.0}) {
    const Decision d = judge({{10, v}});
    EXPECT_FALSE(d.prune) << v;
    EXPECT_EQ(d.rungs, (Rungs{{0, v}})) << v;
  }
  // First asked at step 30, the latest value 8.5 enters both rungs: it is the best of rung 0's
  // {8.5, 8, 4, 2}; at rung 1, {9, 8.5} has fewer than 3 values, so only the best (9) goes on.
  const Decision late = judge({{10, 9}, {30, 8.5}});
  EXPECT_TRUE(late.prune);
  EXPECT_EQ(late.rungs, (Rungs{{0, 8.5}, {1, 8.5}}));
}

TEST(HyperbandTest, BracketsFollowOptunasCrc32OfTheStudyNameAndNumber) {
  // min 1, max 9, eta 3: budgets 9, 5, 3 (total 17). crc32("conformance_<n>") % 17 puts trials
  // 0-9 in brackets 2 0 0 0 0 1 0 0 0 1 (tests/conformance/optuna_pruners.md). A trial at step 1
  // alone in its bracket with bootstrap_count 1 is pruned only where rung 0 is at step 1.
  PrunerSettings s = Halving(1, 3);
  s.method = "hyperband";
  s.halving_rule.max_resource = 9;
  s.halving_rule.bootstrap_count = 1;
  auto pruner = MakePruner(s, "conformance");
  const std::vector<int> bracket = {2, 0, 0, 0, 0, 1, 0, 0, 0, 1};
  for (int64_t n = 0; n < 10; ++n)
    EXPECT_EQ(Decide(*pruner, Running(n, {{1, 0}}), {}), bracket[n] == 0) << n;
}

TEST(HyperbandTest, NoBracketWhenMinResourceExceedsMaxResource) {
  PrunerSettings s = Halving(10, 3);
  s.method = "hyperband";
  s.halving_rule.max_resource = 5;  // floor(log3(0.5)) + 1 = 0 brackets: accepted, never prunes
  auto pruner = MakePruner(s, "x");
  EXPECT_FALSE(Decide(*pruner, Running(0, {{100, NAN}}), {}));
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
  for (int64_t n = 100; n < 400; ++n)
    strong.push_back(WithRungs(Complete(n, {{1, 50}, {3, 50}, {9, 50}}), {{0, 50}, {1, 50}}));
  int pruned = 0;
  const int trials = 340;
  for (int64_t n = 0; n < trials; ++n) pruned += Decide(*pruner, Running(n, {{2, 0}}), strong);
  // Expected share of bracket 0 is 9/17 = 0.53; allow sampling slack.
  EXPECT_GT(pruned, trials * 40 / 100);
  EXPECT_LT(pruned, trials * 66 / 100);
}

TEST(Crc32Test, MatchesPythonsBinasciiCrc32) {
  EXPECT_EQ(Crc32("123456789"), 3421780262U);  // the standard check value
  EXPECT_EQ(Crc32("conformance_0"), 650185245U);
}

PrunerSettings Bands(std::optional<int64_t> min_iter, std::optional<int64_t> max_iter,
                     std::optional<int64_t> s, double eta) {
  PrunerSettings p;
  p.method = "wandb_hyperband";
  p.band_rule.min_iter = min_iter;
  p.band_rule.max_iter = max_iter;
  p.band_rule.s = s;
  p.band_rule.eta = eta;
  return p;
}

TEST(WandbHyperbandTest, BandsAsWandbComputesThem) {
  EXPECT_EQ(Bands({}, 81, 3, 3).band_rule.Bands(), (std::vector<int64_t>{3, 9, 27}));
  EXPECT_EQ(Bands({}, 10, 5, 3).band_rule.Bands(), (std::vector<int64_t>{1, 3}));
  EXPECT_EQ(Bands({}, 33, 2, 2.2).band_rule.Bands(), (std::vector<int64_t>{6, 14}));  // IEEE
  const std::vector<int64_t> from_min = Bands(25, {}, {}, 1.4).band_rule.Bands();
  ASSERT_EQ(from_min.size(), 100u);
  EXPECT_EQ(from_min[2], 49);  // 25 * 1.4 * 1.4 = 49.0, not 25 * 1.4^2 = 48.99...
  EXPECT_EQ(Bands(3, 81, 3, 3).band_rule.Bands().front(), 3);  // max_iter wins
  EXPECT_THROW(MakePruner(Bands({}, 2, 1, 3)), UserError);     // no band
  EXPECT_THROW(MakePruner(Bands({}, 27, {}, 3)), UserError);   // max_iter without s
  EXPECT_THROW(MakePruner(Bands({}, {}, {}, 3)), UserError);   // neither
  EXPECT_THROW(MakePruner(Bands(3, {}, {}, 1)), UserError);    // eta must be > 1
}

TEST(WandbHyperbandTest, StopsARunStrictlyWorseThanItsLatestBandsThreshold) {
  auto pruner = MakePruner(Bands(2, {}, {}, 3));  // bands 2, 6, 18...
  // Larger is better here. At band 2 the values are 5, 4, 3, 1: sorted best first, index
  // int(4 / 3) = 1 gives the threshold 4.
  std::vector<TrialCurve> runs = {Complete(0, {{1, 0}, {2, 5}}), Complete(1, {{1, 0}, {2, 4}}),
                                  Running(2, {{1, 0}, {2, 3}}), Running(3, {{1, 9}, {2, 1}})};
  EXPECT_TRUE(pruner->ShouldPrune(runs[2], runs));
  EXPECT_TRUE(pruner->ShouldPrune(runs[3], runs));  // strict: its value at the band, not its best
  runs[2].reports[1].value = 4;                     // equal to the threshold: kept
  EXPECT_FALSE(pruner->ShouldPrune(runs[2], runs));
  PrunerSettings relaxed = Bands(2, {}, {}, 3);
  relaxed.band_rule.strict = false;
  EXPECT_FALSE(MakePruner(relaxed)->ShouldPrune(runs[3], runs));  // best so far 9
}

TEST(WandbHyperbandTest, PositionIsTheCountOfFiniteValues) {
  auto pruner = MakePruner(Bands(3, {}, {}, 3));
  // NaN and inf are not logged values: [nan, 9, 9] has 2 and has not reached band 3.
  std::vector<TrialCurve> runs = {Complete(0, {{1, 10}, {2, 10}, {3, 10}}),
                                  Running(1, {{1, NAN}, {2, -9}, {3, -9}})};
  EXPECT_FALSE(pruner->ShouldPrune(runs[1], runs));
  runs[1].reports.push_back({4, -HUGE_VAL});
  EXPECT_FALSE(pruner->ShouldPrune(runs[1], runs));
  runs[1].reports.push_back({5, -9});
  EXPECT_TRUE(pruner->ShouldPrune(runs[1], runs));  // 3rd valid value -9 against {10, -9}
}

TEST(PrunerSettingsTest, BadSettingsAreUserErrors) {
  EXPECT_THROW(MakePruner(Settings("bogus")), UserError);
  PrunerSettings s = Settings("percentile");
  s.percentile_rule.percentile = 120;
  EXPECT_THROW(MakePruner(s), UserError);
  PrunerSettings h = Halving(10, 1);
  EXPECT_THROW(MakePruner(h), UserError);
  // bootstrap_count needs a fixed resource: successive halving's min, hyperband's max.
  PrunerSettings sh = Halving(0, 2);
  sh.halving_rule.bootstrap_count = 1;
  EXPECT_THROW(MakePruner(sh), UserError);
  PrunerSettings hb = Halving(1, 3);
  hb.method = "hyperband";
  hb.halving_rule.bootstrap_count = 1;
  EXPECT_THROW(MakePruner(hb), UserError);
  hb.halving_rule.max_resource = 9;
  EXPECT_NO_THROW(MakePruner(hb));
}

}  // namespace
}  // namespace hpo::pruners
