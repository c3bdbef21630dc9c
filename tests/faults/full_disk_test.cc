// A full disk under a SQLite sweep (issue 37, item 4 and its acceptance): the study database and
// the run folders on a 3 MiB tmpfs that another file fills in the middle of a 20-trial sweep.
// Needs mount(2) (root here); elsewhere the test is skipped, saying why.
#include <errno.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/mount.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "lib/store/store.h"
#include "tests/faults/fault_sweep.h"
#include "tests/support/test_dir.h"

namespace hpo::faults {
namespace {

constexpr int kTrials = 20;

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), ::tolower);
  return text;
}

// Writes zeros to `path` until the filesystem has no room left; the bytes written.
int64_t FillDisk(const fs::path& path) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return 0;
  const std::vector<char> block(size_t{64} * 1024, 0);
  int64_t written = 0;
  for (ssize_t n; (n = write(fd, block.data(), block.size())) > 0;) written += n;
  close(fd);
  return written;
}

// "ok", or what SQLite's PRAGMA integrity_check found.
std::string IntegrityCheck(const fs::path& database) {
  sqlite3* db = nullptr;
  std::string result = "cannot open " + database.string();
  if (sqlite3_open_v2(database.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK) {
    result.clear();
    sqlite3_stmt* statement = nullptr;
    sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &statement, nullptr);
    while (sqlite3_step(statement) == SQLITE_ROW) {
      result += (result.empty() ? "" : "; ") +
                std::string(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)));
    }
    sqlite3_finalize(statement);
  }
  sqlite3_close(db);
  return result;
}

class FullDiskTest : public testing::Test {
 protected:
  void SetUp() override {
    // A run that ctest killed at its timeout never reached TearDown: its tmpfs is still there.
    umount2((testing_support::OwnTestDir("faults") / "disk").c_str(), MNT_DETACH);
    dir_ = testing_support::FreshTestDir("faults");
    disk_ = dir_ / "disk";
    fs::create_directories(disk_);
    if (mount("tmpfs", disk_.c_str(), "tmpfs", 0, "size=3m") != 0)
      GTEST_SKIP() << "full-disk test skipped: cannot mount a tmpfs at " << disk_ << ": "
                   << std::strerror(errno) << " (it needs root or CAP_SYS_ADMIN)";
    mounted_ = true;
  }

  void TearDown() override {
    for (Worker& w : workers_) Reap(w);
    // Detached: a test that failed half-way may leave a file open on it.
    if (mounted_) umount2(disk_.c_str(), MNT_DETACH);
  }

  fs::path TrainDir() const { return disk_ / "train_dir"; }
  fs::path Database() const { return TrainDir() / "sweep" / "disk" / "study.db"; }

  std::vector<store::Trial> Trials() const {
    auto store = store::OpenStore(Database().string());
    return store->LoadTrials(store->OpenStudy("disk", "", "", false).id);
  }

  int ResultsFiles() const {
    int count = 0;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(TrainDir(), ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
      count += it->path().filename() == kResultsFile;
    return count;
  }

  fs::path dir_, disk_;
  bool mounted_ = false;
  std::vector<Worker> workers_;
};

// The disk fills while a trial has written its results but not yet exited (the stub's
// --linger_once: it then sleeps 60 s), one trial at a time so that no other trial writes on the
// full disk. The run names the fault and the path, exit 1, past storage_retry (4, plain seconds;
// heartbeat_timeout 4 makes a heartbeat, a write, every second). With the space freed, the re-run
// adopts the finished trial from its results file (not run again) and ends with 20 COMPLETE
// trials and 20 results files; the database passes PRAGMA integrity_check after each run, and the
// files hpo writes whole (hpo_trial.yaml) are whole.
TEST_F(FullDiskTest, TmpfsFilledMidSweepSaysNoSpaceLeftAndTheRerunAdoptsTheFinishedTrial) {
  const fs::path linger = dir_ / "lingered";  // off the tmpfs; present: no trial lingers
  std::ofstream(linger) << "not yet\n";
  const fs::path config = dir_ / "disk.yaml";
  std::ofstream(config) << "name: disk\nmetric: score\nmethod: random\nn_trials: " << kTrials
                        << "\ncommand: [" << HPO_STUB_TRIAL << ", \"${args}\"]\n"
                        << "parameters:\n  x: {distribution: uniform, min: 0, max: 1}\n"
                        << "fixed: {steps: 2, step_seconds: 0.2, linger_once: \"" << linger.string()
                        << "\"}\nstorage_retry: 4\nheartbeat_timeout: 4\n";
  const std::vector<std::string> args = {"sweep", config.string(), "--jobs",
                                         "1",     "--no-report",   "--no-progress"};
  workers_.reserve(2);  // `run` stays valid when the re-run joins
  workers_.push_back(StartWorker(dir_ / "run", args, TrainDir()));
  Worker& run = workers_.front();
  ASSERT_TRUE(WaitUntil([&] { return ResultsFiles() >= 8 || Ended(run); }, 60)) << run.Describe();
  ASSERT_FALSE(run.ended) << run.Describe();
  fs::remove(linger);  // the next trial to finish lingers
  ASSERT_TRUE(WaitUntil([&] { return fs::exists(linger) || Ended(run); }, 30)) << run.Describe();
  ASSERT_FALSE(run.ended) << run.Describe();
  const int64_t filled = FillDisk(disk_ / "filler");
  std::printf("[faults] filled the tmpfs with %lld more bytes\n", static_cast<long long>(filled));

  ASSERT_TRUE(WaitForAll(workers_, 60)) << run.Describe();
  EXPECT_EQ(run.exit_code, 1) << run.Describe();
  ExpectNoInternalErrorNorPassword(run, "");
  std::vector<std::string> lines;
  for (const std::string& line : LinesWith(run.Err(), "")) {
    if (line.find("waiting for storage") == std::string::npos &&
        line.find("storage is back") == std::string::npos)
      lines.push_back(line);
  }
  EXPECT_EQ(lines.size(), 1u) << run.Describe();
  if (lines.size() == 1) {
    EXPECT_NE(Lower(lines[0]).find("no space left"), std::string::npos) << lines[0];
    EXPECT_NE(lines[0].find(disk_.string()), std::string::npos) << "names the path: " << lines[0];
    EXPECT_EQ(lines[0].find("internal error"), std::string::npos) << lines[0];
    std::printf("[faults] the run, exit %d: %s\n", run.exit_code, lines[0].c_str());
  }
  EXPECT_EQ(LinesWith(TextOf(run.events()), "waiting for storage").size(), 1u) << run.events();

  fs::remove(disk_ / "filler");
  EXPECT_EQ(IntegrityCheck(Database()), "ok") << "after the run on the full disk";
  // Finished, with a results file, but not recorded: what the re-run must adopt.
  std::set<int64_t> unrecorded;
  for (const store::Trial& t : Trials()) {
    if (t.state == store::TrialState::kRunning && fs::exists(fs::path(t.run_dir) / kResultsFile) &&
        fs::file_size(fs::path(t.run_dir) / kResultsFile) > 0)
      unrecorded.insert(t.number);
  }
  EXPECT_FALSE(unrecorded.empty()) << "the lingering trial's results were recorded on a full disk?";
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(TrainDir(), ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->path().filename() == "hpo_trial.yaml") {
      EXPECT_GT(fs::file_size(it->path()), 0u) << "torn: " << it->path();
    }
  }

  workers_.push_back(StartWorker(
      dir_ / "rerun",
      [&] {
        std::vector<std::string> resume = args;
        resume.push_back("--resume");
        return resume;
      }(),
      TrainDir()));
  ASSERT_TRUE(WaitForAll(workers_, 60)) << workers_.back().Describe();
  EXPECT_EQ(workers_.back().exit_code, 0) << workers_.back().Describe();
  ExpectNoInternalErrorNorPassword(workers_.back(), "");
  const std::vector<store::Trial> trials = Trials();
  ExpectWholeSweep(trials, kTrials, workers_);
  for (const store::Trial& t : trials) {
    if (unrecorded.count(t.number)) {
      EXPECT_EQ(store::StateName(t.state), "COMPLETE") << "trial " << t.number << " not adopted";
    }
    if (t.retry_of >= 0) {
      EXPECT_EQ(unrecorded.count(t.retry_of), 0u)
          << "trial " << t.number << " re-ran trial " << t.retry_of << ", which had finished";
    }
  }
  EXPECT_EQ(IntegrityCheck(Database()), "ok") << "after the re-run";
}

}  // namespace
}  // namespace hpo::faults
