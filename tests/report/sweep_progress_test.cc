#include "lib/report/sweep_progress.h"

#include <gtest/gtest.h>

namespace hpo::report {
namespace {

TEST(SweepProgressTest, TheLineCountsTrialsAndTheSeedProcessesRunning) {
  SweepProgress p;
  p.done = 2;
  p.running = 1;
  p.best = "best 3 (trial 1)";
  EXPECT_EQ(ProgressText(p, 6, 40),
            "[2/6 done, 1 running, 0 pruned, 0 failed | best 3 (trial 1) | elapsed 40s, eta 80s]");
  p.seed_processes = 2;
  EXPECT_EQ(ProgressText(p, 6, 40),
            "[2/6 done, 1 running (2 seed processes), 0 pruned, 0 failed | best 3 (trial 1) | "
            "elapsed 40s, eta 80s]");
}

// A PBT sweep has no trial budget (its members train until their program ends): no "/20",
// no ETA.
TEST(SweepProgressTest, WithoutATrialBudgetTheLineHasNoTotalAndNoEta) {
  SweepProgress p;
  p.done = 25;
  p.running = 2;
  p.best = "best 9.99 (trial 24)";
  EXPECT_EQ(ProgressText(p, std::nullopt, 40),
            "[25 trials done, 2 running, 0 pruned, 0 failed | best 9.99 (trial 24) | elapsed 40s]");
}

}  // namespace
}  // namespace hpo::report
