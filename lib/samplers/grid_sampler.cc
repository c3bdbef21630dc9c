#include "lib/samplers/grid_sampler.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>

#include "lib/core/error.h"

namespace hpo::samplers {
namespace {

constexpr double kSamePoint = 1e-9;
constexpr double kMaxGridSize = 1e7;

// A value as the grid tells values apart: numbers by their value (3000000 is 3000000.0),
// booleans and null apart from numbers, lists item by item, mappings by their sorted keys;
// W&B's grid merges duplicates the same way (its yaml_hash, a yaml.dump with sort_keys,
// wandb/sweeps grid_search.py:19-29).
std::string GridKey(const Value& value) {
  if (value.is_null()) return "null";
  if (value.is_bool()) return value.as_bool() ? "true" : "false";
  if (value.is_number()) return fmt::format("{}", value.as_double());
  if (value.is_string()) return "'" + value.as_string() + "'";
  std::string key;
  if (value.is_list()) {
    for (const Value& item : value.as_list()) key += GridKey(item) + ",";
    return "[" + key + "]";
  }
  std::map<std::string, std::string> sorted;
  for (const auto& [name, item] : value.as_mapping()) sorted[name] = GridKey(item);
  for (const auto& [name, item] : sorted) key += fmt::format("'{}':{},", name, item);
  return "{" + key + "}";
}

std::string GridKey(const ParamSet& params) {
  std::string key;
  for (const auto& [name, value] : params) key += name + "=" + GridKey(value) + ";";
  return key;
}

// A categorical's choices once each, where the first of equal values is written; the value is
// the last of them, as W&B's grid runs them (its dict from hash to value keeps the last,
// product() walks the hashes in order: grid_search.py:113-134 and 206).
std::vector<double> DistinctChoices(const space::SearchSpace& space, size_t d) {
  const int n = space.dimensions()[d].num_levels;
  std::vector<std::string> keys;
  keys.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) keys.push_back(GridKey(space.ValueAt(d, i)));
  std::vector<double> axis;
  for (int i = 0; i < n; ++i) {
    if (std::find(keys.begin(), keys.begin() + i, keys[i]) != keys.begin() + i) continue;
    const auto last = std::find(keys.rbegin(), keys.rend(), keys[i]);
    axis.push_back(static_cast<double>(keys.rend() - last - 1));
  }
  return axis;
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
      axis = DistinctChoices(space, d);
    } else {
      // Every level of a discrete range (W&B's grid runs every value of an int_uniform), and
      // grid_points values of a continuous one.
      const int n =
          dims[d].kind == space::DimensionKind::kDiscrete ? dims[d].num_levels : s_.points;
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

namespace {

// The point at the n-th position of the grid's mixed-radix order, the last dimension varying
// fastest.
void GridPoint(const std::vector<std::vector<double>>& axes, int64_t n, space::UnitPoint& point) {
  for (size_t d = axes.size(); d-- > 0;) {
    const auto radix = static_cast<int64_t>(axes[d].size());
    point[d] = axes[d][static_cast<size_t>(n % radix)];
    n /= radix;
  }
}

double Product(const std::vector<std::vector<double>>& axes) {
  double size = 1;
  for (const auto& axis : axes) size *= static_cast<double>(axis.size());
  return size;
}

}  // namespace

double GridSampler::Size(const space::SearchSpace& space) const {
  const std::vector<std::vector<double>> axes = Axes(space);
  const double product = Product(axes);
  const auto& dims = space.dimensions();
  if (product > kMaxGridSize ||
      std::none_of(dims.begin(), dims.end(), [](const auto& d) { return d.conditional; }))
    return product;
  std::set<std::string> distinct;
  space::UnitPoint point(axes.size());
  for (int64_t n = 0; n < static_cast<int64_t>(product); ++n) {
    GridPoint(axes, n, point);
    distinct.insert(GridKey(space.ToParams(point)));
  }
  return static_cast<double>(distinct.size());
}

std::optional<Suggestion> GridSampler::Suggest(const space::SearchSpace& space,
                                               std::span<const Observation> history, Rng&) {
  const std::vector<std::vector<double>> axes = Axes(space);
  const double size = Product(axes);
  if (size > kMaxGridSize) {
    throw UserError(
        fmt::format("the grid has {:.3g} points; lower grid_points or use method random", size));
  }
  // The study's points by value: a trial's stored values map back to the first of equal
  // choices, which need not be the one on the axis.
  std::set<std::string> tried;
  for (const Observation& o : history) tried.insert(GridKey(space.ToParams(o.point)));
  Suggestion suggestion{{}, "grid", 0};
  space::UnitPoint point(axes.size());
  for (int64_t n = 0; n < static_cast<int64_t>(size); ++n) {
    GridPoint(axes, n, point);
    if (tried.count(GridKey(space.ToParams(point)))) continue;
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
