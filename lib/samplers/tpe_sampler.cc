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
namespace {

bool ActiveIn(const space::UnitPoint& point, const std::vector<size_t>& block) {
  return std::none_of(block.begin(), block.end(), [&](size_t d) { return std::isnan(point[d]); });
}

/// The points of each group that have every parameter of the block (a conditional parameter
/// is NaN where inactive): as Optuna's TPE builds each estimator from the trials that hold the
/// block's parameters, after splitting all trials (optuna/samplers/_tpe/sampler.py
/// _get_internal_repr).
TpeGroups KeepActive(const TpeGroups& groups, const std::vector<size_t>& block) {
  TpeGroups kept;
  for (size_t i = 0; i < groups.below.size(); ++i) {
    if (!ActiveIn(*groups.below[i], block)) continue;
    kept.below.push_back(groups.below[i]);
    if (!groups.below_weights.empty()) kept.below_weights.push_back(groups.below_weights[i]);
  }
  for (const space::UnitPoint* p : groups.above) {
    if (ActiveIn(*p, block)) kept.above.push_back(p);
  }
  return kept;
}

}  // namespace

std::vector<std::vector<size_t>> TpeBlocks(const std::vector<space::Dimension>& dims,
                                           std::span<const Observation> history,
                                           bool multivariate) {
  std::vector<std::vector<size_t>> blocks;
  if (!multivariate) {
    for (size_t d = 0; d < dims.size(); ++d) blocks.push_back({d});
    return blocks;
  }
  // Optuna's group decomposition (optuna/search_space/group_decomposed.py, _SearchSpaceGroup
  // .add_distributions): each finished trial's set of parameters splits every block into the
  // part it holds and the part it does not; what no block holds yet becomes a block.
  std::vector<size_t> all(dims.size());
  std::iota(all.begin(), all.end(), 0);
  bool any = false;
  for (const Observation& o : history) {
    if (o.state != TrialState::kComplete && o.state != TrialState::kPruned) continue;
    std::vector<size_t> held;
    for (size_t d : all) {
      if (!std::isnan(o.point[d])) held.push_back(d);
    }
    std::vector<std::vector<size_t>> next;
    for (const std::vector<size_t>& block : blocks) {
      std::vector<size_t> in, out;
      for (size_t d : block) {
        (std::find(held.begin(), held.end(), d) != held.end() ? in : out).push_back(d);
        held.erase(std::remove(held.begin(), held.end(), d), held.end());
      }
      if (!in.empty()) next.push_back(std::move(in));
      if (!out.empty()) next.push_back(std::move(out));
    }
    if (!held.empty()) next.push_back(std::move(held));
    blocks = std::move(next);
    any = true;
  }
  // Parameters no finished trial had are drawn alone, from their prior.
  std::vector<bool> covered(dims.size(), false);
  for (const auto& block : blocks) {
    for (size_t d : block) covered[d] = true;
  }
  for (size_t d = 0; d < dims.size(); ++d) {
    if (!covered[d]) blocks.push_back({d});
  }
  if (!any) blocks = {all};
  return blocks;
}

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
  const std::vector<std::vector<size_t>> blocks = TpeBlocks(dims, history, s_.multivariate);
  std::vector<std::pair<ParzenEstimator, ParzenEstimator>> models;  // (below, above) per block
  for (const std::vector<size_t>& block : blocks) {
    const TpeGroups kept = KeepActive(groups, block);
    models.emplace_back(
        ParzenEstimator(dims, block, kept.below, s_.prior_weight, kept.below_weights),
        ParzenEstimator(dims, block, kept.above, s_.prior_weight));
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
