#include "lib/config/sweep_keys.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "lib/config/sweep_config.h"
#include "lib/config/sweep_reading.h"
#include "lib/config/yaml_source.h"
#include "lib/core/quantities.h"
#include "lib/core/seed_aggregate.h"
#include "lib/core/value.h"

namespace hpo::config {
namespace {

constexpr int64_t kNoLeast = std::numeric_limits<int64_t>::min();

const SweepConfig& Defaults() {
  static const SweepConfig defaults;
  return defaults;
}

// ----- checks beyond a value's type, named by the table ----------------------------------------

void CheckHeartbeat(SweepReading& r, const YAML::Node& v, const std::string& /*path*/) {
  if (r.config().heartbeat_timeout < 1) r.Fail(v, "heartbeat_timeout must be at least 1 second");
}

void CheckCost(SweepReading& r, const YAML::Node& v, const std::string& /*path*/) {
  const std::string& cost = r.config().cost;
  if (cost != "auto" && cost != "wall" && cost != "steps" && cost != "reported")
    r.Fail(v, "cost must be auto, wall, steps or reported, not '" + cost + "'");
}

void CheckAggregate(SweepReading& r, const YAML::Node& v, const std::string& /*path*/) {
  const std::string& aggregate = r.config().aggregate;
  if (!IsSeedAggregate(aggregate))
    r.Fail(v, "aggregate must be mean, median, min, max or iqm, not '" + aggregate + "'");
}

void CheckMinDelta(SweepReading& r, const YAML::Node& v, const std::string& /*path*/) {
  if (r.config().min_delta < 0) r.Fail(v, "min_delta must be >= 0");
}

void CheckNarrow(SweepReading& r, const YAML::Node& v, const std::string& /*path*/) {
  SweepConfig& c = r.config();
  c.narrow_origin = r.At(v);
  if (!(c.narrow > 0 && c.narrow <= 1))
    r.Fail(v, fmt::format("narrow is the share of each range kept, in (0, 1], not {}", c.narrow));
}

// Whole devices, or a share 1/k of one (k processes per device), as a lock per share can hand
// them out.
void CheckGpusPerTrial(SweepReading& r, const YAML::Node& v, const std::string& path) {
  if (IsGpuAmount(r.config().gpus_per_trial)) return;
  r.Fail(v, fmt::format("{} must be 0, a share 1/k of one device (0.5, 0.25) or a whole number "
                        "of devices, got {}",
                        Echo(path), Echo(v.Scalar())));
}

// Where the file names it: a missing file is reported there when the sweep is loaded.
void RememberBaseConfig(SweepReading& r, const YAML::Node& v, const std::string& /*path*/) {
  r.config().base_config_origin = r.At(v);
}

void CheckMaxSuggestionCost(SweepReading& r, const YAML::Node& v, const std::string& path) {
  SweepConfig& c = r.config();
  if (!(c.sampler.protein.max_suggestion_cost > 0))
    r.Fail(v, fmt::format("{} must be > 0 seconds, got {}", Echo(path), Echo(v.Scalar())));
  if (c.timeout_per_trial == 0)
    c.timeout_per_trial = c.sampler.protein.max_suggestion_cost;  // also the kill limit
}

// ----- a field, by its type and the key's reading -------------------------------------------

void ReadInto(SweepReading& r, const SweepKey& k, const YAML::Node& v, const std::string& path,
              int& field) {
  field = k.reading == SweepReadingKind::kJobs ? r.Jobs(v, path)
                                               : r.Int(v, path, static_cast<int>(k.least));
}

void ReadInto(SweepReading& r, const SweepKey& k, const YAML::Node& v, const std::string& path,
              int64_t& field) {
  if (k.reading == SweepReadingKind::kResource && v.Scalar() == "auto") {
    field = 0;
    return;
  }
  // W&B's range(s) raises on a float, 2.0 included
  if (k.reading == SweepReadingKind::kWandbCount && v.IsScalar() &&
      v.Scalar().find_first_of(".eE") != std::string::npos) {
    r.Fail(v, fmt::format("{} must be a whole number written without a point (W&B fails on a "
                          "float), got {}",
                          path, Echo(v.Scalar())));
  }
  field = r.Integer(v, path, k.least);
}

void ReadInto(SweepReading& r, const SweepKey& k, const YAML::Node& v, const std::string& path,
              uint64_t& field) {
  field = static_cast<uint64_t>(r.Integer(v, path, k.least));
}

void ReadInto(SweepReading& r, const SweepKey& k, const YAML::Node& v, const std::string& path,
              double& field) {
  field = k.reading == SweepReadingKind::kSeconds ? r.Seconds(v, path) : r.Number(v, path);
}

void ReadInto(SweepReading& r, const SweepKey& /*k*/, const YAML::Node& v, const std::string& path,
              bool& field) {
  field = r.Bool(v, path);
}

void ReadInto(SweepReading& r, const SweepKey& k, const YAML::Node& v, const std::string& path,
              std::string& field) {
  field = k.reading == SweepReadingKind::kWordOrNone && v.IsNull() ? "" : r.Text(v, path);
}

void ReadInto(SweepReading& r, const SweepKey& /*k*/, const YAML::Node& v, const std::string& path,
              std::vector<double>& field) {
  if (!v.IsSequence()) r.Fail(v, fmt::format("{} must be a list of numbers", Echo(path)));
  field.clear();
  for (size_t i = 0; i < v.size(); ++i)
    field.push_back(r.Number(v[i], fmt::format("{}[{}]", path, i)));
}

void ReadInto(SweepReading& r, const SweepKey& /*k*/, const YAML::Node& v, const std::string& path,
              std::vector<std::string>& field) {
  field.clear();
  if (v.IsSequence()) {
    for (size_t i = 0; i < v.size(); ++i)
      field.push_back(r.Text(v[i], fmt::format("{}[{}]", path, i)));
  } else {
    field = SplitCommaList(r.Text(v, path));
  }
  for (const std::string& word : field) {
    if (word.empty() || word.find_first_of(", ") != std::string::npos)
      r.Fail(v, fmt::format("{} must be a list of words or one comma-separated word, got {}",
                            Echo(path), Echo(v.IsScalar() ? v.Scalar() : "a list")));
  }
}

template <typename T>
void ReadInto(SweepReading& r, const SweepKey& k, const YAML::Node& v, const std::string& path,
              std::optional<T>& field) {
  T value{};
  ReadInto(r, k, v, path, value);
  field = value;
}

// As ToYaml writes each: numbers as FormatDouble, a resource of 0 as auto.
template <typename T>
void EmitOf(YAML::Emitter& out, const SweepKey& k, const T& value) {
  if constexpr (std::is_same_v<T, double>) {
    out << FormatDouble(value);
  } else if constexpr (std::is_same_v<T, int64_t>) {
    if (k.reading == SweepReadingKind::kResource)
      out << (value == 0 ? std::string("auto") : std::to_string(value));
    else
      out << value;
  } else {
    out << value;
  }
}

void EmitOf(YAML::Emitter& out, const SweepKey& /*k*/, const std::vector<double>& values) {
  out << YAML::Flow << YAML::BeginSeq;
  for (double v : values) out << FormatDouble(v);
  out << YAML::EndSeq;
}

void EmitOf(YAML::Emitter& out, const SweepKey& /*k*/, const std::vector<std::string>& words) {
  out << YAML::Flow << words;
}

template <typename T>
void EmitOf(YAML::Emitter& out, const SweepKey& k, const std::optional<T>& value) {
  if (value) EmitOf(out, k, *value);
}

template <typename T>
std::string TextOf(const T& value) {
  return fmt::format("{}", value);
}

std::string TextOf(const std::vector<double>& values) {
  return fmt::format("[{}]", fmt::join(values, ", "));
}

std::string TextOf(const std::vector<std::string>& words) {
  return fmt::format("{}", fmt::join(words, ","));
}

template <typename T>
std::string TextOf(const std::optional<T>& value) {
  return value ? TextOf(*value) : "";
}

// The table, one entry per row of sweep_keys.inc.
constexpr SweepKey kTable[] = {
#define HPO_SWEEP_SETTING(section, name, field, reading, least, check, stored, study, methods,   \
                          aliases, elsewhere, type, range, default_text, unit, meaning)          \
  {SweepSection::section,                                                                        \
   #name,                                                                                        \
   aliases,                                                                                      \
   elsewhere,                                                                                    \
   SweepReadingKind::reading,                                                                    \
   least,                                                                                        \
   Stored::stored,                                                                               \
   study,                                                                                        \
   methods,                                                                                      \
   type,                                                                                         \
   range,                                                                                        \
   default_text,                                                                                 \
   unit,                                                                                         \
   meaning,                                                                                      \
   [](SweepReading& r, const SweepKey& k, const YAML::Node& v, const std::string& path) {        \
     ReadInto(r, k, v, path, r.config().field);                                                  \
   },                                                                                            \
   [](YAML::Emitter& out, const SweepKey& k, const SweepConfig& c) { EmitOf(out, k, c.field); }, \
   [](const SweepConfig& c) { return c.field == Defaults().field; },                             \
   [](const SweepConfig& c) { return TextOf(c.field); },                                         \
   check},
#define HPO_SWEEP_ENTRY(section, name, reading, stored, study, aliases, elsewhere, type, range, \
                        default_text, unit, meaning)                                            \
  {SweepSection::section,                                                                       \
   #name,                                                                                       \
   aliases,                                                                                     \
   elsewhere,                                                                                   \
   SweepReadingKind::reading,                                                                   \
   0,                                                                                           \
   Stored::stored,                                                                              \
   study,                                                                                       \
   "",                                                                                          \
   type,                                                                                        \
   range,                                                                                       \
   default_text,                                                                                \
   unit,                                                                                        \
   meaning,                                                                                     \
   nullptr,                                                                                     \
   nullptr,                                                                                     \
   nullptr,                                                                                     \
   nullptr,                                                                                     \
   nullptr},
#include "lib/config/sweep_keys.inc"
#undef HPO_SWEEP_SETTING
#undef HPO_SWEEP_ENTRY
};

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

// "W&B:run_cap" -> {"W&B", "run_cap"}; "max_trials" -> {"", "max_trials"}.
std::pair<std::string_view, std::string_view> ToolAndName(std::string_view alias) {
  const size_t colon = alias.find(':');
  if (colon == std::string_view::npos) return {"", alias};
  return {alias.substr(0, colon), alias.substr(colon + 1)};
}

// "`n_trials` (`max_trials`, W&B's `run_cap`)"
std::string NamesCell(const SweepKey& key) {
  std::string others;
  for (std::string_view alias : Words(key.aliases)) {
    const auto [tool, name] = ToolAndName(alias);
    others += fmt::format("{}{}`{}`", others.empty() ? "" : ", ",
                          tool.empty() ? "" : fmt::format("{}'s ", tool), name);
  }
  for (std::string_view alias : Words(key.elsewhere)) {
    const auto [tool, name] = ToolAndName(alias);
    others += fmt::format("{}{}'s `{}`", others.empty() ? "" : ", ", tool, name);
  }
  return fmt::format("`{}`{}", key.name, others.empty() ? "" : " (" + others + ")");
}

}  // namespace

bool SweepKey::AppliesTo(std::string_view method) const {
  if (methods.empty()) return true;
  const std::vector<std::string_view> words = Words(methods);
  return std::find(words.begin(), words.end(), method) != words.end();
}

std::string_view SweepKey::NameIn(std::string_view tool) const {
  for (std::string_view names : {aliases, elsewhere}) {
    for (std::string_view alias : Words(names)) {
      const auto [its_tool, name] = ToolAndName(alias);
      if (its_tool == tool) return name;
    }
  }
  return {};
}

std::vector<const SweepKey*> SweepKeys(SweepSection section) {
  std::vector<const SweepKey*> keys;
  for (const SweepKey& key : kTable) {
    if (key.section == section) keys.push_back(&key);
  }
  return keys;
}

const SweepKey* FindSweepKey(SweepSection section, std::string_view written) {
  for (const SweepKey* key : SweepKeys(section)) {
    if (key->name == written) return key;
  }
  for (const SweepKey* key : SweepKeys(section)) {
    for (std::string_view alias : Words(key->aliases)) {
      if (ToolAndName(alias).second == written) return key;
    }
  }
  return nullptr;
}

std::vector<std::string_view> SweepKeyNames(SweepSection section) {
  std::vector<std::string_view> names;
  for (const SweepKey* key : SweepKeys(section)) {
    names.push_back(key->name);
    for (std::string_view alias : Words(key->aliases)) names.push_back(ToolAndName(alias).second);
  }
  return names;
}

bool ReadSweepKey(SweepReading& reading, const SweepKey& key, const YAML::Node& value,
                  const std::string& path) {
  switch (key.reading) {
    case SweepReadingKind::kOwn:
      return false;
    case SweepReadingKind::kDescriptive:
      return true;
    case SweepReadingKind::kIgnored:
      reading.Ignore(path);
      return true;
    default:
      key.read(reading, key, value, path);
      if (key.check) key.check(reading, value, path);
      return true;
  }
}

std::string SweepKeysMarkdown(SweepSection section) {
  const bool settings = section != SweepSection::kTop;
  std::string out = fmt::format(
      "| key (aliases) | type | range | default | unit | {}meaning |\n"
      "|---|---|---|---|---|---|{}\n",
      settings ? "for | " : "study | ", "---|");
  for (const SweepKey* key : SweepKeys(section)) {
    const std::string fourth = settings ? std::string(key->methods.empty() ? "all" : key->methods)
                                        : std::string(key->study ? "yes" : "");
    out += fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n", NamesCell(*key), key->type,
                       key->range, key->default_text, key->unit, fourth, key->meaning);
  }
  return out;
}

}  // namespace hpo::config
