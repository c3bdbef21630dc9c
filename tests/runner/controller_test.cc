// The controller loop (RunSweep) against an in-memory store: what it claims, reports, prunes,
// fails, re-queues and resumes, in which order. Trials are tiny shell programs, so each test
// runs in well under a second (but the one that waits for a pruned trial's SIGTERM).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "lib/core/error.h"
#include "lib/runner/sweep_runner.h"
#include "lib/samplers/sampler_factory.h"
#include "lib/space/distribution.h"
#include "tests/runner/fake_store.h"

namespace hpo::runner {
namespace {

using store::TrialState;
using testing::FakeStore;

// A random sampler that counts its calls: a re-queued or enqueued trial must not reach it.
class CountingSampler : public samplers::Sampler {
 public:
  std::optional<samplers::Suggestion> Suggest(const space::SearchSpace& space,
                                              std::span<const samplers::Observation> history,
                                              Rng& rng) override {
    ++calls;
    return random_->Suggest(space, history, rng);
  }
  int calls = 0;

 private:
  std::unique_ptr<samplers::Sampler> random_ = samplers::MakeSampler({"random"});
};

class ControllerTest : public ::testing::Test {
 protected:
  ControllerTest() {
    space_.AddParameter("x", space::MakeNumeric({"uniform", 0, 1, {}, {}, 1}, Origin{"test"}));
    const std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    sweep_.name = "s";
    run_.sweep_dir = std::filesystem::path(::testing::TempDir()) / "controller" / name;
    std::filesystem::remove_all(run_.sweep_dir);
    sweep_.objectives.metric = "score";
    sweep_.n_trials = 3;
    sweep_.seed = 7;
    run_.kill_grace = 5;
    study_ = store_.OpenStudy("s", "maximize", "", true);
  }

  // The trial program: a shell script; it sees HPO_TRIAL_NUMBER and HPO_RUN_DIR.
  void Program(const std::string& script) { sweep_.command = {"sh", "-c", script}; }

  SweepSummary Run(const std::function<void(const SweepEvent&)>& on_event = {}) {
    return RunSweep(sweep_, run_, space_, sampler_, store_, study_, on_event);
  }

  // The log lines of one trial, in order.
  std::vector<std::string> LogOf(int64_t number) const {
    std::vector<std::string> lines;
    const std::string prefix = std::to_string(number) + " ";
    for (const std::string& line : store_.log) {
      if (line.starts_with(prefix)) lines.push_back(line.substr(prefix.size()));
    }
    return lines;
  }

  space::SearchSpace space_;
  config::SweepConfig sweep_;
  RunContext run_;
  CountingSampler sampler_;
  FakeStore store_;
  store::Study study_;
};

// Writes the trial's number as its score into its results file, after one intermediate value.
constexpr const char* kScoreIsTheNumber =
    R"(echo '{"step": 10, "score": 0.5}'; echo "score: $HPO_TRIAL_NUMBER" > )"
    R"("$HPO_RUN_DIR/sweep_eval_results.yaml")";

std::string ReadText(const std::filesystem::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A controller pid on this host that no longer exists (its trials are orphans).
std::string DeadController() {
  const pid_t child = fork();
  if (child == 0) _exit(0);
  waitpid(child, nullptr, 0);
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  return std::string(host) + ":" + std::to_string(child);
}

TEST_F(ControllerTest, ClaimsStartsReportsAndFinishesEachTrialUntilTheBudget) {
  Program(kScoreIsTheNumber);
  std::vector<std::string>
      reported;  // the listener sees every value, also one written just before exit
  const SweepSummary summary = Run([&](const SweepEvent& e) {
    if (e.kind == SweepEvent::Kind::kReported)
      reported.push_back(fmt::format("{} {}", e.trial->number, e.message));
  });
  EXPECT_EQ(reported, (std::vector<std::string>{"0 step 10 score 0.5", "1 step 10 score 0.5",
                                                "2 step 10 score 0.5"}));
  EXPECT_EQ(summary.launched, 3);
  EXPECT_FALSE(summary.interrupted);
  EXPECT_EQ(sampler_.calls, 3);
  ASSERT_EQ(store_.size(), 3u);
  for (int64_t n = 0; n < 3; ++n) {
    const store::Trial& t = store_.Trial(n);
    EXPECT_EQ(LogOf(n), (std::vector<std::string>{"claim", "start", "report 10 0.5", "COMPLETE"}))
        << "trial " << n;
    EXPECT_EQ(t.value, static_cast<double>(n));
    EXPECT_EQ(t.seed, TrialSeed(sweep_.seed, n));
    ASSERT_EQ(t.params.count("x"), 1u);
    EXPECT_EQ(t.run_dir, (run_.sweep_dir / "runs" / ("s.r." + std::to_string(n))).string());
    EXPECT_TRUE(
        std::filesystem::exists(std::filesystem::path(t.run_dir) / "train_config_overrides.yaml"));
    EXPECT_EQ(t.worker, store_.Trial(0).worker);
  }
  EXPECT_NE(store_.Trial(0).params.at("x"), store_.Trial(1).params.at("x"));
  // The budget is used up: a second controller on the study launches nothing.
  EXPECT_EQ(Run().launched, 0);
  EXPECT_EQ(store_.size(), 3u);
}

TEST_F(ControllerTest, ATrialBelowTheMedianOfItsPeersIsStoppedAndRecordedPruned) {
  // Trial 0 reports 10 at step 10 and finishes; trial 1 reports -5 at step 10 and would then
  // sleep for a minute, and finish COMPLETE with -5, unless it is pruned.
  Program(
      R"(if [ "$HPO_TRIAL_NUMBER" = 0 ]; then
               echo '{"step": 10, "score": 10}'; echo '{"score": 10}';
             else echo '{"step": 10, "score": -5}'; exec sleep 60; fi)");
  sweep_.n_trials = 2;
  sweep_.pruner.method = "median";
  sweep_.pruner.percentile_rule.n_startup_trials = 1;
  Run();
  EXPECT_EQ(store_.Trial(0).state, TrialState::kComplete);
  EXPECT_EQ(store_.Trial(0).value, 10);
  const store::Trial& pruned = store_.Trial(1);
  EXPECT_EQ(pruned.state, TrialState::kPruned);
  EXPECT_EQ(pruned.value, -5);  // its last intermediate value
  EXPECT_EQ(LogOf(1), (std::vector<std::string>{"claim", "start", "report 10 -5", "PRUNED"}));
  EXPECT_LT(pruned.cost, 30);  // stopped, not waited for
}

TEST_F(ControllerTest, SuccessiveHalvingStoresTheRungsItCompletesAndReadsThemBack) {
  // Rung 0 ends at step 10. Trial 0 enters 10 there (alone: promoted) and finishes; trial 1
  // enters -5 and competes with the 10 the store holds for trial 0: {10, -5} promotes one.
  Program(
      R"(if [ "$HPO_TRIAL_NUMBER" = 0 ]; then
               echo '{"step": 10, "score": 10}'; sleep 1; echo '{"score": 10}';
             else echo '{"step": 10, "score": -5}'; exec sleep 60; fi)");
  sweep_.n_trials = 2;
  sweep_.pruner.method = "successive_halving";
  sweep_.pruner.halving_rule.min_resource = 10;
  sweep_.pruner.halving_rule.reduction_factor = 2;
  Run();
  EXPECT_EQ(store_.Trial(0).state, TrialState::kComplete);
  EXPECT_EQ(store_.Trial(0).rungs, (std::map<int, double>{{0, 10}}));
  EXPECT_EQ(store_.Trial(1).state, TrialState::kPruned);
  EXPECT_EQ(store_.Trial(1).rungs, (std::map<int, double>{{0, -5}}));  // pruned, still recorded
}

TEST_F(ControllerTest, AFailingProgramOrAMissingMetricFailsTheTrialAndTheSweepGoesOn) {
  Program(R"(case "$HPO_TRIAL_NUMBER" in 0) exit 3;; 1) echo '{"loss": 1}';; *) echo '{"score": )"
          R"(2}';; esac)");
  const SweepSummary summary = Run();
  EXPECT_EQ(summary.launched, 3);
  EXPECT_EQ(store_.Trial(0).state, TrialState::kFailed);
  EXPECT_NE(store_.Trial(0).error.find("exit code 3"), std::string::npos) << store_.Trial(0).error;
  EXPECT_EQ(store_.Trial(1).state, TrialState::kFailed);
  EXPECT_NE(store_.Trial(1).error.find("reported no 'score'"), std::string::npos)
      << store_.Trial(1).error;
  EXPECT_FALSE(store_.Trial(0).retried);  // a failure of the trial itself is data, not re-run
  EXPECT_EQ(store_.Trial(2).state, TrialState::kComplete);
  EXPECT_EQ(store_.Trial(2).value, 2);
}

// metric: "score + 10*bonus". A line with both names is a value of the expression; a line with
// score alone is a curve point of score (partial), never the trial's value.
TEST_F(ControllerTest, AnExpressionMetricIsTheValueAndALineWithItsFirstNameOnlyIsACurvePoint) {
  sweep_.objectives.metric = "score + 10*bonus";
  Program(R"(case "$HPO_TRIAL_NUMBER" in
      0) echo '{"step": 10, "score": 1}'; echo '{"step": 20, "score": 2, "bonus": 0.5}';
         printf 'score: 3\nbonus: 1\n' > "$HPO_RUN_DIR/sweep_eval_results.yaml";;
      1) echo '{"step": 10, "score": 1, "bonus": 1}'; echo '{"step": 20, "score": 4}';;
      *) echo '{"step": 10, "score": 1}';; esac)");
  std::vector<std::string> reported;
  Run([&](const SweepEvent& e) {
    if (e.kind == SweepEvent::Kind::kReported)
      reported.push_back(fmt::format("{} {}", e.trial->number, e.message));
  });
  EXPECT_EQ(reported, (std::vector<std::string>{"0 step 10 score 1", "0 step 20 score + 10*bonus 7",
                                                "1 step 10 score + 10*bonus 11",
                                                "1 step 20 score 4", "2 step 10 score 1"}));
  EXPECT_EQ(LogOf(0),
            (std::vector<std::string>{"claim", "start", "report 10 1", "report 20 7", "COMPLETE"}));
  EXPECT_EQ(store_.Trial(0).value, 13);  // the results file's numbers
  EXPECT_EQ(store_.Trial(1).state, TrialState::kComplete);
  EXPECT_EQ(store_.Trial(1).value, 11);  // its last whole line, not the later score alone
  EXPECT_EQ(store_.Trial(2).state, TrialState::kFailed);
  EXPECT_NE(store_.Trial(2).error.find("reported no line with all of score, bonus"),
            std::string::npos)
      << store_.Trial(2).error;
}

// A further objective is read by the same rules: an expression, from whole lines only.
TEST_F(ControllerTest, AFurtherObjectiveMayBeAnExpressionToo) {
  sweep_.objectives.more = {{"bonus + score", false}};
  sweep_.n_trials = 1;
  Program(R"(echo '{"step": 10, "score": 1, "bonus": 1}'; echo '{"step": 20, "score": 4}')");
  Run();
  ASSERT_EQ(store_.Trial(0).state, TrialState::kComplete) << store_.Trial(0).error;
  EXPECT_EQ(store_.Trial(0).value, 4);
  EXPECT_EQ(store_.Trial(0).more_values, std::vector<double>{2});
}

TEST_F(ControllerTest, ATrialKilledFromOutsideIsFailedAndRunAgainButACrashIsNot) {
  // Trial 0 is killed by SIGTERM as a scheduler's cancel would (not by the controller); trial 1
  // crashes on its own (SIGSEGV): only the first is the machine's fault, and is re-queued.
  Program(R"(case "$HPO_TRIAL_NUMBER" in 0) kill -TERM $$;; 2) kill -SEGV $$;; *) echo '{"score": )"
          R"(1}';; esac)");
  sweep_.n_trials = 3;
  run_.slurm_task = "12_3";
  Run();
  ASSERT_EQ(store_.size(), 4u);
  EXPECT_EQ(store_.Trial(0).state, TrialState::kFailed);
  EXPECT_TRUE(store_.Trial(0).retried);
  EXPECT_NE(store_.Trial(0).error.find("killed by SIGTERM from outside"), std::string::npos)
      << store_.Trial(0).error;
  const store::Trial& retry = store_.Trial(1);  // queued at once, so claimed next
  EXPECT_EQ(retry.retry_of, 0);
  EXPECT_EQ(retry.params, store_.Trial(0).params);
  EXPECT_EQ(retry.state, TrialState::kComplete);
  EXPECT_EQ(store_.Trial(2).state, TrialState::kFailed);
  EXPECT_FALSE(store_.Trial(2).retried);
  EXPECT_NE(store_.Trial(2).error.find("killed by SIGSEGV"), std::string::npos)
      << store_.Trial(2).error;
  EXPECT_EQ(store_.Trial(3).state, TrialState::kComplete);
  // The controller recorded itself as a worker of the study, with its Slurm task.
  ASSERT_EQ(store_.workers.size(), 1u);
  EXPECT_EQ(store_.workers[0].worker, store_.Trial(0).worker);
  EXPECT_EQ(store_.workers[0].slurm_task, "12_3");
}

TEST_F(ControllerTest,
       AnOrphanOfADeadControllerIsFailedAndItsRetryRunsWithTheSameParametersAndSeed) {
  store_.EnqueueTrial(study_.id, {{"x", Value(0.25)}}, 99);
  store_.ClaimTrial(study_.id, 3, DeadController());
  store_.StartTrial(store_.Trial(0).id, {{"x", Value(0.25)}}, 99, "");  // it had started
  Program(kScoreIsTheNumber);
  sweep_.n_trials = 2;
  Run();
  EXPECT_EQ(store_.Trial(0).state, TrialState::kFailed);
  EXPECT_TRUE(store_.Trial(0).retried);
  EXPECT_NE(store_.Trial(0).error.find("died while it ran"), std::string::npos)
      << store_.Trial(0).error;
  const store::Trial& retry = store_.Trial(1);
  EXPECT_EQ(retry.retry_of, 0);
  EXPECT_EQ(retry.state, TrialState::kComplete);
  EXPECT_EQ(retry.params.at("x"), Value(0.25));
  EXPECT_EQ(retry.seed, 99u);
  EXPECT_EQ(store_.Trial(2).state,
            TrialState::kComplete);  // the failed trial does not use the budget
  EXPECT_EQ(sampler_.calls, 1);      // trial 2 only
}

TEST_F(ControllerTest, AnInterruptedSweepRequeuesItsRunningTrialsAndAResumeFinishesThem) {
  Program("exec sleep 60");
  sweep_.n_trials = 2;
  sweep_.n_jobs = 2;
  int started = 0;
  const SweepSummary interrupted = Run([&](const SweepEvent& e) {
    if (e.kind == SweepEvent::Kind::kStarted && ++started == 2) std::raise(SIGINT);  // Ctrl-C
  });
  EXPECT_TRUE(interrupted.interrupted);
  ASSERT_EQ(store_.size(), 4u);
  for (int64_t n : {0, 1}) {
    EXPECT_EQ(store_.Trial(n).state, TrialState::kFailed);
    EXPECT_EQ(store_.Trial(n).error, "interrupted by the user");
    EXPECT_TRUE(store_.Trial(n).retried);
    // Re-queued in the order the two stopped, so either may be trial 2.
    const store::Trial& retry = store_.Trial(n + 2);
    EXPECT_EQ(retry.state, TrialState::kWaiting);
    ASSERT_TRUE(retry.retry_of == 0 || retry.retry_of == 1) << retry.retry_of;
    EXPECT_EQ(retry.params, store_.Trial(retry.retry_of).params);
    EXPECT_EQ(retry.seed, store_.Trial(retry.retry_of).seed);
  }
  EXPECT_NE(store_.Trial(2).retry_of, store_.Trial(3).retry_of);
  // The resume runs the two re-queued trials as they were, and nothing more.
  Program(kScoreIsTheNumber);
  const SweepSummary resumed = Run();
  EXPECT_FALSE(resumed.interrupted);
  EXPECT_EQ(resumed.launched, 2);
  EXPECT_EQ(store_.size(), 4u);
  EXPECT_EQ(sampler_.calls, 2);  // the two first trials only
  EXPECT_EQ(store_.Trial(2).value, 2);
  EXPECT_EQ(store_.Trial(3).value, 3);
}

TEST_F(ControllerTest, AResumeAdoptsATrialThatFinishedAfterItsControllerDied) {
  // A controller ran trial 0 to its end and died before recording it: the trial is RUNNING
  // in the study, with results in its run directory.
  Program(kScoreIsTheNumber);
  sweep_.n_trials = 1;
  Run();
  store_.Edit(0, [&](store::Trial& t) {
    t.state = TrialState::kRunning;
    t.value.reset();
    t.worker = DeadController();
  });
  sweep_.n_trials = 2;
  const SweepSummary resumed = Run();
  EXPECT_EQ(resumed.launched, 1);  // trial 1; trial 0 is not run again
  EXPECT_EQ(LogOf(0).back(), "adopt");
  EXPECT_EQ(store_.Trial(0).state, TrialState::kComplete);
  EXPECT_EQ(store_.Trial(0).value, 0);
  EXPECT_FALSE(store_.Trial(0).retried);
  EXPECT_EQ(store_.Trial(1).value, 1);
}

// seeds_per_trial (issue 38 item 1). Each seed scores 10 * its index + the trial's number and
// reports its index at step 10: the trial is worth the mean, 10 + its number, and its one curve
// point, the mean 1, is reported once the third seed has reported.
constexpr const char* kSeedScores = R"sh(echo "$HPO_SEED" > "$HPO_RUN_DIR/seed.txt";
  echo "{\"step\": 10, \"score\": $HPO_SEED_INDEX}";
  echo "score: $((HPO_SEED_INDEX * 10 + HPO_TRIAL_NUMBER))" \
    > "$HPO_RUN_DIR/sweep_eval_results.yaml")sh";

TEST_F(ControllerTest, ATrialOnThreeSeedsRunsEachInItsFolderAndIsWorthTheirAggregate) {
  Program(kSeedScores);
  sweep_.n_trials = 2;
  sweep_.seeds_per_trial = 3;
  std::vector<store::Trial> finished;  // as the listener sees them
  Run([&](const SweepEvent& e) {
    if (e.kind == SweepEvent::Kind::kFinished) finished.push_back(*e.trial);
  });
  for (int64_t n = 0; n < 2; ++n) {
    const store::Trial& t = store_.Trial(n);
    EXPECT_EQ(t.state, TrialState::kComplete);
    EXPECT_EQ(t.value, 10 + n);
    EXPECT_EQ(LogOf(n), (std::vector<std::string>{"claim", "start", fmt::format("seed 0 {}", n),
                                                  fmt::format("seed 1 {}", 10 + n), "report 10 1",
                                                  fmt::format("seed 2 {}", 20 + n), "COMPLETE"}));
    ASSERT_EQ(t.seed_values.size(), 3u);
    for (int i = 0; i < 3; ++i) {
      const std::filesystem::path dir =
          std::filesystem::path(t.run_dir) / ("seed_" + std::to_string(i));
      const uint64_t seed = SeedOfTrialRun(t.seed, i);
      EXPECT_EQ(t.seed_values[i].seed, seed);
      EXPECT_EQ(ReadText(dir / "seed.txt"), std::to_string(seed) + "\n") << dir;
      EXPECT_TRUE(std::filesystem::exists(dir / "trial.log")) << dir;
    }
    EXPECT_EQ(t.seed_values[0].seed, t.seed);  // seed 0 is the trial's own
    EXPECT_NE(t.seed_values[1].seed, t.seed);
  }
  ASSERT_EQ(finished.size(), 2u);
  ASSERT_EQ(finished[1].seed_values.size(), 3u);
  EXPECT_EQ(finished[1].seed_values[2].value, 21);
  // The median of 1, 11 and 21 for trial 1, under another aggregate.
  sweep_.n_trials = 3;
  sweep_.aggregate = "median";
  Run();
  EXPECT_EQ(store_.Trial(2).value, 12);
}

TEST_F(ControllerTest, SeedsShareTheControllersSlotsRunningInParallelWhenFreeElseInTurn) {
  // Each seed notes how many seeds run at that moment (itself included).
  const std::string active = (run_.sweep_dir / "active").string();
  std::filesystem::create_directories(active);
  Program(fmt::format(R"(touch {0}/$$; ls {0} | wc -l >> {0}.counts; sleep 0.3; rm {0}/$$;
                         echo "score: 1" > "$HPO_RUN_DIR/sweep_eval_results.yaml")",
                      active));
  sweep_.n_trials = 2;
  sweep_.seeds_per_trial = 3;
  sweep_.n_jobs = 2;
  Run();
  std::vector<int> counts;
  std::ifstream in(active + ".counts");
  for (int count; in >> count;) counts.push_back(count);
  ASSERT_EQ(counts.size(), 6u);  // 2 trials x 3 seeds
  EXPECT_EQ(*std::max_element(counts.begin(), counts.end()), 2);
  EXPECT_EQ(store_.Trial(1).state, TrialState::kComplete);
  sweep_.n_jobs = 1;
  sweep_.n_trials = 3;
  std::filesystem::remove(active + ".counts");
  Run();
  std::ifstream again(active + ".counts");
  for (int count; again >> count;) EXPECT_EQ(count, 1);
}

TEST_F(ControllerTest, ASeedThatFailsFailsItsTrialAndStopsTheOtherSeeds) {
  // Seed 1 ends with exit code 3 at once; seeds 0 and 2 would sleep a minute.
  Program(R"(if [ "$HPO_SEED_INDEX" = 1 ]; then exit 3; fi; exec sleep 60)");
  sweep_.n_trials = 1;
  sweep_.seeds_per_trial = 3;
  sweep_.n_jobs = 3;
  Run();
  const store::Trial& t = store_.Trial(0);
  EXPECT_EQ(t.state, TrialState::kFailed);
  const std::string log = (std::filesystem::path(t.run_dir) / "seed_1" / "trial.log").string();
  EXPECT_EQ(t.error, fmt::format("seed_1 (seed {}): trial program ended with exit code 3 (see {})",
                                 SeedOfTrialRun(t.seed, 1), log));
  EXPECT_LT(t.cost, 30);  // the others were stopped, not waited for
  EXPECT_TRUE(t.seed_values.empty());
}

TEST_F(ControllerTest, AResumeAdoptsATrialWhoseSeedsAllFinishedAfterItsControllerDied) {
  // Each seed runs 0.3 s, one after the other (one slot).
  Program(std::string("sleep 0.3; ") + kSeedScores);
  sweep_.n_trials = 1;
  sweep_.seeds_per_trial = 3;
  Run();
  store_.Edit(0, [&](store::Trial& t) {
    t.state = TrialState::kRunning;
    t.value.reset();
    t.seed_values.clear();
    t.worker = DeadController();
  });
  Run();
  EXPECT_EQ(store_.Trial(0).state, TrialState::kComplete);
  EXPECT_EQ(store_.Trial(0).value, 10);
  EXPECT_EQ(store_.Trial(0).seed_values.size(), 3u);
  // Its cost is the seeds' 3 x 0.3 s, each timed from its own start (from the trial's start,
  // the seeds that waited would count 0.3 + 0.6 + 0.9 s).
  EXPECT_GT(store_.Trial(0).cost, 0.85);
  EXPECT_LT(store_.Trial(0).cost, 1.5);
}

TEST_F(ControllerTest, AStoppingRuleEndsLaunchingAndIsRecorded) {
  Program(kScoreIsTheNumber);
  sweep_.n_trials = 10;
  sweep_.target = 1.0;  // trial 1 scores 1
  const SweepSummary summary = Run();
  EXPECT_EQ(summary.launched, 2);
  ASSERT_EQ(store_.stops.size(), 1u);
  EXPECT_NE(store_.stops[0].find("target"), std::string::npos) << store_.stops[0];
}

// ----- storage outages (issue 37) -----------------------------------------------------------

using SteadyClock = std::chrono::steady_clock;

// The info events' messages, in order.
std::function<void(const SweepEvent&)> CollectInfo(std::vector<std::string>& infos) {
  return [&infos](const SweepEvent& e) {
    if (e.kind == SweepEvent::Kind::kInfo) infos.push_back(e.message);
  };
}

size_t CountContaining(const std::vector<std::string>& lines, const std::string& part) {
  return static_cast<size_t>(std::count_if(lines.begin(), lines.end(), [&](const std::string& l) {
    return l.find(part) != std::string::npos;
  }));
}

TEST_F(ControllerTest, ResultsHeldThroughAStorageOutageAreWrittenWhenItIsBack) {
  // The storage goes away as trial 0 starts, for 1.5 s; the trial ends meanwhile.
  Program(kScoreIsTheNumber);
  sweep_.n_trials = 2;
  std::optional<SteadyClock::time_point> back;
  store_.unavailable = [&] { return back && SteadyClock::now() < *back; };
  std::vector<std::string> infos;
  const auto collect = CollectInfo(infos);
  const SweepSummary summary = Run([&](const SweepEvent& e) {
    if (e.kind == SweepEvent::Kind::kStarted && !back)
      back = SteadyClock::now() + std::chrono::milliseconds(1500);
    collect(e);
  });
  EXPECT_EQ(summary.launched, 2);
  ASSERT_EQ(store_.size(), 2u);
  for (int64_t n : {0, 1}) {
    EXPECT_EQ(store_.Trial(n).state, TrialState::kComplete) << "trial " << n;
    EXPECT_EQ(store_.Trial(n).value, static_cast<double>(n));
  }
  // Trial 0's report and its end waited in the outbox, and were written in their order.
  EXPECT_EQ(LogOf(0), (std::vector<std::string>{"claim", "start", "report 10 0.5", "COMPLETE"}));
  EXPECT_EQ(CountContaining(infos, "waiting for storage since"), 1u);
  EXPECT_EQ(CountContaining(infos, "storage is back after"), 1u);
}

// A seed waiting for a slot waits through an outage too, as new trials do, and starts when the
// storage is back; nothing fails and no retry is spent. One slot, two seeds: the storage goes
// away as seed 0 starts, for 1.5 s, and seed 0 ends at once.
TEST_F(ControllerTest, ASeedWaitingForASlotWaitsThroughAStorageOutage) {
  const std::string started = (run_.sweep_dir / "seed_1_started").string();
  Program(fmt::format(R"sh(if [ "$HPO_SEED_INDEX" = 1 ]; then date +%s%N > {}; fi
    echo "score: 1" > "$HPO_RUN_DIR/sweep_eval_results.yaml")sh",
                      started));
  sweep_.n_trials = 1;
  sweep_.seeds_per_trial = 2;
  std::optional<SteadyClock::time_point> back;
  std::optional<std::chrono::system_clock::time_point> back_wall;
  store_.unavailable = [&] { return back && SteadyClock::now() < *back; };
  Run([&](const SweepEvent& e) {
    if (e.kind != SweepEvent::Kind::kStarted || back) return;
    back = SteadyClock::now() + std::chrono::milliseconds(1500);
    back_wall = std::chrono::system_clock::now() + std::chrono::milliseconds(1500);
  });
  EXPECT_EQ(store_.Trial(0).state, TrialState::kComplete);
  EXPECT_EQ(store_.size(), 1u);  // not failed and re-queued
  std::ifstream in(started);
  int64_t seed_1_ns = 0;
  ASSERT_TRUE(in >> seed_1_ns);
  const int64_t back_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(back_wall->time_since_epoch()).count();
  EXPECT_GE(seed_1_ns, back_ns - 50'000'000) << "seed 1 started during the outage";
}

TEST_F(ControllerTest, PastStorageRetryTheControllerStopsItsTrialsAndFailsWithOneLine) {
  Program("exec sleep 60");
  sweep_.n_trials = 1;
  sweep_.storage_retry = 1;
  run_.kill_grace = 1;
  bool down = false;
  store_.unavailable = [&] { return down; };
  const SteadyClock::time_point begun = SteadyClock::now();
  try {
    Run([&](const SweepEvent& e) {
      if (e.kind == SweepEvent::Kind::kStarted) down = true;
    });
    FAIL() << "the sweep went on without its storage";
  } catch (const EnvironmentError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("storage fake is unreachable: connection lost"), std::string::npos)
        << message;
    EXPECT_NE(message.find("1 running trial(s) stopped"), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
  // Stopped after storage_retry, not after the trial's minute.
  EXPECT_LT(std::chrono::duration<double>(SteadyClock::now() - begun).count(), 20.0);
  // The storage never came back: the trial is still RUNNING there, for a resume to recover.
  EXPECT_EQ(store_.Trial(0).state, TrialState::kRunning);
}

TEST_F(ControllerTest, ATrialTakenOverByAnotherControllerIsStoppedAndNotRecordedAgain) {
  // Trial 0 would run for a minute; meanwhile another controller, thinking this one dead,
  // fails and re-queues it (its retry is trial 1, which this controller then runs).
  Program(R"(if [ "$HPO_TRIAL_NUMBER" = 0 ]; then exec sleep 60; fi; )" +
          std::string(kScoreIsTheNumber));
  sweep_.n_trials = 1;
  run_.heartbeat_interval = 0.2;
  run_.kill_grace = 1;
  std::vector<std::string> infos;
  const auto collect = CollectInfo(infos);
  const SteadyClock::time_point begun = SteadyClock::now();
  Run([&](const SweepEvent& e) {
    if (e.kind == SweepEvent::Kind::kStarted && e.trial->number == 0)
      store_.FailAndRequeue(e.trial->id, "heartbeat stale: its controller stopped while it ran", 1);
    collect(e);
  });
  EXPECT_LT(std::chrono::duration<double>(SteadyClock::now() - begun).count(), 20.0);
  ASSERT_EQ(store_.size(), 2u);
  EXPECT_EQ(store_.Trial(0).state, TrialState::kFailed);  // as the other controller left it
  EXPECT_EQ(LogOf(0).back(), "fail: heartbeat stale: its controller stopped while it ran");
  EXPECT_EQ(store_.Trial(1).state, TrialState::kComplete);
  EXPECT_EQ(CountContaining(infos, "was taken over by another controller"), 1u);
}

// The dry run's first trials (FirstTrials) are the ones a controller starting them all at once
// gives the study: the queued one first, then the sampler's, drawn with the same seeds and the
// same history of running trials. Grid's and Protein's draws depend on that history.
TEST_F(ControllerTest, TheDryRunsFirstTrialsAreTheControllers) {
  space_ = space::SearchSpace();
  space_.AddParameter("layers", space::MakeNumeric({"int_uniform", 1, 3, {}, {}, 1}, Origin{"t"}));
  space_.AddParameter(
      "act", space::MakeCategorical({Value("relu"), Value("tanh")}, std::nullopt, Origin{"t"}, {}));
  space_.AddParameter("lr", space::MakeNumeric({"loguniform", 1e-4, 1e-2, {}, {}, 1}, Origin{"t"}));
  const ParamSet queued = {
      {"layers", Value(int64_t{2})}, {"act", Value("tanh")}, {"lr", Value(1e-3)}};
  Program("sleep 2; " + std::string(kScoreIsTheNumber));
  sweep_.n_trials = 6;
  sweep_.n_jobs = 6;  // every trial starts before any finishes: each is RUNNING for the next draw
  for (const std::string method : {"grid", "protein"}) {
    SCOPED_TRACE(method);
    const auto planned = [&] {
      const std::unique_ptr<samplers::Sampler> sampler = samplers::MakeSampler({method});
      return FirstTrials(*sampler, space_, {}, {config::QueuedTrial{queued, {}, "enqueued"}},
                         sweep_.seed, sweep_.n_trials);
    }();
    store_ = FakeStore();
    study_ = store_.OpenStudy("s", "maximize", "", true);
    store_.EnqueueTrial(study_.id, queued, 1);
    const std::unique_ptr<samplers::Sampler> sampler = samplers::MakeSampler({method});
    RunSweep(sweep_, run_, space_, *sampler, store_, study_, {});
    ASSERT_EQ(planned.size(), 6u);
    ASSERT_EQ(store_.size(), 6u);
    for (int64_t n = 0; n < 6; ++n)
      EXPECT_EQ(store_.Trial(n).params, planned[n].params) << "trial " << n;
  }
}

}  // namespace
}  // namespace hpo::runner
