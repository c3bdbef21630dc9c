// Tree-structured Parzen Estimator, after Optuna's TPESampler (optuna/samplers/_tpe), in the
// unit box: random start-up trials; then finished trials split into good (the best
// gamma(n) = min(ceil(0.1 n), 25)) and bad; each group modelled by a Parzen mixture (a truncated
// Gaussian per observation and one wide prior component, Optuna's weights and bandwidths;
// categoricals get a smoothed one-hot kernel); n_ei_candidates drawn from the good model and the
// one maximising l(x)/g(x) taken. Running trials join the bad group (constant liar), so parallel
// workers spread out. Multivariate (one joint model) by default; univariate picks each
// dimension on its own. Conditional parameters as Optuna's TPE with group=True: the joint
// model is one per group of parameters that the finished trials always hold together, each fit
// on the trials that hold it.
#pragma once

#include "lib/samplers/sampler.h"

namespace hpo::samplers {

/// Optuna's defaults.
struct TpeSettings {
  int n_startup_trials = 10;  ///< random trials before the model
  int n_ei_candidates = 24;   ///< candidates drawn from the good model per suggestion
  double gamma = 0.1;         ///< fraction of trials in the good group (at most 25)
  double prior_weight = 1.0;  ///< weight of the prior component
  bool constant_liar = true;  ///< running trials count as bad, so parallel workers diverge
  bool multivariate = true;   ///< joint model of all parameters

  /// Throws UserError for a setting out of range.
  void Check() const;

  bool operator==(const TpeSettings&) const = default;
};

/// The blocks of dimensions TPE models jointly: each dimension alone when not `multivariate`,
/// else Optuna's group decomposition of the finished trials' parameter sets (one block when no
/// parameter is conditional).
std::vector<std::vector<size_t>> TpeBlocks(const std::vector<space::Dimension>& dims,
                                           std::span<const Observation> history, bool multivariate);

class TpeSampler : public Sampler {
 public:
  TpeSampler(const TpeSettings& settings, int max_constraint_tries)
      : s_(settings), max_constraint_tries_(max_constraint_tries) {}
  std::optional<Suggestion> Suggest(const space::SearchSpace& space,
                                    std::span<const Observation> history, Rng& rng) override;

 private:
  TpeSettings s_;
  int max_constraint_tries_;
};

}  // namespace hpo::samplers
