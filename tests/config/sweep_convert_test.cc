#include "lib/config/sweep_convert.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "lib/config/sweep_config.h"
#include "lib/config/sweep_keys.h"
#include "tests/support/same_sweep.h"
#include "tests/support/test_dir.h"

namespace hpo::config {
namespace {

std::string WriteFile(const std::string& name, const std::string& text) {
  const auto path = testing_support::OwnTestDir("files") / name;
  std::ofstream(path) << text;
  return path.string();
}

// Writes `text` to a file and loads it as hpo sweep would.
SweepConfig LoadText(const std::string& name, const std::string& text) {
  return LoadSweepConfig(WriteFile(name, text));
}

const ParameterSpec& Param(const SweepConfig& c, const std::string& name) {
  for (const ParameterSpec& p : c.parameters) {
    if (p.name == name) return p;
  }
  throw std::runtime_error("no parameter " + name);
}

// The line of `text` that starts with `prefix` (after indentation); empty when none.
std::string LineOf(const std::string& text, const std::string& prefix) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    const size_t start = line.find_first_not_of(' ');
    if (start != std::string::npos && line.compare(start, prefix.size(), prefix) == 0) return line;
  }
  return "";
}

// Every distribution kind, a Protein centre and scale, a categorical prior, list choices, a range
// condition,
// constants (one a string that reads as a bool), a constraint, a command and a storage URL.
const char* kEveryKind = R"(name: every_kind
metric: {name: score, goal: minimize}
method: tpe
tpe: {n_startup_trials: 4, gamma: 0.2}
n_trials: 12
n_jobs: 2
seed: 5
timeout: 900
timeout_per_trial: 60
storage: sqlite:///studies/every_kind.db
pruner: {type: hyperband, min_resource: 3, max_resource: 81, reduction_factor: 3}
command: [python3, train.py, "--tag=a b", "${args}"]
fixed: {epochs: 10, optimizer: adam, quoted: "true", arch: [64, 64]}
parameters:
  u: {distribution: uniform, min: -1.0, max: 1.0}
  i: {distribution: int_uniform, min: 2, max: 9}
  q: {distribution: q_uniform, min: 0.1, max: 0.4, q: 0.05}
  lu: {distribution: loguniform, min: 1.0e-5, max: 1.0e-2}
  ln: {distribution: log_normal, min: 1.0e-5, max: 1.0e-2, mean: 3.0e-4, scale: 0.5}
  il: {distribution: int_loguniform, min: 1, max: 1000}
  p2: {distribution: uniform_pow2, min: 16, max: 256}
  lg: {distribution: logit_normal, min: 0.9, max: 0.999, mean: 0.99}
  tn: {distribution: truncated_normal, mu: 0.99, sigma: 0.01, min: 0.9, max: 0.9999}
  w: {distribution: uniform, min: 0.0, max: 1.0, when: {i: {gt: 3, lt: 8}}}
  c: {values: [relu, tanh, "3"], prior: tanh}
  nets: {values: [[64, 64], [128, 128]]}
constraints:
  - "u > 0.5 and i > 8"
)";

void ExpectHpoRoundTrip(const SweepConfig& c, const std::string& file) {
  SCOPED_TRACE(c.source + (c.preset.empty() ? "" : " preset " + c.preset));
  const std::string yaml = ToHpoYaml(c);
  testing_support::ExpectSameSweep(c, LoadSweepConfig(WriteFile(file, yaml)));
}

TEST(SweepConvertTest, TheHpoFormLoadsBackAsTheSameSweep) {
  const SweepConfig c = LoadText("every_kind.yaml", kEveryKind);
  ExpectHpoRoundTrip(c, "every_kind_hpo.yaml");
  const std::string yaml = ToHpoYaml(c);
  EXPECT_EQ(yaml.rfind("# hpo convert --to hpo: ", 0), 0u) << yaml;
  EXPECT_NE(LineOf(yaml, "storage:").find("sqlite:///studies/every_kind.db"), std::string::npos)
      << yaml;
  // a trainer sweep, and a file with presets, converted with one
  ExpectHpoRoundTrip(LoadSweepConfig(std::string(HPO_SOURCE_DIR) + "/configs/lunar.yaml"),
                     "lunar_hpo.yaml");
  // the seed with `constraints: []` in its presets (as written, they read keys they do not set)
  std::ifstream in(std::string(HPO_SOURCE_DIR) + "/tests/fixtures/seeds/ppo_search_space.yaml");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const std::string preset : {"  quick:\n", "  fine_tune:\n"})
    text.replace(text.find(preset), preset.size(), preset + "    constraints: []\n");
  const std::string seeds = WriteFile("ppo_search_space.yaml", text);
  ExpectHpoRoundTrip(LoadSweepConfig(seeds, "quick"), "ppo_search_space_quick_hpo.yaml");
  EXPECT_NE(ToHpoYaml(LoadSweepConfig(seeds))
                .find("# presets in the file: quick, fine_tune; this is the file without one"),
            std::string::npos);
}

TEST(SweepConvertTest, AForeignFileConvertsToHpoAndBack) {
  // its names belong to another trainer: loaded with a program, as hpo convert --command does
  const SweepConfig c = LoadSweepConfig(WriteFile("determined.yaml", R"(hyperparameters:
  lr: {type: log, base: 10, minval: -4, maxval: -2}
  layers: {type: int, minval: 1, maxval: 4}
  act: {type: categorical, vals: [relu, tanh]}
  batch: 32
searcher: {name: random, metric: val_loss, smaller_is_better: true, max_trials: 8}
)"),
                                        "", {"./train.sh", "${args}"});
  ASSERT_NE(c.vocabulary.find("Determined"), std::string::npos);
  ExpectHpoRoundTrip(c, "determined_hpo.yaml");
  EXPECT_NE(ToHpoYaml(c).find("(read as Determined"), std::string::npos) << ToHpoYaml(c);
}

TEST(SweepConvertTest, TheWandbFormLoadsBackWithWhatWandbCanSay) {
  const SweepConfig c = LoadText("every_kind.yaml", kEveryKind);
  const std::string yaml = ToWandbYaml(c);
  const SweepConfig back = LoadSweepConfig(WriteFile("every_kind_wandb.yaml", yaml));
  // exact
  EXPECT_EQ(back.name, c.name);
  EXPECT_EQ(back.objectives.metric, "score");
  EXPECT_FALSE(back.objectives.maximize);
  EXPECT_EQ(back.n_trials, 12);  // run_cap
  EXPECT_EQ(back.command, c.command);
  EXPECT_EQ(back.fixed, c.fixed);
  // Optuna's hyperband is not W&B's early_terminate (other rules): a comment, no pruner
  EXPECT_EQ(back.pruner.method, "none");
  for (const char* name : {"u", "i", "q", "lu", "nets"}) {
    EXPECT_TRUE(Param(back, name).numeric == Param(c, name).numeric)
        << name << ": " << DescribeParameter(Param(back, name));
    EXPECT_EQ(Param(back, name).choices, Param(c, name).choices) << name;
  }
  // the nearest W&B form, each with a comment on its line saying what was lost
  EXPECT_EQ(back.sampler.method, "protein");  // method: bayes
  EXPECT_NE(LineOf(yaml, "method: bayes").find("# hpo sampler: tpe"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("# hpo tpe settings W&B has no key for: n_startup_trials 4, gamma 0.2"),
            std::string::npos)
      << yaml;
  // in the key table's order (ToYaml's and the docs'), which lists seed after n_jobs
  EXPECT_NE(yaml.find("n_jobs 2, seed 5, timeout 900 s, timeout_per_trial 60 s, storage "
                      "sqlite:///studies/every_kind.db"),
            std::string::npos)
      << yaml;
  auto expect_numeric = [&](const char* name, const char* kind, double min, double max,
                            const char* comment) {
    const ParameterSpec& p = Param(back, name);
    EXPECT_EQ(p.numeric.distribution, kind) << name;
    EXPECT_EQ(p.numeric.min, min) << name;
    EXPECT_EQ(p.numeric.max, max) << name;
    EXPECT_FALSE(p.numeric.mean.has_value()) << name;
    EXPECT_NE(LineOf(yaml, std::string(name) + ":").find(comment), std::string::npos) << yaml;
  };
  expect_numeric("ln", "loguniform", 1e-5, 1e-2,
                 "# hpo: log_normal [1e-05, 0.01] mean 0.0003 scale 0.5; W&B has no log-normal");
  expect_numeric("il", "loguniform", 1, 1000,
                 "# hpo: int_loguniform [1, 1000]; W&B has no integer log-uniform");
  expect_numeric("lg", "uniform", 0.9, 0.999,
                 "# hpo: logit_normal [0.9, 0.999] mean 0.99; W&B has no logit axis");
  expect_numeric("tn", "uniform", 0.9, 0.9999,
                 "# hpo: truncated_normal [0.9, 0.9999] mu 0.99 sigma 0.01; W&B has no truncated "
                 "normal: searched uniformly");
  expect_numeric("w", "uniform", 0, 1, "# hpo: searched only when i > 3.0 and i < 8.0; ");
  ASSERT_TRUE(Param(back, "p2").categorical);
  EXPECT_EQ(Param(back, "p2").choices, (std::vector<Value>{16, 32, 64, 128, 256}));
  EXPECT_NE(LineOf(yaml, "p2:")
                .find("# hpo: uniform_pow2 [16, 256]; W&B has no power-of-two distribution"),
            std::string::npos)
      << yaml;
  EXPECT_EQ(Param(back, "c").choices, Param(c, "c").choices);
  EXPECT_FALSE(Param(back, "c").prior.has_value());
  EXPECT_NE(LineOf(yaml, "c:").find("# hpo: prior tanh (the search centre); W&B has none"),
            std::string::npos)
      << yaml;
  EXPECT_TRUE(back.constraints.empty());
  EXPECT_NE(yaml.find("#   u > 0.5 and i > 8"), std::string::npos) << yaml;

  // As W&B reads it: plain YAML with W&B's keys and distributions.
  const YAML::Node w = YAML::Load(yaml);
  EXPECT_EQ(w["method"].as<std::string>(), "bayes");
  EXPECT_EQ(w["metric"]["goal"].as<std::string>(), "minimize");
  EXPECT_EQ(w["run_cap"].as<int>(), 12);
  EXPECT_EQ(w["parameters"]["i"]["distribution"].as<std::string>(), "int_uniform");
  EXPECT_EQ(w["parameters"]["i"]["min"].as<std::string>(), "2");
  EXPECT_EQ(w["parameters"]["q"]["q"].as<double>(), 0.05);
  EXPECT_EQ(w["parameters"]["lu"]["distribution"].as<std::string>(), "log_uniform_values");
  EXPECT_EQ(w["parameters"]["epochs"]["value"].as<int>(), 10);
  EXPECT_FALSE(w["early_terminate"].IsDefined());
  EXPECT_NE(yaml.find("# hpo pruner: hyperband (min_resource 3, max_resource 81, reduction_factor "
                      "3, bootstrap_count 0) is Optuna's; W&B's early_terminate has other rules"),
            std::string::npos)
      << yaml;
  EXPECT_EQ(w["command"][3].as<std::string>(), "${args}");
  EXPECT_NE(LineOf(yaml, "command:")
                .find(R"(hpo quotes strings that read as other values in ${args} ("3"))"),
            std::string::npos)
      << yaml;
}

// A value of the key's type that is not its default ("wall" is one of cost's words, and a fine
// path or name for the other word keys).
std::string NonDefaultText(const SweepKey& key) {
  if (key.name == "aggregate") return "iqm";  // the one word setting `wall` is no value of
  switch (key.reading) {
    case SweepReadingKind::kJobs:
      return "2";
    case SweepReadingKind::kNumber:
      return "0.5";
    case SweepReadingKind::kSeconds:
      return "7";
    case SweepReadingKind::kWord:
    case SweepReadingKind::kWordOrNone:
      return "wall";
    default:
      return std::to_string(key.least + 2);
  }
}

// Where `tool`'s own key for the setting is, as the table's names say ("W&B:metric.target":
// metric, target); empty when the tool has none.
std::vector<std::string> ToolPath(const SweepKey& key, const std::string& tool) {
  std::istringstream names(std::string(key.aliases) + " " + std::string(key.elsewhere));
  for (std::string name; names >> name;) {
    if (name.rfind(tool + ":", 0) != 0) continue;
    std::vector<std::string> path;
    std::istringstream parts(name.substr(tool.size() + 1));
    for (std::string part; std::getline(parts, part, '.');) path.push_back(part);
    return path;
  }
  return {};
}

// "# hpo settings W&B has no key for: n_jobs 2, timeout 7 s" -> {n_jobs: "2", timeout: "7 s"}
std::map<std::string, std::string> ListedSettings(const std::string& line) {
  std::map<std::string, std::string> listed;
  std::istringstream items(line.substr(line.find(": ") + 2));
  for (std::string item; std::getline(items, item, ',');) {
    item.erase(0, item.find_first_not_of(' '));
    listed[item.substr(0, item.find(' '))] = item.substr(item.find(' ') + 1);
  }
  return listed;
}

// The same number (7 written 7.0), or the same word.
bool SameValue(const std::string& written, const std::string& text) {
  try {
    return std::stod(written) == std::stod(text);
  } catch (const std::invalid_argument&) {
    return written == text;
  }
}

// Each top-level setting of the key table, set away from its default, is either written as the
// key the table names for the target tool or listed in the comment of what the tool cannot say:
// so a new setting is converted or listed by its table row alone.
// W&B reads a metric as one key the run logs: an expression converts as written and says so.
TEST(SweepConvertTest, AnExpressionMetricTellsWandbUsersToLogItUnderOneName) {
  const SweepConfig c = LoadText("expression.yaml",
                                 "metric: \"0.7*final_mean_reward + 0.3*success_rate\"\n"
                                 "parameters:\n  gamma: {min: 0.9, max: 0.99}\n");
  const std::string yaml = ToWandbYaml(c);
  EXPECT_EQ(YAML::Load(yaml)["metric"]["name"].as<std::string>(),
            "0.7*final_mean_reward + 0.3*success_rate");
  EXPECT_NE(LineOf(yaml, "name: 0.7*").find("W&B reads one key the run logs"), std::string::npos)
      << yaml;
}

TEST(SweepConvertTest, EveryTopLevelSettingIsWrittenOrListedAsTheKeyTableSays) {
  const std::string base = WriteFile("every_setting_base.yaml", "gamma: 0.98\n");
  std::vector<const SweepKey*> settings;
  std::string text = "parameters: {learning_rate: {min: 0.0001, max: 0.001}}\n";
  for (const SweepKey* key : SweepKeys(SweepSection::kTop)) {
    if (!key->has_field() || !key->methods.empty()) continue;  // spellings of sampler settings
    settings.push_back(key);
    text += fmt::format("{}: {}\n", key->name,
                        key->name == "base_config" ? base : NonDefaultText(*key));
  }
  const SweepConfig c = ParseSweepConfig(text, "every_setting.yaml", "every_setting");
  const std::tuple<std::string, std::string, std::string> forms[] = {
      {"W&B", ToWandbYaml(c), "# hpo settings W&B has no key for: "},
      {"Optuna", ToOptunaYaml(c), "# hpo settings Optuna has no argument for: "}};
  for (const auto& [tool, yaml, comment] : forms) {
    const std::map<std::string, std::string> listed = ListedSettings(LineOf(yaml, comment));
    for (const SweepKey* key : settings) {
      const std::string name(key->name);
      ASSERT_FALSE(key->is_default(c)) << name;
      const std::vector<std::string> path = ToolPath(*key, tool);
      if (path.empty()) {
        EXPECT_EQ(listed.count(name), 1u) << tool << " lists no " << name << "\n" << yaml;
        EXPECT_EQ(listed.count(name) ? listed.at(name).rfind(key->text(c), 0) : 1, 0u)
            << tool << ": " << name << " " << key->text(c) << "\n"
            << yaml;
        continue;
      }
      EXPECT_EQ(listed.count(name), 0u) << tool << " writes " << name << " and lists it";
      YAML::Node node = YAML::Clone(YAML::Load(yaml));
      for (const std::string& part : path) node = node[part];
      ASSERT_TRUE(node.IsScalar()) << tool << " does not write " << name << "\n" << yaml;
      EXPECT_TRUE(SameValue(node.Scalar(), key->text(c)))
          << tool << ": " << name << " " << node.Scalar() << " for " << key->text(c);
    }
  }
}

// W&B has q_log_uniform_values (nearest multiple): written as it; Polyaxon's floor is hpo's own
// (floor_to_q), kept by the hpo form and a comment in the others.
TEST(SweepConvertTest, QLogRangesAndTheirFloorConvertWithWhatTheTargetCanSay) {
  const SweepConfig c = LoadText("q_log.yaml", R"(method: random
command: [python3, train.py, "${args}"]
parameters:
  x: {distribution: q_log_uniform_values, min: 1, max: 100, q: 2}
  y: {distribution: q_log_uniform_values, min: 1, max: 100, q: 2, floor_to_q: true}
  z: {distribution: q_log_normal, mu: 0, sigma: 1, q: 0.5, floor_to_q: true}
)");
  ExpectHpoRoundTrip(c, "q_log_hpo.yaml");
  const std::string wandb = ToWandbYaml(c);
  EXPECT_EQ(LineOf(wandb, "x:"),
            "  x: {distribution: q_log_uniform_values, min: 1.0, max: 100.0, "
            "q: 2.0}")
      << wandb;
  EXPECT_NE(LineOf(wandb, "y:")
                .find("# hpo: the multiple of q at or below a draw (Polyaxon's "
                      "floor), not the nearest"),
            std::string::npos)
      << wandb;
  EXPECT_NE(LineOf(wandb, "z:").find("Polyaxon's floor"), std::string::npos) << wandb;
  const std::string optuna = ToOptunaYaml(c);
  EXPECT_NE(LineOf(optuna, "x:").find("Optuna has no step on a log axis: searched log-uniformly"),
            std::string::npos)
      << optuna;
}

TEST(SweepConvertTest, TheWandbGridListsTheValuesHposGridTries) {
  const SweepConfig c = LoadText("grid.yaml", R"(method: grid
grid_points: 3
command: [prog, "${args}"]
pruner: median
parameters:
  x: {min: 0.0, max: 1.0}
  n: {min: 1, max: 2}
  k: {values: [a, b]}
)");
  const std::string yaml = ToWandbYaml(c);
  const SweepConfig back = LoadSweepConfig(WriteFile("grid_wandb.yaml", yaml));
  EXPECT_EQ(back.sampler.method, "grid");
  EXPECT_EQ(Param(back, "x").choices, (std::vector<Value>{0.0, 0.5, 1.0}));
  EXPECT_EQ(Param(back, "n").choices, (std::vector<Value>{1, 2}));
  EXPECT_EQ(Param(back, "k").choices, (std::vector<Value>{"a", "b"}));
  EXPECT_NE(LineOf(yaml, "x:").find("# hpo: uniform [0.0, 1.0]; the 3 values hpo's grid tries"),
            std::string::npos)
      << yaml;
  EXPECT_NE(yaml.find("# hpo pruner: median (n_startup_trials 5, n_warmup_steps 0, interval_steps "
                      "1, n_min_trials 1) is Optuna's; W&B's "
                      "early_terminate has other rules"),
            std::string::npos)
      << yaml;
  EXPECT_EQ(back.pruner.method, "none");
}

TEST(SweepConvertTest, WandbsEarlyTerminateGoesBackToWandbAndOnlyAsACommentToOptuna) {
  const SweepConfig c = LoadText("early.yaml", R"(method: random
metric: {name: loss, goal: minimize}
command: [prog, "${args}"]
early_terminate: {type: hyperband, max_iter: 27, s: 2, eta: 2.5, strict: false}
parameters:
  x: {min: 0.0, max: 1.0}
)");
  ASSERT_EQ(c.pruner.method, "wandb_hyperband");
  const std::string wandb = ToWandbYaml(c);
  const YAML::Node w = YAML::Load(wandb);
  EXPECT_EQ(w["early_terminate"]["type"].as<std::string>(), "hyperband");
  EXPECT_EQ(w["early_terminate"]["max_iter"].as<int>(), 27);
  EXPECT_EQ(w["early_terminate"]["s"].as<int>(), 2);
  EXPECT_EQ(w["early_terminate"]["eta"].as<double>(), 2.5);
  EXPECT_FALSE(w["early_terminate"]["strict"].as<bool>());
  EXPECT_TRUE(LoadSweepConfig(WriteFile("early_wandb.yaml", wandb)).pruner == c.pruner);
  const std::string optuna = ToOptunaYaml(c);
  EXPECT_FALSE(YAML::Load(optuna)["pruner"].IsDefined()) << optuna;
  EXPECT_NE(optuna.find("# hpo pruner: W&B's early_terminate {type: hyperband, max_iter: 27, s: 2, "
                        "eta: 2.5, strict: false}; Optuna has no pruner with its rules"),
            std::string::npos)
      << optuna;
  ExpectHpoRoundTrip(c, "early_hpo.yaml");
}

TEST(SweepConvertTest, TheWandbFormOfATrainerSweepSaysTheTrialsRunHpoTrain) {
  const SweepConfig c = LoadSweepConfig(std::string(HPO_SOURCE_DIR) + "/configs/lunar.yaml");
  const std::string yaml = ToWandbYaml(c);
  EXPECT_NE(yaml.find("# hpo: trials run `hpo train`"), std::string::npos) << yaml;
  const SweepConfig back = LoadSweepConfig(WriteFile("lunar_wandb.yaml", yaml));
  EXPECT_TRUE(back.command.empty());
  EXPECT_EQ(back.fixed, c.fixed);
  EXPECT_EQ(back.parameters.size(), c.parameters.size());
}

TEST(SweepConvertTest, TheOptunaFormHoldsOptunasSuggestArgumentsAndLoadsBack) {
  const SweepConfig c = LoadText("every_kind.yaml", kEveryKind);
  const std::string yaml = ToOptunaYaml(c);
  const YAML::Node o = YAML::Load(yaml);
  EXPECT_EQ(o["study_name"].as<std::string>(), "every_kind");
  EXPECT_EQ(o["direction"].as<std::string>(), "minimize");
  EXPECT_EQ(o["n_trials"].as<int>(), 12);
  EXPECT_EQ(o["n_jobs"].as<int>(), 2);
  EXPECT_EQ(o["timeout"].as<double>(), 900);
  EXPECT_EQ(o["storage"].as<std::string>(), "sqlite:///studies/every_kind.db");
  EXPECT_EQ(o["sampler"]["type"].as<std::string>(), "tpe");
  EXPECT_EQ(o["sampler"]["seed"].as<int>(), 5);
  EXPECT_EQ(o["sampler"]["n_startup_trials"].as<int>(), 4);
  EXPECT_EQ(o["pruner"]["type"].as<std::string>(), "hyperband");
  EXPECT_EQ(o["pruner"]["max_resource"].as<int>(), 81);
  const YAML::Node s = o["searchable"];
  auto expect = [&](const char* name, const char* type, const char* low, const char* high,
                    bool log) {
    SCOPED_TRACE(name);
    EXPECT_EQ(s[name]["type"].as<std::string>(), type);
    EXPECT_EQ(s[name]["low"].Scalar(), low);
    EXPECT_EQ(s[name]["high"].Scalar(), high);
    EXPECT_EQ(s[name]["log"].as<bool>(), log);
  };
  expect("u", "float", "-1.0", "1.0", false);
  expect("i", "int", "2", "9", false);
  expect("q", "float", "0.1", "0.4", false);
  EXPECT_EQ(s["q"]["step"].as<double>(), 0.05);
  expect("lu", "float", "1.0e-05", "0.01", true);  // a float to PyYAML too
  expect("ln", "float", "1.0e-05", "0.01", true);
  expect("il", "int", "1", "1000", true);
  expect("lg", "float", "0.9", "0.999", false);
  expect("tn", "float", "0.9", "0.9999", false);
  EXPECT_NE(LineOf(yaml, "tn:")
                .find("# hpo: truncated_normal [0.9, 0.9999] mu 0.99 sigma 0.01; "
                      "Optuna has no truncated normal: searched uniformly"),
            std::string::npos)
      << yaml;
  EXPECT_EQ(s["p2"]["type"].as<std::string>(), "categorical");
  EXPECT_EQ(s["p2"]["choices"].as<std::vector<int>>(), (std::vector<int>{16, 32, 64, 128, 256}));
  EXPECT_EQ(s["c"]["choices"].as<std::vector<std::string>>(),
            (std::vector<std::string>{"relu", "tanh", "3"}));
  EXPECT_EQ(o["fixed"]["quoted"].as<std::string>(), "true");
  EXPECT_EQ(o["constraints"][0].as<std::string>(), "u > 0.5 and i > 8");
  EXPECT_NE(LineOf(yaml, "ln:")
                .find("# hpo: log_normal [1e-05, 0.01] mean 0.0003 scale 0.5; Optuna has no "
                      "log-normal prior"),
            std::string::npos)
      << yaml;
  EXPECT_NE(LineOf(yaml, "nets:").find("suggest_categorical takes None, bool, int, float and str"),
            std::string::npos)
      << yaml;
  EXPECT_NE(yaml.find("# hpo settings Optuna has no argument for: timeout_per_trial 60 s"),
            std::string::npos)
      << yaml;

  // hpo reads the search-space vocabulary: the same sweep but for what Optuna cannot say
  const SweepConfig back = LoadSweepConfig(WriteFile("every_kind_optuna.yaml", yaml));
  EXPECT_EQ(back.name, c.name);
  EXPECT_FALSE(back.objectives.maximize);
  EXPECT_EQ(back.n_trials, 12);
  EXPECT_EQ(back.seed, 5u);
  EXPECT_TRUE(back.sampler == c.sampler);
  EXPECT_TRUE(back.pruner == c.pruner);
  EXPECT_EQ(back.command, c.command);
  EXPECT_EQ(back.fixed, c.fixed);
  EXPECT_EQ(back.constraints.size(), 1u);
  for (const char* name : {"u", "i", "lu", "nets"}) {
    EXPECT_TRUE(Param(back, name).numeric == Param(c, name).numeric)
        << name << ": " << DescribeParameter(Param(back, name));
    EXPECT_EQ(Param(back, name).choices, Param(c, name).choices) << name;
  }
  // W&B's q_uniform from 0.1 by 0.05 is Optuna's float step from 0.1: the same values
  space::NumericSpec same_values = Param(c, "q").numeric;
  same_values.distribution = "discrete_uniform";
  EXPECT_TRUE(Param(back, "q").numeric == same_values) << DescribeParameter(Param(back, "q"));
  EXPECT_EQ(Param(back, "ln").numeric.distribution, "loguniform");
  EXPECT_EQ(Param(back, "il").numeric.distribution, "int_loguniform");
  EXPECT_EQ(Param(back, "lg").numeric.distribution, "uniform");
  EXPECT_EQ(Param(back, "p2").choices, (std::vector<Value>{16, 32, 64, 128, 256}));
}

TEST(SweepConvertTest, ProteinIsOptunasGpSamplerAndHposGpBack) {
  const SweepConfig c =
      LoadText("protein.yaml",
               "method: bayes\nprotein: {num_random_samples: 3}\ncommand: [prog, \"${args}\"]\n"
               "parameters:\n  x: {min: 0.0, max: 1.0}\n");
  const std::string yaml = ToOptunaYaml(c);
  EXPECT_NE(LineOf(yaml, "sampler:")
                .find("protein settings Optuna has no argument for: num_random_samples 3"),
            std::string::npos)
      << yaml;
  EXPECT_EQ(LoadSweepConfig(WriteFile("protein_optuna.yaml", yaml)).sampler.method, "protein");
}

TEST(SweepConvertTest, AnUnknownFormatIsAUserError) {
  EXPECT_EQ(ParseConvertFormat("wandb", Origin{"--to"}), ConvertFormat::kWandb);
  try {
    ParseConvertFormat("yaml", Origin{"--to"});
    FAIL();
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown format 'yaml' (known: hpo, wandb, optuna)"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace hpo::config
