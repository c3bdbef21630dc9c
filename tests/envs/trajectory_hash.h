// The golden trajectory hash the env tests pin: FNV-1a over the bytes of every observation and
// reward of three episodes of uniformly random actions, episode seeds and actions drawn from
// `seed` and `seed + 1`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "envs/env.h"
#include "lib/core/random.h"

namespace hpo::testing_support {

inline uint64_t TrajectoryHash(const std::string& env_id, uint64_t seed) {
  auto env = envs::MakeEnv(env_id);
  const envs::ActionSpace space = env->action_space();
  std::vector<float> obs(static_cast<size_t>(env->observation_size())),
      action(static_cast<size_t>(space.width()));
  Rng episodes(seed), actions(seed + 1);
  uint64_t h = 0xCBF29CE484222325ULL;
  auto mix = [&h](const void* data, size_t n) {
    for (size_t i = 0; i < n; ++i)
      h = (h ^ static_cast<const unsigned char*>(data)[i]) * 0x100000001B3ULL;
  };
  for (int e = 0; e < 3; ++e) {
    env->Reset(episodes(), obs);
    mix(obs.data(), obs.size() * sizeof(float));
    while (true) {  // every env has a time limit
      if (space.discrete) {
        action[0] = static_cast<float>(UniformInt(actions, 0, space.n));
      } else {
        for (float& a : action) a = static_cast<float>(Uniform(actions, space.low, space.high));
      }
      const envs::StepResult r = env->Step(action, obs);
      mix(obs.data(), obs.size() * sizeof(float));
      mix(&r.reward, sizeof r.reward);
      if (r.terminated || r.truncated) break;
    }
  }
  return h;
}

}  // namespace hpo::testing_support
