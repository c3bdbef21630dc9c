// PbtSettings against Ray's PopulationBasedTraining.__init__ (pbt.py:357-435): the defaults, and
// for each set of arguments the script passed to Ray, whether hpo accepts it as Ray did. Where
// hpo refuses what Ray accepts, the row says why.
#include "lib/pbt/pbt_settings.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <map>

#include "lib/pbt/explore.h"
#include "tests/pbt/ray_fixture.h"
#include "tests/support/user_error.h"

namespace hpo::pbt {
namespace {

using testing::RayCase;
using testing::RayFixture;
using testing_support::UserErrorOf;

TEST(PbtSettingsTest, DefaultsAreRays) {
  const YAML::Node ray = RayFixture()["defaults"];
  const PbtSettings hpo;
  EXPECT_EQ(hpo.quantile_fraction, ray["quantile_fraction"].as<double>());
  EXPECT_EQ(hpo.resample_probability, ray["resample_probability"].as<double>());
  EXPECT_EQ(hpo.perturbation_factors, ray["perturbation_factors"].as<std::vector<double>>());
  EXPECT_EQ(hpo.synch, ray["synch"].as<bool>());
  EXPECT_EQ(static_cast<double>(hpo.burn_in), ray["burn_in_period"].as<double>());
  // Ray's interval defaults to 60 of time_total_s, seconds; hpo counts steps and has none.
  EXPECT_EQ(ray["time_attr"].as<std::string>(), "time_total_s");
  EXPECT_EQ(ray["perturbation_interval"].as<double>(), 60.0);
  EXPECT_FALSE(hpo.perturbation_interval);
  EXPECT_NE(UserErrorOf([&] { hpo.Check(); }).find("perturbation_interval is required"),
            std::string::npos);
}

struct Row {
  /// Sets the case's argument; empty when it is not one of PbtSettings' (then `why` says where
  /// hpo has it).
  std::function<void(PbtSettings&)> set;
  /// Empty: hpo answers as Ray. Otherwise hpo refuses what Ray accepts, and why.
  std::string hpo_refuses_because = {};
};

const double kNan = std::numeric_limits<double>::quiet_NaN();

const std::map<std::string, Row>& Rows() {
  static const std::map<std::string, Row> rows = {
      {"defaults", {[](PbtSettings&) {}}},
      {"quantile_fraction 0", {[](PbtSettings& s) { s.quantile_fraction = 0; }}},
      {"quantile_fraction 0.5", {[](PbtSettings& s) { s.quantile_fraction = 0.5; }}},
      {"quantile_fraction above 0.5", {[](PbtSettings& s) { s.quantile_fraction = 0.51; }}},
      {"quantile_fraction negative", {[](PbtSettings& s) { s.quantile_fraction = -0.1; }}},
      {"quantile_fraction nan",
       {[](PbtSettings& s) { s.quantile_fraction = kNan; },
        "NaN passes Ray's comparisons, and _quantiles' math.ceil(NaN) raises at the first "
        "judgement"}},
      {"perturbation_interval 0", {[](PbtSettings& s) { s.perturbation_interval = 0; }}},
      {"perturbation_interval negative", {[](PbtSettings& s) { s.perturbation_interval = -10; }}},
      {"perturbation_interval nan",
       {nullptr, "steps are whole numbers: the sweep file's reader takes a count"}},
      {"burn_in_period negative",
       {[](PbtSettings& s) { s.burn_in = -5; }, "Ray treats a negative burn-in as 0"}},
      {"resample_probability negative",
       {[](PbtSettings& s) { s.resample_probability = -0.5; }, "Ray: never resamples"}},
      {"resample_probability above 1",
       {[](PbtSettings& s) { s.resample_probability = 1.5; }, "Ray: always resamples"}},
      {"perturbation_factors empty",
       {[](PbtSettings& s) { s.perturbation_factors = {}; },
        "Ray fails at the first perturbation (empty_factors_at_explore)"}},
      {"perturbation_factors three", {[](PbtSettings& s) {
         s.perturbation_factors = {2, 0.5, 1};
       }}},
      {"perturbation_factors negative",
       {[](PbtSettings& s) {
          s.perturbation_factors = {-1, 0.8};
        },
        "a negative factor flips the sign: every value lands on a bound of its range"}},
      {"no hyperparam_mutations",
       {nullptr,
        "the searched parameters: CheckExplorable (ExploreTest.ASpaceWithNothingToExplore)"}},
      {"mode other than min or max", {nullptr, "the sweep's goal, read with the sweep file"}},
  };
  return rows;
}

TEST(PbtSettingsTest, RefusesWhatRayRefusesAndSaysWhyItRefusesMore) {
  for (const YAML::Node& ray : RayFixture()["settings"]) {
    const std::string name = ray["name"].as<std::string>();
    SCOPED_TRACE(name);
    const auto row = Rows().find(name);
    ASSERT_NE(row, Rows().end()) << "a case of Ray's with no row here";
    if (!row->second.set) continue;
    PbtSettings settings;
    settings.perturbation_interval = 10;
    row->second.set(settings);
    const std::string error = UserErrorOf([&] { settings.Check(); });
    const bool ray_accepts = ray["accepted"].as<bool>();
    const bool hpo_accepts = error == "(no error)";
    EXPECT_EQ(hpo_accepts, ray_accepts && row->second.hpo_refuses_because.empty()) << error;
    if (!ray_accepts) {  // the same setting named, as Ray's message does
      const std::string key = ray["arguments"].begin()->first.as<std::string>();
      EXPECT_NE(error.find(key), std::string::npos) << error << " | Ray: " << ray["error"];
    }
    if (!row->second.hpo_refuses_because.empty()) {
      EXPECT_TRUE(ray_accepts) << "listed as a difference, but Ray refuses it too";
    }
  }
}

TEST(PbtSettingsTest, RayFailsOnNoFactorsOnlyWhenItFirstPerturbs) {
  EXPECT_EQ(RayFixture()["empty_factors_at_explore"].as<std::string>(),
            "IndexError: Cannot choose from an empty sequence");
  EXPECT_TRUE(RayCase("settings", "perturbation_factors empty")["accepted"].as<bool>());
}

TEST(PbtSettingsTest, EveryProblemIsListedOnOneLine) {
  PbtSettings settings;
  settings.population_size = 1;
  settings.quantile_fraction = 0.7;
  settings.perturbation_factors = {};
  const std::string error = UserErrorOf([&] { settings.Check(); });
  EXPECT_EQ(error,
            "pbt: quantile_fraction must be between 0 and 0.5, got 0.7; population_size must be at "
            "least 2 (one member has nobody to copy), got 1; perturbation_interval is required: "
            "the steps between two judgements; perturbation_factors needs at least one factor");
}

}  // namespace
}  // namespace hpo::pbt
