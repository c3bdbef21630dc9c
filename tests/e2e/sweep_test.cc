// hpo sweep end to end with the stub trial program: faults, kill -9 and resume, two controllers
// on one study, reproducibility, bad input.
#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "lib/core/error.h"
#include "lib/store/store.h"
#include "tests/e2e/run_hpo.h"
#include "tests/support/test_dir.h"

namespace hpo::e2e {
namespace {

namespace fs = std::filesystem;

class SweepCliTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing_support::FreshTestDir("sweep_e2e");
    setenv("HPO_TRAIN_DIR", (dir_ / "train_dir").c_str(), 1);
  }

  std::string Config(const std::string& name, const std::string& body) const {
    const fs::path path = dir_ / (name + ".yaml");
    std::ofstream(path) << "name: " << name << "\nmetric: score\ncommand: [" << HPO_STUB_TRIAL
                        << ", \"--marker=" << name << "\", \"${args}\"]\n"
                        << body;
    return path.string();
  }

  /// Deletes a sweep's database but not its runs: the next sweep of that name is a new study
  /// beside the old run folders (a name reused).
  static void ForgetStudy(const fs::path& sweep_dir) {
    for (const char* file : {"study.db", "study.db-wal", "study.db-shm"})
      fs::remove(sweep_dir / file);
  }

  std::vector<store::Trial> Trials(const std::string& name) const {
    auto store = store::OpenStore((dir_ / "train_dir/sweep" / name / "study.db").string());
    return store->LoadTrials(store->OpenStudy(name, "", "", false).id);
  }

  /// Runs `hpo sweep` on Config(name, body) to its end (exit 0 expected); the study's trials.
  std::vector<store::Trial> SweepToTheEnd(const std::string& name, const std::string& body) const {
    const CommandResult r = RunHpo("sweep " + Config(name, body));
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return Trials(name);
  }

  /// Trials() while the controller may still be creating the study: empty until it exists.
  std::vector<store::Trial> TrialsSoFar(const std::string& name) const {
    if (!fs::exists(dir_ / "train_dir/sweep" / name / "study.db")) return {};
    try {
      return Trials(name);
    } catch (const UserError&) {
      return {};
    }
  }

  fs::path dir_;
};

// Processes whose command line carries `marker` (the stub trials of one sweep).
int CountProcessesWith(const std::string& marker) {
  int count = 0;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string pid = entry.path().filename().string();
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry.path() / "cmdline");
    std::stringstream cmdline;
    cmdline << in.rdbuf();
    std::string text = cmdline.str();
    std::replace(text.begin(), text.end(), '\0', ' ');
    // Zombies have an empty cmdline and are not running.
    if (text.find(marker) != std::string::npos) ++count;
  }
  return count;
}

int Counted(const std::vector<store::Trial>& trials) {
  int n = 0;
  for (const store::Trial& t : trials) n += !(t.state == store::TrialState::kFailed && t.retried);
  return n;
}

TEST_F(SweepCliTest, FaultyTrialsAreFailedWithAReasonAndTheSweepGoesOn) {
  const std::string config =
      Config("faults",
             "method: grid\nn_trials: 7\nn_jobs: 2\ntimeout_per_trial: 3\nparameters:\n"
             "  fault: {values: [none, segfault, abort, exit3, nan, garbled, hang]}\n");
  const CommandResult r = RunHpo("sweep " + config);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::vector<store::Trial> trials = Trials("faults");
  ASSERT_EQ(trials.size(), 7u);
  std::map<std::string, const store::Trial*> by_fault;
  for (const store::Trial& t : trials) by_fault[t.params.at("fault").as_string()] = &t;
  EXPECT_EQ(by_fault.at("none")->state, store::TrialState::kComplete);
  const std::map<std::string, std::string> reasons = {
      {"segfault", "killed by SIGSEGV"},
      {"abort", "killed by SIGABRT"},
      {"exit3", "exit code 3"},
      {"nan", "final score is NaN"},
      {"garbled", "malformed results file"},
      {"hang", "exceeded the per-trial limit of 3 s"}};
  for (const auto& [fault, reason] : reasons) {
    const store::Trial& t = *by_fault.at(fault);
    EXPECT_EQ(t.state, store::TrialState::kFailed) << fault;
    EXPECT_NE(t.error.find(reason), std::string::npos) << fault << ": " << t.error;
  }
  EXPECT_EQ(CountProcessesWith("--marker=faults"), 0) << "a trial outlived the sweep";
}

TEST_F(SweepCliTest, AFinalMetricLineWithoutAStepIsTheTrialsResult) {
  // W&B users' programs print only {"score": ...} at the end and write no results file.
  const std::vector<store::Trial> trials =
      SweepToTheEnd("final_only",
                    "method: grid\nn_trials: 3\nfixed:\n  final_only: 1\nparameters:\n  x: "
                    "{values: [0.1, 0.3, 0.5]}\n");
  ASSERT_EQ(trials.size(), 3u);
  for (const store::Trial& t : trials) {
    ASSERT_EQ(t.state, store::TrialState::kComplete) << t.error;
    const double x = t.params.at("x").as_double();
    EXPECT_NEAR(*t.value, 100.0 - 100.0 * (x - 0.3) * (x - 0.3), 1e-9);
    EXPECT_TRUE(t.intermediates.empty());  // a final value is not a curve point
  }
}

// A trial program in sh: trial 0 prints `first`, every later trial `later` (JSON lines, as
// Python's json.dumps writes them, NaN included).
std::string ShellTrialConfig(const fs::path& dir, const std::string& name, const std::string& first,
                             const std::string& later, const std::string& body) {
  const fs::path script = dir / (name + ".sh");
  std::ofstream(script) << "if [ \"$HPO_TRIAL_NUMBER\" = 0 ]; then\n"
                        << first << "\nelse\n"
                        << later << "\nfi\n";
  const fs::path path = dir / (name + ".yaml");
  std::ofstream(path) << "name: " << name << "\nmetric: score\ncommand: [sh, " << script.string()
                      << ", \"${args}\"]\nmethod: grid\nn_trials: 2\nn_jobs: 1\n"
                      << "parameters:\n  x: {values: [1, 2]}\n"
                      << body;
  return path.string();
}

TEST_F(SweepCliTest, ANanIntermediateValueIsPrunedAsOptunaPrunesIt) {
  // Optuna's median pruner prunes a trial whose values are all NaN once a trial is complete.
  const std::string config = ShellTrialConfig(
      dir_, "nan_step", R"(echo '{"step": 3, "score": 1.0}'; echo '{"score": 1.0}')",
      R"(echo '{"step": 3, "score": NaN}'; sleep 5; echo '{"score": 2.0}')",
      "pruner: {type: median, n_startup_trials: 1}\n");
  const CommandResult r = RunHpo("sweep " + config);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::vector<store::Trial> trials = Trials("nan_step");
  ASSERT_EQ(trials.size(), 2u);
  EXPECT_EQ(trials[0].state, store::TrialState::kComplete) << trials[0].error;
  EXPECT_EQ(trials[1].state, store::TrialState::kPruned) << trials[1].error;
  ASSERT_EQ(trials[1].intermediates.size(), 1u);
  EXPECT_EQ(trials[1].intermediates[0].step, 3);
  EXPECT_TRUE(std::isnan(trials[1].intermediates[0].value));
}

TEST_F(SweepCliTest, AFinalNanFailsTheTrialAndSaysSo) {
  // json.dumps(float("nan")) is NaN; Infinity and -Infinity are read as numbers too.
  const std::string config =
      ShellTrialConfig(dir_, "nan_final", R"(echo '{"step": 1, "score": -Infinity}'
echo '{"score": NaN}')",
                       R"(echo '{"step": 1, "score": Infinity}'; echo '{"score": 2.0}')", "");
  const CommandResult r = RunHpo("sweep " + config);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::vector<store::Trial> trials = Trials("nan_final");
  ASSERT_EQ(trials.size(), 2u);
  EXPECT_EQ(trials[0].state, store::TrialState::kFailed);
  EXPECT_NE(trials[0].error.find("the trial's final score is NaN"), std::string::npos)
      << trials[0].error;
  ASSERT_EQ(trials[0].intermediates.size(), 1u);
  EXPECT_EQ(trials[0].intermediates[0].value, -HUGE_VAL);
  ASSERT_EQ(trials[1].state, store::TrialState::kComplete) << trials[1].error;
  EXPECT_EQ(*trials[1].value, 2.0);
  ASSERT_EQ(trials[1].intermediates.size(), 1u);
  EXPECT_EQ(trials[1].intermediates[0].value, HUGE_VAL);
}

TEST_F(SweepCliTest, ANewStudyUnderAnOldNameNeverReadsTheOldRunDirectories) {
  // First study: trial 0 writes sweep_eval_results.yaml (x = 0.3 scores 100).
  ASSERT_EQ(
      RunHpo("sweep " +
             Config("reused", "method: grid\nn_trials: 1\nparameters:\n  x: {values: [0.3]}\n"))
          .exit_code,
      0);
  const fs::path sweep_dir = dir_ / "train_dir/sweep/reused";
  ForgetStudy(sweep_dir);
  // A new study of the same name whose program reports on stdout only (x = 0.1 scores 96).
  const std::vector<store::Trial> trials = SweepToTheEnd(
      "reused",
      "method: grid\nn_trials: 1\nfixed:\n  final_only: 1\nparameters:\n  x: {values: [0.1]}\n");
  ASSERT_EQ(trials.size(), 1u);
  ASSERT_EQ(trials[0].state, store::TrialState::kComplete) << trials[0].error;
  EXPECT_DOUBLE_EQ(*trials[0].value, 96.0) << "the old study's score was recorded";
  EXPECT_EQ(fs::path(trials[0].run_dir).filename(), "reused.r.1");  // r.0 holds the old run
  EXPECT_TRUE(fs::exists(sweep_dir / "runs/reused.r.0/sweep_eval_results.yaml"));  // left as it was
}

TEST_F(SweepCliTest, BestParamsAndTheReportNameTheFolderTheBestTrialRanInAfterANameIsReused) {
  // First study: two trials in reused.r.0 and reused.r.1.
  ASSERT_EQ(RunHpo("sweep " + Config("renamed",
                                     "method: grid\nn_trials: 2\nparameters:\n  x: "
                                     "{values: [0.2, 0.25]}\n"))
                .exit_code,
            0);
  const fs::path sweep_dir = dir_ / "train_dir/sweep/renamed";
  ForgetStudy(sweep_dir);
  // A new study of the same name: its trials 0 and 1 run in r.2 and r.3; trial 1 (x = 0.3) wins.
  const std::vector<store::Trial> trials = SweepToTheEnd(
      "renamed", "method: grid\nn_trials: 2\nparameters:\n  x: {values: [0.0, 0.3]}\n");
  ASSERT_EQ(trials.size(), 2u);
  const store::Trial& best = trials[0].params.at("x").as_double() == 0.3 ? trials[0] : trials[1];
  ASSERT_EQ(fs::path(best.run_dir).filename(), "renamed.r." + std::to_string(best.number + 2));
  const std::string folder = fs::path(best.run_dir).filename().string();
  const CommandResult params = RunHpo("best-params renamed --no-patch --top-n 2");
  ASSERT_EQ(params.exit_code, 0) << params.output;
  EXPECT_NE(params.output.find("Best run: " + folder + " (score: 100)"), std::string::npos)
      << params.output;
  EXPECT_EQ(params.output.find("renamed.r.0"), std::string::npos) << params.output;
  EXPECT_EQ(params.output.find("renamed.r.1 "), std::string::npos) << params.output;
  // Metta's spelling of the sweep (its tools/sweep_best_params.py sweep_run=NAME)
  const CommandResult metta = RunHpo("best-params sweep_run=renamed --no-patch --top-n 2");
  ASSERT_EQ(metta.exit_code, 0) << metta.output;
  EXPECT_EQ(metta.output, params.output);
  const CommandResult md = RunHpo("report renamed --format md");
  ASSERT_EQ(md.exit_code, 0) << md.output;
  EXPECT_NE(md.output.find("| 1 | " + folder + " | 100 |"), std::string::npos) << md.output;
}

TEST_F(SweepCliTest, AnEditedSpaceIsRefusedWithADiffUntilAcceptedAndMoreTrialsJustContinue) {
  const std::string space =
      "method: random\nparameters:\n  x: {distribution: uniform, min: -1, max: 1}\n";
  ASSERT_EQ(SweepToTheEnd("edited", "n_trials: 3\n" + space).size(), 3u);
  // More trials (and other settings) just continue the study.
  const CommandResult more =
      RunHpo("sweep " + Config("edited", "n_trials: 3\nn_jobs: 2\ntimeout: 600\n" + space) +
             " --trials 5");
  ASSERT_EQ(more.exit_code, 0) << more.output;
  EXPECT_EQ(Trials("edited").size(), 5u);

  // The range changed: exit 2 with the diff and both ways on, and nothing run.
  const std::string edited = Config(
      "edited",
      "n_trials: 7\nmethod: random\nparameters:\n  x: {distribution: uniform, min: 5, max: 9}\n");
  const CommandResult refused = RunHpo("sweep " + edited);
  EXPECT_EQ(refused.exit_code, 2) << refused.output;
  EXPECT_NE(refused.output.find("x: uniform [-1.0, 1.0] -> uniform [5.0, 9.0]"), std::string::npos)
      << refused.output;
  EXPECT_NE(refused.output.find("--name"), std::string::npos) << refused.output;
  EXPECT_NE(refused.output.find("--accept-changes"), std::string::npos) << refused.output;
  EXPECT_EQ(std::count(refused.output.begin(), refused.output.end(), '\n'), 1) << refused.output;
  EXPECT_EQ(Trials("edited").size(), 5u);

  // Accepted: the study continues in the new space, records the change, and status shows it.
  const CommandResult accepted = RunHpo("sweep " + edited + " --accept-changes");
  ASSERT_EQ(accepted.exit_code, 0) << accepted.output;
  const std::vector<store::Trial> trials = Trials("edited");
  ASSERT_EQ(trials.size(), 7u);
  for (size_t i = 5; i < trials.size(); ++i) {
    const double x = trials[i].params.at("x").as_double();
    EXPECT_TRUE(x >= 5 && x <= 9) << "trial " << i << " x=" << x;
  }
  auto store = store::OpenStore((dir_ / "train_dir/sweep/edited/study.db").string());
  const store::Study study = store->OpenStudy("edited", "", "", false);
  ASSERT_EQ(store->LoadStudyChanges(study.id).size(), 1u);
  EXPECT_EQ(store->LoadStudyChanges(study.id)[0].changes,
            "x: uniform [-1.0, 1.0] -> uniform [5.0, 9.0]");
  EXPECT_NE(study.config_yaml.find("min: 5.0"), std::string::npos) << study.config_yaml;
  std::ifstream stored_file(dir_ / "train_dir/sweep/edited/config.yaml");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(stored_file), {}), study.config_yaml);
  const CommandResult status = RunHpo("status edited");
  EXPECT_NE(status.output.find("config changed (accepted) at"), std::string::npos) << status.output;
  // The same config again is no change.
  EXPECT_EQ(RunHpo("sweep " + edited).exit_code, 0);
}

TEST_F(SweepCliTest, KillNineThenResumeEndsWithExactlyTheBudget) {
  const std::string config =
      Config("killed",
             "method: random\nn_trials: 8\nn_jobs: 2\nfixed:\n  step_seconds: 0.3\nparameters:\n"
             "  x: {min: 0.0, max: 1.0}\n");
  const pid_t controller = SpawnHpo({"sweep", config}, dir_ / "first.log");
  // Let it finish two trials and be in the middle of more, then kill it without warning.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    int complete = 0, running = 0;
    for (const store::Trial& t : TrialsSoFar("killed")) {
      complete += t.state == store::TrialState::kComplete;
      running += t.state == store::TrialState::kRunning;
    }
    if (complete >= 2 && running >= 1) break;
  }
  kill(controller, SIGKILL);
  waitpid(controller, nullptr, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(CountProcessesWith("--marker=killed"), 0) << "trials outlived their killed controller";

  const CommandResult resumed = RunHpo("sweep " + config + " --resume");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  const std::vector<store::Trial> trials = Trials("killed");
  EXPECT_EQ(Counted(trials), 8);
  std::set<int64_t> numbers;
  int requeued = 0;
  for (const store::Trial& t : trials) {
    EXPECT_TRUE(numbers.insert(t.number).second) << "duplicate number " << t.number;
    EXPECT_NE(t.state, store::TrialState::kRunning) << t.number;
    EXPECT_NE(t.state, store::TrialState::kWaiting) << t.number;
    requeued += t.retried;
    if (t.state == store::TrialState::kComplete) {
      EXPECT_TRUE(fs::exists(fs::path(t.run_dir) / "sweep_eval_results.yaml")) << t.number;
    }
  }
  EXPECT_GE(requeued, 1) << "the killed controller's running trials were not re-queued";
}

// Run by the resumed controller (the dead one ran on this host), or, when `elsewhere`, by
// the stale-heartbeat reaper (as if the dead controller had run on another host).
void KillNineRightAfterATrialWroteItsResults(const fs::path& dir, bool elsewhere);

TEST_F(SweepCliTest, KillNineRightAfterATrialWroteItsResultsLosesNothing) {
  KillNineRightAfterATrialWroteItsResults(dir_, false);
}

TEST_F(SweepCliTest, AStaleTrialOfAnotherHostThatFinishedIsAdoptedToo) {
  KillNineRightAfterATrialWroteItsResults(dir_, true);
}

void KillNineRightAfterATrialWroteItsResults(const fs::path& dir_, bool elsewhere) {
  const fs::path lingered = dir_ / "lingered";
  const fs::path config = dir_ / "adopted.yaml";
  std::ofstream(config)
      << "name: adopted\nmetric: score\ncommand: [" << HPO_STUB_TRIAL << ", \"${args}\"]\n"
      << "method: random\nn_trials: 4\nheartbeat_timeout: 2\nfixed:\n  linger_once: "
      << lingered.string() << "\nparameters:\n  x: {min: 0.0, max: 1.0}\n";
  const pid_t controller = SpawnHpo({"sweep", config}, dir_ / "first.log");
  // Trial 0 writes its results file, then lingers before exiting: kill the controller then.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!fs::exists(lingered) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(fs::exists(lingered));
  kill(controller, SIGKILL);
  waitpid(controller, nullptr, 0);
  const fs::path results =
      dir_ / "train_dir/sweep/adopted/runs/adopted.r.0/sweep_eval_results.yaml";
  ASSERT_TRUE(fs::exists(results));
  const double written = YAML::LoadFile(results.string())["score"].as<double>();
  if (elsewhere) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir_ / "train_dir/sweep/adopted/study.db").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(
        sqlite3_exec(db, "UPDATE trials SET worker = 'elsewhere:1'", nullptr, nullptr, nullptr),
        SQLITE_OK);
    sqlite3_close(db);
  }

  const CommandResult resumed = RunHpo("sweep " + config.string() + " --resume");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_NE(resumed.output.find("COMPLETE with"), std::string::npos) << resumed.output;
  auto store = store::OpenStore((dir_ / "train_dir/sweep/adopted/study.db").string());
  const std::vector<store::Trial> trials =
      store->LoadTrials(store->OpenStudy("adopted", "", "", false).id);
  ASSERT_EQ(trials.size(), 4u) << "the finished trial was re-run";
  EXPECT_EQ(trials[0].state, store::TrialState::kComplete) << trials[0].error;
  EXPECT_DOUBLE_EQ(*trials[0].value, written);
  int complete = 0, result_files = 0;
  for (const store::Trial& t : trials) complete += t.state == store::TrialState::kComplete;
  for (const auto& run : fs::directory_iterator(dir_ / "train_dir/sweep/adopted/runs")) {
    result_files += fs::exists(run.path() / "sweep_eval_results.yaml");
  }
  EXPECT_EQ(complete, 4);
  EXPECT_EQ(result_files, complete);
}

TEST_F(SweepCliTest, ATrialKilledWithItsControllerIsNotAdoptedAndItsRunDirectorySaysWhy) {
  const std::string config =
      Config("unadopted",
             "method: random\nn_trials: 2\nfixed:\n  step_seconds: 0.5\nparameters:\n"
             "  x: {min: 0.0, max: 1.0}\n");
  const pid_t controller = SpawnHpo({"sweep", config}, dir_ / "first.log");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  // Running: its record is written (the controller writes it just after storing the params).
  auto started = [&] {
    const std::vector<store::Trial> so_far = TrialsSoFar("unadopted");
    return !so_far.empty() && !so_far[0].run_dir.empty() &&
           fs::exists(fs::path(so_far[0].run_dir) / "hpo_trial.yaml");
  };
  while (!started()) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(controller, SIGKILL);
  waitpid(controller, nullptr, 0);
  const CommandResult resumed = RunHpo("sweep " + config + " --resume");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  const std::vector<store::Trial> trials = Trials("unadopted");
  ASSERT_GE(trials.size(), 3u);
  EXPECT_EQ(trials[0].state, store::TrialState::kFailed);
  std::ifstream note(fs::path(trials[0].run_dir) / "not_adopted.txt");
  const std::string text((std::istreambuf_iterator<char>(note)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("not adopted: the trial wrote no sweep_eval_results.yaml"), std::string::npos)
      << text;
}

TEST_F(SweepCliTest, CtrlCStopsTrialsRecordsThemAndResumeFinishes) {
  const std::string config =
      Config("interrupted",
             "method: random\nn_trials: 6\nn_jobs: 2\nfixed:\n  step_seconds: 0.5\nparameters:\n"
             "  x: {min: 0.0, max: 1.0}\n");
  const pid_t controller = SpawnHpo({"sweep", config}, dir_ / "first.log");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    int running = 0;
    for (const store::Trial& t : TrialsSoFar("interrupted"))
      running += t.state == store::TrialState::kRunning && !t.params.empty();
    if (running == 2) break;
  }
  kill(controller, SIGINT);
  int status = 0;
  waitpid(controller, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  EXPECT_EQ(CountProcessesWith("--marker=interrupted"), 0);
  int interrupted = 0;
  for (const store::Trial& t : Trials("interrupted")) {
    EXPECT_NE(t.state, store::TrialState::kRunning) << "trial " << t.number << " left RUNNING";
    interrupted += t.state == store::TrialState::kFailed && t.error == "interrupted by the user";
  }
  EXPECT_EQ(interrupted, 2);
  const CommandResult resumed = RunHpo("sweep " + config + " --resume");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  const std::vector<store::Trial> trials = Trials("interrupted");
  EXPECT_EQ(Counted(trials), 6);
  for (const store::Trial& t : trials)
    EXPECT_TRUE(t.state != store::TrialState::kRunning && t.state != store::TrialState::kWaiting);
  EXPECT_NE(resumed.output.find("/6 done"), std::string::npos)
      << resumed.output;  // the progress line
}

TEST_F(SweepCliTest, TwoControllersShareOneStudyWithoutDuplicatesOrLocks) {
  // Each trial sleeps 0.1 s: trials now start in milliseconds, and 40 instant ones were all
  // claimed by the first controller before the second had loaded.
  const std::string config = Config("shared",
                                    "method: random\nn_trials: 40\nn_jobs: 2\nfixed:\n  steps: 1\n "
                                    " step_seconds: 0.1\nparameters:\n"
                                    "  x: {min: 0.0, max: 1.0}\n");
  const pid_t a = SpawnHpo({"sweep", config}, dir_ / "a.log");
  const pid_t b = SpawnHpo({"sweep", config}, dir_ / "b.log");
  int status_a = 0, status_b = 0;
  waitpid(a, &status_a, 0);
  waitpid(b, &status_b, 0);
  std::ifstream la(dir_ / "a.log"), lb(dir_ / "b.log");
  std::stringstream logs;
  logs << la.rdbuf() << lb.rdbuf();
  EXPECT_TRUE(WIFEXITED(status_a) && WEXITSTATUS(status_a) == 0) << logs.str();
  EXPECT_TRUE(WIFEXITED(status_b) && WEXITSTATUS(status_b) == 0) << logs.str();
  EXPECT_EQ(logs.str().find("locked"), std::string::npos) << logs.str();
  const std::vector<store::Trial> trials = Trials("shared");
  ASSERT_EQ(trials.size(), 40u);
  std::set<int64_t> numbers;
  std::set<std::string> workers;
  for (const store::Trial& t : trials) {
    numbers.insert(t.number);
    workers.insert(t.worker);
    EXPECT_EQ(t.state, store::TrialState::kComplete) << t.number << " " << t.error;
  }
  EXPECT_EQ(numbers.size(), 40u);
  EXPECT_EQ(workers.size(), 2u) << "both controllers ran trials";
}

TEST_F(SweepCliTest, SameSeedOneJobSameParamsAndValues) {
  const std::string body =
      "method: random\nseed: 11\nn_trials: 5\nparameters:\n  x: {min: 0.0, max: 1.0}\n";
  ASSERT_EQ(RunHpo("sweep " + Config("repro_a", body)).exit_code, 0);
  ASSERT_EQ(RunHpo("sweep " + Config("repro_b", body)).exit_code, 0);
  const std::vector<store::Trial> a = Trials("repro_a"), b = Trials("repro_b");
  ASSERT_EQ(a.size(), 5u);
  ASSERT_EQ(b.size(), 5u);
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].params, b[i].params);
    EXPECT_EQ(a[i].value, b[i].value);
    EXPECT_EQ(a[i].seed, b[i].seed);
  }
}

// Protein weighs trials by their cost. With `cost: auto` that is the steps a trial ran (here
// its own searched `steps`, so costs differ between trials), not its wall time, and a seeded
// sweep suggests the same points on an idle machine and on one whose every core is busy. So
// do the other samplers, which never look at cost.
TEST_F(SweepCliTest, EverySamplerSuggestsTheSameWithAndWithoutCpuLoad) {
  for (const std::string method : {"random", "grid", "tpe", "bayes", "cmaes"}) {
    SCOPED_TRACE(method);
    const std::string body =
        "method: " + method + "\nseed: 4\nn_trials: 14\ngoal: maximize\nparameters:\n" +
        "  x: {min: 0.0, max: 1.0}\n  steps: {distribution: int_uniform, min: 2, max: 8}\n";
    ASSERT_EQ(RunHpo("sweep " + Config("idle_" + method, body)).exit_code, 0);
    std::vector<pid_t> burners;
    for (unsigned i = 0; i < std::max(2u, std::thread::hardware_concurrency()); ++i) {
      const pid_t pid = fork();
      if (pid == 0) {
        std::atomic<uint64_t> spin{0};
        while (true) spin.fetch_add(1, std::memory_order_relaxed);
      }
      burners.push_back(pid);
    }
    const CommandResult loaded = RunHpo("sweep " + Config("loaded_" + method, body));
    for (pid_t pid : burners) kill(pid, SIGKILL);
    for (pid_t pid : burners) waitpid(pid, nullptr, 0);
    ASSERT_EQ(loaded.exit_code, 0) << loaded.output;
    const std::vector<store::Trial> idle = Trials("idle_" + method),
                                    busy = Trials("loaded_" + method);
    ASSERT_EQ(idle.size(), busy.size());
    for (size_t i = 0; i < idle.size(); ++i) {
      EXPECT_EQ(idle[i].params, busy[i].params) << "trial " << i;
      EXPECT_EQ(idle[i].cost_measure, busy[i].cost_measure) << "trial " << i;
      EXPECT_EQ(idle[i].cost_measure, 1000.0 * idle[i].params.at("steps").as_double())
          << "trial " << i;
    }
  }
}

TEST_F(SweepCliTest, AFixedSeedIsTheSeedOfEveryTrialAndTheDryRunSaysSo) {
  const std::string body =
      "method: random\nn_trials: 3\nfixed:\n  seed: 42\nparameters:\n  x: {min: 0.0, max: 1.0}\n";
  const CommandResult dry = RunHpo("sweep " + Config("fixed_seed", body) + " --dry-run");
  ASSERT_EQ(dry.exit_code, 0) << dry.output;
  EXPECT_NE(dry.output.find("trial seeds: every trial trains on seed 42 (fixed)"),
            std::string::npos)
      << dry.output;
  const std::vector<store::Trial> trials = SweepToTheEnd("fixed_seed", body);
  ASSERT_EQ(trials.size(), 3u);
  for (const store::Trial& t : trials) EXPECT_EQ(t.seed, 42u) << "trial " << t.number;
  // without a seed parameter each trial gets its own, and the dry run says that instead
  const CommandResult derived = RunHpo("sweep " +
                                       Config("derived_seed",
                                              "method: random\nn_trials: 2\nparameters:\n"
                                              "  x: {min: 0.0, max: 1.0}\n") +
                                       " --dry-run");
  EXPECT_NE(derived.output.find("trial seeds: one per trial, derived from the sweep seed 0"),
            std::string::npos)
      << derived.output;
  // a fixed seed that is no seed is refused where it is written
  const CommandResult bad =
      RunHpo("sweep " + Config("bad_seed",
                               "method: random\nn_trials: 2\nfixed:\n  seed: lucky\n"
                               "parameters:\n  x: {min: 0.0, max: 1.0}\n"));
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_NE(
      bad.output.find("bad_seed.yaml:7:9: fixed seed must be a non-negative integer, got 'lucky'"),
      std::string::npos)
      << bad.output;
}

TEST_F(SweepCliTest, BestParamsPrintsTheSweepsOwnProgramAndItRunsAsPrinted) {
  const std::string config = Config("custom",
                                    "method: grid\nn_trials: 3\nfixed:\n  steps: 2\nparameters:\n"
                                    "  x: {values: [0.1, 0.3, 0.6]}\n");
  ASSERT_EQ(RunHpo("sweep " + config).exit_code, 0);
  const fs::path patches = dir_ / "patches";
  const CommandResult best = RunHpo("best-params custom --output-dir " + patches.string());
  ASSERT_EQ(best.exit_code, 0) << best.output;
  // The patch is written for this program: its names, the command in the header.
  EXPECT_NE(
      best.output.find("2. Config patch saved to: " + (patches / "custom_best.yaml").string()),
      std::string::npos)
      << best.output;
  std::ifstream in(patches / "custom_best.yaml");
  const std::string patch((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(patch.rfind("# @package _global_\n", 0), 0u) << patch;
  EXPECT_NE(patch.find(std::string("# For the sweep's trial program: ") + HPO_STUB_TRIAL +
                       " --marker=custom ${args}\n"),
            std::string::npos)
      << patch;
  const YAML::Node values = YAML::Load(patch);
  EXPECT_EQ(values["x"].as<double>(), 0.3) << patch;
  EXPECT_EQ(values["steps"].as<int>(), 2) << patch;
  EXPECT_FALSE(values["trainer"]) << patch;
  EXPECT_EQ(best.output.find("hpo train --"), std::string::npos) << "not this sweep's program:\n"
                                                                 << best.output;
  const std::string heading = "3. Command (the sweep's trial program, as the sweep ran it):\n" +
                              std::string(40, '-') + "\n";
  const size_t at = best.output.find(heading);
  ASSERT_NE(at, std::string::npos) << best.output;
  const size_t start = at + heading.size();
  const std::string command = best.output.substr(start, best.output.find('\n', start) - start);
  EXPECT_NE(command.find("--x=0.3"), std::string::npos) << command;  // the best trial's parameter
  EXPECT_NE(command.find("--steps=2"), std::string::npos)
      << command;                                              // and the sweep's fixed value
  std::ofstream(dir_ / "best_command.sh") << command << "\n";  // run exactly as printed
  const CommandResult ran = RunShell("bash " + (dir_ / "best_command.sh").string());
  ASSERT_EQ(ran.exit_code, 0) << command << "\n" << ran.output;
  const fs::path results = dir_ / "train_dir/runs/custom_r1/sweep_eval_results.yaml";
  ASSERT_TRUE(fs::exists(results)) << command;
  EXPECT_DOUBLE_EQ(YAML::LoadFile(results.string())["score"].as<double>(),
                   100.0);  // x = 0.3 scores 100
}

TEST_F(SweepCliTest, MangledConfigsGiveOneShortLine) {
  // A key with a raw newline, and a key hundreds of characters long.
  const std::vector<std::string> bodies = {
      "method: random\nn_trials: 2\nparameters:\n  \"lr\\nrate\": {min: 0.0, max: 1.0}\n",
      "method: random\nn_trials: 2\n" + std::string(400, 'z') +
          ": 1\nparameters:\n  x: {min: 0.0, max: 1.0}\n",
      "method: random\nn_trials: 2\ngoal: \"" + std::string(300, 'y') +
          "\\nup\"\nparameters:\n  x: {min: 0.0, max: 1.0}\n"};
  for (const std::string& body : bodies) {
    const fs::path path = dir_ / "mangled.yaml";
    std::ofstream(path) << "name: mangled\n" << body;
    const CommandResult r = RunHpo("sweep " + path.string() + " --dry-run");
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
    EXPECT_LT(r.output.size(), 300u) << r.output;
    EXPECT_EQ(r.output.rfind("hpo: error: ", 0), 0u) << r.output;
  }
}

TEST_F(SweepCliTest, BadInputIsExitCode2AndOverwritesNothing) {
  const std::string config =
      Config("bad", "method: random\nn_trials: 2\nparameters:\n  x: {min: 0.0, max: 1.0}\n");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"--name a/b", "contains '/'"},
      {"--name ..", "invalid sweep name '..'"},
      {"--jobs 0", "--jobs: must be a whole number >= 1, or auto / -1 for every core, got '0'"},
      {"--trials -1", "--trials: must be at least 1"},
      {"--trials many", "--trials: must be at least 1, got many"},
      {"--add-trials 0", "--add-trials: must be at least 1, got 0"},
      {"--seeds-per-trial 0", "--seeds-per-trial: must be at least 1, got 0"},
      {"--budget-hours 0", "--budget-hours: must be a number of hours > 0, got 0"},
      {"--storage-retry forever", "--storage-retry: must be a duration (45s, 30m, 12h, 1h30m)"},
      {"--storage sqlite:////nonexistent/dir/x.db", "does not exist"},
      {"--resume", "no sweep named 'bad' to resume"},
      {"--method annealing", "--method: unknown method 'annealing'"}};
  for (const auto& [args, message] : cases) {
    const CommandResult r = RunHpo("sweep " + config + " " + args);
    EXPECT_EQ(r.exit_code, 2) << args << ": " << r.output;
    EXPECT_EQ(LineCount(r.output), 1) << args << ": " << r.output;
    EXPECT_NE(r.output.find(message), std::string::npos) << args << ": " << r.output;
  }
  // Every command's counts are checked as they are parsed, in the same words.
  for (const std::string& command :
       std::vector<std::string>{"best-params bad --top-n 0", "report bad --top-n 0",
                                "validate bad --top-n 0", "eval " + config + " --episodes 0"}) {
    const CommandResult r = RunHpo(command);
    EXPECT_EQ(r.exit_code, 2) << command << ": " << r.output;
    EXPECT_NE(r.output.find(": must be at least 1, got 0"), std::string::npos)
        << command << ": " << r.output;
  }
  // A storage written by an incompatible schema version is refused and left as it was.
  const fs::path db = dir_ / "old.db";
  ASSERT_EQ(RunHpo("sweep " + config + " --storage " + db.string()).exit_code, 0);
  ASSERT_EQ(std::system(("sqlite3 " + db.string() +
                         " \"UPDATE meta SET value = '0' WHERE key = 'schema_version'\"")
                            .c_str()),
            0);
  const auto before = fs::file_size(db);
  const CommandResult r = RunHpo("sweep " + config + " --storage " + db.string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("schema version 0"), std::string::npos) << r.output;
  EXPECT_EQ(fs::file_size(db), before);
}

TEST_F(SweepCliTest, AMetricHpoTrainNeverWritesIsRefusedAtLoad) {
  const std::string space = "method: random\nparameters:\n  gamma: {min: 0.9, max: 0.99}\n";
  const fs::path typo = dir_ / "typo.yaml";
  std::ofstream(typo) << "name: typo\nmetric: final_mean_rewrd\n" << space;
  const CommandResult r = RunHpo("sweep " + typo.string() + " --dry-run");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(LineCount(r.output), 1) << r.output;
  EXPECT_NE(r.output.find(typo.string() +
                          ":2:9: metric 'final_mean_rewrd' is never written by hpo train (did "
                          "you mean 'final_mean_reward'?): its results have final_mean_reward, "),
            std::string::npos)
      << r.output;
  EXPECT_FALSE(fs::exists(dir_ / "train_dir/sweep/typo"));
  // What hpo train writes, its reward aliases, and any metric of a custom program load.
  for (const std::string metric :
       {"final_mean_reward", "reward", "episode_reward_mean", "success_rate",
        "{name: time_to_solve, goal: minimize}", "{name: steps_to_solve, goal: minimize}"}) {
    const fs::path ok = dir_ / "ok.yaml";
    std::ofstream(ok) << "name: ok\nmetric: " << metric << "\n" << space;
    const CommandResult dry = RunHpo("sweep " + ok.string() + " --dry-run");
    EXPECT_EQ(dry.exit_code, 0) << metric << ": " << dry.output;
  }
  EXPECT_EQ(RunHpo("sweep " + Config("custom_metric", space) + " --dry-run").exit_code, 0);
}

// Issue 38 item 2. The stub scores 100 - 100 (x - 0.3)^2, best at x = 0.3; the expression
// 0.5*score + 100*x grows with x on [0, 1] (x 0.1: 58, 0.3: 80, 0.6: 105.5, 0.9: 122), so a
// sweep that ranked by score alone would pick 0.3.
TEST_F(SweepCliTest, AnExpressionMetricRanksTrialsByTheExpression) {
  const auto sweep_file = [&](const std::string& name, const std::string& extra) {
    const fs::path path = dir_ / (name + ".yaml");
    std::ofstream(path) << "name: " << name << "\nmetric: \"0.5*score + 100*x\"\ncommand: ["
                        << HPO_STUB_TRIAL << ", \"${args}\"]\nmethod: grid\n"
                        << extra << "parameters:\n  x: {values: [0.1, 0.3, 0.6, 0.9]}\n";
    return path.string();
  };
  const auto score = [](double x) { return 100 - 100 * (x - 0.3) * (x - 0.3); };
  const std::string file = sweep_file("expr", "");
  const CommandResult dry = RunHpo("sweep " + file + " --dry-run");
  ASSERT_EQ(dry.exit_code, 0) << dry.output;
  EXPECT_NE(dry.output.find("intermediate values: the expression on JSON lines that carry "
                            "score, x; score alone on lines that carry only it"),
            std::string::npos)
      << dry.output;
  const CommandResult r = RunHpo("sweep " + file);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("with 0.5*score + 100*x = 122"), std::string::npos) << r.output;
  for (const store::Trial& t : Trials("expr")) {
    ASSERT_EQ(t.state, store::TrialState::kComplete) << t.error;
    const double x = t.params.at("x").as_double();
    EXPECT_NEAR(*t.value, 0.5 * score(x) + 100 * x, 1e-3) << x;
    // The stub's JSON lines carry score alone: the curve is score's (step k of 5: score * k/5).
    ASSERT_EQ(t.intermediates.size(), 5u);
    EXPECT_NEAR(t.intermediates.back().value, score(x), 1e-9) << x;
  }
  const CommandResult best = RunHpo("best-params expr --no-patch");
  ASSERT_EQ(best.exit_code, 0) << best.output;
  EXPECT_NE(best.output.find("(0.5*score + 100*x: 122)"), std::string::npos) << best.output;
  EXPECT_NE(best.output.find("x: 0.9"), std::string::npos) << best.output;
  // Re-ranked by another expression over the same results files: score - 100*x is best at 0.1.
  const CommandResult other = RunHpo("best-params expr --no-patch --metric 'score - 100*x'");
  ASSERT_EQ(other.exit_code, 0) << other.output;
  EXPECT_NE(other.output.find("x: 0.1"), std::string::npos) << other.output;
  const CommandResult json =
      RunHpo("export expr --format json --out " + (dir_ / "expr.json").string());
  ASSERT_EQ(json.exit_code, 0) << json.output;
  EXPECT_NE(ReadFile(dir_ / "expr.json").find("\"metric\": \"0.5*score + 100*x\""),
            std::string::npos);
  EXPECT_NE(ReadFile(dir_ / "train_dir/sweep/expr/analysis/report.html").find("0.5*score + 100*x"),
            std::string::npos);

  // Lines that carry x too: the curve is the expression itself (0.5 * score * k/5 + 100 x).
  // The label of metric_name is shown with the expression, and is no part of the study.
  const fs::path labelled = dir_ / "expr_x.yaml";
  std::ofstream(labelled) << "name: expr_x\nobjective: \"0.5*score + 100*x\"\nmetric_name: "
                             "composite\ncommand: ["
                          << HPO_STUB_TRIAL
                          << ", \"${args}\"]\nmethod: grid\nfixed: {report_x: 1}\n"
                             "parameters:\n  x: {values: [0.6, 0.9]}\n";
  ASSERT_EQ(RunHpo("sweep " + labelled.string()).exit_code, 0);
  for (const store::Trial& t : Trials("expr_x")) {
    const double x = t.params.at("x").as_double();
    ASSERT_EQ(t.intermediates.size(), 5u);
    EXPECT_NEAR(t.intermediates[0].value, 0.5 * score(x) / 5 + 100 * x, 1e-9) << x;
  }
  EXPECT_NE(
      RunHpo("best-params expr_x --no-patch").output.find("(composite (0.5*score + 100*x): 122)"),
      std::string::npos);
  const CommandResult status = RunHpo("status expr_x");
  EXPECT_NE(status.output.find("composite (0.5*score + 100*x) = 122"), std::string::npos)
      << status.output;
}

// Issue 38 item 1. The stub scores 100 at x = 0.3 and 96 at x = 0.5, plus normal noise of sd 4
// drawn from each run's seed. With sweep seed 4, one seed per trial ranks them the wrong way;
// five seeds per trial, the first of which is that same unlucky seed, rank them right.
TEST_F(SweepCliTest, FiveSeedsPerTrialRankTwoConfigurationsThatOneSeedRanksWrong) {
  const std::string body =
      "method: grid\nfixed: {noise: 4}\nparameters:\n  x: {values: [0.3, 0.5]}\n";
  const std::vector<store::Trial> one = SweepToTheEnd("one_seed", body + "seed: 4\n");
  ASSERT_EQ(one.size(), 2u);
  EXPECT_LT(*one[0].value, *one[1].value);  // x = 0.5 wins on one seed: noise, not merit
  const std::string file = Config("five_seeds", body + "seed: 4\nseeds_per_trial: 5\n");
  const CommandResult dry = RunHpo("sweep " + file + " --dry-run");
  EXPECT_NE(dry.output.find("seeds per trial: 5 (seed 0 is the trial's, the others derive from "
                            "it); a trial's value and each step's intermediate value is the mean "
                            "of its seeds'"),
            std::string::npos)
      << dry.output;
  const CommandResult r = RunHpo("sweep " + file);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::vector<store::Trial> five = Trials("five_seeds");
  ASSERT_EQ(five.size(), 2u);
  EXPECT_GT(*five[0].value, *five[1].value);  // x = 0.3 wins on five
  for (size_t n = 0; n < 2; ++n) {
    ASSERT_EQ(five[n].seed_values.size(), 5u);
    double sum = 0;
    for (const store::SeedValue& v : five[n].seed_values) {
      sum += v.value;
      EXPECT_TRUE(fs::exists(fs::path(five[n].run_dir) / ("seed_" + std::to_string(v.index)) /
                             "sweep_eval_results.yaml"));
    }
    EXPECT_NEAR(*five[n].value, sum / 5, 1e-9);
    // Seed 0 is the trial's seed: the one-seed sweep's very run.
    EXPECT_EQ(five[n].seed_values[0].seed, one[n].seed);
    EXPECT_NEAR(five[n].seed_values[0].value, *one[n].value, 1e-4);
  }
  EXPECT_NE(r.output.find("trial 0 finished: " + ReadableNumber(*five[0].value) + " +/- "),
            std::string::npos)
      << r.output;
}

// The values a seed's program reported at each step, read back from its log.
std::map<int64_t, double> ReportedSteps(const fs::path& seed_dir) {
  std::map<int64_t, double> steps;
  std::ifstream log(seed_dir / "trial.log");
  for (std::string line; std::getline(log, line);) {
    if (line.rfind("{\"step\"", 0) != 0) continue;
    const YAML::Node node = YAML::Load(line);
    steps.emplace(node["step"].as<int64_t>(), node["score"].as<double>());
  }
  return steps;
}

// Issue 38 item 1: a K = 3 sweep with pruning. Each step's intermediate value is the mean of
// what the three seeds reported at it; the pruner judges those means and stops a trial's
// seeds together.
TEST_F(SweepCliTest, AThreeSeedSweepWithPruningJudgesTheMeanOfEachStep) {
  const std::vector<store::Trial> trials = SweepToTheEnd(
      "three_seeds",
      "method: random\nseed: 3\nn_trials: 10\nn_jobs: 3\nseeds_per_trial: 3\n"
      "pruner: {type: median, n_startup_trials: 2, n_warmup_steps: 0}\n"
      "fixed: {noise: 4, steps: 5, step_seconds: 0.1}\nparameters:\n  x: {min: 0.0, max: 1.0}\n");
  ASSERT_EQ(trials.size(), 10u);
  int pruned = 0;
  for (const store::Trial& t : trials) {
    ASSERT_NE(t.state, store::TrialState::kFailed) << t.error;
    std::vector<std::map<int64_t, double>> seeds;
    seeds.reserve(3);
    for (int i = 0; i < 3; ++i)
      seeds.push_back(ReportedSteps(fs::path(t.run_dir) / ("seed_" + std::to_string(i))));
    ASSERT_FALSE(t.intermediates.empty()) << t.number;
    for (const store::Intermediate& step : t.intermediates) {
      double sum = 0;
      for (const auto& seed : seeds) sum += seed.at(step.step);
      EXPECT_NEAR(step.value, sum / 3, 1e-9) << "trial " << t.number << " step " << step.step;
    }
    if (t.state == store::TrialState::kPruned) {
      ++pruned;
      EXPECT_LT(t.intermediates.size(), 5u);
      EXPECT_EQ(t.value, t.intermediates.back().value);
      EXPECT_TRUE(t.seed_values.empty());  // no seed ran to its end
    } else {
      EXPECT_EQ(t.seed_values.size(), 3u);
      EXPECT_EQ(t.intermediates.size(), 5u);
    }
  }
  EXPECT_GE(pruned, 1);
}

TEST_F(SweepCliTest, AMisspelledNameInAnExpressionMetricIsRefusedAtLoadWithItsColumn) {
  const std::string space = "method: random\nparameters:\n  gamma: {min: 0.9, max: 0.99}\n";
  const fs::path typo = dir_ / "expr_typo.yaml";
  std::ofstream(typo) << "name: expr_typo\nmetric: \"0.7*final_mean_rewrd + 0.3*success_rate\"\n"
                      << space;
  const CommandResult r = RunHpo("sweep " + typo.string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(LineCount(r.output), 1) << r.output;
  EXPECT_NE(r.output.find(typo.string() +
                          ":2:9: metric \"0.7*final_mean_rewrd + 0.3*success_rate\": "
                          "'final_mean_rewrd' is never written by hpo train (did you mean "
                          "'final_mean_reward'?) at column 5"),
            std::string::npos)
      << r.output;
  EXPECT_FALSE(fs::exists(dir_ / "train_dir/sweep/expr_typo"));
  // Spelled right, it loads, and the dry run says its curve is the expression (hpo train's
  // evaluation lines carry both names); one hpo train's lines lack is pruned on its first name.
  const fs::path ok = dir_ / "expr_ok.yaml";
  std::ofstream(ok) << "name: expr_ok\nmetric: \"0.7*final_mean_reward + 0.3*success_rate\"\n"
                    << space;
  const CommandResult dry = RunHpo("sweep " + ok.string() + " --dry-run");
  EXPECT_EQ(dry.exit_code, 0) << dry.output;
  EXPECT_NE(dry.output.find("intermediate values: the expression, on every evaluation line of "
                            "hpo train"),
            std::string::npos)
      << dry.output;
  std::ofstream(ok) << "name: expr_ok\nmetric: \"final_mean_reward - 0.01*training_time\"\n"
                    << space;
  EXPECT_NE(RunHpo("sweep " + ok.string() + " --dry-run")
                .output.find("intermediate values: final_mean_reward alone: hpo train's "
                             "evaluation lines lack training_time"),
            std::string::npos);
  // A custom program's names are its own, but the expression's syntax is checked at load.
  const fs::path bad_syntax = dir_ / "expr_syntax.yaml";
  std::ofstream(bad_syntax) << "name: expr_syntax\nobjective: \"0.5*score +\"\ncommand: ["
                            << HPO_STUB_TRIAL << ", \"${args}\"]\n"
                            << "method: random\nparameters:\n  x: {min: 0.0, max: 1.0}\n";
  const CommandResult syntax = RunHpo("sweep " + bad_syntax.string());
  EXPECT_EQ(syntax.exit_code, 2) << syntax.output;
  EXPECT_NE(syntax.output.find("metric \"0.5*score +\": expected a value but the expression "
                               "ended at column 12"),
            std::string::npos)
      << syntax.output;
}

TEST_F(SweepCliTest, EverySeedFixtureAndExampleDryRuns) {
  const std::string seed =
      std::string(HPO_SOURCE_DIR) + "/tests/fixtures/seeds/ppo_search_space.yaml";
  std::vector<std::string> files = {std::string(HPO_SOURCE_DIR) + "/configs/lunar.yaml"};
  for (const char* folder : {"/tests/fixtures/seeds", "/configs/examples"}) {
    for (const auto& e : fs::directory_iterator(std::string(HPO_SOURCE_DIR) + folder))
      if (e.path() != seed) files.push_back(e.path().string());
  }
  // The seed as written: its presets search fewer keys than its constraints read, which ran them
  // against hpo train's defaults. Refused at the constraint; with `constraints: []` in each
  // preset (what its author meant) every preset dry-runs.
  const CommandResult refused = RunHpo("sweep " + seed + " --dry-run");
  EXPECT_EQ(refused.exit_code, 2) << refused.output;
  EXPECT_NE(refused.output.find("ppo_search_space.yaml:47:5: constraint \"learning_rate > 5e-4 and "
                                "learning_epochs > 8\": 'learning_epochs' (n_epochs) is set by no "
                                "part of this sweep (not searched, not fixed, not in preset "
                                "'quick')"),
            std::string::npos)
      << refused.output;
  std::string text = ReadFile(seed);
  for (const char* preset : {"  quick:\n", "  fine_tune:\n"})
    text.replace(text.find(preset), std::string(preset).size(),
                 std::string(preset) + "    constraints: []\n");
  const fs::path mended = dir_ / "ppo_search_space.yaml";
  std::ofstream(mended) << text;
  files.push_back(mended.string());
  std::vector<std::string> runs;
  for (const std::string& f : files) runs.push_back("sweep " + f + " --dry-run --trials 12");
  runs.push_back("sweep " + mended.string() + " --dry-run --trials 6 --preset quick");
  runs.push_back("sweep " + mended.string() + " --dry-run --trials 6 --preset fine_tune");
  for (const std::string& run : runs) {
    const CommandResult r = RunHpo(run);
    EXPECT_EQ(r.exit_code, 0) << run << "\n" << r.output;
    EXPECT_NE(r.output.find("searched ("), std::string::npos) << run;
    EXPECT_NE(r.output.find("constraints rejected"), std::string::npos) << run << "\n" << r.output;
  }
  EXPECT_FALSE(fs::exists(dir_ / "train_dir")) << "a dry run wrote files";
}

// The "then hpo best-params <name> ..." an example's header comment tells users to run names the
// example's sweep and parses (it once said --name, which best-params does not take).
TEST_F(SweepCliTest, TheBestParamsCommandInEachExampleNamesItsSweepAndParses) {
  for (const auto& e : fs::directory_iterator(std::string(HPO_SOURCE_DIR) + "/configs/examples")) {
    const std::string text = ReadFile(e.path());
    const size_t at = text.find("hpo best-params ");
    if (at == std::string::npos) continue;
    const std::string args = text.substr(at + 16, text.find('\n', at) - at - 16);
    const std::string name = YAML::LoadFile(e.path().string())["name"].as<std::string>();
    EXPECT_EQ(args.substr(0, args.find(' ')), name) << e.path();
    const CommandResult r = RunHpo("best-params " + args + " --no-patch");  // no sweep ran here
    EXPECT_EQ(r.output.find("see hpo --help"), std::string::npos) << e.path() << "\n" << r.output;
    EXPECT_NE(r.output.find(name), std::string::npos) << e.path() << "\n" << r.output;
  }
}

TEST_F(SweepCliTest, BestParamsPatchTrainsWithExactlyTheBestTrialsParameters) {
  // A real hpo train sweep with tiny budgets.
  const fs::path path = dir_ / "tiny.yaml";
  std::ofstream(path)
      << "name: tiny\nmethod: random\nn_trials: 3\nn_jobs: 2\n"
         "fixed: {total_timesteps: 1024, n_envs: 2, n_steps: 256, batch_size: 64, eval_interval: "
         "512,\n"
         "        eval_episodes: 1, final_eval_episodes: 2, checkpoint_interval: 0}\n"
         "parameters:\n  learning_rate: {distribution: loguniform, min: 1.0e-5, max: 1.0e-2}\n"
         "  gamma: {distribution: logit_normal, min: 0.9, max: 0.999}\n"
         "  net_arch: {values: [[32, 32], [64]]}\n  n_epochs: {min: 2, max: 4}\n";
  const CommandResult sweep = RunHpo("sweep " + path.string());
  ASSERT_EQ(sweep.exit_code, 0) << sweep.output;
  const fs::path patches = dir_ / "patches";
  const CommandResult best = RunHpo("best-params tiny --output-dir " + patches.string());
  ASSERT_EQ(best.exit_code, 0) << best.output;
  const fs::path patch = patches / "tiny_best.yaml";
  std::ifstream in(patch);
  std::string header;
  std::getline(in, header);
  EXPECT_EQ(header, "# @package _global_");

  // The patch carries the sweep's fixed values too, so only the length is changed here.
  const fs::path run = dir_ / "from_patch";
  const CommandResult train = RunHpo("train --patch " + patch.string() +
                                     " --override total_timesteps=512 --run-dir " + run.string());
  ASSERT_EQ(train.exit_code, 0) << train.output;
  // The best trial by value, as storage has it.
  const std::vector<store::Trial> trials = Trials("tiny");
  const store::Trial* winner = nullptr;
  for (const store::Trial& t : trials) {
    if (t.state == store::TrialState::kComplete && (!winner || *t.value > *winner->value))
      winner = &t;
  }
  ASSERT_NE(winner, nullptr);
  EXPECT_NE(best.output.find("Best run: tiny.r." + std::to_string(winner->number)),
            std::string::npos)
      << best.output;
  EXPECT_NE(best.output.find("3. As command-line overrides:\n" + std::string(40, '-') +
                             "\nhpo train --override "),
            std::string::npos)
      << best.output;
  EXPECT_NE(best.output.find("4. Complete training command:\n" + std::string(40, '-') +
                             "\nhpo train --run-dir "),
            std::string::npos)
      << best.output;
  EXPECT_NE(best.output.find("2. Config patch saved to: " + patch.string()), std::string::npos)
      << best.output;
  // The trial's input stays as the controller wrote it (its values, no seed: that is --seed);
  // hpo train writes what it resolved beside it.
  const fs::path trial_dir = winner->run_dir;
  EXPECT_FALSE(YAML::LoadFile((trial_dir / "train_config_overrides.yaml").string())["seed"]);
  EXPECT_EQ(YAML::LoadFile((trial_dir / "resolved_overrides.yaml").string())["seed"].as<uint64_t>(),
            winner->seed);
  const YAML::Node resolved = YAML::LoadFile((run / "resolved_config.yaml").string());
  const std::map<std::string, std::string> fixed = {{"n_envs", "2"},
                                                    {"n_steps", "256"},
                                                    {"batch_size", "64"},
                                                    {"eval_interval", "512"},
                                                    {"eval_episodes", "1"},
                                                    {"final_eval_episodes", "2"},
                                                    {"checkpoint_interval", "0"}};
  for (const auto& [name, want] : fixed)
    EXPECT_EQ(resolved[name].Scalar(), want) << name << " (fixed in the sweep)";
  std::stringstream patch_text;
  patch_text << std::ifstream(patch).rdbuf();
  EXPECT_NE(patch_text.str().find("n_envs: 2  # fixed in the sweep"), std::string::npos)
      << patch_text.str();
  for (const auto& [name, value] : winner->params) {
    const std::string got =
        resolved[name].IsSequence() ? YAML::Dump(resolved[name]) : resolved[name].Scalar();
    if (value.is_double()) {
      EXPECT_EQ(std::strtod(got.c_str(), nullptr), value.as_double())
          << name;  // bit-exact round trip
    } else {
      const std::string want = value.ToYaml();
      EXPECT_EQ(got, want) << name;
    }
  }
}

TEST_F(SweepCliTest, EnqueuedTrialsRunFirstWithTheirParameters) {
  const std::string body =
      "method: cmaes\nn_trials: 3\nparameters:\n  x: {min: 0.0, max: 1.0}\n  n: {values: [1, 2, "
      "3]}\n";
  ASSERT_EQ(SweepToTheEnd("queued", body).size(), 3u);

  const CommandResult by_params = RunHpo("enqueue queued --params 'x=0.25'");
  ASSERT_EQ(by_params.exit_code, 0) << by_params.output;
  EXPECT_NE(by_params.output.find("queued trial 3 of sweep queued"), std::string::npos)
      << by_params.output;
  EXPECT_NE(by_params.output.find("n: 1  (not given: the search centre)"), std::string::npos)
      << by_params.output;
  const fs::path patch = dir_ / "good.yaml";
  std::ofstream(patch) << "x: 0.75\nn: 3\n";
  ASSERT_EQ(RunHpo("enqueue queued --from-patch " + patch.string()).exit_code, 0);
  std::vector<store::Trial> trials = Trials("queued");
  ASSERT_EQ(trials.size(), 5u);
  EXPECT_EQ(trials[3].state, store::TrialState::kWaiting);

  // Bad input: exit 2, one line naming the value, nothing queued.
  const CommandResult outside = RunHpo("enqueue queued --params 'x=2'");
  EXPECT_EQ(outside.exit_code, 2);
  EXPECT_EQ(outside.output, "hpo: error: --params: x=2 is outside the sweep's search space\n");
  const CommandResult unknown = RunHpo("enqueue queued --params 'y=2'");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.output.find("does not search y"), std::string::npos) << unknown.output;
  EXPECT_EQ(RunHpo("enqueue queued").exit_code, 2);
  ASSERT_EQ(Trials("queued").size(), 5u);

  // The next sweep runs the queued trials first, then samples the sixth.
  const CommandResult more = RunHpo("sweep " + Config("queued", body) + " --trials 6");
  ASSERT_EQ(more.exit_code, 0) << more.output;
  trials = Trials("queued");
  ASSERT_EQ(trials.size(), 6u);
  for (const store::Trial& t : trials) EXPECT_EQ(t.state, store::TrialState::kComplete) << t.number;
  EXPECT_EQ(trials[3].params.at("x"), Value(0.25));
  EXPECT_EQ(trials[3].params.at("n"), Value(1));
  EXPECT_EQ(trials[4].params.at("x"), Value(0.75));
  EXPECT_EQ(trials[4].params.at("n"), Value(3));
  EXPECT_LT(trials[3].started_ms, trials[5].started_ms);
  EXPECT_LT(trials[4].started_ms, trials[5].started_ms);
}

// --warm-start-from: the sampler of a new study starts from another study's finished trials.
// What only the other sweep searched (y) is dropped, what only this one searches takes the other
// sweep's fixed value (w), and nothing is copied into the new study.
TEST_F(SweepCliTest, AWarmStartLetsTheSamplerSeeAnotherSweepsTrials) {
  ASSERT_EQ(SweepToTheEnd("first",
                          "method: random\nn_trials: 12\nfixed:\n  w: 0.5\nparameters:\n"
                          "  x: {min: 0.0, max: 1.0}\n  y: {min: 0.0, max: 1.0}\n")
                .size(),
            12u);
  const std::string body =
      "method: tpe\nn_trials: 3\nparameters:\n  x: {min: 0.0, max: 1.0}\n  w: {min: 0.0, max: "
      "1.0}\n";
  const std::string config = Config("second", body);

  const CommandResult cold = RunHpo("sweep " + config + " --dry-run");
  EXPECT_NE(cold.output.find("#0   [random (start-up)]"), std::string::npos) << cold.output;
  const CommandResult warm_dry = RunHpo("sweep " + config + " --dry-run --warm-start-from first");
  EXPECT_NE(warm_dry.output.find("#0   [tpe]"), std::string::npos) << warm_dry.output;

  const CommandResult warm = RunHpo("sweep " + config + " --warm-start-from first");
  ASSERT_EQ(warm.exit_code, 0) << warm.output;
  EXPECT_NE(warm.output.find("note: warm start from sweep 'first': the sampler also sees 12 of its "
                             "12 finished trials"),
            std::string::npos)
      << warm.output;
  EXPECT_NE(warm.output.find("note: warm start: dropped y (searched there, not here)"),
            std::string::npos)
      << warm.output;
  EXPECT_EQ(Trials("second").size(), 3u);
  EXPECT_EQ(Trials("first").size(), 12u);

  // Another goal, or no such sweep: exit 2 with one line, and no study is started.
  const CommandResult other_goal =
      RunHpo("sweep " + Config("third", "goal: minimize\n" + body) + " --warm-start-from first");
  EXPECT_EQ(other_goal.exit_code, 2);
  EXPECT_NE(other_goal.output.find("warm start from sweep 'first': it optimises score (maximize), "
                                   "this sweep score (minimize)"),
            std::string::npos)
      << other_goal.output;
  EXPECT_FALSE(fs::exists(dir_ / "train_dir/sweep/third/study.db"));
  EXPECT_EQ(RunHpo("sweep " + Config("fourth", body) + " --warm-start-from nowhere").exit_code, 2);
}

// enqueue: in the sweep YAML queues trials that run first in a new study (and only then: a
// resume does not queue them again); a bad entry is an error at its line, with nothing written.
TEST_F(SweepCliTest, EnqueueInTheYamlRunsThoseTrialsFirstOnce) {
  const std::string body =
      "method: tpe\nn_trials: 4\nparameters:\n  x: {min: 0.0, max: 1.0}\n  n: {values: [1, 2, 3]}\n"
      "enqueue:\n  - {x: 0.25, n: 3}\n  - {x: 0.75}\n";
  const CommandResult dry = RunHpo("sweep " + Config("yaml_queue", body) + " --dry-run");
  EXPECT_NE(dry.output.find("#0   [enqueued] n=3 x=0.25"), std::string::npos) << dry.output;
  const CommandResult first = RunHpo("sweep " + Config("yaml_queue", body));
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_NE(first.output.find("queued 2 trial(s) from enqueue: (they run first)"),
            std::string::npos)
      << first.output;
  std::vector<store::Trial> trials = Trials("yaml_queue");
  ASSERT_EQ(trials.size(), 4u);
  EXPECT_EQ(trials[0].params.at("x"), Value(0.25));
  EXPECT_EQ(trials[0].params.at("n"), Value(3));
  EXPECT_EQ(trials[1].params.at("x"), Value(0.75));
  EXPECT_EQ(trials[1].params.at("n"), Value(1));  // not given: the search centre (the first choice)
  const CommandResult more = RunHpo("sweep " + Config("yaml_queue", body) + " --trials 6");
  ASSERT_EQ(more.exit_code, 0) << more.output;
  EXPECT_EQ(more.output.find("from enqueue"), std::string::npos) << more.output;
  trials = Trials("yaml_queue");
  ASSERT_EQ(trials.size(), 6u);
  EXPECT_NE(trials[4].params, trials[0].params);

  const std::string bad =
      "method: tpe\nn_trials: 4\nparameters:\n  x: {min: 0.0, max: 1.0}\nenqueue:\n  - {x: 2.5}\n";
  const CommandResult outside = RunHpo("sweep " + Config("bad_queue", bad));
  EXPECT_EQ(outside.exit_code, 2);
  EXPECT_NE(outside.output.find("bad_queue.yaml:9:9: x=2.5 is outside the sweep's search space"),
            std::string::npos)
      << outside.output;
  EXPECT_FALSE(fs::exists(dir_ / "train_dir/sweep/bad_queue"));
}

// --method reads the same names as method: in the YAML (one alias table).
TEST_F(SweepCliTest, BudgetsTakeDurationsMoreTrialsAndEveryCore) {
  const std::string space =
      "method: random\nparameters:\n  x: {distribution: uniform, min: 0, max: 1}\n";
  ASSERT_EQ(SweepToTheEnd("budget", "n_trials: 3\n" + space).size(), 3u);
  // --add-trials counts from what the study has, each time.
  const std::string config = Config("budget", "n_trials: 3\n" + space);
  ASSERT_EQ(RunHpo("sweep " + config + " --add-trials 2").exit_code, 0);
  EXPECT_EQ(Trials("budget").size(), 5u);
  ASSERT_EQ(RunHpo("sweep " + config + " --add-trials 2").exit_code, 0);
  EXPECT_EQ(Trials("budget").size(), 7u);

  // Durations with units in the YAML and on the command line; plain seconds still work.
  const CommandResult hours = RunHpo(
      "sweep " + Config("units", "timeout: 12h\ntimeout_per_trial: 30m\n" + space) + " --dry-run");
  EXPECT_EQ(hours.exit_code, 0) << hours.output;
  EXPECT_NE(hours.output.find("stops launching trials after 12h"), std::string::npos)
      << hours.output;
  const CommandResult flag =
      RunHpo("sweep " + Config("units", space) + " --timeout 1h30m --dry-run");
  EXPECT_NE(flag.output.find("stops launching trials after 1h30m"), std::string::npos)
      << flag.output;
  const CommandResult budget =
      RunHpo("sweep " + Config("units", space) + " --budget-hours 12 --dry-run");
  EXPECT_NE(budget.output.find("stops launching trials after 12h"), std::string::npos)
      << budget.output;

  // A timeout stops the launching: trials of 0.5 s, 1 s of budget, 40 trials asked for.
  const std::string slow = "n_trials: 40\nfixed: {steps: 2, step_seconds: 0.25}\n" + space;
  const CommandResult timed = RunHpo("sweep " + Config("timed", slow) + " --timeout 1s");
  EXPECT_EQ(timed.exit_code, 0) << timed.output;
  EXPECT_NE(timed.output.find("sweep timeout reached"), std::string::npos) << timed.output;
  EXPECT_LE(Trials("timed").size(), 4u);

  // Every core: auto and -1 (Optuna's n_jobs=-1), on the command line and in the YAML.
  const std::string cores =
      fmt::format("{} at a time", std::max(1u, std::thread::hardware_concurrency()));
  const CommandResult all =
      RunHpo("sweep " + Config("cores", "n_trials: 2\n" + space) + " --jobs auto");
  EXPECT_EQ(all.exit_code, 0) << all.output;
  EXPECT_NE(all.output.find(cores), std::string::npos) << all.output;
  const CommandResult minus_one =
      RunHpo("sweep " + Config("cores_yaml", "n_trials: 2\nn_jobs: -1\n" + space));
  EXPECT_NE(minus_one.output.find(cores), std::string::npos) << minus_one.output;

  // Bad values: exit 2, one line naming the value and where it came from, nothing written.
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"sweep " + Config("bad1", "timeout: 12x\n" + space),
       "bad1.yaml:4:10: timeout must be a duration"},
      {"sweep " + Config("bad2", space) + " --timeout soon",
       "--timeout: must be a duration (45s, 30m, 12h, 1h30m) or seconds, got 'soon'"},
      {"sweep " + Config("bad3", space) + " --jobs 0",
       "--jobs: must be a whole number >= 1, or auto / -1 for every core, got '0'"},
      {"sweep " + Config("bad4", space) + " --trials 3 --add-trials 1",
       "--add-trials: give --trials"},
      {"sweep " + Config("bad5", "n_jobs: all\n" + space),
       "bad5.yaml:4:9: n_jobs must be a whole number >= 1, or auto / -1"},
      {"sweep " + Config("bad6", space) + " --timeout 1h --budget-hours 2",
       "--budget-hours: give --timeout or --budget-hours"},
  };
  for (const auto& [args, message] : bad) {
    const CommandResult r = RunHpo(args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.output;
    EXPECT_NE(r.output.find(message), std::string::npos) << args << "\n" << r.output;
    EXPECT_EQ(LineCount(r.output), 1) << r.output;
  }
  for (const char* name : {"bad1", "bad2", "bad3", "bad4", "bad5", "bad6"})
    EXPECT_FALSE(fs::exists(dir_ / "train_dir/sweep" / name)) << name;
}

TEST_F(SweepCliTest, SetChangesAnyKeyOfTheFileWithTheFilesChecks) {
  const std::string body =
      "n_trials: 5\nmethod: random\npruner: {type: median}\npresets:\n  short: {n_trials: 2}\n"
      "parameters:\n  x: {distribution: uniform, min: 0, max: 1}\n";
  const std::string config = Config("set", body);
  // Nested keys, new parameters, and after the preset (which sets n_trials too).
  const CommandResult dry =
      RunHpo("sweep " + config +
             " --preset short --set n_trials=3 --set pruner.type=hyperband "
             "--set 'parameters.x.max=0.5' --set 'parameters.y={values: [1, 2]}' --dry-run");
  ASSERT_EQ(dry.exit_code, 0) << dry.output;
  EXPECT_NE(dry.output.find("3 trials, method random, pruner hyperband"), std::string::npos)
      << dry.output;
  EXPECT_NE(dry.output.find("uniform [0.0, 0.5]"), std::string::npos) << dry.output;
  EXPECT_NE(dry.output.find("categorical [1, 2]"), std::string::npos) << dry.output;
  // A real run uses them, and the study stores the config it ran.
  const CommandResult run =
      RunHpo("sweep " + config + " --set n_trials=2 --set parameters.x.min=0.9");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const std::vector<store::Trial> trials = Trials("set");
  ASSERT_EQ(trials.size(), 2u);
  for (const store::Trial& t : trials) EXPECT_GE(t.params.at("x").as_double(), 0.9);

  // Bad values get the file's checks and messages, naming the --set; exit 2, nothing written.
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"--set pruner.type=hyperbnd", "--set pruner.type=hyperbnd: unknown pruner 'hyperbnd'"},
      {"--set n_trials=many", "--set n_trials=many: n_trials must be a number, got 'many'"},
      {"--set prunr.type=median",
       "--set: unknown key 'prunr' at the top level (did you mean 'pruner'?)"},
      {"--set method.x=1", "--set method.x=1: 'method' in "},
      {"--set nokey", "--set nokey: expected KEY=VALUE"},
      {"--set timeout=soon", "--set timeout=soon: timeout must be a duration"},
  };
  for (const auto& [args, message] : bad) {
    const CommandResult r = RunHpo("sweep " + Config("set_bad", body) + " " + args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.output;
    EXPECT_NE(r.output.find(message), std::string::npos) << args << "\n" << r.output;
    EXPECT_EQ(LineCount(r.output), 1) << r.output;
  }
  EXPECT_FALSE(fs::exists(dir_ / "train_dir/sweep/set_bad"));
}

TEST_F(SweepCliTest, AWandbMetricWithoutAGoalIsMinimisedAsWandbDoes) {
  // W&B's schema: metric.goal defaults to minimize (wandb/sweeps config/schema.json:674). The
  // stub scores x = 0.3 at 100 and x = 0.9 at 64: minimising, 0.9 is the best.
  const fs::path config = dir_ / "wandb_goal.yaml";
  std::ofstream(config) << "name: wandb_goal\nmethod: grid\nmetric: {name: score}\n"
                        << "command: [" << HPO_STUB_TRIAL << ", \"${args}\"]\n"
                        << "parameters:\n  x: {values: [0.3, 0.9]}\n";
  ASSERT_EQ(RunHpo("sweep " + config.string()).exit_code, 0);
  const CommandResult best = RunHpo("best-params wandb_goal --no-patch");
  EXPECT_NE(best.output.find("x: 0.9"), std::string::npos) << best.output;
  const CommandResult dry = RunHpo("sweep " + config.string() + " --dry-run");
  EXPECT_NE(dry.output.find("minimize"), std::string::npos) << dry.output;
}

TEST_F(SweepCliTest, AWandbGridRunsEveryIntegerAndEachRepeatedValueOnceThenEnds) {
  // W&B's grid runs every value of an int_uniform (wandb/sweeps grid_search.py:84-93) and the
  // whole grid when no run_cap is given.
  const std::vector<store::Trial> ints =
      SweepToTheEnd("grid_ints",
                    "method: grid\nparameters:\n  layers: {distribution: int_uniform, min: 1, "
                    "max: 63}\n");
  std::set<int64_t> layers;
  for (const store::Trial& t : ints) layers.insert(t.params.at("layers").as_int());
  EXPECT_EQ(ints.size(), 63u);
  EXPECT_EQ(layers.size(), 63u);
  // A repeated value is one point (W&B merges duplicates, grid_search.py:19-29; 3 and 3.0 are
  // equal): three points, whatever the budget says, and the sweep ends.
  const std::vector<store::Trial> repeated =
      SweepToTheEnd("grid_repeated",
                    "method: grid\nrun_cap: 40\nparameters:\n  x: {values: [0.1, 0.2, 0.5, "
                    "0.1]}\n  n: {values: [3, 3.0]}\n");
  std::multiset<double> xs;
  for (const store::Trial& t : repeated) xs.insert(t.params.at("x").as_double());
  EXPECT_EQ(repeated.size(), 3u);
  EXPECT_EQ(xs, (std::multiset<double>{0.1, 0.2, 0.5}));
}

TEST_F(SweepCliTest, PufferLibsIniConfigDryRunsAsItIs) {
  // PufferLib's own format (issue 36), as its config/default.ini is written, searched with the
  // user's trainer
  const std::string ini = std::string(HPO_SOURCE_DIR) +
                          "/tests/fixtures/vocabularies/pufferlib_ini/protein_sections.ini";
  const CommandResult run = RunHpo("sweep " + ini + " --dry-run --command './train ${args}'");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("read as: PufferLib INI (sweep sections)"), std::string::npos)
      << run.output;
  EXPECT_NE(run.output.find("searched (9):"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("method protein"), std::string::npos) << run.output;
}

TEST_F(SweepCliTest, AWandbGridOfConstantsRunsOnceAndNanIsOneValue) {
  // W&B runs a sweep of constants only, its grid once (wandb/sweeps test_grid_search.py:212),
  // and its grid merges NaNs (test_grid_search.py:496): run_cap does not add points.
  auto wandb_sweep = [&](const std::string& name, const std::string& parameters) {
    const fs::path config = dir_ / (name + ".yaml");
    std::ofstream(config) << "name: " << name << "\nmetric: {name: score, goal: maximize}\n"
                          << "command: [" << HPO_STUB_TRIAL << ", \"${args}\"]\nmethod: grid\n"
                          << "run_cap: 5\nparameters:\n"
                          << parameters;
    const CommandResult run = RunHpo("sweep " + config.string());
    EXPECT_EQ(run.exit_code, 0) << run.output;
    return Trials(name);
  };
  const std::vector<store::Trial> constants =
      wandb_sweep("constants", "  v1: {value: a}\n  v2: {value: 2}\n");
  ASSERT_EQ(constants.size(), 1u);
  EXPECT_EQ(constants[0].state, store::TrialState::kComplete);
  const std::vector<store::Trial> nans =
      wandb_sweep("nans", "  x: {values: [.nan, 1, .nan]}\n  v2: {value: test}\n");
  ASSERT_EQ(nans.size(), 2u);
  EXPECT_TRUE(std::isnan(nans[0].params.at("x").as_double()));
  EXPECT_EQ(nans[1].params.at("x"), Value(1));
}

TEST_F(SweepCliTest, AWandbGridOverMappingValuesRunsEachOnceAndTheyTravelAsWritten) {
  // W&B's grid over dict values (wandb/sweeps test_grid_search.py:760): one point per mapping
  // whatever its key order, passed to the program as W&B's agent writes them (Python's str)
  const fs::path config = dir_ / "envs.yaml";
  std::ofstream(config) << "name: envs\nmetric: score\ncommand: [sh, -c, 'echo \"$@\" > "
                        << "\"$HPO_RUN_DIR/args.txt\"; exec " << HPO_STUB_TRIAL
                        << " \"$@\"', sh, \"${args}\"]\nmethod: grid\nparameters:\n"
                        << "  env_params:\n    values:\n"
                        << "      - {env_id: Env-v0, max_steps: 1000}\n"
                        << "      - {env_id: Env-v1, reward_kwargs: {lambda_energy: 0.001}}\n"
                        << "      - {max_steps: 1000, env_id: Env-v0}\n"
                        << "  target_kl: {value: null}\n";
  const CommandResult run = RunHpo("sweep " + config.string());
  ASSERT_EQ(run.exit_code, 0) << run.output;
  std::vector<store::Trial> trials = Trials("envs");
  ASSERT_EQ(trials.size(), 2u);
  std::set<std::string> args;
  for (const store::Trial& t : trials) {
    ASSERT_EQ(t.state, store::TrialState::kComplete) << t.error;
    std::ifstream in(fs::path(t.run_dir) / "args.txt");
    std::string line;
    std::getline(in, line);
    args.insert(line);
  }
  EXPECT_EQ(args, (std::set<std::string>{
                      "--env_params={'max_steps': 1000, 'env_id': 'Env-v0'} --target_kl=None",
                      "--env_params={'env_id': 'Env-v1', 'reward_kwargs': {'lambda_energy': "
                      "0.001}} --target_kl=None"}));
  // The store gives the mappings back in their order; best-params' patch holds them whole
  const Value v1(
      Value::Mapping{{"env_id", Value("Env-v1")},
                     {"reward_kwargs", Value(Value::Mapping{{"lambda_energy", 0.001}})}});
  EXPECT_EQ(trials[1].params.at("env_params").ToYaml(), v1.ToYaml());
  const fs::path patches = dir_ / "patches";
  const CommandResult best = RunHpo("best-params envs --output-dir " + patches.string());
  ASSERT_EQ(best.exit_code, 0) << best.output;
  std::ifstream in(patches / "envs_best.yaml");
  const std::string patch((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const YAML::Node values = YAML::Load(patch);
  EXPECT_TRUE(values["env_params"].IsMap()) << patch;
  EXPECT_TRUE(values["target_kl"].IsNull()) << patch;
  // and a patch's mapping is one value of env_params, not names under it
  const Value best_env =
      trials[*trials[0].value > *trials[1].value ? 0 : 1].params.at("env_params");
  const CommandResult queued =
      RunHpo("enqueue envs --from-patch " + (patches / "envs_best.yaml").string());
  ASSERT_EQ(queued.exit_code, 0) << queued.output;
  trials = Trials("envs");
  ASSERT_EQ(trials.size(), 3u);
  EXPECT_EQ(trials[2].params.at("env_params"), best_env);
}

TEST_F(SweepCliTest, BestParamsRanksByAnyResultsKeyOrAliasInEitherOrder) {
  // The trials write final_mean_reward (hpo train's name) and x to their results files.
  const fs::path config = dir_ / "rerank.yaml";
  std::ofstream(config) << "name: rerank\nmetric: final_mean_reward\ncommand: [" << HPO_STUB_TRIAL
                        << ", \"${args}\"]\n"
                        << "method: grid\nn_trials: 3\nfixed: {metric_name: final_mean_reward}\n"
                        << "parameters:\n  x: {values: [0.1, 0.3, 0.6]}\n";
  ASSERT_EQ(RunHpo("sweep " + config.string()).exit_code, 0);
  ASSERT_EQ(Trials("rerank").size(), 3u);
  auto best_x = [&](const std::string& args) {
    const CommandResult r = RunHpo("best-params rerank --no-patch " + args);
    EXPECT_EQ(r.exit_code, 0) << args << "\n" << r.output;
    const size_t at = r.output.find("x: ");
    return at == std::string::npos ? std::string("none") : r.output.substr(at + 3, 3);
  };
  EXPECT_EQ(best_x(""), "0.3");
  EXPECT_EQ(best_x("--metric episode_reward_mean"), "0.3");  // RLlib's name for the same number
  EXPECT_EQ(best_x("--metric mean_reward"), "0.3");
  EXPECT_EQ(best_x("--metric x"), "0.6");  // the sweep's goal (maximize)
  EXPECT_EQ(best_x("--metric x --sort asc"), "0.1");
  EXPECT_EQ(best_x("--sort asc"), "0.6");  // the worst reward first: x = 0.6 is furthest from 0.3
  const CommandResult ranked = RunHpo("best-params rerank --no-patch --metric x --sort asc");
  EXPECT_NE(ranked.output.find("Ranked by x, smallest first"), std::string::npos) << ranked.output;

  const CommandResult missing = RunHpo("best-params rerank --no-patch --metric nope");
  EXPECT_EQ(missing.exit_code, 2) << missing.output;
  EXPECT_NE(missing.output.find("--metric: no complete trial of sweep 'rerank' has a nope (its "
                                "results files have: final_mean_reward, x)"),
            std::string::npos)
      << missing.output;
  EXPECT_EQ(RunHpo("best-params rerank --sort up").exit_code, 2);
}

TEST_F(SweepCliTest, TrainDirFlagYamlKeyAndBaseConfigSayWhereAndWhatTrialsStartFrom) {
  const std::string space =
      "method: random\nn_trials: 2\nparameters:\n  x: {distribution: uniform, min: 0, max: 1}\n";
  // --train-dir, after the command or before it, for every command.
  const fs::path flag_dir = dir_ / "flag_dir";
  const CommandResult flagged =
      RunHpo("sweep " + Config("where", space) + " --train-dir " + flag_dir.string());
  ASSERT_EQ(flagged.exit_code, 0) << flagged.output;
  EXPECT_TRUE(fs::exists(flag_dir / "sweep/where/study.db"));
  EXPECT_FALSE(fs::exists(dir_ / "train_dir/sweep/where"));
  const CommandResult status = RunHpo("--train-dir " + flag_dir.string() + " status where");
  EXPECT_EQ(status.exit_code, 0) << status.output;
  EXPECT_NE(status.output.find("2 complete"), std::string::npos) << status.output;

  // train_dir: in the file counts when neither the flag nor HPO_TRAIN_DIR says where.
  const fs::path yaml_dir = dir_ / "yaml_dir";
  const std::string in_file = Config("filed", "train_dir: " + yaml_dir.string() + "\n" + space);
  ASSERT_EQ(
      RunShell("env -u HPO_TRAIN_DIR " + std::string(HPO_BINARY) + " sweep " + in_file).exit_code,
      0);
  EXPECT_TRUE(fs::exists(yaml_dir / "sweep/filed/study.db"));
  ASSERT_EQ(RunHpo("sweep " + Config("filed_env", "train_dir: " + yaml_dir.string() + "\n" + space))
                .exit_code,
            0);
  EXPECT_TRUE(fs::exists(dir_ / "train_dir/sweep/filed_env/study.db"));  // HPO_TRAIN_DIR wins
  EXPECT_FALSE(fs::exists(yaml_dir / "sweep/filed_env"));

  // base_config: a trainer file's values are every trial's, unless fixed: or the search names them.
  const fs::path base = dir_ / "base.yaml";
  std::ofstream(base) << "gamma: 0.97\nent_coef: 0.02\nn_epochs: 7\n";
  const fs::path sweep = dir_ / "based.yaml";
  std::ofstream(sweep) << "name: based\nbase_config: " << base.string()
                       << "\nfixed: {gamma: 0.99}\nmethod: random\n"
                       << "parameters:\n  n_epochs: {distribution: int_uniform, min: 3, max: 10}\n";
  const CommandResult dry = RunHpo("sweep " + sweep.string() + " --dry-run");
  ASSERT_EQ(dry.exit_code, 0) << dry.output;
  EXPECT_NE(dry.output.find("fixed: ent_coef=0.02 gamma=0.99\n"), std::string::npos) << dry.output;
  EXPECT_NE(
      dry.output.find("base_config " + base.string() + ": 1 of its 3 value(s) as fixed values"),
      std::string::npos)
      << dry.output;

  std::ofstream(dir_ / "bad_base.yaml") << "gamma: 0.97\nlearnin_rate: 3e-4\n";
  std::ofstream(dir_ / "bad_based.yaml")
      << "name: bad_based\nbase_config: " << (dir_ / "bad_base.yaml").string()
      << "\nparameters:\n  n_epochs: {distribution: int_uniform, min: 3, max: 10}\n";
  const CommandResult bad = RunHpo("sweep " + (dir_ / "bad_based.yaml").string());
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_NE(bad.output.find("bad_base.yaml:2:1"), std::string::npos) << bad.output;
  EXPECT_NE(bad.output.find("learning_rate"), std::string::npos) << bad.output;  // the closest key
  const CommandResult custom =
      RunHpo("sweep " + Config("custom_base", "base_config: " + base.string() + "\n" + space));
  EXPECT_EQ(custom.exit_code, 2) << custom.output;
  EXPECT_NE(custom.output.find("custom_base.yaml:4:14: base_config gives hpo train's base values"),
            std::string::npos)
      << custom.output;
  const CommandResult missing =
      RunHpo("sweep " + Config("missing_base", "base_config: nowhere.yaml\n" + space));
  EXPECT_EQ(missing.exit_code, 2) << missing.output;
  for (const char* name : {"bad_based", "custom_base", "missing_base"})
    EXPECT_FALSE(fs::exists(dir_ / "train_dir/sweep" / name)) << name;
}

TEST_F(SweepCliTest, ASweepEndsWithItsBestCommandAndKeepsItsReportCurrent) {
  // Trials of ~1.2 s, one at a time: the analysis files exist after the first, while it runs.
  const std::string config =
      Config("ending",
             "method: random\nn_trials: 4\nfixed: {steps: 4, step_seconds: 0.3}\n"
             "parameters:\n  x: {distribution: uniform, min: 0, max: 1}\n");
  const fs::path analysis = dir_ / "train_dir/sweep/ending/analysis";
  const pid_t controller = SpawnHpo({"sweep", config}, (dir_ / "ending.log").string());
  bool seen_while_running = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline &&
         waitpid(controller, nullptr, WNOHANG) == 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (!fs::exists(analysis / "results.json")) continue;
    int complete = 0;
    for (const store::Trial& t : TrialsSoFar("ending"))
      complete += t.state == store::TrialState::kComplete;
    if (complete < 4) {
      seen_while_running = fs::exists(analysis / "report.html");
      break;
    }
  }
  int status = 0;
  waitpid(controller, &status, 0);
  EXPECT_TRUE(seen_while_running) << "no analysis files before the sweep's end";
  std::ifstream log_file(dir_ / "ending.log");
  const std::string log(std::istreambuf_iterator<char>(log_file), {});
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << log;

  // The end: the best trial's parameters and the command that trains them, which runs as printed.
  const std::vector<store::Trial> trials = Trials("ending");
  const store::Trial* best = nullptr;
  for (const store::Trial& t : trials) {
    if (!best || *t.value > *best->value) best = &t;
  }
  ASSERT_NE(best, nullptr);
  EXPECT_NE(log.find(fmt::format("best parameters (trial {}): x=", best->number)),
            std::string::npos)
      << log;
  const size_t at = log.find("to train with the best hyperparameters, run:\n  ");
  ASSERT_NE(at, std::string::npos) << log;
  const size_t start = at + std::string("to train with the best hyperparameters, run:\n  ").size();
  const std::string command = log.substr(start, log.find('\n', start) - start);
  const CommandResult rerun = RunShell(command);
  EXPECT_EQ(rerun.exit_code, 0) << command << "\n" << rerun.output;
  auto read = [](const fs::path& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  const std::string again = read(dir_ / "train_dir/runs" / fmt::format("ending_r{}", best->number) /
                                 "sweep_eval_results.yaml");
  EXPECT_FALSE(again.empty()) << command << "\n" << rerun.output;
  EXPECT_EQ(again, read(fs::path(best->run_dir) / "sweep_eval_results.yaml")) << command;
  EXPECT_NE(log.find("report: " + (analysis / "report.html").string()), std::string::npos) << log;
  // The final files hold every trial.
  std::ifstream results_file(analysis / "results.json");
  const std::string results(std::istreambuf_iterator<char>(results_file), {});
  for (const store::Trial& t : trials)
    EXPECT_NE(results.find(fmt::format("\"number\": {}", t.number)), std::string::npos) << t.number;

  // --no-report writes none.
  const CommandResult quiet = RunHpo(
      "sweep " +
      Config("quiet", "method: random\nn_trials: 1\nparameters:\n  x: {min: 0.0, max: 1.0}\n") +
      " --no-report");
  ASSERT_EQ(quiet.exit_code, 0) << quiet.output;
  EXPECT_FALSE(fs::exists(dir_ / "train_dir/sweep/quiet/analysis"));
  EXPECT_EQ(quiet.output.find("report: "), std::string::npos) << quiet.output;
}

TEST_F(SweepCliTest, StoppingRulesEndTheSweepEarlyAndTheStudySaysWhy) {
  // The stub scores 100 - 100 (x - 0.3)^2: x = 0.3 scores 100.
  const std::string target = Config("target",
                                    "method: grid\nn_trials: 6\ntarget: 99\n"
                                    "parameters:\n  x: {values: [0.0, 0.1, 0.3, 0.5, 0.6, 0.7]}\n");
  const CommandResult reached = RunHpo("sweep " + target);
  ASSERT_EQ(reached.exit_code, 0) << reached.output;
  EXPECT_NE(reached.output.find("stopping: target reached: trial 2 has score = 100 (target 99)"),
            std::string::npos)
      << reached.output;
  EXPECT_EQ(Trials("target").size(), 3u);
  const CommandResult status = RunHpo("status target");
  EXPECT_NE(status.output.find("stopped early at "), std::string::npos) << status.output;
  EXPECT_NE(status.output.find(": target reached: trial 2 has score = 100"), std::string::npos)
      << status.output;
  // Running it again launches nothing: the target is still reached.
  const CommandResult again = RunHpo("sweep " + target);
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(Trials("target").size(), 3u);

  // Patience: the first trial is the best, the next two bring nothing.
  const std::string patient =
      Config("patient",
             "method: grid\nn_trials: 6\npatience: 2\n"
             "parameters:\n  x: {values: [0.3, 0.0, 0.1, 0.6, 0.7, 0.8]}\n");
  const CommandResult waited = RunHpo("sweep " + patient);
  ASSERT_EQ(waited.exit_code, 0) << waited.output;
  EXPECT_NE(waited.output.find("stopping: no improvement in the last 2 finished trials (patience "
                               "2, min_delta 0); best: trial 0"),
            std::string::npos)
      << waited.output;
  EXPECT_EQ(Trials("patient").size(), 3u);
  // A resumed sweep gets its patience afresh: two more trials, then it stops again.
  ASSERT_EQ(RunHpo("sweep " + patient).exit_code, 0);
  EXPECT_EQ(Trials("patient").size(), 5u);

  // Without a rule the whole budget runs.
  EXPECT_EQ(
      SweepToTheEnd(
          "no_rule",
          "method: grid\nn_trials: 6\nparameters:\n  x: {values: [0.0, 0.1, 0.3, 0.5, 0.6, 0.7]}\n")
          .size(),
      6u);
  const CommandResult bad =
      RunHpo("sweep " + Config("bad_rule", "min_delta: -1\nparameters:\n  x: {values: [0.0]}\n"));
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_NE(bad.output.find("bad_rule.yaml:4:12: min_delta must be >= 0"), std::string::npos)
      << bad.output;
}

TEST_F(SweepCliTest, APriorOrMeanIsTheFirstTrialForEverySampler) {
  const std::string body =
      "n_trials: 3\nparameters:\n  x: {distribution: uniform, min: 0, max: 1, mean: 0.3}\n"
      "  c: {values: [a, b, c], prior: c}\n  n: {distribution: int_uniform, min: 1, max: 9}\n";
  for (const char* method : {"random", "tpe", "cmaes", "protein", "grid"}) {
    const std::string name = std::string("prior_") + method;
    const std::vector<store::Trial> trials =
        SweepToTheEnd(name, std::string("method: ") + method + "\n" + body);
    ASSERT_EQ(trials.size(), 3u) << method;
    // The prior's values; n, which gives none, at its centre.
    EXPECT_EQ(trials[0].params.at("x").as_double(), 0.3) << method;
    EXPECT_EQ(trials[0].params.at("c").as_string(), "c") << method;
    EXPECT_EQ(trials[0].params.at("n").as_int(), 5) << method;
  }
  const CommandResult dry =
      RunHpo("sweep " + Config("prior_dry", "method: tpe\n" + body) + " --dry-run");
  EXPECT_NE(dry.output.find("#0   [prior] c=c n=5 x=0.3"), std::string::npos) << dry.output;
  // A resumed study does not queue it again; enqueue: entries take its place; no prior, no trial.
  ASSERT_EQ(
      RunHpo("sweep " + Config("prior_tpe", "method: tpe\n" + body) + " --add-trials 2").exit_code,
      0);
  std::vector<store::Trial> resumed = Trials("prior_tpe");
  ASSERT_EQ(resumed.size(), 5u);
  EXPECT_FALSE(resumed[3].params.at("x").as_double() == 0.3 &&
               resumed[4].params.at("x").as_double() == 0.3);
  const CommandResult enqueued =
      RunHpo("sweep " + Config("prior_enq", "method: tpe\nenqueue:\n  - {x: 0.9}\n" + body) +
             " --dry-run");
  EXPECT_NE(enqueued.output.find("#0   [enqueued] c=c n=5 x=0.9"), std::string::npos)
      << enqueued.output;
  EXPECT_EQ(enqueued.output.find("[prior]"), std::string::npos) << enqueued.output;
  const CommandResult none = RunHpo(
      "sweep " +
      Config("no_prior", "method: tpe\nn_trials: 2\nparameters:\n  x: {min: 0.0, max: 1.0}\n") +
      " --dry-run");
  EXPECT_EQ(none.output.find("[prior]"), std::string::npos) << none.output;
}

TEST_F(SweepCliTest, KeepBestNLeavesCheckpointsOnlyToTheBestTrials) {
  // Scores 96, 99.75, 100, 97.75, 91, 64: the best two are trials 2 and 1.
  const std::string space =
      "method: grid\nn_trials: 6\nfixed: {checkpoints: 1}\n"
      "parameters:\n  x: {values: [0.1, 0.25, 0.3, 0.45, 0.6, 0.9]}\n";
  const CommandResult kept = RunHpo("sweep " + Config("keep", "keep_best_n: 2\n" + space));
  ASSERT_EQ(kept.exit_code, 0) << kept.output;
  EXPECT_NE(
      kept.output.find("keep_best_n 2: removed the checkpoints of 4 trial(s) outside the best 2"),
      std::string::npos)
      << kept.output;
  for (const store::Trial& t : Trials("keep")) {
    const fs::path dir(t.run_dir);
    const bool best = t.number == 1 || t.number == 2;
    EXPECT_EQ(fs::exists(dir / "checkpoints/final.pt"), best) << t.number;
    EXPECT_EQ(fs::exists(dir / "checkpoints/step_1000.pt"), best) << t.number;
    EXPECT_TRUE(fs::exists(dir / "sweep_eval_results.yaml")) << t.number;  // results and logs stay
    EXPECT_TRUE(fs::exists(dir / "trial.log")) << t.number;
  }
  // Without it, every trial keeps its checkpoints.
  for (const store::Trial& t : SweepToTheEnd("keep_all", space))
    EXPECT_TRUE(fs::exists(fs::path(t.run_dir) / "checkpoints/final.pt")) << t.number;
  const CommandResult bad = RunHpo("sweep " + Config("keep_bad", "keep_best_n: 0\n" + space));
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_NE(bad.output.find("keep_bad.yaml:4:14: keep_best_n must be at least 1"),
            std::string::npos)
      << bad.output;
}

// Reads a JSON-lines file (JSON is YAML); one node per line.
std::vector<YAML::Node> JsonLines(const fs::path& path) {
  std::vector<YAML::Node> lines;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) lines.push_back(YAML::Load(line));
  return lines;
}

TEST_F(SweepCliTest, EventsFileAndHooksFollowEveryTrial) {
  // Trial 0 completes (100), 1 and 3 fail (exit 3), 2 is pruned at its first report.
  const fs::path out = dir_ / "hooks.txt";
  const std::string body = fmt::format(
      "method: grid\nn_trials: 4\npruner: {{type: median, n_startup_trials: 1}}\n"
      "hooks:\n"
      "  on_sweep_start: [sh, -c, 'echo \"sweep_start $1\" >> {0}', hook, \"${{sweep}}\"]\n"
      "  on_trial_start: [sh, -c, 'echo \"start $1\" >> {0}', hook, \"${{trial_number}}\"]\n"
      "  on_trial_end:\n"
      "    - [sh, -c, 'echo \"end $1 $2\" >> {0}', hook, \"${{trial_state}}\", "
      "\"${{trial_json}}\"]\n"
      "    - [\"false\"]\n"
      "  on_sweep_end: [sh, -c, 'echo \"sweep_end $1\" >> {0}', hook, \"${{sweep_json}}\"]\n"
      "parameters:\n  x: {{values: [0.3, 0.9]}}\n  fault: {{values: [none, exit3]}}\n",
      out.string());
  const fs::path events = dir_ / "events.jsonl";
  const CommandResult r =
      RunHpo("sweep " + Config("hooked", body) + " --events " + events.string());
  ASSERT_EQ(r.exit_code, 0) << r.output;  // a failing hook fails neither a trial nor the sweep
  EXPECT_NE(r.output.find("hpo: hook on_trial_end (trial 1) failed: exit code 1"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("4 hook(s) failed"), std::string::npos) << r.output;
  const std::vector<store::Trial> trials = Trials("hooked");
  ASSERT_EQ(trials.size(), 4u);
  EXPECT_EQ(trials[0].state, store::TrialState::kComplete);

  // Every trial's events in order, then the sweep's end.
  std::map<int, std::vector<std::string>> by_trial;
  const std::vector<YAML::Node> lines = JsonLines(events);
  ASSERT_FALSE(lines.empty());
  for (size_t i = 0; i + 1 < lines.size(); ++i) {
    EXPECT_EQ(lines[i]["sweep"].as<std::string>(), "hooked");
    by_trial[lines[i]["trial"].as<int>()].push_back(lines[i]["event"].as<std::string>());
  }
  const std::vector<std::string> complete = {"created",  "started",  "reported", "reported",
                                             "reported", "reported", "reported", "finished"};
  EXPECT_EQ(by_trial[0], complete);
  EXPECT_EQ(by_trial[1], (std::vector<std::string>{"created", "started", "failed"}));
  EXPECT_EQ(by_trial[2], (std::vector<std::string>{"created", "started", "reported", "pruned"}));
  EXPECT_EQ(by_trial[3], (std::vector<std::string>{"created", "started", "failed"}));
  const YAML::Node& end = lines.back();
  EXPECT_EQ(end["event"].as<std::string>(), "sweep_end");
  EXPECT_EQ(end["complete"].as<int>(), 1);
  EXPECT_EQ(end["pruned"].as<int>(), 1);
  EXPECT_EQ(end["failed"].as<int>(), 2);
  EXPECT_EQ(end["best"]["trial"].as<int>(), 0);
  EXPECT_EQ(end["best"]["value"].as<double>(), 100.0);
  for (const YAML::Node& line : lines) {
    const std::string event = line["event"].as<std::string>();
    if (event == "finished") {
      EXPECT_EQ(line["value"].as<double>(), 100.0);
    } else if (event == "failed") {
      EXPECT_EQ(line["message"].as<std::string>(), "trial program ended with exit code 3");
    } else if (event == "reported") {
      EXPECT_TRUE(line["step"].IsDefined());
    }
    if (event != "sweep_end") {
      EXPECT_TRUE(line["params"]["x"].IsDefined()) << event;
    }
  }

  // The hooks ran in event order with their macros; ${trial_json} is the event's line.
  std::vector<std::string> hook_lines;
  std::ifstream in(out);
  for (std::string line; std::getline(in, line);) hook_lines.push_back(line);
  ASSERT_EQ(hook_lines.size(), 10u) << r.output;
  EXPECT_EQ(hook_lines[0], "sweep_start hooked");
  EXPECT_EQ(hook_lines[1], "start 0");
  EXPECT_EQ(hook_lines[2].rfind("end complete {\"event\": \"finished\", \"sweep\": \"hooked\"", 0),
            0u)
      << hook_lines[2];
  EXPECT_EQ(hook_lines[4].rfind("end failed {\"event\": \"failed\"", 0), 0u) << hook_lines[4];
  EXPECT_EQ(hook_lines[6].rfind("end pruned ", 0), 0u) << hook_lines[6];
  EXPECT_EQ(YAML::Load(hook_lines[2].substr(13))["trial"].as<int>(), 0);
  EXPECT_EQ(hook_lines[9].rfind("sweep_end {\"event\": \"sweep_end\"", 0), 0u) << hook_lines[9];
  const std::string log = ReadFile(dir_ / "train_dir/sweep/hooked/hooks.log");
  EXPECT_NE(log.find("== on_trial_end (trial 3): failed: exit code 1"), std::string::npos) << log;
}

TEST_F(SweepCliTest, AHookPastItsTimeLimitIsKilledAndBadHooksAreRefused) {
  const std::string body =
      "n_trials: 2\nhooks:\n  on_trial_end: \"sleep 37\"\n  timeout: 1s\n"
      "parameters:\n  x: {min: 0.0, max: 1.0}\n";
  const auto started = std::chrono::steady_clock::now();
  const CommandResult r = RunHpo("sweep " + Config("slow_hook", body));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(30))
      << "the hooks were not killed";
  EXPECT_NE(r.output.find("2 hook(s) failed"), std::string::npos) << r.output;
  const std::string log = ReadFile(dir_ / "train_dir/sweep/slow_hook/hooks.log");
  EXPECT_NE(log.find("== on_trial_end (trial 1): killed after its time limit of 1s"),
            std::string::npos)
      << log;
  EXPECT_EQ(CountProcessesWith("sleep 37"), 0);
  for (const store::Trial& t : Trials("slow_hook"))
    EXPECT_EQ(t.state, store::TrialState::kComplete);

  const CommandResult macro =
      RunHpo("sweep " + Config("bad_hook",
                               "hooks:\n  on_sweep_end: [echo, \"${trial_json}\"]\n"
                               "parameters:\n  x: {min: 0.0, max: 1.0}\n"));
  EXPECT_EQ(macro.exit_code, 2) << macro.output;
  EXPECT_NE(
      macro.output.find("bad_hook.yaml:5:24: hooks.on_sweep_end: unknown macro '${trial_json}'"),
      std::string::npos)
      << macro.output;
  const CommandResult key =
      RunHpo("sweep " +
             Config("bad_key",
                    "hooks:\n  on_trial_finish: [echo]\nparameters:\n  x: {min: 0.0, max: 1.0}\n"));
  EXPECT_EQ(key.exit_code, 2) << key.output;
  EXPECT_NE(key.output.find("bad_key.yaml:5:3: unknown key 'hooks.on_trial_finish'"),
            std::string::npos)
      << key.output;
  const CommandResult events =
      RunHpo("sweep " + Config("bad_events", "parameters:\n  x: {min: 0.0, max: 1.0}\n") +
             " --events " + (dir_ / "no/such/dir/e.jsonl").string());
  EXPECT_EQ(events.exit_code, 2) << events.output;
  EXPECT_NE(events.output.find("--events: cannot open"), std::string::npos) << events.output;
  EXPECT_FALSE(fs::exists(dir_ / "train_dir/sweep/bad_events"))
      << "a refused sweep wrote its directory";
}

TEST_F(SweepCliTest, MethodFlagAndYamlKnowTheSameNames) {
  const std::string config =
      Config("methods", "n_trials: 2\nparameters:\n  x: {min: 0.0, max: 1.0}\n");
  for (const std::string name : {"bayesian", "gp", "cma-es"}) {
    const CommandResult flag = RunHpo("sweep " + config + " --dry-run --method " + name);
    const CommandResult yaml = RunHpo(
        "sweep " +
        Config("methods_yaml",
               "method: " + name + "\nn_trials: 2\nparameters:\n  x: {min: 0.0, max: 1.0}\n") +
        " --dry-run");
    ASSERT_EQ(flag.exit_code, 0) << flag.output;
    ASSERT_EQ(yaml.exit_code, 0) << yaml.output;
    const std::string canonical = name == "cma-es" ? "method cmaes" : "method protein";
    EXPECT_NE(flag.output.find(canonical), std::string::npos) << flag.output;
    EXPECT_NE(yaml.output.find(canonical), std::string::npos) << yaml.output;
  }
  const CommandResult bad = RunHpo("sweep " + config + " --method nonsense");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.output,
            "hpo: error: --method: unknown method 'nonsense' (known: random, grid, bayes/protein, "
            "tpe, cmaes, pbt)\n");
}

// The stub's results file has score = 100 - 100 (x - 0.3)^2 and x itself: maximising score
// while minimising x has a front of every trial with x <= 0.3 not beaten by a smaller x.
TEST_F(SweepCliTest, TwoObjectivesGiveAParetoFrontEverywhere) {
  // Scores: x 0.05 -> 93.75, 0.1 -> 96, 0.2 -> 99, 0.3 -> 100, 0.45 -> 97.75, 0.5 -> 96.
  // 0.5 is beaten by 0.1 (same score, smaller x), 0.45 by 0.2: the front is x <= 0.3.
  const fs::path events = dir_ / "events.jsonl";
  const std::string body =
      "metrics: [{name: score, goal: maximize}, {name: x, goal: minimize}]\nmethod: "
      "grid\nn_trials: 6\n"
      "parameters:\n  x: {values: [0.05, 0.1, 0.2, 0.3, 0.45, 0.5]}\n";
  const CommandResult r = RunHpo("sweep " + Config("mo", body) + " --events " + events.string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("objectives score (maximize), x (minimize)"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("Pareto front (4 trial(s)"), std::string::npos) << r.output;
  std::set<int64_t> expected_front;
  for (const store::Trial& t : Trials("mo")) {
    ASSERT_EQ(t.state, store::TrialState::kComplete) << t.error;
    ASSERT_EQ(t.more_values.size(), 1u);
    EXPECT_DOUBLE_EQ(t.more_values[0], t.params.at("x").as_double());
    if (t.params.at("x").as_double() <= 0.3) expected_front.insert(t.number);
  }
  ASSERT_EQ(expected_front.size(), 4u);

  const CommandResult best = RunHpo("best-params mo --pareto --no-patch");
  ASSERT_EQ(best.exit_code, 0) << best.output;
  const size_t front_at = best.output.find("Pareto front (4 trials");
  ASSERT_NE(front_at, std::string::npos) << best.output;
  const std::string front_lines =
      best.output.substr(front_at, best.output.find("\n\n", front_at) - front_at);
  for (const store::Trial& t : Trials("mo")) {
    const bool listed =
        front_lines.find(fmt::format("mo.r.{}  score", t.number)) != std::string::npos;
    EXPECT_EQ(listed, expected_front.count(t.number) > 0) << t.number << "\n" << front_lines;
  }
  // The best run is the front's best score: x = 0.3.
  EXPECT_NE(best.output.find("(score 100, x 0.3)"), std::string::npos) << best.output;

  EXPECT_NE(RunHpo("status mo").output.find("Pareto front: 4 trial(s)"), std::string::npos);
  const std::string report = ReadFile(dir_ / "train_dir/sweep/mo/analysis/report.html");
  EXPECT_NE(report.find("<h2>Pareto front</h2>"), std::string::npos);
  EXPECT_NE(report.find("4 trial(s) on the Pareto front of score (maximize), x (minimize)"),
            std::string::npos);
  const CommandResult csv = RunHpo("export mo --format csv --out " + (dir_ / "mo.csv").string());
  ASSERT_EQ(csv.exit_code, 0) << csv.output;
  EXPECT_EQ(ReadFile(dir_ / "mo.csv").rfind("number,state,value,values.x,cost_seconds", 0), 0u);
  int finished_lines = 0;
  for (const YAML::Node& line : JsonLines(events)) {
    if (line["event"].as<std::string>() != "finished") continue;
    ++finished_lines;
    EXPECT_EQ(line["more_values"][0].as<double>(), line["params"]["x"].as<double>());
  }
  EXPECT_EQ(finished_lines, 6);
}

TEST_F(SweepCliTest, TpeSearchesTwoObjectivesAndStaysOnTheFront) {
  // 4 random trials, then 8 from the multi-objective TPE; every trial has both values, and
  // best-params lists exactly the trials no other trial beats on both.
  const std::string body =
      "metrics: [{name: score, goal: maximize}, {name: x, goal: minimize}]\nmethod: tpe\n"
      "n_startup_trials: 4\nn_trials: 12\nseed: 3\nparameters:\n  x: {min: 0.0, max: 1.0}\n";
  const std::vector<store::Trial> trials = SweepToTheEnd("mo_tpe", body);
  ASSERT_EQ(trials.size(), 12u);
  const auto dominates = [](const store::Trial& a, const store::Trial& b) {
    return *a.value >= *b.value && a.more_values[0] <= b.more_values[0] &&
           (*a.value > *b.value || a.more_values[0] < b.more_values[0]);
  };
  const CommandResult best = RunHpo("best-params mo_tpe --pareto --no-patch");
  ASSERT_EQ(best.exit_code, 0) << best.output;
  int on_front = 0;
  for (const store::Trial& t : trials) {
    ASSERT_EQ(t.state, store::TrialState::kComplete) << t.error;
    ASSERT_EQ(t.more_values.size(), 1u);
    const bool dominated = std::any_of(trials.begin(), trials.end(),
                                       [&](const store::Trial& o) { return dominates(o, t); });
    on_front += !dominated;
    EXPECT_EQ(best.output.find(fmt::format("mo_tpe.r.{}  score", t.number)) != std::string::npos,
              !dominated)
        << t.number << best.output;
  }
  EXPECT_NE(best.output.find(fmt::format("Pareto front ({} trials", on_front)), std::string::npos)
      << best.output;
}

TEST_F(SweepCliTest, AMultiObjectiveStudyRefusesPruningAndFailsATrialWithoutEveryValue) {
  const std::string objectives =
      "metrics: [{name: score, goal: maximize}, {name: seconds, goal: minimize}]\n";
  const std::string space = "method: grid\nn_trials: 1\nparameters:\n  x: {values: [0.3]}\n";
  const CommandResult pruned =
      RunHpo("sweep " + Config("mo_pruned", objectives + "pruner: median\n" + space));
  EXPECT_EQ(pruned.exit_code, 2) << pruned.output;
  EXPECT_NE(pruned.output.find(
                "mo_pruned.yaml:4:10: a study with 2 objectives cannot be pruned (as in Optuna)"),
            std::string::npos)
      << pruned.output;
  EXPECT_FALSE(fs::exists(dir_ / "train_dir/sweep/mo_pruned"));
  const CommandResult cmaes =
      RunHpo("sweep " + Config("mo_cmaes", objectives + space) + " --method cmaes");
  EXPECT_EQ(cmaes.exit_code, 2) << cmaes.output;
  EXPECT_NE(cmaes.output.find("cannot be searched by cmaes"), std::string::npos) << cmaes.output;
  // The stub writes no `seconds`: the trial fails and says why, and so the sweep fails.
  EXPECT_EQ(RunHpo("sweep " + Config("mo_missing", objectives + space)).exit_code, 1);
  const std::vector<store::Trial> trials = Trials("mo_missing");
  ASSERT_EQ(trials.size(), 1u);
  EXPECT_EQ(trials[0].state, store::TrialState::kFailed);
  EXPECT_NE(trials[0].error.find("seconds"), std::string::npos) << trials[0].error;
}

// Profiles (issue 16 item 7): every preset of configs/lunar.yaml resolves to its own study;
// fine-tune needs a patch, and with one its ranges shrink around the patch's values.
TEST_F(SweepCliTest, EveryProfileOfTheDefaultSweepResolvesAndFineTuneNeedsAPatch) {
  const std::string lunar = std::string(HPO_SOURCE_DIR) + "/configs/lunar.yaml";
  for (const std::string preset : {"quick", "conservative", "aggressive"}) {
    const CommandResult r =
        RunHpo("sweep " + lunar + " --preset " + preset + " --dry-run --trials 2");
    EXPECT_EQ(r.exit_code, 0) << preset << ": " << r.output;
    EXPECT_NE(r.output.find("sweep lunar_" + preset + " ("), std::string::npos) << r.output;
  }
  const CommandResult bare = RunHpo("sweep " + lunar + " --preset fine-tune --dry-run");
  EXPECT_EQ(bare.exit_code, 2) << bare.output;
  EXPECT_NE(bare.output.find("lunar.yaml:"), std::string::npos) << bare.output;
  EXPECT_NE(bare.output.find("narrow: 0.25 shrinks each range around a patch's values; give the "
                             "patch with --from-patch FILE"),
            std::string::npos)
      << bare.output;
  // A patch as hpo best-params writes it for hpo train (a trainer: block, the fixed values marked).
  const fs::path patch = dir_ / "lunar_best.yaml";
  std::ofstream(patch)
      << "# @package _global_\ntrainer:\n  learning_rate: 6.0e-4\n  n_epochs: 9\n  gae_lambda: "
         "0.94\n"
         "  n_steps: 512\n  total_timesteps: 600000  # fixed in the sweep\n  vf_coef: 0.6\n";
  const CommandResult fine = RunHpo("sweep " + lunar + " --preset fine-tune --from-patch " +
                                    patch.string() + " --dry-run");
  ASSERT_EQ(fine.exit_code, 0) << fine.output;
  EXPECT_NE(fine.output.find("sweep lunar_fine_tune ("), std::string::npos) << fine.output;
  // gae_lambda uniform [0.9, 0.99]: a quarter of the width (0.0225) around 0.94.
  EXPECT_NE(fine.output.find("gae_lambda               uniform [0.92875, 0.95125] mean 0.94"),
            std::string::npos)
      << fine.output;
  EXPECT_NE(fine.output.find("n_epochs                 int_uniform [8, 10] mean 9"),
            std::string::npos)
      << fine.output;
  EXPECT_NE(fine.output.find("vf_coef=0.6"), std::string::npos)
      << "the patch's other values are fixed\n"
      << fine.output;
  EXPECT_NE(fine.output.find("#0   [prior] "), std::string::npos) << fine.output;
}

// --from-patch on any sweep: the patch's values are the first trial, and with narrow: every
// trial stays inside the ranges shrunk around them; a value outside the space is refused at its
// line.
TEST_F(SweepCliTest, FromPatchStartsAtThePatchAndNarrowKeepsTrialsAroundIt) {
  const std::string space =
      "method: random\nn_trials: 8\nparameters:\n  x: {min: 0.0, max: 1.0}\n"
      "  lr: {distribution: loguniform, min: 1.0e-5, max: 1.0e-1}\n  c: {values: [a, b, c]}\n";
  const fs::path patch = dir_ / "best.yaml";
  std::ofstream(patch) << "x: 0.3\nlr: 1.0e-3\nc: b\nextra: 7\n";
  const std::vector<store::Trial> none = SweepToTheEnd("wide", space);  // the control: no patch
  const CommandResult r = RunHpo("sweep " + Config("narrowed", "narrow: 0.2\n" + space) +
                                 " --from-patch " + patch.string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::vector<store::Trial> trials = Trials("narrowed");
  ASSERT_EQ(trials.size(), 8u);
  EXPECT_EQ(trials[0].params.at("x").as_double(), 0.3);
  EXPECT_EQ(trials[0].params.at("lr").as_double(), 1e-3);
  EXPECT_EQ(trials[0].params.at("c").as_string(), "b");
  bool wide_left = false;
  for (const store::Trial& t : none)
    wide_left |= std::abs(t.params.at("x").as_double() - 0.3) > 0.1;
  EXPECT_TRUE(wide_left)
      << "the control sweep never left [0.2, 0.4]: the check below proves nothing";
  for (const store::Trial& t : trials) {
    ASSERT_EQ(t.state, store::TrialState::kComplete) << t.error;
    EXPECT_GE(t.params.at("x").as_double(), 0.2 - 1e-12);  // 0.2 of [0, 1] around 0.3
    EXPECT_LE(t.params.at("x").as_double(), 0.4 + 1e-12);
    // lr: 0.2 of 4 decades = 0.8 decade around 1e-3: [10^-3.4, 10^-2.6]
    EXPECT_GE(t.params.at("lr").as_double(), std::pow(10.0, -3.4) * (1 - 1e-9));
    EXPECT_LE(t.params.at("lr").as_double(), std::pow(10.0, -2.6) * (1 + 1e-9));
    EXPECT_EQ(t.params.count("extra"),
              0u);  // a fixed value, passed to the program, not a parameter
  }
  const std::string stored = ReadFile(dir_ / "train_dir/sweep/narrowed/config.yaml");
  EXPECT_NE(stored.find("extra: 7"), std::string::npos) << stored;
  EXPECT_EQ(stored.find("narrow:"), std::string::npos)
      << "the stored config holds the narrowed ranges, not the instruction";

  std::ofstream(dir_ / "patch_outside.yaml") << "x: 0.3\nlr: 0.5\n";
  const CommandResult outside = RunHpo("sweep " + Config("outside", space) + " --from-patch " +
                                       (dir_ / "patch_outside.yaml").string());
  EXPECT_EQ(outside.exit_code, 2) << outside.output;
  EXPECT_NE(outside.output.find("patch_outside.yaml:2:5: lr=0.5 is outside the sweep's range"),
            std::string::npos)
      << outside.output;
  EXPECT_FALSE(fs::exists(dir_ / "train_dir/sweep/outside"));
}

// hpo sweep on a terminal (issue 17): trial lines scroll above one redrawn status line, and
// intermediate values update that line instead of adding lines. Off a terminal, or with
// --no-progress: plain lines, the status after each finished trial.
TEST_F(SweepCliTest, OnATerminalTrialLinesScrollAboveOneRedrawnStatusLine) {
  const std::string body =
      "method: grid\nn_trials: 3\nparameters:\n  x: {values: [0.1, 0.3, 0.5]}\n";
  const CommandResult screen = RunHpoOnTerminal("sweep " + Config("live", body));
  if (screen.exit_code == 127 && screen.output.empty())
    GTEST_SKIP() << "script(1) is missing: no pseudo-terminal";
  ASSERT_EQ(screen.exit_code, 0) << screen.output;
  EXPECT_NE(screen.output.find("\r\033[Ktrial 0 started: x=0.1"), std::string::npos)
      << screen.output;
  EXPECT_NE(
      screen.output.find("\r\033[K[3/3 done, 0 running, 0 pruned, 0 failed | best 100 (trial 1)"),
      std::string::npos)
      << screen.output;
  // The stub reports 5 intermediate values a trial: on the status line, never a line of their own.
  EXPECT_NE(screen.output.find("] trial 1 step 5000 score 100"), std::string::npos)
      << screen.output;
  EXPECT_EQ(screen.output.find("\ntrial 1 step"), std::string::npos) << screen.output;
  EXPECT_EQ(screen.output.find("\n  [1/3 done"), std::string::npos)
      << "a plain status line on a terminal\n"
      << screen.output;

  for (const std::string& how : {std::string("plain"), std::string("no_progress")}) {
    const std::string config = Config("plain_" + how, body);
    const CommandResult r = how == "plain" ? RunHpo("sweep " + config)
                                           : RunHpoOnTerminal("sweep " + config + " --no-progress");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(r.output.find("\033[K"), std::string::npos) << how << "\n" << r.output;
    EXPECT_EQ(r.output.find("step 5000"), std::string::npos) << how << "\n" << r.output;
    EXPECT_NE(r.output.find("trial 1 finished: 100\n"), std::string::npos) << how << "\n"
                                                                           << r.output;
    EXPECT_NE(r.output.find(
                  "\n  [3/3 done, 0 running, 0 pruned, 0 failed | best 100 (trial 1) | elapsed "),
              std::string::npos)
        << how << "\n"
        << r.output;
  }
}

TEST_F(SweepCliTest, AnInactiveConditionalParameterIsNeverPassedToATrial) {
  // Two conditional parameters: momentum with sgd only, beta1 with adam only (issue 36).
  const std::vector<store::Trial> trials =
      SweepToTheEnd("conditional",
                    "method: tpe\nn_trials: 20\nsampler: {n_startup_trials: 5}\nparameters:\n"
                    "  optimizer: {values: [adam, sgd]}\n"
                    "  momentum: {min: 0.5, max: 0.99, when: {optimizer: sgd}}\n"
                    "  beta1: {min: 0.8, max: 0.95, when: {optimizer: adam}}\n"
                    "  x: {min: 0.0, max: 1.0}\n");
  ASSERT_EQ(trials.size(), 20u);
  std::map<std::string, int> seen;
  for (const store::Trial& t : trials) {
    ASSERT_EQ(t.state, store::TrialState::kComplete) << t.number;
    const std::string optimizer = t.params.at("optimizer").as_string();
    ++seen[optimizer];
    EXPECT_EQ(t.params.size(), 3u) << t.number;  // optimizer, x and the one that is active
    std::ifstream in(fs::path(t.run_dir) / "argv.txt");
    const std::string argv((std::istreambuf_iterator<char>(in)), {});
    EXPECT_EQ(argv.find("--momentum=") != std::string::npos, optimizer == "sgd") << argv;
    EXPECT_EQ(argv.find("--beta1=") != std::string::npos, optimizer == "adam") << argv;
  }
  EXPECT_EQ(seen.size(), 2u);
  const CommandResult best = RunHpo("best-params conditional --no-patch --top-n 3");
  EXPECT_EQ(best.exit_code, 0) << best.output;
  const CommandResult report = RunHpo("report conditional");
  EXPECT_EQ(report.exit_code, 0) << report.output;
  const CommandResult importance = RunHpo("importance conditional");
  EXPECT_EQ(importance.exit_code, 0) << importance.output;
  EXPECT_EQ(importance.output.find("momentum"), std::string::npos) << importance.output;
}

}  // namespace
}  // namespace hpo::e2e
