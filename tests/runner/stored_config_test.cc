#include "lib/runner/stored_config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "lib/core/error.h"
#include "tests/runner/fake_store.h"
#include "tests/support/test_dir.h"

namespace hpo::runner {
namespace {

config::SweepConfig Sweep(const std::string& x_range, int n_trials) {
  return config::ParseSweepConfig(
      "method: random\nmetric: {name: score, goal: maximize}\ncommand: [prog, "
      "\"${args}\"]\nn_trials: " +
          std::to_string(n_trials) + "\nparameters:\n  x: {min: " + x_range + "}\n",
      "test.yaml", "s");
}

std::string Read(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class StoredConfigTest : public ::testing::Test {
 protected:
  StoredConfigTest() : dir_(testing_support::FreshTestDir("stored_config")) {
    study_ = store_.OpenStudy("s", "maximize", Sweep("0.0, max: 1.0", 10).ToYaml(), true);
  }
  std::filesystem::path dir_;
  testing::FakeStore store_;
  store::Study study_;
};

// Each run records what it optimises in the study (a study from before that gets them on its
// next run), so readers take them from storage instead of parsing the stored config.
TEST_F(StoredConfigTest, TheRunsObjectivesAreRecordedInTheStudy) {
  EXPECT_FALSE(store_.ListStudies()[0].objectives);
  const config::SweepConfig same = Sweep("0.0, max: 1.0", 10);
  ReconcileStoredConfig(store_, study_, same, dir_, false);
  EXPECT_EQ(store_.ListStudies()[0].objectives, same.objectives);
  EXPECT_EQ(store_.ListStudies()[0].objectives->metric, "score");
}

TEST_F(StoredConfigTest, MoreTrialsAreNoChangeOfTheSearchAndTheNewConfigIsStored) {
  const config::SweepConfig more = Sweep("0.0, max: 1.0", 20);
  EXPECT_EQ(ReconcileStoredConfig(store_, study_, more, dir_, false), "");
  EXPECT_EQ(store_.ListStudies()[0].config_yaml, more.ToYaml());
  EXPECT_EQ(Read(dir_ / "config.yaml"), more.ToYaml());
}

TEST_F(StoredConfigTest, AnotherSpaceNeedsAcceptChangesAndIsThenListed) {
  const config::SweepConfig moved = Sweep("5.0, max: 9.0", 10);
  try {
    ReconcileStoredConfig(store_, study_, moved, dir_, false);
    FAIL() << "another space was accepted without --accept-changes";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("--accept-changes"), std::string::npos) << e.what();
  }
  EXPECT_EQ(store_.ListStudies()[0].config_yaml, study_.config_yaml);  // nothing written
  EXPECT_FALSE(std::filesystem::exists(dir_ / "config.yaml"));

  const std::string accepted = ReconcileStoredConfig(store_, study_, moved, dir_, true);
  EXPECT_EQ(accepted, "x: uniform [0.0, 1.0] -> uniform [5.0, 9.0]");
  EXPECT_EQ(store_.ListStudies()[0].config_yaml, moved.ToYaml());
}

}  // namespace
}  // namespace hpo::runner
