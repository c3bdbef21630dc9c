// Random search: every parameter drawn from its prior, constraint-rejected draws redrawn.
#pragma once

#include "lib/samplers/sampler.h"

namespace hpo::samplers {

class RandomSampler : public Sampler {
 public:
  explicit RandomSampler(int max_tries) : max_tries_(max_tries) {}
  std::optional<Suggestion> Suggest(const space::SearchSpace& space,
                                    std::span<const Observation> history, Rng& rng) override;

 private:
  int max_tries_;
};

/// Draws from the prior until a feasible point comes up; throws UserError after `max_tries`.
Suggestion SampleFeasible(const space::SearchSpace& space, Rng& rng, int max_tries,
                          const std::string& reason);

}  // namespace hpo::samplers
