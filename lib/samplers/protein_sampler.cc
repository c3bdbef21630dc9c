#include "lib/samplers/protein_sampler.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "lib/core/error.h"
#include "lib/samplers/gaussian_process.h"
#include "lib/samplers/random_sampler.h"
#include "lib/samplers/scalarization.h"

namespace hpo::samplers {
namespace {

constexpr int kMaxGpPoints = 96;  // half most recent, half sampled (PufferLib 4.0 uses 750)
// Candidates the GP scores: perturbations of the Pareto points, plus up to `random_suggestions`
// uniform draws over the box (capped: the local ones carry the search).
constexpr int kLocalCandidates = 256, kMaxGlobalCandidates = 64;
// Then a pattern search from the best few candidates refines the pick.
constexpr int kRefinedStarts = 4, kRefineRounds = 3;
// GP hyperparameters are fitted by Adam (O(m^3) per step) on the newest m points, then the GP
// is conditioned on all kept points. The cost GP is only ranked by its mean: a rougher fit does.
constexpr int kScoreFitSteps = 30, kScoreFitPoints = 48;
constexpr int kCostFitSteps = 8, kCostFitPoints = 32;
constexpr double kUcbBeta = 1.0;

bool IsCategorical(const space::Dimension& d) {
  return d.kind == space::DimensionKind::kCategorical;
}

std::vector<bool> CategoricalColumns(const std::vector<space::Dimension>& dims) {
  std::vector<bool> categorical;
  for (const space::Dimension& d : dims) categorical.push_back(IsCategorical(d));
  return categorical;
}

// GP inputs, one row per point: unit coordinates (log and logit axes are already linear there)
// and category indices (the GP's Hamming distance ignores their order).
Eigen::MatrixXd Inputs(const std::vector<space::UnitPoint>& points, size_t dimensions) {
  Eigen::MatrixXd x(static_cast<Eigen::Index>(points.size()),
                    static_cast<Eigen::Index>(dimensions));
  for (size_t i = 0; i < points.size(); ++i) {
    for (size_t j = 0; j < dimensions; ++j)
      x(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = points[i][j];
  }
  return x;
}

struct Point {
  space::UnitPoint x;
  double score;     // normalised to [0, 1], larger is better
  double log_cost;  // ln(cost), guarded
  bool measured;    // complete or pruned (not a failure, not a running liar)
};

int MeasuredCount(std::span<const Observation> history) {
  int measured = 0;
  for (const Observation& o : history)
    measured += o.state == TrialState::kComplete || o.state == TrialState::kPruned;
  return measured;
}

// Uniform over the box (the 3.0 recipe; a prior draw would crowd the centre).
Suggestion RandomPoint(const space::SearchSpace& space, int max_tries, Rng& rng) {
  const std::vector<space::Dimension>& dims = space.dimensions();
  Suggestion s{{}, "random", 0};
  for (int attempt = 0; attempt < max_tries; ++attempt) {
    space::UnitPoint p(dims.size());
    for (size_t i = 0; i < dims.size(); ++i) {
      p[i] = IsCategorical(dims[i]) ? static_cast<double>(UniformInt(rng, 0, dims[i].num_levels))
                                    : UniformUnit(rng);
    }
    s.point = space.Snap(p);
    if (space.IsFeasible(s.point)) return s;
    ++s.constraint_rejections;
  }
  return SampleFeasible(space, rng, max_tries, "random");
}

// Measured points with min-max normalised scores; failures and running trials at the worst
// score. Capped at kMaxGpPoints: the most recent half, plus a random sample of the rest.
std::vector<Point> TrainingPoints(std::span<const Observation> history, Rng& rng) {
  double lo = INFINITY, hi = -INFINITY;
  for (const Observation& o : history) {
    if (o.state == TrialState::kComplete || o.state == TrialState::kPruned)
      lo = std::min(lo, o.value), hi = std::max(hi, o.value);
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
  if (static_cast<int>(points.size()) <= kMaxGpPoints) return points;
  std::vector<Point> kept(points.end() - kMaxGpPoints / 2, points.end());
  std::vector<Point> older(points.begin(), points.end() - kMaxGpPoints / 2);
  for (size_t i = 0; i < older.size(); ++i) {
    std::swap(
        older[i],
        older[i + static_cast<size_t>(UniformInt(rng, 0, static_cast<int64_t>(older.size() - i)))]);
  }
  kept.insert(kept.end(), older.begin(), older.begin() + kMaxGpPoints / 2);
  return kept;
}

// Measured points that no other measured point beats on both score and cost (ties kept, so an
// all-identical history keeps every point).
std::vector<size_t> ParetoFront(const std::vector<Point>& points) {
  std::vector<size_t> pareto;
  for (size_t i = 0; i < points.size(); ++i) {
    if (!points[i].measured) continue;
    bool dominated = false;
    for (size_t j = 0; j < points.size() && !dominated; ++j) {
      dominated = points[j].measured && points[j].score > points[i].score &&
                  points[j].log_cost < points[i].log_cost;
    }
    if (!dominated) pareto.push_back(i);
  }
  return pareto;
}

// One coordinate of a perturbed candidate. Numeric: a uniform step of +/- the scale, reflected
// at the faces (clipping would pile candidates up on them). Categorical: with probability
// 2 * scale (1 for scale >= 0.5) a uniformly drawn level, since the order of levels means nothing.
double Perturb(const space::Dimension& d, double value, double search_scale, Rng& rng) {
  if (IsCategorical(d)) {
    return UniformUnit(rng) < 2 * d.scale * search_scale
               ? static_cast<double>(UniformInt(rng, 0, d.num_levels))
               : value;
  }
  double v = value + Uniform(rng, -1.0, 1.0) * d.scale * search_scale;
  if (v < 0) v = -v;
  if (v > 1) v = 2 - v;
  return std::clamp(v, 0.0, 1.0);
}

void FitThenCondition(GaussianProcess& gp, const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                      int fit_points, int fit_steps) {
  const Eigen::Index m = std::min<Eigen::Index>(x.rows(), fit_points);
  gp.Fit(x.bottomRows(m), y.tail(m), fit_steps);
  if (m < x.rows()) gp.Condition(x, y);
}

// Perturbations of the Pareto points and uniform draws over the box, feasible and snapped.
std::vector<space::UnitPoint> Candidates(const space::SearchSpace& space,
                                         const std::vector<Point>& points,
                                         const std::vector<size_t>& pareto,
                                         const ProteinSettings& s, Rng& rng, int& rejections) {
  const std::vector<space::Dimension>& dims = space.dimensions();
  std::vector<space::UnitPoint> candidates;
  auto keep = [&](const space::UnitPoint& c) {
    space::UnitPoint snapped = space.Snap(c);
    if (space.IsFeasible(snapped)) {
      candidates.push_back(std::move(snapped));
    } else {
      ++rejections;
    }
  };
  const int per_point = std::max(
      1, std::min(s.suggestions_per_pareto, kLocalCandidates / static_cast<int>(pareto.size())));
  for (size_t p : pareto) {
    for (int k = 0; k < per_point; ++k) {
      space::UnitPoint c = points[p].x;
      for (size_t i = 0; i < dims.size(); ++i)
        c[i] = Perturb(dims[i], c[i], s.global_search_scale, rng);
      keep(c);
    }
  }
  for (int k = 0; k < std::min(s.random_suggestions, kMaxGlobalCandidates); ++k) {
    space::UnitPoint c(dims.size());
    for (size_t i = 0; i < dims.size(); ++i) {
      c[i] = IsCategorical(dims[i]) ? static_cast<double>(UniformInt(rng, 0, dims[i].num_levels))
                                    : UniformUnit(rng);
    }
    keep(c);
  }
  return candidates;
}

// UCB on the normalised score, shifted positive, times a weight that prefers candidates whose
// predicted normalised log cost is near a random target band (Protein's cost-aware rule; the
// weight is clamped at 0 so it never flips the preference).
class Acquisition {
 public:
  // `cost` is null when every trial cost the same: there is no cost to model, every candidate
  // is predicted at the middle of the (empty) cost range.
  Acquisition(const GaussianProcess& score, const GaussianProcess* cost, double cost_lo,
              double cost_hi, double target, double max_log_cost)
      : score_(score),
        cost_(cost),
        cost_lo_(cost_lo),
        cost_hi_(cost_hi),
        target_(target),
        max_log_cost_(max_log_cost) {}

  // The first call fixes the shift that makes every UCB positive; later calls reuse it, so
  // values stay comparable. Candidates over the cost cap get -inf while `mask` is set.
  Eigen::ArrayXd operator()(const std::vector<space::UnitPoint>& candidates, size_t dimensions) {
    const Eigen::MatrixXd x = Inputs(candidates, dimensions);
    Eigen::VectorXd mean, variance;
    score_.Predict(x, mean, variance);
    const Eigen::VectorXd cost_mean =
        cost_ ? cost_->PredictMean(x) : Eigen::VectorXd::Constant(x.rows(), 0.5);
    const Eigen::ArrayXd ucb = mean.array() + kUcbBeta * variance.array().sqrt();
    if (!shift_) shift_ = ucb.minCoeff() - 1e-9;
    Eigen::ArrayXd values(ucb.size());
    for (Eigen::Index i = 0; i < ucb.size(); ++i) {
      const double predicted_log_cost = cost_lo_ + cost_mean(i) * (cost_hi_ - cost_lo_);
      const double weight = std::max(0.0, 1.0 - std::fabs(target_ - cost_mean(i)));
      // A tiny floor on both keeps the UCB order among zero weights and below the shift.
      values(i) = mask && predicted_log_cost > max_log_cost_
                      ? -INFINITY
                      : std::max(ucb(i) - *shift_, 1e-12) * (weight + 1e-6);
    }
    return values;
  }

  bool mask = true;

 private:
  const GaussianProcess& score_;
  const GaussianProcess* cost_;
  double cost_lo_, cost_hi_, target_, max_log_cost_;
  std::optional<double> shift_;
};

// Pattern search from the best `kRefinedStarts` candidates: each round tries every numeric
// coordinate one step up and down (at least one level for discrete ones) and every other level
// of each categorical, moves each start to its best improving neighbour, and halves the step
// of the starts that did not move. Evaluated neighbours join the candidates.
void Refine(const space::SearchSpace& space, double search_scale, Acquisition& acquisition,
            std::vector<space::UnitPoint>& candidates, Eigen::ArrayXd& values) {
  const std::vector<space::Dimension>& dims = space.dimensions();
  std::vector<size_t> order(candidates.size());
  std::iota(order.begin(), order.end(), 0);
  const size_t starts = std::min<size_t>(kRefinedStarts, order.size());
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(starts), order.end(),
                    [&](size_t a, size_t b) {
                      return values(static_cast<Eigen::Index>(a)) >
                             values(static_cast<Eigen::Index>(b));
                    });
  std::vector<size_t> current(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(starts));
  std::vector<double> step(starts, 0.5 * search_scale);  // times each dimension's scale
  for (int round = 0; round < kRefineRounds; ++round) {
    std::vector<space::UnitPoint> neighbours;
    std::vector<size_t> from;  // which start each neighbour belongs to
    for (size_t s = 0; s < starts; ++s) {
      const space::UnitPoint& base = candidates[current[s]];
      auto add = [&](size_t i, double value) {
        space::UnitPoint n = base;
        n[i] = value;
        n = space.Snap(n);
        if (n != base && space.IsFeasible(n)) neighbours.push_back(std::move(n)), from.push_back(s);
      };
      for (size_t i = 0; i < dims.size(); ++i) {
        if (IsCategorical(dims[i])) {
          for (int level = 0; level < dims[i].num_levels; ++level) add(i, level);
          continue;
        }
        const double level_spacing = dims[i].num_levels > 1 ? 1.0 / (dims[i].num_levels - 1) : 0.0;
        const double delta = std::max(step[s] * dims[i].scale, level_spacing);
        add(i, std::clamp(base[i] + delta, 0.0, 1.0));
        add(i, std::clamp(base[i] - delta, 0.0, 1.0));
      }
    }
    if (neighbours.empty()) return;
    const Eigen::ArrayXd neighbour_values = acquisition(neighbours, dims.size());
    std::vector<size_t> best(starts, SIZE_MAX);
    for (size_t k = 0; k < neighbours.size(); ++k) {
      const size_t s = from[k];
      const double incumbent = best[s] == SIZE_MAX
                                   ? values(static_cast<Eigen::Index>(current[s]))
                                   : neighbour_values(static_cast<Eigen::Index>(best[s]));
      if (neighbour_values(static_cast<Eigen::Index>(k)) > incumbent) best[s] = k;
    }
    const size_t first_new = candidates.size();
    candidates.insert(candidates.end(), std::make_move_iterator(neighbours.begin()),
                      std::make_move_iterator(neighbours.end()));
    values.conservativeResize(static_cast<Eigen::Index>(candidates.size()));
    values.tail(neighbour_values.size()) = neighbour_values;
    for (size_t s = 0; s < starts; ++s) {
      if (best[s] == SIZE_MAX) {
        step[s] /= 2;
      } else {
        current[s] = first_new + best[s];
      }
    }
  }
}

// The score model and the cost model of one suggestion, fitted to the training points: score
// as the points carry it (normalised), log cost scaled to [0, 1]. No cost model when every cost
// is equal (it would learn nothing, and fitting it is a third of a suggestion's time).
struct Models {
  explicit Models(const std::vector<space::Dimension>& dims)
      : score(CategoricalColumns(dims)), cost(CategoricalColumns(dims)) {}
  GaussianProcess score, cost;
  double cost_lo = INFINITY, cost_hi = -INFINITY;
  bool costs_vary = false;
};

Models FitModels(const std::vector<Point>& points, const std::vector<space::Dimension>& dims) {
  Models m(dims);
  for (const Point& p : points)
    m.cost_lo = std::min(m.cost_lo, p.log_cost), m.cost_hi = std::max(m.cost_hi, p.log_cost);
  m.costs_vary = m.cost_hi > m.cost_lo;
  const auto n = static_cast<Eigen::Index>(points.size());
  std::vector<space::UnitPoint> inputs;
  Eigen::VectorXd score(n), cost(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const Point& p = points[static_cast<size_t>(i)];
    inputs.push_back(p.x);
    score(i) = p.score;
    cost(i) = m.costs_vary ? (p.log_cost - m.cost_lo) / (m.cost_hi - m.cost_lo) : 0.5;
  }
  const Eigen::MatrixXd x = Inputs(inputs, dims.size());
  FitThenCondition(m.score, x, score, kScoreFitPoints, kScoreFitSteps);
  if (m.costs_vary) FitThenCondition(m.cost, x, cost, kCostFitPoints, kCostFitSteps);
  return m;
}

}  // namespace

void ProteinSettings::Check() const {
  if (suggestions_per_pareto < 1) throw UserError("protein: suggestions_per_pareto must be >= 1");
  if (!(global_search_scale > 0)) throw UserError("protein: global_search_scale must be > 0");
}

std::optional<Suggestion> ProteinSampler::Suggest(const space::SearchSpace& space,
                                                  std::span<const Observation> history, Rng& rng) {
  const std::vector<space::Dimension>& dims = space.dimensions();
  // Several objectives: this suggestion models one trade-off of them (ParEGO), and the
  // score/cost front below runs over it.
  std::vector<Observation> scalarized;
  if (HasSeveralObjectives(history)) {
    scalarized = ScalarizeObjectives(history, rng);
    history = scalarized;
  }
  // Conditional parameters: the GP sees an inactive one at its centre (docs/config.md).
  const std::vector<Observation> imputed = ImputedHistory(space, history);
  history = imputed;

  // ----- the first suggestion is the centre; then a random phase -----------------------------
  if (history.empty()) {
    const space::UnitPoint centre = space.Center();
    if (space.IsFeasible(centre)) return Suggestion{centre, "center", 0};
  }
  if (MeasuredCount(history) < std::max(s_.num_random_samples, 1))
    return RandomPoint(space, max_constraint_tries_, rng);

  // ----- two GPs: normalised score and normalised log cost ------------------------------------
  const std::vector<Point> points = TrainingPoints(history, rng);
  const Models models = FitModels(points, dims);

  const std::vector<size_t> pareto = ParetoFront(points);
  if (s_.resample_frequency > 0 && static_cast<int>(history.size()) % s_.resample_frequency == 0) {
    const size_t pick =
        pareto[static_cast<size_t>(UniformInt(rng, 0, static_cast<int64_t>(pareto.size())))];
    return Suggestion{points[pick].x, "resample", 0};
  }

  // ----- candidates, scored, then refined around the best ------------------------------------
  int rejections = 0;
  std::vector<space::UnitPoint> candidates = Candidates(space, points, pareto, s_, rng, rejections);
  if (candidates.empty()) {
    Suggestion s =
        SampleFeasible(space, rng, max_constraint_tries_, "random (no feasible gp candidate)");
    s.constraint_rejections += rejections;
    return s;
  }
  const double target = Uniform(rng, 0.0, 1.0 + s_.expansion_rate);
  Acquisition acquisition(models.score, models.costs_vary ? &models.cost : nullptr, models.cost_lo,
                          models.cost_hi, target, std::log(std::max(s_.max_suggestion_cost, 1e-6)));
  Eigen::ArrayXd values = acquisition(candidates, dims.size());
  std::string reason = "gp";
  if (!std::isfinite(values.maxCoeff())) {
    acquisition.mask = false;
    values = acquisition(candidates, dims.size());
    reason = "gp (every candidate over max_suggestion_cost: mask relaxed)";
  }
  Refine(space, s_.global_search_scale, acquisition, candidates, values);
  Eigen::Index chosen = 0;
  values.maxCoeff(&chosen);
  return Suggestion{candidates[static_cast<size_t>(chosen)], reason, rejections};
}

}  // namespace hpo::samplers
