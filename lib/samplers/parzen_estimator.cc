#include "lib/samplers/parzen_estimator.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <numeric>
#include <variant>

#include "lib/core/pareto.h"

namespace hpo::samplers {
namespace {

using space::Dimension;
using space::DimensionKind;
using space::UnitPoint;

constexpr double kNegInf = -std::numeric_limits<double>::infinity();

// Beyond 8 standard deviations the tail is under 1e-15 of the mass: no erfc needed (most
// kernels' far bound is there, and erfc was a fifth of a suggestion's time at 1000 trials).
double NormalCdf(double z) {
  if (z > 8) return 1.0;
  if (z < -8) return 0.0;
  return 0.5 * std::erfc(-z / std::numbers::sqrt2);
}

/// Mass of the standard normal on [a, b], computed on the side of the tail the interval is in,
/// so that intervals far from 0 do not cancel to zero.
double NormalMass(double a, double b) {
  const double mass = a > 0 ? NormalCdf(-a) - NormalCdf(-b) : NormalCdf(b) - NormalCdf(a);
  return std::max(mass, 1e-300);
}

double LogSumExp(const std::vector<double>& logs) {
  const double top = *std::max_element(logs.begin(), logs.end());
  if (top == kNegInf) return kNegInf;
  double sum = 0;
  for (double l : logs) {
    if (l > top - 40) sum += std::exp(l - top);  // smaller terms change the sum by < 1e-17
  }
  return top + std::log(sum);
}

/// Optuna's default_weights for n observations in trial order (flat for the newest 25, a linear
/// ramp from 1/n below that) unless `given`, then the prior's weight; normalised, as logs.
std::vector<double> LogKernelWeights(size_t n, double prior_weight,
                                     const std::vector<double>& given) {
  std::vector<double> w = given.empty() ? std::vector<double>(n, 1.0) : given;
  if (given.empty() && n > 25) {
    const size_t ramp = n - 25;
    const double first = 1.0 / static_cast<double>(n);
    for (size_t i = 0; i < ramp; ++i) {
      w[i] = ramp == 1
                 ? first
                 : first + (1.0 - first) * static_cast<double>(i) / static_cast<double>(ramp - 1);
    }
  }
  w.push_back(n == 0 ? 1.0 : prior_weight);
  const double total = std::accumulate(w.begin(), w.end(), 0.0);
  for (double& x : w) x = std::log(x / total);
  return w;
}

/// One numeric dimension of a Parzen mixture: per kernel a Gaussian truncated to [low, high].
/// Continuous dimensions use the box [0, 1]. Discrete dimensions with evenly spaced levels use
/// the box widened by half a level on each side, draw on the levels, and give each level the
/// mass of its bin (Optuna's discrete truncated normal); uneven levels are modelled as
/// continuous and snapped afterwards.
class NumericKernels {
 public:
  /// `mus` are the observations; the prior kernel, as wide as the box, is appended. It sits at
  /// the box's centre, as Optuna's, or at the parameter's `mean:` when the file gives one (the
  /// user's prior, weighted as Optuna weighs its own).
  NumericKernels(const Dimension& dim, std::vector<double> mus, bool multivariate, size_t n_dims)
      : step_(dim.level_step), low_(-step_ / 2), high_(1.0 + step_ / 2), mu_(std::move(mus)) {
    const size_t n = mu_.size();
    const double range = high_ - low_;
    sigma_ = multivariate
                 ? std::vector<double>(n, 0.2 *
                                              std::pow(static_cast<double>(std::max<size_t>(n, 1)),
                                                       -1.0 / (static_cast<double>(n_dims) + 4.0)) *
                                              range)
                 : NeighbourSigmas();
    // Optuna's magic clip: no kernel narrower than the range over the number of kernels + 1.
    const double min_sigma = range / std::min(100.0, 2.0 + static_cast<double>(n));
    for (double& s : sigma_) s = std::clamp(s, min_sigma, range);
    mu_.push_back(dim.has_prior ? dim.center : 0.5);
    sigma_.push_back(range);
    double last_sigma = -1, log_height = 0;  // multivariate kernels share one width: one log
    for (size_t i = 0; i < mu_.size(); ++i) {
      const double mass = NormalMass((low_ - mu_[i]) / sigma_[i], (high_ - mu_[i]) / sigma_[i]);
      if (sigma_[i] != last_sigma) {
        last_sigma = sigma_[i];
        log_height = step_ > 0 ? 0.0 : std::log(sigma_[i] * std::sqrt(2 * std::numbers::pi));
      }
      log_norm_.push_back(-std::log(mass) - log_height);
    }
  }

  double Sample(size_t kernel, Rng& rng) const {
    double v;
    do {  // redraw until inside: the mean is inside, so at least ~a third of draws land
      v = mu_[kernel] + sigma_[kernel] * StandardNormal(rng);
    } while (v < low_ || v > high_);
    return step_ > 0 ? AlignToLevel(v) : v;
  }

  /// Adds each kernel's log density at x to `acc`.
  void AddLogPdf(double x, std::vector<double>& acc) const {
    if (step_ > 0) {
      const double level = AlignToLevel(x);
      for (size_t i = 0; i < mu_.size(); ++i) {
        acc[i] += std::log(NormalMass((level - step_ / 2 - mu_[i]) / sigma_[i],
                                      (level + step_ / 2 - mu_[i]) / sigma_[i])) +
                  log_norm_[i];
      }
      return;
    }
    for (size_t i = 0; i < mu_.size(); ++i) {
      const double z = (x - mu_[i]) / sigma_[i];
      acc[i] += -0.5 * z * z + log_norm_[i];
    }
  }

 private:
  double AlignToLevel(double v) const {
    return std::clamp(std::round(v / step_) * step_, 0.0, 1.0);
  }

  /// Univariate bandwidths (Optuna 4.9): with the bounds at both ends of the sorted
  /// observations, each kernel is as wide as the larger gap to its neighbours; with two or more
  /// observations the lowest and highest take their inner gap only (consider_endpoints=False).
  std::vector<double> NeighbourSigmas() const {
    const size_t m = mu_.size();
    std::vector<size_t> order(m);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return mu_[a] < mu_[b]; });
    std::vector<double> sorted{low_};
    for (size_t i : order) sorted.push_back(mu_[i]);
    sorted.push_back(high_);
    std::vector<double> sigma(m);
    for (size_t r = 0; r < m; ++r) {
      const double left = sorted[r + 1] - sorted[r], right = sorted[r + 2] - sorted[r + 1];
      double s = std::max(left, right);
      if (m >= 2 && r == 0) s = right;
      if (m >= 2 && r + 1 == m) s = left;
      sigma[order[r]] = s;
    }
    return sigma;
  }

  double step_, low_, high_;
  std::vector<double> mu_, sigma_, log_norm_;
};

/// One categorical dimension: per observation, a row with prior_weight / n_kernels on every
/// choice and +1 on the observed one, normalised (Optuna 4); the prior's row is uniform. So each
/// kernel's probability is one of two numbers: the observed choice's, or any other's.
class CategoricalKernels {
 public:
  CategoricalKernels(const Dimension& dim, const std::vector<double>& observed, double prior_weight)
      : num_choices_(dim.num_levels), log_uniform_(-std::log(static_cast<double>(dim.num_levels))) {
    const double n_kernels = static_cast<double>(observed.size() + 1);
    const double fill = prior_weight / n_kernels, row = 1.0 + fill * dim.num_levels;
    log_hit_ = std::log((1.0 + fill) / row);
    log_miss_ = fill > 0 ? std::log(fill / row) : kNegInf;
    for (double x : observed) observed_.push_back(std::lround(x));
  }

  double Sample(size_t kernel, Rng& rng) const {
    const int m = num_choices_;
    if (kernel == observed_.size()) return static_cast<double>(UniformInt(rng, 0, m));
    std::vector<double> row(static_cast<size_t>(m), std::exp(log_miss_));
    row[static_cast<size_t>(observed_[kernel])] = std::exp(log_hit_);
    return static_cast<double>(WeightedIndex(rng, row));
  }

  void AddLogPdf(double x, std::vector<double>& acc) const {
    const long c = std::lround(x);
    for (size_t i = 0; i < observed_.size(); ++i)
      acc[i] += observed_[i] == c ? log_hit_ : log_miss_;
    acc.back() += log_uniform_;
  }

 private:
  int num_choices_;
  double log_uniform_, log_hit_ = 0, log_miss_ = 0;
  std::vector<long> observed_;  // the observed choice of each kernel but the prior
};

}  // namespace

struct ParzenEstimator::Columns {
  std::vector<std::variant<NumericKernels, CategoricalKernels>> per_dimension;
};

ParzenEstimator::ParzenEstimator(const std::vector<Dimension>& dims,
                                 const std::vector<size_t>& block,
                                 const std::vector<const UnitPoint*>& points, double prior_weight,
                                 const std::vector<double>& weights)
    : log_weights_(LogKernelWeights(points.size(), prior_weight, weights)),
      columns_(std::make_unique<Columns>()) {
  for (double lw : log_weights_) weights_.push_back(std::exp(lw));
  const bool multivariate = block.size() > 1;
  for (size_t k : block) {
    std::vector<double> column;
    for (const UnitPoint* p : points) column.push_back((*p)[k]);
    if (dims[k].kind == DimensionKind::kCategorical) {
      columns_->per_dimension.emplace_back(CategoricalKernels(dims[k], column, prior_weight));
    } else {
      columns_->per_dimension.emplace_back(
          NumericKernels(dims[k], std::move(column), multivariate, block.size()));
    }
  }
}

ParzenEstimator::ParzenEstimator(ParzenEstimator&&) noexcept = default;
ParzenEstimator::~ParzenEstimator() = default;

std::vector<double> ParzenEstimator::Sample(Rng& rng) const {
  const size_t kernel = WeightedIndex(rng, weights_);
  std::vector<double> x;
  for (const auto& column : columns_->per_dimension) {
    x.push_back(std::visit([&](const auto& c) { return c.Sample(kernel, rng); }, column));
  }
  return x;
}

double ParzenEstimator::LogPdf(const std::vector<double>& x) const {
  std::vector<double> acc = log_weights_;
  for (size_t k = 0; k < columns_->per_dimension.size(); ++k) {
    std::visit([&](const auto& c) { c.AddLogPdf(x[k], acc); }, columns_->per_dimension[k]);
  }
  return LogSumExp(acc);
}

namespace {

/// A complete observation's objectives as losses (every objective minimised).
LossVector Losses(const Observation& o) {
  LossVector losses = {-o.value};
  for (double v : o.more_values) losses.push_back(-v);
  return losses;
}

/// Optuna 4's _split_complete_trials_multi_objective: the `n_below` best of `complete` (indices
/// into history), best rank first.
std::vector<size_t> BestByNondomination(std::span<const Observation> history,
                                        const std::vector<size_t>& complete, size_t n_below) {
  if (n_below >= complete.size()) return complete;
  std::vector<LossVector> losses;
  for (size_t i : complete) losses.push_back(Losses(history[i]));
  const std::vector<int> ranks = NondominationRanks(losses);
  std::vector<size_t> best;
  for (int rank = 0; best.size() < n_below; ++rank) {
    std::vector<size_t> members;  // positions in `complete`
    for (size_t k = 0; k < complete.size(); ++k) {
      if (ranks[k] == rank) members.push_back(k);
    }
    if (best.size() + members.size() <= n_below) {
      for (size_t k : members) best.push_back(complete[k]);
      continue;
    }
    std::vector<LossVector> tied;  // the rank that does not fit whole: greedy hypervolume subset
    for (size_t k : members) tied.push_back(losses[k]);
    for (size_t j : GreedyHypervolumeSubset(tied, n_below - best.size(), ReferencePoint(tied)))
      best.push_back(complete[members[j]]);
  }
  return best;
}

/// Optuna 4's _calculate_weights_below_for_multi_objective: each below point's hypervolume
/// contribution among the below Pareto front, over the largest one; EPS for the others.
std::vector<double> HypervolumeWeights(const std::vector<LossVector>& below) {
  constexpr double kEps = 1e-12;
  std::vector<double> weights(below.size(), 1.0);
  if (below.size() <= 1) return weights;
  const LossVector reference = ReferencePoint(below);
  std::vector<size_t> front;
  std::vector<LossVector> front_losses;
  for (size_t i = 0; i < below.size(); ++i) {
    const bool dominated = std::any_of(below.begin(), below.end(), [&](const LossVector& other) {
      return Dominates(other, below[i]);
    });
    if (!dominated) front.push_back(i), front_losses.push_back(below[i]);
  }
  std::vector<double> contributions(below.size(), 0.0);
  const std::vector<double> front_contributions = HypervolumeContributions(front_losses, reference);
  for (size_t k = 0; k < front.size(); ++k) contributions[front[k]] = front_contributions[k];
  const double top = std::max(*std::max_element(contributions.begin(), contributions.end()), kEps);
  for (size_t i = 0; i < below.size(); ++i) weights[i] = std::max(contributions[i] / top, kEps);
  return weights;
}

}  // namespace

TpeGroups SplitHistory(std::span<const Observation> history, size_t n_below, bool constant_liar) {
  std::vector<size_t> complete, pruned;
  for (size_t i = 0; i < history.size(); ++i) {
    if (history[i].state == TrialState::kComplete) complete.push_back(i);
    if (history[i].state == TrialState::kPruned) pruned.push_back(i);
  }
  const bool multi_objective = std::any_of(
      complete.begin(), complete.end(), [&](size_t i) { return !history[i].more_values.empty(); });
  if (multi_objective) {
    complete = BestByNondomination(history, complete, n_below);
  } else {
    std::stable_sort(complete.begin(), complete.end(),
                     [&](size_t a, size_t b) { return history[a].value > history[b].value; });
  }
  std::stable_sort(pruned.begin(), pruned.end(), [&](size_t a, size_t b) {
    if (history[a].last_step != history[b].last_step)
      return history[a].last_step > history[b].last_step;
    return history[a].value > history[b].value;
  });
  std::vector<bool> is_below(history.size(), false);
  for (const std::vector<size_t>* ranked : {&complete, &pruned}) {
    for (size_t i = 0; i < ranked->size() && n_below > 0; ++i, --n_below)
      is_below[(*ranked)[i]] = true;
  }
  TpeGroups groups;
  std::vector<LossVector> below_losses;
  for (size_t i = 0; i < history.size(); ++i) {
    const TrialState state = history[i].state;
    if (is_below[i]) {
      groups.below.push_back(&history[i].point);
      below_losses.push_back(Losses(history[i]));
    } else if (state == TrialState::kComplete || state == TrialState::kPruned ||
               (constant_liar && state == TrialState::kRunning)) {
      groups.above.push_back(&history[i].point);
    }
  }
  if (multi_objective) groups.below_weights = HypervolumeWeights(below_losses);
  return groups;
}

}  // namespace hpo::samplers
