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
  static const std::vector<std::string> methods = {"random", "grid", "protein", "tpe", "cmaes"};
  return methods;
}

std::string CanonicalMethod(const std::string& name) {
  static const std::vector<std::pair<std::string, std::string>> aliases = {
      {"bayes", "protein"}, {"bayesian", "protein"}, {"gp", "protein"}, {"cma-es", "cmaes"}, {"cma", "cmaes"}};
  for (const auto& [alias, method] : aliases) {
    if (name == alias) return method;
  }
  const auto& known = SamplerMethods();
  if (std::find(known.begin(), known.end(), name) == known.end()) {
    throw UserError(fmt::format("unknown method '{}' (known: random, grid, bayes/protein, tpe, cmaes)", OneLine(name)));
  }
  return name;
}

std::unique_ptr<Sampler> MakeSampler(const SamplerSettings& settings) {
  if (settings.grid_points < 1) throw UserError(fmt::format("grid_points must be >= 1, got {}", settings.grid_points));
  if (settings.max_constraint_tries < 1) throw UserError("max_constraint_tries must be >= 1");
  if (settings.method == "random") return std::make_unique<RandomSampler>(settings.max_constraint_tries);
  if (settings.method == "grid") return std::make_unique<GridSampler>(settings.grid_points);
  if (settings.method == "tpe") {
    if (settings.n_ei_candidates < 1) throw UserError("tpe: n_ei_candidates must be >= 1");
    if (!(settings.tpe_gamma > 0 && settings.tpe_gamma <= 1)) throw UserError("tpe: gamma must be in (0, 1]");
    return std::make_unique<TpeSampler>(settings);
  }
  if (settings.method == "protein") {
    if (settings.suggestions_per_pareto < 1) throw UserError("protein: suggestions_per_pareto must be >= 1");
    if (!(settings.global_search_scale > 0)) throw UserError("protein: global_search_scale must be > 0");
    return std::make_unique<ProteinSampler>(settings);
  }
  if (settings.method == "cmaes") return std::make_unique<CmaesSampler>(settings.max_constraint_tries);
  throw UserError(fmt::format("unknown sampler '{}' (known: random, grid, protein, tpe, cmaes)", settings.method));
}

}  // namespace hpo::samplers
