#include "envs/env.h"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

#include "envs/classic_control/acrobot.h"
#include "envs/classic_control/cart_pole.h"
#include "envs/classic_control/pendulum.h"
#include "envs/lunar_lander/lunar_lander.h"
#include "lib/core/error.h"

namespace hpo::envs {

std::unique_ptr<Env> MakeEnv(const std::string& env_id, const EnvOptions& options) {
  if (env_id == "LunarLander-v3") return std::make_unique<LunarLanderEnv>(false, options);
  if (env_id == "LunarLanderContinuous-v3") return std::make_unique<LunarLanderEnv>(true, options);
  if (env_id == "CartPole-v1") return std::make_unique<CartPoleEnv>(options);
  if (env_id == "Acrobot-v1") return std::make_unique<AcrobotEnv>(options);
  if (env_id == "Pendulum-v1") return std::make_unique<PendulumEnv>(options);
  throw UserError(fmt::format("unknown env id '{}' (known: {})", env_id, fmt::join(kEnvIds, ", ")));
}

int TimeLimit(const EnvOptions& options, int own, const char* env_id) {
  if (options.max_episode_steps < 0) {
    throw UserError(fmt::format("{}: max_episode_steps must be positive, got {}", env_id,
                                options.max_episode_steps));
  }
  return options.max_episode_steps > 0 ? options.max_episode_steps : own;
}

int DiscreteAction(std::span<const float> action, int n, const char* env_id) {
  const float a = action[0];
  if (!(a >= 0.0f && a < static_cast<float>(n) && a == std::floor(a))) {
    throw std::invalid_argument(
        fmt::format("{}: discrete action must be an index in [0, {}), got {}", env_id, n, a));
  }
  return static_cast<int>(a);
}

bool Box2dHasGymnasiumsJoint() {
#ifdef HPO_BOX2D_PATCHED
  return true;
#else
  return false;
#endif
}

std::string_view PhysicsOf(const std::string& env_id) {
  return env_id.rfind("LunarLander", 0) == 0
             ? Box2dPhysics()
             : "Gymnasium 1.3.0's classic-control equations, in double precision";
}

std::string_view Box2dPhysics() {
  return Box2dHasGymnasiumsJoint()
             ? "Box2D 2.4.1 with Box2D 2.3's revolute joint (-DHPO_BOX2D=patched)"
             : "Box2D 2.4.1, Debian's libbox2d (-DHPO_BOX2D=system)";
}

}  // namespace hpo::envs
