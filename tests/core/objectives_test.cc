// The one type for what a study optimises: how it is stored (its direction), shown and listed.
#include "lib/core/objectives.h"

#include <gtest/gtest.h>

namespace hpo {
namespace {

TEST(ObjectivesTest, OneObjectiveIsTheMetricItsDirectionAndItsLabelForReports) {
  Objectives o;
  EXPECT_EQ(o.metric, "final_mean_reward");
  EXPECT_FALSE(o.Multi());
  EXPECT_EQ(o.Direction(), "maximize");
  EXPECT_EQ(o.Shown(), "final_mean_reward");
  o.metric = "0.7*final_mean_reward + 0.3*success_rate";
  o.label = "composite";
  o.maximize = false;
  EXPECT_EQ(o.Shown(), "composite (0.7*final_mean_reward + 0.3*success_rate)");
  EXPECT_EQ(o.Describe(), "composite (0.7*final_mean_reward + 0.3*success_rate) (minimize)");
  EXPECT_EQ(o.All(), (std::vector<Objective>{{o.metric, false}}));  // the label is no objective
}

TEST(ObjectivesTest, SeveralObjectivesListInOrderWithOneDirectionEach) {
  const Objectives o{"reward", "", true, {{"seconds", false}, {"success_rate", true}}};
  EXPECT_TRUE(o.Multi());
  EXPECT_EQ(o.Direction(), "maximize,minimize,maximize");
  EXPECT_EQ(o.Describe(), "reward (maximize), seconds (minimize), success_rate (maximize)");
  ASSERT_EQ(o.All().size(), 3u);
  EXPECT_EQ(o.All()[1], (Objective{"seconds", false}));
}

}  // namespace
}  // namespace hpo
