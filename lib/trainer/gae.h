// Generalised advantage estimation over a rollout laid out [step][env] (Schulman et al. 2016).
#pragma once

#include <span>

namespace hpo::trainer {

/// Computes advantages and returns (= advantages + values) in place of the outputs.
///   rewards, values, ended: n_steps x n_envs, row-major by step. ended[t] is 1 if step t ended
///     its episode (terminated or truncated); a truncated step's reward already includes the
///     bootstrap gamma * V(final observation), so no episode boundary is crossed here.
///   last_values: V of the observations after the last step (n_envs).
void ComputeGae(std::span<const float> rewards, std::span<const float> values,
                std::span<const float> ended, std::span<const float> last_values, int n_steps,
                int n_envs, double gamma, double lambda, std::span<float> advantages,
                std::span<float> returns);

}  // namespace hpo::trainer
