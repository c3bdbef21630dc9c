// Exports of a study for other tools: the complete results as JSON, a flat CSV for pandas, and
// an Optuna journal (JSON lines) that optuna's JournalStorage and optuna-dashboard load.
#pragma once

#include <string>
#include <vector>

#include "lib/report/study_info.h"
#include "lib/store/store.h"

namespace hpo::report {

/// `<sweep>_results.json`: the study (name, metric, direction, config) and every trial with
/// params, state, value, intermediate values, cost, seed, times, error and run directory. A
/// study that shows seeds (ShowsSeeds) also has "seeds_per_trial" and "aggregate", and each
/// trial "value_sd" (its seeds' standard deviation, null with fewer than two) and "seed_values"
/// ([{"index", "seed", "value"}], the seeds that finished, by index).
std::string ExportJson(const store::Study& study, const StudyInfo& info,
                       const std::vector<store::Trial>& trials);

/// One row per trial: number, state, value, cost_seconds, seed, one column per parameter
/// (params.<name>), error. RFC 4180 quoting. A study that shows seeds has after the value(s)
/// value_sd and value_seed_<i> for each seed index (SeedColumnCount), empty where missing.
std::string ExportCsv(const std::vector<store::Trial>& trials, const StudyInfo& info);

}  // namespace hpo::report
