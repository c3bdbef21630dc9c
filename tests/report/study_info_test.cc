// What reports know of a study beyond its trials: its objectives (as storage holds them, or for
// an older study as its config names them) and its seeds.
#include "lib/report/study_info.h"

#include <gtest/gtest.h>

namespace hpo::report {
namespace {

store::Study StudyWithConfig(const std::string& direction, const std::string& config_yaml) {
  return store::Study{1, "s", direction, config_yaml, 0};
}

TEST(ReadStudyInfoTest, TheRecordedObjectivesAreTheStudysNotWhatItsConfigTextSays) {
  store::Study study = StudyWithConfig("maximize", "metric: from_the_text\nseeds_per_trial: 3\n");
  study.objectives = Objectives{"0.7*a + 0.3*b", "composite", true, {}};
  const StudyInfo info = ReadStudyInfo(study);
  EXPECT_EQ(info.objectives, *study.objectives);
  EXPECT_EQ(info.objectives.Shown(), "composite (0.7*a + 0.3*b)");
  EXPECT_EQ(info.seeds.per_trial, 3);
}

// A study created before the objectives were stored: its config, as SweepConfig::ToYaml wrote it.
TEST(ReadStudyInfoTest, AnOlderStudysObjectivesComeFromItsStoredConfig) {
  EXPECT_EQ(ReadStudyInfo(StudyWithConfig("minimize", "metric: {name: loss, goal: minimize}\n"))
                .objectives,
            (Objectives{"loss", "", false, {}}));
  EXPECT_EQ(ReadStudyInfo(StudyWithConfig("maximize", "metric: \"0.5*a + b\"\nmetric_name: c\n"))
                .objectives.Shown(),
            "c (0.5*a + b)");
  const StudyInfo two = ReadStudyInfo(StudyWithConfig(
      "maximize,minimize",
      "metrics:\n  - {name: reward, goal: maximize}\n  - {name: seconds, goal: minimize}\n"));
  EXPECT_EQ(two.objectives, (Objectives{"reward", "", true, {{"seconds", false}}}));
  EXPECT_EQ(ReadStudyInfo(StudyWithConfig("minimize", "{unreadable")).objectives,
            (Objectives{"final_mean_reward", "", false, {}}));
}

}  // namespace
}  // namespace hpo::report
