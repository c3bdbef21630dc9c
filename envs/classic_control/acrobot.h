// Acrobot-v1 as Gymnasium 1.3.0 has it (gymnasium/envs/classic_control/acrobot.py): two links,
// torque -1, 0 or +1 on the joint between them, the "book" dynamics of Sutton and Barto
// integrated by one RK4 step of dt = 0.2 s, angles wrapped to [-pi, pi], velocities bounded to
// 4 pi and 9 pi; -1 a step until the tip rises a link's length above the pivot (0 then, and
// terminated); truncated at 500 steps.
#pragma once

#include <array>

#include "envs/env.h"

namespace hpo::envs {

class AcrobotEnv : public Env {
 public:
  using State = std::array<double, 4>;  ///< theta1, theta2, dtheta1, dtheta2

  explicit AcrobotEnv(const EnvOptions& options);
  int observation_size() const override { return 6; }
  ActionSpace action_space() const override { return {true, 3, 0.0f, 2.0f}; }
  double reward_threshold() const override { return -100.0; }
  void Reset(uint64_t seed, std::span<float> observation) override;
  StepResult Step(std::span<const float> action, std::span<float> observation) override;

  /// One step of dt under `torque`, wrapped and bounded as upstream; pure, for tests.
  static State Advance(const State& s, double torque);
  static bool Terminal(const State& s);

 private:
  State state_{};
  int max_episode_steps_;
  int elapsed_steps_ = 0;
};

}  // namespace hpo::envs
