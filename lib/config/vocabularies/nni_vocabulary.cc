// NNI (microsoft/nni, read at commit 767ed7f2): search-space files and experiment configs.
//  - A search space (search_space.json or .yaml) maps each name to {_type, _value}, checked as
//    nni/common/hpo_utils/validation.py checks it and read as formatting.py and the tuners read
//    it: randint [lower, upper) excludes upper; quniform and qloguniform round to multiples of q
//    and clip to [low, high] (hpo's clip_to_range); loguniform's bounds are values; lognormal
//    is exp(normal(mu, sigma)); the q normal kinds round without clipping. A nested choice (options
//    with _name) is a conditional space: the trial gets NAME._name and the chosen option's
//    parameters as NAME.KEY, each active only with its option (the dotted form of the nested
//    mapping formatting.py's deformat_parameters gives the trial).
//  - An experiment config (V2, keys matched as NNI matches them: case and underscores aside;
//    or the legacy V1 layout, by its trainingServicePlatform, as nnictl converts it) holds the
//    space inline or in searchSpaceFile (relative to the config's folder), the tuner (hpo's
//    nearest sampler), the budget and a Medianstop assessor (hpo's median pruner). Its trials
//    get their parameters from nni.get_next_parameter(), which only NNI's runtime answers, so
//    the config needs --command.
#include <fmt/format.h>

#include <cmath>
#include <map>
#include <set>

#include "lib/config/vocabularies/vocabulary.h"
#include "lib/config/yaml_source.h"

namespace hpo::config {
namespace {

bool IsNniSpec(const YAML::Node& v) { return v.IsMap() && v["_type"] && v["_value"]; }

// A nested choice: its options are mappings with _name (formatting.py _is_nested_choices).
bool HasNamedOption(const YAML::Node& values) {
  for (const YAML::Node& option : values) {
    if (option.IsMap() && option["_name"]) return true;
  }
  return false;
}

class NniSpaceReader {
 public:
  explicit NniSpaceReader(SweepReading& r) : r_(r) {}

  void ReadSpace(const YAML::Node& space) {
    if (!space.IsMap() || space.size() == 0)
      r_.Fail(space, "an NNI search space must be a mapping of {_type, _value} specs");
    for (const auto& p : space) ReadSpec(r_.Key(p.first), p.first, p.second);
  }

 private:
  // validation.py:42-83, with its messages' words. Returns the name of the parameter it added
  // (NAME._name for a nested choice).
  std::string ReadSpec(const std::string& name, const YAML::Node& key, const YAML::Node& spec) {
    ReadSpecOf(name, key, spec);
    return spec["_type"].Scalar() == "choice" && HasNamedOption(spec["_value"]) ? name + "._name"
                                                                                : name;
  }

  void ReadSpecOf(const std::string& name, const YAML::Node& key, const YAML::Node& spec) {
    if (!IsNniSpec(spec))
      r_.Fail(spec,
              fmt::format("search space \"{}\" does not have \"_type\" or \"_value\"", Echo(name)));
    const std::string type = r_.Text(spec["_type"], name + "._type");
    const YAML::Node args = spec["_value"];
    if (!args.IsSequence())
      r_.Fail(args, fmt::format("search space \"{}\"'s _value is not a list", Echo(name)));
    if (type == "choice") return ReadChoice(name, key, args);
    static const std::set<std::string> kNumeric = {"randint",    "uniform",     "quniform",
                                                   "loguniform", "qloguniform", "normal",
                                                   "qnormal",    "lognormal",   "qlognormal"};
    if (!kNumeric.count(type)) {
      r_.Fail(spec["_type"],
              fmt::format("search space \"{}\" has unsupported type \"{}\" (NNI's types: "
                          "choice, randint, uniform, quniform, loguniform, qloguniform, "
                          "normal, qnormal, lognormal, qlognormal)",
                          Echo(name), Echo(type)));
    }
    const size_t wanted = type[0] == 'q' ? 3 : 2;
    if (args.size() != wanted)
      r_.Fail(args, fmt::format("search space \"{}\" ({}) must have {} values", Echo(name), type,
                                wanted));
    if (type == "randint") return ReadRandint(name, key, args);
    std::vector<double> v;
    for (size_t i = 0; i < wanted; ++i)
      v.push_back(r_.Number(args[i], fmt::format("{}._value[{}]", name, i)));
    if (type.find("normal") != std::string::npos) return ReadNormal(name, key, type, args, v);
    if (v[0] >= v[1])
      r_.Fail(args, fmt::format("search space \"{}\" ({}) must have high > low", Echo(name), type));
    if (type.find("log") != std::string::npos && v[0] <= 0)
      r_.Fail(args, fmt::format("search space \"{}\" ({}) must have low > 0", Echo(name), type));
    if (wanted == 3) CheckQ(name, args, v[2]);
    if (type == "uniform") return r_.AddNumeric(name, key, "uniform", v[0], v[1]);
    if (type == "loguniform") return r_.AddNumeric(name, key, "loguniform", v[0], v[1]);
    r_.AddNumeric(name, key, type == "quniform" ? "q_uniform" : "q_log_uniform_values", v[0], v[1],
                  std::nullopt, std::nullopt, v[2]);
    r_.ClipToRange(name);  // deformat_parameters (formatting.py:131-135): round to q, then clip
  }

  void ReadChoice(const std::string& name, const YAML::Node& key, const YAML::Node& args) {
    if (HasNamedOption(args)) return ReadNestedChoice(name, key, args);
    std::vector<Value> values = r_.Values(args, name + "._value");
    // validation.py:55-59 (bool counts: Python's bool is an int)
    for (size_t i = 0; i < values.size(); ++i) {
      if (!values[i].is_number() && !values[i].is_string() && !values[i].is_bool())
        r_.Fail(args[i], fmt::format("search space \"{}\" (choice) should only contain numbers "
                                     "or strings, got '{}'",
                                     Echo(name), Echo(values[i].ToYaml())));
    }
    r_.AddCategorical(name, key, std::move(values));
  }

  // The options' names are NAME._name; each option's parameters are NAME.KEY, active only with
  // that option (formatting.py: a nested spec's key is (NAME, index, KEY), activated when NAME's
  // index is that index; deformat_parameters nests them under NAME beside _name). A KEY that
  // several options give with the same space is one parameter active with each of them.
  void ReadNestedChoice(const std::string& name, const YAML::Node& key, const YAML::Node& args) {
    std::vector<Value> names;
    std::vector<std::string> order;
    std::map<std::string, std::vector<std::pair<Value, YAML::Node>>> children;  // KEY -> options
    std::map<std::string, YAML::Node> child_keys;
    for (const YAML::Node& option : args) {
      if (!option.IsMap() || !option["_name"])
        r_.Fail(option, fmt::format("search space \"{}\": every option of a nested choice "
                                    "is a mapping with _name",
                                    Echo(name)));
      const Value option_name = ValueFromYaml(option["_name"], r_.At(option["_name"]));
      names.push_back(option_name);
      for (const auto& p : option) {
        const std::string child = r_.Key(p.first);
        if (child == "_name") continue;
        if (!children.count(child)) order.push_back(child), child_keys[child] = p.first;
        children[child].emplace_back(option_name, p.second);
      }
    }
    r_.AddCategorical(name + "._name", key, names);
    for (const std::string& child : order) {
      const auto& options = children[child];
      for (const auto& [option_name, spec] : options) {
        if (YAML::Dump(spec) != YAML::Dump(options.front().second))
          r_.Fail(spec, fmt::format("{}.{}: options {} and {} give it different spaces, and the "
                                    "trial gets one value under that name: name them apart",
                                    Echo(name), Echo(child), options.front().first.ToYaml(),
                                    option_name.ToYaml()));
      }
      std::string path = name;
      path.append(".").append(child);
      const std::string added = ReadSpec(path, child_keys[child], options.front().second);
      if (names.size() == 1) continue;  // one option: always active
      ParameterCondition condition{name + "._name", {}, r_.At(child_keys[child])};
      for (const auto& option : options) condition.values.push_back(option.first);
      r_.SetCondition(added, std::move(condition));
    }
  }

  // [lower, upper): formatting.py:197-199 counts upper - lower values from lower.
  void ReadRandint(const std::string& name, const YAML::Node& key, const YAML::Node& args) {
    int64_t bounds[2];
    for (int i = 0; i < 2; ++i) {
      const Value v = ValueFromYaml(args[i], r_.At(args[i]));
      if (!v.is_int())
        r_.Fail(args[i], fmt::format("search space \"{}\" (randint) must have int values, got "
                                     "'{}'",
                                     Echo(name), Echo(v.ToYaml())));
      bounds[i] = v.as_int();
    }
    if (bounds[0] >= bounds[1])
      r_.Fail(args, fmt::format("search space \"{}\" (randint) must have high > low", Echo(name)));
    r_.AddNumeric(name, key, "int_uniform", static_cast<double>(bounds[0]),
                  static_cast<double>(bounds[1] - 1), std::nullopt, std::nullopt, 1.0,
                  /*one_value_ok=*/true);  // randint [0, 1] is NNI's single value 0
  }

  // normal, lognormal: mu and sigma of the value's (natural) log for the log kinds, as numpy's
  // lognormal; qnormal, qlognormal round to multiples of q and are not clipped.
  void ReadNormal(const std::string& name, const YAML::Node& key, const std::string& type,
                  const YAML::Node& args, const std::vector<double>& v) {
    if (v[1] <= 0)
      r_.Fail(args, fmt::format("search space \"{}\" ({}) must have sigma > 0", Echo(name), type));
    const bool q = type[0] == 'q';
    if (q) CheckQ(name, args, v[2]);
    const std::string kind = type == "lognormal"    ? "log_normal"
                             : type == "qlognormal" ? "q_log_normal"
                             : type == "qnormal"    ? "q_normal"
                                                    : "normal";
    r_.AddNormal(name, key, kind, v[0], v[1], q ? v[2] : 1.0);
  }

  // NNI takes any q (validation.py has no rule); q <= 0 divides by zero in deformat_parameters.
  void CheckQ(const std::string& name, const YAML::Node& args, double q) {
    if (q <= 0)
      r_.Fail(args[2], fmt::format("search space \"{}\": q must be > 0, got {}", Echo(name),
                                   FormatDouble(q)));
  }

  SweepReading& r_;
};

}  // namespace

bool MatchesNniSearchSpace(const YAML::Node& root) {
  if (!root.IsMap() || root.size() == 0) return false;
  for (const auto& p : root) {
    if (!IsNniSpec(p.second)) return false;
  }
  return true;
}

void ReadNniSearchSpace(SweepReading& r, const YAML::Node& root) {
  NniSpaceReader(r).ReadSpace(root);
}

}  // namespace hpo::config
