// SAC's replay buffer: transitions in a ring, sampled uniformly into preallocated batches.
#pragma once

#include <cstdint>
#include <vector>

#include "lib/core/random.h"

namespace hpo::trainer {

/// `size` transitions, row-major; actions in [-1, 1], terminated 1 or 0.
struct ReplayBatch {
  int64_t size = 0;
  std::vector<float> observations, actions, rewards, next_observations, terminated;
};

/// Transitions in a ring of `capacity`; actions as the actor gives them, in [-1, 1].
class ReplayBuffer {
 public:
  ReplayBuffer(int64_t capacity, int observation_size, int action_dim)
      : capacity_(capacity), obs_size_(observation_size), action_dim_(action_dim) {}

  /// Stores one transition, over the oldest once the buffer is full.
  void Add(const float* observation, const float* action, float reward,
           const float* next_observation, bool terminated);

  int64_t size() const { return size_; }

  /// Every transition, oldest first, each as (observation, action, reward, next observation,
  /// terminated): what a checkpoint keeps.
  std::vector<float> Transitions() const;
  /// Stores transitions as Transitions() gives them (only the newest `capacity` stay). False
  /// when `transitions` is not a whole number of them.
  bool AddTransitions(const std::vector<float>& transitions);

  /// `batch` transitions drawn uniformly (with replacement, as SB3) into `out`, whose buffers
  /// are reused.
  void Sample(int64_t batch, Rng& rng, ReplayBatch& out) const;

 private:
  int64_t capacity_;
  int obs_size_, action_dim_;
  int64_t size_ = 0, next_ = 0;
  std::vector<float> observations_, next_observations_, actions_, rewards_, terminated_;
};

}  // namespace hpo::trainer
