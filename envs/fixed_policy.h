// Runs a fixed policy (uniform random actions, or Gymnasium's LunarLander heuristic) for a number
// of episodes and summarises the returns: `hpo env-eval`, the check that the LunarLander port
// behaves like Gymnasium's (docs/benchmarks.md, scripts/ks-env).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "envs/env.h"

namespace hpo::envs {

struct FixedPolicyRun {
  std::string env_id = "LunarLander-v3";
  std::string
      policy;  ///< random | heuristic; "": heuristic where there is one (LunarLander), else random
  int64_t episodes = 100;
  uint64_t seed = 0;  ///< episode seeds and random actions derive from it
  EnvOptions env;
};

struct Episode {
  double episode_return = 0;
  int length = 0;
  bool terminated = false;  ///< landed or crashed; false: truncated at the time limit
};

struct FixedPolicyResult {
  std::string policy;  ///< the policy that ran (FixedPolicyRun::policy, the default resolved)
  std::vector<Episode> episodes;
  double mean_return = 0, std_return = 0, median_return = 0, min_return = 0, max_return = 0;
  double mean_length = 0;
  double terminated_fraction = 0;
  double reward_threshold = 0;  ///< the env's (Env::reward_threshold)
  double solved_fraction = 0;   ///< episodes with a return of at least reward_threshold
  int64_t steps = 0;
  double seconds = 0;  ///< wall time of the episodes
  double StepsPerSecond() const { return seconds > 0 ? static_cast<double>(steps) / seconds : 0; }
};

/// Throws UserError naming --policy or --episodes for an unknown policy, the heuristic in an env
/// other than LunarLander, or a count below 1.
FixedPolicyResult RunFixedPolicy(const FixedPolicyRun& run);

/// One CSV row per episode: index, return (every digit), length, terminated, truncated.
std::string EpisodesCsv(const std::vector<Episode>& episodes);

}  // namespace hpo::envs
