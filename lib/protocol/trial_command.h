// How the controller starts a trial's program (docs/trial_protocol.md): its argv, for hpo train
// or for a sweep's own `command:`. The controller and `hpo best-params` (which prints the
// command that trains a trial again) build it here, so the two cannot drift.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "lib/core/value.h"

namespace hpo::protocol {

/// The trial's argv: `hpo_binary train --run-dir D --config D/train_config_overrides.yaml
/// --seed S` when `command` is empty, else `command` with its macros expanded (core's
/// ExpandMacros: ${args} and its family from `params`, ${run_dir}, and ${gpus}: `gpus`, the
/// devices the process gets comma-separated, empty when none).
std::vector<std::string> TrialCommand(const std::vector<std::string>& command,
                                      const std::filesystem::path& hpo_binary,
                                      const ParamSet& params, const std::filesystem::path& run_dir,
                                      uint64_t seed, const std::string& gpus = "");

}  // namespace hpo::protocol
