#include "lib/core/seed_aggregate.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace hpo {
namespace {

// Expected values from scipy 1.10.1 here (/usr/bin/python3): scipy.stats.trim_mean(x, 0.25),
// which rliable's aggregate_iqm calls (rliable/metrics.py), numpy.median and
// numpy.std(x, ddof=1).
TEST(SeedAggregateTest, IqmMedianAndSpreadAgreeWithScipy) {
  EXPECT_DOUBLE_EQ(AggregateSeeds("iqm", {3, 1, 2}), 2.0);  // n/4 = 0: nothing cut
  EXPECT_DOUBLE_EQ(AggregateSeeds("iqm", {4, 1, 3, 2}), 2.5);
  EXPECT_DOUBLE_EQ(AggregateSeeds("iqm", {10, 1, 3, 2, 100}), 5.0);
  EXPECT_DOUBLE_EQ(AggregateSeeds("iqm", {5, 0, 9, 1, 7, 3, 8, 2}), 4.25);
  EXPECT_DOUBLE_EQ(AggregateSeeds("median", {10, 1, 3, 2, 100}), 3.0);
  EXPECT_DOUBLE_EQ(AggregateSeeds("median", {5, 0, 9, 1, 7, 3, 8, 2}), 4.0);
  EXPECT_DOUBLE_EQ(SeedSpread({4, 1, 3, 2}), 1.2909944487358056);
  EXPECT_DOUBLE_EQ(SeedSpread({10, 1, 3, 2, 100}), 43.0778365287766);
  EXPECT_EQ(SeedSpread({7}), 0.0);
}

TEST(SeedAggregateTest, MeanMinAndMaxIgnoreTheGoal) {
  EXPECT_DOUBLE_EQ(AggregateSeeds("mean", {10, 1, 3, 2, 100}), 23.2);
  EXPECT_EQ(AggregateSeeds("min", {10, -1, 3}), -1.0);
  EXPECT_EQ(AggregateSeeds("max", {10, -1, 3}), 10.0);
  EXPECT_EQ(AggregateSeeds("iqm", {7}), 7.0);
}

TEST(SeedAggregateTest, OnlyTheFiveNamesAreAggregates) {
  for (const char* name : {"mean", "median", "min", "max", "iqm"})
    EXPECT_TRUE(IsSeedAggregate(name));
  for (const char* name : {"", "avg", "Mean", "iqr"}) EXPECT_FALSE(IsSeedAggregate(name));
  EXPECT_THROW(AggregateSeeds("mean", {}), std::logic_error);
}

}  // namespace
}  // namespace hpo
