// hpo convert: a loaded sweep config written back out in hpo's own vocabulary, as a W&B Sweeps
// file, or as a plain Optuna-style search space (issue 13). What the target cannot say exactly
// is a YAML comment on the line it concerns, never dropped silently. Every form loads back with
// LoadSweepConfig: the hpo form as the same sweep, the other two as their nearest sweep.
#pragma once

#include <string>

#include "lib/config/sweep_config.h"
#include "lib/core/error.h"

namespace hpo::config {

enum class ConvertFormat { kHpo, kWandb, kOptuna };

/// "hpo", "wandb" or "optuna"; anything else is a UserError at `origin` naming the known ones.
ConvertFormat ParseConvertFormat(const std::string& name, const Origin& origin);

/// hpo's vocabulary (docs/config.md): SweepConfig::ToYaml(), every setting, under comments
/// saying how the file was read (reader, ignored keys, notes, presets).
std::string ToHpoYaml(const SweepConfig& config);

/// A W&B sweep: method, metric {name, goal}, run_cap, parameters (uniform, int_uniform,
/// q_uniform, log_uniform_values, values, value), early_terminate (hyperband), command.
/// hpo's distributions W&B lacks are written as the nearest one with a comment saying what was
/// lost; for method grid, numeric parameters are written as the values hpo's grid would try.
std::string ToWandbYaml(const SweepConfig& config);

/// An Optuna-style search space: study_name, direction, n_trials, sampler, pruner, fixed,
/// searchable with {type: float|int|categorical, low, high, step, log, choices} as
/// trial.suggest_float / suggest_int / suggest_categorical take them, constraints, command.
std::string ToOptunaYaml(const SweepConfig& config);

std::string ConvertSweepConfig(const SweepConfig& config, ConvertFormat format);

}  // namespace hpo::config
