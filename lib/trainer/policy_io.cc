#include "lib/trainer/policy_io.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cmath>
#include <numeric>

#include "envs/env.h"
#include "lib/core/error.h"
#include "lib/core/random.h"
#include "lib/trainer/sac_run.h"

namespace hpo::trainer {
namespace {

torch::Tensor TensorOf(const std::vector<float>& v) {
  return torch::from_blob(const_cast<float*>(v.data()), {static_cast<int64_t>(v.size())}).clone();
}

std::vector<float> VectorOf(const torch::Tensor& t) {
  const torch::Tensor c = t.to(torch::kFloat).contiguous();
  return {c.data_ptr<float>(), c.data_ptr<float>() + c.numel()};
}

}  // namespace

envs::EnvOptions EnvOptionsOf(const config::TrainerConfig& config) {
  envs::EnvOptions options;
  options.gravity = config.gravity;
  options.enable_wind = config.enable_wind;
  options.wind_power = config.wind_power;
  options.turbulence_power = config.turbulence_power;
  return options;
}

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
  Policy policy{ActorCriticNet(observation_size, space, config), PolicyDistribution(space),
                VectorOf(Flatten(*model).values)};
  if (static_cast<int64_t>(policy.params.size()) != policy.net.parameter_count()) {
    throw std::logic_error("ActorCriticNet's parameter layout does not match the torch module's");
  }
  return policy;
}

void SaveCheckpointFile(const std::filesystem::path& path, const CheckpointState& state) {
  torch::serialize::OutputArchive archive;
  archive.write("params", TensorOf(state.params));
  archive.write("adam_m", TensorOf(state.adam_m));
  archive.write("adam_v", TensorOf(state.adam_v));
  archive.write("counters", torch::tensor({state.adam_step, state.global_step, state.updates,
                                           state.solved_step},
                                          torch::kLong));
  archive.write("training_seconds",
                torch::tensor({state.training_seconds, state.solved_seconds}, torch::kDouble));
  std::filesystem::path tmp = path;
  tmp += ".tmp." + std::to_string(::getpid());
  archive.save_to(tmp.string());
  std::filesystem::rename(tmp, path);
}

CheckpointState LoadCheckpointFile(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path)) throw UserError("no checkpoint " + path.string());
  torch::serialize::InputArchive archive;
  CheckpointState state;
  try {
    archive.load_from(path.string());
    torch::Tensor params, m, v, counters, seconds;
    archive.read("params", params);
    archive.read("adam_m", m);
    archive.read("adam_v", v);
    archive.read("counters", counters);
    archive.read("training_seconds", seconds);
    state.params = VectorOf(params), state.adam_m = VectorOf(m), state.adam_v = VectorOf(v);
    state.adam_step = counters[0].item<int64_t>();
    state.global_step = counters[1].item<int64_t>();
    state.updates = counters[2].item<int64_t>();
    state.training_seconds = seconds[0].item<double>();
    if (counters.numel() > 3)
      state.solved_step = counters[3].item<int64_t>();  // older checkpoints lack them
    if (seconds.numel() > 1) state.solved_seconds = seconds[1].item<double>();
  } catch (const c10::Error& e) {
    throw UserError(
        fmt::format("cannot read checkpoint {}: {}", path.string(), e.what_without_backtrace()));
  }
  return state;
}

std::filesystem::path LatestCheckpoint(const std::filesystem::path& run_dir) {
  const std::filesystem::path dir = run_dir / "checkpoints";
  if (std::filesystem::exists(dir / "final.pt")) return dir / "final.pt";
  std::filesystem::path latest;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("step_", 0) == 0 && entry.path().extension() == ".pt" &&
        (latest.empty() || name > latest.filename().string())) {
      latest = entry.path();  // zero-padded step numbers sort as text
    }
  }
  if (latest.empty()) throw UserError("no checkpoint in " + dir.string());
  return latest;
}

EvalResult EvaluatePolicy(const Policy& policy, const config::TrainerConfig& config,
                          int64_t episodes, uint64_t seed, bool stochastic) {
  Rng noise(DeriveSeed(seed, 0, "eval-actions"));
  std::vector<float> log_probs;
  ActorCriticNet::Activations activations;
  return EvaluateActions(config, episodes, seed,
                         [&](const float* observations, int64_t batch, float* actions) {
                           log_probs.resize(static_cast<size_t>(batch));
                           policy.Act(observations, batch, stochastic ? &noise : nullptr, actions,
                                      log_probs.data(), activations);
                         });
}

EvalResult EvaluateActions(const config::TrainerConfig& config, int64_t episodes, uint64_t seed,
                           const ActFunction& act) {
  std::vector<std::unique_ptr<envs::Env>> envs;
  for (int64_t i = 0; i < episodes; ++i)
    envs.push_back(envs::MakeEnv(config.env_id, EnvOptionsOf(config)));
  const auto obs_size = static_cast<size_t>(envs[0]->observation_size());
  const auto width = static_cast<size_t>(envs[0]->action_space().width());
  const auto n = static_cast<size_t>(episodes);
  std::vector<float> obs(n * obs_size);
  Rng seeds(seed);
  for (size_t i = 0; i < n; ++i)
    envs[i]->Reset(seeds(), std::span<float>(obs).subspan(i * obs_size, obs_size));
  std::vector<double> returns(n, 0.0);
  std::vector<int> lengths(n, 0);
  std::vector<size_t> active(n), still_active;
  std::iota(active.begin(), active.end(), 0);
  std::vector<float> batch(n * obs_size), actions(n * width);
  while (!active.empty()) {
    // One forward pass for every episode still running.
    for (size_t k = 0; k < active.size(); ++k) {
      std::copy_n(obs.begin() + static_cast<std::ptrdiff_t>(active[k] * obs_size), obs_size,
                  batch.begin() + static_cast<std::ptrdiff_t>(k * obs_size));
    }
    act(batch.data(), static_cast<int64_t>(active.size()), actions.data());
    still_active.clear();
    for (size_t k = 0; k < active.size(); ++k) {
      const size_t i = active[k];
      const envs::StepResult r =
          envs[i]->Step(std::span<const float>(actions).subspan(k * width, width),
                        std::span<float>(obs).subspan(i * obs_size, obs_size));
      returns[i] += r.reward;
      ++lengths[i];
      if (!r.terminated && !r.truncated) still_active.push_back(i);
    }
    active.swap(still_active);
  }
  EvalResult result;
  result.episodes = episodes;
  const double threshold = envs[0]->reward_threshold();
  int64_t solved = 0, steps = 0;
  for (size_t i = 0; i < n; ++i) {
    result.mean_reward += returns[i] / static_cast<double>(n);
    steps += lengths[i];
    solved += returns[i] >= threshold;
  }
  result.mean_episode_length = static_cast<double>(steps) / static_cast<double>(n);
  result.success_rate = static_cast<double>(solved) / static_cast<double>(n);
  for (double r : returns)
    result.std_reward +=
        (r - result.mean_reward) * (r - result.mean_reward) / static_cast<double>(n);
  result.std_reward = std::sqrt(result.std_reward);
  return result;
}

EvalResult EvaluateSaved(const std::filesystem::path& run_dir_or_checkpoint, int64_t episodes,
                         uint64_t seed, bool stochastic) {
  std::filesystem::path checkpoint, run_dir;
  if (std::filesystem::is_directory(run_dir_or_checkpoint)) {
    run_dir = run_dir_or_checkpoint;
    checkpoint = LatestCheckpoint(run_dir);
  } else {
    checkpoint = run_dir_or_checkpoint;
    run_dir = checkpoint.parent_path().parent_path();  // RUN_DIR/checkpoints/X.pt
  }
  config::TrainerConfig config;
  config::ApplyYamlFile(config, run_dir / "resolved_config.yaml");
  if (config.algorithm == "sac")
    return EvaluateSacCheckpoint(config, LoadCheckpointFile(checkpoint), episodes, seed,
                                 stochastic);
  auto env = envs::MakeEnv(config.env_id);
  Policy policy = MakePolicy(config, env->observation_size(), env->action_space());
  const CheckpointState state = LoadCheckpointFile(checkpoint);
  if (state.params.size() != policy.params.size()) {
    throw UserError("checkpoint " + checkpoint.string() +
                    " does not match the network in resolved_config.yaml");
  }
  policy.params = state.params;
  return EvaluatePolicy(policy, config, episodes, seed, stochastic);
}

}  // namespace hpo::trainer
