// The command that trains one trial's configuration again, as `hpo best-params` and the end of
// `hpo sweep` print it: `hpo train --override ...` for hpo train sweeps, else the sweep's own
// trial program with the trial's parameters, built as the sweep built it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "lib/config/sweep_config.h"
#include "lib/store/store.h"

namespace hpo::report {

/// `hpo train --run-dir DIR [--seed S] --override k=v ...` (each word shell-quoted). With the
/// trial's seed (when its parameters do not set one) the run trains on the trial's seed, as
/// the sweep ran it.
std::string TrainCommand(const std::vector<std::string>& overrides, const std::string& run_dir,
                         std::optional<uint64_t> seed);

/// The seed to pass to `hpo train` for trial `t` with configuration `all`: none when `all`
/// sets one itself (a fixed or searched seed).
std::optional<uint64_t> TrialSeedOption(const ParamSet& all, const store::Trial& t);

/// The command for trial `t` of a sweep run with config `c` (its fixed values included), in a
/// fresh run directory train_dir/runs/<sweep>_r<N>.
std::string TrialTrainingCommand(const config::SweepConfig& c, const std::string& sweep_name,
                                 const store::Trial& t);

/// train_dir/runs/<sweep>_r<N>: where a printed command trains trial N again.
std::filesystem::path RetrainRunDir(const std::string& sweep_name, int64_t trial_number);

}  // namespace hpo::report
