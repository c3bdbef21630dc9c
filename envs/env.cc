#include "envs/env.h"

#include "envs/lunar_lander/lunar_lander.h"
#include "lib/core/error.h"

namespace hpo::envs {

std::unique_ptr<Env> MakeEnv(const std::string& env_id, const EnvOptions& options) {
  if (env_id == "LunarLander-v3") return std::make_unique<LunarLanderEnv>(false, options);
  if (env_id == "LunarLanderContinuous-v3") return std::make_unique<LunarLanderEnv>(true, options);
  throw UserError("unknown env id '" + env_id + "' (known: LunarLander-v3, LunarLanderContinuous-v3)");
}

bool Box2dHasGymnasiumsJoint() {
#ifdef HPO_BOX2D_PATCHED
  return true;
#else
  return false;
#endif
}

std::string_view Box2dPhysics() {
  return Box2dHasGymnasiumsJoint() ? "Box2D 2.4.1 with Box2D 2.3's revolute joint (-DHPO_BOX2D=patched)"
                                   : "Box2D 2.4.1, Debian's libbox2d (-DHPO_BOX2D=system)";
}

}  // namespace hpo::envs
