#include "envs/fixed_policy.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include "envs/lunar_lander/lunar_lander.h"
#include "lib/core/error.h"
#include "lib/core/random.h"

namespace hpo::envs {
namespace {

// Plays one episode; `policy` writes the action for an observation.
template <typename Policy>
Episode PlayEpisode(Env& env, uint64_t seed, std::vector<float>& obs, std::vector<float>& action,
                    Policy&& policy) {
  env.Reset(seed, obs);
  Episode episode;
  while (true) {
    policy(obs, action);
    const StepResult r = env.Step(action, obs);
    episode.episode_return += r.reward;
    ++episode.length;
    if (r.terminated || r.truncated) {
      episode.terminated = r.terminated;
      return episode;
    }
  }
}

void Summarise(FixedPolicyResult& result) {
  std::vector<double> returns;
  for (const Episode& e : result.episodes) {
    returns.push_back(e.episode_return);
    result.steps += e.length;
    result.mean_length += e.length;
    result.terminated_fraction += e.terminated;
    result.solved_fraction += e.episode_return >= result.reward_threshold;
  }
  const double n = static_cast<double>(returns.size());
  result.mean_length /= n;
  result.terminated_fraction /= n;
  result.solved_fraction /= n;
  result.mean_return = std::accumulate(returns.begin(), returns.end(), 0.0) / n;
  double var = 0;
  for (double r : returns) var += (r - result.mean_return) * (r - result.mean_return);
  result.std_return = std::sqrt(var / n);
  std::sort(returns.begin(), returns.end());
  const size_t mid = returns.size() / 2;
  result.median_return =
      returns.size() % 2 ? returns[mid] : 0.5 * (returns[mid - 1] + returns[mid]);
  result.min_return = returns.front();
  result.max_return = returns.back();
}

}  // namespace

FixedPolicyResult RunFixedPolicy(const FixedPolicyRun& run) {
  const bool has_heuristic = run.env_id.rfind("LunarLander", 0) == 0;
  const std::string policy_name =
      run.policy.empty() ? (has_heuristic ? "heuristic" : "random") : run.policy;
  if (policy_name != "random" && policy_name != "heuristic") {
    throw UserError(Origin{"--policy"},
                    "unknown policy '" + policy_name + "' (known: random, heuristic)");
  }
  if (run.episodes <= 0) {
    throw UserError(Origin{"--episodes"},
                    "must be a positive number of episodes, got " + std::to_string(run.episodes));
  }
  std::unique_ptr<Env> env = MakeEnv(run.env_id, run.env);
  const bool heuristic = policy_name == "heuristic";  // decided once, not at every step
  if (heuristic && !has_heuristic) {
    throw UserError(Origin{"--policy"},
                    "there is no heuristic policy for " + run.env_id +
                        " (Gymnasium has one for LunarLander only); use --policy random");
  }
  const ActionSpace space = env->action_space();
  std::vector<float> obs(static_cast<size_t>(env->observation_size()));
  std::vector<float> action(static_cast<size_t>(space.width()));
  Rng episode_seeds(DeriveSeed(run.seed, 0, "env"));
  Rng action_rng(DeriveSeed(run.seed, 0, "policy"));
  auto policy = [&](const std::vector<float>& o, std::vector<float>& a) {
    if (heuristic) {
      LunarLanderEnv::HeuristicAction(!space.discrete, o, a);
    } else if (space.discrete) {
      a[0] = static_cast<float>(UniformInt(action_rng, 0, space.n));
    } else {
      for (float& x : a) x = static_cast<float>(Uniform(action_rng, space.low, space.high));
    }
  };

  FixedPolicyResult result;
  result.policy = policy_name;
  result.reward_threshold = env->reward_threshold();
  const auto start = std::chrono::steady_clock::now();
  for (int64_t e = 0; e < run.episodes; ++e) {
    result.episodes.push_back(PlayEpisode(*env, episode_seeds(), obs, action, policy));
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  Summarise(result);
  return result;
}

std::string EpisodesCsv(const std::vector<Episode>& episodes) {
  std::string csv = "episode,return,length,terminated,truncated\n";
  for (size_t i = 0; i < episodes.size(); ++i) {
    const Episode& e = episodes[i];
    csv += fmt::format("{},{:.17g},{},{},{}\n", i, e.episode_return, e.length, int(e.terminated),
                       int(!e.terminated));
  }
  return csv;
}

}  // namespace hpo::envs
