// Explore against Ray's _explore (pbt.py:66-157), run by scripts/pbt-vs-ray
// (tests/fixtures/pbt/ray_pbt.yaml):
//   - section `explore`: Ray's draws were scripted (random.random() answers and random.choice()
//     indices), so each case reaches one branch on purpose; the same draws are fed to DrawMove
//     here, and hpo's value before clipping must be Ray's, bit for bit, with Ray's operation name;
//   - section `explore_shares`: Ray's _explore 10,000 times with Python's random seeded; hpo's
//     Explore 10,000 times from its own Rng must give the same shares within a stated tolerance.
// hpo's difference, clipping into the declared range and step, is checked on its own below.
#include "lib/pbt/explore.h"

#include <gtest/gtest.h>

#include <cmath>
#include <deque>
#include <map>

#include "lib/space/constraint.h"
#include "lib/space/distribution.h"
#include "tests/pbt/ray_fixture.h"
#include "tests/support/user_error.h"

namespace hpo::pbt {
namespace {

using testing::RayCase;
using testing::RayFixture;
using testing_support::UserErrorOf;

std::unique_ptr<space::Distribution> Numeric(const std::string& name, double min, double max,
                                             double q = 1.0) {
  return space::MakeNumeric({name, min, max, std::nullopt, std::nullopt, q}, Origin{"test"});
}

space::SearchSpace OneParameter(std::unique_ptr<space::Distribution> distribution) {
  space::SearchSpace space;
  space.AddParameter("x", std::move(distribution));
  return space;
}

Value ValueOf(const YAML::Node& node) {
  if (node.Tag() == "?" || node.Tag().empty()) {  // plain scalar: int, float or string
    try {
      return Value(node.as<int64_t>());
    } catch (const YAML::BadConversion&) {
    }
    try {
      return Value(node.as<double>());
    } catch (const YAML::BadConversion&) {
    }
  }
  return Value(node.as<std::string>());
}

std::vector<Value> ValuesOf(const YAML::Node& list) {
  std::vector<Value> values;
  for (const YAML::Node& v : list) values.push_back(ValueOf(v));
  return values;
}

// ---------------------------------------------------------------------------------------------
// Ray's scripted draws, fed to hpo

/// Answers as scripts/pbt-vs-ray's ScriptedRandom did: Unit() and Index() from the case's
/// `draws` in call order; a resample is random.choice of a list (an index from the script) or
/// the case's `resampled` (Ray's mutation function returns it without drawing).
class ScriptedDraws : public ExploreDraws {
 public:
  explicit ScriptedDraws(const YAML::Node& ray) {
    for (const YAML::Node& d : ray["draws"]) draws_.push_back(d.as<double>());
    if (ray["resampled"]) resampled_ = ValueOf(ray["resampled"]);
  }
  double Unit() override { return Next(); }
  size_t Index(size_t size) override {
    const auto index = static_cast<size_t>(Next());
    EXPECT_LT(index, size);
    return index;
  }
  Value Prior(const space::SearchSpace& space, size_t dimension) override {
    if (space.dimensions()[dimension].kind == space::DimensionKind::kCategorical)
      return space.ValueAt(dimension,
                           static_cast<double>(Index(space.dimensions()[dimension].num_levels)));
    return resampled_;
  }
  bool used_up() const { return draws_.empty(); }

 private:
  double Next() {
    EXPECT_FALSE(draws_.empty()) << "hpo draws more than Ray did";
    if (draws_.empty()) return 0;
    const double d = draws_.front();
    draws_.pop_front();
    return d;
  }
  std::deque<double> draws_;
  Value resampled_;
};

/// The parameter each case explores: a categorical of Ray's list, or a numeric distribution
/// whose range holds the leader's value (the case names what it shows).
space::SearchSpace SpaceFor(const YAML::Node& ray) {
  const std::string name = ray["name"].as<std::string>();
  if (ray["mutation"].IsSequence())
    return OneParameter(space::MakeCategorical(ValuesOf(ray["mutation"]), std::nullopt, {"test"}));
  static const std::map<std::string, std::function<std::unique_ptr<space::Distribution>()>>
      kSpaces = {{"log-scale value scaled up", [] { return Numeric("loguniform", 1e-5, 1e-2); }},
                 {"log-scale value scaled down", [] { return Numeric("loguniform", 1e-5, 1e-2); }},
                 {"gamma scaled up past 1", [] { return Numeric("logit_normal", 0.9, 0.999); }},
                 {"negative value", [] { return Numeric("uniform", -1, 1); }},
                 {"small integer cannot grow", [] { return Numeric("int_uniform", 1, 10); }}};
  if (const auto it = kSpaces.find(name); it != kSpaces.end()) return OneParameter(it->second());
  if (ValueOf(ray["value"]).is_int()) return OneParameter(Numeric("int_uniform", 16, 128));
  return OneParameter(Numeric("uniform", 0, 1));
}

TEST(ExploreTest, RaysScriptedDrawsGiveRaysValuesAndOperations) {
  ASSERT_GE(RayFixture()["explore"].size(), 22u);
  for (const YAML::Node& ray : RayFixture()["explore"]) {
    SCOPED_TRACE(ray["name"].as<std::string>());
    const space::SearchSpace space = SpaceFor(ray);
    PbtSettings settings;
    settings.resample_probability = ray["resample_probability"].as<double>();
    settings.perturbation_factors = ray["perturbation_factors"].as<std::vector<double>>();
    ScriptedDraws draws(ray);
    const Value leader = ValueOf(ray["value"]);
    const ParameterChange change =
        ApplyMove(space, 0, leader, DrawMove(space, 0, leader, settings, draws));
    EXPECT_TRUE(draws.used_up()) << "hpo draws less than Ray did";
    EXPECT_EQ(change.operation, ray["operation"].as<std::string>());
    const Value rays = ValueOf(ray["new_value"]);
    EXPECT_EQ(change.unclipped.value_or(*change.after), rays);  // kind too: int stays int
    const bool categorical = space.dimensions()[0].kind == space::DimensionKind::kCategorical;
    EXPECT_EQ(*change.after, categorical ? rays : space.Clip(0, rays.as_double()));
  }
}

TEST(ExploreTest, ClippingIsHposOneDifference) {
  // gamma 0.99 * 1.2: Ray gives 1.188 (a discount above 1); hpo the range's end.
  const YAML::Node gamma = RayCase("explore", "gamma scaled up past 1");
  EXPECT_EQ(gamma["new_value"].as<double>(), 1.188);
  const space::SearchSpace gammas = OneParameter(Numeric("logit_normal", 0.9, 0.999));
  const ParameterChange up = ApplyMove(gammas, 0, Value(0.99), {Move::Kind::kScale, 1.2});
  EXPECT_EQ(*up.after, Value(0.999));
  EXPECT_EQ(*up.unclipped, Value(1.188));
  // 64 * 1.2 = 76 (Ray's int()): on a grid of 16 it is 80; among powers of two it is 64 again,
  // and 64 * 0.8 = 51 too: perturbing a power of two never moves it.
  const YAML::Node batch = RayCase("explore", "integer scaled up truncates");
  EXPECT_EQ(batch["new_value"].as<int64_t>(), 76);
  const space::SearchSpace sixteens = OneParameter(Numeric("int_uniform", 16, 256, 16));
  EXPECT_EQ(*ApplyMove(sixteens, 0, Value(64), {Move::Kind::kScale, 1.2}).after, Value(80));
  const space::SearchSpace pow2 = OneParameter(Numeric("uniform_pow2", 1, 1024));
  for (int64_t power = 4; power <= 1024; power *= 2) {
    EXPECT_EQ(*ApplyMove(pow2, 0, Value(power), {Move::Kind::kScale, 1.2}).after, Value(power));
    EXPECT_EQ(*ApplyMove(pow2, 0, Value(power), {Move::Kind::kScale, 0.8}).after, Value(power));
  }
  // Only 2 moves: 2 * 0.8 = 1.6, which int() truncates to 1, a power of two.
  EXPECT_EQ(*ApplyMove(pow2, 0, Value(2), {Move::Kind::kScale, 0.8}).after, Value(1));
  // Inside the range and on the grid, nothing moves and nothing is recorded as clipped.
  const ParameterChange inside = ApplyMove(sixteens, 0, Value(80), {Move::Kind::kScale, 1.2});
  EXPECT_EQ(*inside.after, Value(96));
  EXPECT_FALSE(inside.unclipped);
}

// ---------------------------------------------------------------------------------------------
// shares over 10,000 draws

space::SearchSpace SpaceForShares(const YAML::Node& ray) {
  if (ray["mutation"].IsSequence())
    return OneParameter(space::MakeCategorical(ValuesOf(ray["mutation"]), std::nullopt, {"test"}));
  EXPECT_EQ(ray["mutation"].as<std::string>(), "uniform(0, 1)");
  return OneParameter(Numeric("uniform", 0, 1));
}

// Both are shares of n = 10,000 independent draws: each has standard error sqrt(p (1 - p) / n),
// their difference sqrt(2 p (1 - p) / n) (0.0061 at p = 0.25, 0.0071 at p = 0.5). A right
// implementation stays within 4 of those (a chance of 6e-5 per share to fail by bad luck, and the
// seed is fixed); a wrong probability or factor split, 0.25 against 0.3 or 0.5 against 0.6, is
// 7 to 14 of them away.
double Tolerance(double share, int n) { return 4 * std::sqrt(2 * share * (1 - share) / n); }

void ExpectSameShares(const std::map<std::string, int>& hpo, const YAML::Node& rays, int n) {
  ASSERT_EQ(hpo.size(), rays.size()) << "outcomes that only one of them gave";
  for (const auto& entry : rays) {
    const std::string outcome = entry.first.as<std::string>();
    const double ray_share = entry.second.as<double>() / n;
    const double hpo_share = hpo.count(outcome) ? hpo.at(outcome) / static_cast<double>(n) : 0.0;
    EXPECT_NEAR(hpo_share, ray_share, Tolerance(ray_share, n)) << outcome;
  }
}

TEST(ExploreTest, ResampleFactorAndShiftSharesAreRays) {
  ASSERT_GE(RayFixture()["explore_shares"].size(), 6u);
  for (const YAML::Node& ray : RayFixture()["explore_shares"]) {
    SCOPED_TRACE(ray["name"].as<std::string>());
    const space::SearchSpace space = SpaceForShares(ray);
    PbtSettings settings;
    settings.resample_probability = ray["resample_probability"].as<double>();
    settings.perturbation_factors = ray["perturbation_factors"].as<std::vector<double>>();
    const int n = ray["draws"].as<int>();
    const ParamSet leader = {{"x", ValueOf(ray["value"])}};
    Rng rng(DeriveSeed(7, 0, "explore-shares"));
    RngDraws draws(rng);
    std::map<std::string, int> operations, values;
    for (int i = 0; i < n; ++i) {
      const Exploration e = Explore(space, leader, settings, draws);
      ++operations[e.changes.at(0).operation];
      ++values[e.values.at("x").ToYaml()];
    }
    ExpectSameShares(operations, ray["operations"], n);
    if (ray["values"]) ExpectSameShares(values, ray["values"], n);
  }
}

// ---------------------------------------------------------------------------------------------
// what Ray's spaces have not: conditions and constraints

TEST(ExploreTest, AParameterTheNewValuesActivateIsDrawnAndOneTheyDeactivateIsDropped) {
  space::SearchSpace space;
  space.AddParameter("optimizer",
                     space::MakeCategorical({Value("adam"), Value("sgd")}, std::nullopt, {"test"}));
  space.AddParameter("momentum", Numeric("uniform", 0.5, 0.99));
  space.SetCondition("momentum", "optimizer", {Value("sgd")});
  PbtSettings settings;
  settings.resample_probability = 0;
  Rng rng(1);
  RngDraws draws(rng);
  int activated = 0, dropped = 0;
  for (int i = 0; i < 200; ++i) {
    const bool from_sgd = i % 2 == 0;
    const ParamSet leader = from_sgd
                                ? ParamSet{{"optimizer", Value("sgd")}, {"momentum", Value(0.9)}}
                                : ParamSet{{"optimizer", Value("adam")}};
    const Exploration e = Explore(space, leader, settings, draws);
    ASSERT_TRUE(space.Contains(e.values)) << i;
    for (const ParameterChange& c : e.changes) {
      activated += c.operation == "resample (now active)";
      dropped += c.operation == "dropped (now inactive)";
    }
  }
  EXPECT_GT(activated, 20);  // adam shifted right to sgd: about half of 100
  EXPECT_GT(dropped, 20);    // sgd shifted left to adam: about half of 100
}

TEST(ExploreTest, AValueAConstraintRejectsIsExploredAgain) {
  space::SearchSpace space;
  space.AddParameter("x", Numeric("uniform", 0, 10));
  space.AddConstraint(space::Constraint::Parse(
      "x > 6", [](std::string_view n) { return std::optional<std::string>(n); }, {"test"}));
  PbtSettings settings;
  settings.resample_probability = 0;
  settings.perturbation_factors = {1.2, 0.5};
  Rng rng(3);
  RngDraws draws(rng);
  bool retried = false;
  for (int i = 0; i < 50; ++i) {
    const Exploration e = Explore(space, {{"x", Value(5.5)}}, settings, draws);
    ASSERT_TRUE(e.explored);
    EXPECT_EQ(e.values.at("x"), Value(2.75));  // 5.5 * 1.2 = 6.6 is rejected
    retried |= e.attempts > 1;
  }
  EXPECT_TRUE(retried);
  settings.perturbation_factors = {1.2};  // nothing else: the leader's values stay
  const Exploration stuck = Explore(space, {{"x", Value(5.5)}}, settings, draws);
  EXPECT_FALSE(stuck.explored);
  EXPECT_EQ(stuck.attempts, kMaxExploreAttempts);
  EXPECT_EQ(stuck.values.at("x"), Value(5.5));
}

TEST(ExploreTest, ANumericValueThatIsNotANumberIsResampled) {
  const space::SearchSpace space = OneParameter(Numeric("uniform", 0, 1));
  PbtSettings settings;
  settings.resample_probability = 0;
  Rng rng(2);
  RngDraws draws(rng);
  EXPECT_EQ(DrawMove(space, 0, Value("fast"), settings, draws).kind, Move::Kind::kResample);
  EXPECT_EQ(DrawMove(space, 0, Value(std::nan("")), settings, draws).kind, Move::Kind::kResample);
  EXPECT_EQ(DrawMove(space, 0, Value(0.5), settings, draws).kind, Move::Kind::kScale);
}

TEST(ExploreTest, ASpaceWithNothingToExploreIsRefusedAsRayRefusesNoMutations) {
  EXPECT_FALSE(RayCase("settings", "no hyperparam_mutations")["accepted"].as<bool>());
  EXPECT_EQ(UserErrorOf([] { CheckExplorable(space::SearchSpace()); }),
            "pbt needs at least one searched parameter to explore (`parameters:`)");
  EXPECT_EQ(UserErrorOf([] { CheckExplorable(OneParameter(Numeric("uniform", 0, 1))); }),
            "(no error)");
}

}  // namespace
}  // namespace hpo::pbt
