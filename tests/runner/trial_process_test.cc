// Tests start real child processes (sh is only used here, to script the children; the runner
// itself never runs a shell).
#include "lib/runner/trial_process.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "tests/support/open_fds.h"

namespace hpo::runner {
namespace {

ExitStatus WaitFor(TrialProcess& p, std::vector<std::string>* lines = nullptr) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    for (std::string& line : p.ReadLines()) {
      if (lines) lines->push_back(std::move(line));
    }
    if (std::optional<ExitStatus> s = p.Poll()) {
      for (std::string& line : p.ReadLines()) {
        if (lines) lines->push_back(std::move(line));
      }
      return *s;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ADD_FAILURE() << "child did not finish";
  return {};
}

TrialProcess StartArgv(std::vector<std::string> argv) {
  ProcessSpec spec;
  spec.argv = std::move(argv);
  return TrialProcess::Start(spec);
}

std::filesystem::path TempLog(const std::string& name) {
  return std::filesystem::path(testing::TempDir()) / ("trial_process_" + name + ".log");
}

TEST(TrialProcessTest, ReadsStdoutLinesAndExitCode) {
  TrialProcess p = StartArgv({"sh", "-c", "echo one; printf 'two\\nthr'; printf 'ee'; exit 3"});
  std::vector<std::string> lines;
  const ExitStatus s = WaitFor(p, &lines);
  EXPECT_EQ(lines, (std::vector<std::string>{"one", "two", "three"}));
  EXPECT_EQ(s.exit_code, 3);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.Describe(), "exit code 3");
}

TEST(TrialProcessTest, ReportsTheKillingSignal) {
  TrialProcess p = StartArgv({"sh", "-c", "kill -SEGV $$"});
  const ExitStatus s = WaitFor(p);
  EXPECT_EQ(s.signal, SIGSEGV);
  EXPECT_EQ(s.Describe(), "killed by SIGSEGV");
}

TEST(TrialProcessTest, TerminateReachesTheWholeGroup) {
  const auto marker = TempLog("grandchild_alive");
  std::filesystem::remove(marker);
  // The child starts a grandchild that would touch the marker after 2 s.
  TrialProcess p = StartArgv({"sh", "-c", "(sleep 2; touch " + marker.string() + ") & sleep 30"});
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  p.Terminate();
  const ExitStatus s = WaitFor(p);
  EXPECT_EQ(s.signal, SIGTERM);
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  EXPECT_FALSE(std::filesystem::exists(marker)) << "the grandchild outlived the trial";
}

TEST(TrialProcessTest, PassesEnvironmentAndWorkingDirAndLogsOutput) {
  const auto log = TempLog("env");
  std::filesystem::remove(log);
  ProcessSpec spec;
  spec.argv = {"sh", "-c", "echo \"$HPO_TEST_VAR\"; pwd; echo to-stderr >&2"};
  spec.env = {{"HPO_TEST_VAR", "forty-two"}};
  spec.working_dir = "/tmp";
  spec.log_path = log;
  TrialProcess p = TrialProcess::Start(spec);
  std::vector<std::string> lines;
  EXPECT_TRUE(WaitFor(p, &lines).ok());
  EXPECT_EQ(lines, (std::vector<std::string>{"forty-two", "/tmp"}));
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find("to-stderr"), std::string::npos);
  EXPECT_NE(text.str().find("forty-two"), std::string::npos);
}

TEST(TrialProcessTest, MissingProgramIsAClearError) {
  try {
    StartArgv({"/nonexistent/trial-program", "x"});
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/trial-program"), std::string::npos);
  }
}

TEST(TrialProcessTest, DestructorKillsARunningChild) {
  pid_t pid;
  {
    TrialProcess p = StartArgv({"sleep", "30"});
    pid = p.pid();
  }
  EXPECT_NE(::kill(pid, 0), 0) << "child still exists after its TrialProcess was destroyed";
}

// A Start that fails half way closes what it had opened (the log, the first pipe), and says why:
// a controller that keeps launching would otherwise run out of descriptors. The descriptor
// limit lets the log and 0-2 pipe ends open, so the log, the first or the second pipe fails.
TEST(TrialProcessTest, AStartThatFailsClosesItsDescriptors) {
  ProcessSpec spec;
  spec.argv = {"true"};
  spec.log_path = TempLog("descriptors");
  for (const int free : {0, 1, 2, 3, 4}) {
    const std::set<int> before = testing_support::OpenFds();
    std::string error;
    {
      const testing_support::DescriptorLimit limit(free);
      try {
        TrialProcess::Start(spec);
      } catch (const std::exception& e) {
        error = e.what();
      }
    }
    EXPECT_NE(error.find(std::strerror(EMFILE)), std::string::npos)
        << free << " free descriptor(s): " << error;
    EXPECT_EQ(testing_support::OpenFds(), before) << free << " free descriptor(s)";
  }
}

}  // namespace
}  // namespace hpo::runner
