// Env throughput on one core: single env and vector env with random actions, and the bare
// Box2D world step with the same bodies (the floor any port pays). Prints one JSON object.
//   bench_env [steps]
#include <fmt/format.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "envs/lunar_lander/lunar_lander.h"
#include "envs/vector_env.h"
#include "lib/core/random.h"

namespace {

using hpo::Rng;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

struct EpisodeRecord {
  uint64_t seed;
  int64_t length;
};

// FNV-1a over bytes: the single-env run's fingerprint, which any change to what the physics
// computes changes (a Box2D build that is faster must print the same one: scripts/box2d-pgo).
void Fingerprint(uint64_t& h, const void* data, size_t n) {
  for (size_t i = 0; i < n; ++i)
    h = (h ^ static_cast<const unsigned char*>(data)[i]) * 0x100000001B3ULL;
}

// Random discrete actions, resetting at episode ends (as Gymnasium's benchmark loop does).
// Records each episode's seed and length for the bare-world replay, and folds each episode's
// length and last observation into `fingerprint` (once an episode: no cost a step).
double SingleEnvStepsPerSecond(int64_t steps, std::vector<EpisodeRecord>& episodes,
                               uint64_t& fingerprint) {
  hpo::envs::LunarLanderEnv env(false, {});
  std::vector<float> obs(8);
  float action = 0;
  Rng rng(1);
  episodes.clear();
  episodes.reserve(static_cast<size_t>(steps / 50));
  episodes.push_back({rng(), 0});
  env.Reset(episodes.back().seed, obs);
  const auto start = Clock::now();
  for (int64_t t = 0; t < steps; ++t) {
    action = static_cast<float>(hpo::UniformInt(rng, 0, 4));
    const hpo::envs::StepResult r = env.Step(std::span<const float>(&action, 1), obs);
    ++episodes.back().length;
    if (r.terminated || r.truncated) {
      Fingerprint(fingerprint, &episodes.back().length, sizeof(int64_t));
      Fingerprint(fingerprint, obs.data(), obs.size() * sizeof(float));
      episodes.push_back({rng(), 0});
      env.Reset(episodes.back().seed, obs);
    }
  }
  return static_cast<double>(steps) / Seconds(start);
}

double VectorEnvStepsPerSecond(int64_t steps, int num_envs) {
  hpo::envs::VectorEnv env("LunarLander-v3", num_envs, 1);
  const size_t n = static_cast<size_t>(num_envs);
  std::vector<float> obs(n * 8), actions(n), rewards(n);
  std::vector<uint8_t> terminated(n), truncated(n);
  Rng rng(2);
  env.Reset(obs);
  const auto start = Clock::now();
  for (int64_t t = 0; t < steps / num_envs; ++t) {
    for (float& a : actions) a = static_cast<float>(hpo::UniformInt(rng, 0, 4));
    env.Step(actions, obs, rewards, terminated, truncated);
    env.ClearFinishedEpisodes();
  }
  return static_cast<double>(steps / num_envs * num_envs) / Seconds(start);
}

// The same episodes (seeds and lengths) replayed by Box2D alone: world rebuilds and world
// steps, no engines, no observation, no reward. The floor any port on Box2D 2.4.1 pays.
double BareWorldStepsPerSecond(const std::vector<EpisodeRecord>& episodes) {
  hpo::envs::LunarLanderPhysics physics({});
  int64_t steps = 0;
  const auto start = Clock::now();
  for (const EpisodeRecord& e : episodes) {
    physics.Reset(e.seed);
    for (int64_t t = 0; t < e.length; ++t) physics.StepWorldOnly();
    steps += e.length;
  }
  return static_cast<double>(steps) / Seconds(start);
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t steps = argc > 1 ? std::atoll(argv[1]) : 1'000'000;
  std::vector<EpisodeRecord> episodes;
  uint64_t fingerprint = 0xCBF29CE484222325ULL;
  const double single = SingleEnvStepsPerSecond(steps, episodes, fingerprint);
  const int64_t mean_length = steps / static_cast<int64_t>(episodes.size());
  const double vector16 = VectorEnvStepsPerSecond(steps, 16);
  const double bare = BareWorldStepsPerSecond(episodes);
  fmt::print(
      "{{\"steps\": {}, \"single_env_steps_per_second\": {:.0f}, "
      "\"vector_env16_steps_per_second\": {:.0f}, "
      "\"bare_box2d_steps_per_second\": {:.0f}, \"random_episode_mean_length\": {}, "
      "\"single_env_fingerprint\": \"{:016x}\"}}\n",
      steps, single, vector16, bare, mean_length, fingerprint);
  return 0;
}
