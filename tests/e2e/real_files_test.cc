// Users' own sweep files (../shared/configs-real), one per family, run to the end with the stub
// trial program in place of their trainers (--command), then hpo best-params prints the best.
#include <gtest/gtest.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "tests/e2e/run_hpo.h"

namespace hpo::e2e {
namespace {

namespace fs = std::filesystem;

// The file's metric as the dry run's first line names it: "..., metric NAME (maximize)".
std::string MetricOf(const std::string& dry_run) {
  const std::string first = dry_run.substr(0, dry_run.find('\n'));
  const size_t at = first.rfind(", metric ");
  if (at == std::string::npos) return "";
  const size_t start = at + 9;
  return first.substr(start, first.rfind(" (") - start);
}

class RealFileSweepTest : public testing::TestWithParam<std::string> {};

// A file of ../shared/configs-real, or "fixture:NAME" for tests/fixtures/vocabularies/NAME (the
// vocabularies the shared sample has no file of).
fs::path SweepFile(const std::string& param) {
  if (param.rfind("fixture:", 0) == 0)
    return fs::path(HPO_SOURCE_DIR) / "tests/fixtures/vocabularies" / param.substr(8);
  return fs::path(HPO_SHARED_DIR) / "configs-real" / param;
}

TEST_P(RealFileSweepTest, RunsToTheEndAndBestParamsPrintsTheBest) {
  const fs::path file = SweepFile(GetParam());
  if (!fs::exists(file))
    GTEST_SKIP() << file << " is absent (../shared/configs-real): real sweep files not run";
  const std::string name = "real_" + fs::path(GetParam()).stem().string();
  const fs::path dir = fs::path(testing::TempDir()) / name;
  fs::remove_all(dir);
  setenv("HPO_TRAIN_DIR", (dir / "train_dir").c_str(), 1);

  const std::string command =
      std::string(HPO_STUB_TRIAL) + " --steps=2 --metric_name=METRIC ${args}";
  const CommandResult dry =
      RunHpo("sweep " + file.string() + " --dry-run --command '" + command + "'");
  ASSERT_EQ(dry.exit_code, 0) << dry.output;
  const std::string metric = MetricOf(dry.output);
  ASSERT_FALSE(metric.empty()) << dry.output;

  std::string with_metric = command;
  with_metric.replace(with_metric.find("METRIC"), 6, metric);
  const CommandResult sweep = RunHpo("sweep " + file.string() + " --name " + name +
                                     " --trials 4 --command '" + with_metric + "'");
  ASSERT_EQ(sweep.exit_code, 0) << sweep.output;
  EXPECT_NE(sweep.output.find("4 trials launched here; study: "), std::string::npos)
      << sweep.output;
  EXPECT_NE(sweep.output.find("with " + metric + " = "), std::string::npos)
      << sweep.output;  // "best trial N with M = V"

  const CommandResult best =
      RunHpo("best-params " + name + " --output-dir " + (dir / "patches").string());
  ASSERT_EQ(best.exit_code, 0) << best.output;
  EXPECT_NE(best.output.find(metric), std::string::npos) << best.output;
  EXPECT_NE(best.output.find(with_metric.substr(0, with_metric.find(" ${args}"))),
            std::string::npos)
      << "the best trial's command line:\n"
      << best.output;
}

// One file of each family: W&B, Protein/Metta, CARBS, PufferLib, Hydra-Optuna, Hydra-Nevergrad,
// Katib, Determined, Azure ML; and the project's fixtures for Hydra-Ax, Ray Tune and RLlib.
INSTANTIATE_TEST_SUITE_P(
    Families, RealFileSweepTest,
    testing::Values("wandb/wandb_examples_bayes_hyperband.yaml", "protein/metta_minimal.yaml",
                    "other/metta_carbs_arch_sweep.yaml", "wandb/pufferlib_config_multi.yaml",
                    "optuna_hydra/lightning_hydra_template_mnist_optuna.yaml",
                    "other/hydra_nevergrad_example.yaml", "other/katib_optuna_distribution.yaml",
                    "other/determined_alphazero_asha.yaml", "other/azureml_lightgbm_sweep.yaml",
                    "fixture:hydra_ax.yaml", "fixture:ray_tune.yaml", "fixture:rllib.yaml"),
    [](const testing::TestParamInfo<std::string>& param) {
      std::string name = fs::path(param.param).stem().string();
      for (char& ch : name) ch = std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
      return name;
    });

}  // namespace
}  // namespace hpo::e2e
