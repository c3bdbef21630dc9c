#include <gtest/gtest.h>

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
