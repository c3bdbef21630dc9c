#include "lib/core/value.h"

#include <fmt/format.h>

#include <cmath>

#include "lib/core/check.h"

namespace hpo {

double Value::as_double() const {
  if (is_int()) return static_cast<double>(as_int());
  HPO_CHECK(is_double(), "Value::as_double on a non-number");
  return std::get<double>(data_);
}

std::string FormatDouble(double v) {
  if (std::isnan(v)) return ".nan";
  if (std::isinf(v)) return v > 0 ? ".inf" : "-.inf";
  std::string text = fmt::format("{}", v);
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  return text;
}

namespace {

// Strings that YAML would read as something else (numbers, bools, null, flow syntax) are quoted.
bool NeedsQuotes(const std::string& s) {
  if (s.empty()) return true;
  if (s.find_first_of(":#,[]{}&*!|>'\"%@`") != std::string::npos) return true;
  if (s.front() == ' ' || s.back() == ' ' || s.front() == '-' || s.front() == '?') return true;
  static const char* const kReserved[] = {"true", "false", "yes", "no", "on", "off",
                                          "null", "~",    "True", "False", "Null", "NULL"};
  for (const char* word : kReserved) {
    if (s == word) return true;
  }
  char* end = nullptr;
  std::strtod(s.c_str(), &end);
  return end != nullptr && *end == '\0';  // looks like a number
}

}  // namespace

std::string Value::ToYaml() const {
  if (is_bool()) return as_bool() ? "true" : "false";
  if (is_int()) return std::to_string(as_int());
  if (is_double()) return FormatDouble(std::get<double>(data_));
  if (is_string()) {
    const std::string& s = as_string();
    if (!NeedsQuotes(s)) return s;
    std::string quoted = "\"";
    for (char c : s) {
      if (c == '"' || c == '\\') quoted += '\\';
      quoted += c;
    }
    return quoted + "\"";
  }
  std::string out = "[";
  for (const Value& item : as_list()) {
    if (out.size() > 1) out += ", ";
    out += item.ToYaml();
  }
  return out + "]";
}

}  // namespace hpo
