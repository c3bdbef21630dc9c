// PufferLib's sweep files read as the version they were written for (issue 36, item 4):
// PufferLib 3.0's sweep.py centres each parameter at its mean (pufferlib/sweep.py@ac6dce4:127),
// the newest one never reads mean and centres between min and max (@06e62ac:49); Metta's
// Protein files without a parameters: wrapper; Protein's refusal of `normal`.
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

const std::string kFixtures = std::string(HPO_SOURCE_DIR) + "/tests/fixtures/vocabularies/";
const std::vector<std::string> kCommand = {"./train", "${args}"};

SweepConfig Load(const std::string& path) { return LoadSweepConfig(path, "", kCommand, {}); }

using testing_support::Param;

bool HasNote(const SweepConfig& c, const std::string& part) {
  for (const std::string& note : c.notes) {
    if (note.find(part) != std::string::npos) return true;
  }
  return false;
}

std::string Written(const std::string& name, const std::string& text) {
  std::string path = (testing_support::OwnTestDir("files") / name).string();
  std::ofstream(path) << text;
  return path;
}

// The value hpo's first (centre) trial gives a parameter: Protein's first suggestion.
Value CentreValue(const SweepConfig& c, const std::string& name) {
  const space::SearchSpace space = c.BuildSpace();
  return space.ToParams(space.Center()).at(name);
}

const std::string kSweepHead = "[sweep]\nmethod = Protein\nmetric = score\ngoal = maximize\n\n";

TEST(PufferLibVocabularyTest, PufferLib3MeanIsTheCentreAndOneBelowMinIsSearchedFromMin) {
  // PufferLib 3.0's grammar (its config/default.ini@e0d9b98 has a mean below min, too)
  const SweepConfig c = Load(kFixtures + "pufferlib_ini/protein_mean_below_min.ini");
  EXPECT_NE(c.vocabulary.find("PufferLib 3.0's sweep.py"), std::string::npos) << c.vocabulary;
  EXPECT_EQ(c.parameters.size(), 7u);  // SOURCES.md's hand count
  EXPECT_EQ(Param(c, "train.learning_rate").numeric.mean, 0.02);
  EXPECT_EQ(Param(c, "train.gamma").numeric.mean, 0.99);
  const ParameterSpec& minibatch = Param(c, "train.minibatch_size");
  EXPECT_EQ(minibatch.numeric.min, 8192);
  EXPECT_EQ(minibatch.numeric.mean, 8192);
  EXPECT_TRUE(HasNote(c, "train.minibatch_size: mean 4096.0 is outside [8192.0, 65536.0]"));
  EXPECT_EQ(CentreValue(c, "train.batch_size"), Value(int64_t{262144}));
}

TEST(PufferLibVocabularyTest, NewestSweepPyCentresEachRangeInTheMiddleAsItRounds) {
  // sweep.py@06e62ac: norm_mean = 0, unnormalize(0) with Python's round (halves to even)
  const SweepConfig c =
      Load(Written("puffer_newest.ini", kSweepHead + "[sweep.train.update_epochs]\n"
                                                     "distribution = int_uniform\n"
                                                     "min = 1\nmax = 8\nscale = auto\n\n"
                                                     "[sweep.train.horizon]\n"
                                                     "distribution = uniform_pow2\n"
                                                     "min = 8\nmax = 1024\nscale = auto\n\n"
                                                     "[sweep.train.gae_lambda]\n"
                                                     "distribution = logit_normal\n"
                                                     "min = 0.2\nmax = 0.995\nmean = 0.5\n"
                                                     "scale = auto\n\n"
                                                     "[sweep.train.learning_rate]\n"
                                                     "distribution = log_normal\n"
                                                     "min = 0.0001\nmax = 0.01\n"
                                                     "scale = 0.5\n"));
  EXPECT_NE(c.vocabulary.find("newest sweep.py"), std::string::npos) << c.vocabulary;
  EXPECT_EQ(CentreValue(c, "train.update_epochs"), Value(int64_t{4}));  // round(4.5) == 4
  EXPECT_EQ(CentreValue(c, "train.horizon"), Value(int64_t{64}));       // 2 ** round(6.5)
  // 1 - 10 ** ((log10(0.8) + log10(0.005)) / 2): the middle of the log10(1 - x) axis; the
  // file's mean 0.5 is not read
  EXPECT_NEAR(CentreValue(c, "train.gae_lambda").as_double(), 0.93675444679663, 1e-12);
  EXPECT_TRUE(HasNote(c, "mean of train.gae_lambda not read"));
  EXPECT_NEAR(CentreValue(c, "train.learning_rate").as_double(), 0.001, 1e-12);  // geometric mean
  EXPECT_FALSE(Param(c, "train.learning_rate").numeric.mean);
}

TEST(PufferLibVocabularyTest, ASectionWithoutScaleIsRefusedAsSweepPyRefusesIt) {
  const std::string path = Written("puffer_no_scale.ini", kSweepHead +
                                                              "[sweep.train.gamma]\n"
                                                              "distribution = logit_normal\n"
                                                              "min = 0.8\nmax = 0.999\n");
  EXPECT_EQ(UserErrorOf([&] { Load(path); }),
            path +
                ":6:1: section [sweep.train.gamma] has no scale (PufferLib's sweep.py reads it: "
                "write scale = auto)");
}

TEST(PufferLibVocabularyTest, MettasGroupsWithoutAParametersWrapperAreParameters) {
  // as Metta's configs/sweep/quick.yaml@85c376b: trainer: optimizer: learning_rate: {...}
  const SweepConfig c = Load(kFixtures + "metta/groups_without_parameters.yaml");
  ASSERT_EQ(c.parameters.size(), 1u);
  const ParameterSpec& lr = Param(c, "trainer.optimizer.learning_rate");
  EXPECT_EQ(lr.numeric.distribution, "log_normal");
  EXPECT_EQ(lr.numeric.min, 0.0002);
  EXPECT_EQ(lr.numeric.max, 0.004);
  EXPECT_EQ(lr.numeric.mean, 0.001);
  EXPECT_EQ(lr.numeric.scale, "0.5");
  EXPECT_EQ(c.objectives.metric, "episode_reward");
  EXPECT_TRUE(HasNote(c, "trainer: a parameter group without parameters:"));
}

TEST(PufferLibVocabularyTest, ProteinsNormalIsRefusedAsProteinRefusesIt) {
  // as in Metta's configs/sweep/protein_pong_sweep.yaml@762b305: Protein raises 'Invalid
  // distribution'
  const std::string path = kFixtures + "metta/normal_refused.yaml";
  const std::string error = UserErrorOf([&] { Load(path); });
  EXPECT_NE(error.find(path + ":10:7: env.spawn_rate: 'normal' with min and max"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("'Invalid distribution: normal'"), std::string::npos) << error;
}

TEST(PufferLibVocabularyTest, January2025LogNormalsAreGivenByMeanScaleAndClip) {
  // the grammar of config/default.ini@86aa730, sampled by ablate.py@86aa730:64-84: 10 **
  // clip(normal(log10 mean, scale), log10 mean -+ clip); logit_normal is 1 - that of 1 - mean
  const SweepConfig c = Load(kFixtures + "pufferlib_ini/random_clip_jan2025.ini");
  EXPECT_NE(c.vocabulary.find("random sweep of January 2025"), std::string::npos) << c.vocabulary;
  EXPECT_EQ(c.sampler.method, "random");
  EXPECT_EQ(c.objectives.metric, "snake_length");  // from the [sweep.metric] section
  EXPECT_TRUE(c.objectives.maximize);
  EXPECT_EQ(c.parameters.size(), 5u);                         // SOURCES.md's hand count
  const ParameterSpec& lr = Param(c, "train.learning_rate");  // mean 0.002, scale 1, clip 2
  EXPECT_EQ(lr.numeric.distribution, "log_normal");
  EXPECT_DOUBLE_EQ(lr.numeric.min, 2e-5);
  EXPECT_DOUBLE_EQ(lr.numeric.max, 0.2);
  EXPECT_EQ(lr.numeric.mean, 0.002);
  EXPECT_EQ(lr.numeric.scale, "0.5");  // 1 decade of 2 either side: half of the half-range
  const ParameterSpec& gamma = Param(c, "train.gamma");  // mean 0.97, scale 0.5, clip 1
  EXPECT_EQ(gamma.numeric.distribution, "logit_normal");
  EXPECT_DOUBLE_EQ(gamma.numeric.min, 0.7);
  EXPECT_DOUBLE_EQ(gamma.numeric.max, 0.997);
  EXPECT_EQ(gamma.numeric.mean, 0.97);
  EXPECT_EQ(Param(c, "train.update_epochs").numeric.max, 6);  // min and max, no scale then
  EXPECT_TRUE(HasNote(c, "train.gamma: logit_normal with mean 0.97, scale 0.5, clip 1.0"));
}

TEST(PufferLibVocabularyTest, A2025MetricSectionGivesTheMetricAndGoal) {
  // sweep.py of February 2025 (@aad51c5:182-184) reads sweep_config['metric']['goal']
  const SweepConfig c = Load(Written("puffer_metric_section.ini",
                                     "[sweep]\nmethod = protein\nname = sweep\nmax_score = None\n"
                                     "[sweep.metric]\ngoal = minimize\nname = loss\nmin = 0\n"
                                     "[sweep.train.gamma]\ndistribution = logit_normal\n"
                                     "min = 0.8\nmean = 0.98\nmax = 0.999\nscale = 0.5\n"));
  EXPECT_EQ(c.objectives.metric, "loss");
  EXPECT_FALSE(c.objectives.maximize);
  EXPECT_EQ(c.sampler.method, "protein");
  EXPECT_EQ(Param(c, "train.gamma").numeric.mean, 0.98);
  EXPECT_NE(c.vocabulary.find("PufferLib 3.0's sweep.py"), std::string::npos) << c.vocabulary;
}

TEST(PufferLibVocabularyTest, AnEnvironmentFileWithoutItsObjectiveIsRefused) {
  // PufferLib reads an environment's file over config/default.ini (pufferl.py load_config),
  // which gives metric, goal and more [sweep.*] sections; alone, sweep.py's config['metric']
  // is a KeyError (conformance case pufferlib/space/config-ocean-breakout)
  const std::string path = Written("puffer_env_only.ini",
                                   "[sweep.train.gamma]\n"
                                   "distribution = logit_normal\n"
                                   "min = 0.8\nmax = 0.999\n"
                                   "mean = 0.95\nscale = auto\n");
  EXPECT_NE(UserErrorOf([&] { Load(path); }).find("[sweep] has no metric"), std::string::npos);
}

}  // namespace
}  // namespace hpo::config
