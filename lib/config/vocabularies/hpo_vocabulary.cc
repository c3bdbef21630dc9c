// hpo's own vocabulary (docs/config.md), which also reads the spellings of the files it was
// specified from: W&B Sweeps (method, metric: {name, goal}, parameters with values / value /
// min / max / distribution, early_terminate, program / command), Protein/Metta (protein:,
// distribution / min / max / mean / scale, a sweep: wrapper, ${ss:...} values), CARBS leaves
// (space / min / max / search_center) and Optuna-style search-space files (searchable: with
// type / low / high / log / step / choices / prior, fixed:, constraints:, presets:). These
// share one reader because real files mix them (Metta writes W&B parameters beside protein:).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "lib/config/vocabularies/vocabulary.h"
#include "lib/config/yaml_source.h"
#include "lib/core/closest_word.h"

namespace hpo::config {
namespace {

// Keys that make a mapping a parameter's specification rather than a group of parameters.
const std::set<std::string> kSpecKeys = {"distribution", "type", "min", "max", "low", "high", "mean", "scale",
                                         "values", "choices", "value", "prior", "q", "log", "default", "step",
                                         "space", "search_center", "is_int", "probabilities", "mu", "sigma"};

const std::vector<std::string> kTopLevelKeys = {
    "name", "study_name", "description", "search_space_id", "project", "entity", "metric", "objective_metric",
    "goal", "direction", "method", "sampler", "protein", "tpe", "pruner", "early_terminate", "n_startup_trials",
    "n_warmup_steps", "n_trials", "max_trials", "run_cap", "timeout", "timeout_per_trial", "n_jobs",
    "n_parallel_trials", "storage", "seed", "max_retries", "heartbeat_timeout", "grid_points", "command", "program",
    "fixed", "parameters", "searchable", "constraints", "presets", "applied_preset", "sweep", "num_random_samples"};

// Keys of the tools these files come from that do not change the search (listed as ignored).
const std::set<std::string> kOtherToolKeys = {
    "controller", "job", "image_uri", "apiVersion", "kind",  // W&B
    "max_observations_to_load",                              // Metta: observations to load from W&B
    "defaults",                                              // Hydra's defaults list (Metta's configs)
    "test", "rollout_count", "resume", "evaluator", "generation"};  // Metta's CARBS sweeps

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
    std::set<std::string> seen;
    for (const auto& pair : root) {
      const std::string key = r_.Key(pair.first);
      if (!seen.insert(key).second) r_.Fail(pair.first, fmt::format("'{}' appears twice", Echo(key)));
      ReadTopLevel(key, pair.first, pair.second);
    }
  }

 private:
  void ReadTopLevel(const std::string& key, const YAML::Node& key_node, const YAML::Node& v) {
    if (key == "name" || key == "study_name") {
      c_.name = r_.Text(v, key);
    } else if (key == "description" || key == "search_space_id" || key == "project" || key == "entity") {
      // descriptive only
    } else if (key == "metric") {
      ReadMetric(v);
    } else if (key == "objective_metric") {
      c_.metric = r_.Text(v, key);
    } else if (key == "goal" || key == "direction") {
      r_.SetGoal(v, key);
    } else if (key == "method") {
      r_.SetMethod(v, key);
    } else if (key == "sampler") {
      if (v.IsMap()) {
        r_.ReadSamplerSettings(v, "sampler");
      } else {
        r_.SetMethod(v, key);
      }
    } else if (key == "protein" || key == "tpe") {
      r_.Map(v, key);
      r_.ReadSamplerSettings(v, key);
    } else if (key == "pruner") {
      r_.ReadPruner(v);
    } else if (key == "early_terminate") {
      r_.ReadEarlyTerminate(v);
    } else if (key == "n_startup_trials") {
      c_.sampler.n_startup_trials = r_.Int(v, key, 0);
    } else if (key == "num_random_samples") {
      c_.sampler.num_random_samples = r_.Int(v, key, 0);
    } else if (key == "n_warmup_steps") {
      c_.pruner.n_warmup_steps = r_.Integer(v, key, 0);
    } else if (key == "n_trials" || key == "max_trials" || key == "run_cap") {
      c_.n_trials = r_.Int(v, key, 1);
    } else if (key == "timeout") {
      c_.timeout = r_.Number(v, key);
      if (c_.timeout < 0) r_.Fail(v, "timeout must be >= 0 seconds");
    } else if (key == "timeout_per_trial") {
      c_.timeout_per_trial = r_.Number(v, key);
      if (c_.timeout_per_trial < 0) r_.Fail(v, "timeout_per_trial must be >= 0 seconds");
    } else if (key == "n_jobs" || key == "n_parallel_trials") {
      c_.n_jobs = r_.Int(v, key, 1);
    } else if (key == "storage") {
      c_.storage = v.IsNull() ? "" : r_.Text(v, key);
    } else if (key == "seed") {
      c_.seed = static_cast<uint64_t>(r_.Integer(v, key, 0));
    } else if (key == "max_retries") {
      c_.max_retries = r_.Int(v, key, 0);
    } else if (key == "heartbeat_timeout") {
      c_.heartbeat_timeout = r_.Number(v, key);
      if (c_.heartbeat_timeout < 1) r_.Fail(v, "heartbeat_timeout must be at least 1 second");
    } else if (key == "grid_points") {
      c_.sampler.grid_points = r_.Int(v, key, 1);
    } else if (key == "applied_preset") {  // written by ToYaml: the preset a stored config was resolved with
      c_.preset = r_.Text(v, key);
    } else if (key == "command" || key == "program" || key == "presets") {
      // read before (command, program) or by LoadSweepConfig (presets)
    } else if (key == "fixed") {
      r_.Map(v, key);
      ReadFixed(v, "");
    } else if (key == "parameters" || key == "searchable") {
      r_.Map(v, key);
      ReadHpoParameters(r_, v, "");
    } else if (key == "sweep") {
      ReadSweepWrapper(v);
    } else if (key == "constraints") {
      if (!v.IsSequence()) r_.Fail(v, "constraints must be a list of expressions");
      for (const YAML::Node& item : v) c_.constraints.emplace_back(r_.Text(item, "a constraint"), r_.At(item));
    } else if (kOtherToolKeys.count(key)) {
      r_.Ignore(key);
    } else if (in_program_config_) {
      r_.Ignore(key + " (the program's config, beside sweep:)");
    } else {
      r_.Fail(key_node, fmt::format("unknown key '{}' at the top level (did you mean '{}'?)", Echo(key),
                                    ClosestWord(key, std::vector<std::string_view>(kTopLevelKeys.begin(), kTopLevelKeys.end()))));
    }
  }

  void ReadMetric(const YAML::Node& v) {
    if (!v.IsMap()) {
      c_.metric = r_.Text(v, "metric");
      return;
    }
    for (const auto& p : v) {
      const std::string k = r_.Key(p.first);
      if (k == "name") c_.metric = r_.Text(p.second, "metric.name");
      else if (k == "goal") r_.SetGoal(p.second, "metric.goal");
      else if (k == "target" || k == "impute" || k == "impute_while_running") r_.Ignore("metric." + k);
      else r_.Fail(p.first, fmt::format("unknown key 'metric.{}' (known: name, goal, target)", Echo(k)));
    }
  }

  // Metta and PufferLib wrap the W&B sweep in `sweep:`; Metta's older files put the parameters
  // directly under it, beside the sweep's own keys.
  void ReadSweepWrapper(const YAML::Node& v) {
    r_.Map(v, "sweep");
    for (const auto& p : v) {
      const std::string key = r_.Key(p.first);
      if (std::find(kTopLevelKeys.begin(), kTopLevelKeys.end(), key) != kTopLevelKeys.end() || kOtherToolKeys.count(key)) {
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

  SweepReading& r_;
  SweepConfig& c_;
  bool in_program_config_ = false;  // the file is a program's config with a sweep: section
};

// ----- one parameter ---------------------------------------------------------------------------

// Metta's ${ss:SPACE, MIN, MAX[, CENTER]} resolver (CARBS spaces: log, logit, linear, int, pow2).
bool ReadSsResolver(SweepReading& r, const std::string& path, const YAML::Node& key_node, const YAML::Node& v) {
  if (!v.IsScalar()) return false;
  const std::string text = v.Scalar();
  std::string inside;  // SPACE, MIN, MAX[, CENTER]
  if (text.rfind("${ss:", 0) == 0 && text.back() == '}') {
    inside = text.substr(5, text.size() - 6);
  } else if (const size_t open = text.find('('); text.size() > 3 && text[0] == '$' && open != std::string::npos &&
             text.back() == ')' && text.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789", 1) == open) {
    // "$pow2(1024, 32768)": Metta's file means ${ss:pow2, 1024, 32768} (OmegaConf would pass the text on)
    inside = text.substr(1, open - 1) + "," + text.substr(open + 1, text.size() - open - 2);
    r.config().notes.push_back(fmt::format("{}: '{}' read as ${{ss:{}}}", path, text, inside));
  } else {
    return false;
  }
  std::vector<std::string> args;
  std::string current;
  for (char ch : inside) {
    if (ch == ',') {
      args.push_back(current);
      current.clear();
    } else if (ch != ' ') {
      current += ch;
    }
  }
  args.push_back(current);
  if (args.size() < 3 || args.size() > 4) {
    r.Fail(v, fmt::format("{}: ${{ss:...}} takes SPACE, MIN, MAX[, CENTER], got '{}'", Echo(path), Echo(text)));
  }
  auto number = [&](const std::string& word) {
    const std::optional<Value> parsed = Value::Parse(word);
    if (!parsed || !parsed->is_number()) r.Fail(v, fmt::format("{}: '{}' in {} is not a number", Echo(path), Echo(word), Echo(text)));
    return parsed->as_double();
  };
  const double min = number(args[1]), max = number(args[2]);
  const std::optional<double> centre = args.size() == 4 ? std::optional<double>(number(args[3])) : std::nullopt;
  const std::string& space = args[0];
  std::string kind;
  if (space == "log") kind = "log_normal";
  else if (space == "logit") kind = "logit_normal";
  else if (space == "linear") kind = "uniform";
  else if (space == "int") kind = "int_uniform";
  else if (space == "pow2") kind = "uniform_pow2";
  else r.Fail(v, fmt::format("{}: unknown ${{ss:...}} space '{}' (known: log, logit, linear, int, pow2)", Echo(path), Echo(space)));
  double lo = min, hi = max;
  if (kind == "logit_normal" && (lo == 0 || hi == 1)) {
    // CARBS's logit space is the open interval (0, 1); hpo's logit axis needs bounds inside it
    lo = lo == 0 ? 1e-6 : lo;
    hi = hi == 1 ? 1 - 1e-6 : hi;
    r.config().notes.push_back(fmt::format("{}: logit [{}, {}] searched in [{}, {}] (the open interval)", path, FormatDouble(min),
                                           FormatDouble(max), FormatDouble(lo), FormatDouble(hi)));
  }
  r.AddNumeric(path, key_node, kind, lo, hi, centre);
  return true;
}

// 15 as "15" (not "15.0") in messages about powers of two and their exponents.
std::string Whole(double x) {
  return x == std::floor(x) && std::fabs(x) < 1e15 ? std::to_string(static_cast<long long>(x)) : FormatDouble(x);
}

// A numeric spec's distribution name in any vocabulary -> hpo's, with the bounds it implies.
void AddNumericSpec(SweepReading& r, const std::string& path, const YAML::Node& key_node, const YAML::Node& v,
                    std::string kind, double min, double max, bool log, std::optional<double> mean,
                    std::optional<std::string> scale, std::optional<double> q) {
  const bool integer_bounds = v["min"] && v["max"] && ValueFromYaml(v["min"], r.At(v["min"])).is_int() &&
                              ValueFromYaml(v["max"], r.At(v["max"])).is_int();
  if (kind.empty()) {
    kind = integer_bounds ? "int_uniform" : "uniform";  // W&B: two integers make int_uniform
  } else if (kind == "int") {
    kind = log ? "int_loguniform" : "int_uniform";
  } else if (kind == "float") {
    kind = log ? "loguniform" : (q ? "q_uniform" : "uniform");
  } else if (kind == "log_uniform") {  // W&B: the bounds are natural-log exponents
    kind = "loguniform";
    min = std::exp(min);
    max = std::exp(max);
  } else if (kind == "inv_log_uniform") {  // W&B: exp(-U(min, max))
    kind = "loguniform";
    const double lo = std::exp(-max), hi = std::exp(-min);
    min = lo;
    max = hi;
  } else if (kind == "log_uniform_values" || kind == "inv_log_uniform_values") {
    // inv_log_uniform_values draws the same values (W&B flips only its CDF); either order of bounds
    kind = "loguniform";
    if (min > max) std::swap(min, max);
  } else if (kind == "int_log_uniform") {
    kind = "int_loguniform";
  }
  if (kind == "uniform_pow2" && min == 0 && max == std::floor(max) && max <= 62) {
    // 0 is no power of two's value: the bounds are exponents (Metta files write them so)
    r.config().notes.push_back(fmt::format("{}: uniform_pow2 [0, {}] read as exponents: 2^0 .. 2^{}", path, Whole(max),
                                           Whole(max)));
    if (mean) mean = std::exp2(*mean);
    min = 1;
    max = std::exp2(max);
  }
  if (kind == "uniform_pow2" && min >= 1) {
    // A range that holds one power of two is a file written with exponents for values: read so
    // when another of its ranges starts at 0 (cogeval: [15, 19] beside [0, 7]), else refused.
    const double lo = std::ceil(std::log2(min)), hi = std::floor(std::log2(max));
    if (hi <= lo && max <= 62 && r.pow2_bounds_are_exponents && min == std::floor(min) && max == std::floor(max)) {
      r.config().notes.push_back(fmt::format("{}: uniform_pow2 [{}, {}] read as exponents, as this file's range from 0 is: "
                                             "2^{} .. 2^{}", path, Whole(min), Whole(max), Whole(min), Whole(max)));
      if (mean) mean = std::exp2(*mean);
      min = std::exp2(min);
      max = std::exp2(max);
    } else if (hi <= lo && max <= 62) {
      r.Fail(v, fmt::format("{}: uniform_pow2 [{}, {}] holds only {} as values; if these are exponents write min: {}, max: {} "
                            "(2^{} .. 2^{})", Echo(path), Whole(min), Whole(max), Whole(std::exp2(lo)), Whole(std::exp2(min)),
                            Whole(std::exp2(max)), Whole(min), Whole(max)));
    }
  }
  r.AddNumeric(path, key_node, kind, min, max, mean, std::move(scale), q.value_or(1.0));
}

// CARBS leaf: {space: log|linear|logit|pow2, min, max, search_center, is_int, scale}.
void AddCarbsSpec(SweepReading& r, const std::string& path, const YAML::Node& key_node, const YAML::Node& v) {
  std::string space, kind;
  std::optional<double> min, max, centre;
  bool is_int = false;
  for (const auto& p : v) {
    const std::string k = r.Key(p.first);
    const std::string kpath = path + "." + k;
    if (k == "space") space = r.Text(p.second, kpath);
    else if (k == "min") min = r.Number(p.second, kpath);
    else if (k == "max") max = r.Number(p.second, kpath);
    else if (k == "search_center") centre = r.Number(p.second, kpath);
    else if (k == "is_int") is_int = r.Bool(p.second, kpath);
    else if (k == "scale" || k == "rounding_factor") r.Ignore(kpath);
    else r.Fail(p.first, fmt::format("unknown key '{}' in a CARBS parameter (known: space, min, max, search_center, is_int, scale)", Echo(kpath)));
  }
  if (!min || !max) r.Fail(v, fmt::format("{}: a CARBS parameter needs min and max", Echo(path)));
  if (space == "log") kind = is_int ? "int_loguniform" : "log_normal";
  else if (space == "linear") kind = is_int ? "int_uniform" : "uniform";
  else if (space == "logit") kind = "logit_normal";
  else if (space == "pow2") kind = "uniform_pow2";
  else r.Fail(v, fmt::format("{}: unknown CARBS space '{}' (known: log, linear, logit, pow2)", Echo(path), Echo(space)));
  r.AddNumeric(path, key_node, kind, *min, *max, kind == "int_loguniform" ? std::nullopt : centre);
}

void ReadSpec(SweepReading& r, const std::string& path, const YAML::Node& key_node, const YAML::Node& v) {
  if (v["space"]) return AddCarbsSpec(r, path, key_node, v);
  std::string kind;
  std::optional<double> min, max, mean, q;
  std::optional<std::string> scale;
  std::optional<Value> prior;
  bool log = false;
  std::optional<YAML::Node> values, constant;
  for (const auto& p : v) {
    const std::string k = r.Key(p.first);
    const std::string kpath = path + "." + k;
    const YAML::Node& x = p.second;
    auto once = [&](bool already) {
      if (already) r.Fail(p.first, fmt::format("{} sets the same thing twice", Echo(kpath)));
    };
    if (k == "distribution" || k == "type") {
      once(!kind.empty());
      kind = r.Text(x, kpath);
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
    } else if (k == "q" || k == "step") {
      q = r.Number(x, kpath);
    } else if (k == "log") {
      log = r.Bool(x, kpath);
    } else if (k == "probabilities" || k == "mu" || k == "sigma") {
      r.Fail(p.first, fmt::format("{}: hpo has no weighted or normal distributions; use values: or min/max", Echo(kpath)));
    } else {
      r.Fail(p.first, fmt::format("unknown key '{}' in a parameter (known: distribution/type, min/low, max/high, "
                                  "mean/prior, scale, values/choices, value, q/step, log)", Echo(kpath)));
    }
  }
  if (constant) {  // W&B's constant parameter
    if (constant->IsNull()) return r.Ignore(path + " (value: ~, W&B's null constant: not passed)");
    if (constant->IsMap()) return r.Ignore(path + " (a mapping constant: trials get scalars and lists)");
    return r.SetFixed(path, key_node, ValueFromYaml(*constant, r.At(*constant)), r.At(*constant));
  }
  if (values) {
    if (!kind.empty() && kind != "categorical" && kind != "choice") {
      r.Fail(v, fmt::format("{}: values/choices make a categorical parameter, but the distribution says '{}'", Echo(path), Echo(kind)));
    }
    std::vector<Value> choices;
    for (const YAML::Node& item : *values) choices.push_back(ValueFromYaml(item, r.At(item)));
    if (choices.empty()) r.Fail(*values, fmt::format("{}.values is empty: a parameter needs at least one choice", Echo(path)));
    return r.AddCategorical(path, key_node, std::move(choices), prior);
  }
  if (kind == "categorical" || kind == "choice") r.Fail(v, fmt::format("{}: a categorical parameter needs values (or choices)", Echo(path)));
  if ((kind == "normal" || kind == "q_normal") && !(min && max)) {
    r.Fail(v, fmt::format("{}: W&B's '{}' has no bounds; hpo searches bounded ranges: use uniform or log_uniform_values with min and max",
                          Echo(path), Echo(kind)));
  }
  if (kind == "normal" || kind == "q_normal") {  // bounded: neither W&B's nor a Protein space
    r.Fail(v, fmt::format("{}: '{}' with min and max is no W&B or Protein distribution; for a linear range searched around "
                          "a centre write distribution: uniform with mean: (or log_normal for a log axis)",
                          Echo(path), Echo(kind)));
  }
  if (!min || !max) r.Fail(v, fmt::format("{}: a numeric parameter needs min and max (or low and high)", Echo(path)));
  AddNumericSpec(r, path, key_node, v, kind, *min, *max, log, mean, scale, q);
}

// True when some uniform_pow2 range under `node` starts at 0: 0 is no power of two, so that
// file writes its pow2 bounds as exponents.
bool WritesPow2Exponents(const YAML::Node& node) {
  if (!node.IsMap()) return false;
  const YAML::Node kind = node["distribution"] ? node["distribution"] : node["type"];
  const YAML::Node min = node["min"] ? node["min"] : node["low"];
  if (kind && kind.IsScalar() && kind.Scalar() == "uniform_pow2" && min && min.IsScalar()) {
    const std::optional<Value> v = Value::Parse(min.Scalar());
    if (v && v->is_number() && v->as_double() == 0) return true;
  }
  for (const auto& pair : node) {
    if (WritesPow2Exponents(pair.second)) return true;
  }
  return false;
}

}  // namespace

void ReadHpoParameters(SweepReading& r, const YAML::Node& map, const std::string& prefix) {
  if (prefix.empty() && WritesPow2Exponents(map)) r.pow2_bounds_are_exponents = true;
  std::set<std::string> seen;
  for (const auto& p : map) {
    const std::string key = r.Key(p.first);
    if (!seen.insert(key).second) r.Fail(p.first, fmt::format("duplicate parameter '{}{}'", Echo(prefix), Echo(key)));
    ReadHpoParameter(r, prefix + key, p.first, p.second);
  }
}

void ReadHpoParameter(SweepReading& r, const std::string& path, const YAML::Node& key_node, const YAML::Node& v) {
  if (ReadSsResolver(r, path, key_node, v)) return;
  if (!v.IsMap()) {  // a bare value: fixed
    if (v.IsNull()) return r.Ignore(path + " (null)");
    if (v.IsSequence() && std::any_of(v.begin(), v.end(), [](const YAML::Node& item) { return !item.IsScalar(); })) {
      return r.Ignore(path + " (a nested list constant: trials get scalars and flat lists)");
    }
    return r.SetFixed(path, key_node, ValueFromYaml(v, r.At(v)), r.At(v));
  }
  if (v.size() == 1 && v["parameters"] && v["parameters"].IsMap()) {  // W&B's nested group
    return ReadHpoParameters(r, v["parameters"], path + ".");
  }
  if (v.size() == 1 && v["grid_search"] && v["grid_search"].IsSequence()) {  // Ray Tune's, inline
    std::vector<Value> choices;
    for (const YAML::Node& item : v["grid_search"]) choices.push_back(ValueFromYaml(item, r.At(item)));
    return r.AddCategorical(path, key_node, std::move(choices));
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
void FindSpellings(const YAML::Node& node, std::set<std::string>& found) {
  if (node.IsScalar() && node.Scalar().rfind("${ss:", 0) == 0) found.insert("Protein/Metta");
  if (node.IsSequence()) {
    for (const YAML::Node& item : node) FindSpellings(item, found);
  }
  if (!node.IsMap()) return;
  static const std::set<std::string> kWandbKinds = {"log_uniform_values", "inv_log_uniform_values", "log_uniform",
                                                    "inv_log_uniform", "q_uniform", "constant"};
  static const std::set<std::string> kProteinKinds = {"log_normal", "logit_normal", "uniform_pow2"};
  for (const auto& pair : node) {
    if (!pair.first.IsScalar()) continue;
    const std::string& key = pair.first.Scalar();
    const std::string value = pair.second.IsScalar() ? pair.second.Scalar() : "";
    if (key == "program" || key == "run_cap" || key == "early_terminate" || key == "value") found.insert("W&B");
    if ((key == "distribution" || key == "type") && kWandbKinds.count(value)) found.insert("W&B");
    if ((key == "distribution" || key == "type") && kProteinKinds.count(value)) found.insert("Protein/Metta");
    if (key == "protein") found.insert("Protein/Metta");
    if (key == "space" || key == "search_center") found.insert("CARBS");
    if (key == "searchable" || key == "low" || key == "high") found.insert("Optuna-style");
    FindSpellings(pair.second, found);
  }
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

bool MatchesHpo(const YAML::Node& root) { return root.IsMap(); }

void ReadHpo(SweepReading& reading, const YAML::Node& root) { HpoReader(reading).Read(root); }

}  // namespace hpo::config
