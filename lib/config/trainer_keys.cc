#include "lib/config/trainer_keys.h"

#include "lib/core/closest_word.h"

#include <algorithm>

namespace hpo::config {
namespace {

// Aliases are the names of the tools our users come from, each with that tool's meaning:
// SB3 and rl-baselines3-zoo (n_timesteps, eval_freq, n_eval_episodes, save_freq,
// share_features_extractor); CleanRL (num_envs, num_steps = steps per env per rollout,
// update_epochs, clip_coef, norm_adv); skrl (rollouts, learning_epochs, discount_factor,
// lambda, ratio_clip, value_clip, entropy_loss_scale, value_loss_scale, grad_norm_clip,
// kl_threshold, policy_hidden_layer_sizes); PufferLib (minibatch_size, vf_clip_coef);
// RLlib (clip_param, lambda); OpenAI Baselines (lam); Optuna example scripts (lr, num_epochs,
// clip_epsilon, entropy_coef, value_coef).
const std::vector<TrainerKey>& Table() {
  static const std::vector<TrainerKey> table = {
      {"env_id", KeyType::kString, "Gymnasium id of the environment", {"env", "env_name"}},
      {"total_timesteps", KeyType::kInt, "environment steps to train for", {"n_timesteps", "timesteps"}},
      {"seed", KeyType::kInt, "seed of every random stream of the run", {}},
      {"threads", KeyType::kInt, "intra-op threads for LibTorch (1 for reproducible runs)", {"num_threads", "torch_threads"}},
      {"n_envs", KeyType::kInt, "environment copies stepped together", {"num_envs"}},
      {"n_steps", KeyType::kInt, "steps per environment copy per rollout", {"rollouts", "num_steps", "rollout_length", "num_rollout_steps"}},
      {"batch_size", KeyType::kInt, "minibatch size of the PPO update (samples)", {"minibatch_size"}},
      {"n_epochs", KeyType::kInt, "passes over each rollout per update", {"learning_epochs", "num_epochs", "update_epochs", "epochs"}},
      {"learning_rate", KeyType::kFloat, "Adam step size", {"lr"}},
      {"anneal_lr", KeyType::kBool, "decay the learning rate linearly to 0 over training", {"lr_annealing", "linear_lr"}},
      {"gamma", KeyType::kFloat, "discount factor", {"discount_factor", "discount"}},
      {"gae_lambda", KeyType::kFloat, "GAE lambda (bias-variance trade-off of advantages)", {"lambda_param", "lam", "lambda"}},
      {"clip_range", KeyType::kFloat, "PPO ratio clip epsilon", {"ratio_clip", "clip_epsilon", "clip_coef", "clip_param"}},
      {"clip_range_vf", KeyType::kFloat, "value clip range (0 disables value clipping)", {"value_clip", "vf_clip_coef"}},
      {"normalize_advantage", KeyType::kBool, "normalise advantages per minibatch", {"norm_adv"}},
      {"ent_coef", KeyType::kFloat, "entropy bonus coefficient", {"entropy_coef", "entropy_loss_scale", "ent_coeff"}},
      {"vf_coef", KeyType::kFloat, "value loss coefficient", {"value_coef", "value_loss_scale", "vf_coeff"}},
      {"max_grad_norm", KeyType::kFloat, "global gradient-norm clip", {"grad_norm_clip", "max_grad_norm_clip", "clip_grad_norm"}},
      {"target_kl", KeyType::kFloat, "stop the update's epochs early when approx KL exceeds this (0 = off)", {"kl_threshold"}},
      {"net_arch", KeyType::kIntList, "hidden layer sizes of the actor and critic MLPs", {"policy_hidden_layer_sizes", "hidden_sizes", "hidden_layers"}},
      {"activation_fn", KeyType::kString, "hidden activation: tanh or relu", {"activation"}},
      {"shared_network", KeyType::kBool, "actor and critic share their hidden layers", {"share_features_extractor"}},
      {"ortho_init", KeyType::kBool, "orthogonal initialisation of the MLP weights", {}},
      {"log_std_init", KeyType::kFloat, "initial log standard deviation (continuous actions)", {}},
      {"eval_interval", KeyType::kInt, "environment steps between periodic evaluations (0 = off)", {"eval_freq"}},
      {"eval_episodes", KeyType::kInt, "episodes per periodic evaluation", {"n_eval_episodes"}},
      {"final_eval_episodes", KeyType::kInt, "episodes of the final evaluation", {}},
      {"checkpoint_interval", KeyType::kInt, "environment steps between checkpoints (0 = final only)", {"save_freq"}},
      {"gravity", KeyType::kFloat, "LunarLander gravity (m/s^2, in (-12, 0))", {}},
      {"enable_wind", KeyType::kBool, "LunarLander wind and turbulence", {}},
      {"wind_power", KeyType::kFloat, "LunarLander wind strength", {}},
      {"turbulence_power", KeyType::kFloat, "LunarLander turbulence strength", {}},
  };
  return table;
}

}  // namespace

std::span<const TrainerKey> TrainerKeys() { return Table(); }

const TrainerKey* FindTrainerKey(std::string_view canonical) {
  for (const TrainerKey& key : Table()) {
    if (key.name == canonical) return &key;
  }
  return nullptr;
}

std::optional<std::string> CanonicalTrainerKey(std::string_view name) {
  const size_t dot = name.rfind('.');
  const std::string_view leaf = dot == std::string_view::npos ? name : name.substr(dot + 1);
  for (const TrainerKey& key : Table()) {
    if (key.name == leaf) return std::string(key.name);
    for (std::string_view alias : key.aliases) {
      if (alias == leaf) return std::string(key.name);
    }
  }
  return std::nullopt;
}

std::string ClosestTrainerKey(std::string_view name) {
  std::vector<std::string_view> known;
  for (const TrainerKey& key : Table()) {
    known.push_back(key.name);
    known.insert(known.end(), key.aliases.begin(), key.aliases.end());
  }
  return ClosestWord(name, known);
}

}  // namespace hpo::config
