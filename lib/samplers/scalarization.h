// Several objectives as one, for samplers that model one value (protein): ParEGO's augmented
// Chebyshev scalarisation (Knowles 2006) with weights drawn afresh for every suggestion, so
// successive suggestions aim at different trade-offs and together cover the Pareto front.
#pragma once

#include <span>
#include <vector>

#include "lib/core/random.h"
#include "lib/samplers/sampler.h"

namespace hpo::samplers {

/// Whether any complete observation carries further objectives.
bool HasSeveralObjectives(std::span<const Observation> history);

/// The history with each complete observation's value replaced by
///   -(max_i w_i r_i + 0.05 sum_i w_i r_i),
/// where r_i is objective i's regret min-max normalised over the complete observations (0 at
/// the best seen, 1 at the worst) and w is drawn uniformly from the simplex with `rng`. Larger
/// stays better; more_values are cleared. Other observations are unchanged.
std::vector<Observation> ScalarizeObjectives(std::span<const Observation> history, Rng& rng);

}  // namespace hpo::samplers
