#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <set>

#include "lib/samplers/cmaes_sampler.h"
#include "lib/samplers/sampler_factory.h"
#include "lib/space/distribution.h"
#include "tests/samplers/branin_harness.h"

namespace hpo::samplers {
namespace {

space::SearchSpace UnitBox(int n) {
  space::SearchSpace s;
  for (int i = 0; i < n; ++i)
    s.AddParameter("x" + std::to_string(i),
                   space::MakeNumeric({"uniform", 0, 1, {}, {}, 1}, Origin{"t"}));
  return s;
}

// Best value of f (minimised) found in `trials` trials of one seeded run.
double BestFound(const std::string& method, const space::SearchSpace& space,
                 const std::function<double(const ParamSet&)>& f, uint64_t seed, int trials) {
  auto sampler = MakeSampler({method});
  std::vector<Observation> history;
  double best = INFINITY;
  for (int t = 0; t < trials; ++t) {
    Rng rng(DeriveSeed(seed, static_cast<uint64_t>(t), "sampler"));
    const Suggestion s = *sampler->Suggest(space, history, rng);
    const double y = f(space.ToParams(s.point));
    best = std::min(best, y);
    history.push_back({s.point, TrialState::kComplete, -y, 1.0});
  }
  return best;
}

double ShiftedSphere(const ParamSet& p) {
  const double optimum[4] = {0.8, 0.15, 0.7, 0.25};
  double sum = 0;
  for (int i = 0; i < 4; ++i)
    sum += std::pow(p.at("x" + std::to_string(i)).as_double() - optimum[i], 2);
  return sum;
}

// An ill-conditioned, rotated quadratic: (x0 + x1 - 1.2)^2 + 30 (x0 - x1 - 0.2)^2 + 10 (x2 -
// 0.3)^2, minimum 0 at (0.7, 0.5, 0.3). Only a learned covariance follows its diagonal valley.
double RotatedQuadratic(const ParamSet& p) {
  const double x0 = p.at("x0").as_double(), x1 = p.at("x1").as_double(),
               x2 = p.at("x2").as_double();
  return std::pow(x0 + x1 - 1.2, 2) + 30 * std::pow(x0 - x1 - 0.2, 2) + 10 * std::pow(x2 - 0.3, 2);
}

TEST(CmaesSamplerTest, PopulationSizeIsHansensDefault) {
  EXPECT_EQ(CmaesPopulationSize(1), 4);
  EXPECT_EQ(CmaesPopulationSize(2), 6);    // 4 + floor(3 * 0.693)
  EXPECT_EQ(CmaesPopulationSize(6), 9);    // 4 + floor(3 * 1.792)
  EXPECT_EQ(CmaesPopulationSize(10), 10);  // 4 + floor(3 * 2.303)
}

// On 5 seeds, 300 trials of CMA-ES get within 1e-4 of f's minimum (0) and 100 times closer
// than random search: random draws narrow in slowly, CMA-ES geometrically.
void ExpectConvergesFarBelowRandom(const space::SearchSpace& space,
                                   const std::function<double(const ParamSet&)>& f) {
  for (uint64_t seed = 0; seed < 5; ++seed) {
    const double cmaes = BestFound("cmaes", space, f, seed, 300);
    const double random = BestFound("random", space, f, seed, 300);
    EXPECT_LT(cmaes, 1e-4) << "seed " << seed;
    EXPECT_LT(cmaes, random / 100) << "seed " << seed;
  }
}

TEST(CmaesSamplerTest, ConvergesOnAShiftedSphere) {
  ExpectConvergesFarBelowRandom(UnitBox(4), ShiftedSphere);
}

TEST(CmaesSamplerTest, FollowsTheValleyOfARotatedQuadratic) {
  ExpectConvergesFarBelowRandom(UnitBox(3), RotatedQuadratic);
}

TEST(CmaesSamplerTest, SameHistoryAndRngGiveTheSamePointAndOtherSeedsDiffer) {
  const space::SearchSpace space = UnitBox(4);
  auto sampler = MakeSampler({"cmaes"});
  std::vector<Observation> history;
  Rng draws(3);
  for (int t = 0; t < 20; ++t) {
    const space::UnitPoint x = space.SamplePrior(draws);
    history.push_back({x, TrialState::kComplete, -ShiftedSphere(space.ToParams(x)), 1});
  }
  Rng a(5), b(5), c(6);
  const space::UnitPoint pa = sampler->Suggest(space, history, a)->point;
  EXPECT_EQ(pa, sampler->Suggest(space, history, b)->point);
  EXPECT_NE(pa, sampler->Suggest(space, history, c)->point);
}

TEST(CmaesSamplerTest, IntegerParametersKeepMovingAtTheOptimum) {
  // f = (n - 7)^2 on an int range: once CMA-ES has found 7, the margin still makes it try a
  // neighbouring integer now and then, instead of collapsing onto one value for ever.
  space::SearchSpace space;
  space.AddParameter("n", space::MakeNumeric({"int_uniform", 1, 20, {}, {}, 1}, Origin{"t"}));
  space.AddParameter("x", space::MakeNumeric({"uniform", 0, 1, {}, {}, 1}, Origin{"t"}));
  auto f = [](const ParamSet& p) {
    return std::pow(static_cast<double>(p.at("n").as_int()) - 7, 2) +
           std::pow(p.at("x").as_double() - 0.4, 2);
  };
  auto sampler = MakeSampler({"cmaes"});
  std::vector<Observation> history;
  std::set<int64_t> late_values;
  for (int t = 0; t < 400; ++t) {
    Rng rng(DeriveSeed(1, static_cast<uint64_t>(t), "sampler"));
    const Suggestion s = *sampler->Suggest(space, history, rng);
    const ParamSet p = space.ToParams(s.point);
    if (t >= 300) late_values.insert(p.at("n").as_int());
    history.push_back({s.point, TrialState::kComplete, -f(p), 1.0});
  }
  EXPECT_TRUE(late_values.count(7));
  EXPECT_GE(late_values.size(), 2u) << "the integer froze on one value";
  EXPECT_LE(late_values.size(), 5u) << "the integer did not converge";
}

TEST(CmaesSamplerTest, CategoricalsAreDrawnAtRandomAndTheReasonSaysSo) {
  space::SearchSpace space;
  space.AddParameter("x", space::MakeNumeric({"uniform", 0, 1, {}, {}, 1}, Origin{"t"}));
  space.AddParameter(
      "c", space::MakeCategorical({Value("a"), Value("b"), Value("c")}, std::nullopt, Origin{"t"}));
  auto sampler = MakeSampler({"cmaes"});
  std::vector<Observation> history;
  std::set<std::string> seen;
  for (int t = 0; t < 60; ++t) {
    Rng rng(DeriveSeed(2, static_cast<uint64_t>(t), "sampler"));
    const Suggestion s = *sampler->Suggest(space, history, rng);
    EXPECT_EQ(s.reason, "cmaes (categoricals drawn at random)");
    const ParamSet p = space.ToParams(s.point);
    seen.insert(p.at("c").as_string());
    history.push_back(
        {s.point, TrialState::kComplete, -std::abs(p.at("x").as_double() - 0.2), 1.0});
  }
  EXPECT_EQ(seen.size(), 3u);
}

TEST(CmaesSamplerTest, OnlyCategoricalsFallBackToRandom) {
  space::SearchSpace space;
  space.AddParameter("c",
                     space::MakeCategorical({Value("a"), Value("b")}, std::nullopt, Origin{"t"}));
  Rng rng(1);
  EXPECT_EQ(MakeSampler({"cmaes"})->Suggest(space, {}, rng)->reason,
            "random (cmaes: no numeric parameter)");
}

TEST(CmaesSamplerTest, BeatsRandomOnBraninAt60Trials) {
  std::vector<double> cmaes, random;
  for (uint64_t seed = 0; seed < 10; ++seed) {
    cmaes.push_back(BraninRegret("cmaes", seed, 60));
    random.push_back(BraninRegret("random", seed, 60));
  }
  std::printf("Branin, 60 trials, 10 seeds: median regret cmaes %.4f, random %.4f\n", Median(cmaes),
              Median(random));
  EXPECT_LT(Median(cmaes), Median(random));
}

}  // namespace
}  // namespace hpo::samplers
