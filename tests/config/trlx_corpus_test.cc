// trlx's first Ray Tune layout (github:CarperAI/trlx aafcae9e: configs/ray_tune_configs/*.yml,
// read by trlx/ray_tune/__init__.py and train_sweep.py): a whole trlx config whose model:,
// train: and method: sections hold {strategy, values} one level down.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "lib/config/sweep_config.h"
#include "tests/support/test_dir.h"
#include "tests/support/user_error.h"

namespace hpo::config {
namespace {

using testing_support::UserErrorOf;

std::string Written(const std::string& scheduler) {
  const auto path = testing_support::OwnTestDir("files") / "ppo_config.yml";
  std::ofstream(path) << "tune_config:\n"
                         "  mode: max\n"
                         "  metric: mean_reward\n"
                         "  search_alg: random\n"
                         "  scheduler: " +
                             scheduler +
                             "\n"
                             "  num_samples: 15\n"
                             "  time_budget_s: null\n"
                             "model:\n"
                             "  model_path: gpt2\n"
                             "  num_layers_unfrozen: {strategy: choice, values: [2, 3]}\n"
                             "train:\n"
                             "  batch_size: 128\n"
                             "  epochs: {strategy: choice, values: [80, 100]}\n"
                             "method:\n"
                             "  ppo_epochs: {strategy: randint, values: [3, 6]}\n"
                             "  gen_kwargs: {max_length: 48, top_k: {strategy: choice}}\n"
                             "other: {x: 1}\n";
  return path.string();
}

// get_param_space (ray_tune/__init__.py:90-107) turns the strategies of model, train and method
// into Ray calls, one level down only; the other sections are not passed.
TEST(TrlxCorpusTest, TheRayTuneLayoutsSectionsHoldTheStrategies) {
  const SweepConfig c = LoadSweepConfig(Written("fifo"), "", {"python3", "train.py", "${args}"});
  ASSERT_EQ(c.parameters.size(), 3u);
  EXPECT_EQ(DescribeParameter(c.parameters[2]), "int_uniform [3.0, 5.0]");
  EXPECT_EQ(c.parameters[2].name, "method.ppo_epochs");
  EXPECT_EQ(c.n_trials, 15);
  EXPECT_EQ(c.objectives.metric, "mean_reward");
}

// get_scheduler (ray_tune/__init__.py:147-169) builds HyperBandForBOHB, which pauses trials:
// refused as in trlx's later sweep files.
TEST(TrlxCorpusTest, TheRayTuneLayoutsHyperbandIsRefusedAtItsLine) {
  const std::string error = UserErrorOf([] {
    LoadSweepConfig(Written("hyperbandforbohb"), "", {"python3", "train.py", "${args}"});
  });
  EXPECT_NE(error.find("ppo_config.yml:5:14: tune_config.scheduler 'hyperbandforbohb'"),
            std::string::npos)
      << error;
}

}  // namespace
}  // namespace hpo::config
