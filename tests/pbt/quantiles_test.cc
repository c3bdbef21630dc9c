// SplitQuantiles against Ray's _quantiles (pbt.py:957-984), run on the same populations by
// scripts/pbt-vs-ray (tests/fixtures/pbt/ray_pbt.yaml, section `quantiles`): the ordering, the
// rounded count, fewer than two members, ties, NaN, infinities, finished members, fraction 0.
#include "lib/pbt/quantiles.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "tests/pbt/ray_fixture.h"

namespace hpo::pbt {
namespace {

using testing::OptionalNumber;
using testing::RayCase;
using testing::RayFixture;

Quantiles HposQuantiles(const YAML::Node& ray) {
  const auto finished = ray["finished"].as<std::vector<int>>();
  std::vector<ScoredMember> members;
  for (const YAML::Node& score : ray["scores"]) {
    const int index = static_cast<int>(members.size());
    const bool done = std::find(finished.begin(), finished.end(), index) != finished.end();
    members.push_back({OptionalNumber(score), done});
  }
  return SplitQuantiles(members, ray["quantile_fraction"].as<double>());
}

TEST(QuantilesTest, EveryPopulationSplitsAsRaysDoes) {
  ASSERT_GE(RayFixture()["quantiles"].size(), 14u);
  for (const YAML::Node& ray : RayFixture()["quantiles"]) {
    SCOPED_TRACE(ray["name"].as<std::string>());
    const Quantiles hpo = HposQuantiles(ray);
    EXPECT_EQ(hpo.bottom, ray["bottom"].as<std::vector<int>>());
    EXPECT_EQ(hpo.top, ray["top"].as<std::vector<int>>());
  }
}

// Two of the cases spelled out, so that a reader sees what the fixture pins.
TEST(QuantilesTest, TheCountIsComputedInDoublesAndCappedAtHalf) {
  // 25 * 0.28 is 7.000000000000001 in doubles: ceil gives each quantile 8 members, not 7.
  const YAML::Node odd = RayCase("quantiles", "25 members, 0.28 (25 * 0.28 is 7.000000000000001)");
  const std::vector<int> eight = {0, 1, 2, 3, 4, 5, 6, 7};
  EXPECT_EQ(odd["bottom"].as<std::vector<int>>(), eight);
  EXPECT_EQ(HposQuantiles(odd).bottom, eight);
  // Fraction 0: Python's trials[-0:] is every trial, so all are top and none copies.
  const YAML::Node zero = RayCase("quantiles", "quantile 0: no bottom, every member on top");
  EXPECT_EQ(zero["top"].as<std::vector<int>>(), (std::vector<int>{1, 2, 0, 3}));
  EXPECT_EQ(HposQuantiles(zero).top, (std::vector<int>{1, 2, 0, 3}));
  EXPECT_TRUE(HposQuantiles(zero).bottom.empty());
}

}  // namespace
}  // namespace hpo::pbt
