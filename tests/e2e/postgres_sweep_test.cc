// Multi-machine sweeps on PostgreSQL, simulated on one machine: several `hpo sweep` workers
// share one study on a real throwaway server (tests/support/postgres_server.h) with the stub
// trial program; one worker killed with -9 mid-trial; status, best-params, report and export
// read the study from the database.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "lib/core/error.h"
#include "lib/core/value.h"
#include "lib/store/store.h"
#include "tests/e2e/pbt_checks.h"
#include "tests/e2e/run_hpo.h"
#include "tests/support/postgres_server.h"

namespace hpo::e2e {
namespace {

namespace fs = std::filesystem;
using testing_support::PostgresServer;

// How best-params prints a score: for people, 4 significant digits.
std::string ScoreText(double value) { return "(score: " + ReadableNumber(value) + ")"; }

class PostgresSweepTest : public testing::Test {
 protected:
  void SetUp() override {
    if (!PostgresServer::Shared().ok())
      GTEST_SKIP() << "PostgreSQL tests skipped: " << PostgresServer::Shared().skip_reason();
    std::string name = testing::UnitTest::GetInstance()->current_test_info()->name();
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    url_ = PostgresServer::Shared().FreshDatabase(name);
    dir_ = fs::path(testing::TempDir()) / ("pg_e2e_" + name);
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    setenv("HPO_TRAIN_DIR", (dir_ / "train_dir").c_str(), 1);
  }

  std::string Config(const std::string& body) const {
    const fs::path path = dir_ / "shared.yaml";
    std::ofstream(path) << "name: shared\nmetric: score\nmethod: random\nn_trials: 40\n"
                        << "command: [" << HPO_STUB_TRIAL
                        << ", \"--marker=" << dir_.filename().string() << "\", \"${args}\"]\n"
                        << "parameters:\n  x: {distribution: uniform, min: 0, max: 1}\n"
                        << body;
    return path.string();
  }

  std::vector<store::Trial> Trials() const {
    auto store = store::OpenStore(url_);
    return store->LoadTrials(store->OpenStudy("shared", "", "", false).id);
  }

  // Starts `workers` controllers, each with its own train_dir (as on separate machines).
  std::vector<pid_t> StartWorkers(const std::string& config, int workers) const {
    std::vector<pid_t> pids;
    for (int w = 0; w < workers; ++w) {
      const fs::path machine = dir_ / ("machine" + std::to_string(w));
      fs::create_directories(machine);
      setenv("HPO_TRAIN_DIR", (machine / "train_dir").c_str(), 1);
      pids.push_back(SpawnHpo({"sweep", config, "--storage", url_, "--jobs", "1"},
                              (machine / "worker.log").string()));
    }
    setenv("HPO_TRAIN_DIR", (dir_ / "train_dir").c_str(), 1);
    return pids;
  }

  static int Wait(pid_t pid) {
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  std::string Log(int worker) const {
    std::ifstream in(dir_ / ("machine" + std::to_string(worker)) / "worker.log");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  std::string url_;
  fs::path dir_;
};

TEST_F(PostgresSweepTest, FourWorkersFinishExactlyFortyTrialsWithDistinctNumbers) {
  const std::string config = Config("");
  for (pid_t pid : StartWorkers(config, 4)) EXPECT_EQ(Wait(pid), 0);
  const std::vector<store::Trial> trials = Trials();
  ASSERT_EQ(trials.size(), 40u) << Log(0);
  std::set<int64_t> numbers;
  std::set<std::string> workers;
  double best = -1e300;
  for (const store::Trial& t : trials) {
    numbers.insert(t.number);
    workers.insert(t.worker);
    EXPECT_EQ(t.state, store::TrialState::kComplete) << t.number << " " << t.error;
    if (t.value) best = std::max(best, *t.value);
  }
  EXPECT_EQ(numbers.size(), 40u);
  EXPECT_GE(workers.size(), 2u);

  // Read back from the database alone (no local run directories on this "machine").
  const CommandResult status = RunHpo("status shared --storage " + url_);
  EXPECT_EQ(status.exit_code, 0) << status.output;
  EXPECT_EQ(status.output.find(PostgresServer::kPassword), std::string::npos) << status.output;
  const CommandResult best_params = RunHpo("best-params shared --no-patch --storage " + url_);
  ASSERT_EQ(best_params.exit_code, 0) << best_params.output;
  EXPECT_NE(best_params.output.find(ScoreText(best)), std::string::npos) << best_params.output;
  EXPECT_EQ(RunHpo("export shared --format csv --out - --storage " + url_).exit_code, 0);
  const CommandResult report =
      RunHpo("report shared --storage " + url_ + " --out " + (dir_ / "r.html").string());
  EXPECT_EQ(report.exit_code, 0) << report.output;
  for (int w = 0; w < 4; ++w)
    EXPECT_EQ(Log(w).find(PostgresServer::kPassword), std::string::npos) << Log(w);
}

// Issue 39: two controllers share one PBT population of 8 through the study (on one machine's
// file system, as on a shared one: a member copies checkpoints the other controller's trials
// wrote). Every member trains to its end, each member's trials never overlap in time (no member
// runs in two places), and both controllers ran members.
TEST_F(PostgresSweepTest, TwoControllersRunOnePbtPopulationOfEightToTheEnd) {
  const fs::path path = dir_ / "pbt.yaml";
  std::ofstream(path) << "name: shared\nmetric: score\nmethod: pbt\n"
                      << "pbt: {population_size: 8, perturbation_interval: 2000}\n"
                      << "command: [" << HPO_STUB_TRIAL << ", \"${args}\"]\n"
                      << "fixed: {steps: 10, step_seconds: 0.03}\n"
                      << "parameters:\n  x: {distribution: uniform, min: 0, max: 1}\n";
  std::vector<pid_t> pids;
  pids.reserve(2);
  for (int w = 0; w < 2; ++w) {
    pids.push_back(SpawnHpo({"sweep", path.string(), "--storage", url_, "--jobs", "2"},
                            (dir_ / ("worker" + std::to_string(w) + ".log")).string()));
  }
  for (pid_t pid : pids) EXPECT_EQ(Wait(pid), 0);
  auto store = store::OpenStore(url_);
  const int64_t study = store->OpenStudy("shared", "", "", false).id;
  const std::map<int, store::PbtRecord> records = store->LoadPbtMembers(study);
  ASSERT_EQ(records.size(), 8u);
  for (const auto& [member, record] : records) {
    EXPECT_NE(record.text.find("phase: finished"), std::string::npos) << record.text;
    EXPECT_NE(record.text.find("outcome: complete"), std::string::npos) << record.text;
    EXPECT_NE(record.text.find("last_step: 10000"), std::string::npos) << record.text;
  }
  EXPECT_EQ(ExpectMembersRanOneAtATime(store->LoadTrials(study)).size(), 2u);
}

TEST_F(PostgresSweepTest, AKilledWorkersTrialIsFailedAndRequeuedByTheOthers) {
  // 1.2 s trials; a worker silent for 3 s counts as gone.
  const std::string config = Config("fixed: {steps: 4, step_seconds: 0.3}\nheartbeat_timeout: 3\n");
  std::vector<pid_t> pids = StartWorkers(config, 4);
  // Kill worker 0 while it runs a trial (after a few trials have finished).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  bool killed = false;
  while (!killed && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::vector<store::Trial> trials;
    try {
      trials = Trials();
    } catch (const UserError&) {
      continue;  // the workers have not created the study yet
    }
    int complete = 0;
    for (const store::Trial& t : trials) complete += t.state == store::TrialState::kComplete;
    for (const store::Trial& t : trials) {
      if (complete >= 4 && t.state == store::TrialState::kRunning &&
          t.worker.ends_with(":" + std::to_string(pids[0]))) {
        kill(pids[0], SIGKILL);
        killed = true;
        break;
      }
    }
  }
  ASSERT_TRUE(killed) << "worker 0 never ran a trial";
  Wait(pids[0]);
  for (size_t w = 1; w < pids.size(); ++w) EXPECT_EQ(Wait(pids[w]), 0) << Log(static_cast<int>(w));

  const std::vector<store::Trial> trials = Trials();
  int complete = 0, requeued = 0, running = 0;
  for (const store::Trial& t : trials) {
    complete += t.state == store::TrialState::kComplete;
    running += t.state == store::TrialState::kRunning || t.state == store::TrialState::kWaiting;
    if (t.state == store::TrialState::kFailed && t.retried) {
      ++requeued;
      EXPECT_NE(t.error.find("heartbeat stale"), std::string::npos) << t.error;
    }
  }
  EXPECT_EQ(complete, 40);
  EXPECT_EQ(requeued, 1);
  EXPECT_EQ(running, 0);
  bool recovered_by_other = false;
  for (int w = 1; w < 4; ++w)
    recovered_by_other |= Log(w).find("lost its controller") != std::string::npos;
  EXPECT_TRUE(recovered_by_other);
}

TEST_F(PostgresSweepTest, BadStorageIsExitCode2OnOneLineWithoutThePassword) {
  const std::string config = Config("");
  const std::string secret = PostgresServer::kPassword;
  const PostgresServer& server = PostgresServer::Shared();
  for (const std::string& url : {"postgresql://hpo:" + secret + "@127.0.0.1:1/db",  // unreachable
                                 server.Url("postgres", "wrong-" + secret),     // wrong password
                                 server.Url("no_such_database"),                // missing database
                                 "postgresql://hpo:" + secret + "@[::1/db"}) {  // malformed
    for (const std::string& command : {"sweep " + config + " --storage '" + url + "'",
                                       "status shared --storage '" + url + "'"}) {
      const CommandResult r = RunHpo(command);
      EXPECT_EQ(r.exit_code, 2) << r.output;
      EXPECT_EQ(LineCount(r.output), 1) << r.output;
      EXPECT_EQ(r.output.find(secret), std::string::npos) << r.output;
    }
  }
}

}  // namespace
}  // namespace hpo::e2e
