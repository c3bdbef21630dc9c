// W&B Sweeps' files (wandb/sweeps at b1dfc5f9, src/sweeps/config/schema.json and cfg.py).
//
// A file whose every word is W&B's (its top-level keys, a metric written {name, goal}, W&B's
// methods and distributions, each parameter a mapping of W&B's parameter keys) is a W&B sweep
// and gets W&B's own checks before the hpo reader (hpo_vocabulary.cc) reads it: a method is
// required, method custom (the user's own scheduler) cannot run here, bayes needs a metric, and
// int_uniform's bounds are integers. A file that also uses a word of hpo's (n_trials, method:
// tpe, loguniform, Protein's mean and scale, metrics: without method custom...) is hpo's, which
// reads W&B's spellings too: W&B gives those files no meaning, so hpo's cannot contradict it.
// W&B's log distributions and its controller and scheduler keys are checked here for both.
#include <fmt/format.h>

#include <cmath>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "lib/config/vocabularies/vocabulary.h"
#include "lib/config/yaml_source.h"
#include "lib/core/error.h"

namespace hpo::config {
namespace {

// schema.json's top-level properties (additionalProperties: false).
const std::set<std::string> kWandbTopLevelKeys = {
    "apiVersion", "command",    "controller", "description", "early_terminate", "entity",
    "image_uri",  "job",        "kind",       "method",      "metric",          "metrics",
    "name",       "parameters", "program",    "project",     "run_cap",         "scheduler"};

// The keys of schema.json's param_* definitions, all of them (each has additionalProperties:
// false; which combination is valid is the hpo reader's and the checks' business).
const std::set<std::string> kWandbParameterKeys = {
    "distribution", "values", "value", "probabilities", "min", "max", "q", "mu", "sigma", "a", "b"};

// schema.json's method enum.
const std::set<std::string> kWandbMethods = {"bayes", "random", "grid", "custom"};

// schema.json's distribution enums; the three V1 log forms are refused (params.py:504).
const std::set<std::string> kWandbDistributions = {"constant",
                                                   "categorical",
                                                   "categorical_w_probabilities",
                                                   "int_uniform",
                                                   "uniform",
                                                   "q_uniform",
                                                   "log_uniform",
                                                   "log_uniform_values",
                                                   "q_log_uniform",
                                                   "q_log_uniform_values",
                                                   "inv_log_uniform",
                                                   "inv_log_uniform_values",
                                                   "normal",
                                                   "q_normal",
                                                   "log_normal",
                                                   "q_log_normal",
                                                   "beta",
                                                   "q_beta"};

bool IsWandbParameter(const YAML::Node& spec) {
  if (!spec.IsMap()) return false;
  if (spec.size() == 1 && spec["parameters"]) {  // a nested group (param_dict)
    const YAML::Node group = spec["parameters"];
    if (!group.IsMap()) return false;
    for (const auto& p : group) {
      if (!IsWandbParameter(p.second)) return false;
    }
    return true;
  }
  for (const auto& p : spec) {
    if (!p.first.IsScalar() || !kWandbParameterKeys.count(p.first.Scalar())) return false;
  }
  const YAML::Node kind = spec["distribution"];
  return !kind || (kind.IsScalar() && kWandbDistributions.count(kind.Scalar()));
}

// A mapping key's text, or "" for a key that is not a scalar.
std::string KeyText(const YAML::Node& key) { return key.IsScalar() ? key.Scalar() : ""; }

void CheckMethod(SweepReading& r, const YAML::Node& root) {
  const YAML::Node method = root["method"];
  if (!method) {  // schema.json: "required": ["method"]
    r.Fail(root,
           "a W&B sweep needs a method: (bayes, random or grid), as W&B's schema asks "
           "(this file has only W&B's keys, so hpo reads it as W&B does)");
  }
  const std::string name = r.Text(method, "method");
  if (name == "custom") {
    r.Fail(method,
           "method: custom hands the search to your own W&B Launch scheduler, which hpo "
           "cannot run; name a method hpo runs (bayes, random, grid; or tpe with hpo's "
           "keys, docs/config.md)");
  }
  if (name == "bayes" && !root["metric"]) {  // bayes_search.py:34
    r.Fail(method, "method: bayes needs a metric: {name, goal} to model, as in W&B");
  }
}

// int_uniform's bounds are JSON integers in W&B's schema (param_int_uniform): 0.0 is refused.
void CheckIntegerBounds(SweepReading& r, const std::string& path, const YAML::Node& spec) {
  for (const char* bound : {"min", "max"}) {
    const YAML::Node v = spec[bound];
    if (v && !ValueFromYaml(v, r.At(v)).is_int()) {
      r.Fail(v, fmt::format("{}.{}: int_uniform takes integer bounds, as W&B's schema asks, not "
                            "'{}'",
                            Echo(path), bound, Echo(v.IsScalar() ? v.Scalar() : "")));
    }
  }
}

// How `wandb sweep` gets a number PyYAML reads as text, for the note.
constexpr const char* kWandbCliTextNumber =
    "`wandb sweep` (PyYAML, YAML 1.1: floats need a dot and a signed exponent), which refuses the "
    "file; read as the number, as YAML 1.2 and OmegaConf read it";

// The numbers of a parameter (schema.json's param_* definitions: type number), which
// `wandb sweep` reads with yaml.safe_load (wandb/sdk/launch/sweeps/utils.py:106): there 1e-5 is
// the text '1e-5', which the schema refuses (and validate_min_max, schema.py:106-113, raises a
// TypeError comparing it with a number). W&B gives such a file no meaning; the tools that do run
// it (Metta's, through OmegaConf: rl/carbs/carb_sweep.py:28 at 71cfe6ae) read the number, so hpo
// reads the number too and says so (`how` says who read the text and why hpo takes the number).
void ReadTextNumbersAsNumbers(SweepReading& r, const std::string& path, const YAML::Node& spec,
                              const char* how = kWandbCliTextNumber) {
  for (const char* key : {"min", "max", "q", "mu", "sigma", "a", "b", "probabilities"}) {
    const YAML::Node v = spec[key];
    std::vector<YAML::Node> numbers;
    for (size_t i = 0; v && v.IsSequence() && i < v.size(); ++i) numbers.push_back(v[i]);
    if (v && v.IsScalar()) numbers.push_back(v);
    for (const YAML::Node& n : numbers) {
      if (!IsPyYamlTextNumber(n)) continue;
      KeepYaml12Reading(n);
      r.config().notes.push_back(fmt::format("{}.{}: '{}' is text to {} (write {} for both)",
                                             Echo(path), key, Echo(n.Scalar()), how,
                                             PyYamlFloatSpelling(n.Scalar())));
    }
  }
}

void CheckParameters(SweepReading& r, const YAML::Node& map, const std::string& prefix) {
  for (const auto& p : map) {
    const std::string path = prefix + KeyText(p.first);
    const YAML::Node spec = p.second;
    if (spec.IsNull()) {  // cfg.py:86-90: "Invalid configuration for hyperparameter"
      r.Fail(p.first, fmt::format("{} has no specification: W&B refuses it; write {{value: null}} "
                                  "for a null constant, or leave {} out",
                                  Echo(path), Echo(path)));
    }
    if (spec.size() == 1 && spec["parameters"]) {
      CheckParameters(r, spec["parameters"], path + ".");
      continue;
    }
    ReadTextNumbersAsNumbers(r, path, spec);
    const YAML::Node kind = spec["distribution"];
    if (kind && kind.Scalar() == "int_uniform") CheckIntegerBounds(r, path, spec);
  }
}

}  // namespace

bool MatchesWandb(const YAML::Node& root) {
  if (!root.IsMap()) return false;
  for (const auto& p : root) {
    if (!kWandbTopLevelKeys.count(KeyText(p.first))) return false;
  }
  if (root["metric"] && !root["metric"].IsMap()) return false;  // hpo's metric: NAME
  const YAML::Node method = root["method"];
  if (method && !(method.IsScalar() && kWandbMethods.count(method.Scalar()))) return false;
  // W&B takes several objectives only with method: custom (cfg.py:45-52); with another method
  // they are hpo's multi-objective metrics:
  if (root["metrics"] && !(method && method.Scalar() == "custom")) return false;
  const YAML::Node parameters = root["parameters"];
  if (!parameters) return true;
  if (!parameters.IsMap()) return false;
  for (const auto& p : parameters) {
    // `x: null` means nothing to hpo's reader either; W&B refuses it (CheckParameters)
    if (!p.second.IsNull() && !IsWandbParameter(p.second)) return false;
  }
  return true;
}

void ReadWandbTextNumbers(SweepReading& reading, const YAML::Node& parameters,
                          const std::string& prefix, const char* how) {
  if (!parameters.IsMap()) return;
  for (const auto& p : parameters) {
    const std::string path = prefix + KeyText(p.first);
    if (!p.second.IsMap()) continue;
    if (p.second.size() == 1 && p.second["parameters"])
      ReadWandbTextNumbers(reading, p.second["parameters"], path + ".", how);
    else
      ReadTextNumbersAsNumbers(reading, path, p.second, how);
  }
}

void ReadWandb(SweepReading& reading, const YAML::Node& root) {
  CheckMethod(reading, root);
  if (root["parameters"]) CheckParameters(reading, root["parameters"], "");
  ReadHpo(reading, root);
}

bool WandbLogDistribution(SweepReading& r, const std::string& path, const YAML::Node& spec,
                          const std::string& kind, double& min, double& max) {
  if (kind == "log_uniform" || kind == "inv_log_uniform" || kind == "q_log_uniform") {
    // W&B refuses its V1 forms, whose bounds are natural-log exponents (params.py:481-516,
    // config/schema.py:144); the message gives the bounds as values.
    const bool inverse = kind == "inv_log_uniform";
    const double lo = inverse ? std::exp(-max) : std::exp(min);
    const double hi = inverse ? std::exp(-min) : std::exp(max);
    r.Fail(spec["distribution"] ? spec["distribution"] : spec,
           fmt::format("{}: {} takes base-e exponents, which W&B no longer accepts: write "
                       "distribution: {}_values with min: {} and max: {}",
                       Echo(path), kind, kind, FormatDouble(lo), FormatDouble(hi)));
  }
  // inv_log_uniform_values draws the same values (W&B flips only its CDF); min > max is an
  // error there as here (the distribution refuses it)
  return kind == "log_uniform_values" || kind == "inv_log_uniform_values";
}

void CheckWandbController(SweepReading& r, const YAML::Node& controller) {
  const YAML::Node type = controller.IsMap() ? controller["type"] : YAML::Node();
  if (!type) r.Fail(controller, "controller needs a type: local or cloud (W&B's schema)");
  const std::string name = r.Text(type, "controller.type");
  if (name != "local" && name != "cloud") {
    r.Fail(type, fmt::format("controller.type must be local or cloud, as in W&B, not '{}' (hpo "
                             "is the controller either way)",
                             Echo(name)));
  }
  r.Ignore("controller");
}

void CheckWandbScheduler(SweepReading& r, const YAML::Node& section) {
  const YAML::Node scheduler = section["scheduler"];
  r.Map(scheduler, "scheduler");
  if (section["early_terminate"]) {  // cfg.py:61-66
    r.Fail(section["early_terminate"],
           "early_terminate cannot be used together with scheduler: "
           "(as in W&B)");
  }
  const YAML::Node controller = section["controller"];
  if (controller && controller.IsMap() && controller["type"] && controller["type"].IsScalar() &&
      controller["type"].Scalar() == "local") {  // cfg.py:55-59
    r.Fail(controller,
           "controller: {type: local} cannot be used together with scheduler: (as in "
           "W&B)");
  }
  for (const auto& p : scheduler) {
    const std::string key = KeyText(p.first);
    if (key == "source" || key == "optimizer" || key == "search_space") {
      r.Fail(p.first, fmt::format("scheduler.{} names your own W&B Launch scheduler code, which "
                                  "hpo cannot run; drop scheduler: to run the sweep's method",
                                  Echo(key)));
    }
    if (key != "engine") {
      r.Fail(p.first, fmt::format("unknown key 'scheduler.{}' (W&B's: engine, source, optimizer, "
                                  "search_space)",
                                  Echo(key)));
    }
  }
  const YAML::Node engine = scheduler["engine"];
  if (!engine) r.Fail(scheduler, "scheduler needs an engine: (W&B's schema)");
  if (r.Text(engine, "scheduler.engine") != "wandb") {  // cfg.py:69-80
    r.Fail(engine, fmt::format("scheduler.engine '{}' is not supported (W&B supports wandb)",
                               Echo(r.Text(engine, "scheduler.engine"))));
  }
  r.Ignore("scheduler (engine wandb: the sweep's own method)");
}

}  // namespace hpo::config
