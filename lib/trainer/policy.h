// A policy as the trainer runs it: the network, its action distribution and the flat
// parameters (torch-free; lib/trainer/model.h creates one, lib/trainer/checkpoint.h saves and
// loads its parameters).
#pragma once

#include <cstdint>
#include <vector>

#include "lib/core/random.h"
#include "lib/trainer/actor_critic_net.h"
#include "lib/trainer/policy_distribution.h"

namespace hpo::trainer {

struct Policy {
  ActorCriticNet net;
  PolicyDistribution distribution;
  std::vector<float> params;  ///< in ActorCriticImpl::parameters() order

  const float* log_std() const {
    return net.log_std_offset() >= 0 ? params.data() + net.log_std_offset() : nullptr;
  }

  /// One batched forward pass on `observations` [batch, obs]; then one action per row: the
  /// mode when `rng` is null, else a sample, with its log-probability in `log_probs` [batch].
  /// The values are left in a.value.
  void Act(const float* observations, int64_t batch, Rng* rng, float* actions, float* log_probs,
           ActorCriticNet::Activations& a) const {
    net.Forward(params.data(), observations, batch, a);
    if (rng == nullptr) {
      distribution.Mode(a.head.data(), batch, actions);
    } else {
      distribution.Sample(a.head.data(), log_std(), batch, *rng, actions, log_probs);
    }
  }
};

}  // namespace hpo::trainer
