#include "lib/samplers/sampler_factory.h"

#include <fmt/format.h>

#include <algorithm>

#include "lib/core/error.h"
#include "lib/samplers/cmaes_sampler.h"
#include "lib/samplers/grid_sampler.h"
#include "lib/samplers/protein_sampler.h"
#include "lib/samplers/random_sampler.h"
#include "lib/samplers/tpe_sampler.h"

namespace hpo::samplers {

const std::vector<std::string>& SamplerMethods() {
  static const std::vector<std::string> methods = {"random", "grid",  "protein",
                                                   "tpe",    "cmaes", "pbt"};
  return methods;
}

std::string CanonicalMethod(const std::string& name) {
  static const std::vector<std::pair<std::string, std::string>> aliases = {{"bayes", "protein"},
                                                                           {"bayesian", "protein"},
                                                                           {"gp", "protein"},
                                                                           {"cma-es", "cmaes"},
                                                                           {"cma", "cmaes"}};
  for (const auto& [alias, method] : aliases) {
    if (name == alias) return method;
  }
  const auto& known = SamplerMethods();
  if (std::find(known.begin(), known.end(), name) == known.end()) {
    throw UserError(
        fmt::format("unknown method '{}' (known: random, grid, bayes/protein, tpe, cmaes, pbt)",
                    OneLine(name)));
  }
  return name;
}

// Each family checks its own settings, and only when it is the one asked for.
std::unique_ptr<Sampler> MakeSampler(const SamplerSettings& settings) {
  if (settings.max_constraint_tries < 1) throw UserError("max_constraint_tries must be >= 1");
  if (settings.method == "random")
    return std::make_unique<RandomSampler>(settings.max_constraint_tries);
  if (settings.method == "grid") {
    settings.grid.Check();
    return std::make_unique<GridSampler>(settings.grid);
  }
  if (settings.method == "tpe") {
    settings.tpe.Check();
    return std::make_unique<TpeSampler>(settings.tpe, settings.max_constraint_tries);
  }
  if (settings.method == "protein") {
    settings.protein.Check();
    return std::make_unique<ProteinSampler>(settings.protein, settings.max_constraint_tries);
  }
  if (settings.method == "cmaes")
    return std::make_unique<CmaesSampler>(settings.max_constraint_tries);
  // PBT's first members are drawn from the prior, as Ray's search algorithm draws them; what
  // follows is the controller's (lib/runner/population_runner.h).
  if (settings.method == "pbt") {
    settings.pbt.Check();
    return std::make_unique<RandomSampler>(settings.max_constraint_tries);
  }
  throw UserError(fmt::format(
      "unknown sampler '{}' (known: random, grid, protein, tpe, cmaes, pbt)", settings.method));
}

}  // namespace hpo::samplers
