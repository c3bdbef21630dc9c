#include "lib/runner/stopping_rules.h"

#include <gtest/gtest.h>

namespace hpo::runner {
namespace {

// Trials finishing one per second in number order with these values (nullopt: pruned).
std::vector<store::Trial> Finishing(const std::vector<std::optional<double>>& values) {
  std::vector<store::Trial> trials;
  for (size_t i = 0; i < values.size(); ++i) {
    store::Trial t;
    t.number = static_cast<int64_t>(i);
    t.state = values[i] ? store::TrialState::kComplete : store::TrialState::kPruned;
    t.value = values[i];
    t.finished_ms = 1000 * static_cast<int64_t>(i + 1);
    trials.push_back(t);
  }
  return trials;
}

TEST(StoppingRulesTest, ATargetStopsOnceTheBestReachesItInTheGoalsDirection) {
  const std::vector<store::Trial> trials = Finishing({1.0, 5.0, 3.0});
  StoppingRules rules;
  rules.target = 5.0;
  EXPECT_EQ(StopReason(trials, true, "score", rules, 0),
            "target reached: trial 1 has score = 5 (target 5)");
  rules.target = 5.5;
  EXPECT_EQ(StopReason(trials, true, "score", rules, 0), std::nullopt);
  rules.target = 1.0;  // minimising: the best is 1.0
  EXPECT_NE(StopReason(trials, false, "loss", rules, 0), std::nullopt);
  rules.target = 0.5;
  EXPECT_EQ(StopReason(trials, false, "loss", rules, 0), std::nullopt);
}

TEST(StoppingRulesTest, PatienceCountsFinishedTrialsSinceTheLastRealImprovement) {
  StoppingRules rules;
  rules.patience = 3;
  // Best at trial 1; trials 2, 3 and the pruned 4 bring nothing: three without improvement.
  EXPECT_EQ(StopReason(Finishing({1.0, 5.0, 4.0, 2.0, std::nullopt}), true, "score", rules, 0),
            "no improvement in the last 3 finished trials (patience 3, min_delta 0); best: trial 1 "
            "with score = 5");
  EXPECT_EQ(StopReason(Finishing({1.0, 5.0, 4.0, 2.0}), true, "score", rules, 0), std::nullopt);
  // A gain of 0.05 is no improvement with min_delta 0.1, so the count runs from trial 1.
  rules.min_delta = 0.1;
  EXPECT_NE(StopReason(Finishing({1.0, 5.0, 5.05, 4.0, 3.0}), true, "score", rules, 0),
            std::nullopt);
  rules.min_delta = 0.01;
  EXPECT_EQ(StopReason(Finishing({1.0, 5.0, 5.05, 4.0, 3.0}), true, "score", rules, 0),
            std::nullopt);
  // Minimising: smaller is the improvement.
  rules.min_delta = 0;
  EXPECT_NE(StopReason(Finishing({5.0, 1.0, 2.0, 3.0, 4.0}), false, "loss", rules, 0),
            std::nullopt);
  EXPECT_EQ(StopReason(Finishing({5.0, 4.0, 3.0, 2.0, 1.0}), false, "loss", rules, 0),
            std::nullopt);
}

TEST(StoppingRulesTest, AResumedControllerGetsItsPatienceAfresh) {
  StoppingRules rules;
  rules.patience = 2;
  const std::vector<store::Trial> trials =
      Finishing({5.0, 1.0, 1.0, 1.0});  // 3 without improvement
  EXPECT_NE(StopReason(trials, true, "score", rules, 0), std::nullopt);
  // Trials finish at 1, 2, 3 and 4 s.
  EXPECT_EQ(StopReason(trials, true, "score", rules, 3500),
            std::nullopt);  // only trial 3 finished since
  EXPECT_NE(StopReason(trials, true, "score", rules, 2500), std::nullopt);  // trials 2 and 3
  EXPECT_EQ(StopReason({}, true, "score", rules, 0), std::nullopt);
}

}  // namespace
}  // namespace hpo::runner
