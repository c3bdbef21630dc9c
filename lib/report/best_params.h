// best-params: the top trials of a sweep as YAML, overrides, commands, and a patch file.
#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "lib/core/objectives.h"
#include "lib/core/value.h"
#include "lib/report/study_info.h"
#include "lib/store/store.h"

namespace hpo::report {

/// A parameter value as best-params prints it: floats with 0 < |v| < 0.01 in scientific
/// notation ("7.31e-04") with as few digits as parse back to the same double; else ToYaml().
std::string FormatParamValue(const Value& value);

/// The folder a trial ran in ("lunar.r.3"): the last part of its stored run_dir. Never recomputed
/// from the trial number: ClaimRunDir skips the folders an earlier study of the same name left,
/// so trial 1 can run in <sweep>.r.3 while <sweep>.r.1 holds the other study's trial.
/// "<sweep>.r.<number>" only for a trial that has no run_dir (never started).
std::string RunName(const std::string& sweep, const store::Trial& trial);

/// COMPLETE trials with a value, best first (ties: lower trial number first). With further
/// objectives (a multi-objective study): trials with every value, by non-domination rank (the
/// Pareto front first), then by the first objective.
std::vector<store::Trial> RankTrials(const std::vector<store::Trial>& trials, bool maximize,
                                     const std::vector<Objective>& more = {});
/// A multi-objective study's Pareto front: the complete trials no other complete trial
/// dominates, by the first objective (best first). `objectives` are all of the study's.
std::vector<store::Trial> ObjectiveFront(const std::vector<store::Trial>& trials,
                                         const std::vector<Objective>& objectives);
/// RankTrials(...)[0] without copying the study: the best complete trial (the earliest of
/// equals), or nullptr.
const store::Trial* BestTrial(const std::vector<store::Trial>& trials, bool maximize);

/// The Pareto front of score against cost (wall-clock seconds): COMPLETE trials that no other
/// complete trial beats on score at the same or lower cost, cheapest first.
std::vector<store::Trial> ParetoFront(const std::vector<store::Trial>& trials, bool maximize);

/// A trial's value of each of `n_objectives` objectives, in the study's order: its value, then
/// its further values; NaN where it has none.
std::vector<double> ObjectiveValues(const store::Trial& trial, size_t n_objectives);

/// "final_mean_reward 250.1, training_time 31.2": a complete trial's value per objective.
std::string ObjectiveValuesText(const store::Trial& trial,
                                const std::vector<Objective>& objectives);

/// How a ranked trial scored, as best-params lists it: "final_mean_reward: 256", with its seeds
/// in a seeded study ("final_mean_reward: 256 +/- 6 (seeds: 250, 262, 256)", SeedsText), or
/// every objective of a multi-objective study (ObjectiveValuesText).
std::string ScoreText(const store::Trial& trial, const StudyInfo& info);

/// How ParamsAsYaml lays the names out: as hpo train's keys, in a `trainer:` block (a leading
/// "trainer." is dropped), or as another program's names, nested as written.
enum class YamlLayout { kTrainerBlock, kAsWritten };

/// How ParamsAsYaml writes floats: every digit (files read back), or ReadableNumber (a screen).
enum class Digits { kAll, kReadable };

/// The params as YAML: dotted names nest. Names in `fixed_names` get a "# fixed in the sweep"
/// comment.
std::string ParamsAsYaml(const ParamSet& params, const std::set<std::string>& fixed_names = {},
                         YamlLayout layout = YamlLayout::kTrainerBlock,
                         Digits digits = Digits::kAll);

/// A trial's full configuration: the sweep's fixed values, then its own parameters.
ParamSet WithFixed(const ParamSet& fixed, const ParamSet& params);

/// "learning_rate=5.49e-04 n_steps=1024 net_arch=[64, 64]": parameters for people to read (their
/// floats as ReadableNumber), in one line.
std::string ParamsLine(const ParamSet& params);

/// "learning_rate=7.31e-04 net_arch=[64, 64]" as hpo train --override arguments.
std::vector<std::string> ParamsAsOverrides(const ParamSet& params);

/// The patch file: "# @package _global_", how it was made and how to apply it, then the YAML
/// of the trial's parameters and the sweep's fixed values (marked), so that training with it
/// reproduces the trial's configuration. A trial trained on several seeds gets its seeds'
/// values and spread, and the study's `aggregate`, in the comments (never in the parameters).
std::string PatchFileText(const std::string& sweep, const store::Trial& trial,
                          const ParamSet& fixed, const std::string& metric,
                          const std::filesystem::path& patch_path, const SeedSettings& seeds = {});

/// The patch for a sweep whose trial program is its own `command:` (Metta's and Hydra's config
/// patches): "# @package _global_", which program it is for (`command`, as the sweep file gives
/// it), then the trial's values and the sweep's fixed values (marked) under the names the
/// program takes, as the sweep file writes them, nested by their dots. Hydra's "+" and "++"
/// override prefixes are dropped: in a config file a key needs none.
std::string ProgramPatchFileText(const std::string& sweep, const store::Trial& trial,
                                 const ParamSet& fixed, const std::string& metric,
                                 const std::vector<std::string>& command,
                                 const SeedSettings& seeds = {});

/// Quotes a shell word if it needs it (for printed commands the user will paste).
std::string ShellQuote(const std::string& word);

}  // namespace hpo::report
