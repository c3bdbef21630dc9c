#include "lib/core/random.h"

#include <cmath>
#include <numbers>

namespace hpo {

double StandardNormal(Rng& rng) {
  // 1 - u keeps the argument of log in (0, 1].
  const double u1 = 1.0 - UniformUnit(rng);
  const double u2 = UniformUnit(rng);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

}  // namespace hpo
