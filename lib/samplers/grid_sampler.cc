#include "lib/samplers/grid_sampler.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "lib/core/error.h"

namespace hpo::samplers {
namespace {

constexpr double kSamePoint = 1e-9;
constexpr double kMaxGridSize = 1e7;

bool SamePoint(const space::UnitPoint& a, const space::UnitPoint& b) {
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::fabs(a[i] - b[i]) > kSamePoint) return false;
  }
  return true;
}

}  // namespace

void GridSettings::Check() const {
  if (points < 1) throw UserError(fmt::format("grid_points must be >= 1, got {}", points));
}

std::vector<std::vector<double>> GridSampler::Axes(const space::SearchSpace& space) const {
  std::vector<std::vector<double>> axes;
  const auto& dims = space.dimensions();
  for (size_t d = 0; d < dims.size(); ++d) {
    std::vector<double> axis;
    if (dims[d].kind == space::DimensionKind::kCategorical) {
      for (int i = 0; i < dims[d].num_levels; ++i) axis.push_back(i);
    } else {
      const int n = dims[d].kind == space::DimensionKind::kDiscrete
                        ? std::min(dims[d].num_levels, s_.points)
                        : s_.points;
      for (int i = 0; i < n; ++i) {
        space::UnitPoint probe = space.Center();
        probe[d] = n == 1 ? dims[d].center : static_cast<double>(i) / (n - 1);
        const double snapped = space.Snap(probe)[d];
        if (std::none_of(axis.begin(), axis.end(),
                         [&](double x) { return std::fabs(x - snapped) < kSamePoint; })) {
          axis.push_back(snapped);
        }
      }
    }
    axes.push_back(std::move(axis));
  }
  return axes;
}

std::optional<Suggestion> GridSampler::Suggest(const space::SearchSpace& space,
                                               std::span<const Observation> history, Rng&) {
  const std::vector<std::vector<double>> axes = Axes(space);
  double size = 1;
  for (const auto& axis : axes) size *= static_cast<double>(axis.size());
  if (size > kMaxGridSize) {
    throw UserError(
        fmt::format("the grid has {:.3g} points; lower grid_points or use method random", size));
  }
  Suggestion suggestion{{}, "grid", 0};
  std::vector<size_t> index(axes.size(), 0);
  space::UnitPoint point(axes.size());
  for (int64_t n = 0; n < static_cast<int64_t>(size); ++n) {
    // Mixed-radix counter, the last dimension varying fastest.
    int64_t rest = n;
    for (size_t d = axes.size(); d-- > 0;) {
      index[d] = static_cast<size_t>(rest % static_cast<int64_t>(axes[d].size()));
      rest /= static_cast<int64_t>(axes[d].size());
      point[d] = axes[d][index[d]];
    }
    if (std::any_of(history.begin(), history.end(),
                    [&](const Observation& o) { return SamePoint(space.Snap(o.point), point); })) {
      continue;
    }
    if (!space.IsFeasible(point)) {
      ++suggestion.constraint_rejections;
      continue;
    }
    suggestion.point = point;
    return suggestion;
  }
  return std::nullopt;
}

}  // namespace hpo::samplers
