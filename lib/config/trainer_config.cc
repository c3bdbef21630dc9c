#include "lib/config/trainer_config.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <set>
#include <string_view>

#include "lib/config/trainer_keys.h"
#include "lib/config/trainer_presets.h"
#include "lib/config/yaml_source.h"

namespace hpo::config {
namespace {

std::string Leaf(const std::string& key) {
  const size_t dot = key.rfind('.');
  return dot == std::string::npos ? key : key.substr(dot + 1);
}

// Only the keys the config's algorithm reads: the file is a valid config again.
std::string EmitYaml(const TrainerConfig& config, const TrainerConfig* only_differing_from) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  for (const TrainerKey& key : TrainerKeys()) {
    if (!AppliesTo(key, config.algorithm)) continue;
    const Value v = key.get(config);
    const bool asked_for = config.explicit_keys.contains(std::string(key.name));
    if (only_differing_from && !asked_for && v == key.get(*only_differing_from)) continue;
    out << YAML::Key << std::string(key.name) << YAML::Value;
    EmitValue(out, v);
  }
  out << YAML::EndMap;
  std::string text = out.c_str();
  return text == "{}" ? "{}\n" : text + "\n";
}

// Walks a mapping: scalars and lists are keys to set; a nested mapping (trainer:, optimizer:,
// policy_kwargs:) is a section whose keys count by their own names.
void ApplyMapping(TrainerConfig& config, const YAML::Node& map, const std::string& source,
                  const std::string& prefix, std::set<std::string>& seen) {
  for (const auto& pair : map) {
    const std::string key = pair.first.as<std::string>();
    const std::string path = prefix.empty() ? key : prefix + "." + key;
    const Origin origin = OriginOf(source, pair.first);
    if (pair.second.IsMap()) {
      ApplyMapping(config, pair.second, source, path, seen);
      continue;
    }
    const std::optional<std::string> canonical = Leaf(key) == "hidden_size"
                                                     ? std::optional<std::string>("net_arch")
                                                     : CanonicalTrainerKey(key);
    if (!canonical) {  // reported at the key; type errors below are reported at the value
      throw UserError(origin, fmt::format("unknown trainer key '{}' (did you mean '{}'?)",
                                          Echo(path), ClosestTrainerKey(Leaf(key))));
    }
    if (!seen.insert(*canonical).second) {
      throw UserError(origin, fmt::format("{} is set twice in this file", path));
    }
    config.Set(path, ValueFromYaml(pair.second, OriginOf(source, pair.second)),
               OriginOf(source, pair.second));
  }
}

// rollout_size (PufferLib's and CleanRL's batch_size) sets the rollout length per copy, unless
// n_steps is set too; then Validate() checks that the two agree.
void DeriveRolloutLength(TrainerConfig& config) {
  if (config.rollout_size <= 0 || config.n_envs <= 0 || config.explicit_keys.contains("n_steps"))
    return;
  if (config.rollout_size % config.n_envs == 0)
    config.n_steps = config.rollout_size / config.n_envs;
}

}  // namespace

void TrainerConfig::Set(const std::string& key, const Value& value, const Origin& origin) {
  // hidden_size (Optuna scripts): one width for every hidden layer of a two-layer MLP.
  if (Leaf(key) == "hidden_size") {
    if (!value.is_int())
      throw UserError(
          origin, fmt::format("{} expects an integer, got '{}'", Echo(key), Echo(value.ToYaml())));
    return Set("net_arch", Value(Value::List{value, value}), origin);
  }
  const std::optional<std::string> canonical = CanonicalTrainerKey(key);
  const TrainerKey* entry = canonical ? FindTrainerKey(*canonical) : nullptr;
  if (!entry) {
    throw UserError(origin, fmt::format("unknown trainer key '{}' (did you mean '{}'?)", Echo(key),
                                        ClosestTrainerKey(Leaf(key))));
  }
  if (entry->name == "ent_coef" && value.is_string() && value.as_string().rfind("auto", 0) == 0) {
    return SetAutomaticEntCoef(value.as_string(), origin);
  }
  entry->set(*this, value, origin);
  explicit_keys.insert(std::string(entry->name));
  if (entry->name == "algorithm") {  // the seeds write PPO, A2C, SAC
    for (char& ch : algorithm) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  }
}

// SB3's ent_coef: auto (tuned from 1.0) or auto_0.1 (tuned from 0.1).
void TrainerConfig::SetAutomaticEntCoef(const std::string& text, const Origin& origin) {
  double initial = 1.0;
  if (text != "auto") {
    const std::string number = text.size() > 5 && text[4] == '_' ? text.substr(5) : "";
    char* end = nullptr;
    initial = number.empty() ? NAN : std::strtod(number.c_str(), &end);
    if (number.empty() || *end != '\0' || !(initial > 0) || !std::isfinite(initial)) {
      throw UserError(
          origin, fmt::format("ent_coef expects a number, auto or auto_<initial value>, got '{}'",
                              Echo(text)));
    }
  }
  ent_coef = initial;
  ent_coef_auto = true;
  explicit_keys.insert("ent_coef");
  explicit_keys.insert("ent_coef_auto");
}

Value TrainerConfig::Get(const std::string& key) const {
  const TrainerKey* entry = FindTrainerKey(key);
  if (!entry) throw UserError(fmt::format("unknown trainer key '{}'", key));
  return entry->get(*this);
}

namespace {

using ProblemList = std::vector<TrainerConfig::Problem>;

// Adds the problem when the check fails; key is the one key it is about ("" for several).
void Require(ProblemList& problems, const char* key, bool ok, std::string message) {
  if (!ok) problems.push_back({key, std::move(message)});
}

// "<key> must be positive, got <value>" unless value > 0.
template <class Number>
void RequirePositive(ProblemList& problems, const char* key, Number value) {
  Require(problems, key, value > 0, fmt::format("{} must be positive, got {}", key, value));
}

// "<key> must be >= 0 <note>, got <value>" unless value >= 0; note says what 0 means.
template <class Number>
void RequireNonNegative(ProblemList& problems, const char* key, Number value,
                        std::string_view note = "") {
  Require(problems, key, value >= 0,
          fmt::format("{} must be >= 0{}{}, got {}", key, note.empty() ? "" : " ", note, value));
}

void AlgorithmProblems(const TrainerConfig& c, ProblemList& problems) {
  const bool known_algorithm = std::find(std::begin(kAlgorithms), std::end(kAlgorithms),
                                         c.algorithm) != std::end(kAlgorithms);
  Require(problems, "algorithm", known_algorithm,
          fmt::format("algorithm must be ppo, a2c or sac, got '{}'", Echo(c.algorithm)));
  for (const TrainerKey& key : TrainerKeys()) {  // about two keys: this one and algorithm
    if (known_algorithm && c.explicit_keys.contains(std::string(key.name)) &&
        !AppliesTo(key, c.algorithm)) {
      problems.push_back({"", fmt::format("{} does not apply to algorithm {} (it is read by {})",
                                          key.name, c.algorithm, key.algorithms)});
    }
  }
}

// The rollout's shape: n_envs x n_steps (or rollout_size), and PPO's minibatch within it.
void RolloutProblems(const TrainerConfig& c, ProblemList& problems) {
  RequirePositive(problems, "n_envs", c.n_envs);
  RequirePositive(problems, "n_steps", c.n_steps);
  RequireNonNegative(problems, "rollout_size", c.rollout_size, "(0 = n_envs x n_steps)");
  // n_envs x n_steps, when it fits in 64 bits (the fuzzer found n_envs=2003764205206896639).
  int64_t rollout = 0;
  const bool rollout_fits = !__builtin_mul_overflow(c.n_envs, c.n_steps, &rollout);
  Require(problems, "n_steps", rollout_fits,
          fmt::format("n_envs {} x n_steps {} is too large", c.n_envs, c.n_steps));
  const bool shaped = rollout_fits && c.n_envs > 0 && c.n_steps > 0;
  if (shaped && c.rollout_size > 0 && c.rollout_size != rollout) {
    problems.push_back(
        {"", c.rollout_size % c.n_envs != 0
                 ? fmt::format("rollout_size {} is not a multiple of n_envs {}", c.rollout_size,
                               c.n_envs)
                 : fmt::format("rollout_size {} is not n_envs {} x n_steps {} = {} (set one of "
                               "rollout_size and n_steps)",
                               c.rollout_size, c.n_envs, c.n_steps, rollout)});
  }
  RequirePositive(problems, "batch_size", c.batch_size);
  if (c.algorithm == "ppo" && shaped && c.batch_size > 0 && c.batch_size > rollout) {
    problems.push_back(
        {"", fmt::format("batch_size {} is larger than the rollout (n_envs {} x n_steps {} = {})",
                         c.batch_size, c.n_envs, c.n_steps, rollout)});  // about three keys
  }
}

// The optimizers and the losses' coefficients.
void UpdateProblems(const TrainerConfig& c, ProblemList& problems) {
  RequirePositive(problems, "n_epochs", c.n_epochs);
  Require(problems, "adam_beta1", c.adam_beta1 >= 0 && c.adam_beta1 < 1,
          fmt::format("adam_beta1 must be in [0, 1), got {}", c.adam_beta1));
  Require(problems, "adam_beta2", c.adam_beta2 >= 0 && c.adam_beta2 < 1,
          fmt::format("adam_beta2 must be in [0, 1), got {}", c.adam_beta2));
  RequirePositive(problems, "adam_eps", c.adam_eps);
  Require(problems, "learning_rate", c.learning_rate > 0 && std::isfinite(c.learning_rate),
          fmt::format("learning_rate must be positive, got {}", c.learning_rate));
  Require(problems, "gamma", c.gamma > 0 && c.gamma <= 1,
          fmt::format("gamma must be in (0, 1], got {}", c.gamma));
  Require(problems, "gae_lambda", c.gae_lambda >= 0 && c.gae_lambda <= 1,
          fmt::format("gae_lambda must be in [0, 1], got {}", c.gae_lambda));
  RequirePositive(problems, "clip_range", c.clip_range);
  RequireNonNegative(problems, "clip_range_vf", c.clip_range_vf, "(0 = off)");
  RequireNonNegative(problems, "ent_coef", c.ent_coef);
  Require(problems, "ent_coef", !(c.algorithm == "sac" && c.ent_coef_auto) || c.ent_coef > 0,
          fmt::format("ent_coef, the start of the tuned coefficient, must be positive, got {}",
                      c.ent_coef));
  RequireNonNegative(problems, "vf_coef", c.vf_coef);
  RequirePositive(problems, "max_grad_norm", c.max_grad_norm);
  RequireNonNegative(problems, "target_kl", c.target_kl, "(0 = off)");
  RequirePositive(problems, "rms_prop_eps", c.rms_prop_eps);
}

// SAC's replay and target networks.
void ReplayProblems(const TrainerConfig& c, ProblemList& problems) {
  RequirePositive(problems, "buffer_size", c.buffer_size);
  RequireNonNegative(problems, "learning_starts", c.learning_starts);
  Require(problems, "tau", c.tau > 0 && c.tau <= 1,
          fmt::format("tau must be in (0, 1], got {}", c.tau));
  RequirePositive(problems, "train_freq", c.train_freq);
  RequirePositive(problems, "gradient_steps", c.gradient_steps);
}

// The networks, the evaluations and checkpoints, and the env's physics.
void NetworkAndRunProblems(const TrainerConfig& c, ProblemList& problems) {
  Require(problems, "net_arch", !c.net_arch.empty(),
          "net_arch must have at least one hidden layer");
  for (int64_t width : c.net_arch)
    Require(problems, "net_arch", width > 0,
            fmt::format("net_arch layer sizes must be positive, got {}", width));
  Require(problems, "device", c.device == "cpu" || c.device == "auto",
          fmt::format("device '{}': this build's LibTorch (Debian's libtorch-dev) is CPU-only, and "
                      "hpo's networks are small MLPs that train on the CPU (a PPO minibatch step "
                      "of 64 takes 52 us on one core, docs/benchmarks.md): use device: cpu",
                      Echo(c.device)));
  Require(problems, "activation_fn", c.activation_fn == "tanh" || c.activation_fn == "relu",
          fmt::format("activation_fn must be tanh or relu, got '{}'", Echo(c.activation_fn)));
  RequireNonNegative(problems, "eval_interval", c.eval_interval, "(0 = off)");
  RequirePositive(problems, "eval_episodes", c.eval_episodes);
  RequirePositive(problems, "final_eval_episodes", c.final_eval_episodes);
  RequireNonNegative(problems, "checkpoint_interval", c.checkpoint_interval);
  Require(problems, "gravity", c.gravity > -12 && c.gravity < 0,
          fmt::format("gravity must be in (-12, 0), got {}", c.gravity));
  RequireNonNegative(problems, "wind_power", c.wind_power);
  RequireNonNegative(problems, "turbulence_power", c.turbulence_power);
}

}  // namespace

std::vector<TrainerConfig::Problem> TrainerConfig::Problems() const {
  std::vector<Problem> problems;
  AlgorithmProblems(*this, problems);
  RequirePositive(problems, "total_timesteps", total_timesteps);
  Require(problems, "threads", threads >= 1,
          fmt::format("threads must be at least 1, got {}", threads));
  RolloutProblems(*this, problems);
  UpdateProblems(*this, problems);
  ReplayProblems(*this, problems);
  NetworkAndRunProblems(*this, problems);
  return problems;
}

void TrainerConfig::Validate() const {
  const std::vector<Problem> problems = Problems();
  if (problems.empty()) return;
  std::string message = "invalid trainer config: " + problems.front().message;
  for (size_t i = 1; i < problems.size(); ++i) message += "; " + problems[i].message;
  throw UserError(message);
}

void CheckTrainerValue(const std::string& key, const Value& value, const Origin& origin) {
  TrainerConfig config;
  config.Set(key, value, origin);  // unknown keys and wrong types
  for (const TrainerConfig::Problem& problem : config.Problems()) {
    if (config.explicit_keys.contains(problem.key)) throw UserError(origin, problem.message);
  }
}

std::string TrainerConfig::ToYaml() const { return EmitYaml(*this, nullptr); }

std::string TrainerConfig::DiffYaml() const {
  const TrainerConfig defaults = DefaultsFor(env_id, algorithm);
  return EmitYaml(*this, &defaults);
}

std::pair<std::string, Value> ParseOverride(const std::string& text) {
  const Origin origin{"--override " + text};
  const size_t eq = text.find('=');
  if (eq == std::string::npos) throw UserError(origin, "expected key=value");
  const std::string key = text.substr(0, eq);
  const std::string value_text = text.substr(eq + 1);
  if (key.empty()) throw UserError(origin, "missing the key before '='");
  if (value_text.empty()) throw UserError(origin, "missing the value after '='");
  const YamlDocument doc = LoadYamlString(value_text, "--override " + text);
  return {key, ValueFromYaml(doc.root, origin)};
}

void ApplyYamlFile(TrainerConfig& config, const std::filesystem::path& path) {
  const YamlDocument doc = LoadYamlFile(path);
  if (doc.root.IsNull()) return;  // an empty file (or only comments) changes nothing
  if (!doc.root.IsMap())
    throw UserError(OriginOf(doc.source, doc.root), "expected a mapping of trainer keys");
  std::set<std::string> seen;
  ApplyMapping(config, doc.root, doc.source, "", seen);
}

ParamSet ParseKeyValues(const std::vector<std::string>& texts, bool trainer_keys,
                        const std::string& flag) {
  ParamSet values;
  for (const std::string& text : texts) {
    const Origin origin{fmt::format("{} {}", flag, text)};
    std::pair<std::string, Value> kv;
    try {
      kv = ParseOverride(text);
    } catch (const UserError& e) {
      throw UserError(origin, e.what());
    }
    std::string key = kv.first;
    if (trainer_keys) {
      const std::optional<std::string> canonical = CanonicalTrainerKey(key);
      if (!canonical) throw UserError(origin, fmt::format("'{}' is not an hpo train key", key));
      key = *canonical;
      CheckTrainerValue(key, kv.second, origin);
    }
    values[key] = kv.second;
  }
  return values;
}

TrainerConfig ResolveTrainerConfig(const std::string& config_file,
                                   const std::vector<std::string>& patches,
                                   const std::vector<std::string>& overrides) {
  TrainerConfig config;
  if (!config_file.empty()) ApplyYamlFile(config, config_file);
  for (const std::string& patch : patches) ApplyYamlFile(config, patch);
  for (const std::string& text : overrides) {
    const auto [key, value] = ParseOverride(text);
    config.Set(key, value, Origin{"--override " + text});
  }
  ApplyPresets(config);
  DeriveRolloutLength(config);
  config.Validate();
  return config;
}

}  // namespace hpo::config
