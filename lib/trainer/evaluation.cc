#include "lib/trainer/evaluation.h"

#include <cmath>
#include <memory>
#include <numeric>
#include <span>
#include <vector>

#include "lib/core/random.h"

namespace hpo::trainer {

envs::EnvOptions EnvOptionsOf(const config::TrainerConfig& config) {
  envs::EnvOptions options;
  options.gravity = config.gravity;
  options.enable_wind = config.enable_wind;
  options.wind_power = config.wind_power;
  options.turbulence_power = config.turbulence_power;
  return options;
}

EvalResult EvaluatePolicy(const Policy& policy, const config::TrainerConfig& config,
                          int64_t episodes, uint64_t seed, bool stochastic) {
  Rng noise(DeriveSeed(seed, 0, "eval-actions"));
  std::vector<float> log_probs;
  ActorCriticNet::Activations activations;
  return EvaluateActions(config, episodes, seed,
                         [&](const float* observations, int64_t batch, float* actions) {
                           log_probs.resize(static_cast<size_t>(batch));
                           policy.Act(observations, batch, stochastic ? &noise : nullptr, actions,
                                      log_probs.data(), activations);
                         });
}

EvalResult EvaluateActions(const config::TrainerConfig& config, int64_t episodes, uint64_t seed,
                           const ActFunction& act) {
  std::vector<std::unique_ptr<envs::Env>> envs;
  for (int64_t i = 0; i < episodes; ++i)
    envs.push_back(envs::MakeEnv(config.env_id, EnvOptionsOf(config)));
  const auto obs_size = static_cast<size_t>(envs[0]->observation_size());
  const auto width = static_cast<size_t>(envs[0]->action_space().width());
  const auto n = static_cast<size_t>(episodes);
  std::vector<float> obs(n * obs_size);
  Rng seeds(seed);
  for (size_t i = 0; i < n; ++i)
    envs[i]->Reset(seeds(), std::span<float>(obs).subspan(i * obs_size, obs_size));
  std::vector<double> returns(n, 0.0);
  std::vector<int> lengths(n, 0);
  std::vector<size_t> active(n), still_active;
  std::iota(active.begin(), active.end(), 0);
  std::vector<float> batch(n * obs_size), actions(n * width);
  while (!active.empty()) {
    // One forward pass for every episode still running.
    for (size_t k = 0; k < active.size(); ++k) {
      std::copy_n(obs.begin() + static_cast<std::ptrdiff_t>(active[k] * obs_size), obs_size,
                  batch.begin() + static_cast<std::ptrdiff_t>(k * obs_size));
    }
    act(batch.data(), static_cast<int64_t>(active.size()), actions.data());
    still_active.clear();
    for (size_t k = 0; k < active.size(); ++k) {
      const size_t i = active[k];
      const envs::StepResult r =
          envs[i]->Step(std::span<const float>(actions).subspan(k * width, width),
                        std::span<float>(obs).subspan(i * obs_size, obs_size));
      returns[i] += r.reward;
      ++lengths[i];
      if (!r.terminated && !r.truncated) still_active.push_back(i);
    }
    active.swap(still_active);
  }
  EvalResult result;
  result.episodes = episodes;
  const double threshold = envs[0]->reward_threshold();
  int64_t solved = 0, steps = 0;
  for (size_t i = 0; i < n; ++i) {
    result.mean_reward += returns[i] / static_cast<double>(n);
    steps += lengths[i];
    solved += returns[i] >= threshold;
  }
  result.mean_episode_length = static_cast<double>(steps) / static_cast<double>(n);
  result.success_rate = static_cast<double>(solved) / static_cast<double>(n);
  for (double r : returns)
    result.std_reward +=
        (r - result.mean_reward) * (r - result.mean_reward) / static_cast<double>(n);
  result.std_reward = std::sqrt(result.std_reward);
  return result;
}

}  // namespace hpo::trainer
