#include "lib/report/importance.h"

#include <gtest/gtest.h>

#include <cmath>

#include "lib/core/random.h"
#include "lib/space/distribution.h"

namespace hpo::report {
namespace {

space::SearchSpace ThreeParameters() {
  space::SearchSpace s;
  s.AddParameter("dominant", space::MakeNumeric({"uniform", 0, 1, {}, {}, 1}, Origin{}));
  s.AddParameter("minor", space::MakeNumeric({"uniform", 0, 1, {}, {}, 1}, Origin{}));
  s.AddParameter("irrelevant", space::MakeNumeric({"uniform", 0, 1, {}, {}, 1}, Origin{}));
  s.AddParameter("activation",
                 space::MakeCategorical({Value("tanh"), Value("relu")}, std::nullopt, Origin{}));
  return s;
}

// Main-effect variances over the box: dominant 16 Var[sin 3x] = 1.333, minor 0.64/12 = 0.053,
// activation 0.25^2 = 0.0625, irrelevant 0; true shares 0.92, 0.037, 0.043, 0.
double Score(const space::UnitPoint& p) {
  return 4 * std::sin(3 * p[0]) + 0.8 * p[1] + (p[3] == 1 ? 0.5 : 0.0);
}

TEST(ImportanceTest, RanksTheDominantParameterFirstAndTheIrrelevantOneLastOverTenSeeds) {
  const space::SearchSpace space = ThreeParameters();
  for (uint64_t seed = 0; seed < 10; ++seed) {
    Rng rng(seed);
    std::vector<space::UnitPoint> points;
    std::vector<double> scores;
    for (int i = 0; i < 40; ++i) {
      space::UnitPoint p = {UniformUnit(rng), UniformUnit(rng), UniformUnit(rng),
                            static_cast<double>(UniformInt(rng, 0, 2))};
      const double noise = 0.05 * (UniformUnit(rng) - 0.5);
      scores.push_back(Score(p) + noise);
      points.push_back(p);
    }
    const std::vector<ParameterImportance> ranking =
        MainEffectImportance(space, points, scores, seed);
    ASSERT_EQ(ranking.size(), 4u);
    EXPECT_EQ(ranking.front().parameter, "dominant") << "seed " << seed;
    EXPECT_NEAR(ranking.front().importance, 0.92, 0.06) << "seed " << seed;
    EXPECT_EQ(ranking.back().parameter, "irrelevant") << "seed " << seed;
    EXPECT_LT(ranking.back().importance, 0.02) << "seed " << seed;
    double sum = 0;
    for (const ParameterImportance& p : ranking) sum += p.importance;
    EXPECT_NEAR(sum, 1.0, 1e-9);
  }
}

TEST(ImportanceTest, IsDeterministicForASeedAndStillRanksOnTwentyTrials) {
  const space::SearchSpace space = ThreeParameters();
  Rng rng(3);
  std::vector<space::UnitPoint> points;
  std::vector<double> scores;
  for (int i = 0; i < 20; ++i) {
    points.push_back({UniformUnit(rng), UniformUnit(rng), UniformUnit(rng), 0.0});
    scores.push_back(Score(points.back()));
  }
  const auto a = MainEffectImportance(space, points, scores, 7),
             b = MainEffectImportance(space, points, scores, 7);
  ASSERT_EQ(a.size(), 4u);
  ASSERT_EQ(b.size(), 4u);
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].parameter, b[i].parameter);
    EXPECT_EQ(a[i].importance, b[i].importance) << a[i].parameter;  // bit for bit
  }
  // With one activation only, its share is 0; the others' true shares are 0.96, 0.04, 0.
  EXPECT_EQ(a[0].parameter, "dominant");
  EXPECT_NEAR(a[0].importance, 0.96, 0.04);
  EXPECT_LT(a[3].importance, 0.01);
}

}  // namespace
}  // namespace hpo::report
