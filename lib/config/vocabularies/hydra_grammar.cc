#include "lib/config/vocabularies/hydra_grammar.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <map>
#include <regex>

#include "lib/core/error.h"

namespace hpo::config {
namespace {

using Kind = HydraSweep::Kind;

HydraSweep Plain(Value v) {
  HydraSweep s;
  s.value = std::move(v);
  return s;
}

// A primitive of one token is typed as the lexer types it (OverrideLexer.g4: INT with '_'
// separators, FLOAT with inf and nan, BOOL and NULL in any case); anything else is a string.
Value TypedPrimitive(const std::string& text) {
  static const std::regex kInt(R"([+-]?(0|[1-9](_?[0-9])*))");
  static const std::string kPoint = R"((([0-9](_?[0-9])*)?\.[0-9](_?[0-9])*|[0-9](_?[0-9])*\.))";
  static const std::string kExponent = R"([eE][+-]?[0-9](_?[0-9])*)";
  static const std::regex kFloat("[+-]?(" + kPoint + "(" + kExponent + ")?|[0-9](_?[0-9])*" +
                                 kExponent + "|[Ii][Nn][Ff]|[Nn][Aa][Nn])");
  std::string lower = text;
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  std::string digits = text;
  digits.erase(std::remove(digits.begin(), digits.end(), '_'), digits.end());
  if (std::regex_match(text, kInt)) {
    errno = 0;
    const long long n = std::strtoll(digits.c_str(), nullptr, 10);
    if (errno == ERANGE) throw UserError(fmt::format("{} is too large a number", Echo(text)));
    return Value(static_cast<int64_t>(n));
  }
  if (std::regex_match(text, kFloat)) return Value(std::strtod(digits.c_str(), nullptr));
  if (lower == "true" || lower == "false") return Value(lower == "true");
  if (lower == "null") return Value(nullptr);
  return Value(text);
}

double Number(const HydraSweep& s, const char* what) {
  if (s.is_sweep() || !s.value.is_number() || s.value.is_bool())
    throw UserError(fmt::format("{} must be a number", what));
  return s.value.as_double();
}

bool LessThan(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) return a.as_double() < b.as_double();
  if (a.is_string() && b.is_string()) return a.as_string() < b.as_string();
  throw UserError("sort() cannot order values of different kinds");
}

Value CastValue(const Value& v, const std::string& to) {
  if (v.is_list()) {
    Value::List out;
    for (const Value& x : v.as_list()) out.push_back(CastValue(x, to));
    return Value(out);
  }
  if (v.is_mapping()) {
    Value::Mapping out;
    for (const auto& [k, x] : v.as_mapping()) out.emplace_back(k, CastValue(x, to));
    return Value(out);
  }
  // str(): the plugins pass the value on as the override text `name=VALUE`, which Hydra parses
  // again for the trial: str(1) reaches it as 1, so the value is kept as it is
  if (to == "str") return v;
  Value typed = v.is_string() ? TypedPrimitive(v.as_string()) : v;
  if (to == "bool") {
    if (typed.is_bool()) return typed;
    if (typed.is_number()) return Value(typed.as_double() != 0);
    throw UserError(fmt::format("cannot cast '{}' to bool", Echo(v.ToYaml())));
  }
  if (!typed.is_number() && !typed.is_bool())
    throw UserError(fmt::format("cannot cast '{}' to {}", Echo(v.ToYaml()), to));
  const double x = typed.is_bool() ? (typed.as_bool() ? 1 : 0) : typed.as_double();
  if (to == "float") return Value(x);
  if (typed.is_int()) return typed;
  return Value(static_cast<int64_t>(std::trunc(x)));  // Python's int() truncates
}

HydraSweep SimpleChoice(const std::vector<HydraSweep>& items) {
  HydraSweep s;
  s.kind = Kind::kChoice;
  s.simple_form = true;
  for (const HydraSweep& item : items) {
    if (item.is_sweep()) throw UserError("a sweep cannot be one value of a,b,c");
    s.choices.push_back(item.value);
  }
  return s;
}

struct Args {
  std::vector<HydraSweep> positional;
  std::map<std::string, HydraSweep> named;
};

// The casts int(), float(), str(), bool() (grammar_functions.py cast_*): several arguments
// are a simple choice; a range casts only to int or float; an interval not to str or bool.
HydraSweep Cast(const std::string& to, const Args& a) {
  HydraSweep s;
  if (a.named.count("value") && a.positional.empty())
    s = a.named.at("value");
  else if (a.positional.size() == 1 && a.named.empty())
    s = a.positional[0];
  else if (a.positional.size() > 1 && a.named.empty())
    s = SimpleChoice(a.positional);
  else
    throw UserError(fmt::format("{}() takes one value", to));
  switch (s.kind) {
    case Kind::kValue:
      s.value = CastValue(s.value, to);
      break;
    case Kind::kChoice:
      for (Value& c : s.choices) c = CastValue(c, to);
      break;
    case Kind::kRange:
    case Kind::kInterval:
      if (to == "str" || to == "bool" || (s.kind == Kind::kRange && to != "int" && to != "float"))
        throw UserError(fmt::format("a {} cannot be cast to {}",
                                    s.kind == Kind::kRange ? "range" : "interval", to));
      s.start = CastValue(s.start, to);
      s.stop = CastValue(s.stop, to);
      if (s.kind == Kind::kRange) s.step = CastValue(s.step, to);
      break;
  }
  return s;
}

HydraSweep Choice(const Args& a) {
  if (!a.named.empty()) throw UserError("choice() takes no named argument");
  if (a.positional.empty()) throw UserError("empty choice is not legal");
  if (a.positional.size() == 1 && a.positional[0].kind == Kind::kChoice) {
    if (!a.positional[0].simple_form) throw UserError("nesting choices is not supported");
    HydraSweep s = a.positional[0];
    s.simple_form = false;
    return s;
  }
  HydraSweep s;
  s.kind = Kind::kChoice;
  for (const HydraSweep& x : a.positional) {
    if (x.is_sweep()) throw UserError("nesting choices is not supported");
    s.choices.push_back(x.value);
  }
  return s;
}

const HydraSweep* Arg(const Args& a, size_t index, const std::string& name) {
  if (a.named.count(name)) return &a.named.at(name);
  return index < a.positional.size() ? &a.positional[index] : nullptr;
}

HydraSweep Range(const Args& a) {
  const HydraSweep* start = Arg(a, 0, "start");
  const HydraSweep* stop = Arg(a, 1, "stop");
  const HydraSweep* step = Arg(a, 2, "step");
  if (!start) throw UserError("range() needs a start");
  HydraSweep s;
  s.kind = Kind::kRange;
  Number(*start, "range()'s start");
  s.start = stop ? start->value : Value(0);  // range(stop): from 0
  s.stop = stop ? (Number(*stop, "range()'s stop"), stop->value) : start->value;
  s.step = step ? (Number(*step, "range()'s step"), step->value) : Value(1);
  return s;
}

HydraSweep Interval(const Args& a) {
  const HydraSweep* start = Arg(a, 0, "start");
  const HydraSweep* end = Arg(a, 1, "end");
  if (!start || !end || a.positional.size() + a.named.size() != 2)
    throw UserError("interval() takes a start and an end");
  HydraSweep s;
  s.kind = Kind::kInterval;
  s.start = Value(Number(*start, "interval()'s start"));  // interval() makes both floats
  s.stop = Value(Number(*end, "interval()'s end"));
  return s;
}

HydraSweep Tag(const Args& a) {
  std::vector<HydraSweep> args = a.positional;
  if (a.named.count("sweep")) args.push_back(a.named.at("sweep"));
  if (args.empty() || !args.back().is_sweep())
    throw UserError("the last argument of tag() must be a choice(), range() or interval()");
  HydraSweep s = args.back();
  s.tags.clear();
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i].is_sweep() || !args[i].value.is_string())
      throw UserError("tag() arguments must be strings");
    s.tags.insert(args[i].value.as_string());
  }
  return s;
}

// _reverse_range_sweep (grammar_functions.py:378): the same values from the last one down, a
// range still (Optuna's plugin then sees low > high and refuses it).
void ReverseRange(HydraSweep& s) {
  const std::vector<Value> values = s.RangeValues();
  if (values.size() < 2) return;
  const bool ints = s.start.is_int() && s.stop.is_int() && s.step.is_int();
  s.start = values.back();
  if (ints) {
    s.step = Value(-s.step.as_int());
    s.stop = Value(values.front().as_int() + s.step.as_int());
  } else {
    s.step = Value(-s.step.as_double());
    s.stop = Value(values.front().as_double() + s.step.as_double() / 2);
  }
}

// shuffle() and sort(): of a sweep (choice or range), of a list, or of several primitives
// (a simple choice).
HydraSweep Reorder(const std::string& name, const Args& a) {
  bool reverse = false;
  if (a.named.count("reverse")) {
    const HydraSweep& r = a.named.at("reverse");
    if (name != "sort" || r.is_sweep() || !r.value.is_bool())
      throw UserError(fmt::format("{}(): reverse must be true or false", name));
    reverse = r.value.as_bool();
  }
  HydraSweep s;
  if (a.named.count("sweep"))
    s = a.named.at("sweep");
  else if (a.named.count("list"))
    s = a.named.at("list");
  else if (a.positional.size() == 1)
    s = a.positional[0];
  else if (a.positional.size() > 1)
    s = SimpleChoice(a.positional);
  else
    throw UserError(fmt::format("empty {} input", name));
  if (s.kind == Kind::kInterval) throw UserError(fmt::format("{}() of an interval", name));
  if (name == "shuffle") {
    if (s.is_sweep()) s.shuffle = true;  // a list's order is random: kept as written
    return s;
  }
  auto sorted = [&](std::vector<Value> v) {
    std::stable_sort(v.begin(), v.end(), LessThan);
    if (reverse) std::reverse(v.begin(), v.end());
    return v;
  };
  if (s.kind == Kind::kChoice) s.choices = sorted(s.choices);
  if (s.kind == Kind::kValue && s.value.is_list()) s.value = Value(sorted(s.value.as_list()));
  if (s.kind == Kind::kRange && (s.step.as_double() > 0) == reverse) ReverseRange(s);
  return s;
}

HydraSweep Call(const std::string& name, const Args& a) {
  if (name == "int" || name == "float" || name == "str" || name == "bool") return Cast(name, a);
  if (name == "choice") return Choice(a);
  if (name == "range") return Range(a);
  if (name == "interval") return Interval(a);
  if (name == "tag") return Tag(a);
  if (name == "shuffle" || name == "sort") return Reorder(name, a);
  if (name == "glob" || name == "json_str" || name == "extend_list")
    throw UserError(fmt::format("{}() does not make a value a sweeper can search", name));
  throw UserError(fmt::format("'{}' is not a function of Hydra's override grammar", Echo(name)));
}

class Parser {
 public:
  explicit Parser(std::string text) : text_(std::move(text)) {}

  HydraSweep ParseAll() {
    std::vector<HydraSweep> items{Element()};
    Skip();
    while (At(',')) {
      ++pos_;
      items.push_back(Element());
      Skip();
    }
    if (pos_ != text_.size()) Unexpected();
    return items.size() == 1 ? items[0] : SimpleChoice(items);
  }

 private:
  bool At(char c) const { return pos_ < text_.size() && text_[pos_] == c; }
  void Skip() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
  }
  [[noreturn]] void Unexpected() const {
    if (pos_ >= text_.size()) throw UserError("the text ends too soon");
    throw UserError(fmt::format("unexpected '{}' at column {}", text_.substr(pos_, 1), pos_ + 1));
  }
  void Expect(char c) {
    Skip();
    if (!At(c)) Unexpected();
    ++pos_;
  }

  HydraSweep Element() {
    if (++depth_ > 32) throw UserError("nested too deeply");
    Skip();
    HydraSweep s;
    if (At('\'') || At('"'))
      s = Plain(Value(Quoted()));
    else if (At('['))
      s = Plain(List());
    else if (At('{'))
      s = Plain(Dict());
    else
      s = PrimitiveOrCall();
    --depth_;
    return s;
  }

  std::string Quoted() {
    const char quote = text_[pos_++];
    std::string out;
    while (pos_ < text_.size() && text_[pos_] != quote) {
      if (text_[pos_] == '\\' && pos_ + 1 < text_.size() &&
          (text_[pos_ + 1] == quote || text_[pos_ + 1] == '\\'))
        ++pos_;
      out += text_[pos_++];
    }
    if (!At(quote)) throw UserError("unclosed quote");
    ++pos_;
    return out;
  }

  Value List() {
    ++pos_;
    Value::List items;
    Skip();
    while (!At(']')) {
      const HydraSweep item = Element();
      if (item.is_sweep()) throw UserError("a sweep cannot be a list item");
      items.push_back(item.value);
      Skip();
      if (At(','))
        ++pos_;
      else if (!At(']'))
        Unexpected();
    }
    ++pos_;
    return Value(items);
  }

  Value Dict() {
    ++pos_;
    Value::Mapping items;
    Skip();
    while (!At('}')) {
      const std::string key = Word(/*in_key=*/true);
      if (key.empty()) Unexpected();
      Expect(':');
      const HydraSweep item = Element();
      if (item.is_sweep()) throw UserError("a sweep cannot be a dict value");
      items.emplace_back(key, item.value);
      Skip();
      if (At(','))
        ++pos_;
      else if (!At('}'))
        Unexpected();
    }
    ++pos_;
    return Value(items);
  }

  // The characters of an unquoted primitive (OverrideLexer.g4: ID, numbers, UNQUOTED_CHAR,
  // ':' outside dict keys, escapes, whitespace, interpolations ${...}), trimmed.
  std::string Word(bool in_key) {
    static const std::string kChars = "/-\\+.$%*@?|_ \t";
    std::string out;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '$' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '{') {
        const size_t close = text_.find('}', pos_);
        if (close == std::string::npos) throw UserError("unclosed ${");
        out += text_.substr(pos_, close + 1 - pos_);
        pos_ = close + 1;
      } else if (c == '\\' && pos_ + 1 < text_.size() &&
                 std::string("()[]{}:=, \\t").find(text_[pos_ + 1]) != std::string::npos) {
        out += text_[pos_ + 1] == 't' ? '\t' : text_[pos_ + 1];
        pos_ += 2;
      } else if (std::isalnum(static_cast<unsigned char>(c)) ||
                 kChars.find(c) != std::string::npos || (c == ':' && !in_key)) {
        out += c;
        ++pos_;
      } else {
        break;
      }
    }
    const size_t first = out.find_first_not_of(" \t"), last = out.find_last_not_of(" \t");
    return first == std::string::npos ? "" : out.substr(first, last - first + 1);
  }

  HydraSweep PrimitiveOrCall() {
    const size_t start = pos_;
    const std::string word = Word(/*in_key=*/false);
    if (word.empty()) Unexpected();
    if (At('(') && std::regex_match(word, std::regex("[A-Za-z_][A-Za-z0-9_-]*")) &&
        text_.find_first_of(" \t", start) >= pos_) {
      ++pos_;
      return Call(word, Arguments());
    }
    return Plain(TypedPrimitive(word));
  }

  Args Arguments() {
    Args a;
    Skip();
    while (!At(')')) {
      const size_t mark = pos_;
      std::string name = Word(/*in_key=*/true);
      if (!name.empty() && At('=') && std::regex_match(name, std::regex("[A-Za-z_][\\w-]*"))) {
        ++pos_;
        a.named[name] = Element();
      } else {
        pos_ = mark;
        if (!a.named.empty()) throw UserError("a positional argument after a named one");
        a.positional.push_back(Element());
      }
      Skip();
      if (At(','))
        ++pos_;
      else if (!At(')'))
        Unexpected();
      Skip();
    }
    ++pos_;
    return a;
  }

  std::string text_;
  size_t pos_ = 0;
  int depth_ = 0;
};

}  // namespace

namespace {

// The decimal places of a double's shortest text ("0.25": 2, "1e-05": 5, "3.0": 0).
int DecimalPlaces(double x) {
  const std::string text = fmt::format("{}", x);
  const size_t e = text.find_first_of("eE");
  const std::string mantissa = text.substr(0, e);
  const size_t dot = mantissa.find('.');
  int places = dot == std::string::npos ? 0 : static_cast<int>(mantissa.size() - dot - 1);
  if (e != std::string::npos) places -= std::stoi(text.substr(e + 1));
  return std::max(places, 0);
}

}  // namespace

// Hydra iterates a float range in decimals (RangeSweep in core/override_parser/types.py: the
// Decimal of each number's text, start + step * i while before stop): here in integers of the
// finest decimal place of the three numbers, so range(0, 1, 0.1) gives 0.3, not
// 0.30000000000000004.
std::vector<Value> HydraSweep::RangeValues() const {
  std::vector<Value> values;
  const double a = start.as_double(), b = stop.as_double(), d = step.as_double();
  if (d == 0) return values;
  if (start.is_int() && stop.is_int() && step.is_int()) {
    for (int64_t x = start.as_int();
         (d > 0 ? x < stop.as_int() : x > stop.as_int()) && values.size() < 10'000;
         x += step.as_int())
      values.emplace_back(x);
    return values;
  }
  const int places = std::max({DecimalPlaces(a), DecimalPlaces(b), DecimalPlaces(d)});
  const double scale = std::pow(10.0, std::min(places, 15));
  const auto whole = [&](double x) { return static_cast<int64_t>(std::llround(x * scale)); };
  const int64_t first = whole(a), last = whole(b), by = whole(d);
  if (by == 0) return values;
  for (int64_t x = first; (by > 0 ? x < last : x > last) && values.size() < 10'000; x += by)
    values.emplace_back(std::stod(fmt::format("{}e-{}", x, std::min(places, 15))));
  return values;
}

HydraSweep EvaluateHydraOverride(const std::string& text) { return Parser(text).ParseAll(); }

}  // namespace hpo::config
