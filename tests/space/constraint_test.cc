#include "lib/space/constraint.h"

#include <gtest/gtest.h>

#include "lib/space/distribution.h"
#include "lib/space/search_space.h"

namespace hpo::space {
namespace {

// Knows learning_rate (also as lr and trainer.optimizer.learning_rate), n_epochs, clip, arch.
std::optional<std::string> Resolve(std::string_view name) {
  if (name == "lr" || name == "learning_rate" || name == "trainer.optimizer.learning_rate")
    return "learning_rate";
  if (name == "n_epochs" || name == "clip" || name == "arch" || name == "act")
    return std::string(name);
  return std::nullopt;
}

bool Rejects(const std::string& text, const ParamSet& params) {
  return Constraint::Parse(text, Resolve, Origin{"c"})->Rejects(params);
}

std::string ErrorOf(const std::string& text) {
  try {
    Constraint::Parse(text, Resolve, Origin{"sweep.yaml:9:5"});
  } catch (const UserError& e) {
    return e.what();
  }
  return "(no error)";
}

const ParamSet kParams = {{"learning_rate", Value(1e-3)},
                          {"n_epochs", Value(10)},
                          {"clip", Value(0.1)},
                          {"act", Value("relu")},
                          {"arch", Value(Value::List{Value(64), Value(64)})}};

TEST(ConstraintTest, TheSeedsExample) {
  EXPECT_TRUE(Rejects("learning_rate > 5e-4 and n_epochs > 8", kParams));
  EXPECT_FALSE(Rejects("learning_rate > 5e-4 and n_epochs > 12", kParams));
}

TEST(ConstraintTest, BothOperatorSpellings) {
  EXPECT_EQ(Rejects("lr > 1 or n_epochs == 10", kParams),
            Rejects("lr > 1 || n_epochs == 10", kParams));
  EXPECT_TRUE(Rejects("lr > 1 || n_epochs == 10", kParams));
  EXPECT_TRUE(Rejects("!(lr > 1) && not (clip > 0.5)", kParams));
  EXPECT_FALSE(Rejects("not n_epochs == 10", kParams));  // not binds looser than ==
}

TEST(ConstraintTest, PrecedenceFollowsPython) {
  EXPECT_TRUE(Rejects("1 + 2 * 3 == 7", kParams));
  EXPECT_TRUE(Rejects("(1 + 2) * 3 == 9", kParams));
  EXPECT_TRUE(Rejects("-2 ** 2 == -4", kParams));
  EXPECT_TRUE(Rejects("2 ** 3 ** 2 == 512", kParams));       // right-associative
  EXPECT_TRUE(Rejects("true or false and false", kParams));  // and before or
  EXPECT_TRUE(Rejects("n_epochs / 4 == 2.5", kParams));
  EXPECT_TRUE(Rejects("0 < clip < 0.2", kParams));  // chained
  EXPECT_FALSE(Rejects("0 < clip < 0.05", kParams));
}

TEST(ConstraintTest, NamesDottedOrAliasedAndStringsCompareByEquality) {
  EXPECT_TRUE(Rejects("trainer.optimizer.learning_rate * n_epochs >= 0.01", kParams));
  EXPECT_TRUE(Rejects("act == 'relu' and arch == \"[64, 64]\"", kParams));
  EXPECT_FALSE(Rejects("act != \"relu\"", kParams));
}

TEST(ConstraintTest, SyntaxErrorsAndUnknownNamesAreLoadErrors) {
  EXPECT_EQ(ErrorOf("learning_rate >"),
            "sweep.yaml:9:5: constraint \"learning_rate >\": expected a value but the expression "
            "ended at column 16");
  EXPECT_EQ(ErrorOf("lr > 1e-3 and batch > 2"),
            "sweep.yaml:9:5: constraint \"lr > 1e-3 and batch > 2\": unknown parameter 'batch' at "
            "column 15");
  EXPECT_NE(ErrorOf("(lr > 1").find("expected ')'"), std::string::npos);
  EXPECT_NE(ErrorOf("lr > 1 )").find("unexpected ')'"), std::string::npos);
  EXPECT_NE(ErrorOf("lr >> 1").find("unexpected '>' at column 5"), std::string::npos)
      << ErrorOf("lr >> 1");
  EXPECT_NE(ErrorOf("and lr").find("expected a value before 'and'"), std::string::npos);
}

TEST(ConstraintTest, HostileExpressionsAreErrorsNotStackOverflows) {
  // found by fuzz/constraint_fuzz.cc (ASan: stack overflow in the recursive descent)
  EXPECT_NE(ErrorOf(std::string(400, '(') + "lr" + std::string(400, ')'))
                .find("nested more than 64 levels deep"),
            std::string::npos);
  EXPECT_NE(ErrorOf(std::string(500, '-') + "lr > 0").find("nested more than 64 levels deep"),
            std::string::npos);
  EXPECT_NE(ErrorOf(std::string(500, '!') + "lr").find("nested more than 64 levels deep"),
            std::string::npos);
  EXPECT_NE(ErrorOf("lr" + std::string(600, '+')).find("nested more than 64 levels deep"),
            std::string::npos);
  std::string chain = "lr";
  while (chain.size() < 2000) chain += " + lr";
  EXPECT_NE(ErrorOf(chain).find("longer than 1000 characters"), std::string::npos);
  EXPECT_LT(ErrorOf(chain).size(), 200u) << "the expression is echoed in full";
  EXPECT_TRUE(Rejects(std::string(60, '(') + "lr > 0" + std::string(60, ')'),
                      kParams));  // nesting a person writes is fine
}

TEST(ConstraintTest, ArithmeticOnTextIsAClearError) {
  EXPECT_THROW(Rejects("act + 1 > 0", kParams), UserError);
}

// The grammar also reads objective expressions: their number, and errors that say what they are.
TEST(ConstraintTest, AnExpressionEvaluatesToItsNumberAndItsErrorsNameItsKind) {
  const auto metric = [](const std::string& text) {
    return Constraint::Parse(text, Resolve, Origin{"sweep.yaml:2:9"}, {}, "metric");
  };
  EXPECT_DOUBLE_EQ(metric("0.7*lr*1000 + 0.3*n_epochs")->Evaluate(kParams), 0.7 + 3.0);
  EXPECT_DOUBLE_EQ(metric("-(clip - 1) ** 2")->Evaluate(kParams), -0.81);
  EXPECT_DOUBLE_EQ(metric("n_epochs > 8")->Evaluate(kParams), 1.0);  // a comparison is 1 or 0
  try {
    metric("lr +");
    ADD_FAILURE() << "no error";
  } catch (const UserError& e) {
    EXPECT_STREQ(e.what(),
                 "sweep.yaml:2:9: metric \"lr +\": expected a value but the expression ended at "
                 "column 5");
  }
  try {
    metric("act * 2")->Evaluate(kParams);
    ADD_FAILURE() << "no error";
  } catch (const UserError& e) {
    EXPECT_STREQ(e.what(), "sweep.yaml:2:9: metric \"act * 2\": 'relu' is not a number here");
  }
  EXPECT_THROW(metric("'relu'")->Evaluate(kParams), UserError);  // a string is no value
  EXPECT_THROW(metric("n_epochs")->Evaluate({}), UserError);     // no value for the name
}

TEST(SearchSpaceTest, FeasibilityReadsFixedValuesToo) {
  SearchSpace space;
  space.AddParameter("learning_rate",
                     MakeNumeric({"loguniform", 1e-5, 1e-2, {}, {}, 1}, Origin{"t"}));
  space.SetFixed({{"clip", Value(0.1)}});
  space.AddConstraint(Constraint::Parse("lr > 1e-3 and clip < 0.15", Resolve, Origin{"t"}));
  EXPECT_FALSE(space.IsFeasible(ParamSet{{"learning_rate", Value(5e-3)}}));
  EXPECT_TRUE(space.IsFeasible(ParamSet{{"learning_rate", Value(5e-4)}}));
  EXPECT_FALSE(space.IsFeasible(space.ToUnit({{"learning_rate", Value(5e-3)}})));
}

TEST(SearchSpaceTest, CentreSnapAndDuplicates) {
  SearchSpace space;
  space.AddParameter("batch_size",
                     MakeNumeric({"uniform_pow2", 16, 256, 64.0, {}, 1}, Origin{"t"}));
  space.AddParameter(
      "arch", MakeCategorical({Value("small"), Value("large")}, Value("large"), Origin{"t"}));
  EXPECT_EQ(space.ToParams(space.Center()),
            (ParamSet{{"arch", Value("large")}, {"batch_size", Value(64)}}));
  const UnitPoint snapped = space.Snap({0.3, 0.2});
  EXPECT_EQ(space.ToParams(snapped), space.ToParams({0.3, 0.2}));
  EXPECT_EQ(snapped[1], 0.0);
  EXPECT_THROW(space.AddParameter("arch", MakeCategorical({Value(1)}, std::nullopt, Origin{"t"})),
               UserError);
}

}  // namespace
}  // namespace hpo::space
