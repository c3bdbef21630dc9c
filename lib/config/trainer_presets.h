// Defaults that depend on the algorithm and the env. The key table (trainer_keys.inc) holds
// PPO's defaults on LunarLander; an algorithm brings SB3's defaults where they differ, and an
// (env, algorithm) pair brings the defaults found and checked with hpo (docs/config.md says how).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "lib/config/trainer_config.h"
#include "lib/core/value.h"

namespace hpo::config {

/// The key values `algorithm` on `env_id` uses by default, beyond the table's: the algorithm's
/// SB3 defaults first, then the pair's own (later entries win).
std::vector<std::pair<std::string, Value>> PresetOf(const std::string& env_id,
                                                    const std::string& algorithm);

/// Sets every preset key of the config's env and algorithm that was not set explicitly.
void ApplyPresets(TrainerConfig& config);

/// The defaults of `algorithm` on `env_id`: the table's, then its presets.
TrainerConfig DefaultsFor(const std::string& env_id, const std::string& algorithm);

}  // namespace hpo::config
