#include "lib/samplers/tpe_sampler.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <utility>

#include "lib/core/error.h"
#include "lib/samplers/parzen_estimator.h"
#include "lib/samplers/random_sampler.h"

namespace hpo::samplers {

void TpeSettings::Check() const {
  if (n_ei_candidates < 1) throw UserError("tpe: n_ei_candidates must be >= 1");
  if (!(gamma > 0 && gamma <= 1)) throw UserError("tpe: gamma must be in (0, 1]");
}

std::optional<Suggestion> TpeSampler::Suggest(const space::SearchSpace& space,
                                              std::span<const Observation> history, Rng& rng) {
  const auto n_finished =
      static_cast<size_t>(std::count_if(history.begin(), history.end(), [](const Observation& o) {
        return o.state == TrialState::kComplete || o.state == TrialState::kPruned;
      }));
  if (n_finished < static_cast<size_t>(std::max(s_.n_startup_trials, 1))) {
    return SampleFeasible(space, rng, max_constraint_tries_, "random (start-up)");
  }
  const auto n_below = std::min<size_t>(
      static_cast<size_t>(std::ceil(s_.gamma * static_cast<double>(n_finished))), 25);
  const TpeGroups groups = SplitHistory(history, n_below, s_.constant_liar);

  const std::vector<space::Dimension>& dims = space.dimensions();
  std::vector<std::vector<size_t>> blocks;
  if (s_.multivariate) {
    blocks.emplace_back(dims.size());
    std::iota(blocks[0].begin(), blocks[0].end(), 0);
  } else {
    for (size_t d = 0; d < dims.size(); ++d) blocks.push_back({d});
  }
  std::vector<std::pair<ParzenEstimator, ParzenEstimator>> models;  // (below, above) per block
  for (const std::vector<size_t>& block : blocks) {
    models.emplace_back(
        ParzenEstimator(dims, block, groups.below, s_.prior_weight, groups.below_weights),
        ParzenEstimator(dims, block, groups.above, s_.prior_weight));
  }

  // Draw candidates from the good model, keep the one maximising l(x) / g(x); redraw while a
  // constraint rejects the result.
  Suggestion suggestion{space.Center(), "tpe", 0};
  for (int attempt = 0; attempt < 100; ++attempt) {
    for (size_t b = 0; b < blocks.size(); ++b) {
      const auto& [below, above] = models[b];
      double best_score = -std::numeric_limits<double>::infinity();
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
  Suggestion fallback =
      SampleFeasible(space, rng, max_constraint_tries_, "random (tpe found nothing feasible)");
  fallback.constraint_rejections += suggestion.constraint_rejections;
  return fallback;
}

}  // namespace hpo::samplers
