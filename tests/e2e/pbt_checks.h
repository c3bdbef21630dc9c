// What every e2e of a shared PBT population checks (several controllers, PostgreSQL, Slurm):
// each trial completed, and no member ran in two trials at once (the stub trial program writes
// its member into member.txt).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "lib/store/store.h"

namespace hpo::e2e {

/// The workers that ran the trials.
inline std::set<std::string> ExpectMembersRanOneAtATime(const std::vector<store::Trial>& trials) {
  std::map<int, std::vector<std::pair<int64_t, int64_t>>> spans;  // member -> [start, end]
  std::set<std::string> workers;
  for (const store::Trial& t : trials) {
    EXPECT_EQ(t.state, store::TrialState::kComplete) << t.number << " " << t.error;
    workers.insert(t.worker);
    std::ifstream member_file(std::filesystem::path(t.run_dir) / "member.txt");
    int member = -1;
    EXPECT_TRUE(member_file >> member) << t.run_dir;
    spans[member].push_back({t.started_ms, t.finished_ms});
  }
  for (auto& [member, list] : spans) {
    std::sort(list.begin(), list.end());
    for (size_t i = 1; i < list.size(); ++i)
      EXPECT_LE(list[i - 1].second, list[i].first) << "member " << member << " ran twice at once";
  }
  return workers;
}

}  // namespace hpo::e2e
