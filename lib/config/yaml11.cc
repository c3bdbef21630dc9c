#include "lib/config/yaml11.h"

#include <fmt/format.h>

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <regex>
#include <sstream>

#include "lib/config/interpolation.h"

namespace hpo::config {
namespace {

// ----- PyYAML's resolver and constructor -------------------------------------------------------
// The implicit resolvers of yaml/resolver.py:170-219 (PyYAML 6.0), tried in that order; all are
// anchored, so the resolver's choice by first character changes nothing.

const std::regex kBool(
    "yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON"
    "|off|Off|OFF");
const std::regex kFloat(
    R"([-+]?[0-9][0-9_]*\.[0-9_]*([eE][-+][0-9]+)?|\.[0-9][0-9_]*([eE][-+][0-9]+)?)"
    R"(|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))");
const std::regex kInt(R"([-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(0|[1-9][0-9_]*))"
                      R"(|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(:[0-5]?[0-9])+)");
const std::regex kNull("~|null|Null|NULL|");
const std::regex kTimestamp(
    R"([0-9]{4}-[0-9]{2}-[0-9]{2})"
    R"(|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(\.[0-9]*)?)"
    R"(([ \t]*(Z|[-+][0-9]{1,2}(:[0-9]{2})?))?)");
// Guild's pattern and OmegaConf's, each added after PyYAML's own resolvers (so tried last): the
// exponent's sign and the mantissa's dot are optional. Their other alternatives (base 60, .inf,
// .nan) are PyYAML's, which match first. Guild's is OmegaConf 2.2.2's (_utils.py:144-157);
// OmegaConf 2.3 (_utils.py:154-167) allows `_` only between digits before the dot or exponent.
const std::regex kGuildFloat(R"([-+]?[0-9][0-9_]*\.[0-9_]*([eE][-+]?[0-9]+)?)"
                             R"(|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+|\.[0-9_]+([eE][-+][0-9]+)?)");
const std::regex kOmegaConfFloat(R"([-+]?[0-9]+(_[0-9]+)*\.[0-9_]*([eE][-+]?[0-9]+)?)"
                                 R"(|[-+]?[0-9]+(_[0-9]+)*[eE][-+]?[0-9]+)"
                                 R"(|\.[0-9]+(_[0-9]+)*([eE][-+][0-9]+)?)");

bool Matches(std::string_view text, const std::regex& pattern) {
  return std::regex_match(text.begin(), text.end(), pattern);
}

std::string Lower(std::string_view text) {
  std::string lower(text);
  for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return lower;
}

// "-1_000" -> {-1, "1000"}: the constructors drop '_' and take the sign off first.
std::pair<int, std::string> SignAndDigits(std::string_view text) {
  std::string digits;
  for (char ch : text) {
    if (ch != '_') digits += ch;
  }
  const int sign = !digits.empty() && digits[0] == '-' ? -1 : 1;
  if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) digits.erase(0, 1);
  return {sign, digits};
}

// 1:30 -> 90: base-60 digits (constructor.py:253-261, 282-290).
double Sexagesimal(const std::string& digits) {
  double value = 0;
  std::istringstream parts(digits);
  for (std::string part; std::getline(parts, part, ':');) value = value * 60 + std::stod(part);
  return value;
}

std::optional<Value> IntValue(std::string_view text) {
  const auto [sign, digits] = SignAndDigits(text);
  if (digits.find(':') != std::string::npos) {
    const double value = Sexagesimal(digits);
    if (value > 9e18) return std::nullopt;
    return Value(static_cast<int64_t>(sign * std::llround(value)));
  }
  int base = 10;
  size_t skip = 0;
  const char prefix = digits.size() > 2 && digits[0] == '0'
                          ? static_cast<char>(std::tolower(static_cast<unsigned char>(digits[1])))
                          : '\0';
  if (prefix == 'b' || prefix == 'o' || prefix == 'x') {  // go-yaml's 0o17, 0B11, 0X1F too
    base = prefix == 'b' ? 2 : prefix == 'o' ? 8 : 16;
    skip = 2;
  } else if (digits.size() > 1 && digits[0] == '0') {
    base = 8;  // constructor.py:251-252
  }
  errno = 0;
  const unsigned long long magnitude = std::strtoull(digits.c_str() + skip, nullptr, base);
  constexpr auto kMax = static_cast<unsigned long long>(std::numeric_limits<int64_t>::max());
  if (errno == ERANGE || magnitude > kMax + (sign < 0 ? 1 : 0)) return std::nullopt;
  // -(2^63) is int64's least: negate in unsigned arithmetic, then convert
  return Value(static_cast<int64_t>(sign < 0 ? 0 - magnitude : magnitude));
}

Value FloatValue(std::string_view text) {
  auto [sign, digits] = SignAndDigits(text);
  digits = Lower(digits);
  if (digits == ".inf") return Value(sign * std::numeric_limits<double>::infinity());
  if (digits == ".nan") return Value(std::numeric_limits<double>::quiet_NaN());
  if (digits.find(':') != std::string::npos) return Value(sign * Sexagesimal(digits));
  return Value(sign * std::strtod(digits.c_str(), nullptr));
}

// ----- go-yaml v2's resolver ------------------------------------------------------------------
// resolve() of gopkg.in/yaml.v2 2.4.0 (resolve.go:83-190), which kubectl's YAML to JSON
// (sigs.k8s.io/yaml) and Determined's master (ghodss/yaml) run: a table of words, then by the
// first character: '.' a float (strconv.ParseFloat), a digit or sign an int (ParseInt with
// base 0 after dropping every '_': 0x, 0o, 0b and a leading 0 are bases), else a float of
// yamlStyleFloat's form; no base 60; a date is decoded into interface{} as its text
// (decode.go:471-478). JSON holds no .inf or .nan: YAMLToJSON fails on them (yaml.go:138).

const std::regex kGoBool(
    "y|Y|yes|Yes|YES|true|True|TRUE|on|On|ON|n|N|no|No|NO|false|False|FALSE"
    "|off|Off|OFF");
const std::regex kGoNull("|~|null|Null|NULL");
const std::regex kGoSpecialFloat(R"([-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))");
// ParseFloat of a text starting with '.': Go's float syntax, '_' only between digits
const std::regex kGoDotFloat(R"(\.[0-9]+(_[0-9]+)*([eE][-+]?[0-9]+(_[0-9]+)*)?)");
// ParseInt(plain, 0, 64) once '_' are dropped: Go's integer literals
const std::regex kGoInt(R"([-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*))");
const std::regex kGoStyleFloat(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");

// True when Go's ParseInt(plain, 0, 64) or ParseUint(plain, 0, 64) takes the integer literal
// `plain`: an int64, or without a sign a uint64.
bool GoIntFits(const std::string& plain) {
  const bool sign = plain[0] == '-' || plain[0] == '+';
  const std::string digits = sign ? plain.substr(1) : plain;
  int base = 10;
  size_t skip = 0;
  if (digits.size() > 1 && digits[0] == '0') {
    const char prefix = static_cast<char>(std::tolower(static_cast<unsigned char>(digits[1])));
    base = prefix == 'b' ? 2 : prefix == 'x' ? 16 : 8;
    skip = prefix == 'b' || prefix == 'x' || prefix == 'o' ? 2 : 1;
  }
  errno = 0;
  const unsigned long long magnitude = std::strtoull(digits.c_str() + skip, nullptr, base);
  if (errno == ERANGE) return false;
  constexpr auto kMax = static_cast<unsigned long long>(std::numeric_limits<int64_t>::max());
  return magnitude <= kMax || (plain[0] == '-' && magnitude == kMax + 1) || !sign;
}

Yaml11Type GoYamlV2TypeOf(std::string_view in) {
  if (Matches(in, kGoBool)) return Yaml11Type::kBool;
  if (Matches(in, kGoNull)) return Yaml11Type::kNull;
  if (Matches(in, kGoSpecialFloat)) return Yaml11Type::kUnconstructed;  // no JSON for them
  const char first = in.empty() ? ' ' : in[0];
  if (first == '.') return Matches(in, kGoDotFloat) ? Yaml11Type::kFloat : Yaml11Type::kString;
  if (first != '+' && first != '-' && !std::isdigit(static_cast<unsigned char>(first)))
    return Yaml11Type::kString;
  std::string plain;
  for (char ch : in) {
    if (ch != '_') plain += ch;
  }
  // an int beyond uint64 is no int (ParseUint fails) and falls to the float form
  if (Matches(plain, kGoInt) && GoIntFits(plain)) return Yaml11Type::kInt;
  if (Matches(plain, kGoStyleFloat) && std::isfinite(std::strtod(plain.c_str(), nullptr)))
    return Yaml11Type::kFloat;  // ParseFloat fails on an overflow: the text stays
  return Yaml11Type::kString;
}

// ----- marking a document -----------------------------------------------------------------------
// A marked scalar's tag is its loader's mark + its type; its text stays as written.

constexpr std::string_view kMark = "!hpo/pyyaml:";     // PyYAML's resolver, or a patched one
constexpr std::string_view kGoMark = "!hpo/goyaml2:";  // go-yaml v2's

std::optional<Yaml11Type> MarkedType(const YAML::Node& node) {
  if (!node.IsScalar()) return std::nullopt;
  std::string name;
  if (node.Tag().rfind(kMark, 0) == 0)
    name = node.Tag().substr(kMark.size());
  else if (node.Tag().rfind(kGoMark, 0) == 0)
    name = node.Tag().substr(kGoMark.size());
  else
    return std::nullopt;
  for (Yaml11Type type : {Yaml11Type::kNull, Yaml11Type::kBool, Yaml11Type::kInt,
                          Yaml11Type::kFloat, Yaml11Type::kTimestamp, Yaml11Type::kString}) {
    if (name == Yaml11TypeName(type)) return type;
  }
  return std::nullopt;
}

// How messages name the loader of a file read with `loader`.
const char* LoaderName(YamlLoader loader) {
  if (loader == YamlLoader::kGoYamlV2)
    return "go-yaml v2 (kubectl's and Determined's YAML to JSON)";
  return loader == YamlLoader::kOmegaConf ? "OmegaConf's YAML loader" : "yaml.safe_load";
}

// How messages name the resolver that gave a scalar its type.
const char* ResolverName(YamlLoader loader) {
  return loader == YamlLoader::kGoYamlV2 ? "go-yaml v2 (YAML 1.1's words)" : "PyYAML (YAML 1.1)";
}

struct Marking {
  const std::string& source;
  YamlLoader loader;

  // Guild passes a date on as str(date) (its loader makes the date); OmegaConf's makes none;
  // go-yaml v2 gives its text (decode.go:471-478).
  bool DatesAsText() const {
    return loader == YamlLoader::kGuild || loader == YamlLoader::kGoYamlV2;
  }
  bool Go() const { return loader == YamlLoader::kGoYamlV2; }

  [[noreturn]] void Refuse(const YAML::Node& node, const std::string& message) const {
    throw UserError(OriginOf(source, node), message);
  }

  // The type safe_load gives a scalar with an explicit tag (!!float 1e6), refused where
  // safe_load refuses the tag or the text, or makes a value hpo has no form of (!!binary).
  Yaml11Type TaggedType(const YAML::Node& node) const {
    const std::string& tag = node.Tag();
    const std::string& text = node.Scalar();
    const std::string core = "tag:yaml.org,2002:";
    const std::string name = tag.rfind(core, 0) == 0 ? tag.substr(core.size()) : "";
    if (name == "str") return Yaml11Type::kString;
    if (name == "null") return Yaml11Type::kNull;
    if (name == "timestamp" && Matches(text, kTimestamp)) return Yaml11Type::kTimestamp;
    if (name == "bool" && Matches(Lower(text), kBool)) return Yaml11Type::kBool;
    if (name == "int" && Matches(text, kInt)) return Yaml11Type::kInt;
    if (name == "float" && (Matches(text, kFloat) || IsYamlNumber(text))) return Yaml11Type::kFloat;
    return RefuseTag(node);
  }

  // go-yaml v2's resolve(tag, text) (resolve.go:94-117): the tag's type when the text resolves
  // to it, an int as a !!float; a !!str is any text.
  Yaml11Type GoTaggedType(const YAML::Node& node) const {
    const std::string core = "tag:yaml.org,2002:";
    const std::string name = node.Tag().rfind(core, 0) == 0 ? node.Tag().substr(core.size()) : "";
    if (name == "str") return Yaml11Type::kString;
    const Yaml11Type type = GoYamlV2TypeOf(node.Scalar());
    if ((name == "bool" && type == Yaml11Type::kBool) ||
        (name == "null" && type == Yaml11Type::kNull) ||
        (name == "int" && type == Yaml11Type::kInt))
      return type;
    if (name == "float" && (type == Yaml11Type::kFloat || type == Yaml11Type::kInt))
      return Yaml11Type::kFloat;
    return RefuseTag(node);
  }

  [[noreturn]] Yaml11Type RefuseTag(const YAML::Node& node) const {
    const std::string& tag = node.Tag();
    const std::string& text = node.Scalar();
    Refuse(node, fmt::format("'{}' tagged {}: {}, which this file's tool loads it with, "
                             "refuses it or makes a value hpo has no form of",
                             Echo(text), Echo(tag), LoaderName(loader)));
  }

  void MarkScalar(YAML::Node node) const {  // a handle: SetTag changes the document
    const std::string& tag = node.Tag();
    if (tag == "!" || tag == kUnresolvedTag || MarkedType(node)) return;  // quoted, or done
    Yaml11Type type = tag == "?" ? Yaml11TypeOf(node.Scalar(), loader)
                      : Go()     ? GoTaggedType(node)
                                 : TaggedType(node);
    if (type == Yaml11Type::kUnconstructed && Go()) {
      Refuse(node, fmt::format("a plain '{}' is a number JSON cannot hold: {}, which turns this "
                               "file into JSON for its tool, fails on it: quote it",
                               Echo(node.Scalar()), LoaderName(loader)));
    }
    if (type == Yaml11Type::kUnconstructed) {
      Refuse(node, fmt::format("a plain '{}' is a value {} cannot build (the file's tool loads "
                               "it with PyYAML and refuses it): quote it",
                               Echo(node.Scalar()), LoaderName(loader)));
    }
    if (type == Yaml11Type::kTimestamp && DatesAsText()) type = Yaml11Type::kString;
    node.SetTag(std::string(Go() ? kGoMark : kMark) + Yaml11TypeName(type));
  }

  // hpo names parameters and settings by a key's text: a plain key PyYAML reads as something
  // else than that word (on: is True, 017: is 15) would name another thing to the tool.
  void CheckKey(const YAML::Node& key) const {
    if (!key.IsScalar() || key.Tag() != "?") return;
    const std::string& text = key.Scalar();
    const Yaml11Type type = Yaml11TypeOf(text, loader);
    std::string meaning;
    if (Go() && type == Yaml11Type::kBool) {  // a JSON key "true" or "false" (yaml.go:201-206)
      meaning = Yaml11Value(text, type)->as_bool() ? "true" : "false";
      if (meaning == text) meaning.clear();
    } else if (Go() && type == Yaml11Type::kNull) {
      meaning = "null, which no JSON key can be,";
    } else if (type == Yaml11Type::kBool && Lower(text) != "true" && Lower(text) != "false") {
      meaning = Yaml11Value(text, type)->as_bool() ? "True" : "False";
    } else if (type == Yaml11Type::kInt || type == Yaml11Type::kFloat) {
      const std::optional<Value> number = Yaml11Value(text, type);
      const std::string written = number ? number->ToYaml() : "a number beyond int64";
      if (written != text) meaning = written;
    } else if (type == Yaml11Type::kTimestamp && !DatesAsText()) {
      meaning = "a date";
    } else if (type == Yaml11Type::kUnconstructed) {
      meaning = "nothing it can build";
    }
    if (meaning.empty()) return;
    Refuse(key, fmt::format("the key '{}' is {} to {}, which this file's tool loads it with, "
                            "not the word hpo would name it by: quote it ('{}')",
                            Echo(text), meaning, ResolverName(loader), Echo(text)));
  }

  void Mark(const YAML::Node& node) const {
    if (node.IsScalar()) return MarkScalar(node);
    if (node.IsSequence()) {
      for (YAML::Node item : node) Mark(item);
    } else if (node.IsMap()) {
      for (auto pair : node) {
        CheckKey(pair.first);
        Mark(pair.second);
      }
    }
  }
};

// ----- JSON as Python's json.loads reads it ---------------------------------------------------

class JsonScanner {
 public:
  explicit JsonScanner(std::string_view text) : t_(text) {}

  bool Document() {
    Space();
    if (!Element(0)) return false;
    Space();
    return i_ == t_.size();
  }

 private:
  static constexpr int kMaxDepth = 1000;  // Python's recursion limit stops json.loads about here

  void Space() {
    while (i_ < t_.size() && (t_[i_] == ' ' || t_[i_] == '\t' || t_[i_] == '\n' || t_[i_] == '\r'))
      ++i_;
  }
  bool Take(char ch) {
    if (i_ >= t_.size() || t_[i_] != ch) return false;
    ++i_;
    return true;
  }
  bool Word(std::string_view word) {
    if (t_.substr(i_, word.size()) != word) return false;
    i_ += word.size();
    return true;
  }
  size_t Digits() {
    const size_t start = i_;
    while (i_ < t_.size() && std::isdigit(static_cast<unsigned char>(t_[i_]))) ++i_;
    return i_ - start;
  }
  // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?, or -Infinity
  bool Number() {
    Take('-');
    if (Word("Infinity")) return true;
    if (!Take('0') && Digits() == 0) return false;
    if (Take('.') && Digits() == 0) return false;
    if (Take('e') || Take('E')) {
      if (!Take('+')) Take('-');
      if (Digits() == 0) return false;
    }
    return true;
  }
  bool String() {
    if (!Take('"')) return false;
    while (i_ < t_.size() && t_[i_] != '"') {
      if (static_cast<unsigned char>(t_[i_]) < 0x20) return false;  // strict: no raw controls
      if (t_[i_++] != '\\') continue;
      if (i_ >= t_.size()) return false;
      const char escape = t_[i_++];
      if (escape == 'u') {
        for (int k = 0; k < 4; ++k, ++i_) {
          if (i_ >= t_.size() || !std::isxdigit(static_cast<unsigned char>(t_[i_]))) return false;
        }
      } else if (std::string_view("\"\\/bfnrt").find(escape) == std::string_view::npos) {
        return false;
      }
    }
    return Take('"');
  }
  // Items of an array (`key` false) or an object, after the opening bracket.
  bool Items(char close, bool key, int depth) {
    Space();
    if (Take(close)) return true;
    do {
      Space();
      if (key && !(String() && (Space(), Take(':')))) return false;
      Space();
      if (!Element(depth + 1)) return false;
      Space();
    } while (Take(','));
    return Take(close);
  }
  bool Element(int depth) {
    if (depth > kMaxDepth || i_ >= t_.size()) return false;
    const char ch = t_[i_];
    if (Take('{')) return Items('}', true, depth);
    if (Take('[')) return Items(']', false, depth);
    if (ch == '"') return String();
    if (ch == '-' || std::isdigit(static_cast<unsigned char>(ch))) return Number();
    return Word("true") || Word("false") || Word("null") || Word("NaN") || Word("Infinity");
  }

  std::string_view t_;
  size_t i_ = 0;
};

void CollectReadOtherwise(const YAML::Node& node, const std::string& path,
                          const std::string& source, std::vector<ReadOtherwise>& found) {
  if (node.IsSequence()) {
    for (size_t i = 0; i < node.size(); ++i)
      CollectReadOtherwise(node[i], fmt::format("{}[{}]", path, i), source, found);
  } else if (node.IsMap()) {
    for (const auto& pair : node) {
      const std::string key = pair.first.IsScalar() ? pair.first.Scalar() : "?";
      const std::string child = path.empty() ? key : fmt::format("{}.{}", path, key);
      CollectReadOtherwise(pair.second, child, source, found);
    }
  } else if (MarkedType(node)) {
    YAML::Node yaml12 = YAML::Clone(node);
    KeepYaml12Reading(yaml12);
    try {
      const Origin origin = OriginOf(source, node);
      Value tools = ValueFromYaml(node, origin);
      Value own = ValueFromYaml(yaml12, origin);
      if (tools.ToYaml() != own.ToYaml() || tools.is_string() != own.is_string())
        found.push_back({path, node.Scalar(), std::move(tools), std::move(own)});
    } catch (const UserError&) {  // the reader refuses it where it reads it
    }
  }
}

}  // namespace

Yaml11Type Yaml11TypeOf(std::string_view plain, YamlLoader loader) {
  if (loader == YamlLoader::kGoYamlV2) return GoYamlV2TypeOf(plain);
  if (Matches(plain, kBool)) return Yaml11Type::kBool;
  if (Matches(plain, kFloat)) return Yaml11Type::kFloat;
  if (Matches(plain, kInt)) return Yaml11Type::kInt;
  if (plain == "<<") return Yaml11Type::kUnconstructed;  // the merge tag, as a value
  if (Matches(plain, kNull)) return Yaml11Type::kNull;
  // OmegaConf's loader drops the date resolver (_utils.py:168-175)
  if (loader != YamlLoader::kOmegaConf && Matches(plain, kTimestamp)) return Yaml11Type::kTimestamp;
  if (plain == "=") return Yaml11Type::kUnconstructed;  // the value tag
  if (loader == YamlLoader::kGuild && Matches(plain, kGuildFloat)) return Yaml11Type::kFloat;
  if (loader == YamlLoader::kOmegaConf && Matches(plain, kOmegaConfFloat))
    return Yaml11Type::kFloat;
  return Yaml11Type::kString;
}

std::optional<Value> Yaml11Value(std::string_view text, Yaml11Type type) {
  switch (type) {
    case Yaml11Type::kNull:
      return Value(nullptr);
    case Yaml11Type::kBool: {
      const std::string lower = Lower(text);
      return Value(lower == "yes" || lower == "true" || lower == "on" || lower == "y");
    }
    case Yaml11Type::kInt:
      return IntValue(text);
    case Yaml11Type::kFloat:
      return FloatValue(text);
    default:
      return std::nullopt;
  }
}

void ApplyLoaderMeaning(const YamlDocument& doc, YamlLoader loader) {
  if (loader == YamlLoader::kYaml12 || (loader == YamlLoader::kJsonThenPyYaml && doc.json)) return;
  const Marking marking{doc.source, loader};
  marking.Mark(doc.root);
}

std::optional<Value> PyYamlValue(const YAML::Node& scalar, const Origin& origin) {
  const std::optional<Yaml11Type> type = MarkedType(scalar);
  if (!type) return std::nullopt;
  const std::string& text = scalar.Scalar();
  if (*type == Yaml11Type::kString) return Value(text);
  if (*type == Yaml11Type::kTimestamp) {
    throw UserError(origin, fmt::format("'{}' is a date to PyYAML (YAML 1.1), which this file's "
                                        "tool loads it with, and hpo has no date values: quote "
                                        "it ('{}') to mean the text",
                                        Echo(text), Echo(text)));
  }
  std::optional<Value> value = Yaml11Value(text, *type);
  if (!value)
    throw UserError(origin, fmt::format("{} is beyond hpo's 64-bit integers", Echo(text)));
  return value;
}

bool IsPyYamlTextNumber(const YAML::Node& scalar) {
  return scalar.Tag().rfind(kMark, 0) == 0 && MarkedType(scalar) == Yaml11Type::kString &&
         IsYamlNumber(scalar.Scalar());
}

void KeepYaml12Reading(YAML::Node scalar) {
  if (MarkedType(scalar)) scalar.SetTag("?");  // a handle: the document's node changes
}

std::vector<ReadOtherwise> ScalarsReadOtherwiseThanYaml12(const YAML::Node& root,
                                                          const std::string& source) {
  std::vector<ReadOtherwise> found;
  CollectReadOtherwise(root, "", source, found);
  return found;
}

std::string PyYamlFloatSpelling(std::string_view number) {
  const size_t e = number.find_first_of("eE");
  if (!IsYamlNumber(number) || e == std::string_view::npos) return std::string(number);
  std::string mantissa(number.substr(0, e));
  std::string exponent(number.substr(e + 1));
  if (mantissa.find('.') == std::string::npos) mantissa += ".0";
  if (exponent[0] != '-' && exponent[0] != '+') exponent = "+" + exponent;
  return mantissa + number[e] + exponent;
}

bool IsJsonText(std::string_view text) { return JsonScanner(text).Document(); }

const char* Yaml11TypeName(Yaml11Type type) {
  switch (type) {
    case Yaml11Type::kNull:
      return "null";
    case Yaml11Type::kBool:
      return "bool";
    case Yaml11Type::kInt:
      return "int";
    case Yaml11Type::kFloat:
      return "float";
    case Yaml11Type::kTimestamp:
      return "timestamp";
    case Yaml11Type::kString:
      return "str";
    case Yaml11Type::kUnconstructed:
      break;
  }
  return "unconstructed";
}

}  // namespace hpo::config
