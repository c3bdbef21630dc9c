// The contract of Store's PBT records (SavePbtMembers, LoadPbtMembers), one body for both
// backends (sqlite_store_test.cc, postgres_store_test.cc): versions compare-and-save, a batch
// saves the members still at their version and names the others, a repeated save counts once,
// and records are kept per study.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "lib/store/store.h"

namespace hpo::store {

inline void ExpectPbtRecordContract(Store* store) {
  const Study a = store->OpenStudy("pbt_a", "maximize", "", true);
  const Study b = store->OpenStudy("pbt_b", "maximize", "", true);
  const auto save = [&](const Study& study, const std::vector<PbtSave>& saves) {
    return store->SavePbtMembers(study.id, saves);
  };
  const std::vector<int> none;
  EXPECT_EQ(save(a, {{1, "member: 1\nphase: waiting\n", 0}, {0, "member: 0\n", 0}}), none);
  EXPECT_EQ(save(a, {{1, "member: 1\nphase: running\n", 1}}), none);  // replaced
  // Two controllers that read version 2 of member 1: the first save wins, the second changes
  // nothing; and a first save of a member another controller saved first.
  EXPECT_EQ(save(a, {{1, "taken by one", 2}}), none);
  EXPECT_EQ(save(a, {{1, "taken by another", 2}}), std::vector<int>{1});
  EXPECT_EQ(save(a, {{0, "a second first save", 0}}), std::vector<int>{0});
  // The same save again (a retry after its reply was lost): saved, once.
  EXPECT_EQ(save(a, {{1, "taken by one", 2}}), none);
  // In one save, the members still at their version are saved and the others named.
  EXPECT_EQ(save(a, {{2, "member: 2\n", 0}, {1, "stale", 2}, {0, "member: 0 again\n", 1}}),
            std::vector<int>{1});
  EXPECT_EQ(save(b, {{0, "other study", 0}}), none);
  EXPECT_EQ(store->LoadPbtMembers(a.id),
            (std::map<int, PbtRecord>{
                {0, {"member: 0 again\n", 2}}, {1, {"taken by one", 3}}, {2, {"member: 2\n", 1}}}));
  EXPECT_EQ(store->LoadPbtMembers(b.id), (std::map<int, PbtRecord>{{0, {"other study", 1}}}));
}

}  // namespace hpo::store
