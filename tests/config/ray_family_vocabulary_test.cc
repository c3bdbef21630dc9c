// Ray Tune's neighbours (issue 36): one-element lists as constants in every vocabulary, and the
// readers of Ludwig's hyperopt: section and trlx's sweep files, which hand their spaces to Ray
// Tune (python/ray/tune/search/sample.py gives each tune.* call its meaning).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "lib/config/sweep_config.h"
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

SweepConfig LoadText(const std::string& name, const std::string& text) {
  return LoadSweepConfig(WriteTemp(name, text), "", {"./train.py", "${args}"});
}

std::string Describe(const SweepConfig& c, const std::string& name) {
  for (const ParameterSpec& p : c.parameters) {
    if (p.name == name) return DescribeParameter(p);
  }
  return "(not searched)";
}

std::string ErrorOf(const std::string& name, const std::string& text) {
  return UserErrorOf([&] { LoadText(name, text); });
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

// ----- Ludwig --------------------------------------------------------------------------------

const std::string kLudwigHead =
    "input_features: [{name: text, type: text}]\n"
    "output_features: [{name: label, type: category}]\n"
    "hyperopt:\n";

// The Ray executor calls tune.randint(lower, upper), which leaves out upper (sample.py Integer
// draws integers(lower, upper)); the optuna executor calls suggest_int(lower, upper), which keeps
// it (optuna_executor.py:70). Before this reader neither file was Ludwig's: refused as hpo's.
TEST(LudwigVocabularyTest, RandintLeavesOutUpperWithRayAndKeepsItWithOptuna) {
  const std::string params =
      "  parameters:\n"
      "    combiner.num_fc_layers: {space: randint, lower: 1, upper: 4}\n";
  const SweepConfig ray = LoadText("ludwig_ray.yaml", kLudwigHead + params);
  EXPECT_EQ(Describe(ray, "combiner.num_fc_layers"), "int_uniform [1.0, 3.0]");
  const SweepConfig optuna =
      LoadText("ludwig_optuna.yaml", kLudwigHead + "  executor: {type: optuna}\n" + params);
  EXPECT_EQ(Describe(optuna, "combiner.num_fc_layers"), "int_uniform [1.0, 4.0]");
  EXPECT_EQ(optuna.vocabulary, "Ludwig hyperopt (optuna executor)");
}

// Ludwig's defaults (hyperopt/utils.py:212): goal minimize, metric loss of the combined output
// on the validation split, num_samples 1.
TEST(LudwigVocabularyTest, DefaultsNameTheCombinedValidationLossAndOneTrial) {
  const SweepConfig c = LoadText("ludwig_defaults.yaml",
                                 kLudwigHead +
                                     "  parameters:\n"
                                     "    trainer.learning_rate: {space: uniform, lower: 0.001, "
                                     "upper: 0.1}\n");
  EXPECT_EQ(c.objectives.metric, "validation.combined.loss");
  EXPECT_FALSE(c.objectives.maximize);
  EXPECT_EQ(c.n_trials, 1);
  EXPECT_EQ(c.sampler.method, "random");
}

// Ray runs every grid combination num_samples times (variant_generator.py _count_spec_samples).
TEST(LudwigVocabularyTest, GridSearchRunsEveryPointNumSamplesTimes) {
  const SweepConfig c =
      LoadText("ludwig_grid.yaml", kLudwigHead +
                                       "  executor: {num_samples: 2}\n"
                                       "  parameters:\n"
                                       "    trainer.batch_size: {space: grid_search, values: [32, "
                                       "64, 128]}\n"
                                       "    combiner.type: {space: grid_search, values: [concat, "
                                       "tabnet]}\n");
  EXPECT_EQ(c.sampler.method, "grid");
  EXPECT_EQ(c.n_trials, 12);
}

// Ludwig 5d19f3e scores a trial from the validation split whatever `split` says: named as
// written, with a note saying so.
TEST(LudwigVocabularyTest, ASplitOtherThanValidationIsNamedAndNoted) {
  const SweepConfig c =
      LoadText("ludwig_split.yaml", kLudwigHead +
                                        "  split: test\n"
                                        "  parameters:\n"
                                        "    trainer.learning_rate: {space: uniform, lower: 0.001, "
                                        "upper: 0.1}\n");
  EXPECT_EQ(c.objectives.metric, "test.combined.loss");
  bool noted = false;
  for (const std::string& note : c.notes) noted |= note.find("whatever split says") != note.npos;
  EXPECT_TRUE(noted);
}

// Ray's AsyncHyperBandScheduler with one bracket: hpo's successive-halving pruner.
TEST(LudwigVocabularyTest, AsyncHyperbandIsSuccessiveHalvingFromTheGracePeriod) {
  const SweepConfig c = LoadText(
      "ludwig_asha.yaml", kLudwigHead +
                              "  executor:\n"
                              "    scheduler: {type: async_hyperband, grace_period: 2, "
                              "reduction_factor: 3, max_t: 20}\n"
                              "  parameters:\n"
                              "    trainer.learning_rate: {space: loguniform, lower: 0.0001, "
                              "upper: 0.1}\n");
  EXPECT_EQ(c.pruner.method, "successive_halving");
  EXPECT_EQ(c.pruner.halving_rule.min_resource, 2);
  EXPECT_EQ(c.pruner.halving_rule.reduction_factor, 3);
}

TEST(LudwigVocabularyTest, WhatLudwigOrRayRefusesOrHpoCannotHonourIsRefused) {
  const std::string lr = "  parameters:\n    trainer.learning_rate: ";
  EXPECT_NE(ErrorOf("l1.yaml", kLudwigHead + lr + "{space: choice, values: [1, 2]}\n")
                .find("Parameter 'categories' not defined"),
            std::string::npos);
  EXPECT_NE(ErrorOf("l2.yaml", kLudwigHead + lr +
                                   "{space: quniform, lower: 0.1, upper: 1, "
                                   "q: 0.3}\n")
                .find("is not a multiple of q 0.3"),
            std::string::npos);
  EXPECT_NE(ErrorOf("l3.yaml", kLudwigHead + "  executor: {scheduler: {type: pbt}}\n" + lr +
                                   "{space: uniform, lower: 0, upper: 1}\n")
                .find("Ray's pbt scheduler pauses"),
            std::string::npos);
  EXPECT_NE(ErrorOf("l4.yaml", kLudwigHead +
                                   "  executor: {scheduler: {type: asha, time_attr: "
                                   "time_total_s}}\n" +
                                   lr + "{space: uniform, lower: 0, upper: 1}\n")
                .find("not time_total_s"),
            std::string::npos);
  EXPECT_NE(ErrorOf("l5.yaml", kLudwigHead + lr + "{space: sample_from}\n").find(":5:"),
            std::string::npos);
  EXPECT_NE(ErrorOf("l6.yaml", kLudwigHead + "  executor: {scheduler: {type: hyperband}}\n" + lr +
                                   "{space: uniform, lower: 0, upper: 1}\n")
                .find("Ray's hyperband scheduler pauses"),
            std::string::npos);
  EXPECT_NE(ErrorOf("l7.yaml", kLudwigHead +
                                   "  executor: {scheduler: {type: async_hyperband, brackets: "
                                   "3}}\n" +
                                   lr + "{space: uniform, lower: 0, upper: 1}\n")
                .find("several brackets"),
            std::string::npos);
}

// executor.time_budget_s is the whole run's budget, max_concurrent_trials the trials at once.
TEST(LudwigVocabularyTest, TheExecutorsBudgetAndConcurrencyAreHposTimeoutAndJobs) {
  const SweepConfig c =
      LoadSweepConfig(kFixtures + "ludwig/ray_asha.yaml", "", {"./train.py", "${args}"});
  EXPECT_EQ(c.timeout, 7200);
  EXPECT_EQ(c.n_jobs, 2);
}

// ----- trlx ----------------------------------------------------------------------------------

const std::string kTrlxHead =
    "tune_config: {mode: max, metric: reward, num_samples: 4, max_concurrent_trials: 2, "
    "time_budget_s: 600}\n";

// get_param_space (trlx/sweep.py:17) calls tune.<strategy>(*values): Ray's meanings.
TEST(TrlxVocabularyTest, StrategiesAreRayCallsWithTheValuesAsArguments) {
  const SweepConfig c =
      LoadText("trlx.yml", kTrlxHead +
                               "a: {strategy: randint, values: [1, 10]}\n"
                               "b: {strategy: qrandint, values: [1, 10, 3]}\n"
                               "c: {strategy: lograndint, values: [1, 100, 10]}\n"
                               "d: {strategy: randn, values: [0.5, 2]}\n"
                               "e: {strategy: quniform, values: [0.0, 1.0, 0.25]}\n"
                               "f: {strategy: loguniform, values: [0.001, 0.1, 10]}\n");
  EXPECT_EQ(Describe(c, "a"), "int_uniform [1.0, 9.0]");
  EXPECT_EQ(Describe(c, "b"), "q_uniform [3.0, 9.0] q 3.0");
  EXPECT_EQ(Describe(c, "c"), "int_loguniform [1.0, 99.0]");
  EXPECT_EQ(c.parameters[3].numeric.distribution, "normal");
  EXPECT_EQ(c.parameters[3].numeric.mean, 0.5);
  EXPECT_EQ(c.parameters[3].numeric.sigma, 2.0);
  EXPECT_EQ(Describe(c, "e"), "q_uniform [0.0, 1.0] q 0.25");
  EXPECT_EQ(Describe(c, "f"), "loguniform [0.001, 0.1]");
  EXPECT_EQ(c.n_trials, 4);
  EXPECT_TRUE(c.objectives.maximize);
  EXPECT_EQ(c.n_jobs, 2);
  EXPECT_EQ(c.timeout, 600);
}

TEST(TrlxVocabularyTest, AGridOfStrategyGridRunsEveryPointNumSamplesTimes) {
  const SweepConfig c = LoadText("trlx_grid.yml", kTrlxHead +
                                                      "a: {strategy: grid, values: [1, 2, 3]}\n"
                                                      "b: {strategy: grid, values: [x]}\n");
  EXPECT_EQ(c.sampler.method, "grid");
  EXPECT_EQ(c.n_trials, 12);
  EXPECT_EQ(c.fixed.at("b"), Value("x"));
}

TEST(TrlxVocabularyTest, WhatTrlxWouldNotRunAsWrittenIsRefused) {
  // get_strategy returns None for an unknown strategy: every trial would get None
  EXPECT_NE(ErrorOf("t1.yml", kTrlxHead + "a: {strategy: normal, values: [0, 1]}\n")
                .find("strategy 'normal'"),
            std::string::npos);
  // trlx asserts len(values) == 2 for uniform
  EXPECT_NE(ErrorOf("t2.yml", kTrlxHead + "a: {strategy: uniform, values: [0, 1, 2]}\n")
                .find("takes 2 values"),
            std::string::npos);
  // Ray's synchronous HyperBandScheduler pauses and resumes trials
  EXPECT_NE(ErrorOf("t3.yml",
                    "tune_config: {mode: max, metric: r, scheduler: hyperband}\n"
                    "a: {strategy: uniform, values: [0, 1]}\n")
                .find("synchronous HyperBand"),
            std::string::npos);
}

// ----- Ray Tune's own calls ------------------------------------------------------------------

// _count_spec_samples (variant_generator.py): num_samples draws for each grid combination, here
// 3 x 2; on the old code n_trials was num_samples alone (2).
TEST(RayTuneCallTest, AGridBesideARandomDomainRunsNumSamplesPerGridPoint) {
  const SweepConfig c = LoadText("ray_mixed.yaml",
                                 "tune:\n"
                                 "  num_samples: 2\n"
                                 "  param_space:\n"
                                 "    lr: {grid_search: [0.1, 0.01, 0.001]}\n"
                                 "    gamma: \"tune.uniform(0.9, 0.99)\"\n");
  EXPECT_EQ(c.n_trials, 6);
}

// sample.py: qrandint samples [ceil(lower/q) q, floor(upper/q) q) and rounds to q, randn is a
// normal; on the old code tune.randn was refused and qrandint(1, 10, 3) searched [1, 10].
TEST(RayTuneCallTest, QuantizedIntegersAndNormalsAreReadAsRaySamplesThem) {
  const SweepConfig c = LoadText("ray_calls.yaml",
                                 "tune:\n"
                                 "  metric: reward\n"
                                 "  mode: max\n"
                                 "  param_space:\n"
                                 "    a: \"tune.qrandint(1, 10, 3)\"\n"
                                 "    b: \"tune.randn(1, 0.5)\"\n"
                                 "    c: \"tune.qrandint(1, 10)\"\n");
  EXPECT_EQ(Describe(c, "a"), "q_uniform [3.0, 9.0] q 3.0");
  EXPECT_EQ(c.parameters[1].numeric.distribution, "normal");
  EXPECT_EQ(Describe(c, "c"), "int_uniform [1.0, 9.0]");  // q == 1 passes through to randint
}

}  // namespace
}  // namespace hpo::config
