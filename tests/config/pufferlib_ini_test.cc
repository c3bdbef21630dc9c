// PufferLib's INI configs (lib/config/ini_source.cc, vocabularies/pufferlib_ini_vocabulary.cc):
// hpo's own files in tests/fixtures/vocabularies/pufferlib_ini (SOURCES.md says what each
// holds) and the mistakes a hand-written one can hold.
#include <gtest/gtest.h>

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

const std::string kIni =
    std::string(HPO_SOURCE_DIR) + "/tests/fixtures/vocabularies/pufferlib_ini/";
const std::vector<std::string> kCommand = {"./train", "${args}"};

SweepConfig Load(const std::string& path) { return LoadSweepConfig(path, "", kCommand, {}); }

using testing_support::Param;

// A file written for the test: INI text under a temporary name.
std::string Written(const std::string& name, const std::string& text) {
  std::string path = (testing_support::OwnTestDir("files") / name).string();
  std::ofstream(path) << text;
  return path;
}

TEST(PufferLibIniTest, NewestGrammarIsProteinWithItsSweepSections) {
  const SweepConfig c = Load(kIni + "protein_sections.ini");
  EXPECT_EQ(c.vocabulary.rfind("PufferLib INI (sweep sections), as PufferLib's newest", 0), 0u);
  EXPECT_EQ(c.parameters.size(), 9u);  // two of the eleven sections are commented out
  EXPECT_EQ(c.sampler.method, "protein");
  EXPECT_EQ(c.objectives.metric, "score");
  EXPECT_TRUE(c.objectives.maximize);
  EXPECT_EQ(c.n_trials, 400);  // max_runs
  EXPECT_EQ(c.sampler.protein.max_suggestion_cost, 1800);
  EXPECT_EQ(c.timeout_per_trial, 0);  // PufferLib kills no run for it
  const ParameterSpec& steps = Param(c, "train.total_timesteps");
  EXPECT_EQ(steps.numeric.distribution, "log_normal");
  EXPECT_EQ(steps.numeric.min, 2e7);
  EXPECT_EQ(steps.numeric.max, 5e9);
  EXPECT_EQ(steps.numeric.scale, "time");
  EXPECT_FALSE(steps.numeric.mean);
  const ParameterSpec& lr = Param(c, "train.learning_rate");
  EXPECT_EQ(lr.numeric.scale, "0.5");
  EXPECT_EQ(Param(c, "policy.hidden_size").numeric.distribution, "uniform_pow2");
  EXPECT_EQ(Param(c, "train.gamma").numeric.max, 0.9995);
  EXPECT_EQ(Param(c, "train.ent_coef").numeric.min, 1e-5);  // a comment between its keys
  EXPECT_EQ(Param(c, "train.prio_alpha").numeric.distribution,
            "uniform");  // "uniform " in the file
  EXPECT_EQ(lr.origin.where, kIni + "protein_sections.ini:71:1");
}

TEST(PufferLibIniTest, PufferLib2LayoutIsAWandbSweepSpelledAsSections) {
  const SweepConfig c = Load(kIni + "wandb_sections.ini");
  EXPECT_EQ(c.parameters.size(), 6u);
  EXPECT_EQ(c.sampler.method, "protein");  // W&B's bayes, as hpo reads it in W&B's files
  EXPECT_EQ(c.objectives.metric, "environment/score");
  EXPECT_TRUE(c.objectives.maximize);
  const ParameterSpec& lr = Param(c, "train.learning_rate");
  EXPECT_EQ(lr.numeric.distribution, "loguniform");
  EXPECT_EQ(lr.numeric.min, 3e-5);
  EXPECT_EQ(lr.numeric.max, 3e-2);
  EXPECT_EQ(Param(c, "train.update_epochs").numeric.distribution, "int_uniform");
  EXPECT_EQ(Param(c, "train.bptt_horizon").choices.size(), 4u);
}

TEST(PufferLibIniTest, PufferLib2EnvironmentFileReadsItsRewards) {
  const SweepConfig c = Load(kIni + "env_rewards_sections.ini");
  EXPECT_EQ(c.parameters.size(), 3u);
  EXPECT_EQ(c.objectives.metric, "environment/tag_rate");
  EXPECT_EQ(Param(c, "env.reward_caught").numeric.min, -3.0);
  EXPECT_EQ(Param(c, "train.total_timesteps").numeric.max, 50e9);  // 50_000_000_000
}

TEST(PufferLibIniTest, MeanIsTheCentreWhenWritten) {
  const SweepConfig c = Load(Written("hpo_ini_mean.ini",
                                     "[sweep]\nmethod = Random\nmetric = score\ngoal = minimize\n"
                                     "[sweep.train.gamma]\ndistribution = logit_normal\n"
                                     "min = 0.8\nmax = 0.999\nmean = 0.97  # older PufferLib\n"
                                     "scale = auto\n"));
  EXPECT_EQ(c.sampler.method, "random");
  EXPECT_FALSE(c.objectives.maximize);
  EXPECT_EQ(Param(c, "train.gamma").numeric.mean, 0.97);
}

TEST(PufferLibIniTest, BadSectionsAndLinesSayWhere) {
  const std::string head = "[sweep]\nmethod = Protein\nmetric = score\ngoal = maximize\n";
  const std::string no_distribution =
      Written("hpo_ini_nodist.ini", head + "[sweep.train.lr]\nmin = 1\nmax = 2\n");
  EXPECT_EQ(UserErrorOf([&] { Load(no_distribution); }),
            no_distribution +
                ":5:1: section [sweep.train.lr] has no distribution (PufferLib's: "
                "int_uniform, log_normal, logit_normal, uniform, uniform_pow2)");
  const std::string above =
      Written("hpo_ini_above.ini",
              head + "[sweep.train.lr]\ndistribution = uniform\nmin = 3\nmax = 2\nscale = auto\n");
  EXPECT_EQ(UserErrorOf([&] { Load(above); }),
            above + ":7:7: section [sweep.train.lr]: min 3 is above max 2");
  const std::string malformed = Written("hpo_ini_malformed.ini", head + "learning rate\n");
  EXPECT_EQ(UserErrorOf([&] { Load(malformed); }),
            malformed + ":5:1: expected 'key = value' or '[section]', got 'learning rate'");
  const std::string twice = Written("hpo_ini_twice.ini", head + "metric = loss\n");
  EXPECT_EQ(UserErrorOf([&] { Load(twice); }),
            twice + ":5:1: key 'metric' is already in [sweep] at line 3");
  const std::string method = Written("hpo_ini_method.ini", "[sweep]\nmethod = ParetoGenetic\n");
  EXPECT_EQ(UserErrorOf([&] { Load(method); }),
            method +
                ":2:10: sweep.method 'ParetoGenetic': hpo runs PufferLib's Protein and "
                "Random (sweep.py's ParetoGenetic has no equivalent here)");
}

}  // namespace
}  // namespace hpo::config
