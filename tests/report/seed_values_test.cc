#include "lib/report/seed_values.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "lib/core/seed_aggregate.h"

namespace hpo::report {
namespace {

store::Trial TrialWithSeeds(store::TrialState state, const std::vector<double>& values) {
  store::Trial t;
  t.state = state;
  for (size_t i = 0; i < values.size(); ++i)
    t.seed_values.push_back({static_cast<int>(i), 100 + i, values[i]});
  return t;
}

TEST(SeedsTextTest, EachSeedsValueByIndexAfterTheirStandardDeviation) {
  const SeedSettings three{3, "mean"};
  store::Trial t = TrialWithSeeds(store::TrialState::kComplete, {250, 262, 256});
  t.value = 256;
  EXPECT_EQ(SeedsText(t, three), "+/- 6 (seeds: 250, 262, 256)");
  EXPECT_EQ(ValueWithSeedsText(t, three), "256 +/- 6 (seeds: 250, 262, 256)");
  // Screens get 4 significant digits, files every digit.
  t.seed_values[0].value = 250.123456;
  EXPECT_EQ(SeedsText(t, three), "+/- 5.938 (seeds: 250.1, 262, 256)");
  const double spread = SeedSpread({250.123456, 262, 256});  // tests/core: scipy's numbers
  EXPECT_EQ(SeedsText(t, three, Digits::kAll),
            fmt::format("+/- {} (seeds: 250.123456, 262, 256)", spread));
}

TEST(SeedsTextTest, ARunningTrialCountsItsFinishedSeeds) {
  const SeedSettings three{3, "median"};
  EXPECT_EQ(SeedsText(TrialWithSeeds(store::TrialState::kRunning, {}), three), "(0/3 seeds)");
  EXPECT_EQ(SeedsText(TrialWithSeeds(store::TrialState::kRunning, {230}), three),
            "(1/3 seeds: 230)");  // no spread of one value
  const store::Trial two = TrialWithSeeds(store::TrialState::kRunning, {230, 236});
  EXPECT_EQ(SeedsText(two, three), "+/- 4.243 (2/3 seeds: 230, 236)");
  EXPECT_EQ(ValueWithSeedsText(two, three), "- +/- 4.243 (2/3 seeds: 230, 236)");
}

TEST(SeedsTextTest, NothingForTrialsWithoutSeedValues) {
  store::Trial t = TrialWithSeeds(store::TrialState::kComplete, {});
  t.value = 251.5;
  EXPECT_EQ(SeedsText(t, {3, "mean"}), "");  // e.g. from before the study had seeds
  EXPECT_EQ(ValueWithSeedsText(t, {3, "mean"}), "251.5");
  EXPECT_EQ(ValueWithSeedsText(t, {}), "251.5");
  t.state = store::TrialState::kRunning;  // a single-seed study's running trial
  EXPECT_EQ(SeedsText(t, {}), "");
}

TEST(SeedsTextTest, WhatAStudysValuesAreAndWhetherItShowsSeeds) {
  EXPECT_EQ(SeedsSentence("reward", {5, "iqm"}),
            "Each trial's reward is the iqm of its 5 seeds' values, shown +/- their standard "
            "deviation.");
  EXPECT_EQ(SeedsSentence("reward", {}), "");
  std::vector<store::Trial> trials(2);
  EXPECT_FALSE(ShowsSeeds({}, trials));
  EXPECT_TRUE(ShowsSeeds({2, "mean"}, trials));
  trials[1].seed_values = {{3, 9, 1.0}};  // a trial of an earlier seeds_per_trial: 4 columns
  EXPECT_TRUE(ShowsSeeds({}, trials));
  EXPECT_EQ(SeedColumnCount({2, "mean"}, trials), 4);
}

}  // namespace
}  // namespace hpo::report
