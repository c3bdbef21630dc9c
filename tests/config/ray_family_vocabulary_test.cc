// Ray Tune's neighbours (issue 36): one-element lists as constants in every vocabulary, and the
// readers of Ludwig's hyperopt: section and trlx's sweep files, which hand their spaces to Ray
// Tune (python/ray/tune/search/sample.py gives each tune.* call its meaning).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "lib/config/sweep_config.h"
#include "tests/support/user_error.h"

namespace hpo::config {
namespace {

using testing_support::UserErrorOf;

const std::string kFixtures = std::string(HPO_SOURCE_DIR) + "/tests/fixtures/vocabularies/";

std::string WriteTemp(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::path(testing::TempDir()) / name;
  std::ofstream(path) << text;
  return path.string();
}

SweepConfig LoadText(const std::string& name, const std::string& text) {
  return LoadSweepConfig(WriteTemp(name, text), "", {"./train.py", "${args}"});
}

std::vector<std::string> SearchedNames(const SweepConfig& c) {
  std::vector<std::string> names;
  for (const ParameterSpec& p : c.parameters) names.push_back(p.name);
  return names;
}

// ----- one-element lists ---------------------------------------------------------------------

// Ray's _grid_search_generator (variant_generator.py) yields a one-point grid's value in its one
// variant; on the old code this file was refused: "the config searches no parameter".
TEST(OneElementListTest, ARayGridOfOneElementRunsItsOneConfiguration) {
  const SweepConfig c = LoadSweepConfig(kFixtures + "ray_one_point_grid.yaml", "", {"stub"});
  EXPECT_TRUE(c.parameters.empty());
  EXPECT_EQ(c.fixed.at("num_sgd_iter"), Value(6));
  EXPECT_EQ(c.sampler.method, "grid");
  EXPECT_EQ(c.n_trials, 1);
}

// W&B's categorical of one value always draws it (params.py: ppf over one value); hpo counted it
// as a searched parameter on the old code.
TEST(OneElementListTest, AWandbValuesListOfOneIsFixed) {
  const SweepConfig c = LoadText("wandb_one.yaml",
                                 "method: random\n"
                                 "metric: {name: loss, goal: minimize}\n"
                                 "parameters:\n"
                                 "  lr: {min: 0.001, max: 0.1}\n"
                                 "  epochs: {values: [10]}\n"
                                 "  act: {values: [relu]}\n");
  EXPECT_EQ(SearchedNames(c), std::vector<std::string>{"lr"});
  EXPECT_EQ(c.fixed.at("epochs"), Value(10));
  EXPECT_EQ(c.fixed.at("act"), Value("relu"));
}

// Ray's choice of one category and a grid_search of one beside a real search: fixed, and the
// grid of the other parameter alone decides the trial count (grid x num_samples).
TEST(OneElementListTest, RayChoiceAndGridOfOneAreFixedBesideASearch) {
  const SweepConfig c = LoadText("ray_one.yaml",
                                 "tune:\n"
                                 "  metric: reward\n"
                                 "  mode: max\n"
                                 "  num_samples: 2\n"
                                 "  param_space:\n"
                                 "    lr: {grid_search: [0.1, 0.01, 0.001]}\n"
                                 "    gamma: {grid_search: [0.99]}\n"
                                 "    clip: \"tune.choice([0.2])\"\n");
  EXPECT_EQ(SearchedNames(c), std::vector<std::string>{"lr"});
  EXPECT_EQ(c.fixed.at("gamma"), Value(0.99));
  EXPECT_EQ(c.fixed.at("clip"), Value(0.2));
  EXPECT_EQ(c.sampler.method, "grid");
  EXPECT_EQ(c.n_trials, 6);
}

// A file of hpo's own words whose only list has one value: the constant is on purpose, as in W&B.
TEST(OneElementListTest, AnHpoFileOfOneValueListsRunsItsOneConfiguration) {
  const SweepConfig c = LoadText("hpo_one.yaml",
                                 "method: tpe\n"
                                 "n_trials: 3\n"
                                 "parameters:\n"
                                 "  epochs: {values: [10]}\n");
  EXPECT_TRUE(c.parameters.empty());
  EXPECT_EQ(c.fixed.at("epochs"), Value(10));
  EXPECT_EQ(c.n_trials, 3);
}

}  // namespace
}  // namespace hpo::config
