// Sampler settings (as the sweep config gives them) and the factory.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "lib/samplers/sampler.h"

namespace hpo::samplers {

struct SamplerSettings {
  /// random | grid | protein (method: bayes) | tpe | cmaes
  std::string method = "protein";
  /// grid: points per continuous range (discrete ranges with fewer levels use all of them).
  int grid_points = 5;
  /// Candidate draws before the feasible region is declared empty.
  int max_constraint_tries = 10'000;

  // protein (PufferLib 3.0 defaults, docs/protein.md)
  int num_random_samples = 10;        ///< random phase length (finished trials)
  double max_suggestion_cost = 3600;  ///< cost cap of suggestions (seconds)
  int resample_frequency = 0;         ///< re-measure a Pareto point every N suggestions; 0 = never
  double global_search_scale = 1.0;   ///< multiplies every parameter's scale
  int random_suggestions = 1024;      ///< random candidates per suggestion
  int suggestions_per_pareto = 256;   ///< perturbed candidates per Pareto point
  double expansion_rate = 0.25;       ///< how far beyond the known costs the cost target reaches

  // tpe (Optuna defaults)
  int n_startup_trials = 10;   ///< random trials before the model
  int n_ei_candidates = 24;    ///< candidates drawn from the good model per suggestion
  double tpe_gamma = 0.1;      ///< fraction of trials in the good group (at most 25)
  double prior_weight = 1.0;   ///< weight of the prior component
  bool constant_liar = true;   ///< running trials count as bad, so parallel workers diverge
  bool multivariate = true;    ///< joint model of all parameters

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
