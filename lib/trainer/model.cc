#include "lib/trainer/model.h"

#include <stdexcept>
#include <vector>

namespace hpo::trainer {

ActorCritic MakeModel(const config::TrainerConfig& config, int observation_size,
                      const envs::ActionSpace& space) {
  return ActorCritic(observation_size, space, config);
}

FlatParameters Flatten(torch::nn::Module& model) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> params = model.parameters();
  int64_t total = 0;
  for (const torch::Tensor& p : params) total += p.numel();
  FlatParameters flat{torch::empty({total}), torch::zeros({total})};
  int64_t offset = 0;
  for (torch::Tensor& p : params) {
    const int64_t n = p.numel();
    flat.values.narrow(0, offset, n).copy_(p.reshape({n}));
    p.set_data(flat.values.narrow(0, offset, n).view(p.sizes()));
    p.mutable_grad() = flat.grads.narrow(0, offset, n).view(p.sizes());
    offset += n;
  }
  return flat;
}

Policy MakePolicy(const config::TrainerConfig& config, int observation_size,
                  const envs::ActionSpace& space) {
  ActorCritic model = MakeModel(config, observation_size, space);
  const torch::Tensor values = Flatten(*model).values.contiguous();
  Policy policy{ActorCriticNet(observation_size, space, config),
                PolicyDistribution(space),
                {values.data_ptr<float>(), values.data_ptr<float>() + values.numel()}};
  if (static_cast<int64_t>(policy.params.size()) != policy.net.parameter_count()) {
    throw std::logic_error("ActorCriticNet's parameter layout does not match the torch module's");
  }
  return policy;
}

}  // namespace hpo::trainer
