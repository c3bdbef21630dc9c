// PbtCoordinator: PBT's decisions (lib/pbt) turned into the controller's actions, and the members'
// records that let a resumed sweep go on where a killed one stopped.
#include "lib/runner/pbt_coordinator.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "lib/core/error.h"
#include "lib/space/distribution.h"
#include "tests/support/test_dir.h"

namespace hpo::runner {
namespace {

namespace fs = std::filesystem;

class PbtCoordinatorTest : public testing::Test {
 protected:
  void SetUp() override {
    space_.AddParameter("x", space::MakeNumeric({"uniform", 0, 1, {}, {}, 1}, Origin{"test"}));
    dir_ = testing_support::FreshTestDir("pbt_coordinator");
  }

  /// A trial folder whose program wrote checkpoints of steps 10 and 20.
  std::string RunDir(const std::string& name) const {
    const fs::path run = dir_ / name;
    fs::create_directories(CheckpointDir(run));
    for (const char* step : {"10", "20"})
      std::ofstream(CheckpointDir(run) / (std::string("step_") + step + ".ckpt")) << step;
    return run.string();
  }

  static pbt::PbtSettings TwoMembers() {
    pbt::PbtSettings s;
    s.population_size = 2;
    s.perturbation_interval = 10;
    return s;
  }

  space::SearchSpace space_;
  fs::path dir_;
};

TEST_F(PbtCoordinatorTest, TheBottomMemberCopiesTheTopOnesKeptCheckpointAndStops) {
  PbtCoordinator c(TwoMembers(), space_, 7);
  c.Launched(0, 0, RunDir("r0"), {{"x", Value(0.3)}}, "a:1");
  c.Launched(1, 1, RunDir("r1"), {{"x", Value(0.9)}}, "a:1");
  c.OnReport(0, 10, 5, 5);  // alone: no quantiles yet (Ray's _quantiles needs two)
  // Bottom, but the top member kept no checkpoint when it was judged alone: skipped (pbt.py:727)
  const PbtActions skipped = c.OnReport(1, 10, 1, 1);
  EXPECT_TRUE(skipped.stop.empty());
  ASSERT_EQ(c.member(1).lineage.size(), 1u);
  EXPECT_TRUE(c.member(1).lineage[0].skipped);
  c.OnReport(0, 20, 10, 10);  // top: its checkpoint of step 20 is kept
  EXPECT_EQ(c.member(0).checkpoint, (dir_ / "r0/pbt_checkpoints/step_20.ckpt").string());
  const PbtActions exploit = c.OnReport(1, 20, 2, 2);
  EXPECT_EQ(exploit.stop, std::vector<int>{1});
  ASSERT_TRUE(c.PlanOf(1));
  EXPECT_EQ(c.PlanOf(1)->restore_from, (dir_ / "r0/pbt_checkpoints/step_20.ckpt").string());
  EXPECT_EQ(c.PlanOf(1)->start_step, 20);
  const double x = c.PlanOf(1)->params.at("x").as_double();
  EXPECT_GE(x, 0.0);
  EXPECT_LE(x, 1.0);
  const pbt::LineageEntry& entry = c.member(1).lineage.back();
  EXPECT_FALSE(entry.skipped);
  EXPECT_EQ(entry.parent, 0);
  EXPECT_EQ(entry.before.at("x"), Value(0.3));
  EXPECT_EQ(entry.after.at("x"), Value(x));
  // Once it runs from the copy, its past is the leader's up to the step, then its own values;
  // not before (a member that ends first never trained with them).
  EXPECT_EQ(c.member(1).schedule.size(), 1u);
  c.Ended(1, /*paused=*/true, false, "");
  c.Launched(1, 2, RunDir("r1b"), c.PlanOf(1)->params, "a:1");
  ASSERT_EQ(c.member(1).schedule.size(), 2u);
  EXPECT_EQ(c.member(1).schedule[0].step, 0);
  EXPECT_EQ(c.member(1).schedule[0].params.at("x"), Value(0.3));
  EXPECT_EQ(c.member(1).schedule[1].step, 20);
  EXPECT_EQ(c.member(1).schedule[1].params.at("x"), Value(x));
}

TEST_F(PbtCoordinatorTest, AResumedPopulationGoesOnFromTheSavedRecords) {
  PbtCoordinator c(TwoMembers(), space_, 7);
  c.Launched(0, 0, RunDir("r0"), {{"x", Value(0.3)}}, "a:1");
  c.Launched(1, 1, RunDir("r1"), {{"x", Value(0.9)}}, "a:1");
  c.OnReport(0, 10, 5, 5);
  c.OnReport(1, 10, 1, 1);
  c.OnReport(0, 20, 10, 10);
  c.OnReport(1, 20, 2, 2);
  c.Ended(1, /*paused=*/true, false, "");
  const std::map<int, store::PbtRecord> records = {{0, {c.Record(0), 3}}, {1, {c.Record(1), 5}}};

  // Member 0 was running when its controller died (trial 0 is not running): it waits, from
  // its latest checkpoint, and is to be saved at the version read.
  PbtCoordinator resumed(TwoMembers(), space_, 7);
  resumed.Sync(records, {}, [](int64_t) { return false; });
  EXPECT_EQ(resumed.TakeChanged(), (std::vector<int>{0}));
  EXPECT_EQ(resumed.version(0), 3);
  EXPECT_EQ(resumed.member(0).phase, pbt::MemberPhase::kWaiting);
  ASSERT_TRUE(resumed.PlanOf(0));
  EXPECT_EQ(resumed.PlanOf(0)->restore_from, (dir_ / "r0/pbt_checkpoints/step_20.ckpt").string());
  EXPECT_EQ(resumed.PlanOf(0)->params.at("x"), Value(0.3));
  EXPECT_EQ(resumed.Record(1), c.Record(1));  // the paused one as it was, lineage included
  EXPECT_EQ(resumed.member(1).state.last_train_step, 20);
  EXPECT_EQ(resumed.NextToLaunch(), 0);  // equally trained: the first in member order
}

TEST_F(PbtCoordinatorTest, SyncTakesOnlyNewerRecordsOfMembersRunElsewhere) {
  PbtCoordinator here(TwoMembers(), space_, 7), there(TwoMembers(), space_, 7);
  there.Launched(1, 4, RunDir("r1"), {{"x", Value(0.9)}}, "b:2");
  here.Launched(0, 3, RunDir("r0"), {{"x", Value(0.3)}}, "a:1");
  const std::map<int, store::PbtRecord> stored = {{0, {there.Record(0), 7}},
                                                  {1, {there.Record(1), 2}}};
  // Member 0 runs here: the study's older view of it is not taken. Member 1's trial runs.
  here.Sync(stored, {0}, [](int64_t number) { return number == 4; });
  EXPECT_EQ(here.member(0).phase, pbt::MemberPhase::kRunning);
  EXPECT_EQ(here.member(0).owner, "a:1");
  EXPECT_EQ(here.member(1).phase, pbt::MemberPhase::kRunning);
  EXPECT_EQ(here.member(1).owner, "b:2");
  EXPECT_EQ(here.version(1), 2);
  EXPECT_EQ(here.NextToLaunch(), std::nullopt);
  // The same version again changes nothing, even where this controller changed the member.
  here.Sync({{1, {"not a record", 2}}}, {0}, [](int64_t) { return true; });
  EXPECT_EQ(here.member(1).owner, "b:2");
}

// A member exploited while it ran, whose controller died before its trial ended: the copy
// decided stands (its record says running with an unused plan); a member that finishes before
// its plan runs never copied anything.
TEST_F(PbtCoordinatorTest, AnExploitDecidedBeforeItsControllerDiedStandsAndOneNeverRunIsDropped) {
  PbtCoordinator c(TwoMembers(), space_, 7);
  c.Launched(0, 0, RunDir("r0"), {{"x", Value(0.3)}}, "a:1");
  c.Launched(1, 1, RunDir("r1"), {{"x", Value(0.9)}}, "a:1");
  c.OnReport(0, 10, 5, 5);
  c.OnReport(1, 10, 1, 1);
  c.OnReport(0, 20, 10, 10);
  ASSERT_EQ(c.OnReport(1, 20, 2, 2).stop, std::vector<int>{1});  // exploited, still running
  const std::string leader_checkpoint = (dir_ / "r0/pbt_checkpoints/step_20.ckpt").string();
  PbtCoordinator resumed(TwoMembers(), space_, 7);
  resumed.Sync({{0, {c.Record(0), 1}}, {1, {c.Record(1), 1}}}, {}, [](int64_t) { return false; });
  ASSERT_TRUE(resumed.PlanOf(1));
  EXPECT_EQ(resumed.PlanOf(1)->restore_from, leader_checkpoint);  // not its own step_20
  c.Ended(1, /*paused=*/false, false, "complete");  // it had finished its budget anyway
  EXPECT_FALSE(c.PlanOf(1));
  for (const pbt::LineageEntry& l : c.member(1).lineage) EXPECT_TRUE(l.skipped);
}

TEST_F(PbtCoordinatorTest, AMemberWithoutTheCheckpointOfItsStepKeepsRunning) {
  pbt::PbtSettings s = TwoMembers();
  PbtCoordinator c(s, space_, 7);
  const std::string bare = (dir_ / "bare").string();
  fs::create_directories(bare);
  c.Launched(0, 0, bare, {{"x", Value(0.3)}}, "a:1");
  // Member 1 waits for a slot: Ray would pause member 0 to let it run, but there is nothing to
  // go on from.
  const PbtActions actions = c.OnReport(0, 10, 5, 5);
  EXPECT_TRUE(actions.stop.empty());
  ASSERT_FALSE(actions.events.empty());
  EXPECT_NE(actions.events.back().find("member 0 has no checkpoint of step 10: it keeps running"),
            std::string::npos)
      << actions.events.back();
}

TEST(PbtCheckpointNamesTest, TheStepIsInTheNameWithAnyExtensionOrAsAFolder) {
  const fs::path dir = testing_support::FreshTestDir("pbt_names");
  std::ofstream(dir / "step_100.pt") << "";
  fs::create_directories(dir / "step_2000");
  std::ofstream(dir / "step_3000.pt.tmp") << "";  // being written
  std::ofstream(dir / "final.pt") << "";
  std::ofstream(dir / "step_x.pt") << "";
  EXPECT_EQ(CheckpointAt(dir, 100), dir / "step_100.pt");
  EXPECT_EQ(CheckpointAt(dir, 2000), dir / "step_2000");
  EXPECT_EQ(CheckpointAt(dir, 5), std::nullopt);
  EXPECT_EQ(CheckpointAt(dir, 3000), std::nullopt);  // half written: nothing to restore from
  const auto latest = LatestCheckpointIn(dir);
  ASSERT_TRUE(latest);
  EXPECT_EQ(latest->first, 2000);
}

}  // namespace
}  // namespace hpo::runner
