// N copies of one env stepped together, with auto-reset (the trainer's view of the world).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "envs/env.h"

namespace hpo::envs {

/// A finished episode, reported once by the step that ended it.
struct EpisodeStats {
  int env_index = 0;
  double episode_return = 0.0;
  int length = 0;
  bool terminated = false;
  bool truncated = false;
};

class VectorEnv {
 public:
  /// Copy i is seeded from DeriveSeed(seed, i, "env"); each of its episodes from that stream.
  VectorEnv(const std::string& env_id, int num_envs, uint64_t seed, const EnvOptions& options = {});

  int num_envs() const;
  int observation_size() const;
  ActionSpace action_space() const;
  double reward_threshold() const;  ///< the copies' solve threshold (Env::reward_threshold)

  /// Resets every copy; `observations` is num_envs x observation_size, row-major.
  void Reset(std::span<float> observations);

  /// Steps every copy. `actions` is num_envs x action_space().width(). A copy whose episode
  /// ended is reset at once: its row of `observations` holds the first observation of the
  /// next episode and final_observations() holds the last one of the ended episode (for
  /// bootstrapping truncated episodes). Episodes that ended are appended to finished_episodes().
  void Step(std::span<const float> actions, std::span<float> observations, std::span<float> rewards,
            std::span<uint8_t> terminated, std::span<uint8_t> truncated);

  /// num_envs x observation_size; row i is meaningful only where the last Step ended episode i.
  std::span<const float> final_observations() const;

  /// Episodes finished since the last ClearFinishedEpisodes().
  const std::vector<EpisodeStats>& finished_episodes() const;
  void ClearFinishedEpisodes();

 private:
  // Defined by envs/vector_env.cc.
  struct State;
  std::unique_ptr<State> state_;

 public:
  ~VectorEnv();
  VectorEnv(VectorEnv&&) noexcept;
  VectorEnv& operator=(VectorEnv&&) noexcept;
};

}  // namespace hpo::envs
