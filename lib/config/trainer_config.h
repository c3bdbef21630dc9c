// The trainer's configuration: every hyperparameter with its default (PPO for LunarLander, tuned
// with hpo: configs/trainer/ppo_lunar.yaml says how), set from YAML files, patches and
// key=value overrides. The keys are declared once, in trainer_keys.inc.
#pragma once

#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "lib/core/error.h"
#include "lib/core/value.h"

namespace hpo::config {

struct TrainerConfig {
  // One field per hpo train key, with its default: lib/config/trainer_keys.inc says what each
  // means.
#define HPO_TRAINER_KEY(type, name, default_value, ...) type name = default_value;
#include "lib/config/trainer_keys.inc"
#undef HPO_TRAINER_KEY

  /// Sets one key (canonical name or alias) from a value; `origin` names where it came from.
  /// Throws UserError for unknown keys (naming the closest known one) and mistyped values.
  void Set(const std::string& key, const Value& value, const Origin& origin);
  /// The value of a canonical key.
  Value Get(const std::string& key) const;
  /// Every problem at once, one per line, as a UserError; nothing if the config is valid.
  void Validate() const;
  /// What Validate() reports: each problem with the key it is about ("" when it is about how
  /// several keys combine, like a minibatch larger than the rollout).
  struct Problem {
    std::string key;
    std::string message;
  };
  std::vector<Problem> Problems() const;
  /// Every key and value (resolved_config.yaml).
  std::string ToYaml() const;
  /// The keys set explicitly or differing from the defaults (resolved_overrides.yaml:
  /// what the user asked for, even a value equal to the default).
  std::string DiffYaml() const;

  /// Canonical names of the keys set through Set() (config files, patches, overrides).
  std::set<std::string> explicit_keys;

 private:
  void SetAutomaticEntCoef(const std::string& text, const Origin& origin);
};

/// Checks one value for one trainer key on its own (its type and its range), as a sweep's
/// `fixed:` value is checked at load. Throws UserError at `origin`.
void CheckTrainerValue(const std::string& key, const Value& value, const Origin& origin);

/// Parses "key=value" (a --override). The value is YAML ("3e-4", "[128,128]", "relu").
/// Throws UserError quoting the text for "lr", "lr=", "=3" and unparsable values.
std::pair<std::string, Value> ParseOverride(const std::string& text);

/// KEY=VALUE texts given with `flag` (hpo validate --set KEY=VALUE): with `trainer_keys` (the
/// trial program is hpo train) each key becomes its canonical name and its value is checked as
/// an override is; otherwise they are taken as written. Errors name "FLAG TEXT".
ParamSet ParseKeyValues(const std::vector<std::string>& texts, bool trainer_keys,
                        const std::string& flag);

/// Applies a YAML mapping of keys (a --config file or a --patch): top-level keys, or keys under
/// a `trainer:` section (nested sections flatten by their last name). Errors carry file:line:col.
void ApplyYamlFile(TrainerConfig& config, const std::filesystem::path& path);

/// defaults < config file < patches (in order) < overrides; then Validate().
TrainerConfig ResolveTrainerConfig(const std::string& config_file,
                                   const std::vector<std::string>& patches,
                                   const std::vector<std::string>& overrides);

}  // namespace hpo::config
