// neroRL's tuning file, read as neroRL/optuna.py reads it (MarcoMeter/neroRL).
#include <gtest/gtest.h>

#include "lib/config/sweep_config.h"
#include "tests/support/user_error.h"

namespace hpo::config {
namespace {

const std::string kFile =
    std::string(HPO_SOURCE_DIR) + "/tests/fixtures/vocabularies/nerorl/tune.yaml";

TEST(NeroRlVocabularyTest, BlocksAreOptunasSuggestionsAndTheStudyIsNeroRls) {
  const SweepConfig c = LoadSweepConfig(kFile, "", {"python3", "ntrain.py"});
  EXPECT_EQ(c.vocabulary, "neroRL tuning file (categorical:)");
  std::vector<std::string> described;
  for (const ParameterSpec& p : c.parameters)
    described.push_back(p.name + ": " + DescribeParameter(p));
  EXPECT_EQ(described,
            (std::vector<std::string>{
                "layer_type: categorical [gru, lstm]", "hidden_units: categorical [128, 256, 512]",
                "discount: categorical [0.99, 0.995]", "clip_range: uniform [0.1, 0.3]",
                "learning_rate: loguniform [1e-05, 0.001]"}));
  // optuna.py:259-260 (8dd62bd): TPESampler, maximize, PercentilePruner(25.0, ...)
  EXPECT_EQ(c.sampler.method, "tpe");
  EXPECT_TRUE(c.objectives.maximize);
  EXPECT_EQ(c.pruner.method, "percentile");
  EXPECT_EQ(c.pruner.percentile_rule.percentile, 25.0);
  EXPECT_EQ(c.pruner.percentile_rule.n_startup_trials, 4);
  EXPECT_EQ(c.pruner.percentile_rule.n_warmup_steps, 200);
  EXPECT_EQ(c.ignored, (std::vector<std::string>{"seed", "num_updates", "trainer_period"}));
}

}  // namespace
}  // namespace hpo::config
