#include "lib/config/yaml_source.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <utility>
#include <vector>

#include "lib/config/interpolation.h"
#include "lib/config/yaml11.h"
#include "lib/core/atomic_file.h"

namespace hpo::config {
namespace {

std::string Location(const std::string& source, const YAML::Mark& mark) {
  if (mark.is_null()) return source;
  return source + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

// YAML's printable set (1.2, section 5.1): tab, LF, CR, x20-x7E, NEL, xA0-xD7FF, xE000-xFFFD,
// x10000-x10FFFF.
bool IsYamlPrintable(uint32_t c) {
  return c == 0x09 || c == 0x0A || c == 0x0D || (c >= 0x20 && c <= 0x7E) || c == 0x85 ||
         (c >= 0xA0 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) ||
         (c >= 0x10000 && c <= 0x10FFFF);
}

// The code point at text[i] and its length in bytes; nullopt for a byte that starts no valid
// UTF-8 sequence (truncated, overlong, surrogate or out of range).
std::optional<std::pair<uint32_t, size_t>> DecodeUtf8(const std::string& text, size_t i) {
  const auto lead = static_cast<unsigned char>(text[i]);
  size_t length = 0;
  uint32_t c = 0;
  if (lead < 0x80) return std::make_pair(uint32_t{lead}, size_t{1});
  if ((lead & 0xE0) == 0xC0)
    length = 2, c = lead & 0x1Fu;
  else if ((lead & 0xF0) == 0xE0)
    length = 3, c = lead & 0x0Fu;
  else if ((lead & 0xF8) == 0xF0)
    length = 4, c = lead & 0x07u;
  else
    return std::nullopt;
  if (i + length > text.size()) return std::nullopt;
  for (size_t k = 1; k < length; ++k) {
    const auto next = static_cast<unsigned char>(text[i + k]);
    if ((next & 0xC0) != 0x80) return std::nullopt;
    c = (c << 6) | (next & 0x3Fu);
  }
  const uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (c < smallest[length] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return std::nullopt;
  return std::make_pair(c, length);
}

// yaml-cpp reads invalid UTF-8 and control characters as they come, and its emitter writes
// something else back: a stored config would then not read back as the same sweep (found by
// fuzz/sweep_config_fuzz.cc). YAML streams are printable Unicode, so anything else is refused
// at its line and column.
void CheckPrintableUtf8(const std::string& text, const std::string& source) {
  int line = 1, column = 1;
  for (size_t i = 0; i < text.size();) {
    const std::optional<std::pair<uint32_t, size_t>> decoded = DecodeUtf8(text, i);
    // yaml-cpp does not break lines at a lone CR (old Mac line ends): it keeps the CRs in the
    // scalar and its emitter writes them back so that one is lost (found by the fuzzer).
    if (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n')) {
      throw UserError(
          Origin{fmt::format("{}:{}:{}", source, line, column)},
          "a carriage return without a line feed: save the file with LF (or CRLF) line endings");
    }
    if (!decoded || !IsYamlPrintable(decoded->first)) {
      const std::string what = decoded
                                   ? fmt::format("the control character U+{:04X}", decoded->first)
                                   : fmt::format("the byte 0x{:02x}, which is not UTF-8",
                                                 static_cast<unsigned char>(text[i]));
      throw UserError(Origin{fmt::format("{}:{}:{}", source, line, column)},
                      fmt::format("{}: YAML files are printable UTF-8 text", what));
    }
    if (decoded->first == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
    i += decoded->second;
  }
}

// Aliases share nodes, so a short file can stand for an exponentially large tree ("billion
// laughs"). Such files are refused once, here, so that every walk over a document is bounded.
constexpr size_t kMaxValues = 1'000'000;

size_t CountValues(const YAML::Node& node, size_t count) {
  if (++count > kMaxValues) return count;
  if (node.IsMap() || node.IsSequence()) {
    for (auto it = node.begin(); it != node.end() && count <= kMaxValues; ++it) {
      count = CountValues(node.IsMap() ? it->second : *it, count);
    }
  }
  return count;
}

bool IsMergeKey(const YAML::Node& key) {
  return key.IsScalar() && key.Scalar() == "<<" && key.Tag() != "!";
}

// YAML 1.1 merge keys (`<<: *defaults`, `<<: [*a, *b]`), which PyYAML and OmegaConf apply and
// yaml-cpp keeps as a key named "<<": a mapping's own keys win, then each merged mapping's in
// order. The merged key and value nodes are the originals, so errors keep their line:col.
void ApplyMergeKeys(YAML::Node node, const std::string& source) {
  if (node.IsSequence()) {
    for (YAML::Node item : node) ApplyMergeKeys(item, source);
    return;
  }
  if (!node.IsMap()) return;
  std::optional<YAML::Node> merge;
  for (auto pair : node) {
    if (IsMergeKey(pair.first))
      merge = pair.second;
    else
      ApplyMergeKeys(pair.second, source);
  }
  if (!merge) return;
  std::vector<YAML::Node> merged;
  if (merge->IsMap()) merged.push_back(*merge);
  for (size_t i = 0; merge->IsSequence() && i < merge->size(); ++i) merged.push_back((*merge)[i]);
  if (merged.empty() ||
      std::any_of(merged.begin(), merged.end(), [](const YAML::Node& m) { return !m.IsMap(); })) {
    throw UserError(Origin{Location(source, merge->Mark())},
                    "a merge key (<<) takes a mapping or a list of mappings");
  }
  const YAML::Node& own = node;  // const access: looking a key up must not add it
  for (YAML::Node& from : merged) {
    ApplyMergeKeys(from, source);
    for (auto pair : from) {
      if (!pair.first.IsScalar() || IsMergeKey(pair.first) || own[pair.first.Scalar()]) continue;
      node.force_insert(pair.first, pair.second);
    }
  }
  node.remove("<<");
}

YamlDocument Parse(const std::string& text, const std::string& source) {
  CheckPrintableUtf8(text, source);
  try {
    YAML::Node root = YAML::Load(text);
    if (CountValues(root, 0) > kMaxValues) {
      throw UserError(
          Origin{source},
          fmt::format("the file stands for more than {} values through its aliases (*name)",
                      kMaxValues));
    }
    ApplyMergeKeys(root, source);
    YamlDocument doc{source, root, {}, false};
    doc.json = IsJsonText(text);
    return doc;
  } catch (const YAML::ParserException& e) {
    throw UserError(Origin{Location(source, e.mark)}, "YAML syntax error: " + e.msg);
  }
}

bool ParseInt(const std::string& text, int64_t& out) {
  if (!IsYamlNumber(text)) return false;
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  if (errno != 0 || *end != '\0') return false;
  out = v;
  return true;
}

bool ParseDouble(const std::string& text, double& out) {
  // YAML 1.2 spellings of the special values (plain "nan" or "inf" are words).
  if (text == ".inf" || text == "+.inf") return out = HUGE_VAL, true;
  if (text == "-.inf") return out = -HUGE_VAL, true;
  if (text == ".nan" || text == ".NaN") return out = NAN, true;
  if (!IsYamlNumber(text)) return false;
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (errno == ERANGE || *end != '\0') return false;
  out = v;
  return true;
}

// "1_000_000" -> "1000000"; anything else (no digit groups) -> "" (not a number).
std::string WithoutDigitGroups(const std::string& text) {
  const size_t first = text.find_first_not_of("+-");
  if (first > 1 || first == std::string::npos || text.find('_') == std::string::npos) return "";
  if (text[first] == '_' || text.back() == '_' || text.find("__") != std::string::npos) return "";
  if (text.find_first_not_of("0123456789_", first) != std::string::npos) return "";
  std::string digits;
  for (char ch : text) {
    if (ch != '_') digits += ch;
  }
  return digits;
}

Value ScalarValue(const YAML::Node& node, const Origin& origin) {
  const std::string& text = node.Scalar();
  // A quoted scalar ('3' or "true") is a string whatever it looks like.
  if (node.Tag() == "!") return Value(text);
  if (std::optional<Value> tools = PyYamlValue(node, origin)) return *tools;
  if (text == "true" || text == "True" || text == "TRUE") return Value(true);
  if (text == "false" || text == "False" || text == "FALSE") return Value(false);
  int64_t i = 0;
  if (ParseInt(text, i)) return Value(i);
  if (ParseInt(WithoutDigitGroups(text), i))
    return Value(i);  // YAML 1.1's 1_000_000, which PyYAML reads
  double d = 0;
  if (ParseDouble(text, d)) return Value(d);
  return Value(text);
}

}  // namespace

YamlDocument LoadYamlFile(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path)) throw UserError("file not found: " + path.string());
  return Parse(ReadFile(path), path.string());
}

YamlDocument LoadYamlString(const std::string& text, const std::string& source) {
  return Parse(text, source);
}

void ForEachNode(const YAML::Node& node, const std::function<void(const YAML::Node&)>& visit) {
  visit(node);
  if (node.IsSequence()) {
    for (const YAML::Node& item : node) ForEachNode(item, visit);
  } else if (node.IsMap()) {
    for (const auto& pair : node) ForEachNode(pair.second, visit);
  }
}

Origin OriginOf(const std::string& source, const YAML::Node& node) {
  return Origin{Location(source, node.Mark())};
}

Value ValueFromYaml(const YAML::Node& node, const Origin& origin) {
  RequireResolved(node, origin);
  if (node.IsScalar()) return ScalarValue(node, origin);
  if (node.IsSequence()) {
    Value::List items;
    for (const YAML::Node& item : node) items.push_back(ValueFromYaml(item, origin));
    return Value(std::move(items));
  }
  if (node.IsMap()) {
    Value::Mapping entries;
    for (const auto& pair : node) {
      if (!pair.first.IsScalar()) throw UserError(origin, "a mapping's keys must be words");
      const std::string& key = pair.first.Scalar();
      if (std::any_of(entries.begin(), entries.end(),
                      [&](const auto& e) { return e.first == key; }))
        throw UserError(origin, fmt::format("key '{}' is set twice in this mapping", Echo(key)));
      entries.emplace_back(key, ValueFromYaml(pair.second, origin));
    }
    return Value(std::move(entries));
  }
  return Value(nullptr);  // null, ~ or nothing written: PyYAML's None
}

namespace {

// True when `text` written plain would read back as exactly this string, in YAML 1.2 and to
// the YAML 1.1 loaders (yaml11.h) too: hpo's own files may be read as OmegaConf reads Metta's
// (a stored config with Protein's spellings), where `yes`, `on` or `1:30` would be no string.
// Guild's resolver makes the most of a scalar: PyYAML's types, dates, and the widest floats.
bool ReadsBackAsItself(const std::string& text) {
  if (text.empty() || Yaml11TypeOf(text, YamlLoader::kGuild) != Yaml11Type::kString) return false;
  try {
    const YAML::Node node = YAML::Load(text);
    return node.IsScalar() && node.Tag() == "?" && ScalarValue(node, Origin{}) == Value(text);
  } catch (const YAML::Exception&) {
    return false;
  }
}

}  // namespace

void EmitParams(YAML::Emitter& out, const ParamSet& params) {
  out << YAML::BeginMap;
  for (const auto& [name, value] : params) {
    out << YAML::Key << name << YAML::Value;
    EmitValue(out, value);
  }
  out << YAML::EndMap;
}

void EmitValue(YAML::Emitter& out, const Value& value, bool pyyaml_floats) {
  if (value.is_list()) {
    out << YAML::Flow << YAML::BeginSeq;
    for (const Value& item : value.as_list()) EmitValue(out, item, pyyaml_floats);
    out << YAML::EndSeq;
  } else if (value.is_mapping()) {
    out << YAML::Flow << YAML::BeginMap;
    for (const auto& [key, item] : value.as_mapping()) {
      out << YAML::Key;
      EmitValue(out, Value(key));
      out << YAML::Value;
      EmitValue(out, item, pyyaml_floats);
    }
    out << YAML::EndMap;
  } else if (value.is_null()) {
    out << YAML::Null;  // yaml-cpp writes the text "null" quoted, a string
  } else if (value.is_string()) {
    // found by the sweep-config fuzzer: the string "true" was written plain and read back a bool
    if (ReadsBackAsItself(value.as_string())) {
      out << value.as_string();
    } else {
      out << YAML::DoubleQuoted << value.as_string();
    }
  } else if (pyyaml_floats && value.is_double()) {
    out << PyYamlFloatSpelling(value.ToYaml());
  } else {
    out << value.ToYaml();  // our own round-trip text: 1.0 stays a float and 3e-4 exact
  }
}

}  // namespace hpo::config
