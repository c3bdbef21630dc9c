#include "lib/samplers/scalarization.h"

#include <algorithm>
#include <cmath>

namespace hpo::samplers {
namespace {

constexpr double kAugmentation = 0.05;  // ParEGO's rho: keeps weakly dominated points worse

std::vector<double> ValuesOf(const Observation& o) {
  std::vector<double> values = {o.value};
  values.insert(values.end(), o.more_values.begin(), o.more_values.end());
  return values;
}

}  // namespace

bool HasSeveralObjectives(std::span<const Observation> history) {
  return std::any_of(history.begin(), history.end(), [](const Observation& o) {
    return o.state == TrialState::kComplete && !o.more_values.empty();
  });
}

std::vector<Observation> ScalarizeObjectives(std::span<const Observation> history, Rng& rng) {
  size_t n_objectives = 1;
  for (const Observation& o : history)
    n_objectives = std::max(n_objectives, o.more_values.size() + 1);
  std::vector<double> lo(n_objectives, INFINITY), hi(n_objectives, -INFINITY);
  for (const Observation& o : history) {
    if (o.state != TrialState::kComplete || o.more_values.size() + 1 != n_objectives) continue;
    const std::vector<double> values = ValuesOf(o);
    for (size_t i = 0; i < n_objectives; ++i)
      lo[i] = std::min(lo[i], values[i]), hi[i] = std::max(hi[i], values[i]);
  }
  std::vector<double> weights(n_objectives);
  double total = 0;
  for (double& w : weights)
    total += (w = -std::log(1.0 - UniformUnit(rng)));  // exponentials: uniform on the simplex
  for (double& w : weights) w /= total;

  std::vector<Observation> scalarized(history.begin(), history.end());
  for (Observation& o : scalarized) {
    if (o.state != TrialState::kComplete) continue;
    if (o.more_values.size() + 1 != n_objectives) {
      o.state = TrialState::kFailed;  // an observation without every value tells nothing here
      continue;
    }
    const std::vector<double> values = ValuesOf(o);
    double worst = 0, sum = 0;
    for (size_t i = 0; i < n_objectives; ++i) {
      const double regret = hi[i] > lo[i] ? (hi[i] - values[i]) / (hi[i] - lo[i]) : 0.0;
      worst = std::max(worst, weights[i] * regret);
      sum += weights[i] * regret;
    }
    o.value = -(worst + kAugmentation * sum);
    o.more_values.clear();
  }
  return scalarized;
}

}  // namespace hpo::samplers
