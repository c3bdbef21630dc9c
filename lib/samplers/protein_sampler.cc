#include "lib/samplers/protein_sampler.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "lib/samplers/gaussian_process.h"
#include "lib/samplers/random_sampler.h"

namespace hpo::samplers {
namespace {

constexpr int kMaxGpPoints = 96;     // half most recent, half sampled (PufferLib 4.0 uses 750)
constexpr int kMaxCandidates = 512;
// GP hyperparameters are fitted by Adam (O(m^3) per step) on the newest m points, then the GP
// is conditioned on all kept points. The cost GP is only ranked by its mean: a rougher fit does.
constexpr int kScoreFitSteps = 30, kScoreFitPoints = 48;
constexpr int kCostFitSteps = 8, kCostFitPoints = 32;
constexpr double kUcbBeta = 1.0;

// GP inputs: unit coordinates, with categorical indices spread over [0, 1].
Eigen::VectorXd Embed(const space::UnitPoint& p, const std::vector<space::Dimension>& dims) {
  Eigen::VectorXd x(static_cast<Eigen::Index>(dims.size()));
  for (size_t i = 0; i < dims.size(); ++i) {
    x(static_cast<Eigen::Index>(i)) = dims[i].kind == space::DimensionKind::kCategorical && dims[i].num_levels > 1
                                          ? p[i] / (dims[i].num_levels - 1)
                                          : p[i];
  }
  return x;
}

struct Point {
  space::UnitPoint x;
  double score;     // normalised to [0, 1], larger is better
  double log_cost;  // ln(cost), guarded
  bool measured;    // complete or pruned (not a failure, not a running liar)
};

void FitThenCondition(GaussianProcess& gp, const Eigen::MatrixXd& x, const Eigen::VectorXd& y, int fit_points,
                      int fit_steps) {
  const Eigen::Index m = std::min<Eigen::Index>(x.rows(), fit_points);
  gp.Fit(x.bottomRows(m), y.tail(m), fit_steps);
  if (m < x.rows()) gp.Condition(x, y);
}

}  // namespace

std::optional<Suggestion> ProteinSampler::Suggest(const space::SearchSpace& space, std::span<const Observation> history,
                                                  Rng& rng) {
  const std::vector<space::Dimension>& dims = space.dimensions();

  // ----- the first suggestion is the centre; then a random phase -----------------------------
  int measured = 0;
  for (const Observation& o : history) measured += o.state == TrialState::kComplete || o.state == TrialState::kPruned;
  if (history.empty()) {
    const space::UnitPoint centre = space.Center();
    if (space.IsFeasible(centre)) return Suggestion{centre, "center", 0};
  }
  if (measured < std::max(s_.num_random_samples, 1)) {
    // Uniform over the box (the 3.0 recipe; a prior draw would crowd the centre).
    Suggestion s{{}, "random", 0};
    for (int attempt = 0; attempt < s_.max_constraint_tries; ++attempt) {
      space::UnitPoint p(dims.size());
      for (size_t i = 0; i < dims.size(); ++i) {
        p[i] = dims[i].kind == space::DimensionKind::kCategorical ? static_cast<double>(UniformInt(rng, 0, dims[i].num_levels))
                                                                  : UniformUnit(rng);
      }
      s.point = space.Snap(p);
      if (space.IsFeasible(s.point)) return s;
      ++s.constraint_rejections;
    }
    return SampleFeasible(space, rng, s_.max_constraint_tries, "random");
  }

  // ----- observations: measured points, failures and running trials --------------------------
  double lo = INFINITY, hi = -INFINITY;
  for (const Observation& o : history) {
    if (o.state == TrialState::kComplete || o.state == TrialState::kPruned) lo = std::min(lo, o.value), hi = std::max(hi, o.value);
  }
  std::vector<Point> points;
  for (const Observation& o : history) {
    const double log_cost = std::log(std::max(o.cost, 1e-6));
    switch (o.state) {
      case TrialState::kComplete:
      case TrialState::kPruned:
        points.push_back({o.point, hi > lo ? (o.value - lo) / (hi - lo) : 0.5, log_cost, true});
        break;
      case TrialState::kFailed:   // a failure scores as the worst measured point
      case TrialState::kRunning:  // constant liar: pessimistic until it reports
      case TrialState::kWaiting:
        points.push_back({o.point, 0.0, log_cost, false});
        break;
    }
  }
  // Cap the training set: the most recent half, plus a random sample of the rest.
  if (static_cast<int>(points.size()) > kMaxGpPoints) {
    std::vector<Point> kept(points.end() - kMaxGpPoints / 2, points.end());
    std::vector<Point> older(points.begin(), points.end() - kMaxGpPoints / 2);
    for (size_t i = 0; i < older.size(); ++i) std::swap(older[i], older[i + static_cast<size_t>(UniformInt(rng, 0, static_cast<int64_t>(older.size() - i)))]);
    kept.insert(kept.end(), older.begin(), older.begin() + kMaxGpPoints / 2);
    points.swap(kept);
  }

  // ----- two GPs: normalised score and normalised log cost ------------------------------------
  const auto n = static_cast<Eigen::Index>(points.size());
  const auto d = static_cast<Eigen::Index>(dims.size());
  Eigen::MatrixXd x(n, d);
  Eigen::VectorXd score(n), cost(n);
  double cost_lo = INFINITY, cost_hi = -INFINITY;
  for (const Point& p : points) cost_lo = std::min(cost_lo, p.log_cost), cost_hi = std::max(cost_hi, p.log_cost);
  for (Eigen::Index i = 0; i < n; ++i) {
    x.row(i) = Embed(points[static_cast<size_t>(i)].x, dims);
    score(i) = points[static_cast<size_t>(i)].score;
    cost(i) = cost_hi > cost_lo ? (points[static_cast<size_t>(i)].log_cost - cost_lo) / (cost_hi - cost_lo) : 0.5;
  }
  GaussianProcess score_gp, cost_gp;
  FitThenCondition(score_gp, x, score, kScoreFitPoints, kScoreFitSteps);
  FitThenCondition(cost_gp, x, cost, kCostFitPoints, kCostFitSteps);

  // ----- Pareto front over (score, cost), ties kept ------------------------------------------
  std::vector<size_t> pareto;
  for (size_t i = 0; i < points.size(); ++i) {
    if (!points[i].measured) continue;
    bool dominated = false;
    for (size_t j = 0; j < points.size() && !dominated; ++j) {
      dominated = points[j].measured && points[j].score > points[i].score && points[j].log_cost < points[i].log_cost;
    }
    if (!dominated) pareto.push_back(i);
  }
  if (s_.resample_frequency > 0 && static_cast<int>(history.size()) % s_.resample_frequency == 0) {
    const size_t pick = pareto[static_cast<size_t>(UniformInt(rng, 0, static_cast<int64_t>(pareto.size())))];
    return Suggestion{points[pick].x, "resample", 0};
  }

  // ----- candidates: perturbations of Pareto points, reflected into the box ------------------
  const int per_point = std::max(1, std::min(s_.suggestions_per_pareto, kMaxCandidates / static_cast<int>(pareto.size())));
  std::vector<space::UnitPoint> candidates;
  int rejections = 0;
  for (size_t p : pareto) {
    for (int k = 0; k < per_point; ++k) {
      space::UnitPoint c = points[p].x;
      for (size_t i = 0; i < dims.size(); ++i) {
        const double width = dims[i].kind == space::DimensionKind::kCategorical ? dims[i].scale * (dims[i].num_levels - 1) / 2.0 * 2.0
                                                                                : dims[i].scale;
        double v = c[i] + Uniform(rng, -1.0, 1.0) * width * s_.global_search_scale;
        const double top = dims[i].kind == space::DimensionKind::kCategorical ? dims[i].num_levels - 1 : 1.0;
        if (v < 0) v = -v;  // reflect, so no mass piles up on the faces
        if (v > top) v = 2 * top - v;
        c[i] = std::clamp(v, 0.0, top);
      }
      c = space.Snap(c);
      if (space.IsFeasible(c)) {
        candidates.push_back(std::move(c));
      } else {
        ++rejections;
      }
    }
  }
  if (candidates.empty()) {
    Suggestion s = SampleFeasible(space, rng, s_.max_constraint_tries, "random (no feasible gp candidate)");
    s.constraint_rejections += rejections;
    return s;
  }

  // ----- acquisition: UCB on the score, times a cost-band weight ------------------------------
  Eigen::MatrixXd cx(static_cast<Eigen::Index>(candidates.size()), d);
  for (size_t i = 0; i < candidates.size(); ++i) cx.row(static_cast<Eigen::Index>(i)) = Embed(candidates[i], dims);
  Eigen::VectorXd mean, variance;
  score_gp.Predict(cx, mean, variance);
  const Eigen::VectorXd cost_mean = cost_gp.PredictMean(cx);
  const Eigen::ArrayXd ucb = mean.array() + kUcbBeta * variance.array().sqrt();
  const Eigen::ArrayXd positive = ucb - ucb.minCoeff() + 1e-9;  // so the weight cannot flip the order
  const double target = Uniform(rng, 0.0, 1.0 + s_.expansion_rate);
  const double max_log_cost = std::log(std::max(s_.max_suggestion_cost, 1e-6));
  std::string reason = "gp";
  auto pick = [&](bool mask) {
    double best = -1;
    Eigen::Index best_i = -1;
    for (Eigen::Index i = 0; i < cx.rows(); ++i) {
      const double predicted_log_cost = cost_lo + cost_mean(i) * (cost_hi - cost_lo);
      if (mask && predicted_log_cost > max_log_cost) continue;
      const double weight = std::max(0.0, 1.0 - std::fabs(target - cost_mean(i)));
      const double value = positive(i) * (weight + 1e-6);  // a tiny floor keeps the UCB order among zero weights
      if (value > best) best = value, best_i = i;
    }
    return best_i;
  };
  Eigen::Index chosen = pick(true);
  if (chosen < 0) {
    chosen = pick(false);
    reason = "gp (every candidate over max_suggestion_cost: mask relaxed)";
  }
  return Suggestion{candidates[static_cast<size_t>(chosen)], reason, rejections};
}

}  // namespace hpo::samplers
