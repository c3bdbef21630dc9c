// The Hydra sweeper reader (lib/config/vocabularies/hydra_vocabulary.cc): each file read as the
// plugin it names reads it. Facts about the plugins come from facebookresearch/hydra 2c03d1b,
// cited at each test; tests/conformance/cases/hydra/ has the cases their own code decided.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "lib/config/sweep_config.h"
#include "lib/config/vocabularies/hydra_grammar.h"
#include "tests/support/test_dir.h"
#include "tests/support/user_error.h"

namespace hpo::config {
namespace {

using testing_support::UserErrorOf;

const std::string kFixtures = std::string(HPO_SOURCE_DIR) + "/tests/fixtures/vocabularies/";

std::string WriteTemp(const std::string& name, const std::string& text) {
  const auto path = testing_support::OwnTestDir("files") / name;
  std::ofstream(path) << text;
  return path.string();
}

// A Hydra file for `plugin` whose hydra.sweeper.params are `params` (YAML, indented 6).
SweepConfig LoadParams(const std::string& plugin, const std::string& params,
                       const std::string& more_defaults = "") {
  const std::string text = "defaults:\n  - override hydra/sweeper: " + plugin + "\n" +
                           more_defaults + "hydra:\n  sweeper:\n    params:\n" + params;
  return LoadSweepConfig(WriteTemp("hydra_" + plugin + ".yaml", text), "", {"stub", "${args}"});
}

std::string Describe(const SweepConfig& c, const std::string& name) {
  for (const ParameterSpec& p : c.parameters) {
    if (p.name == name) return DescribeParameter(p);
  }
  const auto fixed = c.fixed.find(name);
  return fixed == c.fixed.end() ? "missing" : "fixed " + fixed->second.ToYaml();
}

// create_optuna_distribution_from_override (hydra_optuna_sweeper/_impl.py:80): range() is
// IntDistribution(start, stop, step), whose high Optuna lowers onto the step; a float in the
// range makes it a FloatDistribution with that step (_impl.py:75).
TEST(HydraVocabularyTest, OptunasRangeIncludesItsStopLoweredOntoTheStep) {
  const SweepConfig c = LoadParams("optuna",
                                   "      a: range(1,10,2)\n"
                                   "      b: float(range(1,5))\n"
                                   "      c: range(1,3)\n");
  EXPECT_EQ(Describe(c, "a"), "int_uniform [1.0, 9.0] q 2.0");
  EXPECT_EQ(Describe(c, "b"), "discrete_uniform [1.0, 5.0]");  // step 1
  EXPECT_EQ(Describe(c, "c"), "int_uniform [1.0, 3.0]");
  EXPECT_FALSE(c.objectives.maximize);  // OptunaSweeperConf.direction: minimize (config.py:156)
}

// create_nevergrad_parameter_from_override (hydra_nevergrad_sweeper/_impl.py:74): a range is
// ng.p.Choice of the values Hydra iterates, the stop left out (the plugin's tests, line 93-96).
TEST(HydraVocabularyTest, NevergradsRangeIsAChoiceWithoutItsStop) {
  const SweepConfig c = LoadParams("nevergrad",
                                   "      a: range(1,3)\n"
                                   "      b: float(range(1,5))\n"
                                   "      c: range(1, 10, 2)\n"
                                   "      d: interval(1, 12)\n"
                                   "      e: int(interval(1, 12))\n"
                                   "      f: range(0, 0.4, 0.1)\n");
  EXPECT_EQ(Describe(c, "a"), "categorical [1, 2]");
  EXPECT_EQ(Describe(c, "b"), "categorical [1.0, 2.0, 3.0, 4.0]");
  EXPECT_EQ(Describe(c, "c"), "categorical [1, 3, 5, 7, 9]");
  EXPECT_EQ(Describe(c, "d"), "uniform [1.0, 12.0]");  // interval() makes floats: no casting
  EXPECT_EQ(Describe(c, "e"), "int_uniform [1.0, 12.0]");
  // Hydra counts and adds in decimals (RangeSweep, core/override_parser/types.py:95-106)
  EXPECT_EQ(Describe(c, "f"), "categorical [0.0, 0.1, 0.2, 0.3]");
  EXPECT_EQ(c.n_trials, 80);  // OptimConf.budget (hydra_nevergrad_sweeper/config.py)
}

// _parse_sweeper_params_config (Optuna, _impl.py:215) and _process_parameter_config
// (Nevergrad, _impl.py:135) give the parser `name=str(value)`: a YAML list is a list value, a
// number a number, neither a sweep. Only Nevergrad's old parametrization: reads a list as a
// choice (_impl.py:39).
TEST(HydraVocabularyTest, AYamlListOrNumberUnderParamsIsAFixedValue) {
  for (const std::string plugin : {"optuna", "nevergrad"}) {
    SCOPED_TRACE(plugin);
    const SweepConfig c = LoadParams(plugin,
                                     "      a: [1, 2, 3]\n"
                                     "      b: 0.001\n"
                                     "      c: choice(1, 2)\n");
    EXPECT_EQ(Describe(c, "a"), "fixed [1, 2, 3]");
    EXPECT_EQ(Describe(c, "b"), "fixed 0.001");
    EXPECT_EQ(Describe(c, "c"), "categorical [1, 2]");
  }
  const SweepConfig old = LoadSweepConfig(
      WriteTemp("parametrization.yaml",
                "defaults: [{override hydra/sweeper: nevergrad}]\nhydra:\n  sweeper:\n"
                "    parametrization:\n      a: [1, 2, 3]\n      b: choice(x, y)\n"),
      "", {"stub", "${args}"});
  EXPECT_EQ(Describe(old, "a"), "categorical [1, 2, 3]");
  EXPECT_EQ(Describe(old, "b"), "fixed \"choice(x, y)\"");  // the value itself, not the grammar
}

// The grammar as Hydra's parser reads it (hydra/_internal/grammar/grammar_functions.py):
// lists as choices, sort(), named arguments, quoted strings, simple sweeps.
TEST(HydraVocabularyTest, TheOverrideGrammarReadsListsSortAndQuotedStrings) {
  const SweepConfig c = LoadParams("optuna",
                                   "      a: choice([1,2,3], ['a','b'])\n"
                                   "      b: sort(3,1,2)\n"
                                   "      c: sort(choice(b, a, c), reverse=true)\n"
                                   "      d: \"choice('x,y', z)\"\n"
                                   "      e: 1,2,3\n"
                                   "      f: range(start=0, stop=4, step=2)\n");
  EXPECT_EQ(Describe(c, "a"), "categorical [[1, 2, 3], [a, b]]");
  EXPECT_EQ(Describe(c, "b"), "categorical [1, 2, 3]");
  EXPECT_EQ(Describe(c, "c"), "categorical [c, b, a]");
  EXPECT_EQ(Describe(c, "d"), "categorical [\"x,y\", z]");
  EXPECT_EQ(Describe(c, "e"), "categorical [1, 2, 3]");
  EXPECT_EQ(Describe(c, "f"), "int_uniform [0.0, 4.0] q 2.0");
  const HydraSweep nested = EvaluateHydraOverride("tag(log, int(interval(1, 5)))");
  EXPECT_EQ(nested.kind, HydraSweep::Kind::kInterval);
  EXPECT_TRUE(nested.start.is_int());
  EXPECT_EQ(nested.tags.count("log"), 1u);
}

// What Hydra's parser refuses, hpo refuses at the value's line and column.
TEST(HydraVocabularyTest, WhatHydraRefusesIsRefusedAtItsLine) {
  EXPECT_NE(UserErrorOf([] { LoadParams("optuna", "      a: between(1, 2)\n"); })
                .find("hydra_optuna.yaml:6:10: a: 'between(1, 2)' is not Hydra's override "
                      "grammar: 'between' is not a function"),
            std::string::npos);
  EXPECT_NE(UserErrorOf([] {
              LoadParams("optuna", "      a: choice(choice(1, 2), 3)\n");
            }).find("nesting choices is not supported"),
            std::string::npos);
  EXPECT_NE(UserErrorOf([] { LoadParams("optuna", "      a: glob(*)\n"); }).find("glob()"),
            std::string::npos);
  // the Optuna sweeper's custom_search_space: the user's Python, which may add parameters
  EXPECT_NE(UserErrorOf([] {
              LoadSweepConfig(WriteTemp("custom.yaml",
                                        "defaults: [{override hydra/sweeper: optuna}]\nhydra:\n"
                                        "  sweeper:\n    custom_search_space: app.extend\n"
                                        "    params:\n      a: interval(0, 1)\n"),
                              "", {"stub", "${args}"});
            }).find("custom.yaml:4:26: hydra.sweeper.custom_search_space"),
            std::string::npos);
  // A flow mapping splits at its commas, in PyYAML as in yaml-cpp: {x: interval(0, 1)} gives
  // the key '1)', which Hydra's parser refuses (the conformance case flow-mapping-params).
  const std::string flow = UserErrorOf([] {
    LoadSweepConfig(WriteTemp("flow.yaml",
                              "defaults: [{override hydra/sweeper: optuna}]\nhydra:\n  sweeper:\n"
                              "    params: {x: interval(0, 1), y: choice(a, b)}\n"),
                    "", {"stub", "${args}"});
  });
  EXPECT_NE(flow.find("flow.yaml:4:"), std::string::npos) << flow;
}

// The Optuna sweeper's GridSampler (hydra/sweeper/sampler: grid) runs
// _to_grid_sampler_choices (_impl.py:217-233): each range without its top value; a continuous
// range is refused; n_trials is at most the grid's size.
TEST(HydraVocabularyTest, OptunasGridLeavesOutEachRangesTopValue) {
  const SweepConfig c = LoadSweepConfig(kFixtures + "hydra_optuna_grid.yaml", "", {"stub"});
  EXPECT_EQ(c.sampler.method, "grid");
  EXPECT_EQ(Describe(c, "y"), "discrete_uniform [-1.0, 0.0]");
  EXPECT_EQ(Describe(c, "layers"), "int_uniform [1.0, 3.0]");
  EXPECT_EQ(Describe(c, "width"), "int_uniform [32.0, 96.0] q 32.0");
  EXPECT_EQ(c.n_trials, 2 * 2 * 3 * 3);
  EXPECT_NE(UserErrorOf([] {
              LoadParams("optuna", "      a: interval(0, 1)\n",
                         "  - override hydra/sweeper/sampler: grid\n");
            }).find("GridSampler only supports discrete distributions"),
            std::string::npos);
}

// The plugin is the one the file names: its _target_ before its keys (a Nevergrad file without
// optim: is not read as Optuna's).
TEST(HydraVocabularyTest, ThePluginIsTheOneTheFileNames) {
  const SweepConfig c = LoadSweepConfig(
      WriteTemp("target.yaml",
                "hydra:\n  sweeper:\n"
                "    _target_: hydra_plugins.hydra_nevergrad_sweeper.nevergrad_sweeper."
                "NevergradSweeper\n    params:\n      a: range(1,3)\n"),
      "", {"stub", "${args}"});
  EXPECT_EQ(c.vocabulary.rfind("Hydra Nevergrad sweeper", 0), 0u) << c.vocabulary;
  EXPECT_EQ(Describe(c, "a"), "categorical [1, 2]");
}

// A config of the hydra/sweeper group (`# @package hydra.sweeper`): the file is the sweeper.
TEST(HydraVocabularyTest, AFileThatIsTheSweepersConfigIsRead) {
  const SweepConfig c =
      LoadSweepConfig(kFixtures + "hydra_sweeper_package.yaml", "", {"stub", "${args}"});
  EXPECT_NE(c.vocabulary.find("the file is hydra.sweeper"), std::string::npos);
  EXPECT_EQ(c.sampler.method, "random");  // defaults: [sampler: random]
  EXPECT_TRUE(c.objectives.maximize);
  EXPECT_EQ(c.n_trials, 12);
  EXPECT_EQ(Describe(c, "steps"), "int_uniform [1.0, 9.0] q 2.0");
  EXPECT_EQ(Describe(c, "arch"), "categorical [[64, 64], [128, 128]]");
  EXPECT_EQ(Describe(c, "fixed_list"), "fixed [1, 2, 3]");
}

// Hydra 1.0's Nevergrad sweeper: params: {optim, parametrization}.
TEST(HydraVocabularyTest, Hydra10NevergradLayoutIsRead) {
  const SweepConfig c =
      LoadSweepConfig(kFixtures + "hydra10_nevergrad.yaml", "", {"stub", "${args}"});
  EXPECT_EQ(c.n_trials, 40);
  EXPECT_EQ(c.n_jobs, 4);
  EXPECT_TRUE(c.objectives.maximize);
  EXPECT_EQ(Describe(c, "db"), "categorical [mnist, cifar]");
  EXPECT_EQ(Describe(c, "lr"), "loguniform [0.001, 1.0]");
  EXPECT_EQ(Describe(c, "batch_size"), "int_uniform [4.0, 16.0]");
}

// The Ax sweeper's own config file (_target_ and every key of AxSweeperConf); value_type is
// read as Ax reads it, with a note (Hydra 1.4.dev's sweeper takes the type from the bounds).
TEST(HydraVocabularyTest, AxSweepersOwnConfigWithItsTargetAndEveryKey) {
  const SweepConfig c =
      LoadSweepConfig(kFixtures + "hydra_ax_target.yaml", "", {"stub", "${args}"});
  EXPECT_EQ(c.vocabulary.rfind("Hydra Ax sweeper", 0), 0u);
  EXPECT_EQ(Describe(c, "model.dropout"), "uniform [0.0, 1.0]");
  ASSERT_FALSE(c.notes.empty());
  EXPECT_NE(c.notes.back().find("model.dropout: value_type float"), std::string::npos);
  EXPECT_EQ(c.objectives.metric, "val_loss");
  EXPECT_FALSE(c.objectives.maximize);
  EXPECT_EQ(c.n_trials, 30);
  EXPECT_EQ(c.seed, 3u);
  EXPECT_EQ(Describe(c, "model.lr"), "loguniform [1e-05, 0.01]");
  EXPECT_EQ(Describe(c, "model.layers"), "int_uniform [1.0, 4.0]");
  EXPECT_EQ(Describe(c, "model.width"), "int_loguniform [16.0, 256.0]");
  EXPECT_EQ(Describe(c, "data.batch"), "categorical [32, 64, 128]");
  EXPECT_EQ(Describe(c, "trainer.epochs"), "fixed 10");
  const SweepConfig defaults = LoadSweepConfig(
      WriteTemp("ax_defaults.yaml",
                "defaults: [{override hydra/sweeper: ax}]\nhydra:\n  sweeper:\n    ax_config:\n"
                "      params:\n        x: {type: range, bounds: [0.0, 1.0]}\n"),
      "", {"stub", "${args}"});
  EXPECT_EQ(defaults.n_trials, 10);  // AxConfig.max_trials (hydra_ax_sweeper/config.py)
  EXPECT_FALSE(defaults.objectives.maximize);
}

}  // namespace
}  // namespace hpo::config
