#include "lib/config/trainer_config.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <functional>
#include <set>

#include "lib/config/trainer_keys.h"
#include "lib/config/yaml_source.h"

namespace hpo::config {
namespace {

// ---------------------------------------------------------------------------------------------
// One accessor per field, keyed by the canonical name in trainer_keys.cc
// ---------------------------------------------------------------------------------------------

struct Field {
  std::string name;
  std::function<Value(const TrainerConfig&)> get;
  std::function<void(TrainerConfig&, const Value&, const Origin&)> set;
};

[[noreturn]] void WrongType(const std::string& key, const char* expected, const Value& v, const Origin& origin) {
  throw UserError(origin, fmt::format("{} expects {}, got '{}'", Echo(key), expected, Echo(v.ToYaml())));
}

int64_t AsInt(const std::string& key, const Value& v, const Origin& origin) {
  if (v.is_int()) return v.as_int();
  // "1e6" is a float in YAML; accept it where a count is meant if it is a whole number.
  if (v.is_double() && std::isfinite(v.as_double()) && v.as_double() == std::floor(v.as_double()) &&
      std::fabs(v.as_double()) < 9e15) {
    return static_cast<int64_t>(v.as_double());
  }
  WrongType(key, "an integer", v, origin);
}

Field Make(std::string name, int64_t TrainerConfig::*m) {
  return {name, [m](const TrainerConfig& c) { return Value(c.*m); },
          [m, name](TrainerConfig& c, const Value& v, const Origin& o) { c.*m = AsInt(name, v, o); }};
}
Field Make(std::string name, double TrainerConfig::*m) {
  return {name, [m](const TrainerConfig& c) { return Value(c.*m); },
          [m, name](TrainerConfig& c, const Value& v, const Origin& o) {
            if (!v.is_number()) WrongType(name, "a number", v, o);
            c.*m = v.as_double();
          }};
}
Field Make(std::string name, bool TrainerConfig::*m) {
  return {name, [m](const TrainerConfig& c) { return Value(c.*m); },
          [m, name](TrainerConfig& c, const Value& v, const Origin& o) {
            if (!v.is_bool()) WrongType(name, "true or false", v, o);
            c.*m = v.as_bool();
          }};
}
Field Make(std::string name, std::string TrainerConfig::*m) {
  return {name, [m](const TrainerConfig& c) { return Value(c.*m); },
          [m, name](TrainerConfig& c, const Value& v, const Origin& o) {
            if (!v.is_string()) WrongType(name, "a word", v, o);
            c.*m = v.as_string();
          }};
}
Field Make(std::string name, std::vector<int64_t> TrainerConfig::*m) {
  return {name,
          [m](const TrainerConfig& c) {
            Value::List list;
            for (int64_t x : c.*m) list.emplace_back(x);
            return Value(std::move(list));
          },
          [m, name](TrainerConfig& c, const Value& v, const Origin& o) {
            if (!v.is_list()) WrongType(name, "a list of integers like [64, 64]", v, o);
            std::vector<int64_t> out;
            for (const Value& item : v.as_list()) out.push_back(AsInt(name, item, o));
            c.*m = std::move(out);
          }};
}

const std::vector<Field>& Fields() {
  using C = TrainerConfig;
  static const std::vector<Field> fields = {
      Make("env_id", &C::env_id), Make("total_timesteps", &C::total_timesteps), Make("seed", &C::seed),
      Make("threads", &C::threads), Make("n_envs", &C::n_envs), Make("n_steps", &C::n_steps),
      Make("batch_size", &C::batch_size), Make("n_epochs", &C::n_epochs),
      Make("learning_rate", &C::learning_rate), Make("anneal_lr", &C::anneal_lr), Make("gamma", &C::gamma),
      Make("gae_lambda", &C::gae_lambda), Make("clip_range", &C::clip_range),
      Make("clip_range_vf", &C::clip_range_vf), Make("normalize_advantage", &C::normalize_advantage),
      Make("ent_coef", &C::ent_coef), Make("vf_coef", &C::vf_coef), Make("max_grad_norm", &C::max_grad_norm),
      Make("target_kl", &C::target_kl), Make("net_arch", &C::net_arch), Make("activation_fn", &C::activation_fn),
      Make("shared_network", &C::shared_network), Make("ortho_init", &C::ortho_init),
      Make("log_std_init", &C::log_std_init), Make("eval_interval", &C::eval_interval),
      Make("eval_episodes", &C::eval_episodes), Make("final_eval_episodes", &C::final_eval_episodes),
      Make("checkpoint_interval", &C::checkpoint_interval), Make("gravity", &C::gravity),
      Make("enable_wind", &C::enable_wind), Make("wind_power", &C::wind_power),
      Make("turbulence_power", &C::turbulence_power),
  };
  return fields;
}

const Field* FindField(const std::string& canonical) {
  for (const Field& f : Fields()) {
    if (f.name == canonical) return &f;
  }
  return nullptr;
}

std::string Leaf(const std::string& key) {
  const size_t dot = key.rfind('.');
  return dot == std::string::npos ? key : key.substr(dot + 1);
}

std::string EmitYaml(const TrainerConfig& config, const TrainerConfig* only_differing_from) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  for (const Field& f : Fields()) {
    const Value v = f.get(config);
    const bool asked_for = config.explicit_keys.contains(f.name);
    if (only_differing_from && !asked_for && v == f.get(*only_differing_from)) continue;
    out << YAML::Key << f.name << YAML::Value;
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
    const std::optional<std::string> canonical =
        Leaf(key) == "hidden_size" ? std::optional<std::string>("net_arch") : CanonicalTrainerKey(key);
    if (!canonical) {  // reported at the key; type errors below are reported at the value
      throw UserError(origin, fmt::format("unknown trainer key '{}' (did you mean '{}'?)", Echo(path), ClosestTrainerKey(Leaf(key))));
    }
    if (!seen.insert(*canonical).second) {
      throw UserError(origin, fmt::format("{} is set twice in this file", path));
    }
    config.Set(path, ValueFromYaml(pair.second, OriginOf(source, pair.second)), OriginOf(source, pair.second));
  }
}

}  // namespace

void TrainerConfig::Set(const std::string& key, const Value& value, const Origin& origin) {
  // hidden_size (Optuna scripts): one width for every hidden layer of a two-layer MLP.
  if (Leaf(key) == "hidden_size") {
    if (!value.is_int()) WrongType(key, "an integer", value, origin);
    return Set("net_arch", Value(Value::List{value, value}), origin);
  }
  const std::optional<std::string> canonical = CanonicalTrainerKey(key);
  const Field* field = canonical ? FindField(*canonical) : nullptr;
  if (!field) {
    throw UserError(origin, fmt::format("unknown trainer key '{}' (did you mean '{}'?)", Echo(key), ClosestTrainerKey(Leaf(key))));
  }
  field->set(*this, value, origin);
  explicit_keys.insert(field->name);
}

Value TrainerConfig::Get(const std::string& key) const {
  const Field* field = FindField(key);
  if (!field) throw UserError(fmt::format("unknown trainer key '{}'", key));
  return field->get(*this);
}

std::vector<TrainerConfig::Problem> TrainerConfig::Problems() const {
  std::vector<Problem> problems;
  auto require = [&problems](const char* key, bool ok, std::string message) {
    if (!ok) problems.push_back({key, std::move(message)});
  };
  require("total_timesteps", total_timesteps > 0, fmt::format("total_timesteps must be positive, got {}", total_timesteps));
  require("threads", threads >= 1, fmt::format("threads must be at least 1, got {}", threads));
  require("n_envs", n_envs > 0, fmt::format("n_envs must be positive, got {}", n_envs));
  require("n_steps", n_steps > 0, fmt::format("n_steps must be positive, got {}", n_steps));
  require("batch_size", batch_size > 0, fmt::format("batch_size must be positive, got {}", batch_size));
  if (n_envs > 0 && n_steps > 0 && batch_size > 0 && batch_size > n_envs * n_steps) {
    problems.push_back({"", fmt::format("batch_size {} is larger than the rollout (n_envs {} x n_steps {} = {})",
                                        batch_size, n_envs, n_steps, n_envs * n_steps)});  // about three keys
  }
  require("n_epochs", n_epochs > 0, fmt::format("n_epochs must be positive, got {}", n_epochs));
  require("learning_rate", learning_rate > 0 && std::isfinite(learning_rate), fmt::format("learning_rate must be positive, got {}", learning_rate));
  require("gamma", gamma > 0 && gamma <= 1, fmt::format("gamma must be in (0, 1], got {}", gamma));
  require("gae_lambda", gae_lambda >= 0 && gae_lambda <= 1, fmt::format("gae_lambda must be in [0, 1], got {}", gae_lambda));
  require("clip_range", clip_range > 0, fmt::format("clip_range must be positive, got {}", clip_range));
  require("clip_range_vf", clip_range_vf >= 0, fmt::format("clip_range_vf must be >= 0 (0 = off), got {}", clip_range_vf));
  require("ent_coef", ent_coef >= 0, fmt::format("ent_coef must be >= 0, got {}", ent_coef));
  require("vf_coef", vf_coef >= 0, fmt::format("vf_coef must be >= 0, got {}", vf_coef));
  require("max_grad_norm", max_grad_norm > 0, fmt::format("max_grad_norm must be positive, got {}", max_grad_norm));
  require("target_kl", target_kl >= 0, fmt::format("target_kl must be >= 0 (0 = off), got {}", target_kl));
  require("net_arch", !net_arch.empty(), "net_arch must have at least one hidden layer");
  for (int64_t width : net_arch) require("net_arch", width > 0, fmt::format("net_arch layer sizes must be positive, got {}", width));
  require("activation_fn", activation_fn == "tanh" || activation_fn == "relu",
          fmt::format("activation_fn must be tanh or relu, got '{}'", Echo(activation_fn)));
  require("eval_interval", eval_interval >= 0, fmt::format("eval_interval must be >= 0 (0 = off), got {}", eval_interval));
  require("eval_episodes", eval_episodes > 0, fmt::format("eval_episodes must be positive, got {}", eval_episodes));
  require("final_eval_episodes", final_eval_episodes > 0, fmt::format("final_eval_episodes must be positive, got {}", final_eval_episodes));
  require("checkpoint_interval", checkpoint_interval >= 0, fmt::format("checkpoint_interval must be >= 0, got {}", checkpoint_interval));
  require("gravity", gravity > -12 && gravity < 0, fmt::format("gravity must be in (-12, 0), got {}", gravity));
  require("wind_power", wind_power >= 0, fmt::format("wind_power must be >= 0, got {}", wind_power));
  require("turbulence_power", turbulence_power >= 0, fmt::format("turbulence_power must be >= 0, got {}", turbulence_power));
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
  const TrainerConfig defaults;
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
  if (!doc.root.IsMap()) throw UserError(OriginOf(doc.source, doc.root), "expected a mapping of trainer keys");
  std::set<std::string> seen;
  ApplyMapping(config, doc.root, doc.source, "", seen);
}

TrainerConfig ResolveTrainerConfig(const std::string& config_file, const std::vector<std::string>& patches,
                                   const std::vector<std::string>& overrides) {
  TrainerConfig config;
  if (!config_file.empty()) ApplyYamlFile(config, config_file);
  for (const std::string& patch : patches) ApplyYamlFile(config, patch);
  for (const std::string& text : overrides) {
    const auto [key, value] = ParseOverride(text);
    config.Set(key, value, Origin{"--override " + text});
  }
  config.Validate();
  return config;
}

}  // namespace hpo::config
