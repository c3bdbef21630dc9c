#include <gtest/gtest.h>

#include "lib/samplers/sampler_factory.h"
#include "tests/samplers/branin_harness.h"

namespace hpo::samplers {
namespace {

TEST(ProteinSamplerTest, BeatsRandomOnBraninAt50Trials) {
  std::vector<double> protein, random;
  for (uint64_t seed = 0; seed < 10; ++seed) {
    protein.push_back(BraninRegret("protein", seed, 50));
    random.push_back(BraninRegret("random", seed, 50));
  }
  const double p = MannWhitneyLess(protein, random);
  std::printf("Branin, 50 trials, 10 seeds: median regret protein %.4f, random %.4f, one-sided Mann-Whitney p = %.4g\n",
              Median(protein), Median(random), p);
  EXPECT_LT(Median(protein), Median(random));
  EXPECT_LT(p, 0.05);
}

std::vector<Observation> History(const space::SearchSpace& space, int n, double value) {
  std::vector<Observation> history;
  Rng rng(9);
  for (int i = 0; i < n; ++i) history.push_back({space.SamplePrior(rng), TrialState::kComplete, value, 10.0});
  return history;
}

TEST(ProteinSamplerTest, FirstSuggestionIsTheCentreAndRunsRepeat) {
  const space::SearchSpace space = BraninSpace();
  auto sampler = MakeSampler({"protein"});
  Rng a(1);
  const Suggestion first = *sampler->Suggest(space, {}, a);
  EXPECT_EQ(first.reason, "center");
  EXPECT_EQ(first.point, space.Center());
  const std::vector<Observation> history = History(space, 15, 1.0);
  Rng b(4), c(4);
  EXPECT_EQ(sampler->Suggest(space, history, b)->point, sampler->Suggest(space, history, c)->point);
}

TEST(ProteinSamplerTest, IdenticalScoresCostsAndFailuresDoNotBreakIt) {
  const space::SearchSpace space = BraninSpace();
  auto sampler = MakeSampler({"protein"});
  std::vector<Observation> history = History(space, 15, 3.0);  // all the same score and cost
  history.push_back({space.Center(), TrialState::kFailed, 0.0, 0.0});  // zero cost: guarded
  Rng rng(2);
  const std::optional<Suggestion> s = sampler->Suggest(space, history, rng);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->reason.rfind("gp", 0), 0u) << s->reason;
  for (double v : s->point) {
    EXPECT_GE(v, 0.0);
    EXPECT_LE(v, 1.0);
  }
}

TEST(ProteinSamplerTest, ARunningTrialPushesTheNextSuggestionAway) {
  const space::SearchSpace space = BraninSpace();
  auto sampler = MakeSampler({"protein"});
  std::vector<Observation> history;
  Rng seeds(5);
  for (int i = 0; i < 20; ++i) {
    const space::UnitPoint x = space.SamplePrior(seeds);
    const ParamSet p = space.ToParams(x);
    history.push_back({x, TrialState::kComplete, -Branin(p.at("x1").as_double(), p.at("x2").as_double()), 1.0});
  }
  Rng a(7);
  const Suggestion alone = *sampler->Suggest(space, history, a);
  history.push_back({alone.point, TrialState::kRunning, 0.0, 1.0});
  Rng b(7);  // the same randomness: only the running trial differs
  const Suggestion next = *sampler->Suggest(space, history, b);
  EXPECT_NE(next.point, alone.point);
}

TEST(ProteinSamplerTest, CostMaskFallbackIsStated) {
  const space::SearchSpace space = BraninSpace();
  SamplerSettings settings;
  settings.method = "protein";
  settings.max_suggestion_cost = 1e-9;  // every candidate is predicted to cost more
  auto sampler = MakeSampler(settings);
  Rng rng(3);
  const Suggestion s = *sampler->Suggest(space, History(space, 15, 2.0), rng);
  EXPECT_NE(s.reason.find("mask relaxed"), std::string::npos) << s.reason;
}

}  // namespace
}  // namespace hpo::samplers
