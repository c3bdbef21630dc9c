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
#include "tests/support/param_named.h"
#include "tests/support/test_dir.h"
#include "tests/support/user_error.h"

namespace hpo::config {
namespace {

using testing_support::UserErrorOf;

const std::string kDir = std::string(HPO_SOURCE_DIR) + "/tests/fixtures/vocabularies/configspace/";
const std::vector<std::string> kCommand = {"python3", "train.py", "${args}"};

SweepConfig Load(const std::string& path) { return LoadSweepConfig(path, "", kCommand, {}); }

using testing_support::Param;

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
  EXPECT_EQ(ErrorOf(std::string(kTwo) + "conditions:\n  - {child: opt, parent: lr, type: NEQ, "
                                        "value: 0.01}\n"),
            at + "5:36: opt: a NEQ condition on the number 'lr' is active on two ranges, which "
                 "hpo's condition cannot state");
  EXPECT_EQ(ErrorOf(std::string(kTwo) + "conditions:\n  - type: OR\n    conditions: []\n"),
            at + "5:11: an OR of conditions makes a parameter depend on several; hpo's condition "
                 "is one parent taking given values or lying in a range");
  EXPECT_EQ(ErrorOf(std::string(kTwo) + "conditions:\n  - type: AND\n    conditions:\n"
                                        "      - {child: lr, parent: opt, type: EQ, value: a}\n"
                                        "      - {child: lr, parent: opt, type: EQ, value: b}\n"),
            at + "7:9: an AND of conditions is read when its parts are GT and LT on one numeric "
                 "parent (a range); other ANDs make a parameter depend on several tests, which "
                 "hpo's condition cannot state");
  EXPECT_EQ(ErrorOf(std::string(kTwo) + "forbiddens:\n  - {name: opt, type: EQUALS, value: a}\n"),
            at + "5:3: forbiddens: hpo cannot exclude combinations of values; remove the "
                 "forbidden clauses or the parameters they name");
  EXPECT_EQ(ErrorOf("hyperparameters:\n  x: {type: normal_int, mu: 0, sigma: 1, lower: -1, "
                    "upper: 1}\n"),
            at + "2:13: x: ConfigSpace's normal_int is a normal rounded to integers and truncated "
                 "to [lower, upper], which hpo has no distribution for; write it as uniform_int, "
                 "or normal_float if whole numbers are not needed");
  EXPECT_EQ(ErrorOf("hyperparameters:\n  x: {type: beta_float, alpha: 2, beta: 2, lower: -1, "
                    "upper: 1}\n"),
            at + "2:13: x: ConfigSpace's beta_float is a beta truncated to [lower, upper], which "
                 "hpo has no distribution for; write it as uniform_float");
  // log: true: ConfigSpace takes sigma as |log(lower + sigma)| on the log axis (vectorize_size)
  EXPECT_EQ(ErrorOf("hyperparameters:\n  x: {type: normal_float, mu: 1, sigma: 1, lower: 0.1, "
                    "upper: 10, log: true}\n"),
            at + "2:72: x: a normal_float with log: true is a normal of log(value) whose sigma "
                 "ConfigSpace takes as |log(lower + sigma)|; hpo reads it with log: false, or "
                 "write uniform_float with log: true");
  EXPECT_EQ(ErrorOf("hyperparameters:\n  x: {type: normal_float, mu: 1, sigma: 0, lower: 0, "
                    "upper: 2}\n"),
            at + "2:41: x: a normal_float of sigma 0 has no spread; write it as type: constant "
                 "with the value it should take");
}

// normal_float.py:105-131: N(mu, sigma) truncated to [lower, upper], hpo's truncated_normal
TEST(ConfigSpaceVocabularyTest, NormalFloatIsATruncatedNormal) {
  const SweepConfig c = Load(kDir + "ranges.yaml");
  const space::NumericSpec& gamma = Param(c, "gamma").numeric;
  EXPECT_EQ(gamma.distribution, "truncated_normal");
  EXPECT_EQ(gamma.mean, 0.99);
  EXPECT_EQ(gamma.sigma, 0.01);
  EXPECT_EQ(gamma.min, 0.9);
  EXPECT_EQ(gamma.max, 0.9999);
  const std::string at = Written("") + ":";
  EXPECT_EQ(ErrorOf("hyperparameters:\n  x: {type: normal_float, mu: 1, sigma: -1, lower: 0, "
                    "upper: 2}\n"),
            at + "2:3: truncated_normal needs a finite mu and sigma > 0, got mu 1 sigma -1");
}

// GT and LT (conditions.py:272-298, strict) on a number are range conditions; on an ordinal they
// compare positions in its sequence; an AND of both on one parent is the range between them.
TEST(ConfigSpaceVocabularyTest, GreaterAndLessThanAreRangeConditions) {
  const SweepConfig c = Load(kDir + "ranges.yaml");
  EXPECT_EQ(Param(c, "width").condition->above, 1.0);
  EXPECT_FALSE(Param(c, "width").condition->below);
  EXPECT_EQ(Param(c, "dropout").condition->below, 4.0);
  EXPECT_EQ(Param(c, "warmup").condition->above, 1e-4);
  EXPECT_EQ(Param(c, "warmup").condition->below, 1e-3);
  EXPECT_EQ(Param(c, "warmup").condition->origin.where, kDir + "ranges.yaml:16:5");
  EXPECT_EQ(Param(c, "heads").condition->values,
            (std::vector<Value>{Value("medium"), Value("large")}));
  const space::SearchSpace space = c.BuildSpace();
  // n_layers 1 is not > 1: no width; 4 is not < 4: no dropout
  const ParamSet one = {{"gamma", Value(0.99)},
                        {"n_layers", Value(1)},
                        {"dropout", Value(0.1)},
                        {"lr", Value(0.01)},
                        {"size", Value("small")}};
  EXPECT_TRUE(space.Contains(one));
  ParamSet four = one;
  four.erase("dropout");
  four["n_layers"] = Value(4);
  four["width"] = Value(64);
  EXPECT_TRUE(space.Contains(four));
  four["lr"] = Value(0.001);  // not < 0.001: still no warmup
  EXPECT_TRUE(space.Contains(four));
  four["lr"] = Value(0.0005);
  EXPECT_FALSE(space.Contains(four));
  four["warmup"] = Value(100);
  EXPECT_TRUE(space.Contains(four));
  const std::string at = Written("") + ":";
  EXPECT_EQ(ErrorOf(std::string(kTwo) + "conditions:\n  - {child: lr, parent: opt, type: GT, "
                                        "value: a}\n"),
            at + "5:36: lr: a GT condition needs an orderable parent (a number or an ordinal), "
                 "and 'opt' is not; ConfigSpace refuses it too");
  EXPECT_EQ(ErrorOf(std::string(kTwo) + "conditions:\n  - {child: opt, parent: lr, type: LT, "
                                        "value: 0.5}\n"),
            at + "5:5: opt: its condition compares lr with 0.5, a value lr never takes (uniform "
                 "[0.001, 0.1])");
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
