#include "lib/pbt/member.h"

#include <algorithm>

namespace hpo::pbt {

int Generation(const Member& member) {
  return static_cast<int>(std::count_if(member.lineage.begin(), member.lineage.end(),
                                        [](const LineageEntry& e) { return !e.skipped; }));
}

const char* DisplayedPhase(const Member& member) {
  switch (member.phase) {
    case MemberPhase::kRunning:
      return "running";
    case MemberPhase::kFinished:
      return member.outcome == "complete" ? "finished" : "failed";
    case MemberPhase::kWaiting:
      return "waiting";
  }
  return "waiting";
}

const Member* BestMember(const std::vector<Member>& members, bool maximize) {
  const Member* best = nullptr;
  for (const Member& m : members) {
    if (m.phase != MemberPhase::kFinished || m.outcome != "complete" || !m.last_value) continue;
    if (!best || (maximize ? *m.last_value > *best->last_value : *m.last_value < *best->last_value))
      best = &m;
  }
  return best;
}

}  // namespace hpo::pbt
