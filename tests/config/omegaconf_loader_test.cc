// The files OmegaConf loads (lib/config/yaml11.h, YamlLoader::kOmegaConf): Hydra's sweeper
// configs, hypersweeper's ConfigSpace spaces and Metta's sweep files read with OmegaConf's
// meaning (YAML 1.1 on PyYAML, with its own float pattern: omegaconf/_utils.py:136-190 at
// v2.3.0), ConfigSpace's own layout and Orion's program configs with yaml.safe_load's, and hpo's
// own files with YAML 1.2's. Readings of the settings the fixture table of sweep_config_test.cc
// does not show (seeds), the notes, and the refusals.
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

const std::string kFixtures = std::string(HPO_SOURCE_DIR) + "/tests/fixtures/vocabularies/";
const std::vector<std::string> kStub = {"stub", "${args}"};

std::string Written(const std::string& name, const std::string& text) {
  std::string path = (testing_support::OwnTestDir("files") / name).string();
  std::ofstream(path) << text;
  return path;
}

// The refusal of the file `text`, from its line:col on.
std::string Refusal(const std::string& name, const std::string& text) {
  const std::string path = Written(name, text);
  std::string error = UserErrorOf([&] { LoadSweepConfig(path, "", kStub); });
  if (error.rfind(path, 0) == 0) error = error.substr(path.size());
  return error;
}

TEST(OmegaConfLoaderTest, HydrasSettingsReadAsOmegaConfReadsThem) {
  // sampler.seed: 010 is 8 (YAML 1.2: 10)
  EXPECT_EQ(LoadSweepConfig(kFixtures + "yaml11/hydra_optuna.yaml", "", kStub).seed, 8u);
  // algorithm.config.seed: 010
  EXPECT_EQ(LoadSweepConfig(kFixtures + "yaml11/hydra_orion.yaml", "", kStub).seed, 8u);
}

TEST(OmegaConfLoaderTest, AMettaFileSaysWhatOmegaConfsReadingChanged) {
  const SweepConfig metta = LoadSweepConfig(kFixtures + "yaml11/metta_protein.yaml", "", kStub);
  EXPECT_EQ(metta.notes,
            (std::vector<std::string>{
                "parameters.trainer.update_epochs.max: '010' read as 8, as OmegaConf reads "
                "Metta's sweep files (this file has Protein/Metta or CARBS spellings); YAML 1.2, "
                "hpo's own files' reading, makes it 10",
                "parameters.trainer.compile: 'yes' read as true, as OmegaConf reads Metta's sweep "
                "files (this file has Protein/Metta or CARBS spellings); YAML 1.2, hpo's own "
                "files' reading, makes it the text 'yes'"}));
  // 1e-5 is a number to both: no note
  EXPECT_TRUE(LoadSweepConfig(kFixtures + "yaml11/hpo_own.yaml", "", kStub).notes.empty());
}

TEST(OmegaConfLoaderTest, ConfigSpacesOwnLayoutIsYamlSafeLoads) {
  // ConfigurationSpace.from_yaml: yaml.safe_load reads 1e-5 as text, which ConfigSpace cannot
  // use (tests/conformance/cases/configspace/space.yaml, yaml11-own-layout-bound-without-a-dot)
  EXPECT_EQ(Refusal("own_layout.yaml",
                    "hyperparameters:\n  - {name: lr, type: uniform_float, lower: 1e-5, "
                    "upper: 1.0e-2}\n"),
            ":2:44: lr.lower must be a number, got the text '1e-5': this file's tool loads it "
            "with PyYAML (YAML 1.1), whose floats need a dot and a signed exponent; write "
            "1.0e-5");
  // hypersweeper's layout, through OmegaConf: the number
  const SweepConfig hypersweeper =
      LoadSweepConfig(Written("hypersweeper_layout.yaml",
                              "hyperparameters:\n  lr: {type: uniform_float, lower: 1e-5, "
                              "upper: 1.0e-2}\n"),
                      "", kStub);
  EXPECT_EQ(hypersweeper.parameters.at(0).numeric.min, 1e-5);
}

TEST(OmegaConfLoaderTest, AKeyTheLoaderReadsAsAnotherWordIsRefused) {
  // Orion's YAMLConverter (yaml.safe_load) names the prior True/lr
  EXPECT_EQ(Refusal("orion_program.yaml", "on:\n  lr: 'orion~loguniform(1e-5, 1.0)'\n"),
            ":1:1: the key 'on' is True to PyYAML (YAML 1.1), which this file's tool loads it "
            "with, not the word hpo would name it by: quote it ('on')");
  // Hydra's OmegaConf: hydra.sweeper.params would hold the key True
  EXPECT_EQ(Refusal("hydra_key.yaml",
                    "defaults: [{override hydra/sweeper: optuna}]\nhydra:\n  sweeper:\n"
                    "    params:\n      off: choice(1, 2)\n"),
            ":5:7: the key 'off' is False to PyYAML (YAML 1.1), which this file's tool loads it "
            "with, not the word hpo would name it by: quote it ('off')");
}

// The config a sweep stores (ToYaml) is read back by hpo's reader, which reads a file with
// Protein's spellings as OmegaConf would: strings YAML 1.1 reads otherwise are written quoted.
TEST(OmegaConfLoaderTest, TheStoredConfigReadsBackTheSameAsMettasFile) {
  const SweepConfig c = LoadSweepConfig(
      Written("metta_words.yaml",
              "method: random\nparameters:\n  lr: {distribution: log_normal, min: 1e-5, max: "
              "1e-1, mean: 3e-4, scale: auto}\n  mode: {values: ['on', '1:30', a]}\n"
              "  compile: 'yes'\n"),
      "", kStub);
  const std::string stored = c.ToYaml();
  EXPECT_NE(stored.find("compile: \"yes\""), std::string::npos) << stored;
  EXPECT_NE(stored.find("[\"on\", \"1:30\", a]"), std::string::npos) << stored;
  const SweepConfig again = ParseSweepConfig(stored, "config.yaml", "metta_words");
  EXPECT_TRUE(StudyChanges(c, again).empty());
  EXPECT_TRUE(again.notes.empty());
}

}  // namespace
}  // namespace hpo::config
