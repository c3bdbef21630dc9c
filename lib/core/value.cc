#include "lib/core/value.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <ostream>

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

// "7.310e-04" -> "7.31e-04", "0.2500" -> "0.25", "100.0" -> "100": drops the zeros that carry
// no digit.
std::string TrimZeros(std::string text) {
  const size_t e = text.find('e');
  std::string mantissa = text.substr(0, e), exponent = e == std::string::npos ? "" : text.substr(e);
  if (mantissa.find('.') != std::string::npos) {
    mantissa.erase(mantissa.find_last_not_of('0') + 1);
    if (mantissa.back() == '.') mantissa.pop_back();
  }
  return mantissa + exponent;
}

}  // namespace

std::string ReadableNumber(double v) {
  if (!std::isfinite(v)) return fmt::format("{}", v);
  if (v == 0) return "0";
  const double magnitude = std::fabs(v);
  if (magnitude < 1e-2 || magnitude >= 1e5) return TrimZeros(fmt::format("{:.3e}", v));
  const int decimals = std::max(0, 3 - static_cast<int>(std::floor(std::log10(magnitude))));
  std::string text = TrimZeros(fmt::format("{:.{}f}", v, decimals));
  // Rounding may carry into a fifth digit (99999.7 -> "100000"): the scientific form then.
  return std::fabs(std::strtod(text.c_str(), nullptr)) >= 1e5 ? TrimZeros(fmt::format("{:.3e}", v))
                                                              : text;
}

std::string ReadableValue(const Value& value) {
  if (value.is_list()) {
    std::string out = "[";
    for (const Value& item : value.as_list())
      out += (out.size() > 1 ? ", " : "") + ReadableValue(item);
    return out + "]";
  }
  if (value.is_mapping()) {
    std::string out = "{";
    for (const auto& [key, item] : value.as_mapping())
      out += (out.size() > 1 ? ", " : "") + Value(key).ToYaml() + ": " + ReadableValue(item);
    return out + "}";
  }
  return value.is_double() ? ReadableNumber(value.as_double()) : value.ToYaml();
}

bool IsYamlNumber(std::string_view t) {
  size_t i = 0;
  if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
  size_t digits = 0;
  while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) ++i, ++digits;
  if (i < t.size() && t[i] == '.') {
    ++i;
    while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
    size_t exponent = 0;
    while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) ++i, ++exponent;
    if (exponent == 0) return false;
  }
  return i == t.size();
}

namespace {

// Strings that YAML would read as something else (numbers, bools, null, flow syntax) are quoted.
bool NeedsQuotes(const std::string& s) {
  if (s.empty()) return true;
  if (s.find_first_of(":#,[]{}&*!|>'\"%@`") != std::string::npos) return true;
  if (s.front() == ' ' || s.back() == ' ' || s.front() == '-' || s.front() == '?') return true;
  static const char* const kReserved[] = {"true", "false", "yes",  "no",    "on",   "off",
                                          "null", "~",     "True", "False", "Null", "NULL"};
  for (const char* word : kReserved) {
    if (s == word) return true;
  }
  return IsYamlNumber(s) || s == ".nan" || s == ".inf" || s == "-.inf";
}

}  // namespace

std::string Value::ToYaml() const {
  if (is_null()) return "null";
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
  std::string out;
  if (is_list()) {
    for (const Value& item : as_list()) out += (out.empty() ? "" : ", ") + item.ToYaml();
    return "[" + out + "]";
  }
  for (const auto& [key, item] : as_mapping())
    out += (out.empty() ? "" : ", ") + Value(key).ToYaml() + ": " + item.ToYaml();
  return "{" + out + "}";
}

bool operator==(const Value& a, const Value& b) {
  if (!a.is_mapping() || !b.is_mapping()) return a.data_ == b.data_;  // lists: item by item
  const Value::Mapping& x = a.as_mapping();
  const Value::Mapping& y = b.as_mapping();
  return x.size() == y.size() && std::all_of(x.begin(), x.end(), [&y](const auto& entry) {
           return std::any_of(y.begin(), y.end(), [&entry](const auto& other) {
             return other.first == entry.first && other.second == entry.second;
           });
         });
}

namespace {

// Recursive-descent reader for the flow subset ToYaml() emits.
class FlowReader {
 public:
  explicit FlowReader(std::string_view text) : text_(text) {}

  std::optional<Value> ReadAll() {
    std::optional<Value> v = ReadValue(Place::kWhole);
    SkipSpaces();
    if (!v || pos_ != text_.size()) return std::nullopt;
    return v;
  }

 private:
  // Where a plain word ends: at the end of the text, or before the punctuation that may follow
  // it inside a flow list or mapping (ToYaml quotes words holding any of it).
  enum class Place { kWhole, kInFlow, kKey };

  void SkipSpaces() {
    while (pos_ < text_.size() && text_[pos_] == ' ') ++pos_;
  }

  bool Take(char c) {
    SkipSpaces();
    if (pos_ >= text_.size() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }

  std::optional<Value> ReadValue(Place place) {
    SkipSpaces();
    if (pos_ >= text_.size()) return std::nullopt;
    if (text_[pos_] == '[') return ReadList();
    if (text_[pos_] == '{') return ReadMapping();
    if (text_[pos_] == '"') return ReadQuoted();
    return ReadPlain(place);
  }

  std::optional<Value> ReadList() {
    ++pos_;  // '['
    Value::List items;
    if (Take(']')) return Value(std::move(items));
    do {
      std::optional<Value> item = ReadValue(Place::kInFlow);
      if (!item) return std::nullopt;
      items.push_back(std::move(*item));
    } while (Take(','));
    return Take(']') ? std::optional<Value>(Value(std::move(items))) : std::nullopt;
  }

  std::optional<Value> ReadMapping() {
    ++pos_;  // '{'
    Value::Mapping entries;
    if (Take('}')) return Value(std::move(entries));
    do {
      const std::optional<Value> key = ReadValue(Place::kKey);
      if (!key || !key->is_string() || !Take(':')) return std::nullopt;
      std::optional<Value> item = ReadValue(Place::kInFlow);
      if (!item) return std::nullopt;
      entries.emplace_back(key->as_string(), std::move(*item));
    } while (Take(','));
    return Take('}') ? std::optional<Value>(Value(std::move(entries))) : std::nullopt;
  }

  std::optional<Value> ReadQuoted() {
    ++pos_;  // opening quote
    std::string out;
    while (pos_ < text_.size() && text_[pos_] != '"') {
      if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) ++pos_;
      out += text_[pos_++];
    }
    if (pos_ >= text_.size()) return std::nullopt;
    ++pos_;  // closing quote
    return Value(std::move(out));
  }

  std::optional<Value> ReadPlain(Place place) {
    const std::string_view stops = place == Place::kWhole    ? ""
                                   : place == Place::kInFlow ? ",]}"
                                                             : ":,]}";
    const size_t start = pos_;
    while (pos_ < text_.size() && stops.find(text_[pos_]) == std::string_view::npos) ++pos_;
    std::string word(text_.substr(start, pos_ - start));
    while (!word.empty() && word.back() == ' ') word.pop_back();
    if (word.empty()) return std::nullopt;
    if (place == Place::kKey) return Value(std::move(word));  // keys are words: "1" quoted
    if (word == "null" || word == "~") return Value(nullptr);
    if (word == "true") return Value(true);
    if (word == "false") return Value(false);
    if (word == ".nan") return Value(std::nan(""));
    if (word == ".inf") return Value(HUGE_VAL);
    if (word == "-.inf") return Value(-HUGE_VAL);
    if (!IsYamlNumber(word)) return Value(std::move(word));
    char* end = nullptr;
    errno = 0;
    const long long i = std::strtoll(word.c_str(), &end, 10);
    if (errno == 0 && *end == '\0') return Value(static_cast<int64_t>(i));
    return Value(std::strtod(word.c_str(), nullptr));
  }

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

std::optional<Value> Value::Parse(std::string_view text) { return FlowReader(text).ReadAll(); }

void PrintTo(const Value& value, std::ostream* out) { *out << value.ToYaml(); }

}  // namespace hpo
