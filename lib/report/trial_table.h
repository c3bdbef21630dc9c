// hpo status's trial table: one line per trial, read from storage.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lib/report/study_info.h"
#include "lib/store/store.h"

namespace hpo::report {

/// A heading and one line per trial: number, state, value (and a multi-objective trial's further
/// values), duration (to `now_ms` while it runs), host, and its parameters or a failed trial's
/// error. A study that shows seeds (ShowsSeeds) gets a `seeds` column after the value
/// (SeedsText); any other study's table is as status printed it before seeds_per_trial.
std::string TrialTable(const std::vector<store::Trial>& trials, const StudyInfo& info,
                       int64_t now_ms);

}  // namespace hpo::report
