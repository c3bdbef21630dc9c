// The Optuna journal export: a JSON-lines file that optuna.storages.JournalStorage (Optuna 3.1+)
// and so optuna-dashboard load as a study. One CREATE_STUDY line, then one CREATE_TRIAL line
// per trial carrying its final state, value, params, intermediate values and times.
//
// Distributions come from the sweep config's parameter specs: integer kinds (int_uniform,
// uniform_pow2, int_loguniform) become IntDistribution, other numeric kinds FloatDistribution
// (log = true on log axes), categorical ones CategoricalDistribution whose choices are the
// values, lists written as their YAML text ("[64, 64]"), which Optuna's choices allow. A
// parameter without a spec (a config that no longer parses) is typed from the values seen.
// Our seed, cost, run directory and error go into each trial's user_attrs. A study trained on
// several seeds per trial (ShowsSeeds) gets the study user attrs seeds_per_trial and aggregate
// (SET_STUDY_USER_ATTR lines, one key each, as Optuna 3.1 writes and replays them:
// optuna/storages/_journal/storage.py:185-188, 506), and each trial value_sd and, per finished
// seed, value_seed_<i> and seed_<i>: scalars, which study.trials_dataframe() spreads into
// columns (user_attrs_value_seed_0, ...: optuna/study/_dataframe.py:51-54).
#pragma once

#include <string>
#include <vector>

#include "lib/config/sweep_config.h"
#include "lib/report/study_info.h"
#include "lib/store/store.h"

namespace hpo::report {

/// A parameter as the export gives it to Optuna (and as `hpo importance` encodes it, so that
/// its numbers compare with Optuna's on the exported trials).
struct OptunaParameter {
  bool categorical = false;
  std::vector<Value> choices;  ///< categorical
  bool integer = false;        ///< numeric: IntDistribution, else FloatDistribution
  bool log = false;
  double low = 0, high = 0;
};

OptunaParameter OptunaParameterOf(const config::ParameterSpec& spec);

std::string ExportOptunaJournal(const store::Study& study, const StudyInfo& info,
                                const std::vector<store::Trial>& trials,
                                const std::vector<config::ParameterSpec>& specs);

}  // namespace hpo::report
