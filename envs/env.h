// The environment contract: one screen, in the spirit of EnvPool's env.h.
//
// Observations and actions are flat float arrays owned by the caller, so stepping never
// allocates. A discrete action is passed as one float holding the action index.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace hpo::envs {

/// The shape of the action an env takes.
struct ActionSpace {
  bool discrete =
      true;   ///< true: one float holding an index in [0, n); false: a vector in [low, high]
  int n = 0;  ///< discrete: number of actions; continuous: action dimension
  float low = -1.0f;  ///< continuous only: lower bound of every component
  float high = 1.0f;  ///< continuous only: upper bound of every component

  /// Floats one action occupies in an action array: 1 if discrete, n if continuous.
  int width() const { return discrete ? 1 : n; }
};

/// What one step returns besides the observation.
struct StepResult {
  float reward = 0.0f;
  bool terminated =
      false;               ///< the episode reached a terminal state (crash, landing, out of bounds)
  bool truncated = false;  ///< the time limit ended the episode
};

class Env {
 public:
  virtual ~Env() = default;

  virtual int observation_size() const = 0;
  virtual ActionSpace action_space() const = 0;
  /// The mean return that counts as solving the env (Gymnasium's reward_threshold).
  virtual double reward_threshold() const = 0;

  /// Starts a new episode whose randomness comes only from `seed`; writes the first observation.
  virtual void Reset(uint64_t seed, std::span<float> observation) = 0;

  /// Advances one step. `action` has action_space().width() floats. An invalid discrete action
  /// throws std::invalid_argument naming the value.
  virtual StepResult Step(std::span<const float> action, std::span<float> observation) = 0;
};

/// Options every env id accepts; envs ignore what they do not use.
struct EnvOptions {
  double gravity = -10.0;         ///< m/s^2, must be in (-12, 0)
  bool enable_wind = false;       ///< apply wind and turbulence while no leg touches ground
  double wind_power = 15.0;       ///< max horizontal wind force (N), sensible 0..20
  double turbulence_power = 1.5;  ///< max rotational turbulence torque, sensible 0..2
  int max_episode_steps = 0;      ///< time limit in agent steps (truncation); 0: the env's own,
                                  ///< as Gymnasium registers it (LunarLander 1000, CartPole and
                                  ///< Acrobot 500, Pendulum 200)
};

/// The time limit `options` give an env whose own limit is `own` (Gymnasium's registration).
/// A negative limit throws UserError naming the env.
int TimeLimit(const EnvOptions& options, int own, const char* env_id);

/// The index a discrete action holds, checked: an index outside [0, n) throws
/// std::invalid_argument naming the env and the value.
int DiscreteAction(std::span<const float> action, int n, const char* env_id);

/// Makes an env from its Gymnasium id: LunarLander-v3, LunarLanderContinuous-v3, CartPole-v1,
/// Acrobot-v1, Pendulum-v1 (kEnvIds).
/// An unknown id or an out-of-range option throws hpo::UserError naming the value.
std::unique_ptr<Env> MakeEnv(const std::string& env_id, const EnvOptions& options = {});

/// Every env id MakeEnv knows.
inline constexpr std::string_view kEnvIds[] = {"LunarLander-v3", "LunarLanderContinuous-v3",
                                               "CartPole-v1", "Acrobot-v1", "Pendulum-v1"};

/// What simulates `env_id`: Box2dPhysics() for LunarLander, else the classic-control equations.
std::string_view PhysicsOf(const std::string& env_id);

/// The physics engine the envs were built with (cmake -DHPO_BOX2D; envs/box2d/README.md).
std::string_view Box2dPhysics();
/// True when that is Box2D with the 2.3 revolute joint, as Gymnasium's LunarLander runs on.
bool Box2dHasGymnasiumsJoint();

}  // namespace hpo::envs
