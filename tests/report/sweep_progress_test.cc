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

}  // namespace
}  // namespace hpo::report
