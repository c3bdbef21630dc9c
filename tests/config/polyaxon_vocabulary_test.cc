// Polyaxon's matrices (lib/config/vocabularies/polyaxon_vocabulary.cc), v0 `hptuning:` and v1
// `matrix:`, each kind read as hypertune's code draws it (github:polyaxon/polyaxon v1.20.0,
// hypertune/hypertune/matrix/utils.py and dist.py; polyaxon-schemas 00ea8a92 for v0).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include "lib/config/sweep_config.h"
#include "tests/support/test_dir.h"
#include "tests/support/user_error.h"

namespace hpo::config {
namespace {

using testing_support::UserErrorOf;

const std::string kPolyaxon =
    std::string(HPO_SOURCE_DIR) + "/tests/fixtures/vocabularies/polyaxon/";
const std::vector<std::string> kCommand = {"./train", "${args}"};

SweepConfig Load(const std::string& path) { return LoadSweepConfig(path, "", kCommand, {}); }

std::string Written(const std::string& text) {
  std::string path = (testing_support::OwnTestDir("files") / "polyaxon_case.yaml").string();
  std::ofstream(path) << text;
  return path;
}

std::string Described(const SweepConfig& c, const std::string& name) {
  for (const ParameterSpec& p : c.parameters) {
    if (p.name == name) return DescribeParameter(p);
  }
  return "(no parameter " + name + ")";
}

// A v1 matrix of `kind` with the one parameter `param` (a flow mapping).
SweepConfig V1(const std::string& kind, const std::string& param) {
  return Load(Written("matrix:\n  kind: " + kind + "\n  params:\n    x: " + param + "\n"));
}

std::string Refusal(const std::string& text) {
  const std::string path = Written(text);
  std::string error = UserErrorOf([&] { Load(path); });
  if (error.rfind(path, 0) == 0) error = error.substr(path.size());
  return error;
}

TEST(PolyaxonVocabularyTest, V0GroupReadsEveryKindAndItsEarlyStoppingTarget) {
  const SweepConfig c = Load(kPolyaxon + "v0_group.yaml");
  EXPECT_EQ(c.vocabulary, "Polyaxon v0 (hptuning.matrix)");
  EXPECT_EQ(c.n_jobs, 2);
  EXPECT_EQ(c.seed, 7u);
  EXPECT_EQ(c.target, 0.98);  // early_stopping's value
  // np.logspace(-4, -1, 4): base 10 to the linspace
  EXPECT_EQ(Described(c, "lr"), "categorical [0.0001, 0.001, 0.01, 0.1]");
  // np.arange(16, 80, 16): the stop is left out
  EXPECT_EQ(Described(c, "batch"), "int_uniform [16.0, 64.0] q 16.0");
  // np.round(U[32, 256) // 32) * 32: 32 .. 224
  EXPECT_EQ(Described(c, "units"), "discrete_uniform [32.0, 224.0] q 32.0");
  // floor(N(10, 2) / 2) * 2 = round(N(9, 2) / 2) * 2
  EXPECT_EQ(Described(c, "shift"), "q_normal mu 9.0 sigma 2.0 q 2.0");
}

TEST(PolyaxonVocabularyTest, V1HyperbandPrunesOnItsResource) {
  const SweepConfig c = Load(kPolyaxon + "v1_hyperband.yaml");
  EXPECT_EQ(c.vocabulary, "Polyaxon v1 (matrix)");
  EXPECT_EQ(c.pruner.method, "hyperband");
  // s_max = int(log(81) / log(3)) = 4: the smallest bracket runs 81 * 3^-4 = 1
  EXPECT_EQ(c.pruner.halving_rule.min_resource, 1);
  EXPECT_EQ(c.pruner.halving_rule.max_resource, 81);
  EXPECT_EQ(c.pruner.halving_rule.reduction_factor, 3);
  EXPECT_EQ(c.fixed.at("steps"), Value(81));
  EXPECT_EQ(c.n_jobs, 2);
}

TEST(PolyaxonVocabularyTest, HyperoptRoundsWhereTheOtherTunersFloor) {
  const SweepConfig c = Load(kPolyaxon + "v1_hyperopt.yaml");
  EXPECT_EQ(c.sampler.method, "tpe");
  EXPECT_TRUE(c.objectives.maximize);
  EXPECT_EQ(Described(c, "units"), "q_uniform [32.0, 256.0] q 32.0");
  EXPECT_EQ(Described(c, "shift"), "q_normal mu 10.0 sigma 2.0 q 2.0");
  EXPECT_EQ(Described(V1("random", "{kind: quniform, value: [32, 256, 32]}"), "x"),
            "discrete_uniform [32.0, 224.0] q 32.0");
}

// np.round(x // q) * q (dist.py:25-57): the multiple of q at or below the draw, hpo's q kinds
// with floor_to_q; bounds on the grid keep quniform's even discrete_uniform (above)
TEST(PolyaxonVocabularyTest, TheQKindsFloorToQ) {
  EXPECT_EQ(Described(V1("random", "{kind: qloguniform, value: [0, 2, 0.5]}"), "x"),
            "q_log_uniform_values [1.0, 7.38905609893065] q 0.5 floor");
  EXPECT_EQ(Described(V1("random", "{kind: qlognormal, value: [0, 1, 0.5]}"), "x"),
            "q_log_normal mu 0.0 sigma 1.0 q 0.5 floor");
  // U[1, 10) floored to 4: 0, 4 and 8
  const SweepConfig off_grid = V1("random", "{kind: quniform, value: [1, 10, 4]}");
  EXPECT_EQ(Described(off_grid, "x"), "q_uniform [1.0, 10.0] q 4.0 floor");
  const space::SearchSpace space = off_grid.BuildSpace();
  EXPECT_EQ(space.dimensions()[0].num_levels, 3);
  EXPECT_EQ(space.ValueAt(0, 0.0), Value(0.0));
  EXPECT_EQ(space.ValueAt(0, 1.0), Value(8.0));
}

TEST(PolyaxonVocabularyTest, V1ValuesReadInEveryForm) {
  EXPECT_EQ(Described(V1("grid", "{kind: linspace, value: '0.01:0.1:5'}"), "x"),
            "categorical [0.01, 0.0325, 0.05500000000000001, 0.0775, 0.1]");
  EXPECT_EQ(
      Described(V1("grid", "{kind: logspace, value: {start: 1, stop: 3, num: 3, base: 2}}"), "x"),
      "categorical [2.0, 4.0, 8.0]");
  EXPECT_EQ(Described(V1("random", "{kind: range, value: [0, 1, 0.25]}"), "x"),
            "categorical [0.0, 0.25, 0.5, 0.75]");
  EXPECT_EQ(Described(V1("bayes", "{kind: uniform, value: '-1:1'}"), "x"), "uniform [-1.0, 1.0]");
  // numpy's multinomial gives the last value whatever the others leave
  EXPECT_EQ(Described(V1("random", "{kind: pchoice, value: [[a, 0.25], [b, 0.5]]}"), "x"),
            "categorical [a, b] probabilities [0.25, 0.75]");
}

TEST(PolyaxonVocabularyTest, WhatPolyaxonOrHpoCannotRunIsRefusedAtItsLine) {
  EXPECT_EQ(Refusal("matrix:\n  kind: grid\n  params:\n    x: {kind: uniform, value: [0, 1]}\n"),
            ":4:31: x: uniform is a distribution, which Polyaxon's grid search refuses (a v0 "
            "matrix without an algorithm is a grid search)");
  EXPECT_EQ(Refusal("matrix:\n  kind: mapping\n  values: [{x: 1}]\n"),
            ":2:9: matrix kind mapping: runs a list of given configurations, not a search: hpo "
            "cannot");
  // no algorithm named: a grid search (hptuning.py:364-371)
  EXPECT_EQ(Refusal("hptuning:\n  matrix:\n    x: {uniform: '0:1'}\n"),
            ":3:18: x: uniform is a distribution, which Polyaxon's grid search refuses (a v0 "
            "matrix without an algorithm is a grid search)");
  EXPECT_EQ(Refusal("hptuning:\n  bo: {n_iterations: 2, n_initial_trials: 1}\n  matrix:\n"
                    "    x: {normal: '0:1'}\n"),
            ":4:17: x: normal is not uniform, which Polyaxon's bayesian optimization refuses");
  EXPECT_EQ(Refusal("hptuning:\n  matrix:\n    x: {range: '5:1:1'}\n"),
            ":3:16: x: stop must be strictly higher than start");
  EXPECT_EQ(Refusal("hptuning:\n  random_search: {}\n  matrix:\n    x: {quniform: '10:1:4'}\n"),
            ":4:19: x: quniform needs low < high (hpo reads [low, high), as numpy draws it when "
            "low < high)");
  // v0's qlognormal is np.exp(lognormal(...)), q unused (matrix.py:141-143); v1's floors
  EXPECT_EQ(Refusal("hptuning:\n  random_search: {}\n  matrix:\n    x: {qlognormal: '0:1:2'}\n"),
            ":4:21: x: Polyaxon v0's qlognormal draws exp() of a log-normal draw and never uses q "
            "(polyaxon_schemas matrix.py:141-143); write lognormal for a log-normal, or Polyaxon "
            "v1's qlognormal for one floored to q");
  EXPECT_EQ(
      Refusal(
          "hptuning:\n  random_search: {}\n  matrix:\n    x: {pvalues: [[a, 0.7], [b, 0.6]]}\n"),
      ":4:18: x: the probabilities sum to 1.2999999999999998, above 1");
  EXPECT_EQ(Refusal("hptuning:\n  random_search: {}\n  matrix:\n    x: {uniform: [0, 1, 3]}\n"),
            ":4:18: x: size draws a tensor of values; hpo searches scalars");
}

}  // namespace
}  // namespace hpo::config
