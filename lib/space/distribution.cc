#include "lib/space/distribution.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>

namespace hpo::space {
namespace {

enum class Transform { kLinear, kLog10, kLog2, kLogit };
// kInteger: integers min, min + q, ... (q = 1 unless a step is given); kQuantum: min, min + q,
// ... (Optuna's float step: the loader lowers max onto the grid); kQuantumFromZero: multiples
// of q nearest to the range, rounded half to even (W&B's q_uniform and q_log_uniform_values
// draw round(x / q) * q with numpy, so their values are multiples of q counted from 0, and the
// end ones may lie just outside [min, max]).
enum class Rounding { kNone, kInteger, kPowerOfTwo, kQuantum, kQuantumFromZero };

struct Kind {
  std::string name;
  Transform transform;
  Rounding rounding;
  bool
      gaussian_prior;  // *_normal: the prior is a Gaussian around the mean, else uniform in the box
};

const std::vector<Kind>& Kinds() {
  static const std::vector<Kind> kinds = {
      {"uniform", Transform::kLinear, Rounding::kNone, false},
      {"int_uniform", Transform::kLinear, Rounding::kInteger, false},
      {"q_uniform", Transform::kLinear, Rounding::kQuantumFromZero, false},
      {"discrete_uniform", Transform::kLinear, Rounding::kQuantum, false},
      {"log_normal", Transform::kLog10, Rounding::kNone, true},
      {"loguniform", Transform::kLog10, Rounding::kNone, false},
      {"log_uniform_values", Transform::kLog10, Rounding::kNone, false},
      {"int_loguniform", Transform::kLog10, Rounding::kInteger, false},
      {"q_log_uniform_values", Transform::kLog10, Rounding::kQuantumFromZero, false},
      {"uniform_pow2", Transform::kLog2, Rounding::kPowerOfTwo, false},
      {"logit_normal", Transform::kLogit, Rounding::kNone, true},
  };
  return kinds;
}

double Forward(Transform t, double v) {
  switch (t) {
    case Transform::kLinear:
      return v;
    case Transform::kLog10:
      return std::log10(v);
    case Transform::kLog2:
      return std::log2(v);
    case Transform::kLogit:
      return std::log10(1.0 - v);
  }
  return v;
}

double Inverse(Transform t, double x) {
  switch (t) {
    case Transform::kLinear:
      return x;
    case Transform::kLog10:
      return std::pow(10.0, x);
    case Transform::kLog2:
      return std::exp2(x);
    case Transform::kLogit:
      return 1.0 - std::pow(10.0, x);
  }
  return x;
}

class NumericDistribution : public Distribution {
 public:
  NumericDistribution(const Kind& kind, const NumericSpec& spec, double center_unit,
                      double scale_unit)
      : kind_(kind),
        spec_(spec),
        lo_(Forward(kind.transform, spec.min)),
        hi_(Forward(kind.transform, spec.max)),
        center_(center_unit),
        scale_(scale_unit) {}

  const std::string& name() const override { return kind_.name; }

  Dimension dimension() const override {
    Dimension d;
    d.kind =
        kind_.rounding == Rounding::kNone ? DimensionKind::kContinuous : DimensionKind::kDiscrete;
    d.num_levels = Levels();
    d.level_step = EvenLevelStep();
    d.center = center_;
    d.has_prior = spec_.mean.has_value();
    d.scale = scale_;
    d.log_scale = kind_.transform == Transform::kLog10 || kind_.transform == Transform::kLog2;
    return d;
  }

  /// In the range, and one of the levels for discrete kinds (Optuna's _contains: a step
  /// value within 1e-8 steps of the grid).
  bool Contains(const Value& value) const override {
    if (!value.is_number()) return false;
    const double v = value.as_double();
    const auto on_grid = [](double steps) { return std::fabs(steps - std::round(steps)) < 1e-8; };
    switch (kind_.rounding) {
      case Rounding::kNone:
      case Rounding::kPowerOfTwo:
        return v >= spec_.min && v <= spec_.max;
      case Rounding::kInteger:
        return v >= spec_.min && v <= spec_.max && v == std::floor(v) &&
               on_grid((v - spec_.min) / spec_.q);
      case Rounding::kQuantum:
        return v >= spec_.min && v <= spec_.max && on_grid((v - spec_.min) / spec_.q);
      case Rounding::kQuantumFromZero: {
        if (spec_.clip)  // the multiples inside the range, and the bounds the outer ones clip to
          return v >= spec_.min && v <= spec_.max &&
                 (on_grid(v / spec_.q) || v == spec_.min || v == spec_.max);
        const double k = std::round(v / spec_.q);
        return on_grid(v / spec_.q) && k >= FirstMultiple() && k <= LastMultiple();
      }
    }
    return false;
  }

  double ToUnit(const Value& value) const override {
    if (!Contains(value))
      throw std::invalid_argument("value " + value.ToYaml() + " is outside the distribution");
    if (hi_ == lo_) return 0.5;
    const double v = value.as_double();
    if (spec_.floor) {  // the middle of the draws that floor to v: [v, v + q) within the range
      const double from = std::max(v, spec_.min), to = std::min(v + spec_.q, spec_.max);
      return std::clamp((ToUnitUnchecked(from) + ToUnitUnchecked(to)) / 2, 0.0, 1.0);
    }
    return std::clamp((Forward(kind_.transform, v) - lo_) / (hi_ - lo_), 0.0, 1.0);
  }

  Value FromUnit(double u) const override {
    u = std::clamp(u, 0.0, 1.0);
    const double v =
        std::clamp(Inverse(kind_.transform, lo_ + u * (hi_ - lo_)), spec_.min, spec_.max);
    // 15 significant digits: drops the last-ulp noise of exp/log round trips (5e-04, not
    // 4.999999999999999e-04), far below any resolution a hyperparameter has.
    if (kind_.rounding == Rounding::kNone)
      return Value(std::clamp(std::stod(fmt::format("{:.15g}", v)), spec_.min, spec_.max));
    return RoundToLevel(v);
  }

  // Rounded in value space, not through a unit coordinate: a value on the grid (76 of an
  // int_uniform) must not move by a round trip's last-ulp error. A continuous value is kept as
  // given (no 15-digit trim): it went through no transform.
  Value Clip(double value) const override {
    if (std::isnan(value)) throw std::invalid_argument("NaN has no nearest value");
    const double v = std::clamp(value, spec_.min, spec_.max);
    return kind_.rounding == Rounding::kNone ? Value(v) : RoundToLevel(v);
  }

  double SamplePrior(Rng& rng) const override {
    // Evenly spaced levels are drawn as levels: a uniform coordinate would give the two end
    // levels half the chance of the others (each rounds from half a level's width).
    if (const double step = EvenLevelStep(); step > 0 && !kind_.gaussian_prior) {
      return step * static_cast<double>(UniformInt(rng, 0, Levels()));
    }
    if (!kind_.gaussian_prior) return UniformUnit(rng);
    // A Gaussian around the centre with the search scale as its deviation, redrawn (not
    // clipped) until inside the box, so no mass piles up on the faces.
    for (int attempt = 0; attempt < 64; ++attempt) {
      const double u = center_ + scale_ * StandardNormal(rng);
      if (u >= 0.0 && u <= 1.0) return u;
    }
    return UniformUnit(rng);
  }

 private:
  /// The level of a discrete kind that a value in [min, max] rounds to, as a draw does.
  Value RoundToLevel(double v) const {
    switch (kind_.rounding) {
      case Rounding::kNone:
        return Value(v);
      case Rounding::kInteger: {  // nearest level, halves away from zero (std::llround)
        const double last = spec_.min + std::floor((spec_.max - spec_.min) / spec_.q) * spec_.q;
        const double level =
            spec_.min + static_cast<double>(std::llround((v - spec_.min) / spec_.q)) * spec_.q;
        return Value(static_cast<int64_t>(std::clamp(level, spec_.min, last)));
      }
      case Rounding::kPowerOfTwo: {
        // The exponent is rounded in log2 space, within the powers of two inside [min, max].
        const double e = std::clamp(std::round(std::log2(v)), std::ceil(std::log2(spec_.min)),
                                    std::floor(std::log2(spec_.max)));
        return Value(static_cast<int64_t>(std::llround(std::exp2(e))));
      }
      case Rounding::kQuantum: {
        const double steps = std::round((v - spec_.min) / spec_.q);
        return Value(std::min(spec_.min + steps * spec_.q, spec_.max));
      }
      case Rounding::kQuantumFromZero: {  // numpy's round: halves to even (the default FE mode)
        const double k = spec_.floor ? std::floor(v / spec_.q) : std::nearbyint(v / spec_.q);
        const double multiple = std::clamp(k, FirstMultiple(), LastMultiple()) * spec_.q;
        return Value(spec_.clip ? std::clamp(multiple, spec_.min, spec_.max) : multiple);
      }
    }
    return Value(v);
  }

  int Levels() const {
    double levels = 0;
    switch (kind_.rounding) {
      case Rounding::kNone:
        return 0;
      case Rounding::kInteger:
        levels = std::floor((spec_.max - spec_.min) / spec_.q + 1e-9) + 1;
        break;
      case Rounding::kQuantumFromZero:
        levels = LastMultiple() - FirstMultiple() + 1;
        break;
      case Rounding::kPowerOfTwo:
        levels = std::floor(std::log2(spec_.max)) - std::ceil(std::log2(spec_.min)) + 1;
        break;
      case Rounding::kQuantum:
        levels = std::floor((spec_.max - spec_.min) / spec_.q + 1e-9) + 1;
        break;
    }
    // More levels than an int holds are as good as continuous to a sampler (and the cast of a
    // larger double would be undefined).
    return static_cast<int>(std::min(levels, static_cast<double>(std::numeric_limits<int>::max())));
  }

  /// Levels are evenly spaced in unit coordinates when the transform is the one the rounding
  /// works in (linear for integers and quanta, log2 for powers of two), and they span the whole
  /// box when both bounds are levels.
  double EvenLevelStep() const {
    const int levels = Levels();
    const bool even_transform =
        (kind_.transform == Transform::kLinear &&
         (kind_.rounding == Rounding::kInteger || kind_.rounding == Rounding::kQuantum ||
          kind_.rounding == Rounding::kQuantumFromZero)) ||
        (kind_.transform == Transform::kLog2 && kind_.rounding == Rounding::kPowerOfTwo);
    // clip: uneven ends; floor: each level sits in the middle of its draws, not on the grid
    if (levels < 2 || !even_transform || hi_ == lo_ || spec_.clip || spec_.floor) return 0.0;
    const auto is_level = [&](double v) { return FromUnit(ToUnitUnchecked(v)).as_double() == v; };
    if (!is_level(spec_.min) || !is_level(spec_.max)) return 0.0;
    return 1.0 / (levels - 1);
  }
  // kQuantumFromZero: the multiples of q the range's ends round to (floor: the one below min,
  // and the last below max, which a draw from [min, max) never reaches).
  double FirstMultiple() const {
    return spec_.floor ? std::floor(spec_.min / spec_.q) : std::nearbyint(spec_.min / spec_.q);
  }
  double LastMultiple() const {
    return spec_.floor ? std::ceil(spec_.max / spec_.q) - 1 : std::nearbyint(spec_.max / spec_.q);
  }
  double ToUnitUnchecked(double v) const {
    return (Forward(kind_.transform, v) - lo_) / (hi_ - lo_);
  }

  Kind kind_;
  NumericSpec spec_;
  double lo_, hi_;
  double center_, scale_;
};

class CategoricalDistribution : public Distribution {
 public:
  CategoricalDistribution(std::vector<Value> choices, int center, bool has_prior,
                          const std::vector<double>& weights)
      : choices_(std::move(choices)), center_(center), has_prior_(has_prior) {
    double total = 0;
    for (double w : weights) cumulative_.push_back(total += w);
  }

  const std::string& name() const override {
    static const std::string kName = "categorical";
    return kName;
  }
  Dimension dimension() const override {
    Dimension d;
    d.kind = DimensionKind::kCategorical;
    d.num_levels = static_cast<int>(choices_.size());
    d.center = center_;
    d.has_prior = has_prior_;
    d.scale = 1.0;  // Metta: "auto" cannot reach every category; a full-width scale can
    return d;
  }
  bool Contains(const Value& value) const override { return Index(value).has_value(); }

  double ToUnit(const Value& value) const override {
    const std::optional<size_t> i = Index(value);
    if (!i) throw std::invalid_argument("value " + value.ToYaml() + " is not one of the choices");
    return static_cast<double>(*i);
  }
  Value FromUnit(double u) const override {
    const auto i = static_cast<size_t>(
        std::clamp<double>(std::round(u), 0, static_cast<double>(choices_.size() - 1)));
    return choices_[i];
  }
  Value Clip(double) const override {
    throw std::logic_error("a categorical parameter has no range to clip a number into");
  }
  double SamplePrior(Rng& rng) const override {
    if (cumulative_.empty())
      return static_cast<double>(UniformInt(rng, 0, static_cast<int64_t>(choices_.size())));
    // W&B's weighted draw: the first choice whose cumulative weight passes u * total
    const double u = UniformUnit(rng) * cumulative_.back();
    const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), u);
    return static_cast<double>(std::min<size_t>(it - cumulative_.begin(), choices_.size() - 1));
  }

 private:
  // The first choice equal to `value`; numbers compare by value, and NaN is the choice NaN (a
  // trial that ran it must map back to it: W&B's grid runs NaN as a value).
  std::optional<size_t> Index(const Value& value) const {
    for (size_t i = 0; i < choices_.size(); ++i) {
      if (choices_[i] == value) return i;
      if (!choices_[i].is_number() || !value.is_number()) continue;
      const double a = choices_[i].as_double(), b = value.as_double();
      if (a == b || (std::isnan(a) && std::isnan(b))) return i;
    }
    return std::nullopt;
  }

  std::vector<Value> choices_;
  std::vector<double> cumulative_;  ///< running sums of the weights; empty: equal odds
  int center_;
  bool has_prior_;
};

// The standard normal CDF and its inverse (by bisection: exact to a double, and this is not a
// hot path: samplers work in unit coordinates and convert only what they suggest).
double NormalCdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

// The x in [lo, hi] where an increasing `cdf` reaches u, by bisection: at most `steps` halvings,
// fewer once the interval is within `tolerance` of x (relative, or absolute below 1).
template <class Cdf>
double InvertCdf(const Cdf& cdf, double u, double lo, double hi, int steps, double tolerance) {
  for (int i = 0; i < steps && hi - lo > tolerance * std::max(1.0, std::fabs(lo)); ++i) {
    const double mid = (lo + hi) / 2;
    (cdf(mid) < u ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

double NormalQuantile(double u) { return InvertCdf(NormalCdf, u, -40, 40, 200, 1e-15); }

/// W&B's normal family: mu + sigma * z (exp() of it for the log kinds), rounded to multiples of
/// q for the q kinds (wandb/sweeps params.py). The unit coordinate is the CDF, so a uniform
/// coordinate is a draw of the distribution and every sampler works on it unchanged.
class NormalDistribution : public Distribution {
 public:
  NormalDistribution(std::string name, double mu, double sigma, bool log, bool quantised, double q,
                     bool floor)
      : name_(std::move(name)),
        mu_(mu),
        sigma_(sigma),
        log_(log),
        quantised_(quantised),
        floor_(floor),
        q_(q) {}

  const std::string& name() const override { return name_; }
  Dimension dimension() const override {
    Dimension d;
    d.kind = DimensionKind::kContinuous;
    d.center = 0.5;
    d.has_prior = true;
    d.log_scale = log_;
    return d;
  }
  bool Contains(const Value& value) const override {
    if (!value.is_number() || !std::isfinite(value.as_double())) return false;
    const double v = value.as_double();
    if (log_ && v < 0) return false;
    return !quantised_ || std::fabs(v / q_ - std::round(v / q_)) < 1e-8;
  }
  double ToUnit(const Value& value) const override {
    if (!Contains(value))
      throw std::invalid_argument("value " + value.ToYaml() + " is outside the distribution");
    if (sigma_ == 0) return 0.5;
    const double v = value.as_double();
    if (floor_) return (Cdf(v) + Cdf(v + q_)) / 2;  // the middle of the draws that floor to v
    return Cdf(v);
  }
  Value FromUnit(double u) const override {
    double x = mu_ + sigma_ * NormalQuantile(std::clamp(u, 1e-12, 1 - 1e-12));
    if (log_) x = std::exp(x);
    if (quantised_) x = (floor_ ? std::floor(x / q_) : std::nearbyint(x / q_)) * q_;
    return Value(std::stod(fmt::format("{:.15g}", x)));
  }
  // Unbounded: only the sign of the log kinds and the multiple of q are kept, and the value is
  // kept finite (Contains() takes no infinity).
  Value Clip(double value) const override {
    if (std::isnan(value)) throw std::invalid_argument("NaN has no nearest value");
    constexpr double kLargest = std::numeric_limits<double>::max();
    double x = std::clamp(value, log_ ? 0.0 : -kLargest, kLargest);
    if (quantised_) x = (floor_ ? std::floor(x / q_) : std::nearbyint(x / q_)) * q_;
    return Value(std::clamp(x, -kLargest, kLargest));
  }
  double SamplePrior(Rng& rng) const override { return UniformUnit(rng); }

 private:
  double Cdf(double v) const {
    const double x = log_ ? std::log(std::max(v, std::numeric_limits<double>::min())) : v;
    return NormalCdf((x - mu_) / sigma_);
  }

  std::string name_;
  double mu_, sigma_;
  bool log_, quantised_, floor_;
  double q_;
};

// log(1 - Phi(z)), the normal's log survival function, without underflow: erfc below z = 30,
// beyond it the asymptotic series of Mills' ratio (its next term is below 2e-12 there).
double LogNormalSurvival(double z) {
  if (z < 30) return std::log(0.5 * std::erfc(z / std::sqrt(2.0)));
  const double r = 1 / (z * z);
  const double series = 1 - r * (1 - 3 * r * (1 - 5 * r * (1 - 7 * r)));
  return -z * z / 2 - std::log(z * std::sqrt(2 * std::numbers::pi)) + std::log(series);
}

/// A normal N(mu, sigma) truncated to [min, max] (ConfigSpace's normal_float: scipy's truncnorm,
/// hyperparameters/normal_float.py:123-131). As for the normal family, the unit coordinate is
/// the distribution's CDF, so a uniform coordinate is a draw of it and every sampler works on it
/// unchanged. A range wholly on one side of mu is measured by the normal's log tail from the
/// bound nearer mu, so that a range 40 sigma out (where Phi rounds to 0 or 1) keeps its law, as
/// scipy's truncnorm keeps it.
class TruncatedNormalDistribution : public Distribution {
 public:
  TruncatedNormalDistribution(double mu, double sigma, double min, double max)
      : mu_(mu), sigma_(sigma), min_(min), max_(max) {}

  const std::string& name() const override {
    static const std::string kName = "truncated_normal";
    return kName;
  }
  Dimension dimension() const override {
    Dimension d;
    d.kind = DimensionKind::kContinuous;
    d.center = Cdf(std::clamp(mu_, min_, max_));  // the mode: ConfigSpace's default value
    d.has_prior = true;
    return d;
  }
  bool Contains(const Value& value) const override {
    return value.is_number() && value.as_double() >= min_ && value.as_double() <= max_;
  }
  double ToUnit(const Value& value) const override {
    if (!Contains(value))
      throw std::invalid_argument("value " + value.ToYaml() + " is outside the distribution");
    return Cdf(value.as_double());
  }
  Value FromUnit(double u) const override {
    u = std::clamp(u, 0.0, 1.0);
    const double x = InvertCdf([this](double v) { return Cdf(v); }, u, min_, max_, 200, 1e-15);
    return Value(std::clamp(std::stod(fmt::format("{:.15g}", x)), min_, max_));
  }
  Value Clip(double value) const override {
    if (std::isnan(value)) throw std::invalid_argument("NaN has no nearest value");
    return Value(std::clamp(value, min_, max_));
  }
  double SamplePrior(Rng& rng) const override { return UniformUnit(rng); }

 private:
  double Cdf(double x) const {
    const double z = (x - mu_) / sigma_, a = (min_ - mu_) / sigma_, b = (max_ - mu_) / sigma_;
    double f = 0;
    if (a >= 0) {  // above mu: 1 - S(z) / S(a) over 1 - S(b) / S(a), S the survival function
      const double la = LogNormalSurvival(a);
      f = std::expm1(LogNormalSurvival(z) - la) / std::expm1(LogNormalSurvival(b) - la);
    } else if (b <= 0) {  // below mu: the same, mirrored (Phi(z) = S(-z)), from the upper bound
      const double lb = LogNormalSurvival(-b), la = LogNormalSurvival(-a) - lb;
      f = (std::exp(LogNormalSurvival(-z) - lb) - std::exp(la)) / -std::expm1(la);
    } else {
      f = (NormalCdf(z) - NormalCdf(a)) / (NormalCdf(b) - NormalCdf(a));
    }
    return std::clamp(f, 0.0, 1.0);
  }

  double mu_, sigma_, min_, max_;
};

// The regularized incomplete beta function's continued fraction (modified Lentz), which
// converges fast for x < (a + 1) / (a + b + 2).
double BetaContinuedFraction(double x, double a, double b) {
  constexpr double kTiny = 1e-300;
  auto guard = [](double v) { return std::fabs(v) < kTiny ? kTiny : v; };
  double c = 1, d = 1 / guard(1 - (a + b) * x / (a + 1)), h = d;
  for (int m = 1; m <= 500; ++m) {
    const double m2 = 2.0 * m;
    const double even = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
    d = 1 / guard(1 + even * d);
    c = guard(1 + even / c);
    h *= d * c;
    const double odd = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
    d = 1 / guard(1 + odd * d);
    c = guard(1 + odd / c);
    h *= d * c;
    if (std::fabs(d * c - 1) < 1e-15) break;
  }
  return h;
}

class BetaDistribution : public Distribution {
 public:
  BetaDistribution(std::string name, double a, double b, bool quantised, double q)
      : name_(std::move(name)), a_(a), b_(b), quantised_(quantised), q_(q) {}

  const std::string& name() const override { return name_; }
  Dimension dimension() const override {
    Dimension d;
    d.center = 0.5;  // the median: coordinates are CDF values
    d.has_prior = true;
    if (quantised_) {  // multiples of q from 0 to round(1 / q) q, unevenly spaced in the CDF
      d.kind = DimensionKind::kDiscrete;
      d.num_levels = static_cast<int>(std::nearbyint(1 / q_)) + 1;
    }
    return d;
  }
  bool Contains(const Value& value) const override {
    if (!value.is_number()) return false;
    const double v = value.as_double();
    if (!quantised_) return v >= 0 && v <= 1;
    const double k = std::nearbyint(v / q_);
    return std::fabs(v / q_ - k) < 1e-8 && k >= 0 && k <= std::nearbyint(1 / q_);
  }
  double ToUnit(const Value& value) const override {
    if (!Contains(value))
      throw std::invalid_argument("value " + value.ToYaml() + " is outside the distribution");
    return Cdf(std::clamp(value.as_double(), 0.0, 1.0));
  }
  Value FromUnit(double u) const override {
    double x = Quantile(std::clamp(u, 0.0, 1.0));
    if (quantised_) x = std::nearbyint(x / q_) * q_;  // W&B: round(beta / q) * q
    return Value(std::stod(fmt::format("{:.15g}", x)));
  }
  Value Clip(double value) const override {
    if (std::isnan(value)) throw std::invalid_argument("NaN has no nearest value");
    const double x = std::clamp(value, 0.0, 1.0);
    if (!quantised_) return Value(x);
    return Value(std::clamp(std::nearbyint(x / q_), 0.0, std::nearbyint(1 / q_)) * q_);
  }
  double SamplePrior(Rng& rng) const override { return UniformUnit(rng); }

 private:
  // I_x(a, b), from the continued fraction on the side where it converges fast.
  double Cdf(double x) const { return RegularizedBeta(x, a_, b_); }
  static double RegularizedBeta(double x, double a, double b) {
    if (x <= 0) return 0;
    if (x >= 1) return 1;
    if (x > (a + 1) / (a + b + 2)) return 1 - RegularizedBeta(1 - x, b, a);
    const double log_front =
        std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
    return std::exp(log_front) * BetaContinuedFraction(x, a, b) / a;
  }
  double Quantile(double u) const {  // 100 halvings: exact near 0 too, where values are tiny
    return InvertCdf([this](double x) { return Cdf(x); }, u, 0, 1, 100, 0);
  }

  std::string name_;
  double a_, b_;
  bool quantised_;
  double q_;
};

// W&B's beta and q_beta (wandb/sweeps params.py: scipy's beta(a, b), q_beta rounds to q).
std::unique_ptr<Distribution> MakeBeta(const NumericSpec& spec, const Origin& origin) {
  const std::string& d = spec.distribution;
  if (d != "beta" && d != "q_beta")
    throw UserError(origin, fmt::format("a and b go with beta or q_beta, not '{}'", Echo(d)));
  const double a = spec.beta->a, b = spec.beta->b;
  if (!(a > 0) || !(b > 0) || !std::isfinite(a) || !std::isfinite(b))
    throw UserError(origin, fmt::format("{} needs a > 0 and b > 0, got a {} b {}", d, a, b));
  if (spec.floor) throw UserError(origin, fmt::format("{} does not floor to q", d));
  const bool quantised = d == "q_beta";
  if (quantised && !(spec.q > 0))
    throw UserError(origin, fmt::format("q_beta needs q > 0, got {}", spec.q));
  return std::make_unique<BetaDistribution>(d, a, b, quantised, spec.q);
}

std::unique_ptr<Distribution> MakeTruncatedNormal(const NumericSpec& spec, const Origin& origin) {
  const double mu = spec.mean.value_or(0.0), sigma = *spec.sigma;
  if (!std::isfinite(mu) || !std::isfinite(sigma) || !(sigma > 0))
    throw UserError(origin, fmt::format("truncated_normal needs a finite mu and sigma > 0, got mu "
                                        "{} sigma {}",
                                        mu, sigma));
  if (!std::isfinite(spec.min) || !std::isfinite(spec.max) || !(spec.min < spec.max))
    throw UserError(origin, fmt::format("truncated_normal needs finite min < max, got [{}, {}]",
                                        spec.min, spec.max));
  return std::make_unique<TruncatedNormalDistribution>(mu, sigma, spec.min, spec.max);
}

std::unique_ptr<Distribution> MakeNormal(const NumericSpec& spec, const Origin& origin) {
  const std::string& d = spec.distribution;
  if (d == "truncated_normal") return MakeTruncatedNormal(spec, origin);
  if (d != "normal" && d != "q_normal" && d != "log_normal" && d != "q_log_normal") {
    throw UserError(origin, fmt::format("mu and sigma go with normal, q_normal, log_normal, "
                                        "q_log_normal or truncated_normal, not '{}'",
                                        Echo(d)));
  }
  const double mu = spec.mean.value_or(0.0), sigma = *spec.sigma;
  if (!std::isfinite(mu) || !std::isfinite(sigma) || sigma < 0)
    throw UserError(origin, fmt::format("{} needs a finite mu and sigma >= 0, got mu {} sigma {}",
                                        d, mu, sigma));
  const bool quantised = d[0] == 'q';
  if (quantised && !(spec.q > 0))
    throw UserError(origin, fmt::format("{} needs q > 0, got {}", d, spec.q));
  if (spec.floor && !quantised)
    throw UserError(origin, fmt::format("{} does not floor to q (floor_to_q goes with q_normal "
                                        "and q_log_normal)",
                                        d));
  return std::make_unique<NormalDistribution>(d, mu, sigma, d.find("log") != std::string::npos,
                                              quantised, spec.q, spec.floor);
}

}  // namespace

const std::vector<std::string>& NumericDistributionNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const Kind& k : Kinds()) out.push_back(k.name);
    return out;
  }();
  return names;
}

namespace {

const Kind& FindKind(const NumericSpec& spec, const Origin& origin) {
  const auto kind = std::find_if(Kinds().begin(), Kinds().end(),
                                 [&](const Kind& k) { return k.name == spec.distribution; });
  if (kind != Kinds().end()) return *kind;
  std::string known;
  for (const Kind& k : Kinds()) known += (known.empty() ? "" : ", ") + k.name;
  throw UserError(origin, fmt::format("unknown distribution '{}' (known: {}, categorical)",
                                      Echo(spec.distribution), known));
}

// min and max: finite, in order, and what the kind's axis and rounding need of them.
void CheckBounds(const Kind& kind, const NumericSpec& spec, const Origin& origin) {
  auto fail = [&](const std::string& why) { throw UserError(origin, why); };
  if (!std::isfinite(spec.min) || !std::isfinite(spec.max))
    fail("min and max must be finite numbers");
  if (spec.min > spec.max) fail(fmt::format("min {} is greater than max {}", spec.min, spec.max));
  if ((kind.transform == Transform::kLog10 || kind.transform == Transform::kLog2) &&
      spec.min <= 0) {
    fail(fmt::format("{} needs min > 0 (it works on a log axis), got min {}", kind.name, spec.min));
  }
  if (kind.transform == Transform::kLogit && (spec.min <= 0 || spec.max >= 1)) {
    fail(fmt::format("logit_normal needs 0 < min <= max < 1, got [{}, {}]", spec.min, spec.max));
  }
  if (kind.rounding == Rounding::kInteger &&
      (spec.min != std::floor(spec.min) || spec.max != std::floor(spec.max))) {
    fail(fmt::format("{} needs integer bounds, got [{}, {}]", kind.name, spec.min, spec.max));
  }
  constexpr double kExactIntegers = 9007199254740992.0;  // 2^53: every integer up to it is a double
  if (kind.rounding != Rounding::kNone &&
      std::max(std::fabs(spec.min), std::fabs(spec.max)) > kExactIntegers) {
    fail(fmt::format("{} needs bounds within +-2^53, got [{}, {}]", kind.name, spec.min, spec.max));
  }
  if (kind.rounding == Rounding::kPowerOfTwo &&
      std::floor(std::log2(spec.max)) < std::ceil(std::log2(spec.min))) {
    fail(fmt::format("uniform_pow2: no power of two in [{}, {}]", spec.min, spec.max));
  }
}

// q, the integer step, floor_to_q and clip_to_range: each only where the kind has it.
void CheckRounding(const Kind& kind, const NumericSpec& spec, const Origin& origin) {
  auto fail = [&](const std::string& why) { throw UserError(origin, why); };
  if ((kind.rounding == Rounding::kQuantum || kind.rounding == Rounding::kQuantumFromZero) &&
      !(spec.q > 0)) {
    fail(fmt::format("{} needs q > 0, got {}", kind.name, spec.q));
  }
  if (kind.rounding == Rounding::kInteger && (spec.q < 1 || spec.q != std::floor(spec.q)))
    fail(fmt::format("{} needs a whole step >= 1, got {}", kind.name, spec.q));
  if (spec.floor && (kind.rounding != Rounding::kQuantumFromZero || spec.clip))
    fail(
        fmt::format("{} does not floor to q (floor_to_q goes with q_uniform, "
                    "q_log_uniform_values, q_normal and q_log_normal, without clip_to_range)",
                    kind.name));
  if (spec.floor && !(spec.min < spec.max))
    fail(fmt::format("{} floored to q needs min < max, got [{}, {}]", kind.name, spec.min,
                     spec.max));
  if (spec.clip && kind.rounding != Rounding::kQuantumFromZero)
    fail(
        fmt::format("{} does not clip (clip_to_range goes with q_uniform and "
                    "q_log_uniform_values)",
                    kind.name));
  if (kind.transform == Transform::kLog10 && kind.rounding == Rounding::kInteger && spec.q != 1)
    fail(fmt::format("{} takes no step (a log axis has no even grid), got step {}", kind.name,
                     spec.q));
}

// Protein's scale (auto, time or a number, in its [-1, 1] units), as a half-width of the unit box.
double ScaleOf(const Kind& kind, const NumericSpec& spec, const Origin& origin) {
  auto fail = [&](const std::string& why) { throw UserError(origin, why); };
  double scale = 0.5;
  if (spec.scale && *spec.scale == "time") {
    if (kind.transform != Transform::kLog10 && kind.transform != Transform::kLog2) {
      fail("scale 'time' needs a log distribution (log_normal, loguniform, uniform_pow2)");
    }
    if (spec.max == spec.min) fail("scale 'time' needs min < max");
    scale = 1.0 / (std::log2(spec.max) - std::log2(spec.min));
  } else if (spec.scale && *spec.scale != "auto") {
    char* end = nullptr;
    scale = std::strtod(spec.scale->c_str(), &end);
    if (*end != '\0' || !(scale > 0))
      fail(fmt::format("scale must be auto, time or a positive number, got '{}'",
                       Echo(*spec.scale)));
  }
  return scale;
}

}  // namespace

std::unique_ptr<Distribution> MakeNumeric(const NumericSpec& spec, const Origin& origin) {
  if (spec.sigma) return MakeNormal(spec, origin);
  if (spec.beta) return MakeBeta(spec, origin);
  const Kind& kind = FindKind(spec, origin);
  CheckBounds(kind, spec, origin);
  CheckRounding(kind, spec, origin);
  if (spec.mean && (*spec.mean < spec.min || *spec.mean > spec.max)) {
    throw UserError(origin,
                    fmt::format("mean {} is outside [{}, {}]", *spec.mean, spec.min, spec.max));
  }
  const double scale = ScaleOf(kind, spec, origin);
  // the middle of the box (geometric mean on log axes, arithmetic on linear ones), or the mean
  NumericDistribution probe(kind, spec, 0.5, scale / 2);
  double center = 0.5;
  if (spec.mean) {
    center = probe.ToUnit(Value(*spec.mean));
  } else if (kind.transform == Transform::kLogit) {
    center = probe.ToUnit(Value((spec.min + spec.max) / 2));
  }
  return std::make_unique<NumericDistribution>(kind, spec, center, scale / 2);
}

std::unique_ptr<Distribution> MakeCategorical(std::vector<Value> choices,
                                              std::optional<Value> prior, const Origin& origin,
                                              const std::vector<double>& weights) {
  if (choices.empty()) throw UserError(origin, "a categorical parameter needs at least one choice");
  if (!weights.empty() && weights.size() != choices.size())
    throw UserError(origin, "a weighted categorical needs one weight per choice");
  for (double w : weights) {
    if (!(w > 0) || !std::isfinite(w))
      throw UserError(origin, fmt::format("a choice's weight must be > 0, got {}", w));
  }
  int center = 0;
  if (prior) {
    const auto it = std::find(choices.begin(), choices.end(), *prior);
    if (it == choices.end())
      throw UserError(origin, fmt::format("prior {} is not one of the choices", prior->ToYaml()));
    center = static_cast<int>(it - choices.begin());
  }
  return std::make_unique<CategoricalDistribution>(std::move(choices), center, prior.has_value(),
                                                   weights);
}

}  // namespace hpo::space
