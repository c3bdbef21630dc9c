#include "lib/config/queued_trial.h"

#include <gtest/gtest.h>

#include "lib/config/sweep_config.h"
#include "lib/core/error.h"

namespace hpo::config {
namespace {

SweepConfig Sweep(const std::string& rest) {
  return ParseSweepConfig(
      "method: random\nmetric: {name: score}\ncommand: [prog, \"${args}\"]\n" + rest, "t.yaml",
      "t");
}

TEST(FirstTrialsTest, EnqueuedEntriesRunFirstCompletedWithTheSearchCentre) {
  const SweepConfig c = Sweep(
      "parameters:\n  x: {min: 0.0, max: 1.0}\n  n: {values: [1, 2, 3]}\nenqueue:\n  - {x: 0.25}\n "
      " - {x: 0.75, n: 3}\n");
  const std::vector<QueuedTrial> first = FirstTrials(c, c.BuildSpace());
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].params,
            (ParamSet{{"x", Value(0.25)},
                      {"n", Value(1)}}));  // n: a categorical's centre is its first choice
  EXPECT_EQ(first[0].given, std::set<std::string>{"x"});
  EXPECT_EQ(first[0].label, "enqueued");
  EXPECT_EQ(first[1].params, (ParamSet{{"x", Value(0.75)}, {"n", Value(3)}}));
}

TEST(FirstTrialsTest, WithoutEntriesAMeanOrPriorMakesTheCentreTheFirstTrial) {
  const SweepConfig with_mean =
      Sweep("parameters:\n  x: {min: 0.0, max: 1.0, mean: 0.2}\n  y: {min: 0.0, max: 4.0}\n");
  const std::vector<QueuedTrial> first = FirstTrials(with_mean, with_mean.BuildSpace());
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].label, "prior");
  EXPECT_EQ(first[0].given, std::set<std::string>{"x"});
  EXPECT_NEAR(first[0].params.at("x").as_double(), 0.2, 1e-12);
  EXPECT_NEAR(first[0].params.at("y").as_double(), 2.0, 1e-12);

  const SweepConfig plain = Sweep("parameters:\n  x: {min: 0.0, max: 1.0}\n");
  EXPECT_TRUE(FirstTrials(plain, plain.BuildSpace()).empty());
}

TEST(FirstTrialsTest, AnEntryOutsideTheSpaceIsAUserErrorAtItsLine) {
  const SweepConfig c = Sweep("parameters:\n  x: {min: 0.0, max: 1.0}\nenqueue:\n  - {x: 2.0}\n");
  try {
    FirstTrials(c, c.BuildSpace());
    FAIL() << "x = 2 was queued";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("t.yaml:7:9:"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace hpo::config
