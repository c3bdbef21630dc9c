#include "lib/trainer/run_log.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

namespace hpo::trainer {
namespace {

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// What a run of 2500 steps with evaluations every 1000 prints on stdout, with a line "saved
// NAME" for each checkpoint at the moment it is saved.
std::vector<std::string> StdoutOfARun(const std::filesystem::path& checkpoint_dir) {
  const auto root = std::filesystem::path(testing::TempDir()) / "run_log_test";
  std::filesystem::remove_all(root);
  config::TrainerConfig config;
  config.eval_interval = 1000;
  config.checkpoint_interval = 0;  // no periodic checkpoint in the run directory
  TrainOptions options;
  options.run_dir = root / "run";
  options.checkpoint_dir = checkpoint_dir;
  RunLog log(config, options, 200.0);
  const RunLog::Evaluate evaluate = [](bool) { return EvalResult{1.5, 0.5, 0.0, 10.0, 2}; };
  const RunLog::SaveCheckpoint save = [](const std::filesystem::path& path) {
    fmt::print("saved {}\n", path.filename().string());
    std::fflush(stdout);
  };
  testing::internal::CaptureStdout();
  log.Start("header", 0, 2500);
  log.AfterLearning(1024, evaluate, save);  // due at 1000
  log.AfterLearning(1536, evaluate, save);  // nothing due
  log.AfterLearning(2048, evaluate, save);  // due at 2000
  log.Finish(2500, evaluate, save);
  std::vector<std::string> lines = Lines(testing::internal::GetCapturedStdout());
  for (std::string& line : lines) line = line.substr(0, line.find(",\"mean_reward\""));
  return lines;
}

// The contract with a population-based sweep: step_<N>.pt is saved before the line that
// reports step N (the step the line carries, the multiple of eval_interval it was due at).
TEST(RunLogTest, TheSweepsCheckpointOfAStepIsSavedBeforeTheLineThatReportsIt) {
  EXPECT_EQ(StdoutOfARun(std::filesystem::path(testing::TempDir()) / "run_log_collected"),
            (std::vector<std::string>{"saved step_1000.pt", R"({"event":"eval","step":1000)",
                                      "saved step_2000.pt", R"({"event":"eval","step":2000)",
                                      "saved final.pt", "saved step_2500.pt",
                                      R"({"event":"final_eval","step":2500)"}));
}

TEST(RunLogTest, WithoutACheckpointFolderOnlyTheRunsOwnAreSaved) {
  EXPECT_EQ(
      StdoutOfARun(""),
      (std::vector<std::string>{R"({"event":"eval","step":1000)", R"({"event":"eval","step":2000)",
                                "saved final.pt", R"({"event":"final_eval","step":2500)"}));
}

}  // namespace
}  // namespace hpo::trainer
