// Determined experiment configs: hyperparameters (nested; a scalar or {type: const, val} is a
// constant; int and double with minval / maxval; log with base and minval / maxval as exponents;
// categorical with vals) and searcher {name (random, grid; (adaptive_)asha: random sampling with
// the successive-halving pruner), metric, smaller_is_better (default true), max_trials,
// max_concurrent_trials, divisor}.
#include <fmt/format.h>

#include <cmath>

#include "lib/config/vocabularies/vocabulary.h"
#include "lib/config/yaml_source.h"

namespace hpo::config {
namespace {

void ReadHyperparameters(SweepReading& r, const YAML::Node& map, const std::string& prefix) {
  for (const auto& p : map) {
    const std::string name = prefix + r.Key(p.first);
    const YAML::Node& v = p.second;
    if (!v.IsMap()) {
      r.SetFixed(name, p.first, ValueFromYaml(v, r.At(v)), r.At(v));
      continue;
    }
    if (!v["type"]) {  // a nested group
      ReadHyperparameters(r, v, name + ".");
      continue;
    }
    const std::string type = r.Text(v["type"], name + ".type");
    auto bound = [&](const char* key) {
      if (!v[key]) r.Fail(v, fmt::format("{}: type {} needs {}", Echo(name), type, key));
      return r.Number(v[key], name + "." + key);
    };
    if (type == "const") {
      if (!v["val"]) r.Fail(v, fmt::format("{}: type const needs val", Echo(name)));
      r.SetFixed(name, p.first, ValueFromYaml(v["val"], r.At(v["val"])), r.At(v["val"]));
    } else if (type == "int") {
      r.AddNumeric(name, p.first, "int_uniform", bound("minval"), bound("maxval"));
    } else if (type == "double") {
      r.AddNumeric(name, p.first, "uniform", bound("minval"), bound("maxval"));
    } else if (type == "log") {  // base^U(minval, maxval)
      const double base = v["base"] ? r.Number(v["base"], name + ".base") : 10.0;
      if (!(base > 1)) r.Fail(v["base"], fmt::format("{}: base must be > 1", Echo(name)));
      r.AddNumeric(name, p.first, "loguniform", std::pow(base, bound("minval")), std::pow(base, bound("maxval")));
    } else if (type == "categorical") {
      if (!v["vals"] || !v["vals"].IsSequence()) r.Fail(v, fmt::format("{}: type categorical needs a list vals", Echo(name)));
      std::vector<Value> choices;
      for (const YAML::Node& item : v["vals"]) choices.push_back(ValueFromYaml(item, r.At(item)));
      r.AddCategorical(name, p.first, std::move(choices));
    } else {
      r.Fail(v["type"], fmt::format("{}: unknown type '{}' (known: const, int, double, log, categorical)", Echo(name), Echo(type)));
    }
  }
}

// Determined's searchers: random and grid sample; the (adaptive) ASHA searchers sample at random
// and stop trials at rungs, which is hpo's successive-halving pruner.
void ReadSearcherName(SweepReading& r, const YAML::Node& v, const std::string& path) {
  const std::string name = r.Text(v, path);
  SweepConfig& c = r.config();
  if (name == "random" || name == "grid") {
    c.sampler.method = name;
  } else if (name == "adaptive_asha" || name == "asha" || name == "async_halving" || name == "adaptive") {
    c.sampler.method = "random";
    c.pruner.method = "successive_halving";
  } else if (name == "single") {
    c.n_trials = 1;
  } else {
    c.notes.push_back(fmt::format("searcher {} has no hpo equivalent: the default sampler is used", name));
  }
}

void ReadSearcher(SweepReading& r, const YAML::Node& searcher) {
  r.SetGoal(false);  // smaller_is_better defaults to true
  for (const auto& p : searcher) {
    const std::string key = r.Key(p.first);
    const std::string path = "searcher." + key;
    if (key == "metric") r.config().metric = r.Text(p.second, path);
    else if (key == "smaller_is_better") r.SetGoal(!r.Bool(p.second, path));
    else if (key == "max_trials") r.config().n_trials = r.Int(p.second, path, 1);
    else if (key == "max_concurrent_trials") r.config().n_jobs = r.Int(p.second, path, 1);
    else if (key == "name") ReadSearcherName(r, p.second, path);
    else if (key == "divisor") r.config().pruner.reduction_factor = r.Int(p.second, path, 2);
    else r.Ignore(path);  // max_length, mode, max_rungs, ...
  }
}

}  // namespace

bool MatchesDetermined(const YAML::Node& root) {
  return root.IsMap() && root["hyperparameters"] && root["hyperparameters"].IsMap() && root["searcher"];
}

void ReadDetermined(SweepReading& r, const YAML::Node& root) {
  for (const auto& p : root) {
    const std::string key = r.Key(p.first);
    if (key == "hyperparameters") ReadHyperparameters(r, p.second, "");
    else if (key == "searcher") ReadSearcher(r, p.second);
    else r.Ignore(key);  // name, entrypoint, data, resources, max_restarts...
  }
}

}  // namespace hpo::config
