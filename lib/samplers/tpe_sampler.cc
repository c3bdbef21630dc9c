#include "lib/samplers/tpe_sampler.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <numeric>
#include <variant>

#include "lib/samplers/random_sampler.h"

namespace hpo::samplers {
namespace {

using space::Dimension;
using space::DimensionKind;
using space::UnitPoint;

constexpr double kNegInf = -std::numeric_limits<double>::infinity();

double NormalCdf(double z) { return 0.5 * std::erfc(-z / std::numbers::sqrt2); }

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
  for (double l : logs) sum += std::exp(l - top);
  return top + std::log(sum);
}

/// Optuna's default_weights for n observations in trial order (flat for the newest 25, a linear
/// ramp from 1/n below that), then the prior's weight; normalised, as logs.
std::vector<double> LogKernelWeights(size_t n, double prior_weight) {
  std::vector<double> w(n, 1.0);
  if (n > 25) {
    const size_t ramp = n - 25;
    const double first = 1.0 / static_cast<double>(n);
    for (size_t i = 0; i < ramp; ++i) {
      w[i] = ramp == 1 ? first : first + (1.0 - first) * static_cast<double>(i) / static_cast<double>(ramp - 1);
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
  /// `mus` are the observations; the prior (centre of the box, as wide as it) is appended.
  NumericKernels(const Dimension& dim, std::vector<double> mus, bool multivariate, size_t n_dims)
      : step_(dim.level_step), low_(-step_ / 2), high_(1.0 + step_ / 2), mu_(std::move(mus)) {
    const size_t n = mu_.size();
    const double range = high_ - low_;
    sigma_ = multivariate ? std::vector<double>(n, 0.2 * std::pow(static_cast<double>(std::max<size_t>(n, 1)),
                                                                   -1.0 / (static_cast<double>(n_dims) + 4.0)) * range)
                          : NeighbourSigmas();
    // Optuna's magic clip: no kernel narrower than the range over the number of kernels + 1.
    const double min_sigma = range / std::min(100.0, 2.0 + static_cast<double>(n));
    for (double& s : sigma_) s = std::clamp(s, min_sigma, range);
    mu_.push_back(0.5);
    sigma_.push_back(range);
    for (size_t i = 0; i < mu_.size(); ++i) {
      const double mass = NormalMass((low_ - mu_[i]) / sigma_[i], (high_ - mu_[i]) / sigma_[i]);
      log_norm_.push_back(-std::log(mass) - (step_ > 0 ? 0.0 : std::log(sigma_[i] * std::sqrt(2 * std::numbers::pi))));
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
        acc[i] += std::log(NormalMass((level - step_ / 2 - mu_[i]) / sigma_[i], (level + step_ / 2 - mu_[i]) / sigma_[i])) +
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
  double AlignToLevel(double v) const { return std::clamp(std::round(v / step_) * step_, 0.0, 1.0); }

  /// Univariate bandwidths (Optuna): with the prior's centre among the sorted observations and
  /// the bounds at both ends, each kernel is as wide as the larger gap to its neighbours; the
  /// lowest and highest take their inner gap only (consider_endpoints=False).
  std::vector<double> NeighbourSigmas() const {
    std::vector<double> points = mu_;
    points.push_back(0.5 * (low_ + high_));
    std::vector<size_t> order(points.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return points[a] < points[b]; });
    std::vector<double> sorted{low_};
    for (size_t i : order) sorted.push_back(points[i]);
    sorted.push_back(high_);
    const size_t m = points.size();
    std::vector<double> sigma(m);
    for (size_t r = 0; r < m; ++r) {
      const double left = sorted[r + 1] - sorted[r], right = sorted[r + 2] - sorted[r + 1];
      double s = std::max(left, right);
      if (r == 0) s = right;
      if (r + 1 == m) s = left;
      sigma[order[r]] = s;
    }
    sigma.pop_back();  // the prior's own width is the range
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
    for (size_t i = 0; i < observed_.size(); ++i) acc[i] += observed_[i] == c ? log_hit_ : log_miss_;
    acc.back() += log_uniform_;
  }

 private:
  int num_choices_;
  double log_uniform_, log_hit_ = 0, log_miss_ = 0;
  std::vector<long> observed_;  // the observed choice of each kernel but the prior
};

/// A Parzen mixture over a block of dimensions: one kernel per observation (a product over the
/// block's dimensions) and the prior kernel.
class ParzenEstimator {
 public:
  ParzenEstimator(const std::vector<Dimension>& dims, const std::vector<size_t>& block,
                  const std::vector<const UnitPoint*>& points, const SamplerSettings& s)
      : log_weights_(LogKernelWeights(points.size(), s.prior_weight)) {
    const bool multivariate = block.size() > 1;
    for (size_t k : block) {
      std::vector<double> column;
      for (const UnitPoint* p : points) column.push_back((*p)[k]);
      if (dims[k].kind == DimensionKind::kCategorical) {
        columns_.emplace_back(CategoricalKernels(dims[k], column, s.prior_weight));
      } else {
        columns_.emplace_back(NumericKernels(dims[k], std::move(column), multivariate, block.size()));
      }
    }
  }

  /// Draws one point of the block from the mixture.
  std::vector<double> Sample(Rng& rng) const {
    std::vector<double> weights(log_weights_.size());
    for (size_t i = 0; i < weights.size(); ++i) weights[i] = std::exp(log_weights_[i]);
    const size_t kernel = WeightedIndex(rng, weights);
    std::vector<double> x;
    for (const auto& column : columns_) {
      x.push_back(std::visit([&](const auto& c) { return c.Sample(kernel, rng); }, column));
    }
    return x;
  }

  /// log density of the mixture at a block point.
  double LogPdf(const std::vector<double>& x) const {
    std::vector<double> acc = log_weights_;
    for (size_t k = 0; k < columns_.size(); ++k) {
      std::visit([&](const auto& c) { c.AddLogPdf(x[k], acc); }, columns_[k]);
    }
    return LogSumExp(acc);
  }

 private:
  std::vector<double> log_weights_;
  std::vector<std::variant<NumericKernels, CategoricalKernels>> columns_;
};

/// Optuna's split: the best gamma(n) complete trials are "below" (good), topped up with the
/// pruned trials that got furthest (then by their last value) when there are too few complete
/// ones; every other complete or pruned trial, and running ones under the constant liar, is
/// "above". Both groups stay in trial order, which the kernel weights need.
struct Groups {
  std::vector<const UnitPoint*> below, above;
};

Groups SplitHistory(std::span<const Observation> history, size_t n_below, bool constant_liar) {
  std::vector<size_t> complete, pruned;
  for (size_t i = 0; i < history.size(); ++i) {
    if (history[i].state == TrialState::kComplete) complete.push_back(i);
    if (history[i].state == TrialState::kPruned) pruned.push_back(i);
  }
  std::stable_sort(complete.begin(), complete.end(), [&](size_t a, size_t b) { return history[a].value > history[b].value; });
  std::stable_sort(pruned.begin(), pruned.end(), [&](size_t a, size_t b) {
    if (history[a].last_step != history[b].last_step) return history[a].last_step > history[b].last_step;
    return history[a].value > history[b].value;
  });
  std::vector<bool> is_below(history.size(), false);
  for (const std::vector<size_t>* ranked : {&complete, &pruned}) {
    for (size_t i = 0; i < ranked->size() && n_below > 0; ++i, --n_below) is_below[(*ranked)[i]] = true;
  }
  Groups groups;
  for (size_t i = 0; i < history.size(); ++i) {
    const TrialState state = history[i].state;
    if (is_below[i]) {
      groups.below.push_back(&history[i].point);
    } else if (state == TrialState::kComplete || state == TrialState::kPruned ||
               (constant_liar && state == TrialState::kRunning)) {
      groups.above.push_back(&history[i].point);
    }
  }
  return groups;
}

}  // namespace

std::optional<Suggestion> TpeSampler::Suggest(const space::SearchSpace& space, std::span<const Observation> history,
                                              Rng& rng) {
  const auto n_finished = static_cast<size_t>(std::count_if(history.begin(), history.end(), [](const Observation& o) {
    return o.state == TrialState::kComplete || o.state == TrialState::kPruned;
  }));
  if (n_finished < static_cast<size_t>(std::max(s_.n_startup_trials, 1))) {
    return SampleFeasible(space, rng, s_.max_constraint_tries, "random (start-up)");
  }
  const auto n_below = std::min<size_t>(static_cast<size_t>(std::ceil(s_.tpe_gamma * static_cast<double>(n_finished))), 25);
  const Groups groups = SplitHistory(history, n_below, s_.constant_liar);

  const std::vector<Dimension>& dims = space.dimensions();
  std::vector<std::vector<size_t>> blocks;
  if (s_.multivariate) {
    blocks.emplace_back(dims.size());
    std::iota(blocks[0].begin(), blocks[0].end(), 0);
  } else {
    for (size_t d = 0; d < dims.size(); ++d) blocks.push_back({d});
  }
  std::vector<std::pair<ParzenEstimator, ParzenEstimator>> models;  // (below, above) per block
  for (const std::vector<size_t>& block : blocks) {
    models.emplace_back(ParzenEstimator(dims, block, groups.below, s_), ParzenEstimator(dims, block, groups.above, s_));
  }

  // Draw candidates from the good model, keep the one maximising l(x) / g(x); redraw while a
  // constraint rejects the result.
  Suggestion suggestion{space.Center(), "tpe", 0};
  for (int attempt = 0; attempt < 100; ++attempt) {
    for (size_t b = 0; b < blocks.size(); ++b) {
      const auto& [below, above] = models[b];
      double best_score = kNegInf;
      for (int i = 0; i < s_.n_ei_candidates; ++i) {
        const std::vector<double> x = below.Sample(rng);
        const double score = below.LogPdf(x) - above.LogPdf(x);
        if (score > best_score || i == 0) {
          best_score = score;
          for (size_t k = 0; k < blocks[b].size(); ++k) suggestion.point[blocks[b][k]] = x[k];
        }
      }
    }
    suggestion.point = space.Snap(suggestion.point);
    if (space.IsFeasible(suggestion.point)) return suggestion;
    ++suggestion.constraint_rejections;
  }
  Suggestion fallback = SampleFeasible(space, rng, s_.max_constraint_tries, "random (tpe found nothing feasible)");
  fallback.constraint_rejections += suggestion.constraint_rejections;
  return fallback;
}

}  // namespace hpo::samplers
