// PPO's and A2C's actor and critic MLPs, forward and backward by hand over the flat parameter
// buffer (dense_layer.h says why not autograd). The torch module `ActorCritic` still creates and
// initialises the parameters, defines their layout, and is the reference the tests check these
// gradients against.
#pragma once

#include <cstdint>
#include <vector>

#include "envs/env.h"
#include "lib/config/trainer_config.h"
#include "lib/trainer/dense_layer.h"

namespace hpo::trainer {

class ActorCriticNet {
 public:
  ActorCriticNet(int observation_size, const envs::ActionSpace& action_space,
                 const config::TrainerConfig& config);

  /// Outputs and intermediate activations of one forward pass (reused across calls; grows to
  /// the largest batch seen).
  struct Activations {
    int64_t batch = 0;
    std::vector<std::vector<float>> actor, critic;  ///< per hidden layer, [batch, width]
    std::vector<float> head;                     ///< [batch, head_size]: logits or Gaussian means
    std::vector<float> value;                    ///< [batch]
    std::vector<float> d_hidden, d_hidden_next;  ///< backward scratch
    std::vector<float> d_value_features;         ///< backward scratch (separate critic)
  };

  /// Runs actor and critic on `observations` [batch, observation_size].
  void Forward(const float* params, const float* observations, int64_t batch, Activations& a) const;
  /// Only the critic (bootstrapping values); fills a.value.
  void ForwardValue(const float* params, const float* observations, int64_t batch,
                    Activations& a) const;
  /// Gradients of the loss given d_head [batch, head_size] and d_value [batch], written to
  /// `grads` (same layout as the parameters) for every weight and bias. The log_std entries are
  /// left as they are: the distribution adds to them.
  void Backward(const float* params, const float* observations, const Activations& a,
                const float* d_head, const float* d_value, float* grads,
                Activations& scratch) const;

  int64_t parameter_count() const { return parameter_count_; }
  int head_size() const { return head_size_; }
  /// Offset of the Gaussian's log-std in the parameters (-1 for a discrete head).
  int64_t log_std_offset() const { return log_std_offset_; }

 private:
  int head_size_;
  bool shared_;
  Mlp actor_, critic_;
  DenseLayer policy_head_, value_head_;
  int64_t log_std_offset_ = -1;
  int64_t parameter_count_ = 0;
};

}  // namespace hpo::trainer
