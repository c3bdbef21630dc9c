// The trainer's configuration: every hyperparameter with its default (PPO for LunarLander, tuned
// with hpo: configs/trainer/ppo_lunar.yaml says how), set from YAML files, patches and
// key=value overrides.
#pragma once

#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "lib/core/error.h"
#include "lib/core/value.h"

namespace hpo::config {

struct TrainerConfig {
  /// Gymnasium id of the environment.
  std::string env_id = "LunarLander-v3";
  /// Environment steps to train for.
  int64_t total_timesteps = 1'000'000;
  /// Seed of every random stream of the run.
  int64_t seed = 0;
  /// Intra-op threads for LibTorch (1 gives reproducible runs).
  int64_t threads = 1;
  /// Environment copies stepped together.
  int64_t n_envs = 8;
  /// Steps per environment copy per rollout.
  int64_t n_steps = 512;
  /// Minibatch size of the PPO update (samples).
  int64_t batch_size = 64;
  /// Passes over each rollout per update.
  int64_t n_epochs = 9;
  /// Adam step size.
  double learning_rate = 5e-4;
  /// Decay the learning rate linearly to 0 over training.
  bool anneal_lr = true;
  /// Discount factor.
  double gamma = 0.999;
  /// GAE lambda.
  double gae_lambda = 0.94;
  /// PPO ratio clip epsilon.
  double clip_range = 0.274;
  /// Value clip range; 0 disables value clipping.
  double clip_range_vf = 0.0;
  /// Normalise advantages per minibatch.
  bool normalize_advantage = true;
  /// Entropy bonus coefficient.
  double ent_coef = 0.00715;
  /// Value loss coefficient.
  double vf_coef = 0.5;
  /// Global gradient-norm clip.
  double max_grad_norm = 0.5;
  /// Stop an update's epochs early when the approximate KL exceeds this; 0 = off.
  double target_kl = 0.0;
  /// Hidden layer sizes of the actor and critic MLPs.
  std::vector<int64_t> net_arch = {64, 64};
  /// Hidden activation: tanh or relu.
  std::string activation_fn = "tanh";
  /// Actor and critic share their hidden layers.
  bool shared_network = false;
  /// Orthogonal initialisation of the weights (gain sqrt(2) hidden, 0.01 policy, 1 value).
  bool ortho_init = true;
  /// Initial log standard deviation of continuous actions.
  double log_std_init = 0.0;
  /// Environment steps between periodic evaluations; 0 = off.
  int64_t eval_interval = 100'000;
  /// Episodes per periodic evaluation.
  int64_t eval_episodes = 20;
  /// Episodes of the final evaluation (sweep_eval_results.yaml).
  int64_t final_eval_episodes = 100;
  /// Environment steps between checkpoints; 0 = final checkpoint only.
  int64_t checkpoint_interval = 250'000;
  /// LunarLander gravity (m/s^2), in (-12, 0).
  double gravity = -10.0;
  /// LunarLander wind and turbulence.
  bool enable_wind = false;
  /// LunarLander wind strength.
  double wind_power = 15.0;
  /// LunarLander turbulence strength.
  double turbulence_power = 1.5;

  /// Sets one key (canonical name or alias) from a value; `origin` names where it came from.
  /// Throws UserError for unknown keys (naming the closest known one) and mistyped values.
  void Set(const std::string& key, const Value& value, const Origin& origin);
  /// The value of a canonical key.
  Value Get(const std::string& key) const;
  /// Every problem at once, one per line, as a UserError; nothing if the config is valid.
  void Validate() const;
  /// What Validate() reports: each problem with the key it is about ("" when it is about how
  /// several keys combine, like a minibatch larger than the rollout).
  struct Problem {
    std::string key;
    std::string message;
  };
  std::vector<Problem> Problems() const;
  /// Every key and value (resolved_config.yaml).
  std::string ToYaml() const;
  /// The keys set explicitly or differing from the defaults (train_config_overrides.yaml:
  /// what the user asked for, even a value equal to the default).
  std::string DiffYaml() const;

  /// Canonical names of the keys set through Set() (config files, patches, overrides).
  std::set<std::string> explicit_keys;
};

/// Checks one value for one trainer key on its own (its type and its range), as a sweep's
/// `fixed:` value is checked at load. Throws UserError at `origin`.
void CheckTrainerValue(const std::string& key, const Value& value, const Origin& origin);

/// Parses "key=value" (a --override). The value is YAML ("3e-4", "[128,128]", "relu").
/// Throws UserError quoting the text for "lr", "lr=", "=3" and unparsable values.
std::pair<std::string, Value> ParseOverride(const std::string& text);

/// Applies a YAML mapping of keys (a --config file or a --patch): top-level keys, or keys under
/// a `trainer:` section (nested sections flatten by their last name). Errors carry file:line:col.
void ApplyYamlFile(TrainerConfig& config, const std::filesystem::path& path);

/// defaults < config file < patches (in order) < overrides; then Validate().
TrainerConfig ResolveTrainerConfig(const std::string& config_file, const std::vector<std::string>& patches,
                                   const std::vector<std::string>& overrides);

}  // namespace hpo::config
