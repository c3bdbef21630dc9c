// The worked example of docs/trial_protocol.md ("Population-based training: checkpoints and
// restores"), docs/examples/pbt_trial.py, run directly (no sweep) with the two variables set.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/e2e/run_hpo.h"

namespace hpo::e2e {
namespace {

namespace fs = std::filesystem;

const char kPython[] = "/usr/bin/python3";

fs::path FreshDir(const std::string& name) {
  fs::path dir = fs::path(testing::TempDir()) / ("pbt_example_" + name);
  fs::remove_all(dir);
  return dir;
}

// The example's report lines, read as they are printed; each step_<N>.json of `checkpoint_dir`
// must exist when the line reporting step N is read.
std::vector<std::string> RunExample(const std::string& variables, const std::string& arguments,
                                    const fs::path& checkpoint_dir) {
  const std::string command =
      variables + " HPO_SEED=3 HPO_CHECKPOINT_DIR=" + checkpoint_dir.string() + " " + kPython +
      " " + HPO_SOURCE_DIR + "/docs/examples/pbt_trial.py " + arguments;
  FILE* out = popen(command.c_str(), "r");
  std::vector<std::string> lines;
  if (out == nullptr) return lines;
  std::array<char, 4096> line;
  while (std::fgets(line.data(), line.size(), out) != nullptr) {
    lines.emplace_back(line.data());
    const std::string step = YAML::Load(lines.back())["step"].as<std::string>();
    EXPECT_TRUE(fs::exists(checkpoint_dir / ("step_" + step + ".json")))
        << "step_" << step << ".json missing when its line was read";
  }
  EXPECT_EQ(pclose(out), 0) << command;
  return lines;
}

TEST(PbtExampleTest, WritesEachStepsCheckpointBeforeItsLineAndGoesOnFromARestore) {
  if (!fs::exists(kPython)) GTEST_SKIP() << kPython << " is missing";
  const fs::path first = FreshDir("first"), restored = FreshDir("restored"),
                 faster = FreshDir("faster");
  const std::vector<std::string> whole = RunExample("", "--steps 1000", first);
  ASSERT_EQ(whole.size(), 10u);

  // Both variables: a run from step 500's checkpoint reports 600 to 1000, and with the same
  // --lr it is the whole run's second half to the last digit (the random stream goes on).
  const std::vector<std::string> second_half = RunExample(
      "HPO_RESTORE_FROM=" + (first / "step_500.json").string(), "--steps 1000", restored);
  EXPECT_EQ(second_half, std::vector<std::string>(whole.begin() + 5, whole.end()));
  int files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(restored)) ++files;
  EXPECT_EQ(files, 5);  // step_600.json to step_1000.json, no temporary file left

  // Another --lr from the same checkpoint: the same steps, other scores.
  const std::vector<std::string> other = RunExample(
      "HPO_RESTORE_FROM=" + (first / "step_500.json").string(), "--steps 1000 --lr 0.1", faster);
  ASSERT_EQ(other.size(), 5u);
  EXPECT_EQ(YAML::Load(other.front())["step"].as<int>(), 600);
  EXPECT_NE(other, second_half);
}

}  // namespace
}  // namespace hpo::e2e
