#include "lib/core/pareto.h"

#include <gtest/gtest.h>

namespace hpo {
namespace {

TEST(Pareto, DominationNeedsOneStrictlyBetterObjective) {
  EXPECT_TRUE(Dominates({1, 2}, {2, 2}));
  EXPECT_FALSE(Dominates({1, 2}, {1, 2}));
  EXPECT_FALSE(Dominates({1, 3}, {2, 2}));
}

TEST(Pareto, RanksPeelFrontsInOrder) {
  // front {0,1,2}, then {3}, then {4}; point 5 equals point 0 (equal points share a rank)
  const std::vector<LossVector> points = {{0, 3}, {3, 0}, {2, 2}, {2.5, 2.5}, {3, 3}, {0, 3}};
  EXPECT_EQ(NondominationRanks(points), (std::vector<int>{0, 0, 0, 1, 2, 0}));
}

TEST(Pareto, HypervolumeOfRectanglesUnion) {
  // 2-D: points (1,3) (2,2) (3,1) under reference (4,4), a staircase: x in [1,2) covers
  // height 1, [2,3) height 2, [3,4) height 3 -> 6
  EXPECT_DOUBLE_EQ(Hypervolume({{1, 3}, {2, 2}, {3, 1}}, {4, 4}), 6.0);
  // a dominated point adds nothing; a point beyond the reference adds nothing
  EXPECT_DOUBLE_EQ(Hypervolume({{1, 3}, {2, 2}, {3, 1}, {3, 3}, {5, 0}}, {4, 4}), 6.0);
  // 3-D: points (0,0,1) and (1,1,0) under (2,2,2): boxes of 2*2*1 = 4 and 1*1*2 = 2 that
  // overlap in 1*1*1 -> 5
  EXPECT_DOUBLE_EQ(Hypervolume({{0, 0, 1}, {1, 1, 0}}, {2, 2, 2}), 5.0);
}

TEST(Pareto, ReferencePointIsTheWorstMovedOut) {
  const LossVector r = ReferencePoint({{1, -2}, {2, -4}, {0, 0}});
  EXPECT_DOUBLE_EQ(r[0], 2.2);
  EXPECT_DOUBLE_EQ(r[1], 1e-12);                          // worst is 0: a small positive number
  EXPECT_DOUBLE_EQ(ReferencePoint({{-10, 5}})[0], -9.0);  // a negative worst moves towards 0
}

TEST(Pareto, GreedySubsetTakesTheLargestGainsFirst) {
  // reference (4,4): (2,2) alone covers 4, (1,3) and (3,1) cover 3 each; after (2,2) each adds 1
  const std::vector<LossVector> points = {{1, 3}, {2, 2}, {3, 1}};
  EXPECT_EQ(GreedyHypervolumeSubset(points, 1, {4, 4}), (std::vector<size_t>{1}));
  EXPECT_EQ(GreedyHypervolumeSubset(points, 2, {4, 4}), (std::vector<size_t>{1, 0}));
  EXPECT_EQ(GreedyHypervolumeSubset(points, 5, {4, 4}).size(), 3u);
}

TEST(Pareto, ContributionsAreWhatEachPointAloneCovers) {
  const std::vector<double> c = HypervolumeContributions({{1, 3}, {2, 2}, {3, 1}, {3, 3}}, {4, 4});
  EXPECT_DOUBLE_EQ(c[0], 1.0);
  EXPECT_DOUBLE_EQ(c[1], 1.0);
  EXPECT_DOUBLE_EQ(c[2], 1.0);
  EXPECT_DOUBLE_EQ(c[3], 0.0);
}

}  // namespace
}  // namespace hpo
