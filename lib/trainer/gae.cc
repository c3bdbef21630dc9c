#include "lib/trainer/gae.h"

#include <cstddef>

namespace hpo::trainer {

void ComputeGae(std::span<const float> rewards, std::span<const float> values,
                std::span<const float> ended, std::span<const float> last_values, int n_steps,
                int n_envs, double gamma, double lambda, std::span<float> advantages,
                std::span<float> returns) {
  for (int e = 0; e < n_envs; ++e) {
    double next_advantage = 0.0;
    double next_value = last_values[static_cast<size_t>(e)];
    for (int t = n_steps - 1; t >= 0; --t) {
      const size_t i =
          static_cast<size_t>(t) * static_cast<size_t>(n_envs) + static_cast<size_t>(e);
      const double not_ended = 1.0 - ended[i];
      const double delta = rewards[i] + gamma * next_value * not_ended - values[i];
      next_advantage = delta + gamma * lambda * not_ended * next_advantage;
      advantages[i] = static_cast<float>(next_advantage);
      returns[i] = static_cast<float>(next_advantage + values[i]);
      next_value = values[i];
    }
  }
}

}  // namespace hpo::trainer
