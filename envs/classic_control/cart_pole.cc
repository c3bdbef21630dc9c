#include "envs/classic_control/cart_pole.h"

#include <cmath>
#include <numbers>

#include "lib/core/random.h"

namespace hpo::envs {
namespace {

constexpr double kGravity = 9.8, kMassCart = 1.0, kMassPole = 0.1,
                 kTotalMass = kMassCart + kMassPole;
constexpr double kHalfLength = 0.5, kPoleMassLength = kMassPole * kHalfLength, kForce = 10.0,
                 kTau = 0.02;
constexpr double kThetaThreshold = 12 * 2 * std::numbers::pi / 360, kXThreshold = 2.4;

void Observe(const CartPoleEnv::State& s, std::span<float> observation) {
  for (size_t i = 0; i < s.size(); ++i) observation[i] = static_cast<float>(s[i]);
}

}  // namespace

CartPoleEnv::CartPoleEnv(const EnvOptions& options)
    : max_episode_steps_(TimeLimit(options, 500, "CartPole-v1")) {}

void CartPoleEnv::Reset(uint64_t seed, std::span<float> observation) {
  Rng rng(seed);
  for (double& v : state_) v = Uniform(rng, -0.05, 0.05);
  elapsed_steps_ = 0;
  terminated_ = false;
  Observe(state_, observation);
}

CartPoleEnv::State CartPoleEnv::Advance(const State& s, bool push_right) {
  const auto [x, x_dot, theta, theta_dot] = s;
  const double force = push_right ? kForce : -kForce;
  const double cos_theta = std::cos(theta), sin_theta = std::sin(theta);
  const double temp = (force + kPoleMassLength * theta_dot * theta_dot * sin_theta) / kTotalMass;
  const double theta_acc =
      (kGravity * sin_theta - cos_theta * temp) /
      (kHalfLength * (4.0 / 3.0 - kMassPole * cos_theta * cos_theta / kTotalMass));
  const double x_acc = temp - kPoleMassLength * theta_acc * cos_theta / kTotalMass;
  return {x + kTau * x_dot, x_dot + kTau * x_acc, theta + kTau * theta_dot,
          theta_dot + kTau * theta_acc};
}

bool CartPoleEnv::Terminal(const State& s) {
  return s[0] < -kXThreshold || s[0] > kXThreshold || s[2] < -kThetaThreshold ||
         s[2] > kThetaThreshold;
}

StepResult CartPoleEnv::Step(std::span<const float> action, std::span<float> observation) {
  const int a = DiscreteAction(action, 2, "CartPole-v1");
  state_ = Advance(state_, a == 1);
  const bool terminal = Terminal(state_);
  const float reward = terminal && terminated_ ? 0.0f : 1.0f;  // 0 only for steps past the end
  terminated_ = terminated_ || terminal;
  Observe(state_, observation);
  ++elapsed_steps_;
  return {reward, terminal, elapsed_steps_ >= max_episode_steps_};
}

}  // namespace hpo::envs
