// Guild AI files of the real-file corpus (tests/fixtures/corpus) hpo read otherwise than Guild
// (github:guildai/guildai dfbefedb): steps operations whose one batch step is the sweep
// (guild/steps_main.py), sequence functions a step passes to guild run (flag_util.py), and a
// guild file that is a list of models without a model: name (guildfile.py:1747-1755).
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <string>

#include "lib/config/sweep_config.h"
#include "tests/support/test_dir.h"
#include "tests/support/user_error.h"

namespace hpo::config {
namespace {

using testing_support::UserErrorOf;

std::string Written(const std::string& text) {
  const auto path = testing_support::OwnTestDir("files") / "guild.yml";
  std::ofstream(path) << text;
  return path.string();
}

SweepConfig Loaded(const std::string& text, const std::string& preset = "") {
  return LoadSweepConfig(Written(text), preset, {"python3", "train.py", "${args}"});
}

std::string Described(const SweepConfig& c, const std::string& name) {
  for (const ParameterSpec& p : c.parameters) {
    if (p.name == name) return DescribeParameter(p);
  }
  return "(not searched)";
}

const char kModel[] =
    "- model: svm\n"
    "  operations:\n"
    "    train:\n"
    "      main: train\n"
    "      flags: {kernel: rbf, gamma: 10, degree: 3}\n"
    "    grid:\n"
    "      steps:\n"
    "        - run: train\n"
    "          flags: {kernel: [linear, rbf], gamma: 'logspace[-9:3:13]'}\n"
    "        - run: train\n"
    "          flags: {kernel: poly, degree: 'range[1:5]'}\n"
    "    optimize:\n"
    "      steps:\n"
    "        - run: train\n"
    "          optimizer: gp\n"
    "          maximize: test_accuracy\n"
    "          max-trials: 100\n"
    "          flags: {kernel: [linear, rbf], gamma: 'loguniform[1e-9:1e3]'}\n";

// steps_main.py:520-580 runs a step as guild run OP --optimizer --max-trials --maximize FLAG=VAL;
// --preset OP names an operation of a named model too.
TEST(GuildCorpusTest, AStepsOperationsOneBatchStepIsTheSweep) {
  const SweepConfig c = Loaded(kModel, "optimize");
  ASSERT_EQ(c.parameters.size(), 2u);
  EXPECT_EQ(Described(c, "kernel"), "categorical [linear, rbf]");
  EXPECT_EQ(Described(c, "gamma"), "loguniform [1e-09, 1000.0]");
  EXPECT_EQ(c.fixed.at("degree"), Value(3));
  EXPECT_EQ(c.sampler.method, "protein");
  EXPECT_EQ(c.n_trials, 100);
  EXPECT_EQ(c.objectives.metric, "test_accuracy");
  EXPECT_TRUE(c.objectives.maximize);
  // the operation the step runs is read, not listed as ignored
  EXPECT_EQ(std::count(c.ignored.begin(), c.ignored.end(), "svm:train"), 0);
  // an operation whose two steps run two batches is no preset; named, it is refused
  EXPECT_EQ(Loaded(kModel).presets, std::vector<std::string>{"svm:optimize"});
  EXPECT_NE(UserErrorOf([&] {
              Loaded(kModel, "svm:grid");
            }).find("svm:grid: 2 steps run batches, one after another"),
            std::string::npos);
  EXPECT_NE(UserErrorOf([] {
              Loaded("t:\n  main: t\n  flags: {x: 1}\ns:\n  steps:\n    - flags: {x: [1, 2]}\n");
            }).find(":6:7: s: a step needs run: OPERATION"),
            std::string::npos);
}

// A step's ${flag} is the steps operation's flag (steps_main.py:254-255); guild run decodes
// logspace[-5:-1:5] to its five values (op_util.py:1500-1520, flag_util.py:244-256). With
// --command, how Guild passes flags to its main (flags-dest, arg-name) does not matter.
TEST(GuildCorpusTest, APipelinesStepFlagsAreResolvedAndDecodedAsGuildRunDoes) {
  const SweepConfig c = Loaded(
      "train:\n"
      "  main: train\n"
      "  flags-dest: globals\n"
      "  flags:\n"
      "    epochs: {arg-name: train_epochs}\n"
      "pipeline:\n"
      "  flags: {epochs: 25}\n"
      "  steps:\n"
      "    - run: train\n"
      "      flags: {epochs: '${epochs}', lr: 'logspace[-5:-1:5]', momentum: [0.7, 0.9]}\n");
  ASSERT_EQ(c.parameters.size(), 2u);
  EXPECT_EQ(Described(c, "lr"), "categorical [1e-05, 0.0001, 0.001, 0.01, 0.1]");
  EXPECT_EQ(c.fixed.at("epochs"), Value(25));
  EXPECT_EQ(c.sampler.method, "grid");
}

// A list item with operations: and no model: is Guild's anonymous model; every entry under
// operations: is an operation (hparams has neither main nor flags: its main is its name).
TEST(GuildCorpusTest, AListOfAnAnonymousModelIsReadAndItsStepFindsItsOperation) {
  const SweepConfig c = Loaded(
      "- operation-defaults: {sourcecode: ['*.py']}\n"
      "  operations:\n"
      "    hparams:\n"
      "      flags-import: [num_units, dropout]\n"
      "      objective: {maximize: accuracy}\n"
      "    hparams-optimize:\n"
      "      steps:\n"
      "        - run: hparams\n"
      "          flags: {num_units: [16, 32], dropout: [0.1, 0.2, 0.3]}\n"
      "          optimizer: gp\n"
      "          max-trials: 20\n");
  EXPECT_EQ(c.parameters.size(), 2u);
  EXPECT_EQ(c.objectives.metric, "accuracy");
  EXPECT_EQ(c.n_trials, 20);
}

}  // namespace
}  // namespace hpo::config
