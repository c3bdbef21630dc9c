#include "lib/report/trial_table.h"

#include <gtest/gtest.h>

#include <sstream>

#include "tests/report/seeded_study.h"

namespace hpo::report {
namespace {

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(TrialTableTest, ASeededStudyShowsEachTrialsSeedsAndSpreadInItsOwnColumn) {
  const SeededStudy s = MakeSeededStudy();
  const std::vector<std::string> lines = Lines(TrialTable(s.trials, s.info, store::NowMs()));
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0].rfind("    #  state            value  seeds", 0), 0u) << lines[0];
  EXPECT_EQ(lines[1].rfind("    0  COMPLETE           256  +/- 6 (seeds: 250, 262, 256)", 0), 0u)
      << lines[1];
  EXPECT_EQ(lines[2].rfind("    1  COMPLETE         244.5  +/- 4 (seeds: 240.5, 248.5, 244.5)", 0),
            0u)
      << lines[2];
  EXPECT_EQ(lines[3].rfind("    2  RUNNING              -  +/- 4.243 (2/3 seeds: 230, 236)", 0), 0u)
      << lines[3];
  // The columns after the seeds stay aligned: every row's host starts where the heading's does.
  const size_t host = lines[0].find("host");
  for (size_t i = 1; i < lines.size(); ++i) EXPECT_EQ(lines[i].find("node1"), host) << lines[i];
}

// A single-seed study's table, byte for byte as `hpo status` printed it before seeds_per_trial
// (main at daf45be, on this study written to SQLite: the same lines).
TEST(TrialTableTest, ASingleSeedStudysTableIsAsBefore) {
  std::vector<store::Trial> trials(3);
  for (int64_t i = 0; i < 3; ++i) {
    trials[i].number = i;
    trials[i].worker = "node1:42";
    trials[i].started_ms = 1'790'000'000'000 + i * 1000;
    trials[i].finished_ms = trials[i].started_ms + 90'500 + i * 60'000;
    trials[i].params = {{"gamma", Value(0.99 - 0.01 * i)}};
  }
  trials[0].state = store::TrialState::kComplete, trials[0].value = 251.5;
  trials[1].state = store::TrialState::kFailed, trials[1].error = "exit code 3";
  trials[2].state = store::TrialState::kRunning, trials[2].finished_ms = 0;
  EXPECT_EQ(TrialTable(trials, {}, trials[2].started_ms + 30'000),
            "    #  state            value  duration  host              params\n"
            "    0  COMPLETE         251.5     90.5s  node1             gamma=0.99\n"
            "    1  FAILED               -      2.5m  node1             error: exit code 3\n"
            "    2  RUNNING              -     30.0s  node1             gamma=0.97\n");
}

}  // namespace
}  // namespace hpo::report
