#include "lib/samplers/random_sampler.h"

#include <fmt/format.h>

#include "lib/core/error.h"

namespace hpo::samplers {

Suggestion SampleFeasible(const space::SearchSpace& space, Rng& rng, int max_tries,
                          const std::string& reason) {
  Suggestion suggestion{{}, reason, 0};
  for (int attempt = 0; attempt < max_tries; ++attempt) {
    suggestion.point = space.SamplePrior(rng);
    if (space.IsFeasible(suggestion.point)) return suggestion;
    ++suggestion.constraint_rejections;
  }
  throw UserError(
      fmt::format("the constraints look infeasible: {} random draws were all rejected", max_tries));
}

std::optional<Suggestion> RandomSampler::Suggest(const space::SearchSpace& space,
                                                 std::span<const Observation>, Rng& rng) {
  return SampleFeasible(space, rng, max_tries_, "random");
}

}  // namespace hpo::samplers
