// Protein-style cost-aware Bayesian optimisation (PufferLib/Metta; ../shared/docs/protein.md),
// with the reference versions' defects fixed:
//   - values arrive larger-is-better, so the goal direction is honoured everywhere;
//   - failures are used: they join the score model as worst-score points;
//   - the Pareto front keeps ties (no empty front on identical histories);
//   - the acquisition uses the predictive variance (UCB), shifted positive before the cost
//     weight, and the weight is clamped at 0, so a negative weight never flips the preference;
//   - candidates that leave the box are reflected back, not clipped onto its faces;
//   - non-positive costs are guarded; an all-masked candidate set relaxes the cost mask and says so;
//   - running trials enter the score model at the worst score (constant liar), so parallel
//     workers do not get the same point;
//   - the GP training set is capped (half most recent, half sampled), so suggest stays fast;
//   - all randomness comes from the caller's RNG.
#pragma once

#include "lib/samplers/sampler.h"
#include "lib/samplers/sampler_factory.h"

namespace hpo::samplers {

class ProteinSampler : public Sampler {
 public:
  explicit ProteinSampler(const SamplerSettings& settings) : s_(settings) {}
  std::optional<Suggestion> Suggest(const space::SearchSpace& space, std::span<const Observation> history,
                                    Rng& rng) override;

 private:
  SamplerSettings s_;
};

}  // namespace hpo::samplers
