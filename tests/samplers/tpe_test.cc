#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "lib/samplers/sampler_factory.h"
#include "lib/space/distribution.h"
#include "tests/samplers/branin_harness.h"

namespace hpo::samplers {
namespace {

TEST(TpeSamplerTest, BeatsRandomOnBraninAt50Trials) {
  std::vector<double> tpe, random;
  for (uint64_t seed = 0; seed < 10; ++seed) {
    tpe.push_back(BraninRegret("tpe", seed, 50));
    random.push_back(BraninRegret("random", seed, 50));
  }
  const double p = MannWhitneyLess(tpe, random);
  RecordProperty("tpe_median_regret", std::to_string(Median(tpe)));
  RecordProperty("random_median_regret", std::to_string(Median(random)));
  RecordProperty("p_value", std::to_string(p));
  std::printf("Branin, 50 trials, 10 seeds: median regret tpe %.4f, random %.4f, one-sided Mann-Whitney p = %.4g\n",
              Median(tpe), Median(random), p);
  EXPECT_LT(Median(tpe), Median(random));
  EXPECT_LT(p, 0.05);
}

TEST(TpeSamplerTest, SameRngSameSuggestion) {
  const space::SearchSpace space = BraninSpace();
  auto sampler = MakeSampler({"tpe"});
  std::vector<Observation> history;
  Rng seeds(3);
  for (int t = 0; t < 15; ++t) history.push_back({space.SamplePrior(seeds), TrialState::kComplete, static_cast<double>(t % 7), 1});
  Rng a(5), b(5);
  EXPECT_EQ(sampler->Suggest(space, history, a)->point, sampler->Suggest(space, history, b)->point);
  EXPECT_EQ(sampler->Suggest(space, history, a)->reason, "tpe");
}

TEST(TpeSamplerTest, CategoricalAndDiscreteDimensionsGetValidValues) {
  space::SearchSpace space;
  space.AddParameter("arch", space::MakeCategorical({Value("a"), Value("b"), Value("c")}, std::nullopt, Origin{"t"}));
  space.AddParameter("batch", space::MakeNumeric({"uniform_pow2", 16, 256, {}, {}, 1}, Origin{"t"}));
  SamplerSettings settings;
  settings.method = "tpe";
  settings.n_startup_trials = 5;
  auto sampler = MakeSampler(settings);
  std::vector<Observation> history;
  for (int t = 0; t < 40; ++t) {
    Rng rng(DeriveSeed(1, static_cast<uint64_t>(t), "sampler"));
    const Suggestion s = *sampler->Suggest(space, history, rng);
    const ParamSet p = space.ToParams(s.point);
    ASSERT_TRUE(p.at("arch").is_string());
    const int64_t batch = p.at("batch").as_int();
    ASSERT_EQ(batch & (batch - 1), 0);
    // "b" with batch 64 is best: TPE should concentrate there.
    const double value = (p.at("arch") == Value("b") ? 1.0 : 0.0) - std::fabs(std::log2(static_cast<double>(batch)) - 6);
    history.push_back({s.point, TrialState::kComplete, value, 1});
  }
  int hits = 0;
  for (size_t t = 30; t < 40; ++t) {
    const ParamSet p = space.ToParams(history[t].point);
    hits += p.at("arch") == Value("b") && p.at("batch") == Value(64);
  }
  EXPECT_GE(hits, 5) << "TPE did not concentrate on the best category and level";
}

}  // namespace
}  // namespace hpo::samplers
