// CMA-ES (Hansen's "The CMA Evolution Strategy: A Tutorial", 2016) over the numeric dimensions
// of the unit box, with the usual defaults: population 4 + floor(3 ln d), mean at the search
// centre, sigma0 a third of the box.
//
// The sampler keeps no state between calls: every Suggest replays the study's finished trials,
// in trial order, as generations of `population` trials and updates mean, step size and
// covariance after each. So a resumed or shared study gives the same distribution on every
// controller, and trials that did not come from CMA-ES (enqueued, warm-started, an earlier
// sampler) are taken as injected solutions, their step clipped in Mahalanobis norm as the
// tutorial prescribes. A partly finished generation waits; the next point is a fresh draw from
// the current distribution (the trial's own rng), resampled until it lies in the box.
//
// Integer-like dimensions (int, pow2, q_uniform) get a margin after each update, after CMA-ES
// with Margin (Hamano et al., 2022) in a simplified form: the marginal standard deviation is
// kept large enough that a draw leaves the mean's level with probability at least
// alpha = 1 / (d * population), so the search never freezes on one integer.
// Categorical dimensions have no order for CMA-ES to use: they are drawn at random from their
// prior, and the suggestion's reason says so.
#pragma once

#include "lib/samplers/sampler.h"

namespace hpo::samplers {

/// 4 + floor(3 ln d), at least 4 (Hansen's default population for d numeric dimensions).
int CmaesPopulationSize(int numeric_dimensions);

class CmaesSampler : public Sampler {
 public:
  explicit CmaesSampler(int max_constraint_tries) : max_constraint_tries_(max_constraint_tries) {}
  std::optional<Suggestion> Suggest(const space::SearchSpace& space,
                                    std::span<const Observation> history, Rng& rng) override;

 private:
  int max_constraint_tries_;
};

}  // namespace hpo::samplers
