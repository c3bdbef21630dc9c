#include "lib/config/trainer_keys.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "lib/config/trainer_presets.h"
#include "lib/core/closest_word.h"

namespace hpo::config {
namespace {

// ----- typed access to one field -------------------------------------------------------------

[[noreturn]] void WrongType(std::string_view key, const char* expected, const Value& v,
                            const Origin& origin) {
  throw UserError(origin, fmt::format("{} expects {}, got '{}'", Echo(std::string(key)), expected,
                                      Echo(v.ToYaml())));
}

int64_t AsInt(std::string_view key, const Value& v, const Origin& origin) {
  if (v.is_int()) return v.as_int();
  // "1e6" is a float in YAML; accept it where a count is meant if it is a whole number.
  if (v.is_double() && std::isfinite(v.as_double()) && v.as_double() == std::floor(v.as_double()) &&
      std::fabs(v.as_double()) < 9e15) {
    return static_cast<int64_t>(v.as_double());
  }
  WrongType(key, "an integer", v, origin);
}

void Assign(std::string_view key, const Value& v, const Origin& o, int64_t& field) {
  field = AsInt(key, v, o);
}
void Assign(std::string_view key, const Value& v, const Origin& o, double& field) {
  if (!v.is_number()) WrongType(key, "a number", v, o);
  field = v.as_double();
}
void Assign(std::string_view key, const Value& v, const Origin& o, bool& field) {
  if (!v.is_bool()) WrongType(key, "true or false", v, o);
  field = v.as_bool();
}
void Assign(std::string_view key, const Value& v, const Origin& o, std::string& field) {
  if (!v.is_string()) WrongType(key, "a word", v, o);
  field = v.as_string();
}
void Assign(std::string_view key, const Value& v, const Origin& o, std::vector<int64_t>& field) {
  if (!v.is_list()) WrongType(key, "a list of integers like [64, 64]", v, o);
  std::vector<int64_t> out;
  for (const Value& item : v.as_list()) out.push_back(AsInt(key, item, o));
  field = std::move(out);
}

Value ValueOf(int64_t x) { return Value(x); }
Value ValueOf(double x) { return Value(x); }
Value ValueOf(bool x) { return Value(x); }
Value ValueOf(const std::string& x) { return Value(x); }
Value ValueOf(const std::vector<int64_t>& xs) {
  Value::List list;
  for (int64_t x : xs) list.emplace_back(x);
  return Value(std::move(list));
}

template <typename T>
constexpr KeyType kTypeOf = KeyType::kInt;
template <>
constexpr KeyType kTypeOf<double> = KeyType::kFloat;
template <>
constexpr KeyType kTypeOf<bool> = KeyType::kBool;
template <>
constexpr KeyType kTypeOf<std::string> = KeyType::kString;
template <>
constexpr KeyType kTypeOf<std::vector<int64_t>> = KeyType::kIntList;

const std::vector<TrainerKey>& Table() {
  static const std::vector<TrainerKey> table = {
#define HPO_TRAINER_KEY(type, name, default_value, unit, meaning, sb3, cleanrl, pufferlib, skrl, \
                        others, algorithms)                                                      \
  {#name,                                                                                        \
   kTypeOf<type>,                                                                                \
   unit,                                                                                         \
   meaning,                                                                                      \
   sb3,                                                                                          \
   cleanrl,                                                                                      \
   pufferlib,                                                                                    \
   skrl,                                                                                         \
   others,                                                                                       \
   algorithms,                                                                                   \
   [](const TrainerConfig& c) { return ValueOf(c.name); },                                       \
   [](TrainerConfig& c, const Value& v, const Origin& o) { Assign(#name, v, o, c.name); }},
#include "lib/config/trainer_keys.inc"
#undef HPO_TRAINER_KEY
  };
  return table;
}

// ----- names ---------------------------------------------------------------------------------

std::vector<std::string_view> Words(std::string_view text) {
  std::vector<std::string_view> words;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string_view::npos) end = text.size();
    if (end > start) words.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return words;
}

// Every name of a key other than its canonical one, most common tools first.
std::vector<std::string_view> AliasesOf(const TrainerKey& key) {
  std::vector<std::string_view> names;
  for (std::string_view tool : {key.sb3, key.cleanrl, key.pufferlib, key.skrl}) {
    if (!tool.empty() && tool != key.name) names.push_back(tool);
  }
  for (std::string_view other : Words(key.others)) names.push_back(other);
  return names;
}

const TrainerKey* FindByName(std::string_view leaf, TrainerDialect dialect) {
  if (dialect == TrainerDialect::kPufferLib) {
    for (const TrainerKey& key : Table()) {
      if (key.pufferlib == leaf) return &key;
    }
  }
  if (const TrainerKey* key = FindTrainerKey(leaf)) return key;  // canonical names before aliases
  for (const TrainerKey& key : Table()) {
    for (std::string_view alias : AliasesOf(key)) {
      if (alias == leaf) return &key;
    }
  }
  return nullptr;
}

std::string_view TypeName(KeyType type) {
  switch (type) {
    case KeyType::kInt:
      return "int";
    case KeyType::kFloat:
      return "float";
    case KeyType::kBool:
      return "bool";
    case KeyType::kString:
      return "string";
    case KeyType::kIntList:
      return "int list";
  }
  return "";
}

std::string Code(std::string_view name) { return name.empty() ? "" : fmt::format("`{}`", name); }

}  // namespace

std::span<const TrainerKey> TrainerKeys() { return Table(); }

bool AppliesTo(const TrainerKey& key, std::string_view algorithm) {
  if (key.algorithms.empty()) return true;
  const std::vector<std::string_view> words = Words(key.algorithms);
  return std::find(words.begin(), words.end(), algorithm) != words.end();
}

const TrainerKey* FindTrainerKey(std::string_view canonical) {
  for (const TrainerKey& key : Table()) {
    if (key.name == canonical) return &key;
  }
  return nullptr;
}

std::optional<std::string> CanonicalTrainerKey(std::string_view name, TrainerDialect dialect) {
  const size_t dot = name.rfind('.');
  const std::string_view leaf = dot == std::string_view::npos ? name : name.substr(dot + 1);
  const size_t second =
      dot == std::string_view::npos || dot == 0 ? std::string_view::npos : name.rfind('.', dot - 1);
  const std::string_view last_two =
      second == std::string_view::npos ? name : name.substr(second + 1);
  const TrainerKey* key =
      last_two != leaf ? FindByName(last_two, dialect) : nullptr;  // optimizer.eps
  if (!key) key = FindByName(leaf, dialect);
  if (!key) return std::nullopt;
  return std::string(key->name);
}

std::string ClosestTrainerKey(std::string_view name) {
  std::vector<std::string_view> known;
  for (const TrainerKey& key : Table()) {
    known.push_back(key.name);
    for (std::string_view alias : AliasesOf(key)) known.push_back(alias);
  }
  return ClosestWord(name, known);
}

std::string TrainerKeysMarkdown() {
  std::vector<TrainerConfig> defaults;  // each algorithm's, on the default env
  for (std::string_view algorithm : kAlgorithms)
    defaults.push_back(DefaultsFor(TrainerConfig().env_id, std::string(algorithm)));
  std::string out =
      "| key | type | PPO default | A2C default | SAC default | unit | meaning | SB3 | CleanRL | "
      "PufferLib/Metta | skrl | other tools |\n"
      "|---|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (const TrainerKey& key : Table()) {
    std::string others;
    for (std::string_view word : Words(key.others))
      others += (others.empty() ? "" : ", ") + Code(word);
    std::string per_algorithm;
    for (const TrainerConfig& config : defaults) {
      per_algorithm += AppliesTo(key, config.algorithm)
                           ? fmt::format("`{}` | ", key.get(config).ToYaml())
                           : "- | ";
    }
    out += fmt::format("| `{}` | {} | {}{} | {} | {} | {} | {} | {} | {} |\n", key.name,
                       TypeName(key.type), per_algorithm, key.unit, key.meaning, Code(key.sb3),
                       Code(key.cleanrl), Code(key.pufferlib), Code(key.skrl), others);
  }
  return out;
}

}  // namespace hpo::config
