// The search space as samplers see it: a box of unit coordinates, one per parameter.
//
// Numeric parameters map to [0, 1] through their distribution (linear, log10, log2,
// log10(1 - v), ...), so a sampler never needs to know about learning rates or powers of
// two. Categorical parameters are an index in [0, num_choices). Converting back to
// parameter values, rounding integers and checking constraints is the space's job.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lib/core/random.h"
#include "lib/core/value.h"

namespace hpo::space {

enum class DimensionKind {
  kContinuous,   ///< any unit coordinate in [0, 1] is a distinct value
  kDiscrete,     ///< numeric with num_levels distinct values (int, pow2, q_uniform); Snap()
                 ///< moves a coordinate to the coordinate of the value it rounds to
  kCategorical,  ///< coordinate is an index 0 .. num_levels - 1 (unordered)
};

/// One parameter as a sampler sees it.
struct Dimension {
  std::string name;  ///< canonical dotted name (trainer key)
  DimensionKind kind = DimensionKind::kContinuous;
  int num_levels = 0;  ///< kDiscrete / kCategorical: number of distinct values
  /// kDiscrete whose levels sit evenly from 0 to 1 in unit coordinates (int_uniform, q_uniform
  /// and uniform_pow2 with bounds on the grid): their spacing, 1 / (num_levels - 1). 0 when the
  /// levels are uneven (int_loguniform) or the dimension is not discrete.
  double level_step = 0.0;
  double center = 0.5;  ///< search centre (the prior mean), unit coordinate or category index
  bool has_prior =
      false;  ///< the centre was given (`mean:` / `prior:`), not the middle of the range
  /// Protein's search half-width in unit coordinates ([0,1] box, so half of Protein's
  /// [-1,1] scale): "auto" -> 0.25, "time" -> 0.5 / (log2 max - log2 min).
  double scale = 0.25;
  bool log_scale = false;  ///< the mapping to [0,1] is logarithmic (for plots and reports)
  /// Active only for some values of another parameter (SearchSpace::SetCondition). Where it is
  /// inactive, a trial has no value for it and its coordinate in a history point is NaN.
  bool conditional = false;
};

/// A point of the box: one coordinate per dimension, in dimension order.
using UnitPoint = std::vector<double>;

class Distribution;  // lib/space/distribution.h
class Constraint;    // lib/space/constraint.h

class SearchSpace {
 public:
  SearchSpace();
  ~SearchSpace();
  SearchSpace(SearchSpace&&) noexcept;
  SearchSpace& operator=(SearchSpace&&) noexcept;

  /// Adds a parameter; the name must be new (the loader reports duplicates with file:line).
  void AddParameter(std::string name, std::unique_ptr<Distribution> distribution);
  /// Adds a constraint: a combination of values to skip.
  void AddConstraint(std::unique_ptr<Constraint> constraint);
  /// Values that are not searched but that constraints may read (the config's fixed values).
  void SetFixed(ParamSet fixed);
  /// Makes `child` active only while `parent` is active and takes one of `values` (numbers
  /// compare by value). Throws UserError for an unknown name, a second condition on `child`,
  /// or a cycle of conditions.
  void SetCondition(const std::string& child, const std::string& parent, std::vector<Value> values);
  /// Makes `child` active only while `parent` is active and its value is a number strictly
  /// above `above` and strictly below `below` (either may be absent, not both): ConfigSpace's
  /// GreaterThanCondition and LessThanCondition. Throws as SetCondition does.
  void SetRangeCondition(const std::string& child, const std::string& parent,
                         std::optional<double> above, std::optional<double> below);

  const std::vector<Dimension>& dimensions() const;
  size_t size() const;

  /// Values for a point (rounded, snapped, clamped into bounds): the active parameters only.
  ParamSet ToParams(const UnitPoint& point) const;
  /// The value of one dimension at unit coordinate `unit`, whether or not it is active.
  Value ValueAt(size_t dimension, double unit) const;
  /// The coordinate of one dimension's value (a categorical's choice index); nullopt when the
  /// dimension does not contain it.
  std::optional<double> UnitOf(size_t dimension, const Value& value) const;
  /// A numeric dimension's value nearest `value`: clamped into its range and rounded to its
  /// step (Distribution::Clip). std::logic_error for a categorical.
  Value Clip(size_t dimension, double value) const;
  /// A draw from one dimension's prior, as a value.
  Value SamplePriorValue(size_t dimension, Rng& rng) const;
  /// Which parameters are active at this point (all, without conditions).
  std::vector<bool> Active(const UnitPoint& point) const;
  /// Which parameters are active given these values (a parent without a value leaves its
  /// children inactive).
  std::vector<bool> Active(const ParamSet& params) const;
  /// True when the values have every active parameter of the space and no inactive one, each
  /// inside its range or among its choices. Trials of an earlier space (an accepted config
  /// change) may not be.
  bool Contains(const ParamSet& params) const;
  /// The point of a set of values (inverse of ToParams up to rounding; NaN for an inactive
  /// parameter). The values must be Contains()'d: std::invalid_argument otherwise (nothing is
  /// moved into the space silently).
  UnitPoint ToUnit(const ParamSet& params) const;
  /// Snaps a point to what ToParams would produce (discrete levels, categorical indices); a NaN
  /// coordinate (an inactive parameter) stays NaN.
  UnitPoint Snap(const UnitPoint& point) const;
  /// The point with each NaN coordinate (an inactive parameter) at its dimension's centre: how
  /// the samplers that model the whole box (GP, CMA-ES) see a conditional parameter.
  UnitPoint Impute(const UnitPoint& point) const;

  /// The search centre (every dimension's prior mean).
  UnitPoint Center() const;
  /// A draw from every distribution's prior.
  UnitPoint SamplePrior(Rng& rng) const;

  /// True when no constraint rejects the values of this point.
  bool IsFeasible(const UnitPoint& point) const;
  bool IsFeasible(const ParamSet& params) const;
  /// The index (in the order added) of the first constraint that rejects these values.
  std::optional<size_t> RejectingConstraint(const ParamSet& params) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hpo::space
