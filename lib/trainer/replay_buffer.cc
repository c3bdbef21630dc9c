#include "lib/trainer/replay_buffer.h"

#include <algorithm>

namespace hpo::trainer {

void ReplayBuffer::Add(const float* observation, const float* action, float reward,
                       const float* next_observation, bool terminated) {
  if (size_ < capacity_) {  // grows as it fills: a 1M capacity costs nothing until it is used
    observations_.resize(observations_.size() + static_cast<size_t>(obs_size_));
    next_observations_.resize(observations_.size());
    actions_.resize(actions_.size() + static_cast<size_t>(action_dim_));
    rewards_.push_back(0);
    terminated_.push_back(0);
    ++size_;
  }
  const auto i = static_cast<size_t>(next_);
  std::copy_n(observation, obs_size_, observations_.data() + i * static_cast<size_t>(obs_size_));
  std::copy_n(next_observation, obs_size_,
              next_observations_.data() + i * static_cast<size_t>(obs_size_));
  std::copy_n(action, action_dim_, actions_.data() + i * static_cast<size_t>(action_dim_));
  rewards_[i] = reward;
  terminated_[i] = terminated ? 1.0f : 0.0f;
  next_ = (next_ + 1) % capacity_;
}

std::vector<float> ReplayBuffer::Transitions() const {
  std::vector<float> out;
  out.reserve(static_cast<size_t>(size_ * (2 * obs_size_ + action_dim_ + 2)));
  const int64_t oldest = size_ < capacity_ ? 0 : next_;
  for (int64_t k = 0; k < size_; ++k) {
    const auto i = static_cast<size_t>((oldest + k) % capacity_);
    const float* obs = observations_.data() + i * static_cast<size_t>(obs_size_);
    const float* act = actions_.data() + i * static_cast<size_t>(action_dim_);
    const float* next = next_observations_.data() + i * static_cast<size_t>(obs_size_);
    out.insert(out.end(), obs, obs + obs_size_);
    out.insert(out.end(), act, act + action_dim_);
    out.push_back(rewards_[i]);
    out.insert(out.end(), next, next + obs_size_);
    out.push_back(terminated_[i]);
  }
  return out;
}

bool ReplayBuffer::AddTransitions(const std::vector<float>& transitions) {
  const auto width = static_cast<size_t>(2 * obs_size_ + action_dim_ + 2);
  if (transitions.size() % width != 0) return false;
  for (size_t at = 0; at < transitions.size(); at += width) {
    const float* t = transitions.data() + at;
    Add(t, t + obs_size_, t[obs_size_ + action_dim_], t + obs_size_ + action_dim_ + 1,
        t[width - 1] != 0.0f);
  }
  return true;
}

void ReplayBuffer::Sample(int64_t batch, Rng& rng, ReplayBatch& out) const {
  const auto n = static_cast<size_t>(batch);
  out.size = batch;
  out.observations.resize(n * static_cast<size_t>(obs_size_));
  out.next_observations.resize(out.observations.size());
  out.actions.resize(n * static_cast<size_t>(action_dim_));
  out.rewards.resize(n);
  out.terminated.resize(n);
  for (size_t k = 0; k < n; ++k) {
    const auto i = static_cast<size_t>(UniformInt(rng, 0, size_));
    const auto obs = static_cast<size_t>(obs_size_), act = static_cast<size_t>(action_dim_);
    std::copy_n(observations_.data() + i * obs, obs, out.observations.data() + k * obs);
    std::copy_n(next_observations_.data() + i * obs, obs, out.next_observations.data() + k * obs);
    std::copy_n(actions_.data() + i * act, act, out.actions.data() + k * act);
    out.rewards[k] = rewards_[i];
    out.terminated[k] = terminated_[i];
  }
}

}  // namespace hpo::trainer
