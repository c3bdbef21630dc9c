#include "envs/classic_control/acrobot.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "lib/core/random.h"

namespace hpo::envs {
namespace {

using std::numbers::pi;
constexpr double kDt = 0.2, kMaxVel1 = 4 * pi, kMaxVel2 = 9 * pi;
constexpr double kTorques[3] = {-1.0, 0.0, 1.0};

// d/dt of (theta1, theta2, dtheta1, dtheta2) under torque a: upstream's _dsdt, "book" variant.
AcrobotEnv::State Derivative(const AcrobotEnv::State& s, double a) {
  constexpr double m1 = 1.0, m2 = 1.0, l1 = 1.0, lc1 = 0.5, lc2 = 0.5, i1 = 1.0, i2 = 1.0, g = 9.8;
  const auto [theta1, theta2, dtheta1, dtheta2] = s;
  const double d1 =
      m1 * lc1 * lc1 + m2 * (l1 * l1 + lc2 * lc2 + 2 * l1 * lc2 * std::cos(theta2)) + i1 + i2;
  const double d2 = m2 * (lc2 * lc2 + l1 * lc2 * std::cos(theta2)) + i2;
  const double phi2 = m2 * lc2 * g * std::cos(theta1 + theta2 - pi / 2.0);
  const double phi1 = -m2 * l1 * lc2 * dtheta2 * dtheta2 * std::sin(theta2) -
                      2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * std::sin(theta2) +
                      (m1 * lc1 + m2 * l1) * g * std::cos(theta1 - pi / 2) + phi2;
  const double ddtheta2 =
      (a + d2 / d1 * phi1 - m2 * l1 * lc2 * dtheta1 * dtheta1 * std::sin(theta2) - phi2) /
      (m2 * lc2 * lc2 + i2 - d2 * d2 / d1);
  const double ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
  return {dtheta1, dtheta2, ddtheta1, ddtheta2};
}

AcrobotEnv::State Plus(const AcrobotEnv::State& s, double h, const AcrobotEnv::State& k) {
  return {s[0] + h * k[0], s[1] + h * k[1], s[2] + h * k[2], s[3] + h * k[3]};
}

// Upstream's wrap(): shifts by whole turns until x is in [low, high].
double Wrap(double x, double low, double high) {
  const double span = high - low;
  while (x > high) x -= span;
  while (x < low) x += span;
  return x;
}

void Observe(const AcrobotEnv::State& s, std::span<float> o) {
  const double values[6] = {std::cos(s[0]), std::sin(s[0]), std::cos(s[1]),
                            std::sin(s[1]), s[2],           s[3]};
  std::transform(std::begin(values), std::end(values), o.begin(),
                 [](double v) { return static_cast<float>(v); });
}

}  // namespace

AcrobotEnv::AcrobotEnv(const EnvOptions& options)
    : max_episode_steps_(TimeLimit(options, 500, "Acrobot-v1")) {}

void AcrobotEnv::Reset(uint64_t seed, std::span<float> observation) {
  Rng rng(seed);
  // Upstream draws float64 and keeps float32 (.astype(np.float32)).
  for (double& v : state_) v = static_cast<float>(Uniform(rng, -0.1, 0.1));
  elapsed_steps_ = 0;
  Observe(state_, observation);
}

AcrobotEnv::State AcrobotEnv::Advance(const State& s, double torque) {
  const State k1 = Derivative(s, torque);
  const State k2 = Derivative(Plus(s, kDt / 2, k1), torque);
  const State k3 = Derivative(Plus(s, kDt / 2, k2), torque);
  const State k4 = Derivative(Plus(s, kDt, k3), torque);
  State n;
  for (size_t i = 0; i < n.size(); ++i)
    n[i] = s[i] + kDt / 6.0 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
  n[0] = Wrap(n[0], -pi, pi);
  n[1] = Wrap(n[1], -pi, pi);
  n[2] = std::clamp(n[2], -kMaxVel1, kMaxVel1);
  n[3] = std::clamp(n[3], -kMaxVel2, kMaxVel2);
  return n;
}

bool AcrobotEnv::Terminal(const State& s) { return -std::cos(s[0]) - std::cos(s[1] + s[0]) > 1.0; }

StepResult AcrobotEnv::Step(std::span<const float> action, std::span<float> observation) {
  state_ = Advance(state_, kTorques[DiscreteAction(action, 3, "Acrobot-v1")]);
  const bool terminated = Terminal(state_);
  Observe(state_, observation);
  ++elapsed_steps_;
  return {terminated ? 0.0f : -1.0f, terminated, elapsed_steps_ >= max_episode_steps_};
}

}  // namespace hpo::envs
