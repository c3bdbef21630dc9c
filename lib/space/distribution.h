// Parameter distributions and their maps to the unit box (docs/protein.md).
//
// A numeric parameter maps to a coordinate u in [0, 1] through a transform: linear (uniform,
// int_uniform, q_uniform), log10 (log_normal, loguniform, log_uniform_values), log2 rounded to
// powers of two (uniform_pow2), or log10(1 - v) (logit_normal: resolves values near 1 finely).
// A categorical parameter maps to its choice index.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lib/core/error.h"
#include "lib/core/random.h"
#include "lib/core/value.h"
#include "lib/space/search_space.h"

namespace hpo::space {

class Distribution {
 public:
  virtual ~Distribution() = default;
  /// The distribution's name as written in configs ("log_normal", "categorical"...).
  virtual const std::string& name() const = 0;
  /// How a sampler sees it: kind, levels, centre, scale, log axis (name left empty).
  virtual Dimension dimension() const = 0;
  /// True when the value lies in the distribution's range (numeric) or is a choice.
  virtual bool Contains(const Value& value) const = 0;
  /// The coordinate of a value (unit coordinate, or index for categoricals). The value must be
  /// contained: one from elsewhere has no coordinate (std::invalid_argument), rather than a
  /// made-up one.
  virtual double ToUnit(const Value& value) const = 0;
  /// The value at a coordinate: clamped into the box, rounded/snapped for discrete kinds.
  virtual Value FromUnit(double u) const = 0;
  /// A draw from the prior, as a coordinate.
  virtual double SamplePrior(Rng& rng) const = 0;
  /// Numeric kinds: the contained value nearest `value`, a number from outside such as PBT's
  /// perturbed one (lib/pbt/explore.h): clamped into the range, then rounded to the step and kind
  /// (integer, power of two, multiple of q) as a draw is; within the range and on the grid it
  /// is `value` itself. Unbounded kinds (the normal family) only round to q and keep a log
  /// kind's value at 0 or above. A categorical has no order to clip in: std::logic_error.
  virtual Value Clip(double value) const = 0;
};

/// What a numeric parameter's config says.
struct NumericSpec {
  std::string distribution;  ///< uniform, int_uniform, q_uniform, discrete_uniform, log_normal,
                             ///< loguniform, log_uniform_values, q_log_uniform_values,
                             ///< uniform_pow2, logit_normal, int_loguniform; with sigma:
                             ///< normal, q_normal, log_normal, q_log_normal,
                             ///< truncated_normal; with beta: beta, q_beta
  double min = 0, max = 1;
  std::optional<double> mean;        ///< search centre (default: geometric mean on log axes)
  std::optional<std::string> scale;  ///< "auto", "time" or a number, in Protein's [-1, 1] units
  /// The step: q_uniform's and q_log_uniform_values' q (multiples of q from 0, W&B's),
  /// discrete_uniform's and int_uniform's step (min, min + q, ...: Optuna's `step`).
  double q = 1.0;
  /// W&B's normal family (normal, q_normal, log_normal, q_log_normal): the standard deviation,
  /// with `mean` as mu. Such a distribution is unbounded (min and max are unused): its unit
  /// coordinate is the normal CDF of the value (of its log for the log kinds). With
  /// truncated_normal (ConfigSpace's normal_float) the normal is truncated to [min, max] and
  /// the coordinate is the truncated CDF.
  std::optional<double> sigma{};  // `{}`: braced specs may leave it out
  /// W&B's beta and q_beta: the shape parameters (W&B's defaults 1 and 1). Such a distribution
  /// lies on [0, 1] (min and max are unused): its unit coordinate is the beta CDF of the value.
  struct BetaShape {
    double a = 1, b = 1;
    bool operator==(const BetaShape&) const = default;
  };
  std::optional<BetaShape> beta{};
  /// q_uniform and q_log_uniform_values: a multiple of q outside [min, max] is that bound, as
  /// NNI's quniform and qloguniform clip it (W&B's keep the multiple).
  bool clip{};
  /// q_uniform, q_log_uniform_values, q_normal and q_log_normal: the multiple of q at or below
  /// the draw, floor(x / q) * q, as Polyaxon's q kinds take it (hypertune dist.py: np.round(x //
  /// q) * q); otherwise the nearest (W&B's round(x / q) * q).
  bool floor{};

  bool operator==(const NumericSpec&) const = default;
};

/// The numeric distribution names MakeNumeric accepts.
const std::vector<std::string>& NumericDistributionNames();

/// Builds a numeric distribution. Throws UserError at `origin` for min > max, non-positive
/// bounds on log axes, bounds outside (0, 1) for logit_normal, a mean outside [min, max], an
/// unknown distribution or scale, non-integer bounds of integer kinds.
std::unique_ptr<Distribution> MakeNumeric(const NumericSpec& spec, const Origin& origin);

/// Builds a categorical distribution over `choices` (any values, lists included); `prior`, if
/// given, must be one of them and is the search centre; `weights` (W&B's probabilities, one per
/// choice, > 0), if given, are the prior's draw odds. Throws UserError for no choices.
std::unique_ptr<Distribution> MakeCategorical(std::vector<Value> choices,
                                              std::optional<Value> prior, const Origin& origin,
                                              const std::vector<double>& weights = {});

}  // namespace hpo::space
