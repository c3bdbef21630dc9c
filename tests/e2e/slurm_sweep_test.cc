// Sweeps on a Slurm cluster: `hpo launch slurm` submits workers of the stub trial program to a
// real one-node Slurm (tests/support/slurm_cluster.h), sharing a study on a throwaway PostgreSQL
// server (tests/support/postgres_server.h). A cancelled worker's trial is failed and re-queued;
// `hpo launch cancel` stops them all. Bad input is exit code 2 on one line, with or without Slurm.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <thread>

#include "lib/core/error.h"
#include "lib/store/store.h"
#include "tests/e2e/pbt_checks.h"
#include "tests/e2e/run_hpo.h"
#include "tests/support/postgres_server.h"
#include "tests/support/slurm_cluster.h"

namespace hpo::e2e {
namespace {

namespace fs = std::filesystem;
using testing_support::PostgresServer;
using testing_support::SlurmCluster;

class SlurmSweepTest : public testing::Test {
 protected:
  void SetUp() override {
    std::string name = testing::UnitTest::GetInstance()->current_test_info()->name();
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    dir_ = fs::path(testing::TempDir()) / ("slurm_e2e_" + name);
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    setenv("HPO_TRAIN_DIR", (dir_ / "train_dir").c_str(), 1);
  }

  // Both servers, or a visible skip.
  bool StartServers() {
    if (!PostgresServer::Shared().ok()) {
      skip_ = "PostgreSQL: " + PostgresServer::Shared().skip_reason();
      return false;
    }
    if (!SlurmCluster::Shared().ok()) {
      skip_ = "Slurm: " + SlurmCluster::Shared().skip_reason();
      return false;
    }
    url_ = PostgresServer::Shared().FreshDatabase(fs::path(dir_).filename().string());
    return true;
  }

  std::string Config(const std::string& body) const {
    const fs::path path = dir_ / "shared.yaml";
    std::ofstream(path) << "name: shared\nmetric: score\nmethod: random\nn_trials: 30\n"
                        << "command: [" << HPO_STUB_TRIAL << ", \"${args}\"]\n"
                        << "parameters:\n  x: {distribution: uniform, min: 0, max: 1}\n"
                        << body;
    return path.string();
  }

  CommandResult Launch(const std::string& config, const std::string& args) const {
    return RunHpo("launch slurm " + config + " --storage '" + url_ + "' " + args);
  }

  // Launches workers of a sweep file with `body` and returns the job id ("" after a failure,
  // reported).
  std::string LaunchJob(const std::string& body, const std::string& args) const {
    return LaunchFile(Config(body), args);
  }

  std::string LaunchFile(const std::string& config, const std::string& args) const {
    const CommandResult launch = Launch(config, args);
    EXPECT_EQ(launch.exit_code, 0) << launch.output;
    EXPECT_EQ(launch.output.find(PostgresServer::kPassword), std::string::npos) << launch.output;
    std::smatch m;
    const bool found =
        std::regex_search(launch.output, m, std::regex("submitted Slurm job ([0-9]+)"));
    EXPECT_TRUE(found) << launch.output;
    return found ? m[1].str() : "";
  }

  std::vector<store::Trial> Trials() const {
    auto store = store::OpenStore(url_);
    return store->LoadTrials(store->OpenStudy("shared", "", "", false).id);
  }

  // Every file under the launch directory (the script and the workers' logs), concatenated.
  std::string LaunchFiles() const {
    std::string all;
    for (const auto& f : fs::recursive_directory_iterator(dir_ / "train_dir/sweep/shared/launch")) {
      if (f.is_regular_file()) all += ReadFile(f.path());
    }
    return all;
  }

  std::string url_, skip_;
  fs::path dir_;
};

#define SKIP_WITHOUT_SERVERS() \
  if (!StartServers()) GTEST_SKIP() << "Slurm tests skipped: " << skip_

TEST_F(SlurmSweepTest, ThreeWorkersFinishExactlyThirtyTrialsWithDistinctNumbers) {
  SKIP_WITHOUT_SERVERS();
  const std::string job = LaunchJob("fixed: {steps: 3, step_seconds: 0.05}\n",
                                    "--workers 3 --run-root " + (dir_ / "runs").string());
  ASSERT_FALSE(job.empty());
  ASSERT_TRUE(SlurmCluster::Shared().WaitForJobEnd(job, std::chrono::seconds(180)))
      << SlurmCluster::Shared().Logs();

  const std::vector<store::Trial> trials = Trials();
  std::set<int64_t> numbers;
  std::set<std::string> workers;
  for (const store::Trial& t : trials) {
    numbers.insert(t.number);
    workers.insert(t.worker);
    EXPECT_EQ(t.state, store::TrialState::kComplete) << t.number << " " << t.error;
    EXPECT_EQ(t.run_dir.rfind((dir_ / "runs").string(), 0), 0u) << t.run_dir;  // --run-root
  }
  EXPECT_EQ(trials.size(), 30u) << LaunchFiles();
  EXPECT_EQ(numbers.size(), 30u);
  EXPECT_GT(workers.size(), 1u);

  // The job is recorded in the study; status shows each task, its state and its trials.
  auto store = store::OpenStore(url_);
  const std::vector<store::Launch> launches =
      store->LoadLaunches(store->OpenStudy("shared", "", "", false).id);
  ASSERT_EQ(launches.size(), 1u);
  EXPECT_EQ(launches[0].job_id, job);
  EXPECT_EQ(launches[0].workers, 3);
  const CommandResult status = RunHpo("status shared --storage '" + url_ + "'");
  ASSERT_EQ(status.exit_code, 0) << status.output;
  int finished = 0;
  for (int task = 0; task < 3; ++task) {
    std::smatch m;
    const std::regex row(job + "_" + std::to_string(task) + " +[^ ]+ +COMPLETED +([0-9]+) +0\n");
    ASSERT_TRUE(std::regex_search(status.output, m, row)) << status.output;
    finished += std::stoi(m[1].str());
  }
  EXPECT_EQ(finished, 30) << status.output;
  // No password in the script, the workers' logs or what status prints.
  const std::string files = LaunchFiles();
  EXPECT_NE(files.find("exec "), std::string::npos);
  EXPECT_EQ(files.find(PostgresServer::kPassword), std::string::npos) << files;
  EXPECT_EQ(status.output.find(PostgresServer::kPassword), std::string::npos);
}

// Population-based training on Slurm: three workers (each an `hpo sweep` controller, 2 trials
// at a time) share one population of 6 in the study. Every member trains its whole budget, none
// runs in two places at once, and every exploit copied a checkpoint that is there. x spans
// [0, 2] so that the worst members grow several times slower than the best (the stub's skill
// gains 1 - (x - 0.3)^2 per 1000 steps): they are judged in the bottom quantile even against
// scores another worker reported an interval earlier.
TEST_F(SlurmSweepTest, ThreeWorkersShareOnePbtPopulationToTheEnd) {
  SKIP_WITHOUT_SERVERS();
  const fs::path path = dir_ / "shared.yaml";
  std::ofstream(path) << "name: shared\nmetric: score\nmethod: pbt\n"
                      << "pbt: {population_size: 6, perturbation_interval: 2000}\n"
                      << "command: [" << HPO_STUB_TRIAL << ", \"${args}\"]\n"
                      << "fixed: {steps: 10, step_seconds: 0.05}\n"
                      << "parameters:\n  x: {distribution: uniform, min: 0, max: 2}\n";
  const std::string job = LaunchFile(
      path.string(), "--workers 3 --jobs-per-worker 2 --run-root " + (dir_ / "runs").string());
  ASSERT_FALSE(job.empty());
  ASSERT_TRUE(SlurmCluster::Shared().WaitForJobEnd(job, std::chrono::seconds(240)))
      << SlurmCluster::Shared().Logs();

  auto store = store::OpenStore(url_);
  const int64_t study = store->OpenStudy("shared", "", "", false).id;
  const std::map<int, store::PbtRecord> records = store->LoadPbtMembers(study);
  ASSERT_EQ(records.size(), 6u) << LaunchFiles();
  int exploits = 0;
  for (const auto& [member, record] : records) {
    const YAML::Node m = YAML::Load(record.text);
    EXPECT_EQ(m["phase"].as<std::string>(), "finished") << record.text;
    EXPECT_EQ(m["outcome"].as<std::string>(), "complete") << record.text;
    EXPECT_EQ(m["last_step"].as<int64_t>(), 10000) << record.text;
    for (const YAML::Node& entry : m["lineage"]) {
      if (entry["skipped"].as<bool>()) continue;
      ++exploits;
      EXPECT_TRUE(fs::exists(entry["checkpoint"].as<std::string>())) << record.text;
    }
  }
  const std::vector<store::Trial> trials = store->LoadTrials(study);
  for (const store::Trial& t : trials)
    EXPECT_EQ(t.run_dir.rfind((dir_ / "runs").string(), 0), 0u) << t.run_dir;  // --run-root
  EXPECT_GT(ExpectMembersRanOneAtATime(trials).size(), 1u);
  EXPECT_GE(exploits, 1);
}

TEST_F(SlurmSweepTest, AWorkerCancelledMidTrialHasItsTrialFailedAndRequeuedAndTheStudyCompletes) {
  SKIP_WITHOUT_SERVERS();
  const std::string job =
      LaunchJob("fixed: {steps: 4, step_seconds: 0.3}\n", "--workers 3");  // 1.2 s trials
  ASSERT_FALSE(job.empty());

  // Once a few trials have finished, cancel the Slurm task of a worker that runs one.
  std::string cancelled_task;
  int64_t cancelled_trial = -1;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (cancelled_task.empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    try {
      auto store = store::OpenStore(url_);
      const int64_t study = store->OpenStudy("shared", "", "", false).id;
      const std::vector<store::Trial> trials = store->LoadTrials(study);
      if (store::CountStates(trials).complete < 3) continue;
      for (const store::Worker& w : store->LoadWorkers(study)) {
        for (const store::Trial& t : trials) {
          if (cancelled_task.empty() && t.worker == w.worker &&
              t.state == store::TrialState::kRunning) {
            cancelled_task = w.slurm_task;
            cancelled_trial = t.number;
          }
        }
      }
    } catch (const UserError&) {
      continue;  // the workers have not created the study yet
    }
  }
  ASSERT_FALSE(cancelled_task.empty()) << "no worker ran a trial\n"
                                       << SlurmCluster::Shared().Logs();
  ASSERT_EQ(RunShell("scancel " + cancelled_task).exit_code, 0);
  ASSERT_TRUE(SlurmCluster::Shared().WaitForJobEnd(job, std::chrono::seconds(180)))
      << SlurmCluster::Shared().Logs();

  int complete = 0, unfinished = 0;
  const std::vector<store::Trial> trials = Trials();
  for (const store::Trial& t : trials) {
    complete += t.state == store::TrialState::kComplete;
    unfinished += t.state == store::TrialState::kRunning || t.state == store::TrialState::kWaiting;
    if (t.number == cancelled_trial) {
      EXPECT_EQ(t.state, store::TrialState::kFailed);
      EXPECT_TRUE(t.retried) << t.error;
      EXPECT_NE(t.error.find("SIGTERM"), std::string::npos)
          << t.error;  // stopped by it, or killed by it
    }
    if (t.retry_of == cancelled_trial) {
      EXPECT_EQ(t.state, store::TrialState::kComplete) << t.error;
    }
  }
  EXPECT_EQ(complete, 30) << LaunchFiles();
  EXPECT_EQ(unfinished, 0);
  const CommandResult status = RunHpo("status shared --storage '" + url_ + "'");
  EXPECT_NE(status.output.find(cancelled_task + " "), std::string::npos) << status.output;
  EXPECT_TRUE(std::regex_search(status.output, std::regex(cancelled_task + " +[^ ]+ +CANCELLED")))
      << status.output;
}

TEST_F(SlurmSweepTest, LaunchCancelStopsEveryWorkerAndLeavesTheirTrialsRequeued) {
  SKIP_WITHOUT_SERVERS();
  const std::string job =
      LaunchJob("fixed: {steps: 20, step_seconds: 0.5}\n", "--workers 2");  // 10 s trials
  ASSERT_FALSE(job.empty());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  int running = 0;
  while (running < 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    try {
      running = store::CountStates(Trials()).running;
    } catch (const UserError&) {
    }
  }
  ASSERT_EQ(running, 2) << SlurmCluster::Shared().Logs();

  const CommandResult cancel = RunHpo("launch cancel shared --storage '" + url_ + "'");
  ASSERT_EQ(cancel.exit_code, 0) << cancel.output;
  EXPECT_NE(cancel.output.find("cancelled Slurm job(s) " + job), std::string::npos)
      << cancel.output;
  ASSERT_TRUE(SlurmCluster::Shared().WaitForJobEnd(job, std::chrono::seconds(60)))
      << SlurmCluster::Shared().Logs();
  const store::StateCounts counts = store::CountStates(Trials());
  EXPECT_EQ(counts.running, 0);
  EXPECT_EQ(counts.requeued, 2);
  EXPECT_EQ(counts.waiting, 2);  // a later launch (or any worker) runs them

  const CommandResult again = RunHpo("launch cancel shared --storage '" + url_ + "'");
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find("no Slurm job of it is pending or running"), std::string::npos)
      << again.output;
}

TEST_F(SlurmSweepTest, AJobSbatchRefusesIsExitCode2WithItsMessageAndLeavesNoScript) {
  SKIP_WITHOUT_SERVERS();
  for (const std::string& args :
       {std::string("--partition no_such_partition"), std::string("--time 1:2:3:4:5")}) {
    const CommandResult r = Launch(Config(""), "--workers 2 " + args);
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_EQ(LineCount(r.output), 1) << r.output;
    EXPECT_NE(r.output.find("hpo: error: sbatch refused the job: "), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("\\n"), std::string::npos)
        << r.output;  // its lines joined, not escaped
  }
  EXPECT_FALSE(fs::exists(dir_ / "train_dir/sweep/shared/launch"));
}

// Without Slurm or a database: what is checked before anything is submitted or written.
TEST_F(SlurmSweepTest, BadInputIsExitCode2OnOneLineWithNothingWritten) {
  const std::string config = Config("");
  const std::string secret = PostgresServer::kPassword;
  const std::string unreachable = "'postgresql://hpo:" + secret + "@127.0.0.1:1/db'";
  std::vector<std::pair<std::string, std::string>> cases = {
      {"launch slurm " + config + " --workers 0 --storage " + unreachable,
       "--workers: must be at least 1, got 0"},
      {"launch slurm " + config + " --workers 2 --jobs-per-worker 0 --storage " + unreachable,
       "--jobs-per-worker"},
      {"launch slurm " + config + " --workers 2 --storage " + (dir_ / "s.db").string(),
       "give postgresql://"},
      {"launch slurm " + config + " --workers 2 --storage " + unreachable,
       "cannot connect to storage"},
      {"launch slurm " + config + " --workers 2 --partition 'a b' --storage " + unreachable,
       "--partition: cannot hold spaces"},
      {"launch slurm " + config + " --workers 2 --sbatch-arg gres --storage " + unreachable,
       "--sbatch-arg: must be one sbatch option"},
  };
  const fs::path synch = dir_ / "synch.yaml";
  std::ofstream(synch) << "name: synch\nmetric: score\nmethod: pbt\n"
                       << "pbt: {population_size: 4, perturbation_interval: 2000, synch: true}\n"
                       << "command: [" << HPO_STUB_TRIAL << ", \"${args}\"]\n"
                       << "parameters:\n  x: {distribution: uniform, min: 0, max: 1}\n";
  cases.push_back({"launch slurm " + synch.string() + " --workers 3 --storage " + unreachable,
                   "--workers: 3 workers for a synchronous PBT population"});
  for (const auto& [args, message] : cases) {
    const CommandResult r = RunHpo(args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.output;
    EXPECT_EQ(LineCount(r.output), 1) << r.output;
    EXPECT_NE(r.output.find(message), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find(secret), std::string::npos) << r.output;
  }
  // No sbatch on PATH (hpo itself is named by its full path).
  const CommandResult no_sbatch =
      RunShell("PATH=/nonexistent " + std::string(HPO_BINARY) + " launch slurm " + config +
               " --workers 2 --storage " + unreachable);
  EXPECT_EQ(no_sbatch.exit_code, 2) << no_sbatch.output;
  EXPECT_EQ(LineCount(no_sbatch.output), 1) << no_sbatch.output;
  EXPECT_NE(no_sbatch.output.find("sbatch not found on PATH"), std::string::npos)
      << no_sbatch.output;
  EXPECT_FALSE(fs::exists(dir_ / "train_dir"));
}

TEST_F(SlurmSweepTest, DryRunPrintsTheScriptWithoutThePasswordAndSubmitsNothing) {
  const std::string config = Config("");
  const CommandResult r =
      RunHpo("launch slurm " + config +
             " --workers 4 --jobs-per-worker 2 --partition cpu --time 01:00:00 " +
             "--mem 4G --sbatch-arg=--gres=gpu:1 --dry-run --storage 'postgresql://hpo:" +
             PostgresServer::kPassword + "@db.example:5432/sweeps'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* line :
       {"#SBATCH --array=0-3\n", "#SBATCH --cpus-per-task=2\n", "#SBATCH --partition=cpu\n",
        "#SBATCH --time=01:00:00\n", "#SBATCH --mem=4G\n", "#SBATCH --gres=gpu:1\n",
        " --storage 'postgresql://hpo@db.example:5432/sweeps' --name 'shared' --jobs 2 "}) {
    EXPECT_NE(r.output.find(line), std::string::npos) << line << "\n" << r.output;
  }
  EXPECT_EQ(r.output.find(PostgresServer::kPassword), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir_ / "train_dir"));
}

}  // namespace
}  // namespace hpo::e2e
