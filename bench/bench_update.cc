// The PPO update alone: microseconds per minibatch step (forward, loss, backward, Adam) and per
// rollout forward pass, on a random rollout with the trainer's default network. One JSON object.
//   bench_update [minibatch_size] [repeats]
#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <vector>

#include "lib/trainer/blas.h"
#include "lib/trainer/model.h"
#include "lib/trainer/ppo_update.h"

namespace {

using Clock = std::chrono::steady_clock;
double Micros(Clock::time_point start) {
  return std::chrono::duration<double, std::micro>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  hpo::trainer::RerunWithFastBlasKernels(argv);
  using namespace hpo::trainer;
  hpo::config::TrainerConfig config;
  config.batch_size = argc > 1 ? std::atoi(argv[1]) : 64;
  const int repeats = argc > 2 ? std::atoi(argv[2]) : 5;
  config.n_epochs = 1;
  torch::set_num_threads(1);
  SetBlasThreads(1);
  const hpo::envs::ActionSpace space{true, 4, 0, 3};
  const int obs_size = 8;
  Policy policy = MakePolicy(config, obs_size, space);
  PpoUpdate update(policy.net, policy.distribution, obs_size, config);

  // a rollout from the policy itself, so the ratios and clipping are realistic
  const int64_t n = config.n_envs * config.n_steps;
  hpo::Rng rng(1);
  std::vector<float> obs(static_cast<size_t>(n * obs_size)), actions(static_cast<size_t>(n)),
      log_probs(static_cast<size_t>(n)), values(static_cast<size_t>(n)),
      advantages(static_cast<size_t>(n)), returns(static_cast<size_t>(n));
  for (float& x : obs) x = static_cast<float>(hpo::StandardNormal(rng));
  ActorCriticNet::Activations a;
  std::vector<double> forward_us;
  for (int64_t start = 0; start < n; start += config.n_envs) {
    const Clock::time_point t = Clock::now();
    policy.Act(obs.data() + start * obs_size, config.n_envs, &rng, actions.data() + start,
               log_probs.data() + start, a);
    forward_us.push_back(Micros(t));
    std::copy_n(a.value.begin(), config.n_envs, values.begin() + start);
  }
  for (int64_t i = 0; i < n; ++i) {
    advantages[static_cast<size_t>(i)] = static_cast<float>(hpo::StandardNormal(rng));
    returns[static_cast<size_t>(i)] =
        values[static_cast<size_t>(i)] + advantages[static_cast<size_t>(i)];
  }
  const RolloutView rollout{n,
                            obs.data(),
                            actions.data(),
                            log_probs.data(),
                            values.data(),
                            advantages.data(),
                            returns.data()};

  std::vector<double> per_minibatch;
  for (int r = 0; r < repeats; ++r) {
    const Clock::time_point t = Clock::now();
    const UpdateStats stats = update.Run(rollout, policy.params, 3e-4, rng);
    per_minibatch.push_back(Micros(t) / static_cast<double>(stats.minibatches));
  }
  std::sort(per_minibatch.begin(), per_minibatch.end());
  std::sort(forward_us.begin(), forward_us.end());
  fmt::print(
      "{{\"minibatch_size\": {}, \"rollout\": {}, \"repeats\": {}, \"median_us_per_minibatch\": "
      "{:.2f}, "
      "\"min_us_per_minibatch\": {:.2f}, \"median_us_per_rollout_forward_of_{}\": {:.2f}}}\n",
      config.batch_size, n, repeats, per_minibatch[per_minibatch.size() / 2], per_minibatch.front(),
      config.n_envs, forward_us[forward_us.size() / 2]);
}
