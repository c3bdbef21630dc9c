#include "lib/trainer/replay_buffer.h"

#include <gtest/gtest.h>

#include <vector>

namespace hpo::trainer {
namespace {

// Transition k of a buffer with 2-float observations and 1-float actions: every number says k.
void AddTransition(ReplayBuffer& buffer, float k) {
  const float obs[2] = {k, k + 0.5f}, action[1] = {-k}, next[2] = {k + 1, k + 1.5f};
  buffer.Add(obs, action, 10 * k, next, static_cast<int>(k) % 3 == 0);
}

std::vector<float> TransitionRow(float k) {
  return {k, k + 0.5f, -k, 10 * k, k + 1, k + 1.5f, static_cast<int>(k) % 3 == 0 ? 1.0f : 0.0f};
}

// What a checkpoint keeps of SAC's replay buffer (checkpoint_replay_buffer): its transitions
// oldest first, also after the ring has wrapped; a buffer filled from them holds the same, and a
// smaller one the newest.
TEST(ReplayBufferTest, TransitionsComeOutOldestFirstAndGoBackIn) {
  ReplayBuffer buffer(4, 2, 1);
  for (int k = 1; k <= 6; ++k) AddTransition(buffer, static_cast<float>(k));  // 5, 6 overwrite 1, 2
  std::vector<float> expected;
  for (int k = 3; k <= 6; ++k) {
    const std::vector<float> row = TransitionRow(static_cast<float>(k));
    expected.insert(expected.end(), row.begin(), row.end());
  }
  EXPECT_EQ(buffer.Transitions(), expected);

  ReplayBuffer same(4, 2, 1);
  ASSERT_TRUE(same.AddTransitions(buffer.Transitions()));
  EXPECT_EQ(same.Transitions(), expected);
  ReplayBuffer smaller(2, 2, 1);
  ASSERT_TRUE(smaller.AddTransitions(buffer.Transitions()));
  EXPECT_EQ(smaller.Transitions(), std::vector<float>(expected.begin() + 14, expected.end()));
  EXPECT_FALSE(smaller.AddTransitions({1, 2, 3}));  // not a whole transition
}

}  // namespace
}  // namespace hpo::trainer
