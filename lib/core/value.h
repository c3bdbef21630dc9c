// A hyperparameter value: what a YAML value in a sweep file can hold (null, bool, integer, float,
// string, a list such as net_arch [64, 64], or a mapping such as W&B's
// {env_id: Env-v0, max_steps: 1000}). Shared by space, config, store and report so a value
// travels from a sweep file to a trial and back without conversion.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace hpo {

class Value {
 public:
  using List = std::vector<Value>;
  /// Keys in the order the file writes them: ToYaml gives the mapping back as written.
  using Mapping = std::vector<std::pair<std::string, Value>>;

  Value() : data_(int64_t{0}) {}
  Value(std::nullptr_t) : data_(std::monostate{}) {}  // NOLINT(google-explicit-constructor)
  Value(bool v) : data_(v) {}                         // NOLINT(google-explicit-constructor)
  Value(int v) : data_(int64_t{v}) {}                 // NOLINT(google-explicit-constructor)
  Value(int64_t v) : data_(v) {}                      // NOLINT(google-explicit-constructor)
  Value(double v) : data_(v) {}                       // NOLINT(google-explicit-constructor)
  Value(std::string v) : data_(std::move(v)) {}       // NOLINT(google-explicit-constructor)
  Value(const char* v) : data_(std::string(v)) {}     // NOLINT(google-explicit-constructor)
  Value(List v) : data_(std::move(v)) {}              // NOLINT(google-explicit-constructor)
  Value(Mapping v) : data_(std::move(v)) {}           // NOLINT(google-explicit-constructor)

  /// YAML's null (`null`, `~`), Python's None: W&B passes it to the run as any other value.
  bool is_null() const { return std::holds_alternative<std::monostate>(data_); }

  bool is_bool() const { return std::holds_alternative<bool>(data_); }
  bool is_int() const { return std::holds_alternative<int64_t>(data_); }
  bool is_double() const { return std::holds_alternative<double>(data_); }
  bool is_number() const { return is_int() || is_double(); }
  bool is_string() const { return std::holds_alternative<std::string>(data_); }
  bool is_list() const { return std::holds_alternative<List>(data_); }
  bool is_mapping() const { return std::holds_alternative<Mapping>(data_); }

  bool as_bool() const { return std::get<bool>(data_); }
  int64_t as_int() const { return std::get<int64_t>(data_); }
  /// Integers widen to double; anything else is a bug in the caller (check is_number()).
  double as_double() const;
  const std::string& as_string() const { return std::get<std::string>(data_); }
  const List& as_list() const { return std::get<List>(data_); }
  const Mapping& as_mapping() const { return std::get<Mapping>(data_); }

  /// YAML flow form that parses back to an equal Value: 3, 0.0003, 1.0, true, adam, null,
  /// [64, 64], {a: 1, b: [64, 64]}. Floats use the shortest round-trip form and always show a
  /// '.', 'e', "inf" or "nan" so they are never re-read as integers.
  std::string ToYaml() const;

  /// Parses what ToYaml() writes (a scalar, or flow lists and mappings of them, nested).
  /// Returns std::nullopt on text that ToYaml() could not have produced. Full YAML goes
  /// through lib/config/yaml_source.h.
  static std::optional<Value> Parse(std::string_view text);

  /// Kinds stay apart (true is not 1, 1 is not 1.0: Optuna keeps each a choice of its own);
  /// mappings with the same entries are equal whatever their key order (as W&B and YAML hold).
  friend bool operator==(const Value& a, const Value& b);

 private:
  std::variant<std::monostate, bool, int64_t, double, std::string, List, Mapping> data_;
};

/// A set of hyperparameters by canonical (dotted) name, ordered for stable output.
using ParamSet = std::map<std::string, Value>;

/// GoogleTest prints a Value as its YAML text (found by argument-dependent lookup).
void PrintTo(const Value& value, std::ostream* out);

/// True if `text` is a YAML 1.2 number: [-+]digits[.digits][e[-+]digits] (or .5). strtod also
/// accepts "nan", "inf" and hex, which YAML reads as words; only ".nan"/".inf" are YAML's.
bool IsYamlNumber(std::string_view text);

/// Shortest round-trip text of a double that reads back as a float in YAML ("1.0", "3e-04"...).
std::string FormatDouble(double v);

/// A number for people to read, not to read back: 4 significant digits, scientific below 1e-2
/// and from 1e5 on, trailing zeros dropped ("7.31e-04", "0.2632", "250.1", "1.235e+06"). Every
/// human output uses it; files that are read back (patches, results, exports, printed commands)
/// keep full precision.
std::string ReadableNumber(double v);
/// A value for people: its floats (inside lists and mappings too) as ReadableNumber; integers,
/// words, bools and null as written.
std::string ReadableValue(const Value& value);

}  // namespace hpo
