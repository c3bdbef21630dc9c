// What reports need to know about a study beyond its trials: the metric and its direction.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "lib/core/objectives.h"
#include "lib/store/store.h"

namespace hpo::report {

/// How many seeds each trial trains on and how their values make the trial's (the study's
/// `seeds_per_trial` and `aggregate`).
struct SeedSettings {
  int per_trial = 1;
  std::string aggregate = "mean";
};

struct StudyInfo {
  Objectives objectives;
  SeedSettings seeds = {};
};

/// The study's objectives as its latest run recorded them (store::Study::objectives; for a study
/// from before those were stored, as its stored config names them), and its config's
/// `seeds_per_trial` and `aggregate`.
StudyInfo ReadStudyInfo(const store::Study& study);

/// Replaces each complete trial's value with `metric` (a name or an expression) from its run
/// directory's sweep_eval_results.yaml, read as the controller reads it
/// (config::ObjectiveFormula: reward aliases, unsolved time_to_solve); trials without it lose
/// their value. A malformed expression is a UserError at --metric. For ranking by a
/// metric the sweep did not optimise. A trial trained on several seeds is rescored seed by seed
/// from <run_dir>/seed_<index>/ (its seed values become this metric's) and its value is their
/// `seeds.aggregate`; a trial missing the number in any seed's folder loses its value and its
/// seed values. Returns the numeric keys the results files have.
std::set<std::string> RescoreFromRunDirs(std::vector<store::Trial>& trials,
                                         const std::string& metric, const SeedSettings& seeds = {});

}  // namespace hpo::report
