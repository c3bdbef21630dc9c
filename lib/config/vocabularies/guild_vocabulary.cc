// Guild AI's guild.yml (github:guildai/guildai dfbefedb): operations, at the top level
// (guild/guildfile.py:300-318, an anonymous model), under `operations:`, or in a list of
// `model:` items. One operation is read: `--preset NAME` (NAME or MODEL:NAME), else the first
// with a searched flag. Its `flags:` hold defaults (guildfile.py:421-428); Guild runs a batch
// when one is a list or a flag function (commands/run_impl.py:1571-1579): `random` when a flag
// function is there, else `+`, every combination of the lists. A list is a categorical
// dimension; `uniform[a:b]`, `[a:b]` (flag_util.py:26, 319-332) and `loguniform[a:b]` are
// skopt dimensions (plugins/skopt_util.py:123-192): two integers make an Integer range, else a
// Real one; a third argument is the first trial's value, not a step. The operation's
// `optimizer`/`optimizers` (the one `guild run OP --optimize` takes), `default-max-trials`,
// `objective` (loss by default, minimised) complete the sweep; `main:` runs as
// `python -m MAIN --flag value ...`, `exec:` with `${flag_args}`.
// A steps operation whose one step runs a batch is read as that step's `guild run` (below).
// Values are YAML 1.1, as PyYAML gives them to Guild (yaml11.h, YamlLoader::kGuild).
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <regex>
#include <set>
#include <sstream>

#include "lib/config/vocabularies/vocabulary.h"
#include "lib/config/yaml_source.h"

namespace hpo::config {
namespace {

struct GuildOp {
  std::string name;  // MODEL:OP, or OP for the anonymous model
  YAML::Node key;
  YAML::Node def;
  std::set<std::string> step_flags;  // flags a step passes as `guild run` arguments
};

bool IsOperation(const YAML::Node& op) {
  return op.IsScalar() || (op.IsMap() && (op["main"] || op["exec"] || op["flags"] || op["steps"]));
}

// Under `operations:` every entry is one (guildfile.py makes an OpDef of each, main defaulting
// to the operation's name); at the top level only what looks like one.
void AddOperations(const YAML::Node& ops, const std::string& model, std::vector<GuildOp>& out,
                   bool every_entry) {
  if (!ops.IsMap()) return;
  for (const auto& p : ops) {
    if (!p.first.IsScalar() || p.first.Scalar() == "$include") continue;
    if (!(every_entry ? p.second.IsMap() || IsOperation(p.second) : IsOperation(p.second)))
      continue;
    out.push_back(
        {model.empty() ? p.first.Scalar() : model + ":" + p.first.Scalar(), p.first, p.second, {}});
  }
}

std::vector<GuildOp> Operations(const YAML::Node& root) {
  std::vector<GuildOp> ops;
  if (root.IsSequence()) {
    for (const YAML::Node& item : root) {
      if (!item.IsMap() || !item["operations"]) continue;
      const std::string model =
          item["model"] && item["model"].IsScalar() ? item["model"].Scalar() : "";
      AddOperations(item["operations"], model, ops, true);
    }
  } else if (root["operations"]) {  // guildfile.py:1745-1753: an anonymous model
    AddOperations(root["operations"], "", ops, true);
  } else {
    AddOperations(root, "", ops, false);
  }
  return ops;
}

// Guild's flag function: NAME[a:b...] or an anonymous [a:b...] (flag_util.py:296-332).
struct FlagFunction {
  std::string name;
  std::vector<std::string> args;
};

std::optional<FlagFunction> DecodeFunction(const YAML::Node& v) {
  if (!v.IsScalar()) return std::nullopt;
  static const std::regex named(R"(([a-zA-Z0-9_\-\.]+)\[(.*)\])");
  const std::string& s = v.Scalar();
  std::smatch m;
  FlagFunction f;
  std::string args;
  if (std::regex_search(s, m, named, std::regex_constants::match_continuous)) {
    f.name = m[1];
    args = m[2];
  } else if (s.size() > 2 && s.front() == '[' && s.back() == ']' &&
             s.find(':') != std::string::npos) {
    args = s.substr(1, s.size() - 2);
  } else {
    return std::nullopt;
  }
  for (size_t start = 0; !args.empty();) {
    const size_t colon = args.find(':', start);
    std::string arg = args.substr(start, colon - start);
    arg.erase(0, arg.find_first_not_of(' '));
    arg.erase(arg.find_last_not_of(' ') + 1);
    f.args.push_back(arg);
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return f;
}

bool IsSearched(const YAML::Node& def) {
  const YAML::Node v = def.IsMap() ? def["default"] : def;
  return v && (v.IsSequence() || DecodeFunction(v).has_value());
}

bool HasSearchedFlagIn(const YAML::Node& holder) {
  if (!holder.IsMap() || !holder["flags"] || !holder["flags"].IsMap()) return false;
  for (const auto& p : holder["flags"]) {
    if (IsSearched(p.second)) return true;
  }
  return false;
}

// The steps of a steps operation that run a batch (steps_main.py:520-580 runs each step as
// `guild run OP FLAG=VAL...`, so a step whose flags hold a list or a function is a batch).
std::vector<YAML::Node> BatchSteps(const YAML::Node& op) {
  std::vector<YAML::Node> batches;
  if (!op.IsMap() || !op["steps"] || !op["steps"].IsSequence()) return batches;
  for (const YAML::Node& step : op["steps"]) {
    if (HasSearchedFlagIn(step)) batches.push_back(step);
  }
  return batches;
}

// An operation hpo reads as a sweep: searched flags, or one batch step (a steps operation
// with several runs several sweeps: refused when named with --preset, else not a preset).
bool HasSearchedFlag(const YAML::Node& op) {
  return HasSearchedFlagIn(op) || BatchSteps(op).size() == 1;
}

// ----- guild.yml's values, as PyYAML reads them -----------------------------------------------
// Guild loads guild.yml with yaml.safe_load (guildfile.py:1680), so its scalars have YAML 1.1's
// implicit types and Guild's float pattern (yaml11.h, YamlLoader::kGuild): yes/no/on/off are
// booleans; 010 is octal, 0x10 hex, 0b11 binary, 1:30 sexagesimal (90); only .inf and .nan are
// infinite and NaN (inf is a word); y and n stay words; 1e3 and 1.5e3 are floats (Guild's
// pattern). Dates (2001-12-14) stay words here: Guild passes str(date), the same text.

// A value of guild.yml as Guild has it (the loader marked the file's scalars).
Value GuildValue(const SweepReading& r, const YAML::Node& node) {
  return ValueFromYaml(node, r.At(node));
}

// Python's truth of a value (Guild checks no false value against a flag's choices).
bool PythonTrue(const Value& v) {
  if (v.is_bool()) return v.as_bool();
  if (v.is_number()) return v.as_double() != 0;
  if (v.is_string()) return !v.as_string().empty();
  if (v.is_list()) return !v.as_list().empty();
  if (v.is_mapping()) return !v.as_mapping().empty();
  return false;
}

// Python's ==, by which Guild compares a value with a choice: True == 1 == 1.0.
bool PythonEqual(const Value& a, const Value& b) {
  auto numeric = [](const Value& v) { return v.is_bool() || v.is_number(); };
  auto number = [](const Value& v) {
    return v.is_bool() ? (v.as_bool() ? 1.0 : 0.0) : v.as_double();
  };
  if (numeric(a) && numeric(b)) return number(a) == number(b);
  if (a.is_list() && b.is_list()) {
    const Value::List &x = a.as_list(), &y = b.as_list();
    if (x.size() != y.size()) return false;
    for (size_t i = 0; i < x.size(); ++i) {
      if (!PythonEqual(x[i], y[i])) return false;
    }
    return true;
  }
  return a == b;
}

// One of a flag's `choices:` (guildfile.py:1231-1243): a value, or {value, alias, flags}.
struct GuildChoice {
  Value value;
  std::optional<Value> alias;
  std::vector<std::string> flags;  // the other flags the choice sets
};

bool Yaml11True(const SweepReading& r, const YAML::Node& v) { return PythonTrue(GuildValue(r, v)); }

// The environment variable Guild sets for a flag (op_cmd.py:299-300, util.py:1653-1654):
// FLAG_ and the name in upper case, each character but A-Z, 0-9 and _ an underscore.
std::string GuildEnvName(const std::string& flag) {
  std::string out;
  for (char ch : flag) {
    const bool word = std::isalnum(static_cast<unsigned char>(ch)) || ch == '_';
    out += word ? static_cast<char>(std::toupper(static_cast<unsigned char>(ch))) : '_';
  }
  return out;
}

class GuildReader {
 public:
  explicit GuildReader(SweepReading& r) : r_(r), c_(r.config()) {}

  void Read(const GuildOp& op) {
    op_ = op;
    const YAML::Node& def = op.def;
    if (def.IsScalar()) return Command(def, "main");
    // read before the flags, whose arg-skip it is unless they set their own
    if (def["default-flag-arg-skip"] && !command_from_cli() &&
        Yaml11True(r_, def["default-flag-arg-skip"]))
      default_arg_skip_.emplace(def["default-flag-arg-skip"]);
    for (const auto& p : def) {
      const std::string key = r_.Key(p.first);
      const std::string path = op.name + "." + key;
      if (key == "flags") {
        r_.Map(p.second, path);
        for (const auto& q : p.second) ReadFlag(r_.Key(q.first), q.first, q.second);
      } else if (key == "main" || key == "exec") {
        Command(p.second, key);
      } else if (key == "objective") {
        ReadObjective(p.second, path);
      } else if (key == "default-max-trials") {
        c_.n_trials = r_.Int(p.second, path, 1);
      } else if (key == "optimizer" || key == "optimizers") {
        optimizer_ = p.second;
        has_optimizer_ = true;
      } else if ((key == "flags-dest" || key == "default-flag-arg-skip") && command_from_cli()) {
        r_.Ignore(path + " (Guild's way to pass flags to its main, replaced by --command)");
      } else if (key == "default-flag-arg-skip") {
        continue;  // read above
      } else if (key == "flags-dest" && r_.Text(p.second, path) != "args") {
        r_.Fail(p.second, fmt::format("{}: Guild sets the flags as {}; hpo passes them as "
                                      "arguments",
                                      path, Echo(p.second.Scalar())));
      } else {
        r_.Ignore(path);  // description, sourcecode, requires, output-scalars...
      }
    }
    PassSwitches();
    if (has_bool_ && !command_from_cli()) {
      c_.notes.push_back(
          "Guild passes a true flag as 1 and false as an empty word (op_cmd.py:238-241, for "
          "argparse's type=bool); hpo's ${args} passes true and false");
    }
    if (!objective_set_) {  // run_impl.py:49 DEFAULT_OBJECTIVE, minimised
      r_.SetImpliedMetric("loss", def);
      r_.SetGoal(false);
    }
    ReadOptimizer();
  }

 private:
  // A flag: a default (a scalar, a list or a flag function) or {default, choices, type, ...}.
  void ReadFlag(const std::string& name, const YAML::Node& key_node, const YAML::Node& def) {
    const YAML::Node v = def.IsMap() ? def["default"] : def;
    std::vector<GuildChoice> choices;
    bool allow_other = false;
    std::optional<YAML::Node> arg_switch;
    std::optional<YAML::Node> arg_skip = default_arg_skip_;
    if (def.IsMap()) {
      for (const auto& p : def) {
        const std::string k = r_.Key(p.first);
        if (k == "arg-name" && !command_from_cli() && r_.Text(p.second, k) != name)
          r_.Fail(p.second, fmt::format("{}: arg-name passes it under another name; hpo passes "
                                        "it as {}",
                                        name, name));
        if (k == "choices")
          choices = ReadChoices(name, p.second);
        else if (k == "allow-other")
          allow_other = Yaml11True(r_, p.second);
        else if ((k == "arg-switch" || k == "arg-skip") && command_from_cli())
          r_.Ignore(fmt::format("{}.{} (Guild's way to pass it, replaced by --command)", name, k));
        else if (k == "arg-skip")  // None leaves the operation's default (op_util.py:1183-1186)
          SetArgSkip(arg_skip, p.second);
        else if (k == "arg-switch" && !p.second.IsNull())
          arg_switch = p.second;  // None is no switch (op_cmd.py:147)
        else if (k != "default")
          r_.Ignore(fmt::format("{}.{}", name, k));  // type, description, ...
      }
    }
    if (allow_other) choices.clear();  // Guild checks no value against them (op_util.py:1411)
    if (!v || v.IsNull()) return r_.Ignore(name);  // Guild passes no None flag
    if (arg_skip && Yaml11True(r_, *arg_skip)) return SkipFlag(name, v, *arg_skip);
    if (arg_switch) return ReadSwitchFlag(name, key_node, v, choices, *arg_switch);
    if (v.IsSequence()) {
      has_list_ = true;
      std::vector<Value> values;
      for (const YAML::Node& item : v) values.push_back(Checked(name, item, choices));
      for (const Value& value : values) has_bool_ |= value.is_bool();
      return r_.AddCategorical(name, key_node, values);
    }
    if (const std::optional<FlagFunction> f = DecodeFunction(v))
      return ReadFunction(name, key_node, v, *f);
    const Value value = Chosen(name, v, choices);
    has_bool_ |= value.is_bool();
    r_.SetFixed(name, key_node, value, r_.At(v));
  }

  // A flag's own arg-skip, or the operation's default for None. Emplaced: assigning to a
  // yaml-cpp Node would write into the document's node it refers to.
  void SetArgSkip(std::optional<YAML::Node>& arg_skip, const YAML::Node& own) const {
    arg_skip.reset();
    if (!own.IsNull())
      arg_skip.emplace(own);
    else if (default_arg_skip_)
      arg_skip.emplace(*default_arg_skip_);
  }

  // A flag whose arg-skip is true (its own, else the operation's default-flag-arg-skip): Guild
  // passes it in no argument (op_cmd.py:135-136, before arg-switch), only in the run's
  // environment as FLAG_NAME (op_cmd.py:284-300), which hpo does not set. A fixed one is not
  // passed; a searched one hpo could pass only in ${args}, which the program does not expect.
  void SkipFlag(const std::string& name, const YAML::Node& v, const YAML::Node& skip_node) {
    if (v.IsSequence() || DecodeFunction(v)) {
      r_.Fail(skip_node, fmt::format("{}: arg-skip: Guild searches it but passes it in no "
                                     "argument, only as the environment variable FLAG_{}, "
                                     "which hpo does not set; give --command to pass it as "
                                     "your program reads it",
                                     name, GuildEnvName(name)));
    }
    r_.Ignore(fmt::format("{} (arg-skip: Guild passes it in no argument)", name));
  }

  // A flag with arg-switch X (op_cmd.py:147-150): Guild passes the bare word --NAME when the
  // flag's value == X (Python's ==: True == 1) and nothing otherwise. A fixed flag is that word
  // in the command, or not passed. A searched one only as ${args_no_boolean_flags} passes a
  // boolean: values true and false, switched on true; any other is refused.
  void ReadSwitchFlag(const std::string& name, const YAML::Node& key_node, const YAML::Node& v,
                      const std::vector<GuildChoice>& choices, const YAML::Node& switch_node) {
    const Value on = GuildValue(r_, switch_node);
    const std::string written = switch_node.IsScalar() ? switch_node.Scalar() : on.ToYaml();
    if (v.IsSequence() || DecodeFunction(v)) {
      std::vector<Value> values;
      for (size_t i = 0; v.IsSequence() && i < v.size(); ++i)
        values.push_back(Checked(name, v[i], choices));
      const bool booleans =
          !values.empty() &&
          std::all_of(values.begin(), values.end(), [](const Value& x) { return x.is_bool(); });
      if (!booleans || !on.is_bool() || !on.as_bool())
        r_.Fail(switch_node, fmt::format("{}: arg-switch {} passes --{} for that value and "
                                         "nothing for the others; hpo passes a searched flag so "
                                         "only when its values are true and false, switched on "
                                         "true (${{args_no_boolean_flags}})",
                                         name, Echo(written), name));
      searched_switch_ = true;
      if (!switch_node_) switch_node_ = switch_node;
      has_list_ = true;
      return r_.AddCategorical(name, key_node, values);
    }
    if (PythonEqual(Chosen(name, v, choices), on)) {
      switch_words_.push_back("--" + name);
      if (!switch_node_) switch_node_ = switch_node;
    } else {
      r_.Ignore(fmt::format("{} (arg-switch {}: Guild passes --{} only for that value)", name,
                            Echo(written), name));
    }
  }

  std::vector<GuildChoice> ReadChoices(const std::string& name, const YAML::Node& node) {
    std::vector<GuildChoice> choices;
    if (node.IsNull()) return choices;
    if (!node.IsSequence())  // guildfile.py:1220-1228
      r_.Fail(node, fmt::format("{}.choices must be a list of values or mappings", name));
    for (const YAML::Node& item : node) {
      if (!item.IsMap()) {
        choices.push_back({GuildValue(r_, item), std::nullopt, {}});
        continue;
      }
      if (!item["value"]) r_.Fail(item, fmt::format("{}: a choice needs a value", name));
      GuildChoice choice{GuildValue(r_, item["value"]), std::nullopt, {}};
      if (item["alias"]) choice.alias = GuildValue(r_, item["alias"]);
      if (item["flags"] && item["flags"].IsMap()) {
        for (const auto& p : item["flags"]) choice.flags.push_back(r_.Key(p.first));
      }
      choices.push_back(choice);
    }
    return choices;
  }

  // A value of the flag, checked as Guild checks each (_check_flag_choice, op_util.py:1410-1418):
  // a true value must be a choice's value or alias.
  Value Checked(const std::string& name, const YAML::Node& node,
                const std::vector<GuildChoice>& choices) {
    Value value = GuildValue(r_, node);
    if (choices.empty() || !PythonTrue(value)) return value;
    for (const GuildChoice& c : choices) {
      if (PythonEqual(c.value, value) ||
          (c.alias && PythonTrue(*c.alias) && PythonEqual(*c.alias, value)))
        return value;
    }
    r_.Fail(node, fmt::format("{}: '{}' is none of its choices (Guild refuses it)", name,
                              Echo(node.IsScalar() ? node.Scalar() : value.ToYaml())));
  }

  // A flag's one value, as Guild applies its choice before the batch (_apply_choice_vals,
  // op_util.py:1436-1447): an alias becomes its choice's value. The lists of a batch are
  // passed as written: its trials start from their flags (batch_util.py:166-172).
  Value Chosen(const std::string& name, const YAML::Node& node,
               const std::vector<GuildChoice>& choices) {
    Value value = Checked(name, node, choices);
    for (const GuildChoice& c : choices) {
      const bool aliased = c.alias && PythonTrue(*c.alias);
      if (!PythonEqual(aliased ? *c.alias : c.value, value)) continue;
      if (!c.flags.empty()) {
        r_.Fail(node, fmt::format("{}: the choice {} also sets flags ({}); hpo sets no flags "
                                  "per value",
                                  name, Echo(node.Scalar()), fmt::join(c.flags, ", ")));
      }
      if (aliased) {
        c_.notes.push_back(fmt::format("{}: Guild's alias {} is its choice {}", name,
                                       Echo(node.Scalar()), c.value.ToYaml()));
        value = c.value;
      }
    }
    return value;
  }

  void ReadFunction(const std::string& name, const YAML::Node& key_node, const YAML::Node& v,
                    const FlagFunction& f) {
    const bool sequence = f.name == "range" || f.name == "linspace" || f.name == "logspace";
    if (sequence && op_.step_flags.count(name) > 0) {
      // a step passes NAME=VALUE to guild run, which decodes a sequence function to its list
      // (op_util.py:1500-1520 parse_flag_assigns, flag_util.py:143-190)
      has_list_ = true;
      return r_.AddCategorical(name, key_node, ExpandSequence(name, v, f));
    }
    has_function_ = true;
    const std::string fname = f.name.empty() ? "uniform" : f.name;
    if (fname != "uniform" && fname != "loguniform") {  // skopt_util.py:147-157
      r_.Fail(v, fmt::format("{}: unknown function '{}' (Guild's optimizers take uniform and "
                             "loguniform)",
                             Echo(name), Echo(fname)));
    }
    if (f.args.size() != 2 && f.args.size() != 3)
      r_.Fail(v, fmt::format("{}: {} requires 2 or 3 args", Echo(name), fname));
    std::vector<Value> args;
    for (const std::string& a : f.args) {
      const std::optional<Value> parsed = Value::Parse(a);
      if (!parsed || !parsed->is_number())
        r_.Fail(v, fmt::format("{}: '{}' is not a number", Echo(name), Echo(a)));
      args.push_back(*parsed);
    }
    const double low = args[0].as_double(), high = args[1].as_double();
    if (!(low < high))
      r_.Fail(v, fmt::format("{}: the lower bound must be below the upper", Echo(name)));
    if (args.size() == 3)
      c_.notes.push_back(
          fmt::format("{}: Guild's first trial takes {}; hpo's does not", name, args[2].ToYaml()));
    const bool integer = fname == "uniform" && args[0].is_int() && args[1].is_int();
    if (fname == "loguniform" && !(low > 0))
      r_.Fail(v, fmt::format("{}: loguniform needs bounds > 0", Echo(name)));
    r_.AddNumeric(name, key_node,
                  fname == "loguniform" ? "loguniform"
                  : integer             ? "int_uniform"
                                        : "uniform",
                  low, high);
  }

  // flag_util.py:192-256: range[start:end:step] is np.arange(start, end + min(step, 1), step),
  // linspace[start:end:count=5] and logspace[start:end:count=5:base=10] numpy's; floats above
  // 1e-8 rounded to 8 digits (_np_seq_val, flag_util.py:222-226).
  std::vector<Value> ExpandSequence(const std::string& name, const YAML::Node& v,
                                    const FlagFunction& f) {
    const bool range = f.name == "range";
    const size_t required = range ? 1 : 2, most = range ? 3 : (f.name == "linspace" ? 3 : 4);
    if (f.args.size() < required || f.args.size() > most)
      r_.Fail(v,
              fmt::format("{}: {} takes {} to {} arguments", Echo(name), f.name, required, most));
    std::vector<Value> args;
    for (const std::string& a : f.args) {
      const std::optional<Value> parsed = Value::Parse(a);
      if (!parsed || !parsed->is_number())
        r_.Fail(v, fmt::format("{}: '{}' is not a number", Echo(name), Echo(a)));
      args.push_back(*parsed);
    }
    auto arg = [&](size_t i, double fallback) {
      return i < args.size() ? args[i].as_double() : fallback;
    };
    auto seq_value = [](double x) { return Value(x > 1e-8 ? std::round(x * 1e8) / 1e8 : x); };
    std::vector<Value> values;
    if (range) {
      if (args.size() < 2) r_.Fail(v, fmt::format("{}: range needs an end here", Echo(name)));
      const double start = arg(0, 0), step = arg(2, 1);
      const double end = arg(1, 0) + std::min(step, 1.0);
      const bool ints =
          std::all_of(args.begin(), args.end(), [](const Value& a) { return a.is_int(); });
      if (!(step > 0)) r_.Fail(v, fmt::format("{}: range needs a step > 0", Echo(name)));
      for (double x = start; x < end && values.size() <= 10000; x = start + values.size() * step)
        values.push_back(ints ? Value(static_cast<int64_t>(x)) : seq_value(x));
      return values;
    }
    const double start = arg(0, 0), end = arg(1, 0), base = arg(3, 10);
    const int count = static_cast<int>(arg(2, 5));
    if (count < 1 || count > 10000)
      r_.Fail(v, fmt::format("{}: {} needs a count from 1 to 10000", Echo(name), f.name));
    for (int i = 0; i < count; ++i) {
      const double x = count == 1 ? start : start + (end - start) * i / (count - 1);
      values.push_back(seq_value(f.name == "logspace" ? std::pow(base, x) : x));
    }
    return values;
  }

  void ReadObjective(const YAML::Node& v, const std::string& path) {
    objective_set_ = true;
    if (v.IsScalar()) {  // a name to minimise; '-name' maximises (run_impl.py:1637-1646)
      std::string name = v.Scalar();
      const bool maximize = !name.empty() && name[0] == '-';
      if (maximize) name.erase(0, 1);
      r_.SetImpliedMetric(name, v);
      return r_.SetGoal(maximize);
    }
    r_.Map(v, path);
    for (const char* goal : {"maximize", "minimize"}) {
      if (v[goal]) {
        r_.SetMetric(v[goal], path + "." + goal);
        return r_.SetGoal(std::string(goal) == "maximize");
      }
    }
    r_.Fail(v, fmt::format("{}: needs maximize or minimize", path));
  }

  // The optimizer: the file's (as --optimize takes it), else the batch Guild implies.
  void ReadOptimizer() {
    std::string algorithm = has_function_ ? "random" : "+";
    if (has_optimizer_) {
      algorithm = DefaultOptimizer();
      c_.notes.push_back(
          fmt::format("read as guild run {} --optimize (optimizer {})", op_.name, algorithm));
    }
    if (algorithm == "+") {
      c_.sampler.method = "grid";  // every combination
    } else if (algorithm == "random" || algorithm == "skopt:random") {
      c_.sampler.method = "random";
      if (c_.n_trials == 0) c_.n_trials = 20;  // random_main.py:25
    } else if (algorithm == "gp" || algorithm == "skopt:gp") {
      c_.sampler.method = "protein";
      c_.notes.push_back("Guild's gp (skopt's Gaussian process) is searched with hpo's GP sampler");
    } else {
      c_.sampler.method = "tpe";
      c_.notes.push_back(
          fmt::format("Guild optimizer {} has no hpo sampler: tpe is used", algorithm));
    }
    if (c_.n_trials == 0 && algorithm != "+") c_.n_trials = 20;
  }

  std::string DefaultOptimizer() {
    const YAML::Node& o = optimizer_;
    if (o.IsScalar()) return o.Scalar();
    if (o.IsMap() && o["algorithm"]) return r_.Text(o["algorithm"], "optimizer.algorithm");
    if (o.IsMap()) {  // optimizers: {NAME: {algorithm, default}}: the default, or the only one
      std::string only;
      for (const auto& p : o) {
        const YAML::Node& d = p.second;
        std::string name = d.IsMap() && d["algorithm"] ? d["algorithm"].Scalar()
                           : d.IsScalar()              ? d.Scalar()
                                                       : p.first.Scalar();
        if (d.IsMap() && d["default"] && Yaml11True(r_, d["default"])) return name;
        only = o.size() == 1 ? name : "";
      }
      if (!only.empty()) return only;
    }
    r_.Fail(o, "several optimizers and none is the default (Guild refuses --optimize then)");
  }

  // main: MODULE [ARGS] runs python -m MODULE ARGS and the flags as --name value; exec: a
  // command whose ${flag_args} are the flags.
  void Command(const YAML::Node& v, const std::string& key) {
    YAML::Node words(YAML::NodeType::Sequence);
    std::istringstream in(r_.Text(v, op_.name + "." + key));
    if (key == "main") {
      words.push_back("python");
      words.push_back("-m");
    }
    bool has_args = key == "main";
    for (std::string w; in >> w;) {
      if (w == "${flag_args}") {
        w = "${args}";
        has_args = true;
      } else if (w.find("${") != std::string::npos) {
        r_.Fail(v, fmt::format("{}.exec: '{}' is Guild's macro; hpo passes the flags with "
                               "${{flag_args}} only",
                               op_.name, Echo(w)));
      }
      words.push_back(w);
    }
    if (key == "main") words.push_back("${args}");
    if (!has_args)
      r_.Fail(v,
              fmt::format("{}.exec: no ${{flag_args}}: the flags would not be passed", op_.name));
    r_.ReadCommand(words, key);
    c_.notes.push_back("Guild passes flags as --name value; hpo's ${args} as --name=value");
  }

  // The arg-switch flags in Guild's command, read before the flags (their names depend on
  // it): a searched one makes ${args} ${args_no_boolean_flags}, which would pass the other
  // true/false flags as switches too; a fixed one whose value is its switch is its bare word.
  void PassSwitches() {
    if (!switch_node_) return;
    const auto args = std::find(c_.command.begin(), c_.command.end(), "${args}");
    if (args == c_.command.end())
      r_.Fail(*switch_node_, "arg-switch: the operation has no Guild command to pass it in");
    if (searched_switch_ && has_bool_)
      r_.Fail(*switch_node_,
              "a searched arg-switch flag is passed by ${args_no_boolean_flags}, "
              "which would pass the operation's other true/false flags as "
              "switches too (Guild passes those as --name 1 or --name '')");
    if (searched_switch_) *args = "${args_no_boolean_flags}";
    c_.command.insert(args + 1, switch_words_.begin(), switch_words_.end());
  }

  bool command_from_cli() const { return r_.command_from_cli(); }

  SweepReading& r_;
  SweepConfig& c_;
  GuildOp op_;
  YAML::Node optimizer_;
  bool has_optimizer_ = false;
  bool objective_set_ = false;
  bool has_list_ = false;
  bool has_function_ = false;
  bool has_bool_ = false;
  std::optional<YAML::Node> default_arg_skip_;  // the operation's default-flag-arg-skip, if true
  std::optional<YAML::Node> switch_node_;       // the first arg-switch that changes the command
  bool searched_switch_ = false;                // a searched flag has one
  std::vector<std::string> switch_words_;  // --NAME of each fixed flag whose value is its switch
};

// A step's flag value; a whole ${NAME} is the steps operation's flag NAME, as steps_main.py
// resolves it (_resolve_flag_vals, steps_main.py:254-255).
YAML::Node StepFlagValue(SweepReading& r, const GuildOp& op, const std::string& name,
                         const YAML::Node& v) {
  if (!v.IsScalar() || v.Scalar().find("${") == std::string::npos) return v;
  static const std::regex ref(R"(\$\{([^}]+)\})");
  std::smatch m;
  const YAML::Node flags = op.def["flags"];
  if (std::regex_match(v.Scalar(), m, ref) && flags && flags.IsMap() && flags[m[1].str()]) {
    const YAML::Node d = flags[m[1].str()];
    return d.IsMap() ? d["default"] : d;
  }
  r.Fail(v, fmt::format("{}: hpo resolves a step's whole ${{FLAG}} when {} has FLAG, not '{}'",
                        Echo(name), op.name, Echo(v.Scalar())));
}

// The operation a step runs: `run:` (or the step as a string), in the steps operation's model
// when it names none (_apply_default_model, steps_main.py:237-247).
const GuildOp& StepTarget(SweepReading& r, const std::vector<GuildOp>& ops, const GuildOp& op,
                          const YAML::Node& step) {
  const YAML::Node run = step.IsMap() ? step["run"] : step;
  if (!run) r.Fail(step, fmt::format("{}: a step needs run: OPERATION", op.name));
  std::string target = r.Text(run, op.name + ".steps.run");
  const size_t colon = op.name.find(':');
  if (target.find(':') == std::string::npos && colon != std::string::npos)
    target = op.name.substr(0, colon + 1) + target;
  for (const GuildOp& other : ops) {
    if (other.name == target) return other;
  }
  r.Fail(run, fmt::format("{}: the step runs '{}', which the file does not define", op.name,
                          Echo(target)));
}

// The step's flags over the defaults of the operation it runs.
YAML::Node StepFlags(SweepReading& r, const GuildOp& op, const GuildOp& target,
                     const YAML::Node& step) {
  YAML::Node flags(YAML::NodeType::Map);
  const YAML::Node defaults = target.def["flags"];
  const YAML::Node given = step["flags"];
  const bool has_defaults = defaults && defaults.IsMap();
  if (has_defaults) {
    for (const auto& p : defaults) {
      if (!given[r.Key(p.first)]) flags.force_insert(p.first, p.second);
    }
  }
  for (const auto& p : given) {
    const std::string name = r.Key(p.first);
    const YAML::Node value = StepFlagValue(r, op, name, p.second);
    const YAML::Node d = has_defaults ? defaults[name] : YAML::Node();
    if (!d || !d.IsMap()) {
      flags.force_insert(p.first, value);
      continue;
    }
    YAML::Node def(YAML::NodeType::Map);  // keeps arg-name, type... of the flag
    for (const auto& q : d) {
      if (r.Key(q.first) != "default") def.force_insert(q.first, q.second);
    }
    def.force_insert("default", value);
    flags.force_insert(p.first, def);
  }
  return flags;
}

// A steps operation whose one batch step is the sweep: read as `guild run OP` with the step's
// flags and its run options (steps_main.py:520-580 passes --optimizer, --max-trials,
// --maximize/--minimize and FLAG=VAL to it). Guild runs the other steps once each.
GuildOp StepAsOperation(SweepReading& r, const std::vector<GuildOp>& ops, const GuildOp& op) {
  const std::vector<YAML::Node> batches = BatchSteps(op.def);
  if (batches.size() > 1) {
    r.Fail(op.key, fmt::format("{}: {} steps run batches, one after another; hpo runs one sweep "
                               "(write each as its own operation)",
                               op.name, batches.size()));
  }
  const YAML::Node& step = batches.front();
  const GuildOp& target = StepTarget(r, ops, op, step);
  YAML::Node options(YAML::NodeType::Map);  // the step's run options, as the keys of an op
  for (const auto& p : step) {
    const std::string key = r.Key(p.first);
    if (key == "optimizer") {
      options.force_insert("optimizer", p.second);
    } else if (key == "max-trials") {
      options.force_insert("default-max-trials", p.second);
    } else if (key == "maximize" || key == "minimize") {
      YAML::Node objective(YAML::NodeType::Map);
      objective.force_insert(key, p.second);
      options.force_insert("objective", objective);
    } else if (key != "run" && key != "flags") {
      r.Ignore(fmt::format("{}.steps.{}", op.name, key));  // tag, label, needed...
    }
  }
  YAML::Node def(YAML::NodeType::Map);
  const YAML::Node& overridden = options;
  for (const auto& p : target.def) {
    const std::string key = r.Key(p.first);
    if (key != "flags" && !overridden[key]) def.force_insert(p.first, p.second);
  }
  for (const auto& p : options) def.force_insert(p.first, p.second);
  def.force_insert("flags", StepFlags(r, op, target, step));
  r.config().notes.push_back(
      fmt::format("read as the batch step of {}: guild run {} with its "
                  "flags (Guild runs the other steps once each)",
                  op.name, target.name));
  std::set<std::string> step_flags;
  for (const auto& p : step["flags"]) step_flags.insert(r.Key(p.first));
  return {target.name, target.key, def, step_flags};
}

}  // namespace

bool MatchesGuild(const YAML::Node& root) {
  if (root.IsSequence()) {
    for (const YAML::Node& item : root) {  // without model:, an anonymous one (guildfile.py:1747)
      if (item.IsMap() && item["operations"] && item["operations"].IsMap()) return true;
    }
    return false;
  }
  if (!root.IsMap()) return false;
  if (root["operations"] && root["operations"].IsMap() && !root["parameters"]) {
    for (const auto& p : root["operations"]) {
      if (IsOperation(p.second)) return true;
    }
  }
  for (const auto& p : root) {  // operations at the top level, each with main/exec and flags
    if (p.second.IsMap() && (p.second["main"] || p.second["exec"]) && p.second["flags"])
      return true;
  }
  return false;
}

void ReadGuild(SweepReading& r, const YAML::Node& root) {
  SweepConfig& c = r.config();
  const std::vector<GuildOp> ops = Operations(root);
  // an operation without searched flags runs once, no sweep: not a preset
  for (const GuildOp& op : ops) {
    if (HasSearchedFlag(op.def)) c.presets.push_back(op.name);
  }
  const GuildOp* chosen = nullptr;
  for (const GuildOp& op : ops) {
    const std::string bare = op.name.substr(op.name.find(':') + 1);  // OP for MODEL:OP
    if (!c.preset.empty() ? op.name == c.preset || bare == c.preset : HasSearchedFlag(op.def)) {
      chosen = &op;
      break;
    }
  }
  if (!chosen && c.preset.empty() && !ops.empty()) chosen = &ops.front();
  if (!chosen) {
    throw UserError(Origin{c.preset.empty() ? r.source() : "--preset"},
                    fmt::format("no operation '{}' with searched flags in the guild file (those "
                                "with some: {}); choose one with --preset",
                                Echo(c.preset), fmt::join(c.presets, ", ")));
  }
  c.vocabulary = fmt::format("Guild AI guild.yml (operation {})", chosen->name);
  if (ops.size() > 1 && c.preset.empty()) {
    c.notes.push_back(
        fmt::format("the file has {} operations: read {}, the first with searched flags "
                    "(choose with --preset: {})",
                    ops.size(), chosen->name, fmt::join(c.presets, ", ")));
  }
  const GuildOp read = BatchSteps(chosen->def).empty() ? *chosen : StepAsOperation(r, ops, *chosen);
  GuildReader(r).Read(read);
  for (const GuildOp& op : ops) {
    if (&op != chosen && op.name != read.name) r.Ignore(op.name);  // not the step's operation
  }
}

}  // namespace hpo::config
