#include <gtest/gtest.h>

#include "lib/samplers/sampler_factory.h"
#include "lib/space/distribution.h"
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
  std::printf(
      "Branin, 50 trials, 10 seeds: median regret protein %.4f, random %.4f, one-sided "
      "Mann-Whitney p = %.4g\n",
      Median(protein), Median(random), p);
  EXPECT_LT(Median(protein), Median(random));
  EXPECT_LT(p, 0.05);
}

// A mixed space: an int (best 7 of 1-20), a categorical whose best level sits between two
// worse ones (a 1, b 0, c 2, d 0.5) and a float (best 0.3). Returns the best value found and
// whether its category is the best one.
std::pair<double, bool> MixedSpaceRun(const std::string& method, uint64_t seed, int trials) {
  space::SearchSpace space;
  space.AddParameter("n", space::MakeNumeric({"int_uniform", 1, 20, {}, {}, 1}, Origin{"t"}));
  space.AddParameter("c", space::MakeCategorical({Value("a"), Value("b"), Value("c"), Value("d")},
                                                 std::nullopt, Origin{"t"}));
  space.AddParameter("x", space::MakeNumeric({"uniform", 0, 1, {}, {}, 1}, Origin{"t"}));
  auto sampler = MakeSampler({method});
  std::vector<Observation> history;
  double best = INFINITY;
  bool best_category = false;
  for (int t = 0; t < trials; ++t) {
    Rng rng(DeriveSeed(seed, static_cast<uint64_t>(t), "sampler"));
    const Suggestion s = *sampler->Suggest(space, history, rng);
    const ParamSet p = space.ToParams(s.point);
    const std::string& c = p.at("c").as_string();
    const double offset = c == "a" ? 1.0 : c == "b" ? 0.0 : c == "c" ? 2.0 : 0.5;
    const double f = std::pow(static_cast<double>(p.at("n").as_int()) - 7, 2) / 10 + offset +
                     10 * std::pow(p.at("x").as_double() - 0.3, 2);
    if (f < best) best = f, best_category = c == "b";
    history.push_back({s.point, TrialState::kComplete, -f, 1.0});
  }
  return {best, best_category};
}

TEST(ProteinSamplerTest, FindsTheBestCategoryAndBeatsRandomOnAMixedSpace) {
  std::vector<double> protein, random;
  int right_category = 0;
  for (uint64_t seed = 0; seed < 10; ++seed) {
    const auto [value, category] = MixedSpaceRun("protein", seed, 40);
    protein.push_back(value);
    right_category += category;
    random.push_back(MixedSpaceRun("random", seed, 40).first);
  }
  const double p = MannWhitneyLess(protein, random);
  std::printf(
      "mixed space, 40 trials, 10 seeds: median best protein %.4g, random %.4g (p = %.3g); best "
      "category in %d of 10\n",
      Median(protein), Median(random), p, right_category);
  EXPECT_LT(p, 0.05);
  EXPECT_GE(right_category, 9);
}

std::vector<Observation> History(const space::SearchSpace& space, int n, double value) {
  std::vector<Observation> history;
  Rng rng(9);
  for (int i = 0; i < n; ++i)
    history.push_back({space.SamplePrior(rng), TrialState::kComplete, value, 10.0});
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

// The running trial enters the model at the worst score (constant liar), so the next
// suggestion leaves its neighbourhood: over 5 histories it lands at least 0.1 of the box away
// (the same randomness alone would suggest the running trial's point again).
TEST(ProteinSamplerTest, ARunningTrialPushesTheNextSuggestionAway) {
  const space::SearchSpace space = BraninSpace();
  auto sampler = MakeSampler({"protein"});
  for (uint64_t seed = 0; seed < 5; ++seed) {
    std::vector<Observation> history;
    Rng seeds(seed);
    for (int i = 0; i < 20; ++i) {
      const space::UnitPoint x = space.SamplePrior(seeds);
      const ParamSet p = space.ToParams(x);
      history.push_back(
          {x, TrialState::kComplete, -Branin(p.at("x1").as_double(), p.at("x2").as_double()), 1.0});
    }
    Rng a(7), again(7);
    const Suggestion alone = *sampler->Suggest(space, history, a);
    EXPECT_EQ(sampler->Suggest(space, history, again)->point, alone.point) << "seed " << seed;
    history.push_back({alone.point, TrialState::kRunning, 0.0, 1.0});
    Rng b(7);  // the same randomness: only the running trial differs
    const Suggestion next = *sampler->Suggest(space, history, b);
    const double distance =
        std::hypot(next.point[0] - alone.point[0], next.point[1] - alone.point[1]);
    std::printf("seed %llu: the next suggestion is %.3f of the box from the running trial\n",
                static_cast<unsigned long long>(seed), distance);
    EXPECT_GT(distance, 0.1) << "seed " << seed;
  }
}

TEST(ProteinSamplerTest, CostMaskFallbackIsStated) {
  const space::SearchSpace space = BraninSpace();
  SamplerSettings settings;
  settings.method = "protein";
  settings.protein.max_suggestion_cost = 1e-9;  // every candidate is predicted to cost more
  auto sampler = MakeSampler(settings);
  Rng rng(3);
  const Suggestion s = *sampler->Suggest(space, History(space, 15, 2.0), rng);
  EXPECT_NE(s.reason.find("mask relaxed"), std::string::npos) << s.reason;
}

}  // namespace
}  // namespace hpo::samplers
