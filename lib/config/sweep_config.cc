// The SweepConfig: its search space (BuildSpace), its stored form (ToYaml) and what makes a
// stored study another one (StudyChanges), the latter two by the key table (sweep_keys.inc).
// Loading a file into it is sweep_loading.cc's.
#include "lib/config/sweep_config.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "lib/config/sweep_keys.h"
#include "lib/config/trainer_keys.h"
#include "lib/config/yaml_source.h"
#include "lib/core/command_macros.h"
#include "lib/space/constraint.h"

namespace hpo::config {

bool IsGpuAmount(double g) {
  if (g == 0 || (g >= 1 && g == std::floor(g))) return true;
  const double shares = g > 0 && g < 1 ? 1 / g : 0;
  return shares > 0 && std::abs(shares - std::round(shares)) < 1e-9;
}

void CheckObjectives(const SweepConfig& c) {
  if (!c.objectives.Multi()) return;
  const std::string what = fmt::format("a study with {} objectives", c.objectives.more.size() + 1);
  if (c.pruner.method != "none") {
    throw UserError(
        c.objectives_origin,
        fmt::format("{} cannot be pruned (as in Optuna): pruner {} compares one metric's "
                    "curves; remove the pruner, or optimise one metric",
                    what, c.pruner.method));
  }
  if (c.target || c.patience > 0) {
    throw UserError(
        c.objectives_origin,
        fmt::format("{} has no single best value: target and patience compare one metric; "
                    "remove them, or optimise one metric",
                    what));
  }
  if (c.sampler.method == "cmaes") {
    throw UserError(
        c.objectives_origin,
        fmt::format("{} cannot be searched by cmaes (it ranks by one value, as Optuna's "
                    "CmaEsSampler); use tpe, protein, random or grid",
                    what));
  }
}

void CheckSeedsPerTrial(const SweepConfig& c) {
  if (c.seeds_per_trial <= 1) return;
  for (const ParameterSpec& p : c.parameters) {
    if (p.name != "seed") continue;
    throw UserError(
        p.origin,
        fmt::format("{} is searched, but seeds_per_trial: {} trains each trial on {} seeds of its "
                    "own: search the seed or train on several, not both",
                    Echo(p.written_name), c.seeds_per_trial, c.seeds_per_trial));
  }
}

void CheckPbt(const SweepConfig& c) {
  if (c.sampler.method != "pbt") return;
  const auto refuse = [&](const std::string& why) {
    throw UserError(c.method_origin, "method pbt: " + why);
  };
  try {
    c.sampler.pbt.Check();
  } catch (const UserError& e) {
    throw UserError(c.method_origin, e.what());
  }
  if (c.objectives.Multi()) refuse("one metric only (members are ranked by one score, as in Ray)");
  if (c.seeds_per_trial > 1)
    refuse("seeds_per_trial must be 1 (a member is one training run that copies checkpoints)");
  if (c.pruner.method != "none")
    refuse(fmt::format("pruner {} would stop members that PBT judges itself; use pruner: none",
                       c.pruner.method));
}

namespace {

const ParameterSpec* FindParent(const std::vector<ParameterSpec>& parameters,
                                const std::string& name) {
  for (const ParameterSpec& p : parameters) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

// A condition's values, or a range condition's bounds, are values its parent can take (as
// ConfigSpace asks of a condition's value); a range condition's parent is numeric and the range
// not empty.
void CheckConditionValues(const ParameterSpec& p, const ParameterSpec& parent) {
  const ParameterCondition& c = *p.condition;
  space::SearchSpace probe;
  probe.AddParameter(parent.name,
                     parent.categorical
                         ? space::MakeCategorical(parent.choices, parent.prior, parent.origin)
                         : space::MakeNumeric(parent.numeric, parent.origin));
  if (c.is_range() && parent.categorical)
    throw UserError(
        c.origin,
        fmt::format("{}: its condition compares {} with a number, and {} is "
                    "categorical ({}): list the values instead, when: {{{}: [...]}}",
                    Echo(p.written_name), Echo(parent.written_name), Echo(parent.written_name),
                    DescribeParameter(parent), Echo(c.parent)));
  if (c.above && c.below && !(*c.above < *c.below))
    throw UserError(c.origin, fmt::format("{}: its condition ({}) holds for no value",
                                          Echo(p.written_name), DescribeCondition(c)));
  std::vector<Value> values = c.values;
  for (const std::optional<double>& bound : {c.above, c.below}) {
    if (bound) values.emplace_back(*bound);
  }
  for (const Value& v : values) {
    if (probe.Contains({{parent.name, v}})) continue;
    throw UserError(
        c.origin,
        fmt::format("{}: its condition {} {} {}, a value {} never takes ({})", Echo(p.written_name),
                    c.is_range() ? "compares" : "asks for", Echo(parent.written_name),
                    (c.is_range() ? "with " : "= ") + v.ToYaml(), Echo(parent.written_name),
                    DescribeParameter(parent)));
  }
}

// Each condition names a searched parameter and values it can take; the space refuses cycles.
void AddConditions(const std::vector<ParameterSpec>& parameters, space::SearchSpace& space) {
  for (const ParameterSpec& p : parameters) {
    if (!p.condition) continue;
    const ParameterCondition& c = *p.condition;
    const ParameterSpec* parent = FindParent(parameters, c.parent);
    if (parent == nullptr || parent == &p) {
      throw UserError(c.origin, fmt::format("{}: its condition names '{}', which is no other "
                                            "searched parameter of this sweep",
                                            Echo(p.written_name), Echo(c.parent)));
    }
    CheckConditionValues(p, *parent);
    try {
      if (c.is_range()) {
        space.SetRangeCondition(p.name, parent->name, c.above, c.below);
      } else {
        space.SetCondition(p.name, parent->name, c.values);
      }
    } catch (const UserError& e) {
      throw UserError(c.origin, e.what());
    }
  }
}

}  // namespace

space::SearchSpace SweepConfig::BuildSpace() const {
  space::SearchSpace space;
  // Every spelling of every name a constraint may use: as written, canonical, and the leaf.
  std::map<std::string, std::string> names;
  auto add_names = [&names](const std::string& canonical, const std::string& written) {
    names[canonical] = canonical;
    names[written] = canonical;
    const size_t dot = written.rfind('.');
    if (dot != std::string::npos) names.emplace(written.substr(dot + 1), canonical);
  };
  for (const ParameterSpec& p : parameters) {
    space.AddParameter(p.name, p.categorical ? space::MakeCategorical(p.choices, p.prior, p.origin,
                                                                      p.probabilities)
                                             : space::MakeNumeric(p.numeric, p.origin));
    add_names(p.name, p.written_name);
  }
  AddConditions(parameters, space);
  // Constraints read the searched and the fixed values only. A trainer key the sweep leaves to
  // hpo train's default is refused: a preset that searches fewer keys than its constraints read
  // ran them against defaults, silently ("constraints rejected 0").
  for (const auto& [name, value] : fixed) add_names(name, name);
  space.SetFixed(fixed);
  const bool trainer = command.empty();
  const space::Constraint::Resolver resolve =
      [&names, trainer](std::string_view name) -> std::optional<std::string> {
    if (const auto it = names.find(std::string(name)); it != names.end()) return it->second;
    if (trainer) {
      if (const std::optional<std::string> key = CanonicalTrainerKey(name);
          key && names.count(*key))
        return names.at(*key);
    }
    return std::nullopt;
  };
  const space::Constraint::UnknownName unknown = [this, trainer](std::string_view name) {
    const std::optional<std::string> key = trainer ? CanonicalTrainerKey(name) : std::nullopt;
    if (!key) return fmt::format("unknown parameter '{}'", Echo(name));
    return fmt::format(
        "'{}'{} is set by no part of this sweep (not searched, not fixed{}): search it or fix it "
        "(it would read hpo train's default)",
        Echo(name), *key != name ? fmt::format(" ({})", *key) : "",
        preset.empty() ? "" : fmt::format(", not in preset '{}'", preset));
  };
  for (const auto& [text, origin] : constraints)
    space.AddConstraint(space::Constraint::Parse(text, resolve, origin, unknown));
  return space;
}

namespace {

// The section's keys that have a field and are stored, in the table's order.
void EmitSettings(YAML::Emitter& out, SweepSection section, const SweepConfig& c) {
  for (const SweepKey* key : SweepKeys(section)) {
    if (!key->has_field() || key->stored == Stored::kNever) continue;
    if (key->stored == Stored::kUnlessDefault && key->is_default(c)) continue;
    out << YAML::Key << std::string(key->name) << YAML::Value;
    key->emit(out, *key, c);
  }
}

void EmitCondition(YAML::Emitter& out, const ParameterCondition& c) {
  out << YAML::Key << "when" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << c.parent
      << YAML::Value;
  if (c.is_range()) {  // {gt: A, lt: B}
    out << YAML::Flow << YAML::BeginMap;
    if (c.above) out << YAML::Key << "gt" << YAML::Value << FormatDouble(*c.above);
    if (c.below) out << YAML::Key << "lt" << YAML::Value << FormatDouble(*c.below);
    out << YAML::EndMap;
  } else {
    EmitValue(out, Value(Value::List(c.values.begin(), c.values.end())));
  }
  out << YAML::EndMap;
}

void EmitCategorical(YAML::Emitter& out, const ParameterSpec& p) {
  out << YAML::Key << "values" << YAML::Value;
  EmitValue(out, Value(Value::List(p.choices.begin(), p.choices.end())));
  if (p.prior) {
    out << YAML::Key << "prior" << YAML::Value;
    EmitValue(out, *p.prior);
  }
  if (!p.probabilities.empty()) {
    out << YAML::Key << "probabilities" << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (double w : p.probabilities) out << FormatDouble(w);
    out << YAML::EndSeq;
  }
}

// A range of one value, which Optuna, Hydra's Optuna sweeper and NNI accept (a single()
// distribution) and hpo refuses where a user writes it in W&B's or its own spelling: stored in
// Optuna's spelling (type: int | float, low, high, log, step), which reads back as the same range.
bool IsSingleValueRange(const space::NumericSpec& n) {
  static const std::set<std::string> kOptunaKinds = {"int_uniform", "int_loguniform", "uniform",
                                                     "loguniform", "discrete_uniform"};
  return kOptunaKinds.count(n.distribution) && n.min == n.max && !n.clip && !n.floor;
}

void EmitSingleValueRange(YAML::Emitter& out, const space::NumericSpec& n) {
  const bool integer = n.distribution.starts_with("int_");
  out << YAML::Key << "type" << YAML::Value << (integer ? "int" : "float");
  out << YAML::Key << "low" << YAML::Value << FormatDouble(n.min);
  out << YAML::Key << "high" << YAML::Value << FormatDouble(n.max);
  if (n.distribution.ends_with("loguniform")) out << YAML::Key << "log" << YAML::Value << true;
  if ((integer && n.q != 1.0) || n.distribution == "discrete_uniform")
    out << YAML::Key << "step" << YAML::Value << FormatDouble(n.q);
  if (n.mean) out << YAML::Key << "mean" << YAML::Value << FormatDouble(*n.mean);
  if (n.scale) out << YAML::Key << "scale" << YAML::Value << *n.scale;
}

void EmitNumeric(YAML::Emitter& out, const space::NumericSpec& n) {
  if (IsSingleValueRange(n)) return EmitSingleValueRange(out, n);
  out << YAML::Key << "distribution" << YAML::Value << n.distribution;
  if (n.beta) {  // W&B's beta family: on [0, 1]
    out << YAML::Key << "a" << YAML::Value << FormatDouble(n.beta->a);
    out << YAML::Key << "b" << YAML::Value << FormatDouble(n.beta->b);
  } else if (n.sigma) {  // W&B's normal family: unbounded; truncated_normal on [min, max]
    out << YAML::Key << "mu" << YAML::Value << FormatDouble(n.mean.value_or(0.0));
    out << YAML::Key << "sigma" << YAML::Value << FormatDouble(*n.sigma);
    if (n.distribution == "truncated_normal") {
      out << YAML::Key << "min" << YAML::Value << FormatDouble(n.min);
      out << YAML::Key << "max" << YAML::Value << FormatDouble(n.max);
    }
  } else {
    out << YAML::Key << "min" << YAML::Value << FormatDouble(n.min);
    out << YAML::Key << "max" << YAML::Value << FormatDouble(n.max);
    if (n.mean) out << YAML::Key << "mean" << YAML::Value << FormatDouble(*n.mean);
    if (n.scale) out << YAML::Key << "scale" << YAML::Value << *n.scale;
  }
  if (n.q != 1.0) out << YAML::Key << "q" << YAML::Value << FormatDouble(n.q);
  if (n.clip) out << YAML::Key << "clip_to_range" << YAML::Value << true;
  if (n.floor) out << YAML::Key << "floor_to_q" << YAML::Value << true;
}

void EmitParameter(YAML::Emitter& out, const ParameterSpec& p) {
  out << YAML::Key << p.name << YAML::Value << YAML::Flow << YAML::BeginMap;
  if (p.condition) EmitCondition(out, *p.condition);
  if (p.categorical)
    EmitCategorical(out, p);
  else
    EmitNumeric(out, p.numeric);
  out << YAML::EndMap;
}

// A mapping under fixed: is a group of names, so a fixed mapping value is written as W&B's
// constant under parameters: instead.
void EmitFixedAndParameters(YAML::Emitter& out, const ParamSet& fixed,
                            const std::vector<ParameterSpec>& parameters) {
  out << YAML::Key << "fixed" << YAML::Value << YAML::BeginMap;
  for (const auto& [k, v] : fixed) {
    if (v.is_mapping()) continue;
    out << YAML::Key << k << YAML::Value;
    EmitValue(out, v);
  }
  out << YAML::EndMap;
  const bool fixed_mappings = std::any_of(fixed.begin(), fixed.end(),
                                          [](const auto& kv) { return kv.second.is_mapping(); });
  if (parameters.empty() && !fixed_mappings) return;  // a sweep of constants only
  out << YAML::Key << "parameters" << YAML::Value << YAML::BeginMap;
  for (const ParameterSpec& p : parameters) EmitParameter(out, p);
  for (const auto& [k, v] : fixed) {
    if (!v.is_mapping()) continue;
    out << YAML::Key << k << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "value"
        << YAML::Value;
    EmitValue(out, v);
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
}

}  // namespace

std::vector<std::string> HookSettings::Macros(const std::string& hook) {
  std::vector<std::string> names = {"sweep", "sweep_dir"};
  if (hook == "on_trial_start" || hook == "on_trial_end") {
    names.insert(names.end(), kParameterMacros.begin(), kParameterMacros.end());
    names.insert(names.end(), {"run_dir", "trial_json", "trial_number", "trial_state"});
  }
  if (hook == "on_sweep_end") names.push_back("sweep_json");
  if (hook == "on_exploit") names.insert(names.end(), {"member", "parent", "step", "exploit_json"});
  return names;
}

namespace {

void EmitObjectives(YAML::Emitter& out, std::string_view key, const SweepConfig& c) {
  if (key == "metrics" && c.objectives.Multi()) {
    out << YAML::Key << "metrics" << YAML::Value << YAML::BeginSeq;
    for (const Objective& o : c.objectives.All()) {
      out << YAML::Flow << YAML::BeginMap << YAML::Key << "name" << YAML::Value << o.name
          << YAML::Key << "goal" << YAML::Value << (o.maximize ? "maximize" : "minimize")
          << YAML::EndMap;
    }
    out << YAML::EndSeq;
  } else if (key == "metric" && !c.objectives.Multi()) {
    out << YAML::Key << "metric" << YAML::Value << c.objectives.metric;
  } else if (key == "metric_name" && !c.objectives.label.empty()) {
    out << YAML::Key << "metric_name" << YAML::Value << c.objectives.label;
  } else if (key == "goal" && !c.objectives.Multi()) {
    out << YAML::Key << "goal" << YAML::Value << (c.objectives.maximize ? "maximize" : "minimize");
  }
}

void EmitEnqueue(YAML::Emitter& out, const std::vector<std::vector<GivenValue>>& enqueue) {
  if (enqueue.empty()) return;
  out << YAML::Key << "enqueue" << YAML::Value << YAML::BeginSeq;
  for (const std::vector<GivenValue>& entry : enqueue) {
    out << YAML::Flow << YAML::BeginMap;
    for (const GivenValue& g : entry) {
      out << YAML::Key << g.name << YAML::Value;
      EmitValue(out, g.value);
    }
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
}

// A stored key the table leaves to this file (kOwn): sections, lists, the objectives.
void EmitEntry(YAML::Emitter& out, std::string_view key, const SweepConfig& c) {
  if (key == "name") {
    out << YAML::Key << "name" << YAML::Value << c.name;
  } else if (key == "metric" || key == "metric_name" || key == "goal" || key == "metrics") {
    EmitObjectives(out, key, c);
  } else if (key == "sampler" || key == "pruner") {
    out << YAML::Key << std::string(key) << YAML::Value << YAML::BeginMap;
    EmitSettings(out, key == "sampler" ? SweepSection::kSampler : SweepSection::kPruner, c);
    if (key == "pruner") EmitSettings(out, SweepSection::kEarlyTerminate, c);
    out << YAML::EndMap;
  } else if (key == "enqueue") {
    EmitEnqueue(out, c.enqueue);
  } else if (key == "command" && !c.command.empty()) {
    out << YAML::Key << "command" << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (const std::string& w : c.command) out << w;
    out << YAML::EndSeq;
  } else if (key == "parameters") {
    EmitFixedAndParameters(out, c.fixed, c.parameters);  // fixed: first, then parameters:
  } else if (key == "constraints" && !c.constraints.empty()) {
    out << YAML::Key << "constraints" << YAML::Value << YAML::BeginSeq;
    for (const auto& [text, origin] : c.constraints) out << text;
    out << YAML::EndSeq;
  }
}

}  // namespace

// Every setting, so that ParseSweepConfig(ToYaml()) is the same sweep (tests/config: round trip),
// in the key table's order. That order matters once: the sampler comes before
// timeout_per_trial, as its max_suggestion_cost sets the timeout only when no
// timeout_per_trial was read yet.
std::string SweepConfig::ToYaml() const {
  YAML::Emitter out;
  out << YAML::BeginMap;
  for (const SweepKey* key : SweepKeys(SweepSection::kTop)) {
    if (key->stored == Stored::kNever) continue;
    if (!key->has_field()) {
      EmitEntry(out, key->name, *this);
    } else if (key->stored == Stored::kAlways || !key->is_default(*this)) {
      out << YAML::Key << std::string(key->name) << YAML::Value;
      key->emit(out, *key, *this);
    }
  }
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

std::vector<std::string> CommandOption(const std::string& text) {
  std::vector<std::string> words;
  try {
    words = SplitCommandLine(text);
  } catch (const UserError& e) {
    throw UserError(Origin{"--command"}, e.what());
  }
  if (words.empty()) throw UserError(Origin{"--command"}, "is empty");
  return words;
}

std::vector<std::string> SplitCommandLine(const std::string& text) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if (quote) {
      if (ch == quote)
        quote = 0;
      else if (ch == '\\' && quote == '"' && i + 1 < text.size())
        word += text[++i];
      else
        word += ch;
    } else if (ch == '\'' || ch == '"') {
      quote = ch;
      in_word = true;
    } else if (ch == '\\' && i + 1 < text.size()) {
      word += text[++i];
      in_word = true;
    } else if (ch == ' ' || ch == '\t' || ch == '\n') {
      if (in_word) words.push_back(word);
      word.clear();
      in_word = false;
    } else {
      word += ch;
      in_word = true;
    }
  }
  if (quote) throw UserError(fmt::format("unclosed {} quote in '{}'", quote, Echo(text)));
  if (in_word) words.push_back(word);
  return words;
}

std::string DescribeCondition(const ParameterCondition& condition) {
  if (condition.is_range()) {
    std::vector<std::string> sides;
    if (condition.above)
      sides.push_back(fmt::format("{} > {}", condition.parent, FormatDouble(*condition.above)));
    if (condition.below)
      sides.push_back(fmt::format("{} < {}", condition.parent, FormatDouble(*condition.below)));
    return fmt::format("{}", fmt::join(sides, " and "));
  }
  std::string values;
  for (const Value& v : condition.values) values += (values.empty() ? "" : ", ") + v.ToYaml();
  return fmt::format("{} in [{}]", condition.parent, values);
}

std::string DescribeParameter(const ParameterSpec& p) {
  if (p.condition) {
    ParameterSpec always = p;
    always.condition.reset();
    return DescribeParameter(always) + " when " + DescribeCondition(*p.condition);
  }
  if (p.categorical) {
    std::string choices;
    for (const Value& v : p.choices) choices += (choices.empty() ? "" : ", ") + v.ToYaml();
    std::string weights;
    for (double w : p.probabilities) weights += (weights.empty() ? "" : ", ") + FormatDouble(w);
    return fmt::format("categorical [{}]{}{}", choices,
                       p.prior ? " prior " + p.prior->ToYaml() : "",
                       weights.empty() ? "" : " probabilities [" + weights + "]");
  }
  const space::NumericSpec& n = p.numeric;
  if (n.beta) {
    return fmt::format("{} a {} b {}{}", n.distribution, FormatDouble(n.beta->a),
                       FormatDouble(n.beta->b), n.q != 1.0 ? " q " + FormatDouble(n.q) : "");
  }
  if (n.sigma && n.distribution == "truncated_normal") {
    return fmt::format("truncated_normal [{}, {}] mu {} sigma {}", FormatDouble(n.min),
                       FormatDouble(n.max), FormatDouble(n.mean.value_or(0.0)),
                       FormatDouble(*n.sigma));
  }
  if (n.sigma) {
    return fmt::format("{} mu {} sigma {}{}{}", n.distribution, FormatDouble(n.mean.value_or(0.0)),
                       FormatDouble(*n.sigma), n.q != 1.0 ? " q " + FormatDouble(n.q) : "",
                       n.floor ? " floor" : "");
  }
  std::string text =
      fmt::format("{} [{}, {}]", n.distribution, FormatDouble(n.min), FormatDouble(n.max));
  if (n.mean) text += " mean " + FormatDouble(*n.mean);
  if (n.scale) text += " scale " + *n.scale;
  if (n.q != 1.0) text += " q " + FormatDouble(n.q);
  if (n.clip) text += " clip";
  if (n.floor) text += " floor";
  return text;
}

namespace {

void Change(std::vector<std::string>& changes, const std::string& what, const std::string& before,
            const std::string& after) {
  if (before != after)
    changes.push_back(fmt::format("{}: {} -> {}", Echo(what), Echo(before), Echo(after)));
}

// Each name's description before and after, "(none)" where it is absent.
void ChangeEach(std::vector<std::string>& changes, const std::string& prefix,
                const std::map<std::string, std::pair<std::string, std::string>>& texts) {
  auto or_none = [](const std::string& s) { return s.empty() ? std::string("(none)") : s; };
  for (const auto& [name, text] : texts)
    Change(changes, prefix + name, or_none(text.first), or_none(text.second));
}

std::string Program(const SweepConfig& c) {
  return c.command.empty() ? std::string("hpo train")
                           : fmt::format("{}", fmt::join(c.command, " "));
}

std::string ConstraintList(const SweepConfig& c) {
  std::string list;
  for (const auto& [text, origin] : c.constraints) list += (list.empty() ? "" : "; ") + text;
  return "[" + list + "]";
}

// A study key the table leaves to this file (kOwn).
void CompareEntry(std::vector<std::string>& changes, std::string_view key,
                  const SweepConfig& stored, const SweepConfig& now) {
  const bool several = stored.objectives.Multi() || now.objectives.Multi();
  std::map<std::string, std::pair<std::string, std::string>> texts;  // name -> (before, after)
  if (key == "metrics" && several) {
    Change(changes, "objectives", stored.objectives.Describe(), now.objectives.Describe());
  } else if (key == "metric" && !several) {
    Change(changes, "metric", stored.objectives.metric, now.objectives.metric);
  } else if (key == "goal" && !several) {
    Change(changes, "goal", stored.objectives.maximize ? "maximize" : "minimize",
           now.objectives.maximize ? "maximize" : "minimize");
  } else if (key == "command") {
    Change(changes, "trial program", Program(stored), Program(now));
  } else if (key == "parameters") {
    for (const ParameterSpec& p : stored.parameters) texts[p.name].first = DescribeParameter(p);
    for (const ParameterSpec& p : now.parameters) texts[p.name].second = DescribeParameter(p);
    ChangeEach(changes, "", texts);
  } else if (key == "fixed") {
    for (const auto& [k, v] : stored.fixed) texts[k].first = v.ToYaml();
    for (const auto& [k, v] : now.fixed) texts[k].second = v.ToYaml();
    ChangeEach(changes, "fixed ", texts);
  } else if (key == "constraints") {
    Change(changes, "constraints", ConstraintList(stored), ConstraintList(now));
  }
}

}  // namespace

// The key table's study keys, in its order.
std::vector<std::string> StudyChanges(const SweepConfig& stored, const SweepConfig& now) {
  std::vector<std::string> changes;
  for (const SweepKey* key : SweepKeys(SweepSection::kTop)) {
    if (!key->study) continue;
    if (key->has_field())
      Change(changes, std::string(key->name), key->text(stored), key->text(now));
    else
      CompareEntry(changes, key->name, stored, now);
  }
  return changes;
}

}  // namespace hpo::config
