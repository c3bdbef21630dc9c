#include "lib/samplers/tpe_sampler.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <numeric>

#include "lib/samplers/random_sampler.h"

namespace hpo::samplers {
namespace {

using space::DimensionKind;

// ---------------------------------------------------------------------------------------------
// Parzen estimator over a set of dimensions of the unit box
// ---------------------------------------------------------------------------------------------

double NormalCdf(double z) { return 0.5 * std::erfc(-z / std::numbers::sqrt2); }

class ParzenEstimator {
 public:
  ParzenEstimator(const std::vector<space::Dimension>& dims, const std::vector<size_t>& block,
                  const std::vector<const space::UnitPoint*>& points, const SamplerSettings& s)
      : dims_(dims), block_(block) {
    const size_t n = points.size();
    // Optuna's default_weights: flat for the newest 25, older ones ramp down (points are in
    // trial order); then the prior component.
    std::vector<double> w(n, 1.0);
    if (n >= 25) {
      const size_t ramp = n - 25;
      for (size_t i = 0; i < ramp; ++i) w[i] = 1.0 / static_cast<double>(n) + (1.0 - 1.0 / static_cast<double>(n)) * static_cast<double>(i) / static_cast<double>(ramp);
    }
    w.push_back(s.prior_weight);
    double total = 0;
    for (double x : w) total += x;
    for (double& x : w) x /= total;
    weights_ = w;

    const double d = static_cast<double>(block.size());
    for (size_t k = 0; k < block.size(); ++k) {
      const space::Dimension& dim = dims[block[k]];
      Component c;
      if (dim.kind == DimensionKind::kCategorical) {
        // A smoothed one-hot per observation: prior_weight / n_choices everywhere, +1 at the value.
        const int m = dim.num_levels;
        for (size_t i = 0; i < n; ++i) {
          std::vector<double> p(static_cast<size_t>(m), s.prior_weight / m);
          p[static_cast<size_t>(std::lround((*points[i])[block[k]]))] += 1.0;
          const double sum = 1.0 + s.prior_weight;
          for (double& x : p) x /= sum;
          c.probs.push_back(std::move(p));
        }
        c.probs.emplace_back(static_cast<size_t>(m), 1.0 / m);  // prior: uniform
      } else {
        for (size_t i = 0; i < n; ++i) c.mu.push_back((*points[i])[block[k]]);
        c.mu.push_back(0.5);  // prior: centred, as wide as the box
        if (block.size() > 1) {
          // Multivariate: Scott's rule, as Optuna (0.2 * n^(-1/(d+4)) of the range).
          const double sigma = 0.2 * std::pow(static_cast<double>(std::max<size_t>(n, 1)), -1.0 / (d + 4.0));
          c.sigma.assign(n, sigma);
        } else {
          // Univariate: the larger gap to the sorted neighbours, clipped.
          std::vector<size_t> order(n);
          std::iota(order.begin(), order.end(), 0);
          std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return c.mu[a] < c.mu[b]; });
          c.sigma.assign(n, 0);
          for (size_t r = 0; r < n; ++r) {
            const double left = r == 0 ? c.mu[order[r]] : c.mu[order[r]] - c.mu[order[r - 1]];
            const double right = r + 1 == n ? 1.0 - c.mu[order[r]] : c.mu[order[r + 1]] - c.mu[order[r]];
            c.sigma[order[r]] = std::max(left, right);
          }
        }
        const double sigma_min = 1.0 / std::min(100.0, 1.0 + static_cast<double>(n));
        for (double& sg : c.sigma) sg = std::clamp(sg, sigma_min, 1.0);
        c.sigma.push_back(1.0);
      }
      components_.push_back(std::move(c));
    }
  }

  /// Draws one point of the block from the mixture.
  std::vector<double> Sample(Rng& rng) const {
    const size_t kernel = WeightedIndex(rng, weights_);
    std::vector<double> x;
    for (const Component& c : components_) {
      if (!c.probs.empty()) {
        x.push_back(static_cast<double>(WeightedIndex(rng, c.probs[kernel])));
      } else {
        // Truncated to [0, 1] by redrawing (at least ~1/3 of draws land inside).
        double v;
        do {
          v = c.mu[kernel] + c.sigma[kernel] * StandardNormal(rng);
        } while (v < 0.0 || v > 1.0);
        x.push_back(v);
      }
    }
    return x;
  }

  /// log density of the mixture at a block point.
  double LogPdf(const std::vector<double>& x) const {
    double best = -std::numeric_limits<double>::infinity();
    std::vector<double> logs(weights_.size());
    for (size_t i = 0; i < weights_.size(); ++i) {
      double l = std::log(weights_[i]);
      for (size_t k = 0; k < components_.size(); ++k) {
        const Component& c = components_[k];
        if (!c.probs.empty()) {
          l += std::log(c.probs[i][static_cast<size_t>(std::lround(x[k]))]);
        } else {
          const double z = (x[k] - c.mu[i]) / c.sigma[i];
          const double mass = NormalCdf((1.0 - c.mu[i]) / c.sigma[i]) - NormalCdf(-c.mu[i] / c.sigma[i]);
          l += -0.5 * z * z - std::log(c.sigma[i] * std::sqrt(2 * std::numbers::pi) * std::max(mass, 1e-12));
        }
      }
      logs[i] = l;
      best = std::max(best, l);
    }
    double sum = 0;
    for (double l : logs) sum += std::exp(l - best);
    return best + std::log(sum);
  }

 private:
  struct Component {
    std::vector<double> mu, sigma;          // numeric
    std::vector<std::vector<double>> probs;  // categorical: per kernel
  };
  const std::vector<space::Dimension>& dims_;
  std::vector<size_t> block_;
  std::vector<double> weights_;
  std::vector<Component> components_;
};

}  // namespace

std::optional<Suggestion> TpeSampler::Suggest(const space::SearchSpace& space, std::span<const Observation> history,
                                              Rng& rng) {
  // ----- split the history ------------------------------------------------------------------
  std::vector<const Observation*> complete, worse;
  for (const Observation& o : history) {
    if (o.state == TrialState::kComplete) complete.push_back(&o);
  }
  if (complete.empty() || static_cast<int>(complete.size()) < s_.n_startup_trials) {
    return SampleFeasible(space, rng, s_.max_constraint_tries, "random (start-up)");
  }
  std::vector<const Observation*> ranked = complete;
  std::stable_sort(ranked.begin(), ranked.end(), [](const Observation* a, const Observation* b) { return a->value > b->value; });
  const size_t n_considered = complete.size() + std::count_if(history.begin(), history.end(), [](const Observation& o) {
                                                    return o.state == TrialState::kPruned;
                                                  });
  const size_t n_good = std::min<size_t>(static_cast<size_t>(std::ceil(s_.tpe_gamma * static_cast<double>(n_considered))), 25);
  std::vector<const space::UnitPoint*> good, bad;
  // Keep trial order inside each group (the weights ramp by age).
  const double threshold = ranked[std::min(n_good, ranked.size()) - 1]->value;
  size_t taken = 0;
  for (const Observation& o : history) {
    if (o.state == TrialState::kComplete && o.value >= threshold && taken < n_good) {
      good.push_back(&o.point);
      ++taken;
    } else if (o.state == TrialState::kComplete || o.state == TrialState::kPruned ||
               (s_.constant_liar && o.state == TrialState::kRunning)) {
      bad.push_back(&o.point);  // pruned trials are worse than any complete one; running ones lie
    }
  }

  // ----- sample candidates from l(x), keep the best l(x)/g(x) --------------------------------
  const std::vector<space::Dimension>& dims = space.dimensions();
  std::vector<std::vector<size_t>> blocks;
  if (s_.multivariate) {
    blocks.emplace_back(dims.size());
    std::iota(blocks[0].begin(), blocks[0].end(), 0);
  } else {
    for (size_t d = 0; d < dims.size(); ++d) blocks.push_back({d});
  }
  Suggestion suggestion{space.Center(), "tpe", 0};
  for (int attempt = 0; attempt < 100; ++attempt) {
    for (const std::vector<size_t>& block : blocks) {
      const ParzenEstimator l(dims, block, good, s_);
      const ParzenEstimator g(dims, block, bad, s_);
      double best_score = -std::numeric_limits<double>::infinity();
      for (int i = 0; i < s_.n_ei_candidates; ++i) {
        std::vector<double> x = l.Sample(rng);
        const double score = l.LogPdf(x) - g.LogPdf(x);
        if (score > best_score) {
          best_score = score;
          for (size_t k = 0; k < block.size(); ++k) suggestion.point[block[k]] = x[k];
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
