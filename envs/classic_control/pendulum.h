// Pendulum-v1 as Gymnasium 1.3.0 has it (gymnasium/envs/classic_control/pendulum.py): swing a
// pendulum up with a torque in [-2, 2]; semi-implicit Euler at dt = 0.05 s, speed clipped to 8,
// g = 10; the reward is -(angle^2 + 0.1 speed^2 + 0.001 torque^2), the angle normalised to
// [-pi, pi); never terminates, truncated at 200 steps. Gymnasium registers no reward threshold;
// -200 (a mean return most solvers reach) is this project's.
#pragma once

#include <array>

#include "envs/env.h"

namespace hpo::envs {

class PendulumEnv : public Env {
 public:
  using State = std::array<double, 2>;  ///< theta (0 = upright), theta_dot

  explicit PendulumEnv(const EnvOptions& options);
  int observation_size() const override { return 3; }
  ActionSpace action_space() const override { return {false, 1, -2.0f, 2.0f}; }
  double reward_threshold() const override { return -200.0; }
  void Reset(uint64_t seed, std::span<float> observation) override;
  StepResult Step(std::span<const float> action, std::span<float> observation) override;

  /// The cost of a step from `s` under `torque` (already clipped); the reward is its negative.
  static double Cost(const State& s, double torque);
  /// One step under `torque` (already clipped); pure, for tests.
  static State Advance(const State& s, double torque);

 private:
  State state_{};
  int max_episode_steps_;
  int elapsed_steps_ = 0;
};

}  // namespace hpo::envs
