// Sampler settings (as the sweep config gives them) and the factory.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "lib/samplers/sampler.h"

namespace hpo::samplers {

struct SamplerSettings {
  /// random | grid | protein (method: bayes) | tpe
  std::string method = "protein";
  /// grid: points per continuous range (discrete ranges with fewer levels use all of them).
  int grid_points = 5;
  /// Candidate draws before the feasible region is declared empty.
  int max_constraint_tries = 10'000;
};

/// The methods MakeSampler knows (some not built yet say so when asked for).
const std::vector<std::string>& SamplerMethods();

/// Throws UserError for an unknown method or invalid settings.
std::unique_ptr<Sampler> MakeSampler(const SamplerSettings& settings);

}  // namespace hpo::samplers
