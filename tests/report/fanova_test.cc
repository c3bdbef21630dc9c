#include "lib/report/fanova.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "lib/core/random.h"

namespace hpo::report {
namespace {

// `n` points uniform in [0, 1]^columns (column k of a categorical: 0/1 as set by `encode`),
// scored by `score`.
FanovaInput Uniform(int n, size_t columns, uint64_t seed,
                    const std::function<double(const std::vector<double>&)>& score) {
  FanovaInput input;
  input.columns.assign(columns, {});
  input.low.assign(columns, 0.0);
  input.high.assign(columns, 1.0);
  for (size_t c = 0; c < columns; ++c) input.groups.push_back({c});
  Rng rng(seed);
  for (int i = 0; i < n; ++i) {
    std::vector<double> point;
    for (size_t c = 0; c < columns; ++c) point.push_back(UniformUnit(rng));
    for (size_t c = 0; c < columns; ++c) input.columns[c].push_back(point[c]);
    input.scores.push_back(score(point));
  }
  return input;
}

// Additive, so every variance is a main effect: 4 sin(3 x0) has variance 1.333 over [0, 1],
// 0.8 x1 has 0.053, x2 none: true shares 0.962, 0.038, 0. A fully grown forest reads the small
// effect low: Optuna's _Fanova (64 trees, seeds 0-2) gave x1 0.019-0.022 and x0 0.978-0.981 on
// three such samples of 300 points (numpy RandomState(1); 2026-12-07).
double Additive(const std::vector<double>& p) { return 4 * std::sin(3 * p[0]) + 0.8 * p[1]; }

TEST(FanovaTest, ReadsAnAdditiveFunctionAsOptunasForestDoes) {
  const std::vector<double> shares =
      FanovaShares(Uniform(300, 3, 1, Additive), ForestSettings{}, 0);
  ASSERT_EQ(shares.size(), 3u);
  EXPECT_NEAR(shares[0], 0.98, 0.01);
  EXPECT_NEAR(shares[1], 0.02, 0.01);
  EXPECT_LT(shares[2], 0.002);
  EXPECT_NEAR(shares[0] + shares[1] + shares[2], 1.0, 1e-12);
}

TEST(FanovaTest, IsDeterministicForASeedAndVariesWithIt) {
  const FanovaInput input = Uniform(60, 3, 2, Additive);
  const std::vector<double> a = FanovaShares(input, ForestSettings{}, 7),
                            b = FanovaShares(input, ForestSettings{}, 7),
                            c = FanovaShares(input, ForestSettings{}, 8);
  EXPECT_EQ(a, b);  // bit for bit
  EXPECT_NE(a, c);
}

// A categorical parameter is one group of 0/1 columns (one per choice): its share is that of
// the whole group. Here the choice decides the score and x only adds a little.
TEST(FanovaTest, MeasuresACategoricalAsTheGroupOfItsOneHotColumns) {
  FanovaInput input;
  input.columns.assign(4, {});
  input.low.assign(4, 0.0);
  input.high.assign(4, 1.0);
  input.groups = {{0}, {1, 2, 3}};  // x, then a three-choice categorical
  Rng rng(4);
  for (int i = 0; i < 90; ++i) {
    const double x = UniformUnit(rng);
    const auto choice = static_cast<size_t>(UniformInt(rng, 0, 3));
    input.columns[0].push_back(x);
    for (size_t k = 0; k < 3; ++k) input.columns[1 + k].push_back(k == choice ? 1.0 : 0.0);
    input.scores.push_back(10.0 * static_cast<double>(choice) + 0.5 * x);
  }
  const std::vector<double> shares = FanovaShares(input, ForestSettings{}, 0);
  ASSERT_EQ(shares.size(), 2u);
  EXPECT_GT(shares[1], 0.9);
  EXPECT_LT(shares[0], 0.1);
}

// Columns in their own values: a parameter whose range is [1e-5, 1e-2] is measured as well as
// one in [0, 1], the widths of its cells being relative to its range.
TEST(FanovaTest, DoesNotDependOnAColumnsUnits) {
  FanovaInput unit = Uniform(80, 2, 5, Additive);
  FanovaInput scaled = unit;
  for (double& v : scaled.columns[0]) v = 1e-5 + v * (1e-2 - 1e-5);
  scaled.low[0] = 1e-5;
  scaled.high[0] = 1e-2;
  const std::vector<double> a = FanovaShares(unit, ForestSettings{}, 0),
                            b = FanovaShares(scaled, ForestSettings{}, 0);
  EXPECT_NEAR(a[0], b[0], 1e-9);
  EXPECT_NEAR(a[1], b[1], 1e-9);
}

TEST(FanovaTest, EqualScoresGiveEveryParameterZero) {
  const std::vector<double> shares =
      FanovaShares(Uniform(10, 2, 6, [](const auto&) { return 3.0; }), ForestSettings{}, 0);
  EXPECT_EQ(shares, std::vector<double>({0.0, 0.0}));
}

}  // namespace
}  // namespace hpo::report
