#include "lib/trainer/policy_io.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cmath>

#include "envs/env.h"
#include "lib/core/error.h"
#include "lib/core/random.h"

namespace hpo::trainer {

ActorCritic MakeModel(const config::TrainerConfig& config, int observation_size, const envs::ActionSpace& space) {
  return ActorCritic(observation_size, space, config);
}

FlatParameters Flatten(ActorCriticImpl& model) {
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

void SaveCheckpointFile(const std::filesystem::path& path, const CheckpointState& state) {
  torch::serialize::OutputArchive archive;
  archive.write("params", state.params.detach().clone());
  archive.write("adam_m", state.adam_m.clone());
  archive.write("adam_v", state.adam_v.clone());
  archive.write("counters", torch::tensor({state.adam_step, state.global_step, state.updates}, torch::kLong));
  archive.write("training_seconds", torch::tensor({state.training_seconds}, torch::kDouble));
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
    archive.read("params", state.params);
    archive.read("adam_m", state.adam_m);
    archive.read("adam_v", state.adam_v);
    torch::Tensor counters, seconds;
    archive.read("counters", counters);
    archive.read("training_seconds", seconds);
    state.adam_step = counters[0].item<int64_t>();
    state.global_step = counters[1].item<int64_t>();
    state.updates = counters[2].item<int64_t>();
    state.training_seconds = seconds[0].item<double>();
  } catch (const c10::Error& e) {
    throw UserError(fmt::format("cannot read checkpoint {}: {}", path.string(), e.what_without_backtrace()));
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
    if (name.rfind("step_", 0) == 0 && entry.path().extension() == ".pt" && (latest.empty() || name > latest.filename().string())) {
      latest = entry.path();  // zero-padded step numbers sort as text
    }
  }
  if (latest.empty()) throw UserError("no checkpoint in " + dir.string());
  return latest;
}

EvalResult EvaluatePolicy(ActorCritic& model, const config::TrainerConfig& config, int64_t episodes, uint64_t seed,
                          bool stochastic) {
  torch::InferenceMode inference;
  envs::EnvOptions options;
  options.gravity = config.gravity;
  options.enable_wind = config.enable_wind;
  options.wind_power = config.wind_power;
  options.turbulence_power = config.turbulence_power;
  std::vector<std::unique_ptr<envs::Env>> envs;
  for (int64_t i = 0; i < episodes; ++i) envs.push_back(envs::MakeEnv(config.env_id, options));
  const int obs_size = envs[0]->observation_size();
  const envs::ActionSpace space = envs[0]->action_space();
  const int width = space.width();
  const auto n = static_cast<size_t>(episodes);
  std::vector<float> obs(n * static_cast<size_t>(obs_size));
  Rng seeds(seed), noise(DeriveSeed(seed, 0, "eval-actions"));
  for (size_t i = 0; i < n; ++i) envs[i]->Reset(seeds(), std::span<float>(obs).subspan(i * static_cast<size_t>(obs_size), static_cast<size_t>(obs_size)));
  std::vector<double> returns(n, 0.0);
  std::vector<int> lengths(n, 0);
  std::vector<size_t> active(n);
  std::iota(active.begin(), active.end(), 0);
  std::vector<float> batch, actions(static_cast<size_t>(width));
  while (!active.empty()) {
    // One forward pass for every episode still running.
    batch.resize(active.size() * static_cast<size_t>(obs_size));
    for (size_t k = 0; k < active.size(); ++k) {
      std::copy_n(obs.begin() + static_cast<std::ptrdiff_t>(active[k] * static_cast<size_t>(obs_size)), obs_size,
                  batch.begin() + static_cast<std::ptrdiff_t>(k * static_cast<size_t>(obs_size)));
    }
    const ActorCriticImpl::Output out =
        model->forward(torch::from_blob(batch.data(), {static_cast<int64_t>(active.size()), obs_size}));
    const torch::Tensor policy = out.policy.contiguous();
    const float* p = policy.data_ptr<float>();
    const torch::Tensor log_std = space.discrete ? torch::Tensor() : model->log_std().contiguous();
    std::vector<size_t> still_active;
    for (size_t k = 0; k < active.size(); ++k) {
      const size_t i = active[k];
      const float* row = p + k * static_cast<size_t>(space.n);
      if (space.discrete) {
        int best = 0;
        if (stochastic) {
          double total = 0;
          std::vector<double> probs(static_cast<size_t>(space.n));
          const float m = *std::max_element(row, row + space.n);
          for (int a = 0; a < space.n; ++a) total += probs[static_cast<size_t>(a)] = std::exp(row[a] - m);
          double u = UniformUnit(noise) * total;
          for (best = 0; best < space.n - 1 && u >= probs[static_cast<size_t>(best)]; ++best) u -= probs[static_cast<size_t>(best)];
        } else {
          best = static_cast<int>(std::max_element(row, row + space.n) - row);
        }
        actions[0] = static_cast<float>(best);
      } else {
        for (int a = 0; a < space.n; ++a) {
          actions[static_cast<size_t>(a)] = row[a];
          if (stochastic) actions[static_cast<size_t>(a)] += static_cast<float>(std::exp(log_std.data_ptr<float>()[a]) * StandardNormal(noise));
        }
      }
      const envs::StepResult r = envs[i]->Step(actions, std::span<float>(obs).subspan(i * static_cast<size_t>(obs_size), static_cast<size_t>(obs_size)));
      returns[i] += r.reward;
      ++lengths[i];
      if (!r.terminated && !r.truncated) still_active.push_back(i);
    }
    active.swap(still_active);
  }
  EvalResult result;
  result.episodes = episodes;
  int64_t solved = 0, steps = 0;
  for (size_t i = 0; i < n; ++i) {
    result.mean_reward += returns[i] / static_cast<double>(n);
    steps += lengths[i];
    solved += returns[i] >= 200.0;
  }
  result.mean_episode_length = static_cast<double>(steps) / static_cast<double>(n);
  result.success_rate = static_cast<double>(solved) / static_cast<double>(n);
  for (double r : returns) result.std_reward += (r - result.mean_reward) * (r - result.mean_reward) / static_cast<double>(n);
  result.std_reward = std::sqrt(result.std_reward);
  return result;
}

EvalResult EvaluateSaved(const std::filesystem::path& run_dir_or_checkpoint, int64_t episodes, uint64_t seed,
                         bool stochastic) {
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
  torch::set_num_threads(static_cast<int>(config.threads));
  auto env = envs::MakeEnv(config.env_id);
  ActorCritic model = MakeModel(config, env->observation_size(), env->action_space());
  FlatParameters params = Flatten(*model);
  const CheckpointState state = LoadCheckpointFile(checkpoint);
  if (state.params.numel() != params.values.numel()) {
    throw UserError("checkpoint " + checkpoint.string() + " does not match the network in resolved_config.yaml");
  }
  {
    torch::NoGradGuard no_grad;
    params.values.copy_(state.params);
  }
  return EvaluatePolicy(model, config, episodes, seed, stochastic);
}

}  // namespace hpo::trainer
