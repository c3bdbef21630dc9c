// ConfigSpace (automl/ConfigSpace, read at 1.2.2, commit 5c35929; the version automl/hypersweeper
// pins, configspace~=1.2.0) YAML, as hypersweeper and ARLBench write their search spaces:
// `hyperparameters:` (a list of mappings with `name`, or a mapping keyed by name, which
// hypersweeper's search_space_encoding.py turns into that list), `conditions:`, `forbiddens:`,
// bare or as the Hydra config's `hydra.sweeper.search_space`. Read as
// ConfigurationSpace.from_serialized_dict decodes it (read_and_write/dictionary.py):
//  - uniform_float [lower, upper], log on a log axis; uniform_int the same with the bounds
//    rounded by np.rint (uniform_integer.py:97-98) and both included; lower >= upper and a log
//    axis from <= 0 are refused as hp_components.py:281-291 refuses them;
//  - categorical `choices` with `weights` (normalised); ordinal `sequence` as a categorical (a
//    note: hpo's samplers do not use its order); constant `value` as a fixed value;
//  - `default`/`default_value` is the configuration SMAC starts from, not the space (ignored);
//    `q` is dropped by ConfigSpace 1.x with a warning (dictionary.py:58), so it is here, noted;
//  - normal_float is a normal truncated to [lower, upper]: hpo's truncated_normal (log: true,
//    whose sigma ConfigSpace rescales oddly, refused); normal_int (a truncated normal discretised
//    on ConfigSpace's unit grid) and beta_float/int have no hpo distribution: refused.
// Conditions: EQ and IN are "parent takes one of these values", as hpo's are; NEQ on a
// categorical or ordinal parent is IN of its other values. GT and LT on a numeric parent are
// hpo's range conditions (strict, as conditions.py compares); on an ordinal, IN of the values
// after or before in its sequence; an AND of GT and LT on one numeric parent is one range.
// NEQ on a numeric parent, other ANDs, OR, a second condition on one child
// (_condition_tree.py:680) and forbiddens are refused at their line: hpo cannot state them.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "lib/config/vocabularies/vocabulary.h"
#include "lib/config/yaml_source.h"

namespace hpo::config {
namespace {

const std::set<std::string>& ConfigSpaceTypes() {
  static const std::set<std::string> kTypes = {"uniform_float", "uniform_int", "normal_float",
                                               "normal_int",    "beta_float",  "beta_int",
                                               "categorical",   "ordinal",     "constant"};
  return kTypes;
}

// The hyperparameters as (name node, spec) pairs, whichever of the two layouts the file uses.
std::vector<std::pair<YAML::Node, YAML::Node>> Entries(const YAML::Node& hps) {
  std::vector<std::pair<YAML::Node, YAML::Node>> entries;
  if (hps.IsSequence()) {
    for (const YAML::Node& hp : hps) entries.emplace_back(hp.IsMap() ? hp["name"] : hp, hp);
  } else if (hps.IsMap()) {
    for (const auto& p : hps) entries.emplace_back(p.first, p.second);
  }
  return entries;
}

// A ConfigSpace space: every hyperparameter a mapping with one of ConfigSpace's types, and one
// that Determined's `hyperparameters:` (type double|int|log|const|categorical with vals) lacks.
bool IsConfigSpaceSpace(const YAML::Node& space) {
  if (!space.IsMap() || !space["hyperparameters"]) return false;
  const auto entries = Entries(space["hyperparameters"]);
  if (entries.empty()) return false;
  bool own_word = false;
  for (const auto& [name, spec] : entries) {
    if (!spec.IsMap() || !spec["type"] || !spec["type"].IsScalar()) return false;
    const std::string type = spec["type"].Scalar();
    if (!ConfigSpaceTypes().count(type)) return false;
    own_word |= type != "categorical" || spec["choices"];
  }
  return own_word;
}

YAML::Node WrappedSpace(const YAML::Node& root) {
  if (!root.IsMap() || !root["hydra"] || !root["hydra"].IsMap()) return YAML::Node();
  const YAML::Node sweeper = root["hydra"]["sweeper"];
  if (!sweeper || !sweeper.IsMap() || !sweeper["search_space"]) return YAML::Node();
  return sweeper["search_space"];  // a missing key's node would throw on IsMap()
}

class ConfigSpaceReader {
 public:
  explicit ConfigSpaceReader(SweepReading& r) : r_(r) {}

  void ReadSpace(const YAML::Node& space, const std::string& prefix) {
    for (const auto& p : space) {
      const std::string key = r_.Key(p.first);
      if (key == "hyperparameters") {
        for (const auto& [name, spec] : Entries(p.second)) ReadHyperparameter(name, spec);
      } else if (key == "conditions") {
        if (!p.second.IsSequence())
          r_.Fail(p.second, "ConfigSpace's conditions are a list of {child, parent, type, ...}");
        for (const YAML::Node& condition : p.second) ReadCondition(condition);
      } else if (key == "forbiddens") {
        if (p.second.IsSequence() && p.second.size() == 0) continue;
        r_.Fail(p.second,
                "forbiddens: hpo cannot exclude combinations of values; remove the "
                "forbidden clauses or the parameters they name");
      } else {
        r_.Ignore(prefix + key);  // seed, name, format_version: not the space
      }
    }
  }

 private:
  struct Known {
    YAML::Node spec;
    std::optional<std::vector<Value>> choices;  // categorical and ordinal
    bool ordinal = false;
    bool constant = false;
    bool conditioned = false;
  };

  void ReadHyperparameter(const YAML::Node& name_node, const YAML::Node& spec) {
    if (!name_node || !name_node.IsScalar())
      r_.Fail(spec, "every ConfigSpace hyperparameter in a list has a name:");
    const std::string& name = name_node.Scalar();
    if (!spec.IsMap() || !spec["type"])
      r_.Fail(spec,
              fmt::format("{}: a ConfigSpace hyperparameter is a mapping with type:", Echo(name)));
    if (known_.count(name))
      r_.Fail(name_node, fmt::format("{}: a second hyperparameter of this name", Echo(name)));
    const std::string type = r_.Text(spec["type"], name + ".type");
    if (!ConfigSpaceTypes().count(type))
      r_.Fail(spec["type"],
              fmt::format("{}: ConfigSpace has no type '{}' (its types: {})", Echo(name),
                          Echo(type), fmt::join(ConfigSpaceTypes(), ", ")));
    CheckKeys(name, type, spec);
    Known& known = known_[name];
    known.spec = spec;
    if (type == "uniform_float" || type == "uniform_int") return ReadUniform(name, name_node, spec);
    if (type == "categorical") {
      known.choices = Choices(name, spec["choices"], "choices");
      return r_.AddCategorical(name, name_node, *known.choices, std::nullopt,
                               Weights(name, spec, known.choices->size()));
    }
    if (type == "ordinal") {
      known.choices = Choices(name, spec["sequence"], "sequence");
      known.ordinal = true;
      r_.config().notes.push_back(fmt::format(
          "{}: ConfigSpace's ordinal is searched as a categorical of its sequence (hpo's "
          "samplers draw the same values but do not use their order)",
          name));
      return r_.AddCategorical(name, name_node, *known.choices);
    }
    if (type == "constant") {
      if (!spec["value"]) r_.Fail(spec, fmt::format("{}: a constant needs value:", Echo(name)));
      known.constant = true;
      return r_.SetFixed(name, name_node, ValueFromYaml(spec["value"], r_.At(spec["value"])),
                         r_.At(name_node));
    }
    if (type == "normal_float") return ReadNormalFloat(name, name_node, spec);
    r_.Fail(spec["type"],
            fmt::format("{}: ConfigSpace's {} is {} truncated to [lower, upper], which hpo has "
                        "no distribution for; write it as {}",
                        Echo(name), type,
                        type == "normal_int" ? "a normal rounded to integers and" : "a beta",
                        type == "normal_int" ? "uniform_int, or normal_float if whole numbers "
                                               "are not needed"
                                             : "uniform_" + type.substr(type.find('_') + 1)));
  }

  // normal_float.py:105-131: N(mu, sigma) truncated to [lower, upper] (scipy's truncnorm on the
  // unit axis, lower and upper mapped to 0 and 1, which is the same law on the values). With
  // log: true the axis is log(value) and sigma becomes |log(lower + sigma)| over the axis's width
  // (hp_components.py:352-356, vectorize_size): no normal of log(value) hpo would name, refused.
  void ReadNormalFloat(const std::string& name, const YAML::Node& key, const YAML::Node& spec) {
    for (const char* k : {"mu", "sigma", "lower", "upper"}) {
      if (!spec[k])
        r_.Fail(spec, fmt::format("{}: normal_float needs mu, sigma, lower and upper", Echo(name)));
    }
    if (spec["log"] && r_.Bool(spec["log"], name + ".log"))
      r_.Fail(spec["log"], fmt::format("{}: a normal_float with log: true is a normal of "
                                       "log(value) whose sigma ConfigSpace takes as "
                                       "|log(lower + sigma)|; hpo reads it with log: false, or "
                                       "write uniform_float with log: true",
                                       Echo(name)));
    const double mu = r_.Number(spec["mu"], name + ".mu");
    const double sigma = r_.Number(spec["sigma"], name + ".sigma");
    const double lower = r_.Number(spec["lower"], name + ".lower");
    const double upper = r_.Number(spec["upper"], name + ".upper");
    if (sigma == 0)  // truncnorm of scale 0: no spread
      r_.Fail(spec["sigma"], fmt::format("{}: a normal_float of sigma 0 has no spread; write it as "
                                         "type: constant with the value it should take",
                                         Echo(name)));
    if (lower >= upper)  // UnitScaler (hp_components.py:281-285)
      r_.Fail(spec, fmt::format("{}: upper bound {} must be larger than lower bound {}", Echo(name),
                                FormatDouble(upper), FormatDouble(lower)));
    r_.AddTruncatedNormal(name, key, mu, sigma, lower, upper);
  }

  // ConfigSpace passes the keys to the hyperparameter's constructor: another key is a TypeError.
  void CheckKeys(const std::string& name, const std::string& type, const YAML::Node& spec) {
    static const std::map<std::string, std::set<std::string>> kKeys = {
        {"uniform_float", {"lower", "upper", "log"}},
        {"uniform_int", {"lower", "upper", "log"}},
        {"normal_float", {"lower", "upper", "log", "mu", "sigma"}},
        {"normal_int", {"lower", "upper", "log", "mu", "sigma"}},
        {"beta_float", {"lower", "upper", "log", "alpha", "beta"}},
        {"beta_int", {"lower", "upper", "log", "alpha", "beta"}},
        {"categorical", {"choices", "weights"}},
        {"ordinal", {"sequence"}},
        {"constant", {"value"}}};
    for (const auto& p : spec) {
      const std::string key = r_.Key(p.first);
      if (key == "type" || key == "name" || kKeys.at(type).count(key)) continue;
      if (key == "default" || key == "default_value" || key == "meta") {
        r_.Ignore(fmt::format("{}.{}", name, key));  // where SMAC starts, not the space
      } else if (key == "q") {
        r_.config().notes.push_back(fmt::format(
            "{}: q is dropped by ConfigSpace 1.x (dictionary.py:58 warns 'The field q was "
            "removed'), so hpo searches without it too",
            name));
      } else {
        r_.Fail(p.first,
                fmt::format("{}: ConfigSpace's {} takes no key '{}'", Echo(name), type, Echo(key)));
      }
    }
  }

  void ReadUniform(const std::string& name, const YAML::Node& key, const YAML::Node& spec) {
    const bool is_int = spec["type"].Scalar() == "uniform_int";
    for (const char* bound : {"lower", "upper"}) {
      if (!spec[bound])
        r_.Fail(spec,
                fmt::format("{}: {} needs lower and upper", Echo(name), spec["type"].Scalar()));
    }
    double lower = r_.Number(spec["lower"], name + ".lower");
    double upper = r_.Number(spec["upper"], name + ".upper");
    if (is_int) lower = std::nearbyint(lower), upper = std::nearbyint(upper);  // np.rint
    const bool log = spec["log"] && r_.Bool(spec["log"], name + ".log");
    if (lower >= upper)
      r_.Fail(spec, fmt::format("{}: upper bound {} must be larger than lower bound {}", Echo(name),
                                FormatDouble(upper), FormatDouble(lower)));
    if (log && lower <= 0)
      r_.Fail(spec["lower"], fmt::format("{}: lower bound {} on a log scale must be > 0",
                                         Echo(name), FormatDouble(lower)));
    const std::string kind =
        is_int ? (log ? "int_loguniform" : "int_uniform") : (log ? "loguniform" : "uniform");
    r_.AddNumeric(name, key, kind, lower, upper);
  }

  std::vector<Value> Choices(const std::string& name, const YAML::Node& list, const char* key) {
    if (!list || !list.IsSequence() || list.size() == 0)
      r_.Fail(list ? list : known_[name].spec,
              fmt::format("{}: {} must be a list of at least one value", Echo(name), key));
    return r_.Values(list, name + "." + key);
  }

  std::vector<double> Weights(const std::string& name, const YAML::Node& spec, size_t n) {
    const YAML::Node weights = spec["weights"];
    if (!weights || weights.IsNull()) return {};
    if (!weights.IsSequence() || weights.size() != n)
      r_.Fail(weights, fmt::format("{}: weights must be a list of one number per choice ({})",
                                   Echo(name), n));
    std::vector<double> out;
    double sum = 0;
    for (size_t i = 0; i < n; ++i)
      sum += out.emplace_back(r_.Number(weights[i], fmt::format("{}.weights[{}]", name, i)));
    for (double& w : out) w /= sum;  // categorical.py:229 normalises them
    return out;
  }

  void ReadCondition(const YAML::Node& c) {
    const std::string type = ConditionType(c);
    if (type == "AND") return ReadAnd(c);
    if (type == "OR")
      r_.Fail(c["type"],
              "an OR of conditions makes a parameter depend on several; hpo's condition "
              "is one parent taking given values or lying in a range");
    const std::string child = Named(c, "child");
    Attach(c, child, Simple(c, type, child));
  }

  std::string ConditionType(const YAML::Node& c) {
    if (!c.IsMap() || !c["type"])
      r_.Fail(c, "a ConfigSpace condition is a mapping with type: (EQ, NEQ, IN, ...)");
    std::string type = r_.Text(c["type"], "conditions.type");
    if (type != "EQ" && type != "NEQ" && type != "IN" && type != "GT" && type != "LT" &&
        type != "AND" && type != "OR")
      r_.Fail(c["type"], fmt::format("ConfigSpace has no condition type '{}' (EQ, NEQ, LT, GT, "
                                     "IN, AND, OR)",
                                     Echo(type)));
    return type;
  }

  // EQ, IN, NEQ, GT or LT on one parent (conditions.py). GT and LT need an orderable parent
  // (:126-131): on a number they are a range condition; on an ordinal they compare positions in
  // its sequence (:141-147, to_vector), so they are IN of the values after or before.
  ParameterCondition Simple(const YAML::Node& c, const std::string& type,
                            const std::string& child) {
    const std::string parent = Named(c, "parent");
    const Known& from = known_.at(parent);
    const bool compares = type == "GT" || type == "LT";
    if (compares && (from.constant || (from.choices && !from.ordinal)))
      r_.Fail(c["type"], fmt::format("{}: a {} condition needs an orderable parent (a number or "
                                     "an ordinal), and '{}' is not; ConfigSpace refuses it too",
                                     Echo(child), type, Echo(parent)));
    if (type == "NEQ" && !from.choices)
      r_.Fail(c["type"], fmt::format("{}: a NEQ condition on the number '{}' is active on two "
                                     "ranges, which hpo's condition cannot state",
                                     Echo(child), Echo(parent)));
    const char* key = type == "IN" ? "values" : "value";
    if (!c[key]) r_.Fail(c, fmt::format("a {} condition needs {}:", type, key));
    ParameterCondition condition{parent, {}, r_.At(c)};
    if (compares && !from.choices) {
      (type == "GT" ? condition.above : condition.below) =
          r_.Number(c[key], "conditions." + std::string(key));
      return condition;
    }
    std::vector<Value>& values = condition.values;
    if (type == "IN") {
      if (!c[key].IsSequence()) r_.Fail(c[key], "an IN condition's values: is a list");
      values = r_.Values(c[key], "conditions.values");
    } else {
      values.push_back(ValueFromYaml(c[key], r_.At(c[key])));
    }
    for (size_t i = 0; i < values.size(); ++i) CheckLegal(c, key, i, from, parent, values[i]);
    if (type == "NEQ") values = OtherChoices(*from.choices, values.front());
    if (compares) values = Beyond(*from.choices, values.front(), type == "GT");
    return condition;
  }

  // An AND of GT and LT conditions on one numeric parent is the range between them; any other
  // AND makes the child depend on several parents or tests, which hpo's condition cannot state.
  void ReadAnd(const YAML::Node& c) {
    const YAML::Node parts = c["conditions"];
    if (!parts || !parts.IsSequence() || parts.size() < 2)
      r_.Fail(c, "an AND condition needs conditions: a list of at least two");
    std::optional<ParameterCondition> range;
    std::string child;
    for (const YAML::Node& part : parts) {
      const std::string type = ConditionType(part);
      const std::string parent = part.IsMap() && part["parent"] ? part["parent"].Scalar() : "";
      const bool numeric =
          known_.count(parent) && !known_.at(parent).choices && !known_.at(parent).constant;
      if ((type != "GT" && type != "LT") || !numeric || (range && range->parent != parent))
        r_.Fail(part,
                "an AND of conditions is read when its parts are GT and LT on one numeric "
                "parent (a range); other ANDs make a parameter depend on several tests, "
                "which hpo's condition cannot state");
      const std::string part_child = Named(part, "child");
      if (!child.empty() && part_child != child)
        r_.Fail(part["child"], "all the parts of an AND condition have the same child");
      child = part_child;
      const ParameterCondition one = Simple(part, type, child);
      if (!range) range = ParameterCondition{parent, {}, r_.At(c)};
      if (one.above) range->above = std::max(one.above.value(), range->above.value_or(-HUGE_VAL));
      if (one.below) range->below = std::min(one.below.value(), range->below.value_or(HUGE_VAL));
    }
    Attach(c, child, std::move(*range));
  }

  void Attach(const YAML::Node& c, const std::string& child, ParameterCondition condition) {
    Known& to = known_.at(child);
    if (to.conditioned)
      r_.Fail(c, fmt::format("{}: a second condition on it; ConfigSpace refuses that too "
                             "(_condition_tree.py:680 asks for an AND or OR)",
                             Echo(child)));
    to.conditioned = true;
    r_.SetCondition(child, std::move(condition));
  }

  std::string Named(const YAML::Node& c, const char* role) {
    if (!c[role]) r_.Fail(c, fmt::format("a condition needs {}:", role));
    std::string name = r_.Text(c[role], fmt::format("conditions.{}", role));
    if (!known_.count(name))
      r_.Fail(c[role], fmt::format("{} '{}' is no hyperparameter of this space", role, Echo(name)));
    return name;
  }

  // ConfigSpace refuses a condition value its parent cannot take (conditions.py).
  void CheckLegal(const YAML::Node& c, const char* key, size_t i, const Known& from,
                  const std::string& parent, const Value& v) {
    if (!from.choices) return;
    for (const Value& choice : *from.choices) {
      if (choice == v) return;
    }
    const YAML::Node at = c[key].IsSequence() ? c[key][i] : c[key];
    r_.Fail(at, fmt::format("'{}' is not a value of '{}' ({})", Echo(v.ToYaml()), Echo(parent),
                            fmt::join(ValuesText(*from.choices), ", ")));
  }

  static std::vector<std::string> ValuesText(const std::vector<Value>& values) {
    std::vector<std::string> out;
    out.reserve(values.size());
    for (const Value& v : values) out.push_back(v.ToYaml());
    return out;
  }

  // The values of an ordinal's sequence after `v` (or before it).
  static std::vector<Value> Beyond(const std::vector<Value>& sequence, const Value& v, bool after) {
    const auto at = std::find(sequence.begin(), sequence.end(), v);
    return after ? std::vector<Value>(at + 1, sequence.end())
                 : std::vector<Value>(sequence.begin(), at);
  }

  static std::vector<Value> OtherChoices(const std::vector<Value>& choices, const Value& not_) {
    std::vector<Value> out;
    for (const Value& v : choices) {
      if (!(v == not_)) out.push_back(v);
    }
    return out;
  }

  SweepReading& r_;
  std::map<std::string, Known> known_;
};

// hypersweeper's own example configs: `override hydra/sweeper: HyperRS` (HyperSMAC, ...) in
// `defaults`, and the space an interpolation of a config group (`search_space: ${search_space}`).
std::string HypersweeperSpaceGroup(const YAML::Node& root) {
  const YAML::Node space = WrappedSpace(root);
  if (!space || !space.IsScalar() || space.Scalar().rfind("${", 0) != 0) return "";
  if (!root["defaults"] || !root["defaults"].IsSequence()) return "";
  bool hypersweeper = false;
  std::string group;
  for (const YAML::Node& entry : root["defaults"]) {
    if (!entry.IsMap()) continue;
    for (const auto& p : entry) {
      if (!p.first.IsScalar() || !p.second.IsScalar()) continue;
      if (p.first.Scalar() == "override hydra/sweeper")
        hypersweeper = p.second.Scalar().rfind("Hyper", 0) == 0;
      if (p.first.Scalar() == "search_space") group = p.second.Scalar();
    }
  }
  return hypersweeper ? (group.empty() ? "?" : group) : "";
}

}  // namespace

bool MatchesConfigSpace(const YAML::Node& root) {
  return IsConfigSpaceSpace(root) || IsConfigSpaceSpace(WrappedSpace(root)) ||
         !HypersweeperSpaceGroup(root).empty();
}

// hypersweeper's spaces are Hydra configs, loaded by OmegaConf: inline, or a search_space group
// file whose hyperparameters are keyed by name (search_space_encoding.py:101-107 at 6918ecb3
// turns them into ConfigSpace's list). A bare list is ConfigSpace's own serialisation, read by
// ConfigurationSpace.from_json (json.load, configuration_space.py:1125) or from_yaml
// (yaml.safe_load, :1192).
YamlLoader ConfigSpaceLoader(const YAML::Node& root) {
  if (IsConfigSpaceSpace(root) && root["hyperparameters"].IsSequence())
    return YamlLoader::kJsonThenPyYaml;
  return YamlLoader::kOmegaConf;
}

void ReadConfigSpace(SweepReading& r, const YAML::Node& root) {
  ConfigSpaceReader reader(r);
  if (IsConfigSpaceSpace(root)) return reader.ReadSpace(root, "");
  const std::string group = HypersweeperSpaceGroup(root);
  if (!group.empty())  // hpo reads one file: the space is in the config group's
    r.Fail(WrappedSpace(root),
           fmt::format("hypersweeper's search space is the config group search_space{}, in "
                       "another file: run hpo on that file (its hyperparameters: and "
                       "conditions:), with this config's n_trials as --trials",
                       group == "?" ? "" : " (search_space/" + group + ".yaml)"));
  for (const auto& p : root) {
    const std::string key = r.Key(p.first);
    if (key != "hydra") r.Ignore(key);  // the program's own config
  }
  const YAML::Node sweeper = root["hydra"]["sweeper"];
  for (const auto& p : sweeper) {
    const std::string key = r.Key(p.first);
    if (key == "n_trials") {
      r.config().n_trials = r.Int(p.second, "hydra.sweeper.n_trials", 1);
    } else if (key != "search_space") {
      r.Ignore("hydra.sweeper." + key);  // hypersweeper's optimizer settings
    }
  }
  reader.ReadSpace(WrappedSpace(root), "hydra.sweeper.search_space.");
}

}  // namespace hpo::config
