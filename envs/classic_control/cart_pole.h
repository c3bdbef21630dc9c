// CartPole-v1 as Gymnasium 1.3.0 has it (gymnasium/envs/classic_control/cartpole.py): Barto,
// Sutton and Anderson's pole on a cart, explicit Euler at tau = 0.02 s, +1 a step (the
// terminating step too), terminated past 12 degrees or 2.4 m, truncated at 500 steps.
#pragma once

#include <array>

#include "envs/env.h"

namespace hpo::envs {

class CartPoleEnv : public Env {
 public:
  using State = std::array<double, 4>;  ///< x, x_dot, theta, theta_dot

  explicit CartPoleEnv(const EnvOptions& options);
  int observation_size() const override { return 4; }
  ActionSpace action_space() const override { return {true, 2, 0.0f, 1.0f}; }
  double reward_threshold() const override { return 475.0; }
  void Reset(uint64_t seed, std::span<float> observation) override;
  StepResult Step(std::span<const float> action, std::span<float> observation) override;

  /// One Euler step of the dynamics under a push to the right (true) or left; pure, for tests.
  static State Advance(const State& s, bool push_right);
  static bool Terminal(const State& s);

 private:
  State state_{};
  int max_episode_steps_;
  int elapsed_steps_ = 0;
  bool terminated_ = false;  ///< stepped past the end: Gymnasium then rewards 0
};

}  // namespace hpo::envs
