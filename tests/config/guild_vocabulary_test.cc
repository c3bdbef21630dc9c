// Guild AI's guild.yml (lib/config/vocabularies/guild_vocabulary.cc): an operation's flags as
// Guild's batch code reads them (github:guildai/guildai dfbefedb: guild/flag_util.py,
// guild/plugins/skopt_util.py, guild/commands/run_impl.py).
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

const std::string kGuild = std::string(HPO_SOURCE_DIR) + "/tests/fixtures/vocabularies/guild/";

std::string Written(const std::string& text) {
  std::string path = (testing_support::OwnTestDir("files") / "guild_case.yml").string();
  std::ofstream(path) << text;
  return path;
}

std::string Described(const SweepConfig& c, const std::string& name) {
  for (const ParameterSpec& p : c.parameters) {
    if (p.name == name) return DescribeParameter(p);
  }
  return "(no parameter " + name + ")";
}

std::string Refusal(const std::string& text) {
  const std::string path = Written(text);
  std::string error = UserErrorOf([&] { LoadSweepConfig(path); });
  if (error.rfind(path, 0) == 0) error = error.substr(path.size());
  return error;
}

TEST(GuildVocabularyTest, TheOperationWithSearchedFlagsIsReadAsGuildsRandomBatch) {
  const SweepConfig c = LoadSweepConfig(kGuild + "guild.yml");
  EXPECT_EQ(c.vocabulary, "Guild AI guild.yml (operation train)");
  EXPECT_EQ(c.sampler.method, "random");  // a flag function: Guild's implied random batch
  EXPECT_EQ(c.n_trials, 15);              // default-max-trials
  EXPECT_EQ(c.objectives.metric, "val_acc");
  EXPECT_TRUE(c.objectives.maximize);
  // two integers make skopt's Integer range; the third argument is the first trial's value
  EXPECT_EQ(Described(c, "layers"), "int_uniform [1.0, 4.0]");
  EXPECT_EQ(Described(c, "momentum"), "uniform [0.8, 0.99]");
  EXPECT_EQ(Described(c, "batch"), "categorical [32, 64]");
  EXPECT_EQ(c.fixed.at("epochs"), Value(10));
  // main: MODULE ARGS runs as python -m MODULE ARGS and the flags
  EXPECT_EQ(c.command,
            (std::vector<std::string>{"python", "-m", "train", "--data", "data/", "${args}"}));
  EXPECT_EQ(c.presets, std::vector<std::string>{"train"});
}

TEST(GuildVocabularyTest, ListsOnlyAreEveryCombinationAndModelsAreRead) {
  const SweepConfig c = LoadSweepConfig(kGuild + "models.yml");
  EXPECT_EQ(c.vocabulary, "Guild AI guild.yml (operation mnist:train)");
  EXPECT_EQ(c.sampler.method, "grid");
  EXPECT_EQ(c.n_trials, 6);
  EXPECT_EQ(c.objectives.metric, "loss");
  EXPECT_FALSE(c.objectives.maximize);
  EXPECT_EQ(c.command, (std::vector<std::string>{"python", "-u", "train.py", "${args}"}));
}

TEST(GuildVocabularyTest, PresetChoosesTheOperationAndTheOptimizerIsTheOneOptimizeTakes) {
  const std::string path = Written(R"(a:
  main: a
  flags: {x: '[0:1]'}
b:
  main: b
  optimizers:
    fast: {algorithm: random}
    best: {algorithm: gp, default: yes, random-starts: 3}
  flags: {y: [1, 2, 3]}
)");
  const SweepConfig b = LoadSweepConfig(path, "b");
  EXPECT_EQ(b.vocabulary, "Guild AI guild.yml (operation b)");
  EXPECT_EQ(b.sampler.method, "protein");  // gp, the default optimizer
  const SweepConfig a = LoadSweepConfig(path);
  EXPECT_EQ(Described(a, "x"), "int_uniform [0.0, 1.0]");
  EXPECT_EQ(a.objectives.metric, "loss");  // Guild's default objective, minimised
  EXPECT_FALSE(a.objectives.maximize);
}

// Guild loads guild.yml with PyYAML's safe_load (guildfile.py:1680): YAML 1.1's booleans,
// integers and floats (yaml/resolver.py:170-193), with the floats Guild adds (yaml_util.py:
// 143-170). A flag's choices are read so too, and its values are checked against them.
TEST(GuildVocabularyTest, FlagValuesAndChoicesAreYaml11AsPyYamlReadsThem) {
  const SweepConfig c = LoadSweepConfig(kGuild + "yaml11.yml");
  EXPECT_EQ(Described(c, "shuffle"), "categorical [true, false]");
  EXPECT_EQ(c.fixed.at("augment"), Value(true));
  EXPECT_EQ(Described(c, "norm"), "categorical [true, false]");
  EXPECT_EQ(Described(c, "width"), "categorical [8, 16, 3, 90]");  // octal, hex, binary, 1:30
  EXPECT_EQ(Described(c, "scale"), "categorical [1000.0, 1000.5]");
  EXPECT_EQ(Described(c, "word"), "categorical [y, n, \"yes\"]");  // y, n and quoted: strings
  // a batch passes its values as written, aliases too (batch_util.py:166-172)
  EXPECT_EQ(Described(c, "mode"), "categorical [fast, c]");
  EXPECT_EQ(Described(c, "cache"), "categorical [true, false]");  // yes is the choice true
  EXPECT_EQ(c.n_trials, 2 * 2 * 4 * 2 * 3 * 2 * 2);
  bool noted = false;
  for (const std::string& note : c.notes)
    noted |= note.find("as 1 and false as") != std::string::npos;
  EXPECT_TRUE(noted) << "no note on how Guild passes booleans";
}

TEST(GuildVocabularyTest, AValueThatIsNoneOfItsFlagsChoicesIsRefusedAsGuildRefusesIt) {
  const std::string flags = "train:\n  main: t\n  flags:\n    x:\n";
  EXPECT_EQ(Refusal(flags + "      default: [yes, maybe]\n      choices: [yes, no]\n"),
            ":5:22: x: 'maybe' is none of its choices (Guild refuses it)");
  // inf is a string in YAML 1.1 (only .inf is a float), so it is not the choice .inf
  EXPECT_EQ(Refusal(flags + "      default: [1, inf]\n      choices: [1, .inf]\n"),
            ":5:20: x: 'inf' is none of its choices (Guild refuses it)");
  // Guild checks no false value (op_util.py:1411) and none when allow-other is set
  EXPECT_EQ(Described(LoadSweepConfig(Written(flags + "      default: [a, no, 0]\n"
                                                      "      choices: [a]\n")),
                      "x"),
            "categorical [a, false, 0]");
  EXPECT_EQ(Described(LoadSweepConfig(Written(flags + "      default: [a, b]\n"
                                                      "      choices: [a]\n"
                                                      "      allow-other: yes\n")),
                      "x"),
            "categorical [a, b]");
  // one value: an alias is its choice's value, and a choice's flags are set (op_util.py:1436)
  EXPECT_EQ(LoadSweepConfig(Written(flags + "      default: c\n      choices:\n"
                                            "        - {value: see, alias: c}\n"
                                            "    y: [1, 2]\n"))
                .fixed.at("x"),
            Value("see"));
  EXPECT_EQ(Refusal(flags + "      default: b\n      choices:\n        - a\n"
                            "        - {value: b, flags: {y: 2}}\n    y: [1, 2]\n"),
            ":5:16: x: the choice b also sets flags (y); hpo sets no flags per value");
}

TEST(GuildVocabularyTest, WhatGuildRefusesOrHpoCannotPassIsRefusedAtItsLine) {
  EXPECT_EQ(Refusal("train:\n  main: t\n  flags:\n    x: range[1:5]\n"),
            ":4:8: x: unknown function 'range' (Guild's optimizers take uniform and loguniform)");
  EXPECT_EQ(Refusal("train:\n  exec: python t.py ${lr}\n  flags:\n    lr: [1, 2]\n"),
            ":2:9: train.exec: '${lr}' is Guild's macro; hpo passes the flags with "
            "${flag_args} only");
  EXPECT_EQ(Refusal("train:\n  main: t\n  flags-dest: globals\n  flags:\n    lr: [1, 2]\n"),
            ":3:15: train.flags-dest: Guild sets the flags as globals; hpo passes them as "
            "arguments");
}

// arg-switch X (op_cmd.py:147-150 at dfbefedb): Guild passes the bare word --NAME when the
// flag's value == X and nothing otherwise. Guild's own _flag_args, run on these flags: {fast:
// True, slow: False, mode: 'quick', lr: 0.1, one: 1} -> ['--fast', '--lr', '0.1', '--mode',
// '--one'] and {fast: False, ...} -> no --fast.
TEST(GuildVocabularyTest, AnArgSwitchFlagIsPassedAsItsBareWordOrNotAtAll) {
  const std::string path = Written(R"(train:
  main: train
  flags:
    lr: [0.1, 0.2]
    fast: {default: yes, arg-switch: yes}
    slow: {default: no, arg-switch: yes}
    mode: {default: quick, arg-switch: quick}
    one: {default: 1, arg-switch: yes}
)");
  const SweepConfig c = LoadSweepConfig(path);
  EXPECT_EQ(c.command, (std::vector<std::string>{"python", "-m", "train", "${args}", "--fast",
                                                 "--mode", "--one"}));
  EXPECT_TRUE(c.fixed.empty());  // none is passed as --name=value
  EXPECT_NE(std::find(c.ignored.begin(), c.ignored.end(),
                      "slow (arg-switch yes: Guild passes --slow only for that value)"),
            c.ignored.end());
  // --command replaces Guild's way to pass flags: the value is a flag as any other
  const SweepConfig own = LoadSweepConfig(path, "", {"stub", "${args}"});
  EXPECT_EQ(own.fixed.at("fast"), Value(true));
  // a searched true/false flag switched on true: ${args_no_boolean_flags} passes --shuffle
  // for true and nothing for false
  const SweepConfig searched =
      LoadSweepConfig(Written("train:\n  main: train\n  flags:\n    lr: [0.1, 0.2]\n"
                              "    shuffle: {default: [yes, no], arg-switch: yes}\n"));
  EXPECT_EQ(Described(searched, "shuffle"), "categorical [true, false]");
  EXPECT_EQ(searched.command,
            (std::vector<std::string>{"python", "-m", "train", "${args_no_boolean_flags}"}));
}

TEST(GuildVocabularyTest, AnArgSwitchHpoCannotPassPerFlagIsRefused) {
  const std::string flags = "train:\n  main: t\n  flags:\n";
  EXPECT_EQ(Refusal(flags + "    shuffle: {default: [yes, no], arg-switch: no}\n"),
            ":4:47: shuffle: arg-switch no passes --shuffle for that value and nothing for the "
            "others; hpo passes a searched flag so only when its values are true and false, "
            "switched on true (${args_no_boolean_flags})");
  EXPECT_EQ(Refusal(flags + "    mode: {default: [a, b], arg-switch: a}\n").substr(0, 32),
            ":4:41: mode: arg-switch a passes");
  // ${args_no_boolean_flags} would pass norm, which has no arg-switch, as a switch too
  EXPECT_EQ(Refusal(flags + "    shuffle: {default: [yes, no], arg-switch: yes}\n"
                            "    norm: [yes, no]\n"),
            ":4:47: a searched arg-switch flag is passed by ${args_no_boolean_flags}, which would "
            "pass the operation's other true/false flags as switches too (Guild passes those as "
            "--name 1 or --name '')");
}

TEST(GuildVocabularyTest, AnArgSkipFlagIsPassedInNoArgument) {
  // Guild's own code run here (guild/ at dfbefedb, /usr/bin/python3): guildfile.for_string of
  // this operation and op_util._flag_cmd_for_flagdef give arg_skip {lr: True, data: True,
  // keep: False, seed: True}; op_cmd.generate_op_args_and_env passes --keep 5 alone, and
  // FLAG_DATA, FLAG_SEED... in the environment
  const std::string text = R"(train:
  main: train
  flags:
    lr: [0.1, 0.2]
    data: {default: x.csv, arg-skip: yes}
    keep: {default: 5, arg-skip: no}
    seed: {default: 3, arg-skip: 1}
)";
  const SweepConfig c = LoadSweepConfig(Written(text));
  EXPECT_EQ(c.fixed, ParamSet({{"keep", Value(5)}}));
  EXPECT_NE(std::find(c.ignored.begin(), c.ignored.end(),
                      "data (arg-skip: Guild passes it in no argument)"),
            c.ignored.end());
  EXPECT_EQ(Described(c, "lr"), "categorical [0.1, 0.2]");
  // the operation's default-flag-arg-skip holds for the flags that set no arg-skip of their own
  const std::string by_default =
      "train:\n  main: train\n  default-flag-arg-skip: yes\n"
      "  flags:\n    lr: {default: [0.1, 0.2], arg-skip: no}\n"
      "    data: x.csv\n    keep: {default: 5, arg-skip: no}\n";
  EXPECT_EQ(LoadSweepConfig(Written(by_default)).fixed, ParamSet({{"keep", Value(5)}}));
  // a searched flag Guild passes only in its environment: hpo cannot pass it so
  EXPECT_EQ(Refusal("train:\n  main: t\n  flags:\n    lr: {default: [0.1, 0.2], arg-skip: on}\n"),
            ":4:41: lr: arg-skip: Guild searches it but passes it in no argument, only as the "
            "environment variable FLAG_LR, which hpo does not set; give --command to pass it as "
            "your program reads it");
  // --command replaces Guild's way to pass flags: data is a flag as any other
  const SweepConfig own = LoadSweepConfig(Written(text), "", {"stub", "${args}"});
  EXPECT_EQ(own.fixed.at("data"), Value("x.csv"));
}

}  // namespace
}  // namespace hpo::config
