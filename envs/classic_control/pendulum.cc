#include "envs/classic_control/pendulum.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

#include "lib/core/random.h"

namespace hpo::envs {
namespace {

using std::numbers::pi;
constexpr double kMaxSpeed = 8.0, kMaxTorque = 2.0, kDt = 0.05, kG = 10.0, kM = 1.0, kL = 1.0;

// Upstream's angle_normalize, ((x + pi) % (2 pi)) - pi with Python's floored modulo.
double NormaliseAngle(double x) {
  const double turn = 2 * pi;
  return x + pi - turn * std::floor((x + pi) / turn) - pi;
}

void Observe(const PendulumEnv::State& s, std::span<float> o) {
  o[0] = static_cast<float>(std::cos(s[0]));
  o[1] = static_cast<float>(std::sin(s[0]));
  o[2] = static_cast<float>(s[1]);
}

}  // namespace

PendulumEnv::PendulumEnv(const EnvOptions& options)
    : max_episode_steps_(TimeLimit(options, 200, "Pendulum-v1")) {}

void PendulumEnv::Reset(uint64_t seed, std::span<float> observation) {
  Rng rng(seed);
  state_ = {Uniform(rng, -pi, pi), Uniform(rng, -1.0, 1.0)};
  elapsed_steps_ = 0;
  Observe(state_, observation);
}

double PendulumEnv::Cost(const State& s, double torque) {
  const double angle = NormaliseAngle(s[0]);
  return angle * angle + 0.1 * s[1] * s[1] + 0.001 * torque * torque;
}

PendulumEnv::State PendulumEnv::Advance(const State& s, double torque) {
  double speed = s[1] + (3 * kG / (2 * kL) * std::sin(s[0]) + 3.0 / (kM * kL * kL) * torque) * kDt;
  speed = std::clamp(speed, -kMaxSpeed, kMaxSpeed);
  return {s[0] + speed * kDt, speed};
}

StepResult PendulumEnv::Step(std::span<const float> action, std::span<float> observation) {
  if (!std::isfinite(action[0]))
    throw std::invalid_argument("Pendulum-v1: action must be finite, got " +
                                std::to_string(action[0]));
  // Upstream clips the float32 action and computes in float64 from there.
  const double torque =
      std::clamp(action[0], static_cast<float>(-kMaxTorque), static_cast<float>(kMaxTorque));
  const double cost = Cost(state_, torque);
  state_ = Advance(state_, torque);
  Observe(state_, observation);
  ++elapsed_steps_;
  return {static_cast<float>(-cost), false, elapsed_steps_ >= max_episode_steps_};
}

}  // namespace hpo::envs
