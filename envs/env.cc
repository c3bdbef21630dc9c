#include "envs/env.h"

#include "envs/lunar_lander/lunar_lander.h"
#include "lib/core/error.h"

namespace hpo::envs {

std::unique_ptr<Env> MakeEnv(const std::string& env_id, const EnvOptions& options) {
  if (env_id == "LunarLander-v3") return std::make_unique<LunarLanderEnv>(false, options);
  if (env_id == "LunarLanderContinuous-v3") return std::make_unique<LunarLanderEnv>(true, options);
  throw UserError("unknown env id '" + env_id + "' (known: LunarLander-v3, LunarLanderContinuous-v3)");
}

}  // namespace hpo::envs
