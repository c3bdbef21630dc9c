// How every report shows a trial trained on several seeds (`seeds_per_trial`): each seed's value
// and their spread, "256 +/- 6 (seeds: 250, 262, 256)". status, best-params, the patch, the
// report and the exports all write it with these functions, so they say the same thing.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "lib/report/best_params.h"
#include "lib/report/study_info.h"
#include "lib/store/store.h"

namespace hpo::report {

/// Whether a report shows seeds: the study trains several per trial, or a trial has per-seed
/// values. A single-seed study's reports are as they were before seeds_per_trial.
bool ShowsSeeds(const SeedSettings& seeds, const std::vector<store::Trial>& trials);

/// How many seed indices the exports give a column: seeds_per_trial, or more when a trial has
/// more (a study that ran with another seeds_per_trial before).
int SeedColumnCount(const SeedSettings& seeds, const std::vector<store::Trial>& trials);

/// The sample standard deviation of the trial's seeds' values (SeedSpread); none with fewer
/// than two.
std::optional<double> SeedValueSpread(const store::Trial& trial);

/// "+/- 6 (seeds: 250, 262, 256)": the standard deviation of the trial's seeds' values and the
/// values by seed index. While seeds are missing (a running trial): "+/- 8.485 (2/3 seeds: 250,
/// 262)", and "(0/3 seeds)" before the first finishes. "" for a trial with no seed values that
/// is not running, and for any trial of a single-seed study without them.
std::string SeedsText(const store::Trial& trial, const SeedSettings& seeds,
                      Digits digits = Digits::kReadable);

/// The trial's value ("-" if it has none), then SeedsText if that says anything:
/// "256 +/- 6 (seeds: 250, 262, 256)"; for a single-seed trial ReadableNumber(value) alone.
std::string ValueWithSeedsText(const store::Trial& trial, const SeedSettings& seeds,
                               Digits digits = Digits::kReadable);

/// "Each trial's final_mean_reward is the median of its 3 seeds' values, shown +/- their
/// standard deviation.": what a seeded study's values are, for headings; "" for a single-seed
/// study.
std::string SeedsSentence(const std::string& metric, const SeedSettings& seeds);

}  // namespace hpo::report
