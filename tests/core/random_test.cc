#include "lib/core/random.h"

#include <gtest/gtest.h>

namespace hpo {
namespace {

TEST(RandomTest, DerivedSeedsDependOnEveryInput) {
  const uint64_t base = DeriveSeed(1, 0, "env");
  EXPECT_EQ(base, DeriveSeed(1, 0, "env"));
  EXPECT_NE(base, DeriveSeed(2, 0, "env"));
  EXPECT_NE(base, DeriveSeed(1, 1, "env"));
  EXPECT_NE(base, DeriveSeed(1, 0, "sampler"));
}

TEST(RandomTest, UniformStaysInRange) {
  Rng rng(42);
  for (int i = 0; i < 10000; ++i) {
    const double u = Uniform(rng, -2.0, 3.0);
    ASSERT_GE(u, -2.0);
    ASSERT_LT(u, 3.0);
    const int64_t k = UniformInt(rng, -9999, 9999);
    ASSERT_GE(k, -9999);
    ASSERT_LT(k, 9999);
  }
}

TEST(RandomTest, StandardNormalHasUnitMoments) {
  Rng rng(7);
  double sum = 0, sum_sq = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    const double z = StandardNormal(rng);
    sum += z;
    sum_sq += z * z;
  }
  EXPECT_NEAR(sum / n, 0.0, 0.01);
  EXPECT_NEAR(sum_sq / n, 1.0, 0.02);
}

}  // namespace
}  // namespace hpo
