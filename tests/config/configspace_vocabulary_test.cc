// ConfigSpace search spaces as hypersweeper and ARLBench write them
// (lib/config/vocabularies/configspace_vocabulary.cc), read with ConfigSpace 1.2.2's meaning
// (automl/ConfigSpace 5c35929: read_and_write/dictionary.py, hyperparameters/, _condition_tree.py):
// the fixtures of tests/fixtures/vocabularies/configspace and what hpo refuses, at file:line:col.
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

const std::string kDir = std::string(HPO_SOURCE_DIR) + "/tests/fixtures/vocabularies/configspace/";
const std::vector<std::string> kCommand = {"python3", "train.py", "${args}"};

SweepConfig Load(const std::string& path) { return LoadSweepConfig(path, "", kCommand, {}); }

const ParameterSpec& Param(const SweepConfig& c, const std::string& name) {
  for (const ParameterSpec& p : c.parameters) {
    if (p.name == name) return p;
  }
  ADD_FAILURE() << "no parameter " << name;
  return c.parameters.front();
}

std::string Written(const std::string& text) {
  const auto dir = testing_support::OwnTestDir("configspace");
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "space.yaml") << text;
  return (dir / "space.yaml").string();
}

std::string ErrorOf(const std::string& text) {
  const std::string path = Written(text);
  return UserErrorOf([&] { Load(path); });
}

bool HasNote(const SweepConfig& c, const std::string& part) {
  return std::any_of(c.notes.begin(), c.notes.end(),
                     [&](const std::string& n) { return n.find(part) != std::string::npos; });
}

TEST(ConfigSpaceVocabularyTest, BoundsAreConfigSpacesIntIncludedAndRintedQDropped) {
  const SweepConfig c = Load(kDir + "space.yaml");
  EXPECT_EQ(c.vocabulary, "ConfigSpace (hypersweeper, ARLBench)");
  ASSERT_EQ(c.parameters.size(), 10u);
  // uniform_int: both bounds included, rounded by np.rint (uniform_integer.py:97-98)
  const space::NumericSpec& steps = Param(c, "n_steps").numeric;
  EXPECT_EQ(steps.distribution, "int_loguniform");
  EXPECT_EQ(steps.min, 64);
  EXPECT_EQ(steps.max, 2500);
  EXPECT_EQ(Param(c, "n_epochs").numeric.distribution, "int_uniform");
  EXPECT_EQ(Param(c, "n_epochs").numeric.max, 10);
  EXPECT_EQ(Param(c, "learning_rate").numeric.distribution, "loguniform");
  // q is dropped by ConfigSpace 1.x (dictionary.py:58): no step, and a note says so
  EXPECT_EQ(Param(c, "ent_coef").numeric.distribution, "uniform");
  EXPECT_EQ(Param(c, "ent_coef").numeric.q, 1.0);
  EXPECT_TRUE(HasNote(c, "ent_coef: q is dropped by ConfigSpace 1.x"));
  // weights are normalised (categorical.py:229); an ordinal is a categorical, noted
  EXPECT_EQ(Param(c, "optimizer").probabilities, (std::vector<double>{0.5, 0.25, 0.25}));
  EXPECT_EQ(Param(c, "batch_size").choices,
            (std::vector<Value>{Value(64), Value(128), Value(256)}));
  EXPECT_TRUE(HasNote(c, "batch_size: ConfigSpace's ordinal"));
  EXPECT_EQ(c.fixed.at("total_timesteps"), Value(100000));
  // default/default_value is where SMAC starts, not the space
  EXPECT_NE(std::find(c.ignored.begin(), c.ignored.end(), "learning_rate.default"),
            c.ignored.end());
}

TEST(ConfigSpaceVocabularyTest, ConditionsAreTheParentsValues) {
  const SweepConfig c = Load(kDir + "space.yaml");
  ASSERT_TRUE(Param(c, "tau").condition);
  EXPECT_EQ(Param(c, "tau").condition->parent, "use_target_network");
  EXPECT_EQ(Param(c, "tau").condition->values, std::vector<Value>{Value(true)});
  EXPECT_EQ(Param(c, "tau").condition->origin.where, kDir + "space.yaml:53:5");
  EXPECT_EQ(Param(c, "momentum").condition->values,
            (std::vector<Value>{Value("sgd"), Value("rmsprop")}));
  // NEQ on a categorical parent: IN of its other choices
  EXPECT_EQ(Param(c, "beta2").condition->values,
            (std::vector<Value>{Value("adam"), Value("rmsprop")}));
  EXPECT_FALSE(Param(c, "learning_rate").condition);
}

TEST(ConfigSpaceVocabularyTest, HypersweepersHydraWrapperHoldsTheSpace) {
  const SweepConfig c = Load(kDir + "hypersweeper.yaml");
  EXPECT_EQ(c.vocabulary, "ConfigSpace (hypersweeper, ARLBench)");
  EXPECT_EQ(c.n_trials, 16);
  ASSERT_EQ(c.parameters.size(), 3u);
  EXPECT_EQ(Param(c, "learning_rate_init").condition->values,
            (std::vector<Value>{Value("sgd"), Value("adam")}));
  EXPECT_EQ(Param(c, "n_layer").numeric.max, 5);
}

// hypersweeper's example configs name the space as a config group (search_space: mlp) and
// interpolate it: the space is in another file, which hpo reads by itself
TEST(ConfigSpaceVocabularyTest, HypersweepersConfigGroupSpaceNamesItsFile) {
  const std::string at = Written("") + ":";
  EXPECT_EQ(ErrorOf("defaults:\n  - _self_\n  - search_space: mlp\n"
                    "  - override hydra/sweeper: HyperSMAC\n"
                    "hydra:\n  sweeper:\n    n_trials: 10\n    search_space: ${search_space}\n"),
            at + "8:19: hypersweeper's search space is the config group search_space "
                 "(search_space/mlp.yaml), in another file: run hpo on that file (its "
                 "hyperparameters: and conditions:), with this config's n_trials as --trials");
}

const char* const kTwo = R"(hyperparameters:
  opt: {type: categorical, choices: [a, b]}
  lr: {type: uniform_float, lower: 0.001, upper: 0.1}
)";

TEST(ConfigSpaceVocabularyTest, WhatHpoCannotStateIsRefusedAtItsLine) {
  const std::string at = Written("") + ":";
  EXPECT_EQ(ErrorOf(std::string(kTwo) + "conditions:\n  - {child: opt, parent: lr, type: GT, "
                                        "value: 0.01}\n"),
            at + "5:36: opt: a GT condition on 'lr' is not 'the parent takes one of these "
                 "values', which is the condition hpo has");
  EXPECT_EQ(ErrorOf(std::string(kTwo) + "conditions:\n  - type: AND\n    conditions: []\n"),
            at + "5:11: an AND of conditions makes a parameter depend on several; hpo's "
                 "condition is one parent taking given values");
  EXPECT_EQ(ErrorOf(std::string(kTwo) + "forbiddens:\n  - {name: opt, type: EQUALS, value: a}\n"),
            at + "5:3: forbiddens: hpo cannot exclude combinations of values; remove the "
                 "forbidden clauses or the parameters they name");
  EXPECT_EQ(ErrorOf("hyperparameters:\n  x: {type: normal_float, mu: 0, sigma: 1, lower: -1, "
                    "upper: 1}\n"),
            at + "2:13: x: ConfigSpace's normal_float is a normal truncated to [lower, upper], "
                 "which hpo has no distribution for; write it as uniform_float");
}

TEST(ConfigSpaceVocabularyTest, WhatConfigSpaceRefusesIsRefusedAtItsLine) {
  const std::string at = Written("") + ":";
  EXPECT_EQ(ErrorOf(std::string(kTwo) + "conditions:\n  - {child: lr, parent: opt, type: EQ, "
                                        "value: c}\n"),
            at + "5:47: 'c' is not a value of 'opt' (a, b)");
  EXPECT_EQ(ErrorOf("hyperparameters:\n  n: {type: uniform_int, lower: 5, upper: 5}\n"),
            at + "2:6: n: upper bound 5.0 must be larger than lower bound 5.0");
  EXPECT_EQ(ErrorOf("hyperparameters:\n  n: {type: uniform_int, lower: 1, upper: 9, step: 2}\n"),
            at + "2:46: n: ConfigSpace's uniform_int takes no key 'step'");
  EXPECT_EQ(
      ErrorOf(std::string(kTwo) + "conditions:\n  - {child: lr, parent: opt, type: EQ, value: a}\n"
                                  "  - {child: lr, parent: opt, type: EQ, value: b}\n"),
      at + "6:5: lr: a second condition on it; ConfigSpace refuses that too "
           "(_condition_tree.py:680 asks for an AND or OR)");
}

}  // namespace
}  // namespace hpo::config
