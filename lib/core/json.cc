#include "lib/core/json.h"

#include <fmt/format.h>

#include <cmath>

namespace hpo {

std::string JsonString(const std::string& text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += fmt::format("\\u{:04x}", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string JsonNumber(double value) {
  if (!std::isfinite(value)) return "null";
  return fmt::format("{}", value);
}

std::string JsonNumbers(const std::vector<double>& values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) out += (i ? ", " : "") + JsonNumber(values[i]);
  return out + "]";
}

std::string JsonValue(const Value& value) {
  if (value.is_list()) {
    std::string out = "[";
    for (const Value& item : value.as_list()) {
      if (out.size() > 1) out += ", ";
      out += JsonValue(item);
    }
    return out + "]";
  }
  if (value.is_mapping()) {  // keys in the sweep file's order, as W&B's json.dumps of its dict
    std::string out;
    for (const auto& [key, item] : value.as_mapping())
      out += (out.empty() ? "" : ", ") + JsonString(key) + ": " + JsonValue(item);
    return "{" + out + "}";
  }
  if (value.is_null()) return "null";
  if (value.is_string()) return JsonString(value.as_string());
  if (value.is_bool()) return value.as_bool() ? "true" : "false";
  if (value.is_int()) return std::to_string(value.as_int());
  return JsonNumber(value.as_double());
}

std::string JsonParams(const ParamSet& params) {
  std::string json;
  for (const auto& [name, value] : params)
    json += (json.empty() ? "" : ", ") + JsonString(name) + ": " + JsonValue(value);
  return "{" + json + "}";
}

}  // namespace hpo
