#include "tests/trainer/torch_reference.h"

#include <cmath>
#include <numbers>

namespace hpo::trainer::reference {

std::pair<torch::Tensor, torch::Tensor> LogProbAndEntropy(const ActorCriticImpl& model,
                                                          const ActorCriticImpl::Output& out,
                                                          const torch::Tensor& actions) {
  if (model.discrete()) {
    const torch::Tensor log_probs = torch::log_softmax(out.policy, -1);
    const torch::Tensor log_prob = log_probs.gather(1, actions.unsqueeze(1)).squeeze(1);
    const torch::Tensor entropy = -(log_probs.exp() * log_probs).sum(-1);
    return {log_prob, entropy};
  }
  // Diagonal Gaussian: sum over action dimensions.
  static const double kHalfLog2Pi = 0.5 * std::log(2.0 * std::numbers::pi);
  const torch::Tensor z = (actions - out.policy) * torch::exp(-model.log_std());
  const torch::Tensor log_prob = (-0.5 * z.pow(2) - model.log_std() - kHalfLog2Pi).sum(-1);
  const torch::Tensor entropy =
      (0.5 + kHalfLog2Pi + model.log_std()).sum().expand({out.policy.size(0)});
  return {log_prob, entropy};
}

PpoLoss ComputePpoLoss(const torch::Tensor& log_prob, const torch::Tensor& old_log_prob,
                       const torch::Tensor& advantages, const torch::Tensor& values,
                       const torch::Tensor& old_values, const torch::Tensor& returns,
                       const torch::Tensor& entropy, double clip_range, double clip_range_vf,
                       double ent_coef, double vf_coef) {
  PpoLoss loss;
  const torch::Tensor log_ratio = log_prob - old_log_prob;
  const torch::Tensor ratio = log_ratio.exp();
  // clipped surrogate: the pessimistic of the unclipped and clipped objectives
  const torch::Tensor unclipped = advantages * ratio;
  const torch::Tensor clipped = advantages * ratio.clamp(1.0 - clip_range, 1.0 + clip_range);
  loss.policy_loss = -torch::min(unclipped, clipped).mean();
  // value loss, optionally with the prediction clipped around the rollout's value
  torch::Tensor predicted = values;
  if (clip_range_vf > 0)
    predicted = old_values + (values - old_values).clamp(-clip_range_vf, clip_range_vf);
  loss.value_loss = (returns - predicted).pow(2).mean();
  loss.entropy = entropy.mean();
  loss.total = loss.policy_loss + vf_coef * loss.value_loss - ent_coef * loss.entropy;
  {
    torch::NoGradGuard no_grad;
    // http://joschu.net/blog/kl-approx.html, as SB3 and CleanRL
    loss.approx_kl = ((ratio - 1) - log_ratio).mean();
    loss.clipfrac = ((ratio - 1).abs() > clip_range).to(torch::kFloat).mean();
  }
  return loss;
}

}  // namespace hpo::trainer::reference
