#include "lib/report/sweep_summary.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace hpo::report {
namespace {

store::Trial Finished(int64_t number, store::TrialState state, std::optional<double> value,
                      std::vector<double> more = {}) {
  store::Trial t;
  t.id = 100 + number;
  t.number = number;
  t.state = state;
  t.value = value;
  t.more_values = std::move(more);
  t.params = {{"lr", Value(3e-4 * static_cast<double>(number + 1))},
              {"n_steps", Value(int64_t{1024})}};
  return t;
}

config::SweepConfig Config() {
  config::SweepConfig c;
  c.name = "lunar";
  c.objectives.metric = "final_mean_reward";
  c.objectives.maximize = true;
  return c;
}

std::string CommandOf(const store::Trial& t) {
  return "hpo train --trial " + std::to_string(t.number);
}

TEST(SweepEndTextTest, CountsTheStudyAndNamesTheBestTrialItsParametersAndItsCommand) {
  const std::vector<store::Trial> trials = {Finished(0, store::TrialState::kComplete, 120.5),
                                            Finished(1, store::TrialState::kComplete, 270.16894),
                                            Finished(2, store::TrialState::kPruned, 300),
                                            Finished(3, store::TrialState::kFailed, std::nullopt)};
  EXPECT_EQ(SweepEndText(Config(), trials, 3, CommandOf),
            "sweep lunar: 3 trials launched here; study: 2 complete, 1 pruned, 1 failed; best "
            "trial 1 with "
            "final_mean_reward = 270.2\n"
            "best parameters (trial 1): lr=6e-04 n_steps=1024\n"
            "to train with the best hyperparameters, run:\n  hpo train --trial 1\n");
}

// A PBT trial is one stretch of a member: its values alone did not make its score, so the end
// names the best trial but points to the member's schedule instead of a command to train it.
TEST(SweepEndTextTest, APbtSweepPointsToTheBestMembersScheduleNotToATrainingCommand) {
  config::SweepConfig c = Config();
  c.sampler.method = "pbt";
  const std::vector<store::Trial> trials = {Finished(0, store::TrialState::kComplete, 120.5),
                                            Finished(1, store::TrialState::kComplete, 270.16894)};
  EXPECT_EQ(SweepEndText(c, trials, 2, CommandOf),
            "sweep lunar: 2 trials launched here; study: 2 complete, 0 pruned, 0 failed; best "
            "trial 1 with final_mean_reward = 270.2\n"
            "population-based training: a trial's values are one stretch of its member's "
            "training; the best member's whole schedule: hpo best-params lunar (it writes "
            "lunar_schedule.yaml); retrain it on another seed: hpo pbt-replay lunar\n");
}

TEST(SweepEndTextTest, WithoutACompleteTrialThereIsNoBestAndNoCommand) {
  const std::vector<store::Trial> trials = {Finished(0, store::TrialState::kWaiting, std::nullopt)};
  EXPECT_EQ(SweepEndText(Config(), trials, 0, CommandOf),
            "sweep lunar: 0 trials launched here; study: 0 complete, 0 pruned, 0 failed\n");
}

TEST(SweepEndTextTest, WhenEveryTrialFailedItSaysHowManyAndTheSweepFails) {
  const std::vector<store::Trial> trials = {Finished(0, store::TrialState::kFailed, std::nullopt),
                                            Finished(1, store::TrialState::kFailed, std::nullopt)};
  EXPECT_TRUE(EveryTrialFailed(trials));
  EXPECT_EQ(SweepEndText(Config(), trials, 2, CommandOf),
            "sweep lunar: 2 trials launched here; study: 0 complete, 0 pruned, 2 failed\n"
            "sweep lunar failed: all 2 trial(s) failed, none completed (each trial's error: hpo "
            "status lunar; its output: the trial's run folder in runs/)\n");
}

TEST(SweepEndTextTest, ASweepWithACompleteOrPrunedTrialHasNotFailed) {
  std::vector<store::Trial> trials = {Finished(0, store::TrialState::kFailed, std::nullopt),
                                      Finished(1, store::TrialState::kComplete, 10)};
  EXPECT_FALSE(EveryTrialFailed(trials));
  trials[1] = Finished(1, store::TrialState::kPruned, 5);
  EXPECT_FALSE(EveryTrialFailed(trials));
  EXPECT_FALSE(EveryTrialFailed({}));  // nothing ran (a finished budget, a reached target)
}

TEST(SweepEndTextTest, SeveralObjectivesListTheParetoFrontFirst) {
  config::SweepConfig c = Config();
  c.objectives.more = {{"training_time", false}};
  const std::vector<store::Trial> trials = {
      Finished(0, store::TrialState::kComplete, 200, {30}),
      Finished(1, store::TrialState::kComplete, 250, {60}),
      Finished(2, store::TrialState::kComplete, 190, {70})};  // dominated by 0
  const std::string text = SweepEndText(c, trials, 3, CommandOf);
  EXPECT_EQ(text,
            "sweep lunar: 3 trials launched here; study: 3 complete, 0 pruned, 0 failed\n"
            "Pareto front (2 trial(s); hpo best-params --pareto lists them):\n"
            "  trial 1: final_mean_reward 250, training_time 60\n"
            "  trial 0: final_mean_reward 200, training_time 30\n"
            "the front's best final_mean_reward is trial 1:\n"
            "best parameters (trial 1): lr=6e-04 n_steps=1024\n"
            "to train with the best hyperparameters, run:\n  hpo train --trial 1\n");
}

TEST(CheckpointKeeperTest, OnlyTheBestKFinishedTrialsKeepTheirCheckpoints) {
  const std::filesystem::path root = std::filesystem::path(testing::TempDir()) / "keeper";
  std::filesystem::remove_all(root);
  std::vector<store::Trial> trials = {Finished(0, store::TrialState::kComplete, 10),
                                      Finished(1, store::TrialState::kComplete, 30),
                                      Finished(2, store::TrialState::kPruned, 50),
                                      Finished(3, store::TrialState::kRunning, std::nullopt),
                                      Finished(4, store::TrialState::kComplete, 20)};
  for (store::Trial& t : trials) {
    t.run_dir = (root / std::to_string(t.number)).string();
    std::filesystem::create_directories(root / std::to_string(t.number) / "checkpoints");
    std::ofstream(root / std::to_string(t.number) / "results.yaml") << "kept: true\n";
  }
  CheckpointKeeper keeper(2, Config());
  keeper.Prune(trials);
  EXPECT_EQ(keeper.removed(), 2);  // trial 0 (third best) and 2 (pruned); 3 still runs
  for (int n : {1, 3, 4})
    EXPECT_TRUE(std::filesystem::exists(root / std::to_string(n) / "checkpoints")) << n;
  for (int n : {0, 2})
    EXPECT_FALSE(std::filesystem::exists(root / std::to_string(n) / "checkpoints")) << n;
  for (int n = 0; n < 5; ++n)
    EXPECT_TRUE(std::filesystem::exists(root / std::to_string(n) / "results.yaml")) << n;
  keeper.Prune(trials);
  EXPECT_EQ(keeper.removed(), 2);  // each trial once

  CheckpointKeeper keep_all(0, Config());
  keep_all.Prune(trials);
  EXPECT_TRUE(std::filesystem::exists(root / "1" / "checkpoints"));
}

}  // namespace
}  // namespace hpo::report
