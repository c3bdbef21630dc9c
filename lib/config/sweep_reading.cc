#include "lib/config/sweep_reading.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>

#include "lib/config/interpolation.h"
#include "lib/config/sweep_keys.h"
#include "lib/config/trainer_config.h"
#include "lib/config/trainer_keys.h"
#include "lib/config/yaml11.h"
#include "lib/config/yaml_source.h"
#include "lib/core/closest_word.h"
#include "lib/core/quantities.h"
#include "lib/core/value.h"

namespace hpo::config {

// ----- typed access ----------------------------------------------------------------------------

Origin SweepReading::At(const YAML::Node& node) const {
  for (const auto& [foreign, source] : foreign_) {
    if (foreign.is(node)) return Origin{source};
  }
  if (sets_given_ && node.Mark().is_null()) return Origin{"--set"};
  return OriginOf(source_, node);
}

void SweepReading::Fail(const YAML::Node& node, const std::string& message) const {
  throw UserError(At(node), message);
}

std::string SweepReading::Key(const YAML::Node& key) const {
  if (!key.IsScalar()) Fail(key, "keys must be plain words");
  return key.Scalar();
}

std::string SweepReading::Text(const YAML::Node& node, const std::string& path) const {
  if (!node.IsScalar()) Fail(node, fmt::format("{} must be a word", Echo(path)));
  RequireResolved(node, At(node));
  return node.Scalar();
}

std::string LowerCase(std::string text) {
  for (char& ch : text) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return text;
}

std::string SweepReading::Kind(const YAML::Node& node, const std::string& path) const {
  return LowerCase(Text(node, path));
}

double SweepReading::Number(const YAML::Node& node, const std::string& path, bool quoted_ok) const {
  Value v = ValueFromYaml(node, At(node));
  if (quoted_ok && v.is_string() && IsYamlNumber(v.as_string()))
    v = Value::Parse(v.as_string()).value_or(v);
  if (!v.is_number() && IsPyYamlTextNumber(node)) {
    Fail(node, fmt::format("{} must be a number, got the text '{}': this file's tool loads it "
                           "with PyYAML (YAML 1.1), whose floats need a dot and a signed "
                           "exponent; write {}",
                           Echo(path), Echo(node.Scalar()), PyYamlFloatSpelling(node.Scalar())));
  }
  if (!v.is_number())
    Fail(node, fmt::format("{} must be a number, got '{}'", Echo(path),
                           Echo(node.IsScalar() ? node.Scalar() : v.ToYaml())));
  if (!std::isfinite(v.as_double()))
    Fail(node,
         fmt::format("{} must be a finite number, got '{}'", Echo(path), Echo(node.Scalar())));
  return v.as_double();
}

double SweepReading::Seconds(const YAML::Node& node, const std::string& path) const {
  const Value v = ValueFromYaml(node, At(node));
  const std::optional<double> seconds = v.is_number()   ? std::optional<double>(v.as_double())
                                        : v.is_string() ? ParseDuration(v.as_string())
                                                        : std::nullopt;
  if (!seconds || !std::isfinite(*seconds) || *seconds < 0) {
    Fail(node, fmt::format("{} must be a duration (45s, 30m, 12h, 1h30m) or seconds >= 0, got '{}'",
                           Echo(path), Echo(node.IsScalar() ? node.Scalar() : v.ToYaml())));
  }
  return *seconds;
}

int SweepReading::Jobs(const YAML::Node& node, const std::string& path) {
  const std::optional<int> jobs = node.IsScalar() ? ParseJobs(node.Scalar()) : std::nullopt;
  c_.n_jobs_auto = node.IsScalar() && IsAutoJobs(node.Scalar());
  if (!jobs)
    Fail(node,
         fmt::format(
             "{} must be a whole number >= 1, or auto / -1 for every core, got '{}'", Echo(path),
             Echo(node.IsScalar() ? node.Scalar()
                                  : "a " + std::string(node.IsMap() ? "mapping" : "list"))));
  return *jobs;
}

int64_t SweepReading::Integer(const YAML::Node& node, const std::string& path, int64_t min,
                              int64_t max) const {
  const double v = Number(node, path);
  if (v != std::floor(v))
    Fail(node, fmt::format("{} must be a whole number, got {}", Echo(path), Echo(node.Scalar())));
  if (v < static_cast<double>(min))
    Fail(node, fmt::format("{} must be at least {}, got {}", Echo(path), min, Echo(node.Scalar())));
  if (v > static_cast<double>(max))
    Fail(node, fmt::format("{} must be at most {}, got {}", Echo(path), max, Echo(node.Scalar())));
  return static_cast<int64_t>(v);
}

int SweepReading::Int(const YAML::Node& node, const std::string& path, int min) const {
  return static_cast<int>(Integer(node, path, min, std::numeric_limits<int>::max()));
}

bool SweepReading::Bool(const YAML::Node& node, const std::string& path) const {
  const Value v = ValueFromYaml(node, At(node));
  if (!v.is_bool())
    Fail(node, fmt::format("{} must be true or false, got '{}'", Echo(path),
                           Echo(node.IsScalar() ? node.Scalar() : v.ToYaml())));
  return v.as_bool();
}

void SweepReading::Map(const YAML::Node& node, const std::string& path) const {
  if (!node.IsMap()) Fail(node, fmt::format("{} must be a mapping", Echo(path)));
}

std::vector<Value> SweepReading::Values(const YAML::Node& list, const std::string& path) const {
  if (!list.IsSequence()) Fail(list, fmt::format("{} must be a list", Echo(path)));
  std::vector<Value> values;
  for (const YAML::Node& item : list) values.push_back(ValueFromYaml(item, At(item)));
  return values;
}

// ----- what a sweep is -------------------------------------------------------------------------

void SweepReading::SetGoal(const YAML::Node& node, const std::string& path) {
  const std::string goal = Text(node, path);
  if (goal != "maximize" && goal != "minimize")
    Fail(node, fmt::format("{} must be maximize or minimize, got '{}'", Echo(path), Echo(goal)));
  const bool maximize = goal == "maximize";
  if (goal_set_ && maximize != c_.objectives.maximize)
    Fail(node, fmt::format("{} contradicts the goal set earlier", Echo(path)));
  c_.objectives.maximize = maximize;
  goal_set_ = true;
}

void SweepReading::SetMetric(const YAML::Node& node, const std::string& path) {
  c_.objectives.metric = Text(node, path);
  c_.metric_origin = At(node);
}

std::vector<bool> SweepReading::Goals(const YAML::Node& list, const std::string& path) const {
  if (!list.IsSequence() || list.size() == 0)
    Fail(list, fmt::format("{} must be a list of maximize/minimize", Echo(path)));
  std::vector<bool> goals;
  for (const YAML::Node& item : list) {
    const std::string goal = Text(item, path);
    if (goal != "maximize" && goal != "minimize")
      Fail(item,
           fmt::format("{} must list maximize or minimize, got '{}'", Echo(path), Echo(goal)));
    goals.push_back(goal == "maximize");
  }
  return goals;
}

void SweepReading::SetObjectives(const std::vector<Objective>& objectives, const YAML::Node& node) {
  if (objectives.empty()) Fail(node, "no objective given");
  for (size_t i = 0; i < objectives.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (objectives[i].name == objectives[j].name)
        Fail(node, fmt::format("objective '{}' is listed twice", Echo(objectives[i].name)));
    }
  }
  c_.objectives.metric = objectives[0].name;
  c_.objectives.maximize = objectives[0].maximize;
  goal_set_ = true;
  c_.objectives.more.assign(objectives.begin() + 1, objectives.end());
  c_.objectives_origin = At(node);
  c_.metric_origin = At(node);
}

bool SweepReading::KeepsDefaultIfUnresolved(const YAML::Node& node, const std::string& path,
                                            const std::string& kept) {
  if (!node.IsScalar() || node.Tag() != kUnresolvedTag) return false;
  c_.notes.push_back(
      fmt::format("{}: {}; {} is used (a setting of the run, not of the search space)", path,
                  WhyUnresolved(node.Scalar()), kept));
  return true;
}

void SweepReading::SetMethod(const YAML::Node& node, const std::string& path) {
  method_set_ = true;
  c_.method_origin = At(node);
  const std::string method = Text(node, path);
  try {
    c_.sampler.method = samplers::CanonicalMethod(method);
  } catch (const UserError&) {
    Fail(node, fmt::format("unknown {} '{}' (known: random, grid, bayes/protein, tpe, cmaes, pbt)",
                           Echo(path), Echo(method)));
  }
}

void SweepReading::SetCommandFromCli(std::vector<std::string> words) {
  c_.command = std::move(words);
  command_from_cli_ = true;
}

void SweepReading::SetProgram(const YAML::Node& node) { program_ = Text(node, "program"); }

void SweepReading::FinishCommand() {
  if (c_.command.empty() && !program_.empty())
    c_.command = {"${env}", "${interpreter}", "${program}", "${args}"};
  const bool python = program_.size() > 3 && program_.compare(program_.size() - 3, 3, ".py") == 0;
  std::vector<std::string> words;
  for (const std::string& word : c_.command) {
    if (word == "${env}")
      words.push_back("/usr/bin/env");
    else if (word == "${interpreter}") {
      if (python) words.push_back("python3");  // W&B runs python; Debian has python3
    } else if (word == "${program}") {
      if (program_.empty())
        throw UserError(Origin{source_},
                        "the command uses ${program}, but the file has no program:");
      words.push_back(program_);
    } else {
      words.push_back(word);
    }
  }
  c_.command = std::move(words);
}

void SweepReading::ReadCommand(const YAML::Node& v, const std::string& key) {
  if (command_from_cli_) return Ignore(key + " (replaced by --command)");
  c_.command.clear();
  if (v.IsScalar()) {
    try {
      c_.command = SplitCommandLine(v.Scalar());
    } catch (const UserError& e) {
      Fail(v, fmt::format("{}: {}", key, e.what()));
    }
  } else if (v.IsSequence()) {
    for (const YAML::Node& word : v) c_.command.push_back(Text(word, key + " entries"));
  } else {
    Fail(v, fmt::format("{} must be a list of words: [program, arg, \"${{args}}\"]", key));
  }
  if (c_.command.empty()) Fail(v, fmt::format("{} is empty", key));
}

// The keys of sampler:, protein:, tpe: (and PufferLib's [sweep]), by the key table.
void SweepReading::ReadSamplerSettings(const YAML::Node& v, const std::string& section) {
  for (const auto& p : v) {
    const std::string k = Key(p.first);
    const std::string path = section + "." + k;
    const SweepKey* key = FindSweepKey(SweepSection::kSampler, k);
    if (!key) Fail(p.first, fmt::format("unknown key '{}'", Echo(path)));
    if (!ReadSweepKey(*this, *key, p.second, path)) SetMethod(p.second, path);  // method
  }
}

// pruner: a method's name, or a mapping of settings (Optuna's names, and W&B's band keys).
void SweepReading::ReadPruner(const YAML::Node& v) {
  pruners::PrunerSettings& s = c_.pruner;
  bool reduction_factor_given = false;
  if (v.IsScalar()) {
    s.method = v.Scalar();
  } else {
    Map(v, "pruner");
    for (const auto& p : v) {
      const std::string k = Key(p.first);
      const SweepKey* key = FindSweepKey(SweepSection::kPruner, k);
      if (key) {
        ReadSweepKey(*this, *key, p.second, "pruner." + k);
        reduction_factor_given |= key->name == "reduction_factor";
      } else if (!ReadBandKey(k, p.second)) {
        Fail(p.first, fmt::format("unknown key '{}'", Echo("pruner." + k)));
      }
    }
  }
  if (s.method == "successivehalving" || s.method == "asha") s.method = "successive_halving";
  // Optuna's defaults differ by class: SuccessiveHalvingPruner 4, HyperbandPruner 3.
  if (!reduction_factor_given)
    s.halving_rule.reduction_factor = s.method == "successive_halving" ? 4 : 3;
  CheckPruner(v);
}

// W&B's early_terminate: {type: hyperband, min_iter | max_iter and s, eta, strict}, its own
// pruner with W&B's rules (tests/conformance/wandb_hyperband.md).
void SweepReading::ReadEarlyTerminate(const YAML::Node& v) {
  if (!v.IsMap() || !v["type"])
    Fail(v, "early_terminate must be a mapping with a type (as W&B: {type: hyperband, ...})");
  c_.pruner.method = "wandb_hyperband";
  for (const auto& p : v) {
    const std::string k = Key(p.first);
    const std::string path = "early_terminate." + k;
    if (k == "type") {
      const std::string type = Text(p.second, path);
      if (type != "hyperband")
        Fail(p.second, fmt::format("unknown early_terminate.type '{}' (W&B knows only hyperband)",
                                   Echo(type)));
    } else if (!ReadBandKey(k, p.second)) {
      // W&B's sweep validation refuses them (its stopping code alone would drop them)
      const std::vector<std::string_view> known = SweepKeyNames(SweepSection::kEarlyTerminate);
      Fail(p.first,
           fmt::format("unknown key '{}' (known: {})", Echo(path), fmt::join(known, ", ")));
    }
  }
  CheckPruner(v);
}

// A key of W&B's early termination (early_terminate:, or a stored pruner: section); false when
// `k` is none of them.
bool SweepReading::ReadBandKey(const std::string& k, const YAML::Node& x) {
  const SweepKey* key = FindSweepKey(SweepSection::kEarlyTerminate, k);
  return key && ReadSweepKey(*this, *key, x, "early_terminate." + k);
}
// Settings the pruner itself refuses, at the section that set them.
void SweepReading::CheckPruner(const YAML::Node& section) const {
  try {
    pruners::MakePruner(c_.pruner);
  } catch (const UserError& e) {
    Fail(section, e.what());
  }
}

// ----- parameters ------------------------------------------------------------------------------

std::string SweepReading::Resolve(const std::string& path, const YAML::Node& node) {
  if (!c_.command.empty()) return path;  // a custom program takes the names as written
  const size_t dot = path.rfind('.');
  const std::string leaf = dot == std::string::npos ? path : path.substr(dot + 1);
  if (leaf == "hidden_size") return "hidden_size";  // the trainer widens it to net_arch
  const std::optional<std::string> key = CanonicalTrainerKey(path, dialect_);
  if (!key) {
    // a suggestion only when it is close: bptt_horizon has no near key, and "batch_size?" misleads
    std::string closest = ClosestTrainerKey(leaf);
    if (EditDistance(leaf, closest) > std::max(leaf.size(), closest.size()) / 2) closest.clear();
    unusable_.push_back({path, At(node), closest});
    return path;
  }
  if (!dialect_noted_ && key != CanonicalTrainerKey(path)) {
    dialect_noted_ = true;
    c_.notes.push_back(
        "names are PufferLib's: batch_size is the whole rollout (hpo's rollout_size), "
        "minibatch_size "
        "is hpo's batch_size");
  }
  return *key;
}

// Reported at the first such name; the others are listed with their own line:col.
void SweepReading::FinishNames() const {
  if (unusable_.empty() || !c_.command.empty()) return;
  const auto hint = [](const Unusable& u) {
    return u.closest.empty() ? "" : fmt::format(" (did you mean '{}'?)", u.closest);
  };
  const auto describe = [&hint](const Unusable& u) {
    return fmt::format("'{}'{}", Echo(u.path), hint(u));
  };
  std::string what = fmt::format("'{}' is not an hpo train key{}", Echo(unusable_.front().path),
                                 hint(unusable_.front()));
  if (unusable_.size() > 1) {
    what = fmt::format("{} parameters are not hpo train keys: {}", unusable_.size(),
                       describe(unusable_.front()));
    for (size_t i = 1; i < unusable_.size(); ++i) {
      const std::string& where = unusable_[i].origin.where;
      what += fmt::format(", {} at {}", describe(unusable_[i]),
                          where.substr(where.find(':', source_.size()) + 1));
    }
  }
  throw UserError(
      unusable_.front().origin,
      what + "; for another trainer, pass --command 'PROGRAM ${args}' (any name is then allowed)");
}

void SweepReading::ClipToRange(const std::string& path) {
  for (auto p = c_.parameters.rbegin(); p != c_.parameters.rend(); ++p) {
    if (p->written_name != path) continue;
    p->numeric.clip = true;
    space::MakeNumeric(p->numeric, p->origin);  // refuses a kind that does not clip
    return;
  }
}

void SweepReading::FloorToQ(const std::string& path) {
  for (auto p = c_.parameters.rbegin(); p != c_.parameters.rend(); ++p) {
    if (p->written_name != path) continue;
    p->numeric.floor = true;
    space::MakeNumeric(p->numeric, p->origin);  // refuses a kind that does not floor
    return;
  }
}

void SweepReading::SetCondition(const std::string& path, ParameterCondition condition) {
  for (auto p = c_.parameters.rbegin(); p != c_.parameters.rend(); ++p) {
    if (p->written_name != path) continue;
    p->condition = std::move(condition);
    return;
  }
  throw UserError(condition.origin,
                  fmt::format("{}: a condition goes with a searched parameter, and this one is a "
                              "constant (write it as a one-value values: list)",
                              Echo(path)));
}

void SweepReading::FinishConditions() {
  for (ParameterSpec& p : c_.parameters) {
    if (!p.condition) continue;
    const std::string& parent = p.condition->parent;
    const auto named = std::find_if(
        c_.parameters.begin(), c_.parameters.end(),
        [&](const ParameterSpec& q) { return q.written_name == parent || q.name == parent; });
    if (named == c_.parameters.end() || &*named == &p) {
      const bool fixed = c_.fixed.contains(parent);
      throw UserError(
          p.condition->origin,
          fmt::format("{}: its condition names '{}', which {}", Echo(p.written_name), Echo(parent),
                      fixed ? "is a constant here, not a searched parameter"
                            : "is no other searched parameter of this sweep"));
    }
    p.condition->parent = named->name;
  }
  const bool conditional = std::any_of(c_.parameters.begin(), c_.parameters.end(),
                                       [](const ParameterSpec& p) { return p.condition; });
  if (conditional && (c_.sampler.method == "protein" || c_.sampler.method == "cmaes")) {
    c_.notes.push_back(fmt::format(
        "{} sees an inactive conditional parameter at its centre; on conditional spaces tpe "
        "does better (docs/benchmarks.md, A conditional space): method: tpe",
        c_.sampler.method));
  }
}

void SweepReading::FinishAlgorithm() const {
  if (!c_.command.empty() || (claimed_.contains("algorithm") && !c_.fixed.contains("algorithm")))
    return;  // searched
  TrainerConfig config;
  if (const auto fixed = c_.fixed.find("algorithm"); fixed != c_.fixed.end()) {
    const auto where = claimed_.find("algorithm");
    config.Set("algorithm", fixed->second, Origin{where == claimed_.end() ? "" : where->second});
  }
  for (const auto& [name, where] : claimed_) {
    const TrainerKey* key = FindTrainerKey(name);
    if (key && !AppliesTo(*key, config.algorithm)) {
      throw UserError(Origin{where},
                      fmt::format("{} does not apply to algorithm {} (it is read by {})", name,
                                  config.algorithm, key->algorithms));
    }
  }
}

void SweepReading::Claim(const std::string& name, const std::string& path, const YAML::Node& node) {
  const auto [it, fresh] = claimed_.emplace(name, At(node).where);
  const auto [first, _] = claimed_as_.emplace(name, path);
  if (fresh) return;
  if (c_.command.empty() && first->second != path) {  // two names of one key (lr, learning_rate)
    Fail(node, fmt::format("'{}' names hpo train's {}, which the parameter at {} sets too; for "
                           "another trainer, pass --command 'PROGRAM ${{args}}' (names are then "
                           "passed as written)",
                           Echo(path), name, it->second));
  }
  Fail(node, fmt::format("duplicate parameter '{}' (also at {})", Echo(path), it->second));
}

void SweepReading::SetFixed(const std::string& path, const YAML::Node& key_node, const Value& value,
                            const Origin& origin) {
  const std::string name = Resolve(path, key_node);
  Claim(name, path, key_node);
  // hpo train would refuse it in every trial: refuse it once, here, where it is written
  if (c_.command.empty() && (name == "hidden_size" || FindTrainerKey(name)))
    CheckTrainerValue(name, value, origin);
  // every trial trains on a fixed seed, so it has to be one (see runner::SeedOfTrial)
  if (name == "seed" && !(value.is_int() && value.as_int() >= 0)) {
    throw UserError(origin, fmt::format("fixed seed must be a non-negative integer, got '{}'",
                                        Echo(value.ToYaml())));
  }
  c_.fixed[name] = value;
}

void SweepReading::AddNumeric(const std::string& path, const YAML::Node& key_node,
                              const std::string& kind, double min, double max,
                              std::optional<double> mean, std::optional<std::string> scale,
                              double q, bool one_value_ok) {
  // an int range with one value is a mistake in a file, not a search (Optuna's single() ranges
  // excepted: its users write them, one_value_ok)
  if ((kind == "int_uniform" || kind == "int_loguniform") && min == max && !one_value_ok) {
    const std::string value = std::isfinite(min) && std::fabs(min) < 1e18
                                  ? std::to_string(std::llround(min))
                                  : FormatDouble(min);
    Fail(key_node,
         fmt::format("{}: {} [{}, {}] has one value; write it as a fixed value (W&B: value: {})",
                     Echo(path), kind, value, value, value));
  }
  // W&B refuses these with one value (config/schema.py:109), and hpo stores them in W&B's
  // spelling; Ray's and hyperopt's quniform(x, x, q) are one value too
  if ((kind == "q_uniform" || kind == "q_log_uniform_values" || kind == "log_uniform_values") &&
      min == max) {
    Fail(key_node, fmt::format("{}: {} [{}, {}] has one value; write it as a fixed value",
                               Echo(path), kind, FormatDouble(min), FormatDouble(max)));
  }
  ParameterSpec spec = ClaimedSpec(path, key_node);
  spec.numeric = space::NumericSpec{kind, min, max, mean, std::move(scale), q};
  c_.parameters.push_back(std::move(spec));
}

ParameterSpec SweepReading::ClaimedSpec(const std::string& path, const YAML::Node& key_node) {
  ParameterSpec spec;
  spec.written_name = path;
  spec.origin = At(key_node);
  spec.name = Resolve(path, key_node);
  Claim(spec.name, path, key_node);
  return spec;
}

void SweepReading::AddNormal(const std::string& path, const YAML::Node& key_node,
                             const std::string& kind, double mu, double sigma, double q) {
  ParameterSpec spec = ClaimedSpec(path, key_node);
  spec.numeric.distribution = kind;
  spec.numeric.mean = mu;
  spec.numeric.sigma = sigma;
  spec.numeric.q = q;
  c_.parameters.push_back(std::move(spec));
}

void SweepReading::AddTruncatedNormal(const std::string& path, const YAML::Node& key_node,
                                      double mu, double sigma, double min, double max) {
  ParameterSpec spec = ClaimedSpec(path, key_node);
  spec.numeric.distribution = "truncated_normal";
  spec.numeric.mean = mu;
  spec.numeric.sigma = sigma;
  spec.numeric.min = min;
  spec.numeric.max = max;
  space::MakeNumeric(spec.numeric, spec.origin);  // its mistakes at the parameter's line
  c_.parameters.push_back(std::move(spec));
}

void SweepReading::AddBeta(const std::string& path, const YAML::Node& key_node,
                           const std::string& kind, double a, double b, double q) {
  ParameterSpec spec = ClaimedSpec(path, key_node);
  spec.numeric.distribution = kind;
  spec.numeric.beta = space::NumericSpec::BetaShape{a, b};
  spec.numeric.q = q;
  c_.parameters.push_back(std::move(spec));
}

void SweepReading::AddCategorical(const std::string& path, const YAML::Node& key_node,
                                  std::vector<Value> choices, std::optional<Value> prior,
                                  std::vector<double> probabilities) {
  if (choices.empty())
    Fail(key_node, fmt::format("{} has no choices: a parameter needs at least one", Echo(path)));
  if (prior && std::find(choices.begin(), choices.end(), *prior) == choices.end()) {
    Fail(key_node,
         fmt::format("{}: prior {} is not one of the choices", Echo(path), Echo(prior->ToYaml())));
  }
  // A list of one value gives that value to every trial, as W&B (its categorical of one value
  // always draws it, a one-point grid) and Ray Tune (grid_search and choice of one) run it:
  // a fixed value, not a searched one.
  if (choices.size() == 1) {
    ++one_value_lists_;
    return SetFixed(path, key_node, choices.front(), At(key_node));
  }
  ParameterSpec spec = ClaimedSpec(path, key_node);
  // No hpo train key takes null or a mapping: a trial would be refused, so the file is, here.
  if (c_.command.empty() && (spec.name == "hidden_size" || FindTrainerKey(spec.name))) {
    for (const Value& choice : choices) {
      if (choice.is_null() || choice.is_mapping())
        CheckTrainerValue(spec.name, choice, At(key_node));
    }
  }
  spec.categorical = true;
  spec.choices = std::move(choices);
  spec.prior = std::move(prior);
  spec.probabilities = std::move(probabilities);
  c_.parameters.push_back(std::move(spec));
}

}  // namespace hpo::config
