// method: pbt in a sweep file: Ray Tune's PopulationBasedTraining settings under `pbt:`, their
// defaults, what a PBT sweep refuses, and the stored config reading back as the same sweep.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "lib/config/sweep_config.h"
#include "tests/support/same_sweep.h"
#include "tests/support/test_dir.h"
#include "tests/support/user_error.h"

namespace hpo::config {
namespace {

using testing_support::UserErrorOf;

std::string Write(const std::string& name, const std::string& body) {
  const auto path = testing_support::OwnTestDir("files") / name;
  std::ofstream(path) << "command: [prog, \"${args}\"]\nparameters:\n  lr: {min: 0.0001, max: "
                         "0.01, distribution: log_uniform_values}\n"
                      << body;
  return path.string();
}

TEST(PbtConfigTest, RaysSettingsAndDefaultsAreReadUnderPbt) {
  const SweepConfig c =
      LoadSweepConfig(Write("pbt.yaml",
                            "method: pbt\npbt:\n  perturbation_interval: 50000\n  burn_in_period: "
                            "10000\n  perturbation_factors: [1.5, 0.5]\n  synch: true\n"));
  EXPECT_EQ(c.sampler.method, "pbt");
  const pbt::PbtSettings& s = c.sampler.pbt;
  EXPECT_EQ(s.population_size, 8);  // issue 39's default (Ray has none: num_samples)
  EXPECT_EQ(s.perturbation_interval, 50000);
  EXPECT_EQ(s.burn_in, 10000);  // Ray's name, burn_in_period
  EXPECT_EQ(s.quantile_fraction, 0.25);
  EXPECT_EQ(s.resample_probability, 0.25);
  EXPECT_EQ(s.perturbation_factors, (std::vector<double>{1.5, 0.5}));
  EXPECT_TRUE(s.synch);
  const SweepConfig back = ParseSweepConfig(c.ToYaml(), "the stored config", c.name);
  testing_support::ExpectSameSweep(c, back);
  EXPECT_EQ(back.sampler.pbt, c.sampler.pbt);
  EXPECT_EQ(back.ToYaml(), c.ToYaml());
}

TEST(PbtConfigTest, WhatPbtCannotUseIsRefusedAtTheMethodsLine) {
  const auto error = [](const std::string& name, const std::string& body) {
    return UserErrorOf([&] { LoadSweepConfig(Write(name, body)); });
  };
  EXPECT_NE(error("no_interval.yaml", "method: pbt\n")
                .find("no_interval.yaml:4:9: pbt: perturbation_interval is required"),
            std::string::npos);
  EXPECT_NE(error("pruned.yaml", "method: pbt\npbt: {perturbation_interval: 10}\npruner: median\n")
                .find("pruned.yaml:4:9: method pbt: pruner median would stop members that PBT "
                      "judges itself; use pruner: none"),
            std::string::npos);
  EXPECT_NE(
      error("seeds.yaml", "method: pbt\npbt: {perturbation_interval: 10}\nseeds_per_trial: 3\n")
          .find("method pbt: seeds_per_trial must be 1"),
      std::string::npos);
  EXPECT_NE(error("factors.yaml",
                  "method: pbt\npbt: {perturbation_interval: 10, perturbation_factors: 2}\n")
                .find("factors.yaml:5:56: pbt.perturbation_factors must be a list of numbers"),
            std::string::npos);
  EXPECT_NE(error("population.yaml",
                  "method: pbt\npbt: {perturbation_interval: 10, population_size: 1}\n")
                .find("population.yaml:5:"),
            std::string::npos);
}

TEST(PbtConfigTest, AnotherMethodsStoredConfigHasNoPbtSettings) {
  const SweepConfig c = LoadSweepConfig(Write("tpe.yaml", "method: tpe\n"));
  EXPECT_EQ(c.ToYaml().find("perturbation"), std::string::npos) << c.ToYaml();
}

}  // namespace
}  // namespace hpo::config
