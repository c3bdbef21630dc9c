// A PufferLib environment's INI file read over the config/default.ini PufferLib reads under it
// (PufferLib 3.0: pufferlib/pufferl.py@bce45ca:1143-1156, 4.0: pufferl.py@41dc40b:612-625,
// `p.read([puffer_default_config, path])`; PufferLib 2: demo.py@496d42e:375-389, with a
// default.ini beside the file in between). configparser merges the files key by key, the
// later file winning. The fixtures are files written for these tests.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "lib/config/sweep_config.h"
#include "tests/support/test_dir.h"
#include "tests/support/user_error.h"

namespace hpo::config {
namespace {

using testing_support::UserErrorOf;

const std::string kIni =
    std::string(HPO_SOURCE_DIR) + "/tests/fixtures/vocabularies/pufferlib_ini/";
const std::vector<std::string> kCommand = {"./train", "${args}"};

std::vector<std::string> Described(const SweepConfig& c) {
  std::vector<std::string> out;
  for (const ParameterSpec& p : c.parameters) out.push_back(p.name + ": " + DescribeParameter(p));
  return out;
}

bool HasNote(const SweepConfig& c, const std::string& part) {
  for (const std::string& note : c.notes) {
    if (note.find(part) != std::string::npos) return true;
  }
  return false;
}

std::filesystem::path Written(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path) << text;
  return path;
}

// The env file changes [sweep]'s metric and gamma's min only, and adds a section: the rest is
// default.ini's. PufferLib 3.0's sweep.py on the same merge (scripts/conformance/
// pufferlib_space_verdicts.py's verdict at bce45ca): learning_rate log_normal [1e-05, 0.1]
// centre 0.01, gamma logit_normal [0.9, 0.9999] centre 0.98, frameskip int_uniform [1, 8]
// centre 4, goal maximize.
TEST(PufferLibDefaultsTest, AnEnvironmentsFileIsReadOverItsConfigDefaultIni) {
  const std::string env = kIni + "puffer3/pufferlib/config/ocean/breakout.ini";
  const SweepConfig c = LoadSweepConfig(env, "", kCommand);
  EXPECT_EQ(c.objectives.metric, "environment/score");
  EXPECT_TRUE(c.objectives.maximize);
  EXPECT_EQ(c.sampler.method, "protein");
  EXPECT_EQ(Described(c), (std::vector<std::string>{
                              "train.learning_rate: log_normal [1e-05, 0.1] mean 0.01 scale 0.5",
                              "train.gamma: logit_normal [0.9, 0.9999] mean 0.98 scale auto",
                              "env.frameskip: int_uniform [1.0, 8.0] mean 4.0 scale auto"}));
  const std::string defaults =
      std::filesystem::weakly_canonical(kIni + "puffer3/pufferlib/config/default.ini").string();
  EXPECT_NE(c.vocabulary.find(", over " + defaults), std::string::npos) << c.vocabulary;
  EXPECT_TRUE(HasNote(c, "read over " + defaults));
  // an error in a value default.ini gives names default.ini's line
  const std::filesystem::path dir = testing_support::FreshTestDir("defaults") / "config";
  Written(dir / "default.ini",
          "[sweep]\nmethod = Protein\nmetric = score\ngoal = maximize\n\n"
          "[sweep.train.gamma]\ndistribution = logit_normal\nmin = 0.999\nmax = 0.9\n"
          "scale = auto\n");
  const std::string error = UserErrorOf(
      [&] { LoadSweepConfig(Written(dir / "env.ini", "[env]\nx = 1\n"), "", kCommand); });
  EXPECT_EQ(error.rfind((dir / "default.ini").string() + ":", 0), 0u) << error;
}

// PufferLib 2 reads config/default.ini, then config/atari/default.ini, then the game's file.
TEST(PufferLibDefaultsTest, PufferLib2ReadsTheFamilyDefaultsBetween) {
  const SweepConfig c = LoadSweepConfig(kIni + "puffer2/config/atari/breakout.ini", "", kCommand);
  EXPECT_EQ(c.objectives.metric, "environment/score");  // the game's, over default.ini's
  EXPECT_TRUE(c.objectives.maximize);                   // default.ini's
  EXPECT_EQ(Described(c),
            (std::vector<std::string>{"train.learning_rate: loguniform [1e-05, 0.1]",
                                      "train.gamma: uniform [0.95, 0.999]",    // min from atari/
                                      "env.frameskip: uniform [2.0, 4.0]"}));  // max from the game
  EXPECT_NE(c.vocabulary.find("config/default.ini and "), std::string::npos) << c.vocabulary;
  EXPECT_NE(c.vocabulary.find("config/atari/default.ini"), std::string::npos) << c.vocabulary;
}

TEST(PufferLibDefaultsTest, DefaultIniItselfIsReadAlone) {
  const SweepConfig c =
      LoadSweepConfig(kIni + "puffer3/pufferlib/config/default.ini", "", kCommand);
  EXPECT_EQ(c.objectives.metric, "score");
  EXPECT_EQ(c.parameters.size(), 2u);
  EXPECT_EQ(c.vocabulary.find(", over "), std::string::npos) << c.vocabulary;
}

// Without default.ini where PufferLib looks, an environment's file that lacks the sweep is
// refused in one line that says where hpo looked.
TEST(PufferLibDefaultsTest, WithoutDefaultIniTheRefusalSaysWhereItWasLookedFor) {
  const std::string env_only =
      "[sweep.train.gamma]\ndistribution = logit_normal\nmin = 0.8\nmax = 0.999\n"
      "scale = auto\n";
  const std::filesystem::path dir = testing_support::FreshTestDir("defaults");
  const std::filesystem::path in_config = Written(dir / "config" / "ocean" / "env.ini", env_only);
  EXPECT_EQ(UserErrorOf([&] { LoadSweepConfig(in_config, "", kCommand); }),
            in_config.string() +
                ":1:1: [sweep] has no metric (PufferLib's sweep.py reads it), PufferLib reads an "
                "environment's file over config/default.ini, and there is no " +
                (dir / "config" / "default.ini").string());
  const std::filesystem::path elsewhere = Written(dir / "envs" / "env.ini", env_only);
  EXPECT_EQ(UserErrorOf([&] { LoadSweepConfig(elsewhere, "", kCommand); }),
            elsewhere.string() +
                ":1:1: [sweep] has no metric (PufferLib's sweep.py reads it), PufferLib reads an "
                "environment's file over config/default.ini, and this file is in no folder "
                "named config, where PufferLib looks for it");
  // default.ini found, and neither file has the metric: PufferLib's KeyError too
  Written(dir / "config" / "default.ini", "[base]\nenv_name = None\n");
  EXPECT_EQ(UserErrorOf([&] { LoadSweepConfig(in_config, "", kCommand); }),
            in_config.string() +
                ":1:1: [sweep] has no metric (PufferLib's sweep.py reads it), nor has " +
                (dir / "config" / "default.ini").string() + " under it");
}

}  // namespace
}  // namespace hpo::config
