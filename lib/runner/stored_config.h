// A study is one search: running it again with another space, metric, goal or trial program
// would mix trials of two searches without a word, so that takes --accept-changes (recorded in
// the study). Everything else (trials, jobs, timeouts, sampler...) may change freely.
#pragma once

#include <filesystem>
#include <string>

#include "lib/config/sweep_config.h"
#include "lib/store/store.h"

namespace hpo::runner {

/// Compares the study's stored config with `c`. Throws UserError listing what changed when the
/// search changed and !accept_changes. Otherwise the study and sweep_dir/config.yaml then hold
/// `c`, and the return value lists the accepted changes ("" when the search is the same).
std::string ReconcileStoredConfig(store::Store& store, const store::Study& study,
                                  const config::SweepConfig& c,
                                  const std::filesystem::path& sweep_dir, bool accept_changes);

}  // namespace hpo::runner
