// Hydra 1.0's Ax sweeper layout (github:facebookresearch/hydra a23dab6): the sweeper's arguments
// under hydra.sweeper.params, which Hydra 1.0 passes to the sweeper's class
// (hydra/_internal/utils.py:407-422; plugins/hydra_ax_sweeper/.../conf/hydra/sweeper/ax.yaml).
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "lib/config/sweep_config.h"
#include "tests/support/test_dir.h"

namespace hpo::config {
namespace {

TEST(HydraCorpusTest, Hydra10AxConfigUnderParamsIsTheSweepersAxConfig) {
  const auto path = testing_support::OwnTestDir("files") / "config.yaml";
  std::ofstream(path) << "defaults:\n"
                         "  - hydra/sweeper: ax\n"
                         "model: {lr: 0.1, depth: 2}\n"
                         "hydra:\n"
                         "  sweeper:\n"
                         "    params:\n"
                         "      max_batch_size: null\n"
                         "      ax_config:\n"
                         "        max_trials: 12\n"
                         "        experiment: {minimize: false}\n"
                         "        params:\n"
                         "          model.lr: {type: range, bounds: [0.001, 0.1]}\n"
                         "          model.depth: {type: choice, values: [2, 4, 8]}\n";
  const SweepConfig c = LoadSweepConfig(path.string(), "", {"python3", "train.py", "${args}"});
  ASSERT_EQ(c.parameters.size(), 2u);
  EXPECT_EQ(DescribeParameter(c.parameters[0]), "uniform [0.001, 0.1]");
  EXPECT_EQ(c.n_trials, 12);
  EXPECT_TRUE(c.objectives.maximize);
  EXPECT_EQ(c.sampler.method, "protein");
}

}  // namespace
}  // namespace hpo::config
