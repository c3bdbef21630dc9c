// Determined experiment configs: hyperparameters (nested; a scalar or {type: const, val} is a
// constant; int and double with minval / maxval; log with base and minval / maxval as exponents;
// categorical with vals; count: the grid searcher's evenly spaced points) and searcher {name
// (random, grid; (adaptive_)asha: random sampling with the successive-halving pruner), metric,
// smaller_is_better (default true), max_trials, max_concurrent_trials, divisor}.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "lib/config/vocabularies/vocabulary.h"
#include "lib/config/yaml_source.h"

namespace hpo::config {
namespace {

// Determined's grid searcher tries `count` points of an int, double or log range, evenly spaced
// (on the exponent for log), ends included; other searchers ignore count.
void AddGrid(SweepReading& r, const std::string& name, const YAML::Node& key_node,
             const YAML::Node& v, const std::string& type, double lo, double hi, double base) {
  const int count = r.Int(v["count"], name + ".count", 1);
  std::vector<Value> points;
  for (int i = 0; i < count; ++i) {
    const double t = count == 1 ? 0.0 : static_cast<double>(i) / (count - 1);
    const double x = lo + t * (hi - lo);
    if (type == "int") {
      const Value point(static_cast<int64_t>(std::llround(x)));
      if (std::find(points.begin(), points.end(), point) == points.end())
        points.push_back(point);  // count > range
    } else {
      points.emplace_back(type == "log" ? std::pow(base, x) : x);
    }
  }
  r.AddCategorical(name, key_node, std::move(points));
}

void ReadHyperparameters(SweepReading& r, const YAML::Node& map, const std::string& prefix,
                         bool grid) {
  for (const auto& p : map) {
    const std::string name = prefix + r.Key(p.first);
    const YAML::Node& v = p.second;
    if (!v.IsMap()) {
      r.SetFixed(name, p.first, ValueFromYaml(v, r.At(v)), r.At(v));
      continue;
    }
    if (!v["type"]) {  // a nested group
      ReadHyperparameters(r, v, name + ".", grid);
      continue;
    }
    const std::string type = r.Kind(v["type"], name + ".type");
    auto bound = [&](const char* key) {
      if (!v[key]) r.Fail(v, fmt::format("{}: type {} needs {}", Echo(name), type, key));
      return r.Number(v[key], name + "." + key);
    };
    const bool ranged = type == "int" || type == "double" || type == "log";
    if (ranged && v["count"] && !grid)
      r.Ignore(name + ".count (only Determined's grid searcher uses it)");
    if (type == "const") {
      if (!v["val"]) r.Fail(v, fmt::format("{}: type const needs val", Echo(name)));
      r.SetFixed(name, p.first, ValueFromYaml(v["val"], r.At(v["val"])), r.At(v["val"]));
    } else if (ranged && v["count"] && grid) {
      const double base = type == "log" && v["base"] ? r.Number(v["base"], name + ".base") : 10.0;
      AddGrid(r, name, p.first, v, type, bound("minval"), bound("maxval"), base);
    } else if (type == "int") {
      r.AddNumeric(name, p.first, "int_uniform", bound("minval"), bound("maxval"));
    } else if (type == "double") {
      r.AddNumeric(name, p.first, "uniform", bound("minval"), bound("maxval"));
    } else if (type == "log") {  // base^U(minval, maxval)
      const double base = v["base"] ? r.Number(v["base"], name + ".base") : 10.0;
      if (!(base > 1)) r.Fail(v["base"], fmt::format("{}: base must be > 1", Echo(name)));
      r.AddNumeric(name, p.first, "loguniform", std::pow(base, bound("minval")),
                   std::pow(base, bound("maxval")));
    } else if (type == "categorical") {
      if (!v["vals"] || !v["vals"].IsSequence())
        r.Fail(v, fmt::format("{}: type categorical needs a list vals", Echo(name)));
      r.AddCategorical(name, p.first, r.Values(v["vals"], name + ".vals"));
    } else {
      r.Fail(v["type"],
             fmt::format("{}: unknown type '{}' (known: const, int, double, log, categorical)",
                         Echo(name), Echo(type)));
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
  } else if (name == "adaptive_asha" || name == "asha" || name == "async_halving" ||
             name == "adaptive") {
    c.sampler.method = "random";
    c.pruner.method = "successive_halving";
  } else if (name == "single") {
    c.n_trials = 1;
  } else {
    c.notes.push_back(
        fmt::format("searcher {} has no hpo equivalent: the default sampler is used", name));
  }
}

void ReadSearcher(SweepReading& r, const YAML::Node& searcher) {
  r.SetGoal(false);  // smaller_is_better defaults to true
  for (const auto& p : searcher) {
    const std::string key = r.Key(p.first);
    const std::string path = "searcher." + key;
    if (key == "metric")
      r.SetMetric(p.second, path);
    else if (key == "smaller_is_better")
      r.SetGoal(!r.Bool(p.second, path));
    else if (key == "max_trials")
      r.config().n_trials = r.Int(p.second, path, 1);
    else if (key == "max_concurrent_trials")
      r.config().n_jobs = r.Int(p.second, path, 1);
    else if (key == "name")
      ReadSearcherName(r, p.second, path);
    else if (key == "divisor")
      r.config().pruner.halving_rule.reduction_factor = r.Int(p.second, path, 2);
    else
      r.Ignore(path);  // max_length, mode, max_rungs, ...
  }
}

}  // namespace

bool MatchesDetermined(const YAML::Node& root) {
  return root.IsMap() && root["hyperparameters"] && root["hyperparameters"].IsMap() &&
         root["searcher"];
}

void ReadDetermined(SweepReading& r, const YAML::Node& root) {
  // the searcher decides what a range's count means, so it is known before the hyperparameters
  const YAML::Node searcher = root["searcher"];
  const bool grid = searcher.IsMap() && searcher["name"] && searcher["name"].IsScalar() &&
                    searcher["name"].Scalar() == "grid";
  for (const auto& p : root) {
    const std::string key = r.Key(p.first);
    if (key == "hyperparameters")
      ReadHyperparameters(r, p.second, "", grid);
    else if (key == "searcher")
      ReadSearcher(r, p.second);
    else
      r.Ignore(key);  // name, entrypoint, data, resources, max_restarts...
  }
}

}  // namespace hpo::config
