#include "lib/config/yaml_source.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "lib/core/atomic_file.h"

namespace hpo::config {
namespace {

std::string Location(const std::string& source, const YAML::Mark& mark) {
  if (mark.is_null()) return source;
  return source + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

YamlDocument Parse(const std::string& text, const std::string& source) {
  try {
    return {source, YAML::Load(text)};
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

Value ScalarValue(const YAML::Node& node) {
  const std::string& text = node.Scalar();
  // A quoted scalar ('3' or "true") is a string whatever it looks like.
  if (node.Tag() == "!") return Value(text);
  if (text == "true" || text == "True" || text == "TRUE") return Value(true);
  if (text == "false" || text == "False" || text == "FALSE") return Value(false);
  int64_t i = 0;
  if (ParseInt(text, i)) return Value(i);
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

Origin OriginOf(const std::string& source, const YAML::Node& node) {
  return Origin{Location(source, node.Mark())};
}

Value ValueFromYaml(const YAML::Node& node, const Origin& origin) {
  if (node.IsScalar()) return ScalarValue(node);
  if (node.IsSequence()) {
    Value::List items;
    for (const YAML::Node& item : node) {
      if (!item.IsScalar()) {
        throw UserError(origin, "expected a scalar or a flat list, found a nested structure");
      }
      items.push_back(ScalarValue(item));
    }
    return Value(std::move(items));
  }
  if (node.IsNull()) throw UserError(origin, "missing value");
  throw UserError(origin, "expected a scalar or a list, found a mapping");
}

YAML::Node ValueToYaml(const Value& value) {
  if (value.is_list()) {
    YAML::Node list(YAML::NodeType::Sequence);
    list.SetStyle(YAML::EmitterStyle::Flow);
    for (const Value& item : value.as_list()) list.push_back(ValueToYaml(item));
    return list;
  }
  if (value.is_string()) return YAML::Node(value.as_string());
  // Numbers and bools: our own round-trip text, so 1.0 stays a float and 3e-4 stays exact.
  return YAML::Node(value.ToYaml());
}

}  // namespace hpo::config
