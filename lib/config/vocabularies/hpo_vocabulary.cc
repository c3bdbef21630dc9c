// hpo's own vocabulary (docs/config.md), which also reads the spellings of the files it was
// specified from: W&B Sweeps (method, metric: {name, goal}, parameters with values / value /
// min / max / distribution, early_terminate, program / command), Protein/Metta (protein:,
// distribution / min / max / mean / scale, a sweep: wrapper, ${ss:...} values), CARBS leaves
// (space / min / max / search_center) and Optuna-style search-space files (searchable: with
// type / low / high / log / step / choices / prior, fixed:, constraints:, presets:). These
// share one reader because real files mix them (Metta writes W&B parameters beside protein:);
// the leaves only a tool writes are read by that tool's file (wandb_, protein_,
// carbs_vocabulary.cc).
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "lib/config/sweep_keys.h"
#include "lib/config/vocabularies/vocabulary.h"
#include "lib/config/yaml_source.h"
#include "lib/core/closest_word.h"
#include "lib/core/command_macros.h"
#include "lib/core/error.h"

namespace hpo::config {
namespace {

// Keys that make a mapping a parameter's specification rather than a group of parameters.
const std::set<std::string> kSpecKeys = {
    "distribution", "type",          "min",    "max",           "low", "high",  "mean",    "scale",
    "values",       "choices",       "value",  "prior",         "q",   "log",   "default", "step",
    "space",        "search_center", "is_int", "probabilities", "mu",  "sigma", "a",       "b",
    "when",         "clip_to_range"};

// Keys of the tools these files come from that do not change the search (listed as ignored).
const std::set<std::string> kOtherToolKeys = {
    "job",
    "image_uri",
    "apiVersion",
    "kind",                      // W&B
    "max_observations_to_load",  // Metta: observations to load from W&B
    "defaults",                  // Hydra's defaults list (Metta's configs)
    "test",
    "rollout_count",
    "resume",
    "evaluator",
    "generation"};  // Metta's CARBS sweeps

// A mapping that holds, at any depth, a mapping with a distribution: key (a Protein leaf).
bool HoldsProteinLeaf(const YAML::Node& v) {
  if (!v.IsMap()) return false;
  if (v["distribution"] && v["distribution"].IsScalar()) return true;
  for (const auto& p : v) {
    if (HoldsProteinLeaf(p.second)) return true;
  }
  return false;
}

class HpoReader {
 public:
  explicit HpoReader(SweepReading& r) : r_(r), c_(r.config()) {}

  void Read(const YAML::Node& root) {
    // The trial program decides how parameter names resolve, so read it first.
    for (const auto& pair : root) {
      const std::string key = r_.Key(pair.first);
      if (key == "command") r_.ReadCommand(pair.second, key);
    }
    for (const auto& pair : root) {
      if (r_.Key(pair.first) == "program") r_.SetProgram(pair.second);
    }
    r_.FinishCommand();  // before the parameters: with a program, names are the program's
    // A sweep: section inside a larger config (Metta's): the other sections are the program's.
    in_program_config_ = root["sweep"] && root["sweep"].IsMap();
    section_.reset(root);
    std::set<std::string> seen;
    for (const auto& pair : root) {
      const std::string key = r_.Key(pair.first);
      if (!seen.insert(key).second)
        r_.Fail(pair.first, fmt::format("'{}' appears twice", Echo(key)));
      ReadTopLevel(key, pair.first, pair.second);
    }
    FinishObjectives();
    // W&B's schema: metric.goal defaults to minimize (its config/schema.json). A word metric
    // (hpo's, Metta's) keeps hpo's default, maximize, the goal of a reward.
    if (wandb_metric_without_goal_ && !goal_given_) r_.SetGoal(false);
    // W&B refuses early termination without a metric to compare (run.py:311-312).
    if (root["early_terminate"] && !root["metric"] && !root["metrics"] &&
        !root["objective_metric"] && !root["objective"])
      r_.Fail(root["early_terminate"], "early_terminate needs a metric: to compare runs by");
  }

 private:
  // A top-level key: read by the key table (sweep_keys.inc) into its field, or here.
  void ReadTopLevel(const std::string& key, const YAML::Node& key_node, const YAML::Node& v) {
    if (const SweepKey* known = FindSweepKey(SweepSection::kTop, key)) {
      if (!ReadSweepKey(r_, *known, v, key)) ReadOwn(known->name, key, v);
    } else if (kOtherToolKeys.count(key)) {
      r_.Ignore(key);
    } else if (in_program_config_) {
      r_.Ignore(key + " (the program's config, beside sweep:)");
    } else if (HoldsProteinLeaf(v)) {
      // Protein's sweep config has no parameters: wrapper: every key but its settings is a
      // group or a leaf found by its distribution (Metta's configs/sweep/quick.yaml@85c376b read
      // by _params_from_puffer_sweep, metta/sweep/protein.py@85c376b:108-117)
      r_.config().notes.push_back(fmt::format(
          "{}: a parameter group without parameters: around it, as Protein reads it", key));
      ReadHpoParameter(r_, key, key_node, v);
    } else {
      r_.Fail(key_node,
              fmt::format("unknown key '{}' at the top level (did you mean '{}'?)", Echo(key),
                          ClosestWord(key, SweepKeyNames(SweepSection::kTop))));
    }
  }

  // The table's keys of kOwn reading: `name` is the canonical name, `key` as written.
  void ReadOwn(std::string_view name, const std::string& key, const YAML::Node& v) {
    if (name == "name") {
      if (!r_.KeepsDefaultIfUnresolved(v, key, fmt::format("the name '{}'", c_.name)))
        c_.name = r_.Text(v, key);
    } else if (name == "metric") {
      if (!metric_key_.empty())  // metric: beside objective: (two names of one key)
        r_.Fail(v, fmt::format("give the metric once: {} repeats {}", key, metric_key_));
      metric_key_ = key;
      if (key == "objective_metric")
        r_.SetMetric(v, key);
      else if (v.IsSequence())  // Optuna scripts: metric: [a, b] with directions:
        ReadMetricList(v, key);
      else
        ReadMetric(v);
    } else if (name == "metric_name") {
      c_.objectives.label = r_.Text(v, key);
      c_.metric_name_origin = r_.At(v);
    } else if (name == "metrics" && key == "directions") {
      goal_given_ = true;
      directions_ = r_.Goals(v, key);
      directions_node_ = v;
    } else if (name == "metrics") {
      ReadMetricList(v, key);
    } else if (name == "goal") {
      goal_given_ = true;
      r_.SetGoal(v, key);
    } else if (name == "method" || (name == "sampler" && !v.IsMap())) {
      r_.SetMethod(v, key);
    } else if (name == "sampler" || name == "protein" || name == "tpe" || name == "pbt") {
      r_.Map(v, key);
      r_.ReadSamplerSettings(v, key);
    } else if (name == "seed") {
      if (!r_.KeepsDefaultIfUnresolved(v, key, fmt::format("the sweep's seed {}", c_.seed)))
        c_.seed = static_cast<uint64_t>(r_.Integer(v, key, 0));
    } else {
      ReadOwnSection(name, v);
    }
  }

  void ReadOwnSection(std::string_view name, const YAML::Node& v) {
    const std::string key(name);
    if (name == "pruner") {
      r_.ReadPruner(v);
    } else if (name == "early_terminate") {
      r_.ReadEarlyTerminate(v);
    } else if (name == "enqueue") {
      ReadEnqueue(v);
    } else if (name == "hooks") {
      ReadHooks(v);
    } else if (name == "fixed") {
      r_.Map(v, key);
      ReadFixed(v, "");
    } else if (name == "parameters") {
      r_.Map(v, key);
      ReadHpoParameters(r_, v, "");
    } else if (name == "sweep") {
      ReadSweepWrapper(v);
    } else if (name == "constraints") {
      if (!v.IsSequence()) r_.Fail(v, "constraints must be a list of expressions");
      for (const YAML::Node& item : v)
        c_.constraints.emplace_back(r_.Text(item, "a constraint"), r_.At(item));
    } else if (name == "controller") {
      CheckWandbController(r_, v);
    } else if (name == "scheduler") {
      CheckWandbScheduler(r_, section_);
    }
    // command and program are read before the rest, presets by LoadSweepConfig
  }

  void ReadEnqueue(const YAML::Node& v) {
    if (!v.IsSequence()) r_.Fail(v, "enqueue must be a list of mappings of parameter: value");
    for (const YAML::Node& item : v) {
      if (!item.IsMap() || item.size() == 0)
        r_.Fail(item, "each enqueue entry is a mapping of parameter: value");
      std::vector<GivenValue> entry;
      for (const auto& p : item)
        entry.push_back(
            {r_.Key(p.first), ValueFromYaml(p.second, r_.At(p.second)), r_.At(p.second).where});
      c_.enqueue.push_back(std::move(entry));
    }
  }

  // hooks: {on_trial_end: [notify, "${trial_json}"], timeout: 30s}. A hook is one argv list,
  // one command line (split as a shell would, never run by one), or a list of either.
  void ReadHooks(const YAML::Node& v) {
    r_.Map(v, "hooks");
    for (const auto& p : v) {
      const std::string k = r_.Key(p.first);
      const std::string path = "hooks." + k;
      HookSettings& h = c_.hooks;
      auto* commands = k == "on_sweep_start" || k == "on_hpo_start" ? &h.on_sweep_start
                       : k == "on_trial_start"                      ? &h.on_trial_start
                       : k == "on_trial_end"                        ? &h.on_trial_end
                       : k == "on_sweep_end" || k == "on_hpo_end"   ? &h.on_sweep_end
                       : k == "on_exploit"                          ? &h.on_exploit
                                                                    : nullptr;
      if (k == "timeout") {
        h.timeout = r_.Seconds(p.second, path);
        if (h.timeout <= 0) r_.Fail(p.second, "hooks.timeout must be more than 0 seconds");
      } else if (!commands) {
        r_.Fail(
            p.first,
            fmt::format("unknown key '{}' (known: on_sweep_start, on_trial_start, on_trial_end, "
                        "on_sweep_end, on_exploit, timeout)",
                        Echo(path)));
      } else {
        const std::string hook = commands == &h.on_sweep_start ? "on_sweep_start"
                                 : commands == &h.on_sweep_end ? "on_sweep_end"
                                                               : k;
        const bool several =
            p.second.IsSequence() && p.second.size() > 0 && p.second[0].IsSequence();
        if (several) {
          for (const YAML::Node& one : p.second) commands->push_back(HookCommand(one, path, hook));
        } else {
          commands->push_back(HookCommand(p.second, path, hook));
        }
      }
    }
  }

  std::vector<std::string> HookCommand(const YAML::Node& v, const std::string& path,
                                       const std::string& hook) {
    const std::vector<std::string> known = HookSettings::Macros(hook);
    const auto check = [&](const std::string& word, const YAML::Node& at) {
      const auto unknown = UnknownMacro(word, known);
      if (!unknown) return;
      std::string list;
      for (const std::string& name : known)
        list += (list.empty() ? "" : ", ") + ("${" + name + "}");
      r_.Fail(at, fmt::format("{}: unknown macro '{}' (known here: {}, ${{envvar:NAME}})", path,
                              Echo(*unknown), list));
    };
    std::vector<std::string> words;
    if (v.IsScalar()) {
      try {
        words = SplitCommandLine(v.Scalar());
      } catch (const UserError& e) {
        r_.Fail(v, fmt::format("{}: {}", path, e.what()));
      }
      for (const std::string& word : words) check(word, v);
    } else if (v.IsSequence()) {
      for (const YAML::Node& word : v) {
        if (!word.IsScalar())
          r_.Fail(word, path + " must be a list of words, or a list of such lists");
        check(word.Scalar(), word);
        words.push_back(word.Scalar());
      }
    } else {
      r_.Fail(v, path + " must be a list of words: [program, arg, \"${trial_json}\"]");
    }
    if (words.empty()) r_.Fail(v, path + " is empty");
    return words;
  }

  void ReadMetric(const YAML::Node& v) {
    if (!v.IsMap()) {
      r_.SetMetric(v, "metric");
      if (c_.objectives.metric.rfind('{', 0) == 0) {  // W&B: metric must be a mapping, not its text
        r_.Fail(v, fmt::format("metric '{}' is a mapping written as a string; write it without "
                               "quotes: metric: {{name: ..., goal: ...}}",
                               Echo(c_.objectives.metric)));
      }
      return;
    }
    wandb_metric_without_goal_ = !v["goal"];
    for (const auto& p : v) {
      const std::string k = r_.Key(p.first);
      if (k == "name")
        r_.SetMetric(p.second, "metric.name");
      else if (k == "goal")
        r_.SetGoal(p.second, "metric.goal");
      else if (k == "target")
        c_.target = r_.Number(p.second, "metric.target");
      else if (k == "impute" || k == "impute_while_running")
        r_.Ignore("metric." + k);
      else
        r_.Fail(p.first,
                fmt::format("unknown key 'metric.{}' (known: name, goal, target)", Echo(k)));
    }
  }

  // metrics: [{name: a, goal: maximize}, {name: b, goal: minimize}], or a list of names whose
  // goals come from directions: (or goal:). One entry is an ordinary metric.
  void ReadMetricList(const YAML::Node& v, const std::string& key) {
    if (!v.IsSequence() || v.size() == 0)
      r_.Fail(v, key + " must be a list of {name, goal} entries or of metric names");
    if (!listed_.empty())
      r_.Fail(v, fmt::format("give the objectives once: {} repeats {}", key, listed_key_));
    listed_key_ = key;
    listed_node_ = v;
    for (size_t i = 0; i < v.size(); ++i) {
      const YAML::Node item = v[i];
      const std::string path = fmt::format("{}[{}]", key, i);
      Listed entry;
      if (item.IsScalar()) {
        entry.name = r_.Text(item, path);
      } else {
        r_.Map(item, path);
        for (const auto& p : item) {
          const std::string k = r_.Key(p.first);
          if (k == "name")
            entry.name = r_.Text(p.second, path + ".name");
          else if (k == "goal" || k == "direction")
            entry.goal = IsMaximize(p.second, path + "." + k);
          else
            r_.Fail(p.first, fmt::format("unknown key '{}.{}' (known: name, goal)", path, Echo(k)));
        }
        if (entry.name.empty()) r_.Fail(item, path + " needs a name");
      }
      entry.node = item;
      listed_.push_back(entry);
    }
  }

  bool IsMaximize(const YAML::Node& v, const std::string& path) const {
    const std::string goal = r_.Text(v, path);
    if (goal != "maximize" && goal != "minimize")
      r_.Fail(v, fmt::format("{} must be maximize or minimize, got '{}'", path, Echo(goal)));
    return goal == "maximize";
  }

  // Pairs the listed metrics with directions: (Optuna's spelling), or directions: alone with
  // one goal per objective when the names come from elsewhere.
  void FinishObjectives() {
    if (listed_.empty()) {
      if (directions_.size() > 1) {
        r_.Fail(directions_node_, fmt::format("directions lists {} goals; name the objectives in "
                                              "metrics: [...] (one name per goal)",
                                              directions_.size()));
      }
      if (directions_.size() == 1) r_.SetGoal(directions_node_[0], "directions[0]");
      return;
    }
    if (!directions_.empty() && directions_.size() != listed_.size()) {
      r_.Fail(directions_node_, fmt::format("directions lists {} goals for the {} objectives of {}",
                                            directions_.size(), listed_.size(), listed_key_));
    }
    std::vector<Objective> objectives;
    for (size_t i = 0; i < listed_.size(); ++i) {
      const Listed& e = listed_[i];
      std::optional<bool> goal = e.goal;
      if (!directions_.empty()) {
        if (goal && *goal != directions_[i])
          r_.Fail(e.node, fmt::format("the goal of '{}' contradicts directions[{}]", e.name, i));
        goal = directions_[i];
      }
      if (!goal && listed_.size() > 1)
        r_.Fail(e.node,
                fmt::format("objective '{}' needs a goal (maximize or minimize)", Echo(e.name)));
      objectives.push_back({e.name, goal.value_or(c_.objectives.maximize)});
    }
    r_.SetObjectives(objectives, listed_node_);
  }

  // Metta and PufferLib wrap the W&B sweep in `sweep:`; Metta's older files put the parameters
  // directly under it, beside the sweep's own keys.
  void ReadSweepWrapper(const YAML::Node& v) {
    r_.Map(v, "sweep");
    section_.reset(v);
    for (const auto& p : v) {
      const std::string key = r_.Key(p.first);
      if (FindSweepKey(SweepSection::kTop, key) || kOtherToolKeys.count(key)) {
        ReadTopLevel(key, p.first, p.second);
      } else {
        ReadHpoParameter(r_, key, p.first, p.second);  // a leaf found by its distribution: key
      }
    }
  }

  void ReadFixed(const YAML::Node& map, const std::string& prefix) {
    for (const auto& p : map) {
      const std::string path = prefix + r_.Key(p.first);
      if (p.second.IsMap()) {
        ReadFixed(p.second, path + ".");
        continue;
      }
      r_.SetFixed(path, p.first, ValueFromYaml(p.second, r_.At(p.second)), r_.At(p.second));
    }
  }

  struct Listed {  // an entry of metrics: as written
    std::string name;
    std::optional<bool> goal;
    YAML::Node node;
  };
  std::vector<Listed> listed_;
  std::string listed_key_;
  std::string metric_key_;  // the spelling that gave the metric (metric, objective, ...)
  YAML::Node listed_node_, directions_node_;
  std::vector<bool> directions_;
  SweepReading& r_;
  SweepConfig& c_;
  YAML::Node section_;  // the mapping whose keys ReadTopLevel reads: the file, or its sweep:
  bool in_program_config_ = false;          // the file is a program's config with a sweep: section
  bool wandb_metric_without_goal_ = false;  // metric: {name: ...} (W&B's form) without goal:
  bool goal_given_ = false;                 // goal:, direction: or directions: at the top
};

// ----- one parameter ---------------------------------------------------------------------------

// Optuna's `type: int` / `type: float` with `step` and `log`, checked and resolved as Optuna's
// IntDistribution and FloatDistribution do (optuna/distributions.py): a step and a log axis
// exclude each other, the step must be > 0, int bounds and step are truncated to integers, and
// a range the step does not divide loses its top (high becomes the last value on the grid).
void ResolveOptunaStep(SweepReading& r, const std::string& path, const YAML::Node& v,
                       std::string& kind, double& min, double& max, bool log,
                       std::optional<double>& q) {
  const bool integer = kind == "int";
  const YAML::Node& at = v["step"] ? v["step"] : v;
  if (log && q && (!integer || *q != 1)) {
    r.Fail(at,
           fmt::format("{}: a step and log: true exclude each other (as in Optuna)", Echo(path)));
  }
  if (min > max) {
    r.Fail(v, fmt::format("{}: low {} is greater than high {}", Echo(path), FormatDouble(min),
                          FormatDouble(max)));
  }
  if (q && !(*q > 0)) r.Fail(at, fmt::format("{}: step must be > 0, got {}", Echo(path), *q));
  if (integer) {
    min = std::trunc(min);
    max = std::trunc(max);
    if (q) q = std::trunc(*q);
    if (q && *q < 1) r.Fail(at, fmt::format("{}: an int step must be >= 1", Echo(path)));
    kind = log ? "int_loguniform" : "int_uniform";
  } else {
    kind = log ? "loguniform" : (q ? "discrete_uniform" : "uniform");
  }
  if (q && max > min) {
    // The number of whole steps in the range, robust to the binary error of decimal steps
    // (Optuna computes it in decimal: 0..1 by 0.1 keeps 1.0).
    const double steps = std::floor((max - min) / *q * (1 + 1e-12));
    // 15 significant digits: 0 + 3 x 0.3 is 0.9, as Optuna's decimal arithmetic has it
    const double top = std::stod(fmt::format("{:.15g}", min + steps * *q));
    if (std::fabs(top - max) > 1e-12 * std::max(1.0, std::fabs(max))) {
      r.config().notes.push_back(
          fmt::format("{}: high {} lowered to {}, the last value on the step grid (as Optuna)",
                      path, FormatDouble(max), FormatDouble(top)));
      max = top;
    }
  }
}

// W&B's distributions that name a range: its schema refuses min >= max (config/schema.py:109).
bool IsWandbRange(const std::string& kind) {
  static const std::set<std::string> kRanges = {"",
                                                "uniform",
                                                "int_uniform",
                                                "q_uniform",
                                                "log_uniform_values",
                                                "inv_log_uniform_values",
                                                "q_log_uniform_values"};
  return kRanges.count(kind) > 0;
}

// A numeric spec's distribution name in any vocabulary -> hpo's, with the bounds it implies.
void AddNumericSpec(SweepReading& r, const std::string& path, const YAML::Node& key_node,
                    const YAML::Node& v, std::string kind, double min, double max, bool log,
                    std::optional<double> mean, std::optional<std::string> scale,
                    std::optional<double> q) {
  const bool integer_bounds = v["min"] && v["max"] &&
                              ValueFromYaml(v["min"], r.At(v["min"])).is_int() &&
                              ValueFromYaml(v["max"], r.At(v["max"])).is_int();
  const bool optuna_style = kind == "int" || kind == "float";
  if (IsWandbRange(kind) && min == max &&
      !(kind == "int_uniform" || (kind.empty() && integer_bounds))) {
    r.Fail(key_node,
           fmt::format("{}: min and max are both {}: a range needs min < max (as W&B); write a "
                       "fixed value instead (value: {})",
                       Echo(path), FormatDouble(min), FormatDouble(min)));
  }
  if (kind.empty() && q) {
    r.Fail(v, fmt::format("{}: q needs a distribution (q_uniform or q_log_uniform_values), as in "
                          "W&B",
                          Echo(path)));
  }
  if (kind.empty()) {
    kind = integer_bounds ? "int_uniform" : "uniform";  // W&B: two integers make int_uniform
  } else if (optuna_style) {
    ResolveOptunaStep(r, path, v, kind, min, max, log, q);
  } else if (WandbLogDistribution(r, path, v, kind, min, max)) {
    kind = "loguniform";
  } else if (kind == "int_log_uniform") {
    kind = "int_loguniform";
  }
  if (kind == "uniform_pow2") ReadPow2Bounds(r, path, v, min, max, mean);
  r.AddNumeric(path, key_node, kind, min, max, mean, std::move(scale), q.value_or(1.0),
               optuna_style);
}

// W&B's categorical_w_probabilities (config/schema.py:116-128 and schema.json): one probability
// >= 0 per value, summing to 1 (numpy's isclose). A value of probability 0 is never drawn, so it
// is left out of the search.
void AddWeightedCategorical(SweepReading& r, const std::string& path, const YAML::Node& key_node,
                            const std::string& kind, const YAML::Node& values,
                            const YAML::Node& probabilities) {
  if (!kind.empty() && kind != "categorical_w_probabilities") {
    r.Fail(probabilities, fmt::format("{}: probabilities go with distribution "
                                      "categorical_w_probabilities (or none), not '{}' (as in W&B)",
                                      Echo(path), Echo(kind)));
  }
  const std::vector<Value> all = r.Values(values, path + ".values");
  if (all.size() != probabilities.size()) {
    r.Fail(probabilities, fmt::format("{}: {} values and {} probabilities are not the same length",
                                      Echo(path), all.size(), probabilities.size()));
  }
  std::vector<Value> choices;
  std::vector<double> weights;
  double sum = 0;
  for (size_t i = 0; i < all.size(); ++i) {
    const double p = r.Number(probabilities[i], fmt::format("{}.probabilities[{}]", path, i));
    if (p < 0) {
      r.Fail(probabilities[i],
             fmt::format("{}: a probability must be >= 0, got {}", Echo(path), FormatDouble(p)));
    }
    sum += p;
    if (p == 0) {
      r.config().notes.push_back(
          fmt::format("{}: value {} has probability 0: never drawn (as in "
                      "W&B)",
                      path, all[i].ToYaml()));
      continue;
    }
    choices.push_back(all[i]);
    weights.push_back(p);
  }
  if (!(std::fabs(sum - 1) <= 1e-8 + 1e-5)) {  // np.isclose(sum, 1.0): atol 1e-8, rtol 1e-5
    r.Fail(probabilities,
           fmt::format("{}: the probabilities sum to {}, not 1 (as W&B asks)", Echo(path), sum));
  }
  r.AddCategorical(path, key_node, std::move(choices), std::nullopt, std::move(weights));
}

// The keys of one parameter's mapping, each read and checked on its own.
struct SpecKeys {
  std::string kind;
  std::optional<double> min, max, mean, q, mu, sigma, a, b;
  std::optional<std::string> scale;
  std::optional<Value> prior;
  bool log = false;
  bool clip = false;   // clip_to_range (NNI's q kinds, as hpo stores them)
  bool floor = false;  // floor_to_q (Polyaxon's q kinds, as hpo stores them)
  std::optional<YAML::Node> values, constant, probabilities;
};

SpecKeys ReadSpecKeys(SweepReading& r, const std::string& path, const YAML::Node& v) {
  SpecKeys keys;
  auto& [kind, min, max, mean, q, mu, sigma, a, b, scale, prior, log, clip, floor, values, constant,
         probabilities] = keys;
  for (const auto& p : v) {
    const std::string k = r.Key(p.first);
    const std::string kpath = path + "." + k;
    const YAML::Node& x = p.second;
    auto once = [&](bool already) {
      if (already) r.Fail(p.first, fmt::format("{} sets the same thing twice", Echo(kpath)));
    };
    if (k == "distribution" || k == "type") {
      once(!kind.empty());
      kind = r.Kind(x, kpath);
    } else if (k == "min" || k == "low") {
      once(min.has_value());
      min = r.Number(x, kpath);
    } else if (k == "max" || k == "high") {
      once(max.has_value());
      max = r.Number(x, kpath);
    } else if (k == "mean" || k == "prior" || k == "default") {
      prior = ValueFromYaml(x, r.At(x));
      if (prior->is_number() && !x.IsSequence()) mean = r.Number(x, kpath);
    } else if (k == "scale") {
      scale = r.Text(x, kpath);
    } else if (k == "values" || k == "choices") {
      once(values.has_value());
      if (!x.IsSequence()) r.Fail(x, fmt::format("{} must be a list", Echo(kpath)));
      values = x;
    } else if (k == "value") {
      constant = x;
    } else if (((k == "q" || k == "step" || k == "log") && x.IsNull()) || k == "when") {
      // Optuna's JSON form writes `step: null` (no step) and `log: null` is as good as absent;
      // `when` is ReadSpec's
    } else if (k == "q" || k == "step") {
      q = r.Number(x, kpath);
    } else if (k == "log") {
      log = r.Bool(x, kpath);
    } else if (k == "clip_to_range") {
      clip = r.Bool(x, kpath);
    } else if (k == "floor_to_q") {
      floor = r.Bool(x, kpath);
    } else if (k == "mu") {
      mu = r.Number(x, kpath);
    } else if (k == "sigma") {
      sigma = r.Number(x, kpath);
    } else if (k == "a" || k == "b") {  // W&B's beta shape
      (k == "a" ? a : b) = r.Number(x, kpath);
    } else if (k == "probabilities") {
      if (!x.IsSequence()) r.Fail(x, fmt::format("{} must be a list", Echo(kpath)));
      probabilities = x;
    } else {
      r.Fail(p.first,
             fmt::format(
                 "unknown key '{}' in a parameter (known: distribution/type, min/low, max/high, "
                 "mean/prior, scale, values/choices, value, q/step, log, mu, sigma, a, b, when, "
                 "clip_to_range, floor_to_q)",
                 Echo(kpath)));
    }
  }
  return keys;
}

// ConfigSpace's normal_float, in hpo's words: {distribution: truncated_normal, mu, sigma, min,
// max}.
void AddTruncatedNormalSpec(SweepReading& r, const std::string& path, const YAML::Node& key_node,
                            const YAML::Node& v, const SpecKeys& k) {
  if (!k.mu || !k.sigma || !k.min || !k.max)
    r.Fail(v, fmt::format("{}: truncated_normal needs mu, sigma, min and max", Echo(path)));
  if (k.mean || k.scale || k.q || k.log || k.clip || k.floor || k.a || k.b || k.values ||
      k.probabilities || k.constant)
    r.Fail(v, fmt::format("{}: truncated_normal takes mu, sigma, min and max only (its centre is "
                          "mu)",
                          Echo(path)));
  r.AddTruncatedNormal(path, key_node, *k.mu, *k.sigma, *k.min, *k.max);
}

void ReadSpecWithoutCondition(SweepReading& r, const std::string& path, const YAML::Node& key_node,
                              const YAML::Node& v) {
  if (v["space"]) return AddCarbsSpec(r, path, key_node, v);
  const SpecKeys keys = ReadSpecKeys(r, path, v);
  const auto& [kind, min, max, mean, q, mu, sigma, a, b, scale, prior, log, clip, floor, values,
               constant, probabilities] = keys;
  if (kind == "truncated_normal") return AddTruncatedNormalSpec(r, path, key_node, v, keys);
  if (floor && (constant || values || kind.rfind("q_", 0) != 0))
    r.Fail(v, fmt::format("{}: floor_to_q goes with q_uniform, q_log_uniform_values, q_normal or "
                          "q_log_normal",
                          Echo(path)));
  if (constant) {  // W&B's constant parameter: null and mappings are passed as written
    return r.SetFixed(path, key_node, ValueFromYaml(*constant, r.At(*constant)), r.At(*constant));
  }
  if (probabilities || kind == "categorical_w_probabilities") {
    if (!values || !probabilities) {
      r.Fail(v, fmt::format("{}: W&B's weighted categorical needs values and probabilities",
                            Echo(path)));
    }
    return AddWeightedCategorical(r, path, key_node, kind, *values, *probabilities);
  }
  if (values) {
    if (!kind.empty() && kind != "categorical" && kind != "choice") {
      r.Fail(v,
             fmt::format(
                 "{}: values/choices make a categorical parameter, but the distribution says '{}'",
                 Echo(path), Echo(kind)));
    }
    std::vector<Value> choices = r.Values(*values, path + ".values");
    if (choices.empty())
      r.Fail(*values,
             fmt::format("{}.values is empty: a parameter needs at least one choice", Echo(path)));
    return r.AddCategorical(path, key_node, std::move(choices), prior);
  }
  if (kind == "categorical" || kind == "choice")
    r.Fail(v, fmt::format("{}: a categorical parameter needs values (or choices)", Echo(path)));
  // W&B's normal family: mu and sigma (defaults 0 and 1), unbounded; log_normal with min and
  // max is Protein's bounded one instead.
  const bool wandb_normal = kind == "normal" || kind == "q_normal" || kind == "q_log_normal" ||
                            (kind == "log_normal" && !(min && max));
  if (wandb_normal && !min && !max) {
    r.AddNormal(path, key_node, kind, mu.value_or(0.0), sigma.value_or(1.0), q.value_or(1.0));
    if (floor) r.FloorToQ(path);
    return;
  }
  if (kind == "beta" || kind == "q_beta") {  // W&B's, on [0, 1]: a and b default to 1
    if (min || max)
      r.Fail(v, fmt::format("{}: W&B's {} lies on [0, 1] and takes a and b, not min and max",
                            Echo(path), kind));
    return r.AddBeta(path, key_node, kind, a.value_or(1.0), b.value_or(1.0), q.value_or(1.0));
  }
  if (a || b) {
    r.Fail(v, fmt::format("{}: a and b go with W&B's beta or q_beta", Echo(path)));
  }
  if (mu || sigma) {
    r.Fail(v, fmt::format("{}: mu and sigma go with W&B's normal, q_normal, log_normal or "
                          "q_log_normal (without min and max)",
                          Echo(path)));
  }
  if (kind == "normal" || kind == "q_normal") {  // bounded: neither W&B's nor a Protein space
    r.Fail(v, fmt::format(
                  "{}: '{}' with min and max is no W&B or Protein distribution; for a linear range "
                  "searched around "
                  "a centre write distribution: uniform with mean: (or log_normal for a log axis); "
                  "Protein refuses it too (metta/sweep/protein.py@85c376b:137, PufferLib's "
                  "sweep.py: 'Invalid distribution: {}')",
                  Echo(path), Echo(kind), Echo(kind)));
  }
  if (!min || !max)
    r.Fail(v,
           fmt::format("{}: a numeric parameter needs min and max (or low and high)", Echo(path)));
  AddNumericSpec(r, path, key_node, v, kind, *min, *max, log, mean, scale, q);
  if (clip) r.ClipToRange(path);
  if (floor) r.FloorToQ(path);
}

// `when: {PARENT: {gt: A, lt: B}}` (either or both): active while the numeric PARENT is above A
// and below B, strictly, as ConfigSpace's GT and LT conditions.
void ReadRangeWhen(SweepReading& r, const std::string& path, const YAML::Node& range,
                   ParameterCondition& condition) {
  const std::string at = path + ".when." + condition.parent;
  for (const auto& p : range) {
    const std::string key = r.Key(p.first);
    if (key != "gt" && key != "lt")
      r.Fail(p.first, fmt::format("{}: a comparison is gt: NUMBER and/or lt: NUMBER, not '{}'",
                                  Echo(at), Echo(key)));
    std::string key_path = at;
    key_path.append(".").append(key);
    (key == "gt" ? condition.above : condition.below) = r.Number(p.second, key_path);
  }
  if (!condition.is_range())
    r.Fail(range,
           fmt::format("{} compares with nothing: write gt: NUMBER and/or lt: NUMBER", Echo(at)));
}

// `when: {PARENT: VALUE}`, `when: {PARENT: [VALUES]}` or `when: {PARENT: {gt: A, lt: B}}`:
// searched only while PARENT (another searched parameter, by its name in this file) takes one
// of the values, or lies in the range.
ParameterCondition ReadWhen(SweepReading& r, const std::string& path, const YAML::Node& when) {
  if (!when.IsMap() || when.size() != 1) {
    r.Fail(when, fmt::format("{}.when must be one PARENT: VALUE, PARENT: [VALUES] or PARENT: "
                             "{{gt: A, lt: B}} entry, e.g. when: {{optimizer: sgd}}",
                             Echo(path)));
  }
  const auto entry = *when.begin();
  const std::string parent = r.Key(entry.first);
  ParameterCondition condition{parent, {}, r.At(when)};
  if (entry.second.IsMap()) {
    ReadRangeWhen(r, path, entry.second, condition);
  } else if (entry.second.IsSequence()) {
    condition.values = r.Values(entry.second, path + ".when." + parent);
  } else {
    condition.values.push_back(ValueFromYaml(entry.second, r.At(entry.second)));
  }
  if (!condition.is_range() && condition.values.empty())
    r.Fail(entry.second, fmt::format("{}.when.{} lists no value", Echo(path), Echo(parent)));
  return condition;
}

void ReadSpec(SweepReading& r, const std::string& path, const YAML::Node& key_node,
              const YAML::Node& v) {
  ReadSpecWithoutCondition(r, path, key_node, v);
  if (const YAML::Node when = v["when"]) r.SetCondition(path, ReadWhen(r, path, when));
}

}  // namespace

namespace {

// Metta's programmatic config writes the objective inside the parameters (metric: reward and
// goal: maximize beside the spaces), where PufferLib's Protein reads it from the config it is
// given: both, as plain words, are the sweep's metric and goal there.
bool ReadsObjectiveInParameters(SweepReading& r, const YAML::Node& map) {
  const YAML::Node metric = map["metric"], goal = map["goal"];
  if (!metric || !goal || !metric.IsScalar() || !goal.IsScalar()) return false;
  const std::string direction = LowerCase(goal.Scalar());
  if (direction != "maximize" && direction != "minimize") return false;
  r.SetMetric(metric, "parameters.metric");
  r.SetGoal(goal, "parameters.goal");
  r.config().notes.push_back(
      "metric and goal under parameters: are the sweep's objective (Metta's programmatic "
      "config, as Protein reads it)");
  return true;
}

}  // namespace

void ReadHpoParameters(SweepReading& r, const YAML::Node& map, const std::string& prefix) {
  if (prefix.empty() && WritesPow2Exponents(map)) r.pow2_bounds_are_exponents = true;
  const bool objective_here = prefix.empty() && ReadsObjectiveInParameters(r, map);
  std::set<std::string> seen;
  for (const auto& p : map) {
    const std::string key = r.Key(p.first);
    if (!seen.insert(key).second)
      r.Fail(p.first, fmt::format("duplicate parameter '{}{}'", Echo(prefix), Echo(key)));
    if (objective_here && (key == "metric" || key == "goal")) continue;
    ReadHpoParameter(r, prefix + key, p.first, p.second);
  }
}

void ReadHpoParameter(SweepReading& r, const std::string& path, const YAML::Node& key_node,
                      const YAML::Node& v) {
  if (ReadSsResolver(r, path, key_node, v)) return;
  if (!v.IsMap()) {  // a bare value: fixed
    if (v.IsNull()) return r.Ignore(path + " (null)");
    return r.SetFixed(path, key_node, ValueFromYaml(v, r.At(v)), r.At(v));
  }
  if (v.size() == 1 && v["parameters"] && v["parameters"].IsMap()) {  // W&B's nested group
    return ReadHpoParameters(r, v["parameters"], path + ".");
  }
  if (v.size() == 1 && v["grid_search"] && v["grid_search"].IsSequence()) {  // Ray Tune's, inline
    return r.AddCategorical(path, key_node, r.Values(v["grid_search"], path + ".grid_search"));
  }
  // A spec has a spec key with a plain value; {scale: {min, max}, lr0: {...}} is a group that
  // holds a parameter named scale (yolov5's), and {value: {...}} a W&B mapping constant.
  bool spec = v.size() == 1 && v["value"];
  for (const auto& q : v) spec |= kSpecKeys.count(r.Key(q.first)) > 0 && !q.second.IsMap();
  if (spec) {
    ReadSpec(r, path, key_node, v);
  } else {
    ReadHpoParameters(r, v, path + ".");
  }
}

namespace {

// Marks of the tools whose spellings the hpo reader reads, found anywhere in a file.
void FindSpellings(const YAML::Node& root, std::set<std::string>& found) {
  static const std::set<std::string> kWandbKinds = {"log_uniform_values",
                                                    "inv_log_uniform_values",
                                                    "log_uniform",
                                                    "inv_log_uniform",
                                                    "q_uniform",
                                                    "q_log_uniform_values",
                                                    "normal",
                                                    "q_normal",
                                                    "q_log_normal",
                                                    "constant"};
  static const std::set<std::string> kProteinKinds = {"log_normal", "logit_normal", "uniform_pow2"};
  ForEachNode(root, [&found](const YAML::Node& node) {
    if (node.IsScalar() && node.Scalar().rfind("${ss:", 0) == 0) found.insert("Protein/Metta");
    if (!node.IsMap()) return;
    for (const auto& pair : node) {
      if (!pair.first.IsScalar()) continue;
      const std::string& key = pair.first.Scalar();
      const std::string value = pair.second.IsScalar() ? LowerCase(pair.second.Scalar()) : "";
      if (key == "program" || key == "run_cap" || key == "early_terminate" || key == "value")
        found.insert("W&B");
      if ((key == "distribution" || key == "type") && kWandbKinds.count(value)) found.insert("W&B");
      if ((key == "distribution" || key == "type") && kProteinKinds.count(value))
        found.insert("Protein/Metta");
      if (key == "protein") found.insert("Protein/Metta");
      if (key == "space" || key == "search_center") found.insert("CARBS");
      if (key == "searchable" || key == "low" || key == "high") found.insert("Optuna-style");
    }
  });
}

}  // namespace

std::string HpoVocabularyName(const YAML::Node& root) {
  std::set<std::string> found;
  FindSpellings(root, found);
  std::string names;
  for (const char* tool : {"W&B", "Protein/Metta", "CARBS", "Optuna-style"}) {
    if (found.count(tool)) names += (names.empty() ? "" : ", ") + std::string(tool);
  }
  return names.empty() ? "hpo" : "hpo, with " + names + " spellings";
}

// Protein's YAML files and CARBS's are Metta's (PufferLib's Protein files are INI): its sweep
// files are the Hydra config group sweep/, composed by Hydra (configs/sweep_job.yaml:4 at
// 491d7318; tools/sweep_init.py:29 calling hydra.compose, metta/util/config.py:78, at 205789ed;
// CARBS's: configs/config.yaml:17 at 41f60f48), so loaded by OmegaConf.
YamlLoader HpoVocabularyLoader(const YAML::Node& root) {
  std::set<std::string> found;
  FindSpellings(root, found);
  return found.count("Protein/Metta") || found.count("CARBS") ? YamlLoader::kOmegaConf
                                                              : YamlLoader::kYaml12;
}

bool MatchesHpo(const YAML::Node& root) { return root.IsMap(); }

void ReadHpo(SweepReading& reading, const YAML::Node& root) { HpoReader(reading).Read(root); }

}  // namespace hpo::config
