// Pareto fronts: the math of multi-objective studies, shared by the TPE sampler
// (Optuna 4's multi-objective split) and the reports. Values here are losses: every objective
// is minimised (callers negate the ones to maximise), as in Optuna's hypervolume code.
#pragma once

#include <cstddef>
#include <vector>

namespace hpo {

using LossVector = std::vector<double>;

/// a dominates b: no worse in every objective and better in one.
bool Dominates(const LossVector& a, const LossVector& b);

/// The non-domination rank of each point: 0 for the Pareto front, 1 for the front of the rest...
std::vector<int> NondominationRanks(const std::vector<LossVector>& points);

/// The hypervolume the points dominate, bounded by `reference` (points not below it in every
/// objective add nothing). Exact; cheap for the sizes TPE uses (25 points, a few objectives).
double Hypervolume(std::vector<LossVector> points, const LossVector& reference);

/// Optuna's reference point for a set of points: the worst value per objective, moved out by
/// 10% (max(1.1 w, 0.9 w)), and a small positive number where that is 0.
LossVector ReferencePoint(const std::vector<LossVector>& points);

/// `k` of the points chosen greedily to maximise the hypervolume they dominate (Optuna's HSSP
/// tie-break): each step takes the point adding most, the first of equals. Indices into points.
std::vector<size_t> GreedyHypervolumeSubset(const std::vector<LossVector>& points, size_t k,
                                            const LossVector& reference);

/// Each point's share of the hypervolume: what the set loses without it.
std::vector<double> HypervolumeContributions(const std::vector<LossVector>& points,
                                             const LossVector& reference);

}  // namespace hpo
