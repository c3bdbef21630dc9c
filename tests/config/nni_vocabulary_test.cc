// NNI's search spaces and experiment configs (lib/config/vocabularies/nni_vocabulary.cc and
// nni_experiment_vocabulary.cc), read with NNI's meaning (microsoft/nni at 767ed7f2:
// nni/common/hpo_utils/validation.py and formatting.py, nni/experiment/config/): the fixtures of
// tests/fixtures/vocabularies/nni and the mistakes NNI's validation names, at file:line:col.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include "lib/config/sweep_config.h"
#include "lib/space/search_space.h"
#include "tests/support/param_named.h"
#include "tests/support/test_dir.h"
#include "tests/support/user_error.h"

namespace hpo::config {
namespace {

using testing_support::UserErrorOf;

const std::string kNni = std::string(HPO_SOURCE_DIR) + "/tests/fixtures/vocabularies/nni/";
const std::vector<std::string> kCommand = {"python3", "mnist.py", "${args}"};

SweepConfig Load(const std::string& path) { return LoadSweepConfig(path, "", kCommand, {}); }

using testing_support::Param;

// A file written for the test, in a folder of its own (a config's searchSpaceFile is beside it).
std::string Written(const std::string& name, const std::string& text) {
  const auto dir = testing_support::OwnTestDir("nni");
  std::filesystem::create_directories(dir);
  std::ofstream(dir / name) << text;
  return (dir / name).string();
}

std::string ErrorOf(const std::string& name, const std::string& text) {
  const std::string path = Written(name, text);
  return UserErrorOf([&] { Load(path); });
}

bool HasNote(const SweepConfig& c, const std::string& part) {
  return std::any_of(c.notes.begin(), c.notes.end(),
                     [&](const std::string& n) { return n.find(part) != std::string::npos; });
}

TEST(NniVocabularyTest, SearchSpaceJsonReadsEveryKindWithNnisMeaning) {
  const SweepConfig c = Load(kNni + "search_space.json");
  EXPECT_EQ(c.vocabulary, "NNI search space");
  ASSERT_EQ(c.parameters.size(), 10u);
  EXPECT_TRUE(Param(c, "optimizer").categorical);
  // randint [1, 5): formatting.py:197-199 counts upper - lower values from lower
  const space::NumericSpec& layers = Param(c, "num_layers").numeric;
  EXPECT_EQ(layers.distribution, "int_uniform");
  EXPECT_EQ(layers.min, 1);
  EXPECT_EQ(layers.max, 4);
  const space::NumericSpec& hidden = Param(c, "hidden_size").numeric;
  EXPECT_EQ(hidden.distribution, "q_uniform");
  EXPECT_EQ(hidden.q, 64);
  // loguniform's bounds are values (formatting.py:219-222 takes their log)
  EXPECT_EQ(Param(c, "lr").numeric.distribution, "loguniform");
  EXPECT_DOUBLE_EQ(Param(c, "lr").numeric.min, 1e-5);
  EXPECT_EQ(Param(c, "batch_size").numeric.distribution, "q_log_uniform_values");
  EXPECT_EQ(Param(c, "batch_size").numeric.q, 16);
  const space::NumericSpec& decay = Param(c, "weight_decay").numeric;
  EXPECT_EQ(decay.distribution, "log_normal");  // exp(normal(mu, sigma)), natural log
  EXPECT_DOUBLE_EQ(*decay.mean, -9.2);
  EXPECT_DOUBLE_EQ(*decay.sigma, 1.0);
  EXPECT_EQ(Param(c, "warmup_steps").numeric.distribution, "q_normal");
  EXPECT_EQ(Param(c, "warmup_steps").numeric.q, 100);
  EXPECT_EQ(Param(c, "kernel_size").numeric.distribution, "q_log_normal");
  EXPECT_TRUE(c.notes.empty());  // every bound here is a multiple of its q: nothing to clip
}

TEST(NniVocabularyTest, RandintOfOneValueIsNnisSingleValue) {
  const SweepConfig c =
      Load(Written("one.json", R"({"seed": {"_type": "randint", "_value": [0, 1]}})"));
  EXPECT_EQ(Param(c, "seed").numeric.min, 0);
  EXPECT_EQ(Param(c, "seed").numeric.max, 0);
}

TEST(NniVocabularyTest, QuniformClipsItsMultiplesToTheRangeAsNniDoes) {
  // test_hpo_formatting.py:13: quniform [100, 1000, 3] gives 100 for the draws that round to 99
  // (deformat_parameters rounds to q, then clips: formatting.py:131-135)
  const SweepConfig c =
      Load(Written("clip.json", R"({"hidden": {"_type": "quniform", "_value": [100, 1000, 3]}})"));
  EXPECT_EQ(DescribeParameter(c.parameters[0]), "q_uniform [100.0, 1000.0] q 3.0 clip");
  const space::SearchSpace space = c.BuildSpace();
  EXPECT_EQ(space.ValueAt(0, 0.0).as_double(), 100.0);  // not 99
  EXPECT_EQ(space.ValueAt(0, 1.0).as_double(), 999.0);  // 1000 / 3 rounds to 333, inside
  EXPECT_EQ(space.ValueAt(0, 0.5).as_double(), 549.0);
  EXPECT_TRUE(space.Contains({{"hidden", Value(100.0)}}));
  EXPECT_FALSE(space.Contains({{"hidden", Value(99.0)}}));
  EXPECT_FALSE(space.Contains({{"hidden", Value(101.0)}}));
  // The stored config says so and reads back as the same space.
  const SweepConfig again = ParseSweepConfig(c.ToYaml(), "stored", "s");
  EXPECT_EQ(DescribeParameter(again.parameters[0]), DescribeParameter(c.parameters[0]));
}

TEST(NniVocabularyTest, ANestedChoiceIsAConditionalSpace) {
  // formatting.py: (layer, 1, kernel_size) is active when layer's index is 1, and
  // deformat_parameters gives the trial {layer: {_name: Conv, kernel_size: k}}: flattened,
  // layer._name and layer.kernel_size.
  const SweepConfig nested = Load(kNni + "nested_choice.json");
  std::vector<std::string> described;
  for (const ParameterSpec& p : nested.parameters)
    described.push_back(p.name + ": " + DescribeParameter(p));
  EXPECT_EQ(described,
            (std::vector<std::string>{
                "lr: loguniform [0.0001, 0.1]", "layer._name: categorical [Empty, Conv]",
                "layer.kernel_size: categorical [1, 2, 3, 5] when layer._name in [Conv]"}));
  // A key several options give with the same space is one parameter, active with each.
  const SweepConfig shared =
      Load(Written("pool.json",
                   R"({"layer": {"_type": "choice", "_value": [{"_name": "Empty"},
        {"_name": "Max", "size": {"_type": "choice", "_value": [2, 3]}},
        {"_name": "Avg", "size": {"_type": "choice", "_value": [2, 3]}}]}})"));
  EXPECT_EQ(DescribeParameter(shared.parameters.back()),
            "categorical [2, 3] when layer._name in [Max, Avg]");
  EXPECT_NE(UserErrorOf([] {
              Load(Written("apart.json",
                           R"({"layer": {"_type": "choice", "_value": [{"_name": "Empty"},
        {"_name": "Max", "size": {"_type": "choice", "_value": [2, 3]}},
        {"_name": "Avg", "size": {"_type": "choice", "_value": [2, 5]}}]}})"));
            }).find("layer.size: options Max and Avg give it different spaces"),
            std::string::npos);
}

TEST(NniVocabularyTest, NnisValidationRulesAreRefusedWhereTheyAreBroken) {
  const std::string dir = std::filesystem::path(Written("x", "")).parent_path().string() + "/";
  EXPECT_EQ(ErrorOf("type.json", "{\"x\": {\"_type\": \"choic\", \"_value\": [\"a\"]}}"),
            dir +
                "type.json:1:17: search space \"x\" has unsupported type \"choic\" (NNI's "
                "types: choice, randint, uniform, quniform, loguniform, qloguniform, normal, "
                "qnormal, lognormal, qlognormal)");
  EXPECT_EQ(ErrorOf("count.yaml", "x:\n  _type: quniform\n  _value: [0]\n"),
            dir + "count.yaml:3:11: search space \"x\" (quniform) must have 3 values");
  EXPECT_EQ(ErrorOf("int.yaml", "x: {_type: randint, _value: [1.0, 2.0]}\n"),
            dir + "int.yaml:1:30: search space \"x\" (randint) must have int values, got '1.0'");
  EXPECT_EQ(ErrorOf("order.yaml", "x: {_type: quniform, _value: [2, 1, 0.1]}\n"),
            dir + "order.yaml:1:30: search space \"x\" (quniform) must have high > low");
  EXPECT_EQ(ErrorOf("log.yaml", "x: {_type: loguniform, _value: [0, 1]}\n"),
            dir + "log.yaml:1:32: search space \"x\" (loguniform) must have low > 0");
  EXPECT_EQ(ErrorOf("sigma.yaml", "x: {_type: normal, _value: [0, 0]}\n"),
            dir + "sigma.yaml:1:28: search space \"x\" (normal) must have sigma > 0");
  EXPECT_EQ(ErrorOf("q.yaml", "x: {_type: qnormal, _value: [0, 1, 0]}\n"),
            dir + "q.yaml:1:36: search space \"x\": q must be > 0, got 0.0");
  EXPECT_EQ(ErrorOf("null.json", "{\"x\": {\"_type\": \"choice\", \"_value\": [0.3, null]}}"),
            dir +
                "null.json:1:43: search space \"x\" (choice) should only contain numbers or "
                "strings, got 'null'");
  EXPECT_EQ(ErrorOf("quoted.yaml", "x: {_type: uniform, _value: ['0.1', '0.2']}\n"),
            dir + "quoted.yaml:1:30: x._value[0] must be a number, got '0.1'");
}

TEST(NniVocabularyTest, ExperimentConfigWithSearchSpaceFile) {
  const SweepConfig c = Load(kNni + "config.yml");
  EXPECT_EQ(c.vocabulary, "NNI experiment config");
  EXPECT_EQ(c.parameters.size(), 10u);  // search_space.json, beside the config
  EXPECT_EQ(c.sampler.method, "tpe");
  EXPECT_TRUE(c.objectives.maximize);
  EXPECT_EQ(c.objectives.metric, "default");  // nni.report_final_result's one value
  EXPECT_EQ(c.n_trials, 24);
  EXPECT_EQ(c.n_jobs, 2);
  EXPECT_EQ(c.timeout, 7200);  // maxExperimentDuration: 2h
  EXPECT_EQ(c.pruner.method, "median");
  EXPECT_TRUE(HasNote(c, "Medianstop"));
  EXPECT_EQ(c.command, kCommand);
}

TEST(NniVocabularyTest, ExperimentConfigNeedsCommandForNnisTrialCode) {
  EXPECT_EQ(UserErrorOf([] { LoadSweepConfig(kNni + "config.yml"); }),
            kNni +
                "config.yml:5:15: NNI's trial code gets its parameters from "
                "nni.get_next_parameter(), which hpo does not answer; pass --command 'python3 "
                "trial.py ${args}' for a program that reads them as arguments and prints "
                "{\"default\": VALUE} as a JSON line");
}

TEST(NniVocabularyTest, MistakeInSearchSpaceFileIsReportedInThatFile) {
  Written("space.json", "{\n  \"lr\": {\"_type\": \"loguniform\", \"_value\": [0, 0.1]}\n}\n");
  const std::string config = Written("exp.yml",
                                     "searchSpaceFile: space.json\ntrialCommand: python3 t.py\n"
                                     "trialConcurrency: 1\ntuner: {name: Random}\n");
  EXPECT_EQ(UserErrorOf([&] { Load(config); }),
            std::filesystem::path(config).parent_path().string() +
                "/space.json:2:43: search space \"lr\" (loguniform) must have low > 0");
}

TEST(NniVocabularyTest, LegacyV1LayoutReadsAsNnictlConvertsIt) {
  const SweepConfig c = Load(kNni + "config_v1.yml");
  EXPECT_EQ(c.vocabulary, "NNI experiment config");
  EXPECT_EQ(c.parameters.size(), 10u);  // searchSpacePath
  EXPECT_EQ(c.sampler.method, "random");
  EXPECT_FALSE(c.objectives.maximize);
  EXPECT_EQ(c.n_trials, 10);   // maxTrialNum
  EXPECT_EQ(c.timeout, 3600);  // maxExecDuration: 1h
}

TEST(NniVocabularyTest, InlineSpaceAndSnakeCaseKeysWithAnnealsDefaultGoal) {
  const SweepConfig c = Load(kNni + "config_inline.yml");
  EXPECT_EQ(c.parameters.size(), 2u);
  EXPECT_EQ(c.n_trials, 10);
  EXPECT_EQ(c.sampler.method, "tpe");
  EXPECT_TRUE(HasNote(c, "NNI's Anneal tuner: hpo's tpe sampler"));
  EXPECT_FALSE(c.objectives.maximize);  // hyperopt_tuner.py:223: optimize_mode='minimize'
}

TEST(NniVocabularyTest, ExperimentKeysNniDoesNotKnowAndTunersHpoCannotRunAreRefused) {
  const std::string head =
      "searchSpace: {x: {_type: uniform, _value: [0, 1]}}\ntrialCommand: python3 t.py\n";
  const std::string dir = std::filesystem::path(Written("x", "")).parent_path().string() + "/";
  EXPECT_EQ(ErrorOf("typo.yml", head + "trialConcurency: 2\ntuner: {name: TPE}\n"),
            dir + "typo.yml:3:1: NNI's experiment config has no field 'trialConcurency'");
  EXPECT_EQ(ErrorOf("pbt.yml", head + "trialConcurrency: 2\ntuner: {name: PBTTuner}\n"),
            dir +
                "pbt.yml:4:15: NNI tuner 'PBTTuner' has no hpo counterpart (read: TPE, "
                "TPE_legacy, Random, GridSearch, Batch, GP, Metis, SMAC, DNGO, Anneal, "
                "Evolution, RegularizedEvolutionTuner, Hyperband, BOHB; PBT, PPO and "
                "NetworkMorphism train or build models hpo does not)");
  EXPECT_EQ(ErrorOf("curve.yml", head + "trialConcurrency: 1\ntuner: {name: TPE}\nassessor: {name: "
                                        "Curvefitting}\n"),
            dir +
                "curve.yml:5:18: NNI assessor 'Curvefitting' has no hpo pruner (read: "
                "Medianstop)");
  EXPECT_EQ(ErrorOf("notuner.yml", head + "trialConcurrency: 1\n"),
            dir + "notuner.yml:1:1: an NNI experiment config needs a tuner");
}

TEST(NniVocabularyTest, AdvisorsAndDurationsAsNniReadsThem) {
  const SweepConfig c = Load(
      Written("bohb.yml",
              "searchSpace: {x: {_type: uniform, _value: [0, 1]}}\ntrialCommand: python3 t.py\n"
              "trialConcurrency: 1\nmaxExperimentDuration: 1.5h\nmaxTrialDuration: 90\n"
              "advisor: {name: BOHB, classArgs: {optimize_mode: minimize, max_budget: 27}}\n"));
  EXPECT_EQ(c.sampler.method, "tpe");
  EXPECT_EQ(c.pruner.method, "hyperband");
  EXPECT_TRUE(HasNote(c, "TRIAL_BUDGET"));
  EXPECT_FALSE(c.objectives.maximize);
  EXPECT_EQ(c.timeout, 5400);
  EXPECT_EQ(c.timeout_per_trial, 90);
}

TEST(NniVocabularyTest, EachTunerAsHposNearestSampler) {
  const std::vector<std::pair<std::string, std::string>> tuners = {
      {"TPE", "tpe"},         {"tpe_legacy", "tpe"},  {"Random", "random"},
      {"GridSearch", "grid"}, {"BatchTuner", "grid"}, {"GPTuner", "protein"},
      {"Metis", "protein"},   {"SMAC", "protein"},    {"DNGO", "protein"},
      {"Evolution", "tpe"},   {"Hyperband", "random"}};
  for (const auto& [tuner, method] : tuners) {
    SCOPED_TRACE(tuner);
    const SweepConfig c = Load(Written("tuner.yml",
                                       "searchSpace: {x: {_type: choice, _value: [1, 2, true]}}\n"
                                       "trialCommand: python3 t.py\ntrialConcurrency: 1\n"
                                       "tuner: {name: " +
                                           tuner + "}\n"));
    EXPECT_EQ(c.sampler.method, method);
    EXPECT_EQ(c.pruner.method, tuner == "Hyperband" ? "hyperband" : "none");
  }
  const SweepConfig grid = Load(Written("grid.yml",
                                        "searchSpace: {x: {_type: uniform, _value: [0, 1]}}\n"
                                        "trialConcurrency: 1\ntuner: {name: GridSearch}\n"));
  EXPECT_TRUE(HasNote(grid, "NNI's GridSearch refines each range without end"));
}

TEST(NniVocabularyTest, SearchSpaceFileWinsOverInlineAndMedianstopStartsAtOnce) {
  Written("beside.json", R"({"lr": {"_type": "loguniform", "_value": [0.001, 0.1]}})");
  const SweepConfig c = Load(
      Written("both.yml",
              "searchSpace: {x: {_type: uniform, _value: [0, 1]}}\nsearchSpaceFile: beside.json\n"
              "trialCommand: python3 t.py\ntrialConcurrency: 1\nmaxExperimentDuration: 1d\n"
              "tuner: {name: Random}\nassessor: {name: Medianstop, classArgs: {start_step: 3}}\n"));
  ASSERT_EQ(c.parameters.size(), 1u);
  EXPECT_EQ(c.parameters[0].name, "lr");
  EXPECT_EQ(c.timeout, 86400);
  EXPECT_EQ(c.pruner.method, "median");
  EXPECT_EQ(c.pruner.percentile_rule.n_startup_trials, 1);  // NNI: any one complete trial
  EXPECT_TRUE(HasNote(c, "maximize assumed"));              // Random has no direction
}

TEST(NniVocabularyTest, AnnotationsAreRefusedAsNni3RefusesThem) {
  const std::string dir = std::filesystem::path(Written("x", "")).parent_path().string() + "/";
  EXPECT_EQ(ErrorOf("annotation.yml",
                    "searchSpace: {x: {_type: uniform, _value: [0, 1]}}\n"
                    "trialConcurrency: 1\nuseAnnotation: true\n"),
            dir +
                "annotation.yml:3:16: useAnnotation: NNI 3 no longer runs it, and hpo does not "
                "either");
}

}  // namespace
}  // namespace hpo::config
