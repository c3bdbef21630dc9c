// A population-based training member (lib/pbt/member.h) as the study keeps it (the pbt_members
// table): the text the store holds, and the views people read (hpo status, best-params).
// lib/runner/pbt_coordinator.h makes the decisions that change it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lib/core/value.h"
#include "lib/pbt/member.h"
#include "lib/store/store.h"

namespace hpo::runner {

/// The record of `member` as saved in the study (YAML), with the population's synchronisation step.
std::string MemberRecord(const pbt::Member& member, int64_t next_sync_step);
/// A member back from its record; `next_sync_step` receives the population's.
pbt::Member MemberFromRecord(const std::string& record, int64_t& next_sync_step);
/// Every member of a PBT study as its records say (Store::LoadPbtMembers), in member order;
/// empty for any other study.
std::vector<pbt::Member> LoadPopulation(store::Store& store, int64_t study_id);

/// One line per member for `hpo status`: phase, generation (the leaders it copied), trials,
/// step, last value, parent (the leader of its last copy, @ its step), current values.
std::string PopulationTable(const std::vector<pbt::Member>& members, const std::string& metric);

/// A member's schedule as YAML: `schedule: [{step: 0, params: {...}}, ...]` with a comment that
/// says where it comes from.
std::string ScheduleYaml(const pbt::Member& member, const std::string& sweep);

}  // namespace hpo::runner
