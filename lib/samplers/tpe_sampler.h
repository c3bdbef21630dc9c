// Tree-structured Parzen Estimator, after Optuna's TPESampler (optuna/samplers/_tpe), in the
// unit box: random start-up trials; then finished trials split into good (the best
// gamma(n) = min(ceil(0.1 n), 25)) and bad; each group modelled by a Parzen mixture (a truncated
// Gaussian per observation and one wide prior component, Optuna's weights and bandwidths;
// categoricals get a smoothed one-hot kernel); n_ei_candidates drawn from the good model and the
// one maximising l(x)/g(x) taken. Running trials join the bad group (constant liar), so parallel
// workers spread out. Multivariate (one joint model) by default; univariate picks each
// dimension on its own.
#pragma once

#include "lib/samplers/sampler.h"
#include "lib/samplers/sampler_factory.h"

namespace hpo::samplers {

class TpeSampler : public Sampler {
 public:
  explicit TpeSampler(const SamplerSettings& settings) : s_(settings) {}
  std::optional<Suggestion> Suggest(const space::SearchSpace& space, std::span<const Observation> history,
                                    Rng& rng) override;

 private:
  SamplerSettings s_;
};

}  // namespace hpo::samplers
