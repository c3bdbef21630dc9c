// Grid search: the Cartesian product of every categorical's choices, every discrete range's
// levels (or grid_points of them when there are more) and grid_points per continuous range, in
// a stable order (the first parameter varies slowest), skipping points the study already has
// and points a constraint rejects. Exhausted when every point has been tried. A conditional
// parameter's values run only where it is active: the grid's points are its distinct trials.
#pragma once

#include <vector>

#include "lib/samplers/sampler.h"

namespace hpo::samplers {

struct GridSettings {
  /// Points per continuous range (discrete ranges with fewer levels use all of them); the sweep
  /// file's grid_points.
  int points = 5;

  /// Throws UserError for a setting out of range.
  void Check() const;

  bool operator==(const GridSettings&) const = default;
};

class GridSampler : public Sampler {
 public:
  explicit GridSampler(const GridSettings& settings) : s_(settings) {}
  std::optional<Suggestion> Suggest(const space::SearchSpace& space,
                                    std::span<const Observation> history, Rng& rng) override;

  /// The grid's coordinates along each dimension (snapped, without repeats), for tests and dry
  /// runs.
  std::vector<std::vector<double>> Axes(const space::SearchSpace& space) const;
  /// The number of distinct trials the grid runs (constraints aside): the product of the axes,
  /// less the repeats that inactive conditional parameters make.
  double Size(const space::SearchSpace& space) const;

 private:
  GridSettings s_;
};

}  // namespace hpo::samplers
