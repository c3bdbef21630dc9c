// hpo's `when:`: a parameter searched only while another takes given values, read with its
// file:line:col, shown by DescribeParameter, stored and read back, and checked at load.
#include <gtest/gtest.h>

#include "lib/config/sweep_config.h"
#include "lib/space/search_space.h"
#include "tests/support/user_error.h"

namespace hpo::config {
namespace {

using testing_support::UserErrorOf;

const std::string kSweep = R"(method: tpe
command: [python3, train.py]
parameters:
  optimizer: {values: [adam, sgd, rmsprop]}
  momentum: {min: 0.5, max: 0.99, when: {optimizer: [sgd, rmsprop]}}
  nesterov: {values: [true, false], when: {momentum: 0.9}}
  beta1: {min: 0.8, max: 0.95, when: {optimizer: adam}}
)";

const ParameterSpec& Param(const SweepConfig& c, const std::string& name) {
  for (const ParameterSpec& p : c.parameters) {
    if (p.name == name) return p;
  }
  throw std::runtime_error("no parameter " + name);
}

TEST(ConditionalParametersTest, WhenMakesAParameterConditional) {
  const SweepConfig c = ParseSweepConfig(kSweep, "sweep.yaml", "s");
  EXPECT_EQ(DescribeParameter(Param(c, "momentum")),
            "uniform [0.5, 0.99] when optimizer in [sgd, rmsprop]");
  EXPECT_EQ(DescribeParameter(Param(c, "beta1")), "uniform [0.8, 0.95] when optimizer in [adam]");
  EXPECT_EQ(Param(c, "momentum").condition->origin.where, "sweep.yaml:5:41");
  const space::SearchSpace space = c.BuildSpace();
  const ParamSet adam = space.ToParams({0, 0.5, 0, 0.5});
  EXPECT_EQ(adam.size(), 2u);  // optimizer and beta1
  EXPECT_TRUE(adam.contains("beta1"));
}

TEST(ConditionalParametersTest, TheStoredConfigReadsBackAsTheSameSweep) {
  const SweepConfig c = ParseSweepConfig(kSweep, "sweep.yaml", "s");
  const SweepConfig again = ParseSweepConfig(c.ToYaml(), "stored", "s");
  EXPECT_EQ(DescribeParameter(Param(again, "momentum")), DescribeParameter(Param(c, "momentum")));
  EXPECT_TRUE(StudyChanges(c, again).empty());
  SweepConfig without = c;
  for (ParameterSpec& p : without.parameters) p.condition.reset();
  EXPECT_FALSE(StudyChanges(c, without).empty());  // a condition is part of the search space
}

TEST(ConditionalParametersTest, ABadConditionIsRefusedAtItsLine) {
  auto error = [](const std::string& when) {
    return UserErrorOf([&] {
      ParseSweepConfig(
          "method: tpe\ncommand: [python3, t.py]\nparameters:\n"
          "  optimizer: {values: [adam, sgd]}\n"
          "  depth: {values: [1, 2], when: " +
              when + "}\n  lr: 0.1\n",
          "s.yaml", "s")
          .BuildSpace();
    });
  };
  EXPECT_EQ(error("{optimiser: sgd}"),
            "s.yaml:5:33: depth: its condition names 'optimiser', which is no other searched "
            "parameter of this sweep");
  EXPECT_EQ(error("{optimizer: nadam}"),
            "s.yaml:5:33: depth: its condition asks for optimizer = nadam, a value optimizer "
            "never takes (categorical [adam, sgd])");
  EXPECT_EQ(error("{lr: 0.1}"),
            "s.yaml:5:33: depth: its condition names 'lr', which is a constant here, not a "
            "searched parameter");
  EXPECT_EQ(error("{depth: 1}"),
            "s.yaml:5:33: depth: its condition names 'depth', which is no other searched "
            "parameter of this sweep");
  EXPECT_EQ(error("[optimizer, sgd]"),
            "s.yaml:5:33: depth.when must be one PARENT: VALUE, PARENT: [VALUES] or PARENT: "
            "{gt: A, lt: B} entry, e.g. when: {optimizer: sgd}");
  EXPECT_NE(UserErrorOf([] {
              ParseSweepConfig(
                  "command: [python3, t.py]\nparameters:\n  a: {values: [1, 2], "
                  "when: {b: 1}}\n  b: {values: [1, 2], when: {a: 1}}\n",
                  "s.yaml", "s")
                  .BuildSpace();
            }).find("circle"),
            std::string::npos);
}

const std::string kRanges = R"(method: tpe
command: [python3, train.py]
parameters:
  n_layers: {distribution: int_uniform, min: 1, max: 6}
  width: {distribution: int_uniform, min: 32, max: 512, when: {n_layers: {gt: 1}}}
  dropout: {min: 0.0, max: 0.5, when: {n_layers: {gt: 1, lt: 4}}}
)";

// `when: {PARENT: {gt: A, lt: B}}`: active while the numeric parent is above A and below B,
// strictly (ConfigSpace's GT and LT); shown, stored and read back as such.
TEST(ConditionalParametersTest, ARangeConditionComparesANumericParent) {
  const SweepConfig c = ParseSweepConfig(kRanges, "sweep.yaml", "s");
  EXPECT_EQ(DescribeParameter(Param(c, "width")), "int_uniform [32.0, 512.0] when n_layers > 1.0");
  EXPECT_EQ(DescribeParameter(Param(c, "dropout")),
            "uniform [0.0, 0.5] when n_layers > 1.0 and n_layers < 4.0");
  const space::SearchSpace space = c.BuildSpace();
  EXPECT_TRUE(space.Contains({{"n_layers", Value(1)}}));
  EXPECT_TRUE(
      space.Contains({{"n_layers", Value(2)}, {"width", Value(64)}, {"dropout", Value(0.1)}}));
  EXPECT_TRUE(space.Contains({{"n_layers", Value(4)}, {"width", Value(64)}}));
  EXPECT_FALSE(
      space.Contains({{"n_layers", Value(4)}, {"width", Value(64)}, {"dropout", Value(0.1)}}));
  const SweepConfig again = ParseSweepConfig(c.ToYaml(), "stored", "s");
  EXPECT_EQ(DescribeParameter(Param(again, "dropout")), DescribeParameter(Param(c, "dropout")));
  EXPECT_TRUE(StudyChanges(c, again).empty());
  SweepConfig moved = c;
  moved.parameters[2].condition->below = 5;
  EXPECT_FALSE(StudyChanges(c, moved).empty());  // the range is part of the search space
}

TEST(ConditionalParametersTest, ABadRangeConditionIsRefusedAtItsLine) {
  auto error = [](const std::string& when) {
    return UserErrorOf([&] {
      ParseSweepConfig(
          "method: tpe\ncommand: [python3, t.py]\nparameters:\n"
          "  optimizer: {values: [adam, sgd]}\n  n: {distribution: int_uniform, min: 1, max: 6}\n"
          "  depth: {values: [1, 2], when: " +
              when + "}\n",
          "s.yaml", "s")
          .BuildSpace();
    });
  };
  EXPECT_EQ(error("{optimizer: {gt: 1}}"),
            "s.yaml:6:33: depth: its condition compares optimizer with a number, and optimizer "
            "is categorical (categorical [adam, sgd]): list the values instead, when: "
            "{optimizer: [...]}");
  EXPECT_EQ(error("{n: {gt: 9}}"),
            "s.yaml:6:33: depth: its condition compares n with 9.0, a value n never takes "
            "(int_uniform [1.0, 6.0])");
  EXPECT_EQ(error("{n: {gt: 4, lt: 3}}"),
            "s.yaml:6:33: depth: its condition (n > 4.0 and n < 3.0) holds for no value");
  EXPECT_EQ(error("{n: {ge: 4}}"),
            "s.yaml:6:38: depth.when.n: a comparison is gt: NUMBER and/or lt: NUMBER, not 'ge'");
  EXPECT_EQ(error("{n: {}}"),
            "s.yaml:6:37: depth.when.n compares with nothing: write gt: NUMBER and/or lt: NUMBER");
  EXPECT_EQ(error("{n: {gt: high}}"), "s.yaml:6:42: depth.when.n.gt must be a number, got 'high'");
}

TEST(ConditionalParametersTest, AGridRunsEachDistinctTrialOnce) {
  const SweepConfig c = ParseSweepConfig(
      "method: grid\ncommand: [python3, t.py]\nparameters:\n  optimizer: {values: [adam, sgd]}\n"
      "  momentum: {values: [0.8, 0.9, 0.99], when: {optimizer: sgd}}\n",
      "s.yaml", "s");
  EXPECT_EQ(c.n_trials, 4);  // adam, and sgd with each momentum
}

}  // namespace
}  // namespace hpo::config
