#include "lib/config/sweep_convert.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <string_view>
#include <utility>
#include <vector>

#include "lib/config/objective_formula.h"
#include "lib/config/sweep_keys.h"
#include "lib/config/yaml11.h"
#include "lib/config/yaml_source.h"
#include "lib/samplers/grid_sampler.h"

namespace hpo::config {
namespace {

// ----- YAML text, one entry per line -------------------------------------------------------------
// yaml-cpp's emitter decides the quoting of every key and value; the lines are put together here
// so that a comment can follow the entry it is about.

using Emit = std::function<void(YAML::Emitter&)>;
using Fields = std::vector<std::pair<std::string, Emit>>;

std::string Emitted(const Emit& emit) {
  YAML::Emitter out;
  emit(out);
  return out.c_str();
}

Emit Word(const std::string& text) {
  return [text](YAML::Emitter& out) { EmitValue(out, Value(text)); };
}
// Floats are spelled so that every loader reads them as floats: W&B's, Ray's and NNI's
// yaml.safe_load reads 1e-05 as text, 1.0e-05 as a number (yaml11.h).
Emit Val(const Value& value) {
  return [value](YAML::Emitter& out) { EmitValue(out, value, /*pyyaml_floats=*/true); };
}
Emit Number(double v) {
  return [v](YAML::Emitter& out) { out << PyYamlFloatSpelling(FormatDouble(v)); };
}
Emit Whole(int64_t v) {
  return [v](YAML::Emitter& out) { out << v; };
}
Emit Flag(bool v) {
  return [v](YAML::Emitter& out) { out << v; };
}
Emit List(const std::vector<Value>& items) {
  return Val(Value(Value::List(items.begin(), items.end())));
}

Emit FlowMap(Fields fields) {
  return [fields = std::move(fields)](YAML::Emitter& out) {
    out << YAML::Flow << YAML::BeginMap;
    for (const auto& [key, value] : fields) {
      out << YAML::Key;
      EmitValue(out, Value(key));
      out << YAML::Value;
      value(out);
    }
    out << YAML::EndMap;
  };
}

// "a 1, b 2": fields as a comment lists them.
std::string FieldsText(const Fields& fields) {
  std::string text;
  for (const auto& [key, value] : fields)
    text += (text.empty() ? "" : ", ") + key + " " + Emitted(value);
  return text;
}

std::string Join(const std::vector<std::string>& parts, const char* separator) {
  return fmt::format("{}", fmt::join(parts, separator));
}

class Lines {
 public:
  void Comment(const std::string& text, int indent = 0) {
    text_ += std::string(indent, ' ') + "# " + OneLine(text) + "\n";
  }
  void Entry(const std::string& key, const Emit& value, const std::string& comment = "",
             int indent = 0) {
    Put(indent, Emitted(Word(key)) + ": " + Emitted(value), comment);
  }
  /// A key whose value is the block below it.
  void Section(const std::string& key, const std::string& comment = "", int indent = 0) {
    Put(indent, Emitted(Word(key)) + ":", comment);
  }
  void Item(const Emit& value, const std::string& comment = "", int indent = 2) {
    Put(indent, "- " + Emitted(value), comment);
  }
  std::string Text() && { return std::move(text_); }

 private:
  void Put(int indent, const std::string& entry, const std::string& comment) {
    text_ += std::string(indent, ' ') + entry + (comment.empty() ? "" : "  # " + OneLine(comment)) +
             "\n";
  }
  std::string text_;
};

// ----- what every form says ------------------------------------------------------------------

void Header(Lines& lines, const SweepConfig& c, const char* form) {
  lines.Comment(fmt::format("hpo convert --to {}: {} (read as {})", form, c.source, c.vocabulary));
  if (!c.ignored.empty())
    lines.Comment("ignored (not part of the search): " + Join(c.ignored, ", "));
  for (const std::string& note : c.notes) lines.Comment("note: " + note);
  if (!c.presets.empty()) {
    lines.Comment(
        fmt::format("presets in the file: {}; this is {} (--preset NAME converts another)",
                    Join(c.presets, ", "),
                    c.preset.empty() ? std::string("the file without one") : "preset " + c.preset));
  }
}

// hpo's top-level settings that differ from their defaults and that `tool` has no key for
// (the key table names the keys a tool has: W&B's run_cap, Optuna's n_jobs), in the table's
// order. The top-level spellings of sampler settings are the sampler's (ChangedSamplerSettings).
std::vector<std::string> UnwrittenSettings(const SweepConfig& c, std::string_view tool) {
  std::vector<std::string> out;
  for (const SweepKey* key : SweepKeys(SweepSection::kTop)) {
    if (!key->has_field() || !key->methods.empty() || key->is_default(c) ||
        !key->NameIn(tool).empty())
      continue;
    const char* unit = key->reading == SweepReadingKind::kSeconds ? " s" : "";
    out.push_back(fmt::format("{} {}{}", key->name, key->text(c), unit));
  }
  return out;
}

// A setting's value as ToYaml writes it.
Emit Setting(const SweepKey& key, const SweepConfig& c) {
  return [&key, &c](YAML::Emitter& out) { key.emit(out, key, c); };
}

// The settings of the sampler's own (Protein's, TPE's) that differ from hpo's defaults. The
// grid's points are written out as values instead.
std::vector<std::string> ChangedSamplerSettings(const SweepConfig& c) {
  std::vector<std::string> out;
  if (c.sampler.method == "grid") return out;
  for (const SweepKey* key : SweepKeys(SweepSection::kSampler)) {
    if (!key->has_field() || key->methods.empty() || !key->AppliesTo(c.sampler.method)) continue;
    if (!key->is_default(c)) out.push_back(fmt::format("{} {}", key->name, key->text(c)));
  }
  return out;
}

// W&B's early_terminate as W&B writes it: min_iter, or max_iter and s; eta; strict.
Fields BandFields(const SweepConfig& c) {
  Fields f = {{"type", Word("hyperband")}};
  for (const SweepKey* key : SweepKeys(SweepSection::kEarlyTerminate)) {
    if (!key->has_field() || (key->stored == Stored::kUnlessDefault && key->is_default(c)))
      continue;
    f.emplace_back(std::string(key->name), Setting(*key, c));
  }
  return f;
}

// The pruner's settings that matter for its method, with Optuna's names (which hpo reads), in
// the table's order but for Optuna's PercentilePruner, whose first argument is the percentile.
Fields PrunerFields(const SweepConfig& c) {
  const std::string& method = c.pruner.method;
  if (method == "wandb_hyperband") return BandFields(c);
  Fields f = {{"type", Word(method)}};
  std::vector<const SweepKey*> keys = SweepKeys(SweepSection::kPruner);
  auto first = [&method](const SweepKey* key) { return key->name == method; };
  std::stable_partition(keys.begin(), keys.end(), first);
  for (const SweepKey* key : keys) {
    if (!key->methods.empty() && key->AppliesTo(method))
      f.emplace_back(std::string(key->name), Setting(*key, c));
  }
  return f;
}

// {distribution|type: kind, min|low, max|high}: integer bounds for integer kinds.
Fields Range(const char* kind_key, const std::string& kind, const char* min_key,
             const char* max_key, const space::NumericSpec& n, bool integer) {
  auto bound = [integer](double v) { return integer ? Whole(static_cast<int64_t>(v)) : Number(v); };
  return {{kind_key, Word(kind)}, {min_key, bound(n.min)}, {max_key, bound(n.max)}};
}

std::vector<Value> PowersOfTwo(const space::NumericSpec& n) {
  std::vector<Value> powers;
  for (double e = std::ceil(std::log2(n.min)); e <= std::floor(std::log2(n.max)); ++e) {
    powers.emplace_back(static_cast<int64_t>(std::llround(std::exp2(e))));
  }
  return powers;
}

bool MultipleOf(double v, double q) { return std::fabs(v / q - std::round(v / q)) < 1e-9; }

// Protein's default width ("auto") is no setting the target lacks.
bool HasScale(const space::NumericSpec& n) { return n.scale && *n.scale != "auto"; }

bool HasCentre(const ParameterSpec& p) { return p.numeric.mean.has_value() || HasScale(p.numeric); }

// DescribeParameter with the integers of integer kinds written as integers.
std::string Describe(const ParameterSpec& p) {
  if (p.categorical || p.numeric.sigma) return DescribeParameter(p);
  const space::NumericSpec& n = p.numeric;
  const bool integer = n.distribution == "int_uniform" || n.distribution == "int_loguniform" ||
                       n.distribution == "uniform_pow2";
  auto number = [integer](double v) {
    return integer && v == std::floor(v) && std::fabs(v) < 9e15
               ? std::to_string(static_cast<int64_t>(v))
               : FormatDouble(v);
  };
  std::string text = fmt::format("{} [{}, {}]", n.distribution, number(n.min), number(n.max));
  if (n.mean) text += " mean " + number(*n.mean);
  if (HasScale(n)) text += " scale " + *n.scale;
  if (n.q != 1.0) text += " q " + FormatDouble(n.q);
  return text;
}

// "hpo: log_normal [1e-05, 0.01] mean 0.0003 scale 0.5; <what the target does instead>"
std::string Lost(const ParameterSpec& p, const std::string& instead) {
  return "hpo: " + Describe(p) + "; " + instead;
}

std::string PriorComment(const ParameterSpec& p, const char* tool) {
  return p.prior ? fmt::format("hpo: prior {} (the search centre); {} has none", p.prior->ToYaml(),
                               tool)
                 : "";
}

// What hpo does that the target cannot say, after the parameter's own comment: a condition
// (`instead`: what the target's user would write), NNI's clip of a q range and Polyaxon's floor.
std::string WithHpoOnlyMeaning(const ParameterSpec& p, const std::string& comment,
                               const std::string& instead) {
  std::vector<std::string> notes;
  if (!comment.empty()) notes.push_back(comment);
  if (p.numeric.clip)
    notes.push_back("hpo: a multiple of q outside [min, max] is that bound (NNI's clip)");
  if (p.numeric.floor)
    notes.push_back(
        "hpo: the multiple of q at or below a draw (Polyaxon's floor), not the nearest");
  if (p.condition) {
    notes.push_back(
        fmt::format("hpo: searched only when {}; {}", DescribeCondition(*p.condition), instead));
  }
  return Join(notes, "; ");
}

// The values hpo's grid sampler tries for each parameter, in parameter order.
std::vector<std::vector<Value>> GridValues(const SweepConfig& c) {
  const space::SearchSpace space = c.BuildSpace();
  const std::vector<std::vector<double>> axes = samplers::GridSampler(c.sampler.grid).Axes(space);
  std::vector<std::vector<Value>> values(axes.size());
  for (size_t d = 0; d < axes.size(); ++d) {
    for (double u : axes[d]) values[d].push_back(space.ValueAt(d, u));
  }
  return values;
}

struct Converted {
  Emit value;
  std::string comment;
};

// ----- W&B ---------------------------------------------------------------------------------------

// W&B's normal family as W&B writes it: {distribution, mu, sigma[, q]}.
Fields NormalFields(const char* kind_key, const space::NumericSpec& n) {
  Fields f = {{kind_key, Word(n.distribution)},
              {"mu", Number(n.mean.value_or(0.0))},
              {"sigma", Number(*n.sigma)}};
  if (n.distribution[0] == 'q') f.emplace_back("q", Number(n.q));
  return f;
}

// W&B's beta family as W&B writes it: {distribution, a, b[, q]}.
Fields BetaFields(const char* kind_key, const space::NumericSpec& n) {
  Fields f = {{kind_key, Word(n.distribution)}, {"a", Number(n.beta->a)}, {"b", Number(n.beta->b)}};
  if (n.distribution[0] == 'q') f.emplace_back("q", Number(n.q));
  return f;
}

Converted WandbParameter(const ParameterSpec& p, const std::vector<Value>* grid) {
  if (p.categorical && !p.probabilities.empty()) {
    std::vector<Value> weights(p.probabilities.begin(), p.probabilities.end());
    return {FlowMap({{"values", List(p.choices)}, {"probabilities", List(weights)}}),
            PriorComment(p, "W&B")};
  }
  if (p.categorical) return {FlowMap({{"values", List(p.choices)}}), PriorComment(p, "W&B")};
  const space::NumericSpec& n = p.numeric;
  const bool truncated = n.distribution == "truncated_normal";
  if (n.sigma && !truncated) return {FlowMap(NormalFields("distribution", n)), ""};
  if (n.beta) return {FlowMap(BetaFields("distribution", n)), ""};
  const std::string& kind = n.distribution;
  if (grid) {
    return {FlowMap({{"values", List(*grid)}}),
            Lost(p, fmt::format("the {} values hpo's grid tries", grid->size()))};
  }
  if (truncated) {
    return {FlowMap(Range("distribution", "uniform", "min", "max", n, false)),
            Lost(p, "W&B has no truncated normal: searched uniformly")};
  }
  const std::string centre = HasCentre(p) ? Lost(p, "W&B has no search centre or scale") : "";
  if (kind == "uniform")
    return {FlowMap(Range("distribution", "uniform", "min", "max", n, false)), centre};
  if (kind == "int_uniform" && n.q == 1)
    return {FlowMap(Range("distribution", "int_uniform", "min", "max", n, true)), centre};
  if (kind == "q_uniform" || kind == "discrete_uniform" || kind == "int_uniform") {
    Fields f = Range("distribution", "q_uniform", "min", "max", n, false);
    f.emplace_back("q", Number(n.q));
    // W&B's values are multiples of q from 0; a step from min is the same when min is one
    const bool same = kind == "q_uniform" || MultipleOf(n.min, n.q);
    return {FlowMap(f), same ? centre
                             : Lost(p, fmt::format("hpo's values are min + k {}; W&B's are "
                                                   "multiples of q",
                                                   kind == "int_uniform" ? "step" : "q"))};
  }
  if (kind == "loguniform" || kind == "log_uniform_values") {
    return {FlowMap(Range("distribution", "log_uniform_values", "min", "max", n, false)), centre};
  }
  if (kind == "q_log_uniform_values") {
    Fields f = Range("distribution", "q_log_uniform_values", "min", "max", n, false);
    f.emplace_back("q", Number(n.q));
    return {FlowMap(f), centre};
  }
  if (kind == "log_normal") {
    return {FlowMap(Range("distribution", "log_uniform_values", "min", "max", n, false)),
            Lost(p, "W&B has no log-normal prior: searched log-uniformly")};
  }
  if (kind == "int_loguniform") {
    return {FlowMap(Range("distribution", "log_uniform_values", "min", "max", n, false)),
            Lost(p, "W&B has no integer log-uniform: searched log-uniformly as floats")};
  }
  if (kind == "uniform_pow2") {
    return {FlowMap({{"values", List(PowersOfTwo(n))}}),
            Lost(p, "W&B has no power-of-two distribution: these values, unordered")};
  }
  if (kind == "logit_normal") {
    return {FlowMap(Range("distribution", "uniform", "min", "max", n, false)),
            Lost(p, "W&B has no logit axis (log10(1 - v)): searched uniformly")};
  }
  return {FlowMap(Range("distribution", "uniform", "min", "max", n, false)),
          Lost(p, "W&B has no equivalent: searched uniformly")};
}

std::string WandbMethodComment(const SweepConfig& c) {
  const std::string& m = c.sampler.method;
  if (m == "random") return "";
  if (m == "grid")
    return fmt::format("hpo's grid: {} points per continuous range, written out as values below",
                       c.sampler.grid.points);
  if (m == "protein")
    return "hpo sampler: protein (PufferLib's cost-aware Gaussian process); W&B's bayes is the "
           "nearest";
  if (m == "tpe")
    return "hpo sampler: tpe; W&B has no TPE, bayes is its nearest model-based search";
  return "hpo sampler: " + m + "; W&B has no equivalent";
}

// True when a fixed value or a categorical choice satisfies `test`.
template <typename Test>
bool AnyValue(const SweepConfig& c, Test test) {
  bool any =
      std::any_of(c.fixed.begin(), c.fixed.end(), [&](const auto& f) { return test(f.second); });
  for (const ParameterSpec& p : c.parameters)
    any |= std::any_of(p.choices.begin(), p.choices.end(), test);
  return any;
}

void WandbCommand(Lines& lines, const SweepConfig& c) {
  if (c.command.empty()) {
    lines.Comment(
        "hpo: trials run `hpo train` with the parameters as --override KEY=VALUE (no command:); "
        "W&B needs a command: or program: that does the same");
    return;
  }
  std::vector<std::string> issues;
  bool hpo_macros = false, args = false;
  for (const std::string& word : c.command) {
    hpo_macros |= word.find("${args_json_file}") != std::string::npos ||
                  word.find("${run_dir}") != std::string::npos;
    args |= word == "${args}" || word == "${args_no_hyphens}" || word == "${args_no_boolean_flags}";
  }
  if (hpo_macros)
    issues.push_back(
        "${args_json_file} and ${run_dir} are hpo's macros, not W&B's (docs/trial_protocol.md)");
  if (args && AnyValue(c, [](const Value& v) { return v.is_bool(); })) {
    issues.push_back("hpo writes booleans in ${args} as true/false, W&B as True/False");
  }
  if (args &&
      AnyValue(c, [](const Value& v) { return v.is_string() && v.ToYaml() != v.as_string(); })) {
    issues.push_back(
        "hpo quotes strings that read as other values in ${args} (\"3\"), W&B does not");
  }
  lines.Section("command", Join(issues, "; "));
  for (const std::string& word : c.command) lines.Item(Word(word));
}

// W&B's early_terminate is written back as it was read; Optuna's pruners only as a comment:
// W&B's hyperband has rules of its own (tests/conformance/wandb_hyperband.md), so writing
// Optuna's settings into it would make W&B stop other runs than hpo would.
void WandbEarlyTerminate(Lines& lines, const SweepConfig& c) {
  const pruners::PrunerSettings& s = c.pruner;
  if (s.method == "none") return;
  if (s.method == "wandb_hyperband") {
    lines.Entry("early_terminate", FlowMap(BandFields(c)));
    return;
  }
  Fields settings = PrunerFields(c);
  settings.erase(settings.begin());  // the type
  lines.Comment(fmt::format(
      "hpo pruner: {} ({}) is Optuna's; W&B's early_terminate has other rules (bands of logged "
      "values, each judged against all runs), so W&B would not prune this way",
      s.method, FieldsText(settings)));
}

// ----- Optuna --------------------------------------------------------------------------------

Converted OptunaParameter(const ParameterSpec& p, const std::vector<Value>* grid) {
  std::vector<std::string> notes;
  if (p.categorical) {
    if (p.prior) notes.push_back(PriorComment(p, "Optuna"));
    if (!p.probabilities.empty())
      notes.push_back(
          "Optuna's categorical has no probabilities: its samplers weigh choices alike");
    if (std::any_of(p.choices.begin(), p.choices.end(),
                    [](const Value& v) { return v.is_list() || v.is_mapping(); })) {
      notes.push_back(
          "suggest_categorical takes None, bool, int, float and str: encode these lists and "
          "mappings (e.g. as strings)");
    }
    return {FlowMap({{"type", Word("categorical")}, {"choices", List(p.choices)}}),
            Join(notes, "; ")};
  }
  const space::NumericSpec& n = p.numeric;
  if (n.beta) {  // read back by hpo as it is; Optuna itself has no beta distribution
    return {FlowMap(BetaFields("type", n)),
            "Optuna has no beta distribution: hpo reads this W&B form, Optuna does not"};
  }
  // W&B's normal family is read back by hpo as it is; Optuna itself has no normal distribution
  if (n.sigma && n.distribution != "truncated_normal") {
    return {FlowMap(NormalFields("type", n)),
            "Optuna has no normal distribution: hpo reads this W&B form, Optuna does not"};
  }
  const std::string& kind = n.distribution;
  auto with_log = [](Fields f, bool log) {
    f.emplace_back("log", Flag(log));
    return f;
  };
  Fields fields;
  std::string instead;  // what Optuna does instead of hpo's distribution, if anything
  if (kind == "uniform") {
    fields = with_log(Range("type", "float", "low", "high", n, false), false);
  } else if (kind == "int_uniform") {
    fields = Range("type", "int", "low", "high", n, true);
    if (n.q != 1) fields.emplace_back("step", Number(n.q));
    fields.emplace_back("log", Flag(false));
  } else if (kind == "q_uniform" || kind == "discrete_uniform") {
    fields = Range("type", "float", "low", "high", n, false);
    fields.emplace_back("step", Number(n.q));
    fields.emplace_back("log", Flag(false));
    if (kind == "q_uniform" && !MultipleOf(n.min, n.q))
      instead = "W&B's q_uniform gives multiples of q from 0; Optuna's step counts from low";
  } else if (kind == "loguniform" || kind == "log_uniform_values") {
    fields = with_log(Range("type", "float", "low", "high", n, false), true);
  } else if (kind == "q_log_uniform_values") {
    fields = with_log(Range("type", "float", "low", "high", n, false), true);
    instead = "Optuna has no step on a log axis: searched log-uniformly, without q";
  } else if (kind == "int_loguniform") {
    fields = with_log(Range("type", "int", "low", "high", n, true), true);
  } else if (kind == "log_normal") {
    fields = with_log(Range("type", "float", "low", "high", n, false), true);
    instead = "Optuna has no log-normal prior: searched log-uniformly";
  } else if (kind == "uniform_pow2") {
    fields = {{"type", Word("categorical")}, {"choices", List(PowersOfTwo(n))}};
    instead = "Optuna has no power-of-two distribution: these values as categories";
  } else if (kind == "logit_normal") {
    fields = with_log(Range("type", "float", "low", "high", n, false), false);
    instead = "Optuna has no logit axis (log10(1 - v)): searched uniformly";
  } else if (kind == "truncated_normal") {
    fields = with_log(Range("type", "float", "low", "high", n, false), false);
    instead = "Optuna has no truncated normal: searched uniformly";
  } else {
    fields = with_log(Range("type", "float", "low", "high", n, false), false);
    instead = "Optuna has no equivalent: searched uniformly";
  }
  if (!instead.empty())
    notes.push_back(Lost(p, instead));
  else if (HasCentre(p))
    notes.push_back(Lost(p, "Optuna has no search centre or scale"));
  if (grid)
    notes.push_back(fmt::format("hpo's grid tries {}",
                                Value(Value::List(grid->begin(), grid->end())).ToYaml()));
  return {FlowMap(fields), Join(notes, "; ")};
}

void OptunaSampler(Lines& lines, const SweepConfig& c) {
  const samplers::SamplerSettings& s = c.sampler;
  const std::string type = s.method == "protein" ? "gp" : s.method;  // hpo reads gp as protein
  Fields f = {{"type", Word(type)}, {"seed", Whole(static_cast<int64_t>(c.seed))}};
  std::string comment;
  // TPE's settings and the grid's points, read back by hpo; Optuna's GPSampler has none of
  // Protein's
  for (const SweepKey* key : SweepKeys(SweepSection::kSampler)) {
    if (s.method != "protein" && key->has_field() && !key->methods.empty() &&
        key->AppliesTo(s.method))
      f.emplace_back(std::string(key->name), Setting(*key, c));
  }
  if (s.method == "tpe") {
    comment =
        "hpo's gamma is the fraction of trials in the good group (at most 25): Optuna's default "
        "gamma(n) is min(ceil(0.1 n), 25)";
  } else if (s.method == "grid") {
    comment =
        "hpo's grid: grid_points per continuous range; Optuna's GridSampler takes the values (in "
        "each parameter's comment)";
  } else if (s.method == "protein") {
    comment =
        "hpo sampler: protein (PufferLib's cost-aware Gaussian process); Optuna's GPSampler is the "
        "nearest";
    const std::vector<std::string> changed = ChangedSamplerSettings(c);
    if (!changed.empty())
      comment += "; protein settings Optuna has no argument for: " + Join(changed, ", ");
  } else if (s.method != "random") {
    comment = "hpo sampler: " + s.method + "; Optuna has no equivalent";
  }
  lines.Entry("sampler", FlowMap(f), comment);
}

}  // namespace

ConvertFormat ParseConvertFormat(const std::string& name, const Origin& origin) {
  if (name == "hpo") return ConvertFormat::kHpo;
  if (name == "wandb") return ConvertFormat::kWandb;
  if (name == "optuna") return ConvertFormat::kOptuna;
  throw UserError(origin,
                  fmt::format("unknown format '{}' (known: hpo, wandb, optuna)", Echo(name)));
}

std::string ToHpoYaml(const SweepConfig& c) {
  Lines lines;
  Header(lines, c, "hpo");
  if (!c.storage.empty())
    lines.Entry("storage", Word(c.storage));  // the one setting a stored config leaves out
  return std::move(lines).Text() + c.ToYaml();
}

std::string ToWandbYaml(const SweepConfig& c) {
  Lines lines;
  Header(lines, c, "wandb");
  lines.Entry("name", Word(c.name));
  const std::string& m = c.sampler.method;
  lines.Entry("method", Word(m == "random" || m == "grid" ? m : "bayes"), WandbMethodComment(c));
  const std::vector<std::string> sampler_settings = ChangedSamplerSettings(c);
  if (!sampler_settings.empty())
    lines.Comment(
        fmt::format("hpo {} settings W&B has no key for: {}", m, Join(sampler_settings, ", ")));
  lines.Section("metric");
  lines.Entry("name", Word(c.objectives.metric),
              ObjectiveFormula::IsExpression(c.objectives.metric)
                  ? "hpo computes this expression from the run's numbers; W&B reads one key the "
                    "run logs: log its value under one name"
                  : "",
              2);
  lines.Entry("goal", Word(c.objectives.maximize ? "maximize" : "minimize"), "", 2);
  if (c.target) lines.Entry("target", Number(*c.target), "", 2);
  lines.Entry("run_cap", Whole(c.n_trials));
  const std::vector<std::string> settings = UnwrittenSettings(c, "W&B");
  if (!settings.empty()) lines.Comment("hpo settings W&B has no key for: " + Join(settings, ", "));
  WandbEarlyTerminate(lines, c);
  WandbCommand(lines, c);

  const std::vector<std::vector<Value>> grid =
      m == "grid" ? GridValues(c) : std::vector<std::vector<Value>>{};
  lines.Section("parameters");
  for (size_t i = 0; i < c.parameters.size(); ++i) {
    const Converted p = WandbParameter(c.parameters[i], grid.empty() ? nullptr : &grid[i]);
    lines.Entry(c.parameters[i].name, p.value,
                WithHpoOnlyMeaning(c.parameters[i], p.comment,
                                   "W&B has no conditional parameters and passes it to every run"),
                2);
  }
  for (const auto& [name, value] : c.fixed)
    lines.Entry(name, FlowMap({{"value", Val(value)}}), "", 2);
  if (!c.constraints.empty()) {
    lines.Comment("hpo constraints (combinations hpo skips); W&B has none and would run them:");
    for (const auto& [text, origin] : c.constraints) lines.Comment("  " + text);
  }
  return std::move(lines).Text();
}

std::string ToOptunaYaml(const SweepConfig& c) {
  Lines lines;
  Header(lines, c, "optuna");
  lines.Comment(
      "optuna.create_study(study_name, direction, sampler, pruner, storage), "
      "study.optimize(n_trials, timeout, n_jobs);");
  lines.Comment(
      "each searchable entry is trial.suggest_float(name, low, high, step=step, log=log), "
      "suggest_int or suggest_categorical");
  lines.Entry("study_name", Word(c.name));
  lines.Entry("direction", Word(c.objectives.maximize ? "maximize" : "minimize"));
  lines.Entry("n_trials", Whole(c.n_trials));
  lines.Entry("n_jobs", Whole(c.n_jobs));
  if (c.timeout != 0) lines.Entry("timeout", Number(c.timeout));
  if (!c.storage.empty()) lines.Entry("storage", Word(c.storage));
  lines.Entry("metric", Word(c.objectives.metric),
              "hpo: the trial result that is the objective's value");
  OptunaSampler(lines, c);
  if (c.pruner.method == "wandb_hyperband") {
    lines.Comment(
        fmt::format("hpo pruner: W&B's early_terminate {}; Optuna has no pruner with its "
                    "rules (bands of logged values), so none is written",
                    Emitted(FlowMap(BandFields(c)))));
  } else {
    lines.Entry("pruner", FlowMap(PrunerFields(c)),
                c.pruner.method == "none" ? "Optuna's NopPruner"
                                          : "hpo's steps are env steps as trials report them");
  }
  const std::vector<std::string> settings = UnwrittenSettings(c, "Optuna");
  if (!settings.empty())
    lines.Comment("hpo settings Optuna has no argument for: " + Join(settings, ", "));
  if (c.command.empty()) {
    lines.Comment(
        "hpo: trials run `hpo train` with the parameters as --override KEY=VALUE (no command:)");
  } else {
    lines.Section("command", "hpo: the trial program, which the objective would run");
    for (const std::string& word : c.command) lines.Item(Word(word));
  }
  if (!c.fixed.empty()) {
    lines.Section("fixed", "every trial's values (not searched)");
    for (const auto& [name, value] : c.fixed) lines.Entry(name, Val(value), "", 2);
  }
  const std::vector<std::vector<Value>> grid =
      c.sampler.method == "grid" ? GridValues(c) : std::vector<std::vector<Value>>{};
  lines.Section("searchable");
  for (size_t i = 0; i < c.parameters.size(); ++i) {
    const Converted p = OptunaParameter(
        c.parameters[i], grid.empty() || c.parameters[i].categorical ? nullptr : &grid[i]);
    lines.Entry(c.parameters[i].name, p.value,
                WithHpoOnlyMeaning(c.parameters[i], p.comment,
                                   "in Optuna, suggest it only on that branch of the objective"),
                2);
  }
  if (!c.constraints.empty()) {
    lines.Section("constraints",
                  "hpo: combinations to skip; Optuna has none (the objective would raise "
                  "optuna.TrialPruned)");
    for (const auto& [text, origin] : c.constraints) lines.Item(Word(text));
  }
  return std::move(lines).Text();
}

std::string ConvertSweepConfig(const SweepConfig& config, ConvertFormat format) {
  switch (format) {
    case ConvertFormat::kHpo:
      return ToHpoYaml(config);
    case ConvertFormat::kWandb:
      return ToWandbYaml(config);
    case ConvertFormat::kOptuna:
      return ToOptunaYaml(config);
  }
  return ToHpoYaml(config);
}

}  // namespace hpo::config
