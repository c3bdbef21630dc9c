// SAC's gradient step alone: milliseconds per step (replay sampling, noise, entropy coefficient,
// critics, actor, Polyak) with an env's default SAC networks and batch, by hand (what training
// runs) and, on the same batches, with LibTorch's autograd and torch::optim::Adam (the tests'
// reference, tests/trainer/sac_torch_reference.h). One JSON object.
//   bench_sac_update [pendulum|lunar] [steps]
#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include "lib/config/trainer_presets.h"
#include "lib/trainer/blas.h"
#include "lib/trainer/sac_model.h"
#include "lib/trainer/sac_update.h"
#include "tests/trainer/sac_torch_reference.h"

namespace {

using Clock = std::chrono::steady_clock;
double Millis(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  hpo::trainer::RerunWithFastBlasKernels(argv);
  using namespace hpo::trainer;
  const std::string env = argc > 1 ? argv[1] : "lunar";
  const int steps = argc > 2 ? std::atoi(argv[2]) : 200;
  const bool lunar = env == "lunar";
  const hpo::config::TrainerConfig config =
      hpo::config::DefaultsFor(lunar ? "LunarLanderContinuous-v3" : "Pendulum-v1", "sac");
  const int obs_size = lunar ? 8 : 3, action_dim = lunar ? 2 : 1;
  const hpo::envs::ActionSpace space{false, action_dim, -1, 1};
  torch::set_num_threads(1);
  SetBlasThreads(1);
  torch::manual_seed(1);

  // a buffer of random transitions, as after learning_starts
  hpo::Rng rng(1);
  ReplayBuffer buffer(20'000, obs_size, action_dim);
  std::vector<float> obs(static_cast<size_t>(obs_size)), next(obs.size()),
      action(static_cast<size_t>(action_dim));
  for (int i = 0; i < 20'000; ++i) {
    for (float& x : obs) x = static_cast<float>(hpo::StandardNormal(rng));
    for (float& x : next) x = static_cast<float>(hpo::StandardNormal(rng));
    for (float& x : action) x = static_cast<float>(hpo::Uniform(rng, -1, 1));
    buffer.Add(obs.data(), action.data(), static_cast<float>(hpo::StandardNormal(rng)), next.data(),
               i % 200 == 0);
  }

  const SacNet net(obs_size, action_dim, config);
  SacUpdate update(net, InitialSacParameters(obs_size, space, config), config);
  reference::SacStep autograd(SacModel(obs_size, space, config), config, action_dim);
  ReplayBatch batch;
  SacNoise noise;
  auto draw = [&](std::vector<float>& v) {
    v.resize(static_cast<size_t>(config.batch_size * action_dim));
    for (float& x : v) x = static_cast<float>(hpo::StandardNormal(rng));
  };
  std::vector<double> by_hand, with_autograd;
  for (int step = 0; step < steps; ++step) {
    Clock::time_point t = Clock::now();
    buffer.Sample(config.batch_size, rng, batch);
    draw(noise.current);
    draw(noise.next);
    update.Step(batch, noise, config.learning_rate);
    by_hand.push_back(Millis(t));

    t = Clock::now();  // the same batch and noise, turned into tensors
    const reference::SacBatch tensors = reference::TensorsOf(batch, obs_size, action_dim);
    const torch::Tensor current =
        torch::from_blob(noise.current.data(), {config.batch_size, action_dim});
    const torch::Tensor next_noise =
        torch::from_blob(noise.next.data(), {config.batch_size, action_dim});
    autograd.Step(tensors, current, next_noise, config.learning_rate);
    with_autograd.push_back(Millis(t));
  }
  fmt::print(
      "{{\"env\": \"{}\", \"net_arch\": [{}], \"batch_size\": {}, \"steps\": {}, "
      "\"median_ms_per_step\": {:.4f}, \"median_ms_per_step_autograd\": {:.4f}}}\n",
      lunar ? "LunarLanderContinuous-v3" : "Pendulum-v1", fmt::join(config.net_arch, ", "),
      config.batch_size, steps, Median(by_hand), Median(with_autograd));
}
