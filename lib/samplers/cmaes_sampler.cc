#include "lib/samplers/cmaes_sampler.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <numbers>

#include "lib/samplers/random_sampler.h"

namespace hpo::samplers {
namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;
using space::DimensionKind;

// The strategy parameters of the tutorial's Table 1, for n dimensions.
struct Strategy {
  explicit Strategy(int dims) : n(dims), lambda(CmaesPopulationSize(dims)), mu(lambda / 2) {
    const double nd = n;
    weights.resize(mu);
    for (int i = 0; i < mu; ++i) weights[i] = std::log((lambda + 1) / 2.0) - std::log(i + 1.0);
    weights /= weights.sum();
    mu_eff = 1.0 / weights.squaredNorm();
    c_sigma = (mu_eff + 2) / (nd + mu_eff + 5);
    d_sigma = 1 + 2 * std::max(0.0, std::sqrt((mu_eff - 1) / (nd + 1)) - 1) + c_sigma;
    c_c = (4 + mu_eff / nd) / (nd + 4 + 2 * mu_eff / nd);
    c_1 = 2 / ((nd + 1.3) * (nd + 1.3) + mu_eff);
    c_mu = std::min(1 - c_1, 2 * (mu_eff - 2 + 1 / mu_eff) / ((nd + 2) * (nd + 2) + mu_eff));
    chi_n = std::sqrt(nd) * (1 - 1 / (4 * nd) + 1 / (21 * nd * nd));
    // Injected solutions: a step longer than this (in C's metric) is shortened to it.
    max_step = std::sqrt(nd) + 2 * nd / (nd + 2);
  }
  int n, lambda, mu;
  VectorXd weights;
  double mu_eff, c_sigma, d_sigma, c_c, c_1, c_mu, chi_n, max_step;
};

// Mean, step size, covariance and evolution paths, with C's eigendecomposition kept current.
class Distribution {
 public:
  /// `min_std`: per dimension, the smallest marginal standard deviation allowed (the margin of
  /// integer-like dimensions; 0 for continuous ones).
  Distribution(const Strategy& s, VectorXd mean, VectorXd min_std)
      : s_(s),
        mean_(std::move(mean)),
        min_std_(std::move(min_std)),
        sigma_(1.0 / 3.0),
        C_(MatrixXd::Identity(s.n, s.n)),
        p_sigma_(VectorXd::Zero(s.n)),
        p_c_(VectorXd::Zero(s.n)) {
    ApplyMarginAndDecompose();
  }

  /// One generation's update from its points, best first.
  void Update(const std::vector<VectorXd>& ranked) {
    std::vector<VectorXd> steps;
    for (int i = 0; i < s_.mu; ++i) steps.push_back(ClippedStep(ranked[static_cast<size_t>(i)]));
    VectorXd y_w = VectorXd::Zero(s_.n);
    for (int i = 0; i < s_.mu; ++i) y_w += s_.weights[i] * steps[static_cast<size_t>(i)];
    mean_ += sigma_ * y_w;
    ++generation_;

    const VectorXd c_inv_half_y = B_ * (B_.transpose() * y_w).cwiseQuotient(D_);
    p_sigma_ = (1 - s_.c_sigma) * p_sigma_ +
               std::sqrt(s_.c_sigma * (2 - s_.c_sigma) * s_.mu_eff) * c_inv_half_y;
    const double correction = std::sqrt(1 - std::pow(1 - s_.c_sigma, 2.0 * generation_));
    const bool h_sigma = p_sigma_.norm() / correction < (1.4 + 2.0 / (s_.n + 1)) * s_.chi_n;
    p_c_ =
        (1 - s_.c_c) * p_c_ + (h_sigma ? std::sqrt(s_.c_c * (2 - s_.c_c) * s_.mu_eff) : 0.0) * y_w;

    MatrixXd rank_mu = MatrixXd::Zero(s_.n, s_.n);
    for (int i = 0; i < s_.mu; ++i)
      rank_mu +=
          s_.weights[i] * steps[static_cast<size_t>(i)] * steps[static_cast<size_t>(i)].transpose();
    const double lost = h_sigma ? 0.0 : s_.c_1 * s_.c_c * (2 - s_.c_c);
    C_ = (1 - s_.c_1 - s_.c_mu + lost) * C_ + s_.c_1 * p_c_ * p_c_.transpose() + s_.c_mu * rank_mu;
    sigma_ *= std::exp(std::min(1.0, (s_.c_sigma / s_.d_sigma) * (p_sigma_.norm() / s_.chi_n - 1)));
    ApplyMarginAndDecompose();
  }

  VectorXd Sample(Rng& rng) const {
    VectorXd z(s_.n);
    for (int i = 0; i < s_.n; ++i) z[i] = StandardNormal(rng);
    return mean_ + sigma_ * (B_ * D_.cwiseProduct(z));
  }

 private:
  // Widens each marginal to its floor (scaling C's row and column keeps it positive definite),
  // then takes C's eigendecomposition once for the generation.
  void ApplyMarginAndDecompose() {
    for (int i = 0; i < s_.n; ++i) {
      const double std_now = sigma_ * std::sqrt(C_(i, i));
      if (std_now >= min_std_[i]) continue;
      const double f = min_std_[i] / std_now;
      C_.row(i) *= f;
      C_.col(i) *= f;
    }
    C_ = (C_ + C_.transpose()) / 2;  // rounding keeps it symmetric
    Eigen::SelfAdjointEigenSolver<MatrixXd> eig(C_);
    B_ = eig.eigenvectors();
    D_ = eig.eigenvalues().cwiseMax(1e-20).cwiseSqrt();
  }

  // (x - m) / sigma, shortened to max_step in C's metric (Hansen's rule for injected points).
  VectorXd ClippedStep(const VectorXd& x) const {
    VectorXd y = (x - mean_) / sigma_;
    const double norm = (B_.transpose() * y).cwiseQuotient(D_).norm();
    if (norm > s_.max_step) y *= s_.max_step / norm;
    return y;
  }

  const Strategy& s_;
  VectorXd mean_, min_std_;
  double sigma_;
  MatrixXd C_, B_;
  VectorXd D_, p_sigma_, p_c_;
  int generation_ = 0;
};

// Inverse of the standard normal CDF, by bisection (called once per suggestion, exactness
// does not matter beyond 1e-9).
double NormalQuantile(double p) {
  double lo = -10, hi = 10;
  for (int i = 0; i < 80; ++i) {
    const double mid = (lo + hi) / 2;
    (0.5 * std::erfc(-mid / std::numbers::sqrt2) < p ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

}  // namespace

int CmaesPopulationSize(int numeric_dimensions) {
  return 4 + static_cast<int>(std::floor(3 * std::log(std::max(1, numeric_dimensions))));
}

std::optional<Suggestion> CmaesSampler::Suggest(const space::SearchSpace& space,
                                                std::span<const Observation> history, Rng& rng) {
  const std::vector<space::Dimension>& dims = space.dimensions();
  std::vector<int> numeric;  // indices of the dimensions CMA-ES models
  for (size_t d = 0; d < dims.size(); ++d) {
    if (dims[d].kind != DimensionKind::kCategorical) numeric.push_back(static_cast<int>(d));
  }
  if (numeric.empty())
    return SampleFeasible(space, rng, max_constraint_tries_,
                          "random (cmaes: no numeric parameter)");

  const Strategy strategy(static_cast<int>(numeric.size()));
  const space::UnitPoint center = space.Center();
  VectorXd mean(strategy.n);
  for (int k = 0; k < strategy.n; ++k)
    mean[k] = center[static_cast<size_t>(numeric[static_cast<size_t>(k)])];
  // The margin: a draw leaves the mean's level with probability >= alpha when the marginal
  // standard deviation is at least half a level's width over the (1 - alpha/2) quantile.
  const double alpha = 1.0 / (strategy.n * strategy.lambda);
  const double z_margin = NormalQuantile(1 - alpha / 2);
  VectorXd min_std = VectorXd::Zero(strategy.n);
  for (int k = 0; k < strategy.n; ++k) {
    const space::Dimension& dim = dims[static_cast<size_t>(numeric[static_cast<size_t>(k)])];
    if (dim.kind == DimensionKind::kDiscrete && dim.num_levels >= 2)
      min_std[k] = 1.0 / (dim.num_levels - 1) / 2 / z_margin;
  }
  Distribution distribution(strategy, mean, min_std);

  // Replay the finished trials as generations; an inactive conditional parameter is replayed
  // at its centre (docs/config.md).
  std::vector<std::pair<double, VectorXd>> generation;
  for (const Observation& o : ImputedHistory(space, history)) {
    if (o.state != TrialState::kComplete) continue;
    VectorXd x(strategy.n);
    for (int k = 0; k < strategy.n; ++k)
      x[k] = o.point[static_cast<size_t>(numeric[static_cast<size_t>(k)])];
    generation.emplace_back(o.value, std::move(x));
    if (static_cast<int>(generation.size()) < strategy.lambda) continue;
    std::stable_sort(generation.begin(), generation.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    std::vector<VectorXd> ranked;
    for (auto& [value, point] : generation) ranked.push_back(std::move(point));
    distribution.Update(ranked);
    generation.clear();
  }

  const bool has_categorical = numeric.size() < dims.size();
  Suggestion suggestion{{}, has_categorical ? "cmaes (categoricals drawn at random)" : "cmaes", 0};
  for (int attempt = 0; attempt < max_constraint_tries_; ++attempt) {
    // Categoricals (and anything CMA-ES does not model) come from the prior.
    suggestion.point = space.SamplePrior(rng);
    VectorXd x = distribution.Sample(rng);
    for (int resample = 0; resample < 100 && ((x.array() < 0).any() || (x.array() > 1).any());
         ++resample) {
      x = distribution.Sample(rng);
    }
    for (int k = 0; k < strategy.n; ++k)
      suggestion.point[static_cast<size_t>(numeric[static_cast<size_t>(k)])] =
          std::clamp(x[k], 0.0, 1.0);
    suggestion.point = space.Snap(suggestion.point);
    if (space.IsFeasible(suggestion.point)) return suggestion;
    ++suggestion.constraint_rejections;
  }
  Suggestion fallback =
      SampleFeasible(space, rng, max_constraint_tries_, "random (cmaes found nothing feasible)");
  fallback.constraint_rejections += suggestion.constraint_rejections;
  return fallback;
}

}  // namespace hpo::samplers
