#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "lib/core/error.h"
#include "lib/samplers/grid_sampler.h"
#include "lib/samplers/random_sampler.h"
#include "lib/samplers/sampler_factory.h"
#include "lib/space/constraint.h"
#include "lib/space/distribution.h"

namespace hpo::samplers {
namespace {

space::SearchSpace SmallSpace() {
  space::SearchSpace s;
  s.AddParameter("act",
                 space::MakeCategorical({Value("tanh"), Value("relu")}, std::nullopt, Origin{"t"}));
  s.AddParameter("epochs", space::MakeNumeric({"int_uniform", 3, 5, {}, {}, 1}, Origin{"t"}));
  s.AddParameter("lr", space::MakeNumeric({"loguniform", 1e-4, 1e-2, {}, {}, 1}, Origin{"t"}));
  return s;
}

// Runs a grid to exhaustion; `rejections` gets each suggestion's count of skipped candidates.
std::vector<ParamSet> RunGrid(const space::SearchSpace& s, int grid_points,
                              std::vector<int>* rejections = nullptr) {
  GridSampler grid({.points = grid_points});
  std::vector<Observation> history;
  std::vector<ParamSet> order;
  Rng rng(0);
  while (std::optional<Suggestion> next = grid.Suggest(s, history, rng)) {
    history.push_back({next->point, TrialState::kComplete, 0, 1});
    order.push_back(s.ToParams(next->point));
    if (rejections) rejections->push_back(next->constraint_rejections);
  }
  return order;
}

TEST(GridSamplerTest, StableOrderWithoutRepeatsThenExhausted) {
  const std::vector<ParamSet> order = RunGrid(SmallSpace(), 3);
  ASSERT_EQ(order.size(), 2u * 3u * 3u);  // 2 choices x 3 integer levels x 3 log points
  // The first parameter varies slowest, the last fastest; log points are 1e-4, 1e-3, 1e-2.
  EXPECT_EQ(order[0].at("act"), Value("tanh"));
  EXPECT_EQ(order[0].at("epochs"), Value(3));
  EXPECT_NEAR(order[0].at("lr").as_double(), 1e-4, 1e-12);
  EXPECT_NEAR(order[1].at("lr").as_double(), 1e-3, 1e-12);
  EXPECT_EQ(order[3].at("epochs"), Value(4));
  EXPECT_EQ(order[9].at("act"), Value("relu"));
  std::set<std::string> distinct;
  for (const ParamSet& p : order)
    distinct.insert(p.at("act").ToYaml() + p.at("epochs").ToYaml() + p.at("lr").ToYaml());
  EXPECT_EQ(distinct.size(), order.size());
  EXPECT_EQ(order, RunGrid(SmallSpace(), 3));  // stable
}

TEST(GridSamplerTest, DiscreteRangesUseTheirLevelsAndConstraintsFilter) {
  space::SearchSpace s = SmallSpace();
  s.AddConstraint(space::Constraint::Parse(
      "act == 'tanh' and epochs > 3",
      [](std::string_view n) { return std::optional<std::string>(n); }, Origin{"t"}));
  std::vector<int> rejections;
  const std::vector<ParamSet> order = RunGrid(s, 10, &rejections);
  // epochs has 3 levels even with grid_points 10; tanh with epochs 4 or 5 is skipped (2 x 10 lr
  // points).
  ASSERT_EQ(order.size(), 2u * 3u * 10u - 2u * 10u);
  for (const ParamSet& p : order)
    EXPECT_FALSE(p.at("act") == Value("tanh") && p.at("epochs").as_int() > 3);
  // The first 10 suggestions (tanh, 3 epochs) skip nothing; the first relu skips the 20 rejected
  // points.
  EXPECT_EQ(rejections[9], 0);
  EXPECT_EQ(rejections[10], 20);
  EXPECT_EQ(order[10].at("act"), Value("relu"));
}

TEST(RandomSamplerTest, SameRngSameSuggestionsAndFeasibleOnly) {
  space::SearchSpace s = SmallSpace();
  s.AddConstraint(space::Constraint::Parse(
      "lr > 1e-3", [](std::string_view n) { return std::optional<std::string>(n); }, Origin{"t"}));
  auto sampler = MakeSampler({.method = "random", .max_constraint_tries = 10000});
  Rng a(7), b(7), c(8);
  for (int i = 0; i < 50; ++i) {
    const Suggestion sa = *sampler->Suggest(s, {}, a);
    EXPECT_EQ(sa.point, sampler->Suggest(s, {}, b)->point);
    EXPECT_LE(s.ToParams(sa.point).at("lr").as_double(), 1e-3);
  }
  EXPECT_NE(sampler->Suggest(s, {}, a)->point, sampler->Suggest(s, {}, c)->point);
}

// The random sampler draws a truncated normal as scipy's truncnorm is distributed: its moments
// (scipy 1.10.1: truncnorm(a, b, 0.001, 0.002).mean() and .std(), a and b the bounds in sigma)
// and, for ConfigSpace's test case, a Kolmogorov-Smirnov distance within the 1% critical value.
TEST(RandomSamplerTest, DrawsATruncatedNormalAsItIsDistributed) {
  auto draws = [](double mu, double sigma, double min, double max) {
    space::NumericSpec spec{"truncated_normal", min, max, mu, std::nullopt, 1.0};
    spec.sigma = sigma;
    space::SearchSpace s;
    s.AddParameter("x", space::MakeNumeric(spec, Origin{"t"}));
    auto sampler = MakeSampler({.method = "random"});
    Rng rng(11);
    std::vector<double> xs;
    xs.reserve(20000);
    for (int i = 0; i < 20000; ++i)
      xs.push_back(s.ToParams(sampler->Suggest(s, {}, rng)->point).at("x").as_double());
    return xs;
  };
  const std::vector<double> lr = draws(0.001, 0.002, 0.0001, 0.01);
  double mean = 0, square = 0;
  for (double x : lr) mean += x / lr.size(), square += x * x / lr.size();
  EXPECT_NEAR(mean, 0.0020703350130580117, 4e-5);  // 4 standard errors
  EXPECT_NEAR(std::sqrt(square - mean * mean), 0.0013749951440139528, 5e-5);
  std::vector<double> xs = draws(0.5, 10.5, -20, 20);
  std::sort(xs.begin(), xs.end());
  auto phi = [](double x) { return 0.5 * std::erfc(-(x - 0.5) / 10.5 / std::sqrt(2.0)); };
  double distance = 0;
  for (size_t i = 0; i < xs.size(); ++i) {
    const double cdf = (phi(xs[i]) - phi(-20)) / (phi(20) - phi(-20));
    distance = std::max({distance, std::fabs(cdf - double(i) / xs.size()),
                         std::fabs(cdf - double(i + 1) / xs.size())});
  }
  EXPECT_LT(distance, 1.63 / std::sqrt(double(xs.size())));
}

TEST(RandomSamplerTest, InfeasibleConstraintsAreAClearError) {
  space::SearchSpace s = SmallSpace();
  s.AddConstraint(space::Constraint::Parse(
      "lr > 0", [](std::string_view n) { return std::optional<std::string>(n); }, Origin{"t"}));
  auto sampler = MakeSampler({.method = "random", .max_constraint_tries = 200});
  Rng rng(1);
  try {
    sampler->Suggest(s, {}, rng);
    FAIL();
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("infeasible"), std::string::npos);
  }
}

TEST(SamplerFactoryTest, UnknownMethodsAreUserErrors) {
  EXPECT_THROW(MakeSampler({.method = "annealing"}), UserError);
  EXPECT_THROW(MakeSampler({.method = "grid", .grid = {.points = 0}}), UserError);
}

}  // namespace
}  // namespace hpo::samplers
