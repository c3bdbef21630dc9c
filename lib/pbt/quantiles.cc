#include "lib/pbt/quantiles.h"

#include <algorithm>
#include <cmath>

namespace hpo::pbt {
namespace {

// pbt.py:962-974: the members that can be compared, in ascending score order.
std::vector<int> RankedMembers(std::span<const ScoredMember> members) {
  std::vector<int> ranked;
  for (size_t i = 0; i < members.size(); ++i) {
    const ScoredMember& m = members[i];
    if (m.score && !std::isnan(*m.score) && !m.finished) ranked.push_back(static_cast<int>(i));
  }
  std::stable_sort(ranked.begin(), ranked.end(),
                   [&](int a, int b) { return *members[a].score < *members[b].score; });
  return ranked;
}

// pbt.py:979-983.
size_t QuantileSize(size_t ranked, double quantile_fraction) {
  const auto n = static_cast<double>(ranked);
  const double size = std::ceil(n * quantile_fraction);
  return static_cast<size_t>(size > n / 2 ? std::floor(n / 2) : size);
}

}  // namespace

Quantiles SplitQuantiles(std::span<const ScoredMember> members, double quantile_fraction) {
  const std::vector<int> ranked = RankedMembers(members);
  if (ranked.size() <= 1) return {};
  const size_t size = QuantileSize(ranked.size(), quantile_fraction);
  Quantiles quantiles;
  quantiles.bottom.assign(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(size));
  // trials[-size:]; with size 0 Python's -0 is 0, the whole list (pbt.py:984).
  const size_t top_from = size == 0 ? 0 : ranked.size() - size;
  quantiles.top.assign(ranked.begin() + static_cast<std::ptrdiff_t>(top_from), ranked.end());
  return quantiles;
}

}  // namespace hpo::pbt
