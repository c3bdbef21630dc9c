// Protein-style cost-aware Bayesian optimisation (PufferLib/Metta; docs/protein.md),
// with the reference versions' defects fixed:
//   - values arrive larger-is-better, so the goal direction is honoured everywhere;
//   - failures are used: they join the score model as worst-score points;
//   - the Pareto front keeps ties (no empty front on identical histories);
//   - the acquisition uses the predictive variance (UCB), shifted positive before the cost
//     weight, and the weight is clamped at 0, so a negative weight never flips the preference;
//   - candidates that leave the box are reflected back, not clipped onto its faces;
//   - non-positive costs are guarded; an all-masked candidate set relaxes the cost mask and
//     says so;
//   - running trials enter the score model at the worst score (constant liar), so parallel
//     workers do not get the same point;
//   - the GP training set is capped (half most recent, half sampled), so suggest stays fast;
//   - all randomness comes from the caller's RNG.
// And made robust on mixed spaces (the RL case: log, logit, int and categorical together):
//   - log and logit parameters are modelled in their unit coordinates, where they are linear;
//     ints are scored at the levels they will run at (candidates are snapped first);
//   - categoricals get a Hamming distance in the kernel and no linear term, and a perturbed
//     candidate redraws a category uniformly, so their order means nothing;
//   - the acquisition is optimised beyond the random candidates: a pattern search from the
//     best few (numeric steps that halve, every other level of each categorical);
//   - `random_suggestions` uniform candidates over the box join the Pareto perturbations, so a
//     region far from every Pareto point can still win.
#pragma once

#include "lib/samplers/sampler.h"

namespace hpo::samplers {

/// PufferLib 3.0's defaults (docs/protein.md).
struct ProteinSettings {
  int num_random_samples = 10;        ///< random phase length (finished trials)
  double max_suggestion_cost = 3600;  ///< cost cap of suggestions (seconds)
  int resample_frequency = 0;         ///< re-measure a Pareto point every N suggestions; 0 = never
  double global_search_scale = 1.0;   ///< multiplies every parameter's scale
  int random_suggestions = 1024;      ///< random candidates per suggestion
  int suggestions_per_pareto = 256;   ///< perturbed candidates per Pareto point
  double expansion_rate = 0.25;       ///< how far beyond the known costs the cost target reaches

  /// Throws UserError for a setting out of range.
  void Check() const;

  bool operator==(const ProteinSettings&) const = default;
};

class ProteinSampler : public Sampler {
 public:
  ProteinSampler(const ProteinSettings& settings, int max_constraint_tries)
      : s_(settings), max_constraint_tries_(max_constraint_tries) {}
  std::optional<Suggestion> Suggest(const space::SearchSpace& space,
                                    std::span<const Observation> history, Rng& rng) override;

 private:
  ProteinSettings s_;
  int max_constraint_tries_;
};

}  // namespace hpo::samplers
