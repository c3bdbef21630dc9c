// hpo convert end to end: the repository's default sweep and a foreign-vocabulary file written
// as W&B sweeps that hpo loads back; a bad --to is a one-line error with exit code 2.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "lib/config/sweep_config.h"
#include "lib/core/error.h"
#include "tests/e2e/run_hpo.h"
#include "tests/support/test_dir.h"

namespace hpo::e2e {
namespace {

namespace fs = std::filesystem;

class ConvertCliTest : public testing::Test {
 protected:
  void SetUp() override { dir_ = testing_support::FreshTestDir("convert_e2e"); }

  /// Runs `hpo convert <args>` with stdout to `out` (only errors come back in the output).
  CommandResult Convert(const std::string& args, const fs::path& out) const {
    return RunHpo("convert " + args + " > " + out.string());
  }

  static std::string Read(const fs::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  fs::path dir_;
};

TEST_F(ConvertCliTest, TheDefaultSweepAsAWandbSweepLoadsBack) {
  const std::string lunar = std::string(HPO_SOURCE_DIR) + "/configs/lunar.yaml";
  const fs::path out = dir_ / "lunar_wandb.yaml";
  const CommandResult r = Convert(lunar + " --to wandb", out);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, "");  // nothing on stderr
  const std::string yaml = Read(out);
  EXPECT_EQ(yaml.rfind("# hpo convert --to wandb: ", 0), 0u) << yaml;
  const config::SweepConfig original = config::LoadSweepConfig(lunar);
  const config::SweepConfig back = config::LoadSweepConfig(out);
  EXPECT_EQ(back.name, "lunar");
  EXPECT_EQ(back.objectives.metric, original.objectives.metric);
  EXPECT_EQ(back.n_trials, original.n_trials);
  EXPECT_EQ(back.fixed, original.fixed);
  EXPECT_EQ(back.parameters.size(), original.parameters.size());
}

TEST_F(ConvertCliTest, AKatibExperimentWithAProgramAsAWandbSweepLoadsBack) {
  const fs::path katib = dir_ / "katib.yaml";
  std::ofstream(katib) << R"(apiVersion: kubeflow.org/v1beta1
kind: Experiment
metadata: {name: demo}
spec:
  objective: {type: minimize, objectiveMetricName: loss}
  maxTrialCount: 6
  parallelTrialCount: 2
  parameters:
    - name: lr
      parameterType: double
      feasibleSpace: {min: "0.001", max: "0.1", distribution: logUniform}
    - name: conv_layers
      parameterType: int
      feasibleSpace: {min: "1", max: "4"}
    - name: opt_kind
      parameterType: categorical
      feasibleSpace: {list: [adam, sgd]}
)";
  const fs::path out = dir_ / "katib_wandb.yaml";
  // its names are not hpo train keys: like hpo sweep, convert needs the program to load it
  const CommandResult refused = Convert(katib.string() + " --to wandb", out);
  EXPECT_EQ(refused.exit_code, 2) << refused.output;
  const CommandResult r =
      Convert(katib.string() + " --to wandb --command 'python3 train.py ${args}'", out);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string yaml = Read(out);
  EXPECT_NE(yaml.find("(read as Katib Experiment"), std::string::npos) << yaml;
  const config::SweepConfig back = config::LoadSweepConfig(out);
  EXPECT_EQ(back.command, (std::vector<std::string>{"python3", "train.py", "${args}"}));
  EXPECT_EQ(back.objectives.metric, "loss");
  EXPECT_FALSE(back.objectives.maximize);
  EXPECT_EQ(back.n_trials, 6);
  ASSERT_EQ(back.parameters.size(), 3u);
  EXPECT_EQ(back.parameters[0].numeric.distribution, "loguniform");
  EXPECT_EQ(back.parameters[1].numeric.distribution, "int_uniform");
  EXPECT_EQ(back.parameters[2].choices, (std::vector<Value>{"adam", "sgd"}));
}

TEST_F(ConvertCliTest, AnUnknownTargetIsOneLineAndExitCodeTwo) {
  const CommandResult r =
      RunHpo("convert " + std::string(HPO_SOURCE_DIR) + "/configs/lunar.yaml --to yaml");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(r.output, "hpo: error: --to: unknown format 'yaml' (known: hpo, wandb, optuna)\n");
}

}  // namespace
}  // namespace hpo::e2e
