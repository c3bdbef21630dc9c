// Conditional parameters in the search space: a parameter active only while another takes given
// values has no value in a trial where it is inactive, and a NaN coordinate in its history.
#include <gtest/gtest.h>

#include <cmath>

#include "lib/space/constraint.h"
#include "lib/space/distribution.h"
#include "lib/space/search_space.h"
#include "tests/support/user_error.h"

namespace hpo::space {
namespace {

using testing_support::UserErrorOf;

TEST(ConditionalSpaceTest, AnInactiveParameterHasNoValueAndANanCoordinate) {
  SearchSpace s;
  s.AddParameter("optimizer",
                 MakeCategorical({Value("adam"), Value("sgd")}, std::nullopt, Origin{"t"}));
  s.AddParameter("momentum", MakeNumeric({"uniform", 0.5, 0.99, {}, {}, 1}, Origin{"t"}));
  s.AddParameter("layers", MakeNumeric({"int_uniform", 1, 4, {}, {}, 1}, Origin{"t"}));
  s.AddParameter("nesterov",
                 MakeCategorical({Value(true), Value(false)}, std::nullopt, Origin{"t"}));
  s.SetCondition("momentum", "optimizer", {Value("sgd")});
  s.SetCondition("nesterov", "layers", {Value(2.0), Value(3.0)});  // int values compare by value
  EXPECT_FALSE(s.dimensions()[0].conditional);
  EXPECT_TRUE(s.dimensions()[1].conditional);

  const ParamSet adam = s.ToParams({0, 0.5, 0, 0});  // adam, layers 1
  EXPECT_EQ(adam.size(), 2u);
  EXPECT_FALSE(adam.contains("momentum"));
  EXPECT_FALSE(adam.contains("nesterov"));
  const ParamSet sgd = s.ToParams({1, 0.5, 1.0 / 3, 1});  // sgd, layers 2
  EXPECT_EQ(sgd.size(), 4u);
  EXPECT_EQ(sgd.at("layers").as_int(), 2);
  EXPECT_EQ(sgd.at("nesterov").as_bool(), false);

  EXPECT_TRUE(s.Contains(adam));
  EXPECT_TRUE(s.Contains(sgd));
  ParamSet adam_with_momentum = adam;
  adam_with_momentum["momentum"] = Value(0.9);  // a value the trial would not have been given
  EXPECT_FALSE(s.Contains(adam_with_momentum));
  ParamSet sgd_without_momentum = sgd;
  sgd_without_momentum.erase("momentum");
  EXPECT_FALSE(s.Contains(sgd_without_momentum));

  const UnitPoint unit = s.ToUnit(adam);
  EXPECT_EQ(unit[0], 0);
  EXPECT_TRUE(std::isnan(unit[1]));
  EXPECT_TRUE(std::isnan(unit[3]));
  EXPECT_TRUE(std::isnan(s.Snap(unit)[1]));
  EXPECT_EQ(s.ToParams(unit), adam);
  EXPECT_EQ(s.Impute(unit)[1], s.dimensions()[1].center);
  EXPECT_EQ(s.Active(s.ToUnit(sgd)), (std::vector<bool>{true, true, true, true}));
}

// ConfigSpace's GT and LT (conditions.py:272-298): strict comparisons of a numeric parent.
TEST(ConditionalSpaceTest, ARangeConditionIsActiveStrictlyInsideItsBounds) {
  SearchSpace s;
  s.AddParameter("lr", MakeNumeric({"loguniform", 1e-5, 1e-2, {}, {}, 1}, Origin{"t"}));
  s.AddParameter("warmup", MakeNumeric({"int_uniform", 0, 1000, {}, {}, 1}, Origin{"t"}));
  s.AddParameter("decay", MakeNumeric({"uniform", 0, 1, {}, {}, 1}, Origin{"t"}));
  s.SetRangeCondition("warmup", "lr", 1e-4, 1e-3);
  s.SetRangeCondition("decay", "lr", std::nullopt, 1e-4);
  EXPECT_TRUE(s.dimensions()[1].conditional);
  auto active = [&](double lr) {
    return s.Active(s.ToUnit({{"lr", Value(lr)}, {"decay", Value(0.5)}}));
  };
  EXPECT_EQ(s.Active({s.dimensions()[0].center, 0.5, 0.5}),
            (std::vector<bool>{true, true, false}));  // 10^-3.5 lies inside (1e-4, 1e-3)
  EXPECT_TRUE(s.Contains({{"lr", Value(1e-4)}}));     // on a bound: neither is active
  EXPECT_TRUE(s.Contains({{"lr", Value(1e-3)}}));
  EXPECT_TRUE(s.Contains({{"lr", Value(5e-5)}, {"decay", Value(0.5)}}));
  EXPECT_TRUE(s.Contains({{"lr", Value(5e-4)}, {"warmup", Value(10)}}));
  EXPECT_FALSE(s.Contains({{"lr", Value(5e-4)}}));
  EXPECT_EQ(active(5e-5), (std::vector<bool>{true, false, true}));
  EXPECT_NE(UserErrorOf([&] {
              s.SetRangeCondition("decay", "lr", 0.5, std::nullopt);
            }).find("has a condition already"),
            std::string::npos);
}

TEST(ConditionalSpaceTest, AChildOfAnInactiveParentIsInactive) {
  SearchSpace s;
  s.AddParameter("optimizer",
                 MakeCategorical({Value("adam"), Value("sgd")}, std::nullopt, Origin{"t"}));
  s.AddParameter("nesterov",
                 MakeCategorical({Value(true), Value(false)}, std::nullopt, Origin{"t"}));
  s.AddParameter("momentum", MakeNumeric({"uniform", 0.5, 0.99, {}, {}, 1}, Origin{"t"}));
  // Declared before its parent: activity does not depend on the order of dimensions.
  s.SetCondition("nesterov", "momentum", {Value(0.5)});
  s.SetCondition("momentum", "optimizer", {Value("sgd")});
  EXPECT_EQ(s.ToParams({0, 0, 0}).size(), 1u);  // adam: neither momentum nor nesterov
  EXPECT_EQ(s.ToParams({1, 0, 0}).size(), 3u);  // sgd, momentum 0.5: nesterov too
  EXPECT_EQ(s.ToParams({1, 0, 1}).size(), 2u);  // sgd, momentum 0.99: no nesterov
}

TEST(ConditionalSpaceTest, CyclesUnknownNamesAndSecondConditionsAreRefused) {
  SearchSpace s;
  s.AddParameter("a", MakeCategorical({Value(1), Value(2)}, std::nullopt, Origin{"t"}));
  s.AddParameter("b", MakeCategorical({Value(1), Value(2)}, std::nullopt, Origin{"t"}));
  s.SetCondition("b", "a", {Value(1)});
  EXPECT_NE(UserErrorOf([&] { s.SetCondition("a", "b", {Value(1)}); }).find("circle"),
            std::string::npos);
  EXPECT_NE(UserErrorOf([&] { s.SetCondition("b", "a", {Value(2)}); }).find("already"),
            std::string::npos);
  EXPECT_NE(UserErrorOf([&] { s.SetCondition("c", "a", {Value(2)}); }).find("no parameter 'c'"),
            std::string::npos);
}

TEST(ConditionalSpaceTest, AConstraintJudgesOnlyTheTrialsThatHaveItsParameters) {
  SearchSpace s;
  s.AddParameter("optimizer",
                 MakeCategorical({Value("adam"), Value("sgd")}, std::nullopt, Origin{"t"}));
  s.AddParameter("momentum", MakeNumeric({"uniform", 0.5, 0.99, {}, {}, 1}, Origin{"t"}));
  s.SetCondition("momentum", "optimizer", {Value("sgd")});
  const Constraint::Resolver same = [](std::string_view n) { return std::string(n); };
  s.AddConstraint(Constraint::Parse("momentum > 0.9", same, Origin{"t"}));
  EXPECT_TRUE(s.IsFeasible(UnitPoint{0, 1}));   // adam: no momentum to judge
  EXPECT_FALSE(s.IsFeasible(UnitPoint{1, 1}));  // sgd, momentum 0.99
  EXPECT_TRUE(s.IsFeasible(UnitPoint{1, 0}));   // sgd, momentum 0.5
}

}  // namespace
}  // namespace hpo::space
