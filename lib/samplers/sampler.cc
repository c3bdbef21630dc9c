#include "lib/samplers/sampler.h"

namespace hpo::samplers {

std::vector<Observation> ImputedHistory(const space::SearchSpace& space,
                                        std::span<const Observation> history) {
  std::vector<Observation> imputed(history.begin(), history.end());
  for (Observation& o : imputed) o.point = space.Impute(o.point);
  return imputed;
}

}  // namespace hpo::samplers
