#include "lib/space/distribution.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "tests/support/user_error.h"

namespace hpo::space {
namespace {

std::unique_ptr<Distribution> Numeric(const std::string& name, double min, double max,
                                      std::optional<double> mean = std::nullopt,
                                      std::optional<std::string> scale = std::nullopt,
                                      double q = 1.0) {
  return MakeNumeric({name, min, max, mean, scale, q}, Origin{"test"});
}

using testing_support::UserErrorOf;

TEST(DistributionTest, WandbNormalsAreTheirDistributionThroughTheCdf) {
  // W&B's normal family (wandb/sweeps params.py): mu + sigma z, exp() of it, rounded to q.
  auto normal = [](const std::string& name, double mu, double sigma, double q = 1.0) {
    NumericSpec spec{name, 0, 0, mu, std::nullopt, q};
    spec.sigma = sigma;
    return MakeNumeric(spec, Origin{"test"});
  };
  const double one_sigma = 0.5 * std::erfc(-1 / std::sqrt(2.0));  // Phi(1)
  EXPECT_NEAR(normal("normal", 2, 3)->FromUnit(0.5).as_double(), 2, 1e-12);
  EXPECT_NEAR(normal("normal", 2, 3)->FromUnit(one_sigma).as_double(), 5, 1e-9);
  EXPECT_NEAR(normal("log_normal", 1, 2)->FromUnit(one_sigma).as_double(), std::exp(3.0), 1e-9);
  EXPECT_EQ(normal("q_normal", 4, 2, 0.5)->FromUnit(one_sigma).as_double(), 6.0);
  EXPECT_NEAR(normal("normal", 2, 3)->ToUnit(Value(5.0)), one_sigma, 1e-12);
  EXPECT_TRUE(normal("q_normal", 4, 2, 0.5)->Contains(Value(-3.5)));
  EXPECT_FALSE(normal("q_normal", 4, 2, 0.5)->Contains(Value(1.2)));
  EXPECT_FALSE(normal("log_normal", 1, 2)->Contains(Value(-1.0)));
  EXPECT_EQ(normal("normal", 0.1, 0)->FromUnit(0.9).as_double(), 0.1);  // sigma 0: always mu
  EXPECT_NE(UserErrorOf([&] { normal("normal", 0, -1); }).find("sigma >= 0"), std::string::npos);
  EXPECT_NE(UserErrorOf([&] { normal("uniform", 0, 1); }).find("mu and sigma go with"),
            std::string::npos);
}

TEST(DistributionTest, ATruncatedNormalIsScipysTruncnormThroughTheCdf) {
  // ConfigSpace's normal_float (hyperparameters/normal_float.py:123-131): scipy's truncnorm
  auto truncated = [](double mu, double sigma, double min, double max) {
    NumericSpec spec{"truncated_normal", min, max, mu, std::nullopt, 1.0};
    spec.sigma = sigma;
    return MakeNumeric(spec, Origin{"test"});
  };
  // scipy 1.10.1 (Debian 12), d = truncnorm((min - mu) / sigma, (max - mu) / sigma, mu, sigma):
  // d.cdf(0), d.cdf(10), d.ppf(0.25) for (0.5, 10.5, -20, 20); further out, where Phi rounds to
  // 0 or 1: d.cdf(19.99), d.ppf(0.5) for (100, 1, -20, 20) and its mirror (-100, 1, -20, 20);
  // a range above and one below mu: d.cdf(2.5), d.ppf(0.5) for (0, 1, 2, 3), d.cdf(-2.5) for
  // (0, 1, -3, -2)
  const auto wide = truncated(0.5, 10.5, -20, 20);
  EXPECT_NEAR(wide->ToUnit(Value(0.0)), 0.4831472286422106, 1e-12);
  EXPECT_NEAR(wide->ToUnit(Value(10.0)), 0.8396976813867757, 1e-12);
  EXPECT_NEAR(wide->FromUnit(0.25).as_double(), -6.217182951047213, 1e-9);
  EXPECT_NEAR(truncated(100, 1, -20, 20)->ToUnit(Value(19.99)), 0.449250359469512, 1e-9);
  EXPECT_NEAR(truncated(100, 1, -20, 20)->FromUnit(0.5).as_double(), 19.99133748226062, 1e-9);
  EXPECT_NEAR(truncated(-100, 1, -20, 20)->ToUnit(Value(-19.99)), 0.5507496405304585, 1e-9);
  EXPECT_NEAR(truncated(-100, 1, -20, 20)->FromUnit(0.5).as_double(), -19.99133748226062, 1e-9);
  EXPECT_NEAR(truncated(0, 1, 2, 3)->ToUnit(Value(2.5)), 0.7729105526090578, 1e-12);
  EXPECT_NEAR(truncated(0, 1, 2, 3)->FromUnit(0.5).as_double(), 2.255530820420438, 1e-9);
  EXPECT_NEAR(truncated(0, 1, -3, -2)->ToUnit(Value(-2.5)), 0.22708944739094206, 1e-12);
  // The bounds are the range; the centre is mu (clipped into it), ConfigSpace's default value.
  EXPECT_TRUE(wide->Contains(Value(-20)));
  EXPECT_FALSE(wide->Contains(Value(20.5)));
  EXPECT_NEAR(wide->FromUnit(wide->dimension().center).as_double(), 0.5, 1e-12);
  EXPECT_EQ(truncated(100, 1, -20, 20)->dimension().center, 1.0);
  EXPECT_NE(UserErrorOf([&] { truncated(0, 0, -1, 1); }).find("sigma > 0"), std::string::npos);
  EXPECT_NE(UserErrorOf([&] { truncated(0, 1, 1, 1); }).find("min < max"), std::string::npos);
}

// Polyaxon's q kinds (hypertune dist.py:25-57, np.round(x // q) * q): the multiple of q at or
// below the draw, where W&B's take the nearest.
TEST(DistributionTest, FloorToQTakesTheMultipleAtOrBelowADraw) {
  auto floored = [](const std::string& name, double min, double max, double q) {
    NumericSpec spec{name, min, max, std::nullopt, std::nullopt, q};
    spec.floor = true;
    return MakeNumeric(spec, Origin{"test"});
  };
  // exp(U[0, 2)) floored to 0.5: 1.0 .. 7.0 (the nearest multiple of 7.389 would be 7.5)
  const auto log = floored("q_log_uniform_values", 1, std::exp(2.0), 0.5);
  EXPECT_EQ(log->FromUnit(1.0).as_double(), 7.0);
  EXPECT_EQ(log->FromUnit(0.0).as_double(), 1.0);
  EXPECT_EQ(log->dimension().num_levels, 13);
  EXPECT_EQ(log->dimension().level_step, 0.0);  // each level in the middle of its draws
  EXPECT_TRUE(log->Contains(Value(7.0)));
  EXPECT_FALSE(log->Contains(Value(7.5)));
  for (double v = 1.0; v <= 7.0; v += 0.5)
    EXPECT_EQ(log->FromUnit(log->ToUnit(Value(v))).as_double(), v) << v;
  // U[1, 10) floored to 4: 0 (below min), 4, 8; never 12, nor 10 itself
  const auto linear = floored("q_uniform", 1, 10, 4);
  EXPECT_EQ(linear->FromUnit(0.0).as_double(), 0.0);
  EXPECT_EQ(linear->FromUnit(1.0).as_double(), 8.0);
  EXPECT_EQ(linear->dimension().num_levels, 3);
  EXPECT_TRUE(linear->Contains(Value(0.0)));
  EXPECT_FALSE(linear->Contains(Value(12.0)));
  // the log-normal exp(N(0, 1)) at one sigma, e = 2.718..., floored to 1: 2 (nearest: 3)
  NumericSpec lognormal{"q_log_normal", 0, 0, 0.0, std::nullopt, 1.0};
  lognormal.sigma = 1;
  lognormal.floor = true;
  const auto ln = MakeNumeric(lognormal, Origin{"test"});
  const double one_sigma = 0.5 * std::erfc(-1 / std::sqrt(2.0));
  EXPECT_EQ(ln->FromUnit(one_sigma).as_double(), 2.0);
  EXPECT_EQ(ln->FromUnit(ln->ToUnit(Value(2.0))).as_double(), 2.0);
  EXPECT_NE(UserErrorOf([&] { floored("uniform", 0, 1, 1); }).find("does not floor to q"),
            std::string::npos);
  lognormal.distribution = "log_normal";
  EXPECT_NE(UserErrorOf([&] { MakeNumeric(lognormal, Origin{"test"}); }).find("does not floor"),
            std::string::npos);
}

TEST(DistributionTest, WandbBetasAreTheirDistributionThroughTheCdf) {
  // W&B's beta and q_beta (wandb/sweeps params.py): scipy's beta(a, b), q_beta rounded to q.
  auto beta = [](const std::string& name, double a, double b, double q = 1.0) {
    NumericSpec spec{name, 0, 1, std::nullopt, std::nullopt, q};
    spec.beta = NumericSpec::BetaShape{a, b};
    return MakeNumeric(spec, Origin{"test"});
  };
  // scipy 1.10.1 (Debian 12): beta.cdf(0.3, 2, 5), beta.cdf(0.1, 0.5, 0.5),
  // beta.cdf(0.9, 2, 5), beta.ppf(0.5, 2, 5)
  EXPECT_NEAR(beta("beta", 2, 5)->ToUnit(Value(0.3)), 0.5798250000000003, 1e-12);
  EXPECT_NEAR(beta("beta", 0.5, 0.5)->ToUnit(Value(0.1)), 0.20483276469913345, 1e-12);
  EXPECT_NEAR(beta("beta", 2, 5)->ToUnit(Value(0.9)), 0.999945, 1e-12);
  EXPECT_NEAR(beta("beta", 2, 5)->FromUnit(0.5).as_double(), 0.26444998329566005, 1e-12);
  EXPECT_NEAR(beta("beta", 1, 1)->FromUnit(0.42).as_double(), 0.42, 1e-12);  // a = b = 1: uniform
  // q_beta: multiples of q from 0 to round(1 / q) q, each a discrete level
  const auto q_beta = beta("q_beta", 2, 5, 0.1);
  EXPECT_EQ(q_beta->dimension().num_levels, 11);
  EXPECT_EQ(q_beta->FromUnit(0.5).as_double(), 0.3);
  EXPECT_TRUE(q_beta->Contains(Value(0.7)));
  EXPECT_FALSE(q_beta->Contains(Value(0.75)));
  EXPECT_FALSE(beta("beta", 2, 5)->Contains(Value(1.5)));
  EXPECT_NE(UserErrorOf([&] { beta("beta", -1, 5); }).find("needs a > 0 and b > 0"),
            std::string::npos);
}

TEST(DistributionTest, AWeightedCategoricalIsDrawnByItsOdds) {
  // W&B's categorical_w_probabilities: the prior draws each value with its probability
  auto weighted = MakeCategorical({Value("a"), Value("b"), Value("c")}, std::nullopt,
                                  Origin{"test"}, {0.1, 0.3, 0.6});
  Rng rng(7);
  std::vector<int> counts(3, 0);
  for (int i = 0; i < 20000; ++i) ++counts.at(static_cast<size_t>(weighted->SamplePrior(rng)));
  EXPECT_NEAR(counts[0] / 20000.0, 0.1, 0.01);
  EXPECT_NEAR(counts[1] / 20000.0, 0.3, 0.015);
  EXPECT_NEAR(counts[2] / 20000.0, 0.6, 0.015);
  EXPECT_NE(UserErrorOf([] {
              MakeCategorical({Value(1), Value(2)}, std::nullopt, Origin{"test"}, {1.0, 0.0});
            }).find("weight must be > 0"),
            std::string::npos);
}

TEST(DistributionTest, ANanChoiceMapsBackToItself) {
  // W&B's grid runs NaN as a value (test_grid_search.py:496): a trial's NaN is that choice
  const double nan = std::numeric_limits<double>::quiet_NaN();
  auto choices = MakeCategorical({Value(1), Value(nan)}, std::nullopt, Origin{"test"});
  EXPECT_TRUE(choices->Contains(Value(nan)));
  EXPECT_EQ(choices->ToUnit(Value(nan)), 1.0);
}

TEST(DistributionTest, EveryNumericKindRoundTripsAndStaysInBounds) {
  struct Case {
    std::string name;
    double min, max;
  };
  for (const Case& c : {Case{"uniform", -2, 3}, Case{"int_uniform", 16, 128},
                        Case{"q_uniform", 0, 1}, Case{"log_normal", 1e-5, 1e-2},
                        Case{"loguniform", 1e-4, 1e-1}, Case{"log_uniform_values", 1e-6, 1e-2},
                        Case{"int_loguniform", 1, 1000}, Case{"uniform_pow2", 16, 1024},
                        Case{"logit_normal", 0.9, 0.999}, Case{"discrete_uniform", 0.1, 0.85}}) {
    const bool stepped = c.name == "q_uniform" || c.name == "discrete_uniform";
    auto d = Numeric(c.name, c.min, c.max, std::nullopt, std::nullopt, stepped ? 0.25 : 1.0);
    Rng rng(3);
    for (int i = 0; i < 2000; ++i) {
      const double u =
          i < 1000 ? d->SamplePrior(rng) : UniformUnit(rng) * 1.4 - 0.2;  // also outside [0, 1]
      const Value v = d->FromUnit(u);
      ASSERT_GE(v.as_double(), c.min) << c.name;
      ASSERT_LE(v.as_double(), c.max) << c.name;
      // value -> unit -> value is the identity (up to rounding for continuous kinds)
      const Value back = d->FromUnit(d->ToUnit(v));
      if (v.is_int()) {
        ASSERT_EQ(back, v) << c.name;
      } else {
        ASSERT_NEAR(back.as_double(), v.as_double(), 1e-9 * std::max(1.0, std::fabs(v.as_double())))
            << c.name;
      }
    }
  }
}

TEST(DistributionTest, IntegersAreIntegersAndPow2ArePowersOfTwo) {
  auto ints = Numeric("int_uniform", 3, 20);
  auto pow2 = Numeric("uniform_pow2", 16, 1024);
  Rng rng(1);
  for (int i = 0; i < 1000; ++i) {
    const Value k = ints->FromUnit(UniformUnit(rng));
    ASSERT_TRUE(k.is_int());
    const Value p = pow2->FromUnit(UniformUnit(rng));
    ASSERT_TRUE(p.is_int());
    ASSERT_EQ(p.as_int() & (p.as_int() - 1), 0) << p.as_int();
  }
  EXPECT_EQ(ints->dimension().num_levels, 18);
  EXPECT_EQ(pow2->dimension().num_levels, 7);  // 16 .. 1024
  EXPECT_EQ(pow2->FromUnit(0.0), Value(16));
  EXPECT_EQ(pow2->FromUnit(1.0), Value(1024));
}

TEST(DistributionTest, LogAxesAreLinearInTheLog) {
  auto lr = Numeric("log_normal", 1e-5, 1e-1);
  EXPECT_NEAR(lr->ToUnit(Value(1e-3)), 0.5, 1e-12);
  EXPECT_NEAR(lr->FromUnit(0.25).as_double(), 1e-4, 1e-16);
  // logit_normal: linear in log10(1 - v); 1 - v from 0.1 to 0.001, so 0.99 sits in the middle.
  auto gamma = Numeric("logit_normal", 0.9, 0.999);
  EXPECT_NEAR(gamma->ToUnit(Value(0.99)), 0.5, 1e-12);
}

TEST(DistributionTest, CentreIsTheMeanOrTheGeometricMiddle) {
  EXPECT_NEAR(Numeric("log_normal", 1e-4, 1e-2)->dimension().center, 0.5, 1e-12);  // 1e-3
  EXPECT_NEAR(Numeric("log_normal", 1e-4, 1e-2, 1e-3)->dimension().center, 0.5, 1e-12);
  EXPECT_NEAR(Numeric("uniform", 0, 10, 2.5)->dimension().center, 0.25, 1e-12);
}

TEST(DistributionTest, ScaleAutoTimeAndNumbers) {
  // Protein's scale is in [-1, 1] units; the unit box is half as wide.
  EXPECT_NEAR(Numeric("uniform", 0, 1)->dimension().scale, 0.25, 1e-12);
  EXPECT_NEAR(Numeric("uniform", 0, 1, std::nullopt, "auto")->dimension().scale, 0.25, 1e-12);
  EXPECT_NEAR(Numeric("uniform", 0, 1, std::nullopt, "0.8")->dimension().scale, 0.4, 1e-12);
  // time: 1 / (log2 max - log2 min) = 1 / log2(1024 / 16) = 1/6
  EXPECT_NEAR(Numeric("uniform_pow2", 16, 1024, std::nullopt, "time")->dimension().scale, 0.5 / 6,
              1e-12);
}

TEST(DistributionTest, HugeDiscreteRangesAreRefusedOrCapped) {
  EXPECT_NE(
      UserErrorOf([] { Numeric("int_uniform", -1e300, 1e300); }).find("needs bounds within +-2^53"),
      std::string::npos);
  // 2^53 integers, or a tiny quantum: more levels than an int holds, capped (not undefined)
  EXPECT_EQ(Numeric("int_uniform", 0, 9007199254740992.0)->dimension().num_levels,
            std::numeric_limits<int>::max());
  EXPECT_EQ(Numeric("q_uniform", 0, 1e6, std::nullopt, std::nullopt, 1e-9)->dimension().num_levels,
            std::numeric_limits<int>::max());
}

TEST(DistributionTest, AValueFromElsewhereHasNoCoordinate) {
  // Trials of an earlier space (an accepted config change) are never moved into this one.
  auto kind = MakeCategorical({Value("a"), Value("b"), Value("c")}, Value("b"), Origin{"test"});
  EXPECT_TRUE(kind->Contains(Value("c")));
  EXPECT_FALSE(kind->Contains(Value("z")));
  EXPECT_THROW(kind->ToUnit(Value("z")), std::invalid_argument);
  auto x = Numeric("uniform", 5, 9);
  EXPECT_TRUE(x->Contains(Value(5)));
  EXPECT_TRUE(x->Contains(Value(9.0)));
  EXPECT_FALSE(x->Contains(Value(0.5)));
  EXPECT_FALSE(x->Contains(Value("text")));
  EXPECT_THROW(x->ToUnit(Value(0.5)), std::invalid_argument);
}

TEST(DistributionTest, CategoricalsHoldAnyValuesIncludingLists) {
  const Value small(Value::List{Value(64), Value(64)}),
      large(Value::List{Value(256), Value(128), Value(64)});
  auto arch = MakeCategorical({small, large}, large, Origin{"test"});
  EXPECT_EQ(arch->dimension().kind, DimensionKind::kCategorical);
  EXPECT_EQ(arch->dimension().num_levels, 2);
  EXPECT_EQ(arch->dimension().center, 1.0);
  EXPECT_EQ(arch->FromUnit(arch->ToUnit(small)), small);
  EXPECT_EQ(arch->FromUnit(7), large);  // clamped
  Rng rng(2);
  int ones = 0;
  for (int i = 0; i < 1000; ++i) ones += arch->SamplePrior(rng) == 1.0;
  EXPECT_GT(ones, 400);
  EXPECT_LT(ones, 600);
}

// Clip is how PBT's perturbed values (a value times 1.2 or 0.8) come back into the declared
// space (lib/pbt/explore.h).
TEST(DistributionTest, ClipKeepsAValueInsideAndMovesOneOutsideToTheNearestContained) {
  auto lr = Numeric("loguniform", 1e-4, 1e-1);
  EXPECT_EQ(lr->Clip(0.00035999999999999997), Value(0.00035999999999999997));  // kept bit for bit
  EXPECT_EQ(lr->Clip(0.12), Value(1e-1));
  EXPECT_EQ(lr->Clip(-1.0), Value(1e-4));
  EXPECT_EQ(Numeric("logit_normal", 0.9, 0.999)->Clip(1.188), Value(0.999));
  auto batch = Numeric("int_uniform", 16, 128, std::nullopt, std::nullopt, 16);
  EXPECT_EQ(batch->Clip(76), Value(80));  // 16 + 16 * round(3.75)
  EXPECT_EQ(batch->Clip(300), Value(128));
  auto pow2 = Numeric("uniform_pow2", 16, 1024);
  EXPECT_EQ(pow2->Clip(76), Value(64));  // log2 76 = 6.25 rounds to 6
  EXPECT_EQ(pow2->Clip(100), Value(128));
  EXPECT_EQ(Numeric("q_uniform", 0, 1, std::nullopt, std::nullopt, 0.25)->Clip(0.36), Value(0.25));
  EXPECT_EQ(Numeric("int_loguniform", 1, 1000)->Clip(7.6), Value(8));
  NumericSpec normal;
  normal.distribution = "log_normal";
  normal.mean = 0;
  normal.sigma = 1;
  EXPECT_EQ(MakeNumeric(normal, Origin{"test"})->Clip(1e6), Value(1e6));  // unbounded
  EXPECT_EQ(MakeNumeric(normal, Origin{"test"})->Clip(-2), Value(0.0));   // no negative log
  EXPECT_THROW(MakeCategorical({Value(1), Value(2)}, std::nullopt, Origin{"test"})->Clip(1.5),
               std::logic_error);
}

TEST(DistributionTest, EveryClippedValueIsContained) {
  for (const std::string name :
       {"uniform", "int_uniform", "q_uniform", "discrete_uniform", "log_normal", "loguniform",
        "int_loguniform", "uniform_pow2", "q_log_uniform_values", "logit_normal"}) {
    const bool stepped = name == "q_uniform" || name == "discrete_uniform" ||
                         name == "q_log_uniform_values" || name == "int_uniform";
    const bool unit = name == "logit_normal";
    auto d = Numeric(name, unit ? 0.9 : 2, unit ? 0.999 : 300, std::nullopt, std::nullopt,
                     stepped ? 3 : 1);
    Rng rng(5);
    for (int i = 0; i < 2000; ++i) {
      const double v = Uniform(rng, -100, 700);
      ASSERT_TRUE(d->Contains(d->Clip(v))) << name << " " << v << " -> " << d->Clip(v).ToYaml();
    }
  }
}

TEST(DistributionTest, BadSpecsAreUserErrorsNamingTheProblem) {
  EXPECT_EQ(UserErrorOf([] { Numeric("uniform", 5, 1); }), "test: min 5 is greater than max 1");
  EXPECT_NE(UserErrorOf([] { Numeric("log_normal", 0, 1); }).find("needs min > 0"),
            std::string::npos);
  EXPECT_NE(UserErrorOf([] { Numeric("logit_normal", 0.5, 1.0); }).find("0 < min <= max < 1"),
            std::string::npos);
  EXPECT_NE(UserErrorOf([] { Numeric("gaussian", 0, 1); }).find("unknown distribution 'gaussian'"),
            std::string::npos);
  EXPECT_NE(UserErrorOf([] { Numeric("uniform", 0, 1, 2.0); }).find("mean 2 is outside [0, 1]"),
            std::string::npos);
  EXPECT_NE(UserErrorOf([] { Numeric("int_uniform", 0.5, 4); }).find("integer bounds"),
            std::string::npos);
  EXPECT_NE(
      UserErrorOf([] { Numeric("uniform", 0, 1, std::nullopt, "wide"); }).find("scale must be"),
      std::string::npos);
  EXPECT_NE(UserErrorOf([] {
              Numeric("uniform", 0, 1, std::nullopt, "time");
            }).find("needs a log distribution"),
            std::string::npos);
  EXPECT_NE(UserErrorOf([] {
              MakeCategorical({}, std::nullopt, Origin{"test"});
            }).find("at least one choice"),
            std::string::npos);
  EXPECT_NE(UserErrorOf([] {
              MakeCategorical({Value(1)}, Value(2), Origin{"test"});
            }).find("not one of the choices"),
            std::string::npos);
}

}  // namespace
}  // namespace hpo::space
