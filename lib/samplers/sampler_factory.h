// Sampler settings (as the sweep config gives them) and the factory.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "lib/pbt/pbt_settings.h"
#include "lib/samplers/grid_sampler.h"
#include "lib/samplers/protein_sampler.h"
#include "lib/samplers/sampler.h"
#include "lib/samplers/tpe_sampler.h"

namespace hpo::samplers {

/// What every sampler shares, and one member per sampler family with that family's own
/// settings: only the chosen method's are used (and checked).
struct SamplerSettings {
  /// random | grid | protein (method: bayes) | tpe | cmaes | pbt (population-based training: the
  /// first members are drawn at random, then the controller exploits and explores, lib/pbt)
  std::string method = "protein";
  /// Candidate draws before the feasible region is declared empty.
  int max_constraint_tries = 10'000;

  // `{}`: a braced SamplerSettings ({"random"}, {.method = "grid", .grid = {.points = 3}}) may
  // leave families out without -Wmissing-field-initializers.
  GridSettings grid{};
  ProteinSettings protein{};
  TpeSettings tpe{};
  pbt::PbtSettings pbt{};

  bool operator==(const SamplerSettings&) const = default;
};

/// The methods MakeSampler knows (some not built yet say so when asked for).
const std::vector<std::string>& SamplerMethods();
/// The method a name means, with the other tools' names (bayes, bayesian and gp are protein;
/// cma-es and cma are cmaes): the one alias table, for the YAML and --method alike. Throws
/// UserError listing the known names for anything else.
std::string CanonicalMethod(const std::string& name);

/// Throws UserError for an unknown method or invalid settings.
std::unique_ptr<Sampler> MakeSampler(const SamplerSettings& settings);

}  // namespace hpo::samplers
