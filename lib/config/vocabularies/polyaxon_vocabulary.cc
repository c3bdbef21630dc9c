// Polyaxon's hyperparameter tuning, two versions:
// v0 (github:polyaxon/polyaxon-schemas 00ea8a92, polyaxon_schemas/ops/group/): `hptuning:` with
//   `matrix: {NAME: {values | pvalues | range | linspace | logspace | geomspace | uniform |
//   quniform | loguniform | qloguniform | normal | qnormal | lognormal | qlognormal: ARGS}}`,
//   `concurrency`, `seed`, `random_search {n_experiments}`, `grid_search`, `hyperband`, `bo`,
//   `early_stopping`;
// v1 (github:polyaxon/polyaxon tag v1.20.0, core/polyaxon/polyflow/matrix/): an operation's
//   `matrix: {kind: random | grid | hyperband | bayes | hyperopt | iterative | mapping,
//   params: {NAME: {kind: choice | pchoice | range | ..., value: ARGS}}, numRuns, concurrency,
//   seed, maxIterations, eta, resource, metric, earlyStopping}` and the operation's `params`.
// ARGS of a range or distribution are "a:b:c", [a, b, c] or {start, stop, step} (matrix.py
// Range._deserialize). What each means is hypertune's code (v1.20.0 hypertune/hypertune/matrix/
// utils.py and dist.py; v0 matrix.py has the same functions): range/linspace/logspace/geomspace
// are numpy's arange (stop excluded), linspace, logspace (base ** linspace, base 10) and
// geomspace; uniform is numpy's; loguniform is exp(uniform(low, high)) (bounds are natural-log
// exponents); the q kinds are np.round(x // q) * q, a floor (dist.py:25-57: hpo's q kinds with
// floor_to_q, or the equivalent discrete_uniform and shifted q_normal), except under hyperopt,
// which hands them to hyperopt's hp.q* (round(x / q) * q: matrix/hyperopt.py); v0's qlognormal
// is exp() of a log-normal draw, q unused (matrix.py:141-143): refused.
#include <fmt/format.h>

#include <cmath>

#include "lib/config/vocabularies/vocabulary.h"
#include "lib/config/yaml_source.h"

namespace hpo::config {
namespace {

// The arguments a kind takes, in the order of its string and list forms (matrix.py's
// REQUIRED_KEYS, then OPTIONAL_KEYS).
struct KindArgs {
  const char* kind;
  std::vector<std::string> required;
  std::vector<std::string> optional;
  bool ordered;  // Range subclasses check start < stop; Dist ones do not
};

const std::vector<KindArgs>& ArgKinds() {
  static const std::vector<KindArgs> kinds = {
      {"range", {"start", "stop", "step"}, {}, true},
      {"linspace", {"start", "stop", "num"}, {}, true},
      {"geomspace", {"start", "stop", "num"}, {}, true},
      {"logspace", {"start", "stop", "num"}, {"base"}, true},
      {"uniform", {"low", "high"}, {"size"}, false},
      {"quniform", {"low", "high", "q"}, {"size"}, false},
      {"loguniform", {"low", "high"}, {"size"}, false},
      {"qloguniform", {"low", "high", "q"}, {"size"}, false},
      {"normal", {"loc", "scale"}, {"size"}, false},
      {"qnormal", {"loc", "scale", "q"}, {"size"}, false},
      {"lognormal", {"loc", "scale"}, {"size"}, false},
      {"qlognormal", {"loc", "scale", "q"}, {"size"}, false},
  };
  return kinds;
}

const KindArgs* FindKind(const std::string& kind) {
  for (const KindArgs& k : ArgKinds()) {
    if (kind == k.kind) return &k;
  }
  return nullptr;
}

class PolyaxonReader {
 public:
  PolyaxonReader(SweepReading& r, bool v1) : r_(r), c_(r.config()), v1_(v1) {}

  // One parameter of the matrix: v0's {KIND: ARGS}, v1's {kind: KIND, value: ARGS}.
  void ReadParam(const std::string& name, const YAML::Node& key_node, const YAML::Node& v) {
    if (!v.IsMap()) r_.Fail(v, fmt::format("{}: a matrix entry is a mapping", Echo(name)));
    std::string kind;
    YAML::Node value;
    if (v1_) {
      if (!v["kind"])
        r_.Fail(v, fmt::format("{}: needs kind: (choice, range, uniform...)", Echo(name)));
      kind = r_.Kind(v["kind"], name + ".kind");
      value = v["value"];
      if (!value) r_.Fail(v, fmt::format("{}: needs value:", Echo(name)));
    } else {
      if (v.size() != 1)  // validate_matrix: one and only one option
        r_.Fail(v, fmt::format("{}: a matrix entry has exactly one kind", Echo(name)));
      kind = r_.Kind(v.begin()->first, name);
      value = v.begin()->second;
    }
    if (kind == "values" || kind == "choice") return ReadChoice(name, key_node, value);
    if (kind == "pvalues" || kind == "pchoice") return ReadPChoice(name, key_node, value);
    const KindArgs* args = FindKind(kind);
    if (!args) {
      r_.Fail(v, fmt::format("{}: kind '{}' is not one hpo reads (values/choice, pvalues/pchoice, "
                             "range, linspace, logspace, geomspace, uniform, quniform, loguniform, "
                             "qloguniform, normal, qnormal, lognormal, qlognormal)",
                             Echo(name), Echo(kind)));
    }
    const std::vector<double> a = Args(name, value, *args);
    if (args->ordered) return ReadSpace(name, key_node, value, kind, a);
    if (grid_) {  // hptuning.py validate_matrix: distributions are not grid points
      r_.Fail(value, fmt::format("{}: {} is a distribution, which Polyaxon's grid search refuses "
                                 "(a v0 matrix without an algorithm is a grid search)",
                                 Echo(name), kind));
    }
    if (bo_ && kind != "uniform") {  // validate_bo_matrix; v1 bayes.py:186-191
      r_.Fail(value, fmt::format("{}: {} is not uniform, which Polyaxon's bayesian optimization "
                                 "refuses",
                                 Echo(name), kind));
    }
    ReadDistribution(name, key_node, value, kind, a);
  }

  bool grid_ = false;
  bool bo_ = false;
  bool hyperopt_ = false;

 private:
  std::vector<double> Args(const std::string& name, const YAML::Node& v, const KindArgs& k) {
    std::vector<YAML::Node> items;
    std::vector<std::string> texts;
    if (v.IsScalar()) {  // "a:b:c", each piece read by ast.literal_eval
      const std::string& text = v.Scalar();
      // only a text is split (v0 matrix.py:33-53, v1 params.py:63-93): yaml.safe_load reads
      // 1:10:1 as the base-60 integer 4201, which Polyaxon refuses
      const Value loaded = ValueFromYaml(v, r_.At(v));
      if (!loaded.is_string())
        r_.Fail(v, fmt::format("{}: {} '{}' is {} to yaml.safe_load (YAML 1.1), which Polyaxon "
                               "loads the file with, and Polyaxon takes the text '{}', a list "
                               "or a mapping: quote it",
                               Echo(name), k.kind, Echo(text), loaded.ToYaml(),
                               fmt::join(k.required, ":")));
      for (size_t start = 0;;) {
        const size_t colon = text.find(':', start);
        texts.push_back(text.substr(start, colon - start));
        if (colon == std::string::npos) break;
        start = colon + 1;
      }
    } else if (v.IsSequence()) {
      for (const YAML::Node& item : v) items.push_back(item);
    } else if (v.IsMap()) {
      for (const auto& keys : {k.required, k.optional}) {
        for (const std::string& key : keys) {
          if (v[key]) items.push_back(v[key]);
        }
      }
      for (const std::string& key : k.required) {
        if (!v[key]) r_.Fail(v, fmt::format("{}: {} needs {}", Echo(name), k.kind, key));
      }
    }
    const size_t n = v.IsScalar() ? texts.size() : items.size();
    if (n != k.required.size() && n != k.required.size() + k.optional.size()) {
      r_.Fail(v, fmt::format("{}: {} takes {} values ({})", Echo(name), k.kind, k.required.size(),
                             fmt::join(k.required, ", ")));
    }
    std::vector<double> out;
    for (size_t i = 0; i < n; ++i) {
      const std::optional<Value> parsed =
          v.IsScalar() ? Value::Parse(texts[i]) : std::optional<Value>();
      if (v.IsScalar() && (!parsed || !parsed->is_number()))
        r_.Fail(v, fmt::format("{}: '{}' is not a number", Echo(name), Echo(texts[i])));
      out.push_back(v.IsScalar() ? parsed->as_double() : r_.Number(items[i], name, true));
    }
    if (n > k.required.size() && std::string(k.optional[0]) == "size")
      r_.Fail(v,
              fmt::format("{}: size draws a tensor of values; hpo searches scalars", Echo(name)));
    if (k.ordered && out[0] >= out[1])  // Range._deserialize
      r_.Fail(v, fmt::format("{}: {} must be strictly higher than {}", Echo(name), k.required[1],
                             k.required[0]));
    if (k.required.size() == 3 && out[2] == 0)
      r_.Fail(v, fmt::format("{}: {} cannot be 0", Echo(name), k.required[2]));
    return out;
  }

  void ReadChoice(const std::string& name, const YAML::Node& key_node, const YAML::Node& v) {
    if (!v.IsSequence()) r_.Fail(v, fmt::format("{}: choices are a list", Echo(name)));
    r_.AddCategorical(name, key_node, r_.Values(v, name));
  }

  // [[value, probability], ...]: numpy's multinomial gives the last value what the others leave
  // (1 - their sum), whatever is written for it; Polyaxon refuses a sum above 1.
  void ReadPChoice(const std::string& name, const YAML::Node& key_node, const YAML::Node& v) {
    if (hyperopt_)  // matrix/hyperopt.py:50-53
      r_.Fail(v, fmt::format("{}: pchoice is not supported by Hyperopt (Polyaxon refuses it)",
                             Echo(name)));
    if (bo_)  // a distribution, not uniform (validate_bo_matrix)
      r_.Fail(v, fmt::format("{}: pchoice is not uniform, which Polyaxon's bayesian optimization "
                             "refuses",
                             Echo(name)));
    if (!v.IsSequence() || v.size() == 0)
      r_.Fail(v, fmt::format("{}: pchoice is a list of [value, probability]", Echo(name)));
    std::vector<Value> values;
    std::vector<double> probabilities;
    double sum = 0, written = 0;
    for (const YAML::Node& pair : v) {
      if (!pair.IsSequence() || pair.size() != 2)
        r_.Fail(pair, fmt::format("{}: each pchoice entry is [value, probability]", Echo(name)));
      const double p = r_.Number(pair[1], name);
      if (!(p >= 0 && p < 1))
        r_.Fail(pair[1], fmt::format("{}: a probability is in [0, 1)", Echo(name)));
      values.push_back(ValueFromYaml(pair[0], r_.At(pair[0])));
      probabilities.push_back(p);
      written += p;
      if (values.size() < v.size()) sum += p;
    }
    if (written > 1 + 1e-12)
      r_.Fail(v, fmt::format("{}: the probabilities sum to {}, above 1", Echo(name),
                             FormatDouble(written)));
    probabilities.back() = 1 - sum;
    if (std::fabs(written - 1) > 1e-9) {
      c_.notes.push_back(
          fmt::format("{}: the probabilities sum to {}: numpy gives the last value "
                      "the rest, {}",
                      name, FormatDouble(written), FormatDouble(1 - sum)));
    }
    r_.AddCategorical(name, key_node, std::move(values), std::nullopt, std::move(probabilities));
  }

  // range/linspace/logspace/geomspace: a list of values, drawn with equal odds or each run by
  // the grid. An integer range keeps its order (int_uniform with its step); the others are
  // their values, computed as numpy computes them.
  void ReadSpace(const std::string& name, const YAML::Node& key_node, const YAML::Node& v,
                 const std::string& kind, const std::vector<double>& a) {
    std::vector<Value> values;
    if (kind == "range") {
      const double count = std::ceil((a[1] - a[0]) / a[2]);
      if (!(count >= 1) || count > 100'000)
        r_.Fail(v, fmt::format("{}: range gives {} values", Echo(name), FormatDouble(count)));
      const bool whole = a[0] == std::floor(a[0]) && a[2] == std::floor(a[2]) && a[2] > 0;
      const double last = a[0] + (count - 1) * a[2];
      if (whole && count > 1)
        return r_.AddNumeric(name, key_node, "int_uniform", a[0], last, std::nullopt, std::nullopt,
                             a[2]);
      for (int i = 0; i < count; ++i) values.push_back(Value(a[0] + i * a[2]));
      return r_.AddCategorical(name, key_node, std::move(values));
    }
    const double num = a[2];
    if (num != std::floor(num) || num < 1 || num > 100'000)
      r_.Fail(v, fmt::format("{}: num must be a whole number >= 1", Echo(name)));
    const double base = a.size() > 3 ? a[3] : 10.0;
    if (kind == "geomspace" && (a[0] <= 0 || a[1] <= 0))
      r_.Fail(v, fmt::format("{}: geomspace needs start and stop > 0", Echo(name)));
    const double step = num > 1 ? (a[1] - a[0]) / (num - 1) : 0.0;
    for (int i = 0; i < num; ++i) {
      const bool last = num > 1 && i + 1 == num;  // numpy sets the endpoint exactly
      double x = last ? a[1] : i * step + a[0];   // np.linspace
      if (kind == "logspace") x = std::pow(base, x);
      if (kind == "geomspace" && !last && i > 0) x = a[0] * std::pow(a[1] / a[0], i / (num - 1));
      values.push_back(Value(x));
    }
    r_.AddCategorical(name, key_node, std::move(values));
  }

  void ReadDistribution(const std::string& name, const YAML::Node& key_node, const YAML::Node& v,
                        const std::string& kind, const std::vector<double>& a) {
    auto positive = [&](double sigma) {
      if (!(sigma > 0)) r_.Fail(v, fmt::format("{}: scale must be > 0", Echo(name)));
    };
    if (kind == "uniform") return r_.AddNumeric(name, key_node, "uniform", a[0], a[1]);
    if (kind == "loguniform")  // exp(uniform(low, high))
      return r_.AddNumeric(name, key_node, "loguniform", std::exp(a[0]), std::exp(a[1]));
    if (kind == "normal" || kind == "lognormal") {
      positive(a[1]);
      // numpy's lognormal(mean=loc, sigma=scale) is exp(N(loc, scale)): W&B's log_normal
      return r_.AddNormal(name, key_node, kind == "normal" ? "normal" : "log_normal", a[0], a[1],
                          1);
    }
    const double q = a[2];
    if (!(q > 0)) r_.Fail(v, fmt::format("{}: q must be > 0", Echo(name)));
    if (hyperopt_) return ReadHyperoptQ(name, key_node, v, kind, a);
    if (kind == "quniform") {  // floor(U[low, high) / q) * q: dist.py:25-27
      if (!(a[0] < a[1]))
        r_.Fail(v, fmt::format("{}: quniform needs low < high (hpo reads [low, high), as numpy "
                               "draws it when low < high)",
                               Echo(name)));
      const double lo = a[0] / q, hi = a[1] / q;
      if (lo == std::round(lo) && hi == std::round(hi))  // low, low + q, ..., high - q: even
        return r_.AddNumeric(name, key_node, "discrete_uniform", a[0], a[1] - q, std::nullopt,
                             std::nullopt, q);
      r_.AddNumeric(name, key_node, "q_uniform", a[0], a[1], std::nullopt, std::nullopt, q);
      return r_.FloorToQ(name);
    }
    if (kind == "qnormal") {  // floor(N(loc, scale) / q) * q = round(N(loc - q/2, scale) / q) * q
      positive(a[1]);
      return r_.AddNormal(name, key_node, "q_normal", a[0] - q / 2, a[1], q);
    }
    if (kind == "qloguniform") {  // floor(exp(U[low, high)) / q) * q: dist.py:35-37
      r_.AddNumeric(name, key_node, "q_log_uniform_values", std::exp(a[0]), std::exp(a[1]),
                    std::nullopt, std::nullopt, q);
      return r_.FloorToQ(name);
    }
    if (!v1_)  // v0's matrix.py:141-143 returns np.exp(lognormal(...)): q is never used
      r_.Fail(v, fmt::format("{}: Polyaxon v0's qlognormal draws exp() of a log-normal draw and "
                             "never uses q (polyaxon_schemas matrix.py:141-143); write lognormal "
                             "for a log-normal, or Polyaxon v1's qlognormal for one floored to q",
                             Echo(name)));
    positive(a[1]);  // floor(exp(N(loc, scale)) / q) * q: dist.py:53-55
    r_.AddNormal(name, key_node, "q_log_normal", a[0], a[1], q);
    r_.FloorToQ(name);
  }

  // Under hyperopt the q kinds are hyperopt's: round(x / q) * q, as W&B's q distributions.
  void ReadHyperoptQ(const std::string& name, const YAML::Node& key_node, const YAML::Node& v,
                     const std::string& kind, const std::vector<double>& a) {
    const double q = a[2];
    if (kind == "quniform")
      return r_.AddNumeric(name, key_node, "q_uniform", a[0], a[1], std::nullopt, std::nullopt, q);
    if (kind == "qloguniform")
      return r_.AddNumeric(name, key_node, "q_log_uniform_values", std::exp(a[0]), std::exp(a[1]),
                           std::nullopt, std::nullopt, q);
    if (!(a[1] > 0)) r_.Fail(v, fmt::format("{}: scale must be > 0", Echo(name)));
    r_.AddNormal(name, key_node, kind == "qnormal" ? "q_normal" : "q_log_normal", a[0], a[1], q);
  }

  SweepReading& r_;
  SweepConfig& c_;
  bool v1_;
};

// A metric {name, optimization: maximize | minimize} (v1's OptimizationMetric, v0's
// SearchMetric).
void ReadMetric(SweepReading& r, const YAML::Node& metric, const std::string& path) {
  r.Map(metric, path);
  for (const auto& p : metric) {
    const std::string key = r.Key(p.first);
    if (key == "name")
      r.SetMetric(p.second, path + ".name");
    else if (key == "optimization")
      r.SetGoal(p.second, path + ".optimization");
    else
      r.Ignore(fmt::format("{}.{}", path, key));
  }
}

// Hyperband re-runs a configuration with more of `resource` (a parameter Polyaxon sets: its
// max_iterations * eta^-bracket, hypertune search_managers/hyperband/manager.py:70-80), from
// max_iterations * eta^-s_max, s_max = int(log(max_iterations) / log(eta)) (hyperband.py:363).
// hpo runs each trial with the whole resource and prunes it at those step counts.
void ReadHyperband(SweepReading& r, const YAML::Node& section, const std::string& path,
                   const char* max_key) {
  SweepConfig& c = r.config();
  if (!section[max_key] || !section["eta"] || !section["resource"])
    r.Fail(section, fmt::format("{} needs {}, eta and resource", path, max_key));
  const int64_t max_iter = r.Integer(section[max_key], path + "." + max_key, 1);
  const double eta = r.Number(section["eta"], path + ".eta");
  if (eta != std::floor(eta) || eta < 2)
    r.Fail(section["eta"], fmt::format("{}.eta {}: hpo's hyperband takes a whole eta >= 2", path,
                                       FormatDouble(eta)));
  const YAML::Node resource = section["resource"];
  if (!resource.IsMap() || !resource["name"])
    r.Fail(resource, fmt::format("{}.resource needs name", path));
  const int s_max = static_cast<int>(std::log(static_cast<double>(max_iter)) / std::log(eta));
  const int64_t min_resource =
      std::max<int64_t>(1, static_cast<int64_t>(max_iter * std::pow(eta, -s_max)));
  c.sampler.method = "random";
  c.pruner.method = "hyperband";
  c.pruner.halving_rule.min_resource = min_resource;
  c.pruner.halving_rule.max_resource = max_iter;
  c.pruner.halving_rule.reduction_factor = static_cast<int>(eta);
  const std::string name = r.Text(resource["name"], path + ".resource.name");
  const bool is_float = resource["type"] && r.Text(resource["type"], "resource.type") == "float";
  r.SetFixed(name, resource["name"],
             is_float ? Value(static_cast<double>(max_iter)) : Value(max_iter),
             r.At(resource["name"]));
  c.notes.push_back(fmt::format(
      "{}: Polyaxon's hyperband reruns a configuration with {} from {} to {} (eta {}); hpo runs "
      "each trial with {} and prunes it at those step counts: the trial reports its metric once "
      "per unit of {}",
      name, name, min_resource, max_iter, FormatDouble(eta), max_iter, name));
  if (section["metric"]) ReadMetric(r, section["metric"], path + ".metric");
}

// early_stopping / earlyStopping: [{metric, value, optimization}] stops the whole group once a
// run's metric reaches value (v1: kind metric_early_stopping): hpo's target, for one metric.
void ReadEarlyStopping(SweepReading& r, const YAML::Node& list, const std::string& path) {
  if (!list.IsSequence() || list.size() != 1)
    r.Fail(list, fmt::format("{}: hpo stops a sweep at one target: give one entry", path));
  const YAML::Node e = list[0];
  r.Map(e, path);
  if (e["kind"] && r.Text(e["kind"], path + ".kind") != "metric_early_stopping")
    r.Fail(e["kind"], fmt::format("{}.kind: hpo reads metric_early_stopping only", path));
  if (!e["metric"] || !e["value"]) r.Fail(e, fmt::format("{} needs metric and value", path));
  r.SetMetric(e["metric"], path + ".metric");
  if (e["optimization"]) r.SetGoal(e["optimization"], path + ".optimization");
  r.config().target = r.Number(e["value"], path + ".value");
  if (e["policy"]) r.Ignore(path + ".policy");
}

}  // namespace

bool MatchesPolyaxon(const YAML::Node& root) {
  if (!root.IsMap()) return false;
  if (root["hptuning"] && root["hptuning"].IsMap()) return true;
  const YAML::Node matrix = root["matrix"];
  if (!matrix || !matrix.IsMap() || !matrix["kind"] || !matrix["kind"].IsScalar()) return false;
  for (const char* kind :
       {"random", "grid", "hyperband", "bayes", "hyperopt", "iterative", "mapping"}) {
    if (matrix["kind"].Scalar() == kind) return true;
  }
  return false;
}

void ReadPolyaxonV0(SweepReading& r, const YAML::Node& hptuning) {
  SweepConfig& c = r.config();
  PolyaxonReader reader(r, false);
  // hptuning.py:364-371: grid search unless another algorithm is named
  reader.grid_ = hptuning["grid_search"] ||
                 !(hptuning["random_search"] || hptuning["hyperband"] || hptuning["bo"]);
  reader.bo_ = static_cast<bool>(hptuning["bo"]);
  c.sampler.method = reader.grid_ ? "grid" : "random";
  for (const auto& p : hptuning) {
    const std::string key = r.Key(p.first);
    const std::string path = "hptuning." + key;
    const YAML::Node& v = p.second;
    if (key == "matrix") {
      r.Map(v, path);
      for (const auto& q : v) reader.ReadParam(r.Key(q.first), q.first, q.second);
    } else if (key == "concurrency") {
      c.n_jobs = r.Int(v, path, 1);
    } else if (key == "seed") {
      c.seed = static_cast<uint64_t>(r.Integer(v, path, 0));
    } else if ((key == "random_search" || key == "grid_search") && v.IsMap() &&
               v["n_experiments"]) {
      c.n_trials = r.Int(v["n_experiments"], path + ".n_experiments", 1);
    } else if (key == "random_search" || key == "grid_search") {
      continue;
    } else if (key == "hyperband") {
      ReadHyperband(r, v, path, "max_iter");
    } else if (key == "early_stopping") {
      ReadEarlyStopping(r, v, path);
    } else if (key == "bo") {
      c.sampler.method = "protein";
      c.notes.push_back(
          "Polyaxon's bo (a Gaussian process) is searched with hpo's GP sampler (protein)");
      if (v["n_iterations"] && v["n_initial_trials"])
        c.n_trials = r.Int(v["n_iterations"], path, 1) + r.Int(v["n_initial_trials"], path, 0);
      if (v["metric"]) ReadMetric(r, v["metric"], path + ".metric");
    } else {
      r.Fail(p.first, fmt::format("{}: hpo does not read it (it reads matrix, concurrency, seed, "
                                  "random_search, grid_search, hyperband, bo, early_stopping)",
                                  Echo(path)));
    }
  }
}

void ReadPolyaxonMatrix(SweepReading& r, const YAML::Node& matrix) {
  SweepConfig& c = r.config();
  PolyaxonReader reader(r, true);
  const std::string kind = r.Text(matrix["kind"], "matrix.kind");
  if (kind == "iterative" || kind == "mapping") {
    r.Fail(matrix["kind"], fmt::format("matrix kind {}: {}", kind,
                                       kind == "mapping" ? "runs a list of given configurations, "
                                                           "not a search: hpo cannot"
                                                         : "its tuner is the user's own code, "
                                                           "which hpo cannot run"));
  }
  reader.grid_ = kind == "grid";
  reader.hyperopt_ = kind == "hyperopt";
  reader.bo_ = kind == "bayes";
  c.sampler.method = kind == "grid"       ? "grid"
                     : kind == "bayes"    ? "protein"
                     : kind == "hyperopt" ? "tpe"
                                          : "random";
  if (kind == "bayes")
    c.notes.push_back(
        "Polyaxon's bayes (a Gaussian process) is searched with hpo's GP sampler (protein)");
  if (kind == "hyperband") ReadHyperband(r, matrix, "matrix", "maxIterations");
  for (const auto& p : matrix) {
    const std::string key = r.Key(p.first);
    const std::string path = "matrix." + key;
    const YAML::Node& v = p.second;
    if (key == "kind") continue;
    if (key == "params") {
      r.Map(v, path);
      for (const auto& q : v) reader.ReadParam(r.Key(q.first), q.first, q.second);
    } else if (key == "numRuns" || (key == "maxIterations" && kind != "hyperband")) {
      c.n_trials = r.Int(v, path, 1);
    } else if (key == "concurrency") {
      c.n_jobs = r.Int(v, path, 1);
    } else if (key == "seed") {
      c.seed = static_cast<uint64_t>(r.Integer(v, path, 0));
    } else if (key == "metric" && kind != "hyperband") {
      ReadMetric(r, v, path);
    } else if (key == "algorithm") {  // hyperopt: tpe, rand, anneal
      const std::string algorithm = r.Text(v, path);
      c.sampler.method = algorithm == "rand" ? "random" : "tpe";
      if (algorithm == "anneal")
        c.notes.push_back("hyperopt's anneal has no hpo sampler: tpe is used");
    } else if (key == "numInitialRuns") {
      c.sampler.tpe.n_startup_trials = r.Int(v, path, 0);
    } else if (key == "earlyStopping") {
      ReadEarlyStopping(r, v, path);
    } else if (key == "tuner") {
      r.Fail(p.first,
             fmt::format("{}: a tuner is the user's own code, which hpo cannot run", path));
    } else if (kind == "hyperband" &&
               (key == "maxIterations" || key == "eta" || key == "resource" || key == "metric")) {
      continue;  // read by ReadHyperband
    } else {
      r.Ignore(path);  // kind, resume, utilityFunction
    }
  }
}

void ReadPolyaxon(SweepReading& r, const YAML::Node& root) {
  const bool v0 = root["hptuning"] && root["hptuning"].IsMap();
  r.config().vocabulary = v0 ? "Polyaxon v0 (hptuning.matrix)" : "Polyaxon v1 (matrix)";
  for (const auto& p : root) {
    const std::string key = r.Key(p.first);
    if (key == "hptuning" && v0) {
      ReadPolyaxonV0(r, p.second);
    } else if (key == "matrix" && !v0) {
      ReadPolyaxonMatrix(r, p.second);
    } else if (key == "params" && !v0 && p.second.IsMap()) {  // the operation's inputs
      for (const auto& q : p.second) {
        const std::string name = r.Key(q.first);
        if (q.second.IsMap() && q.second["value"])
          r.SetFixed(name, q.first, ValueFromYaml(q.second["value"], r.At(q.second["value"])),
                     r.At(q.second["value"]));
        else
          r.Ignore("params." + name);  // a ref or a connection
      }
    } else {
      r.Ignore(key);  // version, kind, name, build, run, component, environment...
    }
  }
  r.config().notes.push_back(
      "Polyaxon puts each value into the run's command ({{ name }}); hpo passes them as "
      "arguments (give the program with --command)");
}

}  // namespace hpo::config
