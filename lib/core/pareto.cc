#include "lib/core/pareto.h"

#include <algorithm>
#include <cmath>

namespace hpo {
namespace {

constexpr double kEps = 1e-12;  // Optuna's EPS for a zero reference coordinate

// The points strictly below the reference in every objective: the only ones with volume.
std::vector<LossVector> InsideReference(const std::vector<LossVector>& points,
                                        const LossVector& reference) {
  std::vector<LossVector> inside;
  for (const LossVector& p : points) {
    bool below = true;
    for (size_t d = 0; d < reference.size(); ++d) below = below && p[d] < reference[d];
    if (below) inside.push_back(p);
  }
  return inside;
}

// Hypervolume by slicing along the last objective: between consecutive values of it, the
// volume is the slab's height times the hypervolume of the points below, one dimension down.
double SliceVolume(std::vector<LossVector> points, const LossVector& reference, size_t dims) {
  if (points.empty()) return 0.0;
  if (dims == 1) {
    double best = reference[0];
    for (const LossVector& p : points) best = std::min(best, p[0]);
    return reference[0] - best;
  }
  const size_t last = dims - 1;
  std::sort(points.begin(), points.end(),
            [last](const LossVector& a, const LossVector& b) { return a[last] < b[last]; });
  double volume = 0.0;
  std::vector<LossVector> below;
  for (size_t i = 0; i < points.size(); ++i) {
    below.push_back(points[i]);
    const double top = i + 1 < points.size() ? points[i + 1][last] : reference[last];
    if (top > points[i][last])
      volume += (top - points[i][last]) * SliceVolume(below, reference, last);
  }
  return volume;
}

}  // namespace

bool Dominates(const LossVector& a, const LossVector& b) {
  bool better = false;
  for (size_t d = 0; d < a.size(); ++d) {
    if (a[d] > b[d]) return false;
    better = better || a[d] < b[d];
  }
  return better;
}

std::vector<int> NondominationRanks(const std::vector<LossVector>& points) {
  const size_t n = points.size();
  std::vector<int> rank(n, -1);
  std::vector<int> dominated_by(n, 0);  // how many points dominate each
  std::vector<std::vector<size_t>> dominates(n);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < n; ++j) {
      if (i != j && Dominates(points[i], points[j])) {
        dominates[i].push_back(j);
        ++dominated_by[j];
      }
    }
  }
  std::vector<size_t> front;
  for (size_t i = 0; i < n; ++i) {
    if (dominated_by[i] == 0) front.push_back(i);
  }
  for (int r = 0; !front.empty(); ++r) {
    std::vector<size_t> next;
    for (size_t i : front) {
      rank[i] = r;
      for (size_t j : dominates[i]) {
        if (--dominated_by[j] == 0) next.push_back(j);
      }
    }
    std::sort(next.begin(), next.end());
    front = std::move(next);
  }
  return rank;
}

double Hypervolume(std::vector<LossVector> points, const LossVector& reference) {
  if (reference.empty()) return 0.0;
  return SliceVolume(InsideReference(points, reference), reference, reference.size());
}

LossVector ReferencePoint(const std::vector<LossVector>& points) {
  LossVector reference = points.at(0);
  for (const LossVector& p : points) {
    for (size_t d = 0; d < reference.size(); ++d) reference[d] = std::max(reference[d], p[d]);
  }
  for (double& r : reference) {
    r = std::max(1.1 * r, 0.9 * r);
    if (r == 0) r = kEps;
  }
  return reference;
}

std::vector<size_t> GreedyHypervolumeSubset(const std::vector<LossVector>& points, size_t k,
                                            const LossVector& reference) {
  std::vector<size_t> chosen;
  std::vector<bool> taken(points.size(), false);
  std::vector<LossVector> selected;
  double volume = 0.0;
  while (chosen.size() < std::min(k, points.size())) {
    size_t best = points.size();
    double best_gain = -1.0, best_volume = volume;
    for (size_t i = 0; i < points.size(); ++i) {
      if (taken[i]) continue;
      selected.push_back(points[i]);
      const double with = Hypervolume(selected, reference);
      selected.pop_back();
      if (with - volume > best_gain) best = i, best_gain = with - volume, best_volume = with;
    }
    taken[best] = true;
    chosen.push_back(best);
    selected.push_back(points[best]);
    volume = best_volume;
  }
  return chosen;
}

std::vector<double> HypervolumeContributions(const std::vector<LossVector>& points,
                                             const LossVector& reference) {
  const double all = Hypervolume(points, reference);
  std::vector<double> contributions;
  for (size_t i = 0; i < points.size(); ++i) {
    std::vector<LossVector> without = points;
    without.erase(without.begin() + static_cast<std::ptrdiff_t>(i));
    contributions.push_back(all - Hypervolume(without, reference));
  }
  return contributions;
}

}  // namespace hpo
