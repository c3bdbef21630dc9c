// What the real-file corpus (tests/fixtures/corpus) showed hpo read otherwise than Ray
// (github:wingkitlee0/ray, a fork of ray-project/ray): an RLlib experiment's env: is part of its
// config, and a randint whose range holds one integer is that integer.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "lib/config/sweep_config.h"
#include "tests/support/test_dir.h"

namespace hpo::config {
namespace {

SweepConfig Loaded(const std::string& name, const std::string& text) {
  const auto path = testing_support::OwnTestDir("files") / name;
  std::ofstream(path) << text;
  return LoadSweepConfig(path.string(), "", {"python3", "train.py", "${args}"});
}

std::string Described(const SweepConfig& c, const std::string& name) {
  for (const ParameterSpec& p : c.parameters) {
    if (p.name == name) return DescribeParameter(p);
  }
  return "(not searched)";
}

// Experiment.from_json (python/ray/tune/experiment/experiment.py:256-261) moves env: into config
// before the variants are generated, so its grid_search is a grid axis; a grid of one is fixed.
TEST(RayCorpusTest, AnExperimentsEnvIsReadInsideItsConfig) {
  const SweepConfig c = Loaded("rllib.yaml",
                               "pong-ppo:\n"
                               "  env:\n"
                               "    grid_search: [PongNoFrameskip-v4, BreakoutNoFrameskip-v4]\n"
                               "  run: PPO\n"
                               "  config:\n"
                               "    lambda: 0.95\n"
                               "    lr: {grid_search: [0.001, 0.0001]}\n");
  ASSERT_EQ(c.parameters.size(), 2u);
  EXPECT_EQ(Described(c, "env"), "categorical [PongNoFrameskip-v4, BreakoutNoFrameskip-v4]");
  EXPECT_EQ(c.sampler.method, "grid");
  EXPECT_EQ(c.n_trials, 4);

  const SweepConfig one = Loaded("rllib_one.yaml",
                                 "hopper:\n"
                                 "  env: {grid_search: [hopper_random]}\n"
                                 "  run: CQL\n"
                                 "  config: {env: ignored_by_ray, tau: 0.005}\n");
  EXPECT_TRUE(one.parameters.empty());
  EXPECT_EQ(one.fixed.at("env"), Value("hopper_random"));  // Ray's env: wins over config.env
}

// Integer._Uniform draws integers(lower, upper) (sample.py:357): randint(3, 4) is always 3;
// Ray, and Ludwig and trlx which hand their spaces to Ray, read it as the constant 3.
TEST(RayCorpusTest, ARandintOfOneIntegerIsThatConstantInRayLudwigAndTrlx) {
  const SweepConfig ray = Loaded("tune.yaml",
                                 "tune:\n"
                                 "  metric: reward\n"
                                 "  mode: max\n"
                                 "  num_samples: 4\n"
                                 "  param_space:\n"
                                 "    layers: tune.randint(3, 4)\n"
                                 "    lr: tune.uniform(0.1, 0.3)\n");
  EXPECT_EQ(Described(ray, "layers"), "(not searched)");
  EXPECT_EQ(ray.fixed.at("layers"), Value(3));

  const SweepConfig ludwig =
      Loaded("ludwig.yaml",
             "hyperopt:\n"
             "  parameters:\n"
             "    combiner.num_layers: {space: randint, lower: 3, upper: 4}\n"
             "    combiner.dropout: {space: uniform, lower: 0.1, upper: 0.3}\n");
  EXPECT_EQ(ludwig.parameters.size(), 1u);
  EXPECT_EQ(ludwig.fixed.at("combiner.num_layers"), Value(3));

  const SweepConfig trlx = Loaded("trlx.yml",
                                  "tune_config: {mode: max, metric: reward, num_samples: 2}\n"
                                  "method.ppo_epochs: {strategy: randint, values: [3, 4]}\n"
                                  "method.lam: {strategy: uniform, values: [0.9, 0.99]}\n");
  EXPECT_EQ(trlx.parameters.size(), 1u);
  EXPECT_EQ(trlx.fixed.at("method.ppo_epochs"), Value(3));
}

}  // namespace
}  // namespace hpo::config
