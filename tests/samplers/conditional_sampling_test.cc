// Every sampler on a conditional space: a trial gets a conditional parameter exactly when its
// parent has the value that activates it, and an inactive coordinate (NaN in the history) never
// reaches a suggestion. TPE's blocks follow Optuna's group decomposition.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "lib/samplers/grid_sampler.h"
#include "lib/samplers/sampler_factory.h"
#include "lib/samplers/tpe_sampler.h"
#include "lib/space/distribution.h"

namespace hpo::samplers {
namespace {

// optimizer {adam, sgd}; momentum (3 levels) only with sgd; lr always.
space::SearchSpace OptimizerSpace() {
  space::SearchSpace s;
  s.AddParameter("optimizer",
                 space::MakeCategorical({Value("adam"), Value("sgd")}, std::nullopt, Origin{"t"}));
  s.AddParameter("momentum", space::MakeNumeric({"q_uniform", 0.8, 1.0, {}, {}, 0.1}, Origin{"t"}));
  s.AddParameter("lr", space::MakeNumeric({"uniform", 0, 1, {}, {}, 1}, Origin{"t"}));
  s.SetCondition("momentum", "optimizer", {Value("sgd")});
  return s;
}

// sgd with momentum near 0.9 and lr near 0.3 is best.
double Objective(const ParamSet& p) {
  const double lr = p.at("lr").as_double();
  if (p.at("optimizer").as_string() == "adam") return -std::pow(lr - 0.3, 2) - 0.05;
  return -std::pow(lr - 0.3, 2) - std::pow(p.at("momentum").as_double() - 0.9, 2);
}

class ConditionalSamplingTest : public ::testing::TestWithParam<SamplerSettings> {};

TEST_P(ConditionalSamplingTest, ATrialHasAConditionalParameterExactlyWhenItIsActive) {
  const space::SearchSpace s = OptimizerSpace();
  std::unique_ptr<Sampler> sampler = MakeSampler(GetParam());
  std::vector<Observation> history;
  std::set<std::string> optimizers;
  for (int trial = 0; trial < 30; ++trial) {
    Rng rng(static_cast<uint64_t>(trial) + 1);
    const std::optional<Suggestion> next = sampler->Suggest(s, history, rng);
    if (!next) break;  // the grid ran out
    for (size_t d = 0; d < next->point.size(); ++d) EXPECT_FALSE(std::isnan(next->point[d]));
    const ParamSet params = s.ToParams(next->point);
    const bool sgd = params.at("optimizer").as_string() == "sgd";
    EXPECT_EQ(params.contains("momentum"), sgd) << "trial " << trial;
    optimizers.insert(params.at("optimizer").as_string());
    // As the runner does: the history point comes back from the trial's stored values.
    history.push_back({s.ToUnit(params), TrialState::kComplete, Objective(params), 1});
  }
  EXPECT_EQ(optimizers.size(), 2u);
}

std::string MethodName(const ::testing::TestParamInfo<SamplerSettings>& settings) {
  return settings.param.method + (settings.param.tpe.multivariate ? "" : "_univariate");
}

INSTANTIATE_TEST_SUITE_P(
    EveryMethod, ConditionalSamplingTest,
    ::testing::Values(SamplerSettings{"random"}, SamplerSettings{"tpe"},
                      SamplerSettings{.method = "tpe", .tpe = {.multivariate = false}},
                      SamplerSettings{"cmaes"}, SamplerSettings{"protein"},
                      SamplerSettings{.method = "grid", .grid = {.points = 2}}),
    MethodName);

TEST(ConditionalGridTest, RunsEachDistinctTrialOnce) {
  // adam x 2 lr + sgd x 3 momentum x 2 lr: 8 trials, not the product's 12.
  const space::SearchSpace s = OptimizerSpace();
  GridSampler grid({.points = 2});
  EXPECT_EQ(grid.Size(s), 8);
  std::vector<Observation> history;
  Rng rng(0);
  while (std::optional<Suggestion> next = grid.Suggest(s, history, rng))
    history.push_back({s.ToUnit(s.ToParams(next->point)), TrialState::kComplete, 0, 1});
  EXPECT_EQ(history.size(), 8u);
}

TEST(TpeBlocksTest, GroupsAreOptunasDecompositionOfTheTrialsParameterSets) {
  // Optuna's _SearchSpaceGroup on trials holding {0,1,2} and then {0,2}: [{0,2}, {1}]
  // (optuna/search_space/group_decomposed.py add_distributions).
  const double nan = std::nan("");
  const std::vector<space::Dimension> dims(4);
  const std::vector<Observation> history = {{{0.1, 0.2, 0.3, nan}, TrialState::kComplete, 1, 1},
                                            {{0.1, nan, 0.3, nan}, TrialState::kPruned, 1, 1},
                                            {{nan, nan, nan, 0.5}, TrialState::kRunning, 1, 1}};
  using Blocks = std::vector<std::vector<size_t>>;
  EXPECT_EQ(TpeBlocks(dims, history, true), (Blocks{{0, 2}, {1}, {3}}));  // 3: no finished trial
  EXPECT_EQ(TpeBlocks(dims, history, false), (Blocks{{0}, {1}, {2}, {3}}));
  EXPECT_EQ(TpeBlocks(dims, {}, true), (Blocks{{0, 1, 2, 3}}));
}

}  // namespace
}  // namespace hpo::samplers
