// Faults of a PostgreSQL-backed sweep (issue 37, item 4): three workers, each on a "machine" of
// its own (tests/faults/fault_sweep.h), share one study on a server this test process owns and
// stops, kills and restarts on the same port, cuts connections of, or freezes a worker of. Each
// test ends with the same checks: the workers' exit codes; exactly N COMPLETE trials with distinct
// numbers, none RUNNING or WAITING; one results file per COMPLETE trial across every train_dir.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "lib/store/store.h"
#include "tests/faults/fault_sweep.h"
#include "tests/support/postgres_server.h"
#include "tests/support/test_dir.h"

namespace hpo::faults {
namespace {

using testing_support::PostgresServer;

constexpr const char* kDatabase = "faults_sweep";
constexpr const char* kStudy = "faults";
// ~0.5 s trials: many trials in a few seconds, so that an outage falls among them.
constexpr const char* kShortTrials = "{steps: 2, step_seconds: 0.25}";

// This process's own server: these tests stop and kill it, which must not touch the server the
// other suites share. Its port, free when it was created, stays its port across restarts.
PostgresServer& FaultServer() {
  static PostgresServer server;
  return server;
}

// The local ports of `pid`'s TCP connections to `server_port` (from /proc): pg_stat_activity
// knows a backend's client by its client_port, which is how one worker's backends are told from
// the others'.
std::vector<int> ClientPortsOf(pid_t pid, int server_port) {
  std::set<std::string> sockets;
  std::error_code ec;
  for (const auto& fd : fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec)) {
    const std::string target = fs::read_symlink(fd.path(), ec).string();
    if (!ec && target.starts_with("socket:[")) sockets.insert(target.substr(8, target.size() - 9));
  }
  std::vector<int> ports;
  std::ifstream tcp("/proc/net/tcp");
  std::string line;
  std::getline(tcp, line);  // the header
  while (std::getline(tcp, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
    fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >>
        timeout >> inode;
    auto port = [](const std::string& address) {
      return std::stoi(address.substr(address.find(':') + 1), nullptr, 16);
    };
    if (sockets.count(inode) && port(remote) == server_port) ports.push_back(port(local));
  }
  return ports;
}

// Whether a line says what went wrong with the connection, in libpq's words or hpo's.
bool NamesAConnectionFault(std::string line) {
  std::transform(line.begin(), line.end(), line.begin(), ::tolower);
  for (const char* word : {"refused", "closed", "shut", "terminat", "connect", "unreachable"}) {
    if (line.find(word) != std::string::npos) return true;
  }
  return false;
}

class PostgresFaultsTest : public testing::Test {
 protected:
  void SetUp() override {
    if (!FaultServer().ok())
      GTEST_SKIP() << "PostgreSQL fault tests skipped: " << FaultServer().skip_reason();
    dir_ = testing_support::FreshTestDir("faults");
    url_ = FaultServer().FreshDatabase(kDatabase);
  }

  void TearDown() override {
    for (Worker& w : workers_) Reap(w);
    if (FaultServer().ok()) FaultServer().Start();  // after a test that failed mid-outage
  }

  std::string Config(int n_trials, const std::string& fixed, const std::string& extra) const {
    const fs::path path = dir_ / "sweep.yaml";
    std::ofstream(path) << "name: " << kStudy << "\nmetric: score\nmethod: random\n"
                        << "n_trials: " << n_trials << "\ncommand: [" << HPO_STUB_TRIAL
                        << ", \"${args}\"]\n"
                        << "parameters:\n  x: {distribution: uniform, min: 0, max: 1}\n"
                        << "fixed: " << fixed << "\n"
                        << extra;
    return path.string();
  }

  // Starts `count` workers, machine0, machine1..., each running its trials one at a time.
  void StartWorkers(const std::string& config, int count,
                    const std::vector<std::string>& more_args = {}) {
    for (int w = 0; w < count; ++w) {
      std::vector<std::string> args = {"sweep",  config, "--storage",   url_,
                                       "--jobs", "1",    "--no-report", "--no-progress"};
      args.insert(args.end(), more_args.begin(), more_args.end());
      workers_.push_back(StartWorker(dir_ / ("machine" + std::to_string(w)), args));
    }
  }

  std::vector<store::Trial> Trials() const {
    auto store = store::OpenStore(url_);
    return store->LoadTrials(store->OpenStudy(kStudy, "", "", false).id);
  }

  // The study's trials now; empty while it does not exist yet (or the server is down).
  std::vector<store::Trial> TrialsSoFar() const {
    try {
      return Trials();
    } catch (const std::exception&) {
      return {};
    }
  }

  int Complete() const {
    int complete = 0;
    for (const store::Trial& t : TrialsSoFar()) complete += t.state == store::TrialState::kComplete;
    return complete;
  }

  // Waits until `complete` trials are COMPLETE (the middle of the sweep, where a fault goes);
  // false if the workers all ended first or it took over a minute.
  bool WaitForComplete(int complete) {
    return WaitUntil(
               [&] {
                 bool all_ended = true;
                 for (Worker& w : workers_) all_ended &= Ended(w);
                 return all_ended || Complete() >= complete;
               },
               60) &&
           Complete() >= complete;
  }

  // Tests 1-3: the server goes away in the middle of a 3-worker sweep (`stop`) and comes back
  // `outage` later on the same port. Every worker waits, exits 0, says "waiting for storage" and
  // "storage is back" once each; no trial fails (a worker that waited keeps its trials).
  void ExpectWorkersRideOut(int n_trials, const std::string& extra,
                            const std::function<bool()>& stop, std::chrono::seconds outage) {
    StartWorkers(Config(n_trials, kShortTrials, extra), 3);
    ASSERT_TRUE(WaitForComplete(n_trials / 3)) << AllOutput(workers_);
    ASSERT_TRUE(stop());
    std::this_thread::sleep_for(outage);
    ASSERT_TRUE(FaultServer().Start());
    ASSERT_TRUE(WaitForAll(workers_, 90)) << AllOutput(workers_);
    for (const Worker& w : workers_) {
      EXPECT_EQ(w.exit_code, 0) << w.Describe();
      ExpectNoInternalErrorNorPassword(w, PostgresServer::kPassword);
      ExpectOneWaitForStorage(w);
    }
    const Outcome outcome = ExpectWholeSweep(Trials(), n_trials, workers_);
    EXPECT_EQ(outcome.failed, 0) << "a worker that waited through the outage keeps its trials";
  }

  fs::path dir_;
  std::string url_;
  std::vector<Worker> workers_;
};

// Issue 37's first scenario and acceptance: `pg_ctl stop -m fast`, 10 s down, started again.
TEST_F(PostgresFaultsTest, ServerStoppedForTenSecondsEveryWorkerFinishesExactlyThirtyTrials) {
  ExpectWorkersRideOut(
      30, "", [] { return FaultServer().Stop("fast"); }, std::chrono::seconds(10));
}

// Down for 60 s, three times heartbeat_timeout: when the server returns, every running trial's
// heartbeat is stale, and still no worker takes another's trials.
TEST_F(PostgresFaultsTest, ServerStoppedForSixtySecondsWorkersWaitAndKeepTheirTrials) {
  ExpectWorkersRideOut(
      30, "storage_retry: 3m\nheartbeat_timeout: 20\n", [] { return FaultServer().Stop("fast"); },
      std::chrono::seconds(60));
}

// A crash: the postmaster killed with SIGKILL (no shutdown), restarted 5 s later (crash recovery).
TEST_F(PostgresFaultsTest, ServerKilledWithSigkillAndRestartedEveryWorkerFinishes) {
  ExpectWorkersRideOut(
      30, "", [] { return FaultServer().Kill(); }, std::chrono::seconds(5));
}

// One worker's connections cut by the server (pg_terminate_backend, as an administrator or a
// connection pooler's timeout does) while the server stays up: that worker reconnects.
TEST_F(PostgresFaultsTest, OneWorkersConnectionTerminatedItReconnectsAndAllFinish) {
  const int n_trials = 15;
  StartWorkers(Config(n_trials, kShortTrials, ""), 3);
  ASSERT_TRUE(WaitForComplete(5)) << AllOutput(workers_);
  const std::vector<int> ports = ClientPortsOf(workers_[0].pid, FaultServer().port());
  ASSERT_FALSE(ports.empty()) << "worker 0 holds no connection to the server";
  std::string in;
  for (int port : ports) in += (in.empty() ? "" : ", ") + std::to_string(port);
  const std::string cut = FaultServer().QueryValue(
      "postgres",
      "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) AS cut FROM "
      "pg_stat_activity WHERE datname = '" +
          std::string(kDatabase) + "' AND client_port IN (" + in + ")) c WHERE cut");
  ASSERT_GE(std::atoi(cut.c_str()), 1) << "no backend of worker 0 terminated (ports " << in << ")";
  std::printf("[faults] terminated %s backend(s) of worker 0 (client ports %s)\n", cut.c_str(),
              in.c_str());

  ASSERT_TRUE(WaitForAll(workers_, 90)) << AllOutput(workers_);
  for (const Worker& w : workers_) {
    EXPECT_EQ(w.exit_code, 0) << w.Describe();
    ExpectNoInternalErrorNorPassword(w, PostgresServer::kPassword);
    EXPECT_LE(LinesWith(TextOf(w.events()), "waiting for storage").size(), 1u) << w.Describe();
  }
  const Outcome outcome = ExpectWholeSweep(Trials(), n_trials, workers_);
  EXPECT_EQ(outcome.failed, 0) << "the cut worker keeps its trials";
}

// Past the budget (--storage-retry 5s, the server down until every worker has given up): each
// worker stops its trials as on SIGTERM and exits 1 with one line on stderr naming the storage
// (password masked) and the fault, never "internal error". With the server back, a resumed sweep
// finishes the study: trials that finished during the outage are adopted, not run again.
TEST_F(PostgresFaultsTest, OutagePastStorageRetryEndsEachWorkerWithOneLineThenAResumeFinishes) {
  const int n_trials = 12;
  const std::string config = Config(n_trials, kShortTrials, "");
  StartWorkers(config, 3, {"--storage-retry", "5s"});
  ASSERT_TRUE(WaitForComplete(4)) << AllOutput(workers_);
  ASSERT_TRUE(FaultServer().Stop("fast"));
  const bool all_ended = WaitForAll(workers_, 60);
  ASSERT_TRUE(FaultServer().Start());
  ASSERT_TRUE(all_ended) << "the workers did not give up within a minute" << AllOutput(workers_);

  const std::string storage =
      "127.0.0.1:" + std::to_string(FaultServer().port()) + "/" + std::string(kDatabase);
  for (const Worker& w : workers_) {
    EXPECT_EQ(w.exit_code, 1) << w.Describe();
    ExpectNoInternalErrorNorPassword(w, PostgresServer::kPassword);
    EXPECT_EQ(LinesWith(TextOf(w.events()), "waiting for storage").size(), 1u) << w.events();
    // The notices of the wait may go to stderr too; besides them, one line.
    std::vector<std::string> lines;
    for (const std::string& line : LinesWith(w.Err(), "")) {
      if (line.find("waiting for storage") == std::string::npos &&
          line.find("storage is back") == std::string::npos)
        lines.push_back(line);
    }
    EXPECT_EQ(lines.size(), 1u) << w.Describe();
    if (lines.size() != 1) continue;
    EXPECT_NE(lines[0].find(storage), std::string::npos) << "names the storage: " << lines[0];
    EXPECT_TRUE(NamesAConnectionFault(lines[0])) << "names the fault: " << lines[0];
    std::printf("[faults] %s, exit %d: %s\n", w.dir.filename().c_str(), w.exit_code,
                lines[0].c_str());
  }

  workers_.push_back(
      StartWorker(dir_ / "resumed", {"sweep", config, "--storage", url_, "--resume", "--jobs", "1",
                                     "--no-report", "--no-progress"}));
  ASSERT_TRUE(WaitForAll(workers_, 60)) << AllOutput(workers_);
  EXPECT_EQ(workers_.back().exit_code, 0) << workers_.back().Describe();
  ExpectNoInternalErrorNorPassword(workers_.back(), PostgresServer::kPassword);
  ExpectWholeSweep(Trials(), n_trials, workers_);
}

// One controller frozen (SIGSTOP) until the others have reclaimed its running trial as stale
// (heartbeat_timeout 4 s), then woken (SIGCONT). Its trial program ran on meanwhile: 10 s trials,
// so that it is still running when the controller wakes. The woken controller finds out, stops
// that trial and does not record it a second time: the trial keeps the state the reclaim gave it
// (FAILED and re-queued; COMPLETE had it finished and been adopted), and no results file appears
// in a FAILED trial's folder.
TEST_F(PostgresFaultsTest,
       ControllerFrozenPastHeartbeatTimeoutStopsItsReclaimedTrialAndRecordsItOnce) {
  const int n_trials = 6;
  StartWorkers(Config(n_trials, "{steps: 20, step_seconds: 0.5}", "heartbeat_timeout: 4\n"), 3);
  const std::string frozen = ":" + std::to_string(workers_[0].pid);
  std::optional<store::Trial> held;
  ASSERT_TRUE(WaitUntil(
      [&] {
        for (const store::Trial& t : TrialsSoFar()) {
          if (t.state == store::TrialState::kRunning && t.worker.ends_with(frozen) &&
              !t.run_dir.empty())
            held = t;
        }
        return held.has_value() || Ended(workers_[0]);
      },
      60))
      << AllOutput(workers_);
  ASSERT_TRUE(held) << "worker 0 never ran a trial" << AllOutput(workers_);

  ASSERT_EQ(kill(workers_[0].pid, SIGSTOP), 0);
  std::optional<store::Trial> reclaimed;
  WaitUntil(
      [&] {
        for (const store::Trial& t : TrialsSoFar()) {
          if (t.id == held->id && t.state != store::TrialState::kRunning) reclaimed = t;
        }
        return reclaimed.has_value();
      },
      60);
  kill(workers_[0].pid, SIGCONT);
  ASSERT_TRUE(reclaimed) << "the others never reclaimed trial " << held->number
                         << AllOutput(workers_);
  std::printf("[faults] trial %lld of the frozen worker: %s (%s)\n",
              static_cast<long long>(held->number),
              std::string(store::StateName(reclaimed->state)).c_str(), reclaimed->error.c_str());

  ASSERT_TRUE(WaitForAll(workers_, 90)) << AllOutput(workers_);
  for (const Worker& w : workers_) {
    EXPECT_EQ(w.exit_code, 0) << w.Describe();
    ExpectNoInternalErrorNorPassword(w, PostgresServer::kPassword);
  }
  const std::vector<store::Trial> trials = Trials();
  ExpectWholeSweep(trials, n_trials, workers_);
  for (const store::Trial& t : trials) {
    if (t.id != held->id) continue;
    EXPECT_EQ(store::StateName(t.state), store::StateName(reclaimed->state))
        << "the woken controller recorded trial " << t.number << " again: " << t.error;
    EXPECT_EQ(t.error, reclaimed->error);
    EXPECT_EQ(t.finished_ms, reclaimed->finished_ms);
  }
}

}  // namespace
}  // namespace hpo::faults
