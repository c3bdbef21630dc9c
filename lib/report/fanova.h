// fANOVA (Hutter, Hoos & Leyton-Brown 2014) as Optuna 3.1 computes it
// (optuna/importance/_fanova/): a random forest of regression trees is fitted to the trials'
// scores, and a parameter's importance in one tree is the variance of that tree's marginal
// prediction over the parameter (every other parameter averaged out over its whole range), as a
// fraction of the tree's own variance over the box. The fractions are averaged over the trees
// and normalised to sum to 1 over the parameters.
//
// The forest is scikit-learn's RandomForestRegressor as Optuna configures it: bootstrap
// samples, every column a split candidate at every node (in a random order, which breaks ties),
// thresholds halfway between neighbouring values, a node split while it holds 2 distinct
// samples of different scores. Our own code and random stream: the shares agree with Optuna's
// statistically (tests/report/importance_test.cc, docs/benchmarks.md), not digit for digit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace hpo::report {

/// Trials as the forest sees them, encoded as Optuna's importance evaluators encode them
/// (_SearchSpaceTransform with transform_log=False, transform_step=False): a numeric parameter
/// is one column of its own values (no log, no unit box), a categorical one is one 0/1 column
/// per choice with bounds [0, 1].
struct FanovaInput {
  std::vector<std::vector<double>> columns;  ///< columns[c][i]: column c of trial i
  std::vector<double> low, high;             ///< each column's range; low < high
  std::vector<std::vector<size_t>> groups;   ///< each parameter's columns
  std::vector<double> scores;                ///< one per trial
};

/// Optuna's FanovaImportanceEvaluator settings (_evaluator.py:69-76).
struct ForestSettings {
  int n_trees = 64;
  int max_depth = 64;
  int min_samples_split = 2;  ///< distinct (bootstrap-drawn) samples a node needs to split
  int min_samples_leaf = 1;
};

/// Each group's share from one forest grown from `seed`: its mean fraction over the trees
/// whose variance is positive, the shares normalised to sum to 1 (all 0 when no tree varies,
/// as when every score is the same). Deterministic for a seed.
std::vector<double> FanovaShares(const FanovaInput& input, const ForestSettings& settings,
                                 uint64_t seed);

}  // namespace hpo::report
