// Population against Ray's PopulationBasedTraining.on_trial_result and choose_trial_to_run
// (pbt.py:514-733, 877-1006), replayed step by step on what scripts/pbt-vs-ray recorded
// (tests/fixtures/pbt/ray_pbt.yaml, section `scenarios`): Ray's own test scenarios
// (test_trial_scheduler.py:1199-1587, test_trial_scheduler_pbt.py:567) and seeded random runs of
// members sharing slots, with NaN scores, ties and members that finish, asynchronous and
// synchronous. At every report hpo must reach Ray's decision and leave every member in Ray's
// state (last score, last perturbation and train step, checkpoint step), with Ray's exploits
// and skipped exploits; the leader of each exploit is the one Ray drew, among the same top
// quantile.
#include "lib/pbt/population.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "lib/core/error.h"
#include "tests/pbt/ray_fixture.h"

namespace hpo::pbt {
namespace {

using testing::OptionalNumber;
using testing::RayFixture;
using testing::SameNumber;

MemberStatus StatusOf(const std::string& ray) {
  if (ray == "RUNNING") return MemberStatus::kRunning;
  if (ray == "PENDING" || ray == "PAUSED") return MemberStatus::kWaiting;
  EXPECT_TRUE(ray == "TERMINATED" || ray == "ERROR") << ray;
  return MemberStatus::kFinished;
}

std::vector<MemberStatus> StatusesOf(const YAML::Node& step) {
  std::vector<MemberStatus> statuses;
  for (const YAML::Node& s : step["statuses"]) statuses.push_back(StatusOf(s.as<std::string>()));
  return statuses;
}

PbtSettings SettingsOf(const YAML::Node& scenario) {
  const YAML::Node ray = scenario["settings"];
  PbtSettings settings;
  settings.population_size = scenario["members"].as<int>();
  settings.perturbation_interval = ray["perturbation_interval"].as<int64_t>();
  if (ray["burn_in_period"]) settings.burn_in = ray["burn_in_period"].as<int64_t>();
  if (ray["quantile_fraction"]) settings.quantile_fraction = ray["quantile_fraction"].as<double>();
  if (ray["synch"]) settings.synch = ray["synch"].as<bool>();
  return settings;
}

/// The leaders Ray drew at this step, in order; checks each was drawn among the same top.
LeaderPicker RaysPicks(const YAML::Node& picks, size_t& used) {
  return [&picks, &used](std::span<const int> top) {
    if (used >= picks.size()) {
      ADD_FAILURE() << "hpo draws a leader Ray did not";
      return top.front();
    }
    const YAML::Node pick = picks[used++];
    EXPECT_EQ(std::vector<int>(top.begin(), top.end()), pick["among"].as<std::vector<int>>());
    return pick["leader"].as<int>();
  };
}

void ExpectRaysStates(const Population& population, const YAML::Node& states) {
  for (size_t i = 0; i < states.size(); ++i) {
    SCOPED_TRACE("member " + std::to_string(i));
    const MemberState& hpo = population.member(static_cast<int>(i));
    const YAML::Node ray = states[i];
    EXPECT_TRUE(SameNumber(hpo.last_score, OptionalNumber(ray[0])));
    EXPECT_EQ(hpo.last_perturbation_step, ray[1].as<int64_t>());
    EXPECT_EQ(hpo.last_train_step, ray[2].as<int64_t>());
    EXPECT_TRUE(SameNumber(hpo.checkpoint_step, OptionalNumber(ray[3])));
  }
}

void ExpectRaysExploits(const Judgement& hpo, const YAML::Node& step) {
  std::vector<Exploit> exploits;
  for (const YAML::Node& e : step["exploits"])
    exploits.push_back({e[0].as<int>(), e[1].as<int>(), e[2].as<int64_t>()});
  EXPECT_EQ(hpo.exploits, exploits);
  std::vector<SkippedExploit> skipped;
  for (const YAML::Node& s : step["skipped"]) skipped.push_back({s[0].as<int>(), s[1].as<int>()});
  EXPECT_EQ(hpo.skipped, skipped);
}

// Ray's CONTINUE is kContinue; PAUSE and NOOP (the scheduler paused it itself, having exploited
// it) are kPause.
void ExpectRaysDecision(const Judgement& hpo, int member, const std::string& ray) {
  EXPECT_EQ(hpo.next == Judgement::Next::kContinue, ray == "CONTINUE");
  const bool exploited = std::any_of(hpo.exploits.begin(), hpo.exploits.end(),
                                     [&](const Exploit& e) { return e.member == member; });
  EXPECT_EQ(exploited, ray == "NOOP");
}

void ReplayResult(Population& population, const YAML::Node& step) {
  const int member = step["member"].as<int>();
  size_t used = 0;
  const Judgement hpo =
      population.OnResult(member, step["time"].as<int64_t>(), step["score"].as<double>(),
                          StatusesOf(step), RaysPicks(step["picks"], used));
  EXPECT_EQ(used, step["picks"].size()) << "Ray drew more leaders";
  ExpectRaysDecision(hpo, member, step["decision"].as<std::string>());
  ExpectRaysExploits(hpo, step);
  ExpectRaysStates(population, step["states"]);
  EXPECT_EQ(population.next_sync_step(), step["next_sync"].as<int64_t>());
}

void ReplayChoice(const Population& population, const YAML::Node& step) {
  const std::optional<int> hpo = population.NextToRun(StatusesOf(step));
  if (step["choose"].IsNull()) {
    EXPECT_FALSE(hpo);
  } else {
    EXPECT_EQ(hpo, step["choose"].as<int>());
  }
}

TEST(PopulationTest, EveryStepOfRaysScenariosIsDecidedAsRayDecidedIt) {
  const YAML::Node scenarios = RayFixture()["scenarios"];
  ASSERT_GE(scenarios.size(), 14u);
  int steps = 0, exploits = 0, skipped = 0;
  for (const YAML::Node& scenario : scenarios) {
    SCOPED_TRACE(scenario["name"].as<std::string>() + " (" + scenario["source"].as<std::string>() +
                 ")");
    Population population(SettingsOf(scenario));
    for (size_t i = 0; i < scenario["steps"].size(); ++i) {
      const YAML::Node step = scenario["steps"][i];
      SCOPED_TRACE("step " + std::to_string(i));
      if (step["choose"]) {
        ReplayChoice(population, step);
      } else {
        ReplayResult(population, step);
        exploits += static_cast<int>(step["exploits"].size());
        skipped += static_cast<int>(step["skipped"].size());
      }
      ++steps;
      if (::testing::Test::HasFailure()) return;  // one step's failure, not the cascade
    }
  }
  // The replay reached what it claims to check.
  EXPECT_GT(steps, 1000);
  EXPECT_GT(exploits, 50);
  EXPECT_GT(skipped, 0);
}

// What the controller acts on, spelled out once: asynchronous, a top member keeps a checkpoint
// at the step it reported; a bottom one copies it and takes over its steps.
TEST(PopulationTest, AJudgementSaysWhichCheckpointToKeepAndWhoCopiesIt) {
  PbtSettings settings;
  settings.population_size = 4;
  settings.perturbation_interval = 10;
  Population population(settings);
  const std::vector<MemberStatus> running(4, MemberStatus::kRunning);
  Rng rng(1);
  for (int m = 0; m < 3; ++m) population.OnResult(m, 10, m, running, PickUniformly(rng));
  const Judgement top = population.OnResult(3, 12, 9.0, running, PickUniformly(rng));
  EXPECT_EQ(top.checkpoints, (std::vector<KeptCheckpoint>{{3, 12}}));
  EXPECT_EQ(top.next, Judgement::Next::kContinue);
  const Judgement early = population.OnResult(0, 15, -5.0, running, PickUniformly(rng));
  EXPECT_FALSE(early.judged);  // 15 - 10 < interval
  const Judgement bottom = population.OnResult(0, 20, -5.0, running, PickUniformly(rng));
  EXPECT_EQ(bottom.exploits, (std::vector<Exploit>{{0, 3, 12}}));
  EXPECT_EQ(bottom.next, Judgement::Next::kPause);
  EXPECT_EQ(population.member(0).last_train_step, 12);
  EXPECT_EQ(population.member(0).last_perturbation_step, 12);
  EXPECT_EQ(population.member(0).last_score, -5.0);  // its own, until judged again
}

TEST(PopulationTest, BadSettingsAndAWrongNumberOfStatusesAreRefused) {
  EXPECT_THROW(Population(PbtSettings{}), UserError);  // no perturbation_interval
  PbtSettings settings;
  settings.perturbation_interval = 10;
  Population population(settings);
  Rng rng(1);
  EXPECT_THROW(population.OnResult(0, 10, 1.0, std::vector<MemberStatus>(3), PickUniformly(rng)),
               std::invalid_argument);
}

}  // namespace
}  // namespace hpo::pbt
