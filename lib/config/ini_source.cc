#include "lib/config/ini_source.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "lib/core/error.h"

namespace hpo::config {
namespace {

// ----- Python literals, as ast.literal_eval reads them -------------------------------------------
// PufferLib reads every INI value with ast.literal_eval and keeps the text when that fails
// (pufferlib/pufferl.py@02b8f4b load_config's puffer_type; demo.py@496d42e:408-411 before it).
// The subset here is what configs write: numbers (with `_`), True/False/None, quoted strings,
// lists, tuples and dicts; anything else falls back to the text, as PufferLib's except does.
class LiteralParser {
 public:
  explicit LiteralParser(std::string_view text) : s_(text) {}

  std::optional<Value> ParseAll() {
    std::optional<Value> v = ParseValue();
    SkipSpace();
    if (!v || i_ != s_.size()) return std::nullopt;
    return v;
  }

 private:
  // Whitespace, newlines (continuation lines) and `# comments`: Python's tokenizer drops them.
  void SkipSpace() {
    while (i_ < s_.size()) {
      if (s_[i_] == '#') {
        while (i_ < s_.size() && s_[i_] != '\n') ++i_;
      } else if (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r') {
        ++i_;
      } else {
        return;
      }
    }
  }

  bool Eat(char ch) {
    SkipSpace();
    if (i_ < s_.size() && s_[i_] == ch) return ++i_, true;
    return false;
  }

  std::optional<Value> ParseValue() {
    SkipSpace();
    if (i_ >= s_.size()) return std::nullopt;
    const char ch = s_[i_];
    if (ch == '[' || ch == '(') return ParseSequence(ch == '[' ? ']' : ')');
    if (ch == '{') return ParseDict();
    if (ch == '\'' || ch == '"') return ParseString(ch);
    if (ch == '-' || ch == '+') {
      ++i_;
      std::optional<Value> v = ParseValue();
      if (!v || !v->is_number() || v->is_bool()) return std::nullopt;
      if (ch == '+') return v;
      return v->is_int() ? Value(-v->as_int()) : Value(-v->as_double());
    }
    if ((ch >= '0' && ch <= '9') || ch == '.') return ParseNumber();
    size_t end = i_;
    while (end < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[end])) || s_[end] == '_'))
      ++end;
    const std::string_view word = s_.substr(i_, end - i_);
    i_ = end;
    if (word == "True") return Value(true);
    if (word == "False") return Value(false);
    if (word == "None") return Value(nullptr);
    return std::nullopt;  // a bare word is a name, which literal_eval refuses
  }

  // Python's int and float literals: `_` only between digits; "010" is no literal.
  std::optional<Value> ParseNumber() {
    std::string digits;
    bool is_float = false;
    char previous = ' ';
    for (; i_ < s_.size(); ++i_) {
      const char ch = s_[i_];
      const bool exponent_sign = (ch == '+' || ch == '-') && (previous == 'e' || previous == 'E');
      if (ch == '_') {
        if (!std::isdigit(static_cast<unsigned char>(previous))) return std::nullopt;
      } else if (std::isdigit(static_cast<unsigned char>(ch)) || exponent_sign) {
        digits += ch;
      } else if (ch == '.' || ch == 'e' || ch == 'E') {
        is_float = true;
        digits += ch;
      } else {
        break;
      }
      previous = ch;
    }
    if (previous == '_') return std::nullopt;
    if (!is_float && digits.size() > 1 && digits[0] == '0' &&
        digits.find_first_not_of('0') != std::string::npos)
      return std::nullopt;
    char* end = nullptr;
    errno = 0;
    if (!is_float) {
      const long long v = std::strtoll(digits.c_str(), &end, 10);
      if (*end == '\0' && errno == 0) return Value(static_cast<int64_t>(v));
    }
    const double d = std::strtod(digits.c_str(), &end);
    if (*end != '\0' || digits == ".") return std::nullopt;
    return Value(d);
  }

  std::optional<Value> ParseString(char quote) {
    std::string out;
    for (++i_; i_ < s_.size(); ++i_) {
      char ch = s_[i_];
      if (ch == quote) return ++i_, Value(out);
      if (ch == '\n') return std::nullopt;
      if (ch == '\\' && i_ + 1 < s_.size()) {
        const char next = s_[++i_];
        const std::map<char, char> escapes = {{'n', '\n'},  {'t', '\t'}, {'\\', '\\'},
                                              {'\'', '\''}, {'"', '"'},  {'r', '\r'}};
        const auto known = escapes.find(next);
        if (known == escapes.end()) out += '\\';  // Python keeps an unknown escape as written
        ch = known == escapes.end() ? next : known->second;
      }
      out += ch;
    }
    return std::nullopt;
  }

  std::optional<Value> ParseSequence(char close) {
    ++i_;
    Value::List items;
    bool trailing_comma = false;
    while (!Eat(close)) {
      if (!items.empty() && !trailing_comma) return std::nullopt;
      std::optional<Value> item = ParseValue();
      if (!item) return std::nullopt;
      items.push_back(std::move(*item));
      trailing_comma = Eat(',');
    }
    // (x) is x itself; (x,) and [x] are sequences (a tuple is a list here, as in YAML)
    if (close == ')' && items.size() == 1 && !trailing_comma) return items[0];
    return Value(std::move(items));
  }

  std::optional<Value> ParseDict() {
    ++i_;
    Value::Mapping entries;
    bool trailing_comma = false;
    while (!Eat('}')) {
      if (!entries.empty() && !trailing_comma) return std::nullopt;
      std::optional<Value> key = ParseValue();
      if (!key || !key->is_string() || !Eat(':')) return std::nullopt;
      std::optional<Value> value = ParseValue();
      if (!value) return std::nullopt;
      entries.emplace_back(key->as_string(), std::move(*value));
      trailing_comma = Eat(',');
    }
    return Value(std::move(entries));
  }

  std::string_view s_;
  size_t i_ = 0;
};

// ----- the tree ----------------------------------------------------------------------------------

std::string Where(const std::string& source, size_t line, size_t col) {
  return fmt::format("{}:{}:{}", source, line, col);
}

// A YAML node that ValueFromYaml reads back as `v`: strings quoted (tag "!") so that "3" or
// "true" stay strings, floats written so that they stay floats.
YAML::Node NodeOf(const Value& v, const std::string& where, YamlDocument& doc) {
  YAML::Node node(YAML::NodeType::Null);
  if (v.is_bool()) {
    node.reset(YAML::Node(v.as_bool() ? "true" : "false"));
  } else if (v.is_int()) {
    node.reset(YAML::Node(std::to_string(v.as_int())));
  } else if (v.is_double()) {
    node.reset(YAML::Node(FormatDouble(v.as_double())));
  } else if (v.is_string()) {
    node.reset(YAML::Node(v.as_string()));
    node.SetTag("!");
  } else if (v.is_list()) {
    node.reset(YAML::Node(YAML::NodeType::Sequence));
    for (const Value& item : v.as_list()) node.push_back(NodeOf(item, where, doc));
  } else if (v.is_mapping()) {
    node.reset(YAML::Node(YAML::NodeType::Map));
    for (const auto& [key, item] : v.as_mapping()) node[key] = NodeOf(item, where, doc);
  }
  doc.origins.emplace_back(node, where);
  return node;
}

struct Section {
  std::string name;
  size_t line = 0;
  std::string at;                      // file:line:col of its header
  std::map<std::string, size_t> keys;  // key -> line, for configparser's duplicate check
};

// One `key = value` (or `key: value`): the value as literal_eval reads it, at its line:col of
// the file `source`.
struct Entry {
  std::string source;
  std::string section;
  std::string key;
  std::string text;
  size_t line = 0, key_col = 0, value_col = 0;
  std::string section_at;  // file:line:col of the section's header
};

// The mapping at `path` (section names split on '.'), made on the way. A name that is already
// a value cannot also hold keys.
YAML::Node MappingAt(YamlDocument& doc, const YAML::Node& from,
                     const std::vector<std::string>& path, const std::string& where) {
  YAML::Node map = from;
  std::string walked;
  for (const std::string& part : path) {
    walked += (walked.empty() ? "" : ".") + part;
    YAML::Node next(YAML::NodeType::Map);
    const YAML::Node found = static_cast<const YAML::Node&>(map)[part];  // const: adds nothing
    if (found.IsDefined() && !found.IsMap()) {
      throw UserError(Origin{where}, fmt::format("'{}' is a value and also a section", walked));
    } else if (found.IsDefined()) {
      next.reset(found);
    } else {
      YAML::Node key(part);
      doc.origins.emplace_back(key, where);
      doc.origins.emplace_back(next, where);
      map[key] = next;
    }
    map.reset(next);  // rebinds: `map = next` would overwrite the mapping map refers to
  }
  return map;
}

std::vector<std::string> SplitDots(const std::string& name) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t dot; (dot = name.find('.', start)) != std::string::npos; start = dot + 1)
    parts.push_back(name.substr(start, dot - start));
  parts.push_back(name.substr(start));
  return parts;
}

// configparser's BasicInterpolation, which PufferLib's ConfigParser() keeps: %% is a percent
// sign; %(name)s, hpo does not resolve, and a lone % is an error configparser raises too.
std::string Uninterpolated(const Entry& e, const std::string& source) {
  std::string out;
  for (size_t i = 0; i < e.text.size(); ++i) {
    if (e.text[i] != '%') {
      out += e.text[i];
    } else if (i + 1 < e.text.size() && e.text[i + 1] == '%') {
      out += '%', ++i;
    } else {
      throw UserError(Origin{Where(source, e.line, e.value_col)},
                      fmt::format("'{}': configparser's %-interpolation is not read by hpo "
                                  "(write %% for a percent sign)",
                                  Echo(e.text)));
    }
  }
  return out;
}

void AddEntry(YamlDocument& doc, const Entry& e) {
  const std::string key_at = Where(e.source, e.line, e.key_col);
  std::vector<std::string> key_path = SplitDots(e.key);  // a dotted key nests further
  const std::string leaf = key_path.back();
  key_path.pop_back();
  YAML::Node parent = MappingAt(doc, doc.root, SplitDots(e.section), e.section_at);
  parent.reset(MappingAt(doc, parent, key_path, key_at));
  if (static_cast<const YAML::Node&>(parent)[leaf].IsDefined())
    throw UserError(Origin{key_at}, fmt::format("'{}.{}' is a section and also a value",
                                                Echo(e.section), Echo(e.key)));
  const std::string text = Uninterpolated(e, e.source);
  const Value v = LiteralParser(text).ParseAll().value_or(Value(text));
  YAML::Node key(leaf);
  doc.origins.emplace_back(key, key_at);
  parent[key] = NodeOf(v, Where(e.source, e.line, e.value_col), doc);
}

std::string Trimmed(std::string_view text) {
  const size_t first = text.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return "";
  return std::string(text.substr(first, text.find_last_not_of(" \t\r") - first + 1));
}

// configparser's SECTCRE, r"\[(?P<header>.+)\]", matched at the line's start: the name runs to
// the last ']' and what follows it is dropped ("[train] # note" is the section train).
bool IsHeader(const std::string& line) {
  const size_t close = line.rfind(']');
  return line[0] == '[' && close != std::string::npos && close > 1;
}

}  // namespace

bool LooksLikeIni(std::string_view text) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string line = Trimmed(text.substr(start, end - start));
    start = end + 1;
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    return IsHeader(line);
  }
  return false;
}

namespace {

// configparser's reading loop (Lib/configparser.py, RawConfigParser._read), for its defaults:
// comment_prefixes ('#', ';') at the start of a line only, no inline comments, delimiters
// ('=', ':'), strict (no section or key twice in one file), empty_lines_in_values. One file's
// entries, in order.
class IniReader {
 public:
  IniReader(std::string source, std::vector<Entry>& entries)
      : source_(std::move(source)), entries_(entries) {}

  void Line(std::string raw, size_t number) {
    if (!raw.empty() && raw.back() == '\r') raw.pop_back();
    const size_t indent = raw.find_first_not_of(" \t");
    const std::string line = Trimmed(raw);
    if (line.empty() || line[0] == '#' || line[0] == ';') {
      if (line.empty() && has_open_) open_.text += '\n';
      return;
    }
    if (has_open_ && indent > open_indent_) {  // a continuation line of the open value
      open_.text += '\n' + line;
      return;
    }
    Close();
    if (IsHeader(line)) return Header(line, number, indent);
    const size_t delimiter = line.find_first_of("=:");
    const std::string at = Where(source_, number, indent + 1);
    if (sections_.empty())
      throw UserError(Origin{at},
                      "a key before any [section] header (configparser's "
                      "MissingSectionHeaderError)");
    if (delimiter == std::string::npos || Trimmed(line.substr(0, delimiter)).empty())
      throw UserError(Origin{at},
                      fmt::format("expected 'key = value' or '[section]', got '{}'", Echo(line)));
    Key(line, delimiter, number, indent);
  }

  void Close() {
    if (!has_open_) return;
    while (!open_.text.empty() && open_.text.back() == '\n') open_.text.pop_back();
    has_open_ = false;
    entries_.push_back(open_);
  }

 private:
  void Header(const std::string& line, size_t number, size_t indent) {
    const std::string name = line.substr(1, line.rfind(']') - 1);
    const std::string at = Where(source_, number, indent + 1);
    if (name == "DEFAULT")
      throw UserError(Origin{at},
                      "configparser's [DEFAULT] section (keys every section "
                      "inherits) is not read by hpo");
    for (const Section& s : sections_) {
      if (s.name == name)
        throw UserError(Origin{at},
                        fmt::format("section [{}] is already at line {}", Echo(name), s.line));
    }
    sections_.push_back({name, number, at, {}});
  }

  void Key(const std::string& line, size_t delimiter, size_t number, size_t indent) {
    Section& section = sections_.back();
    std::string key = Trimmed(line.substr(0, delimiter));
    for (char& ch : key) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    const auto [seen, fresh] = section.keys.emplace(key, number);
    if (!fresh)
      throw UserError(Origin{Where(source_, number, indent + 1)},
                      fmt::format("key '{}' is already in [{}] at line {}", Echo(key),
                                  Echo(section.name), seen->second));
    const size_t value_start = line.find_first_not_of(" \t", delimiter + 1);
    const size_t value_col =
        indent + 1 + (value_start == std::string::npos ? delimiter + 1 : value_start);
    open_ = Entry{source_, section.name, key,       Trimmed(line.substr(delimiter + 1)),
                  number,  indent + 1,   value_col, section.at};
    open_indent_ = indent;
    has_open_ = true;
  }

  std::string source_;
  std::vector<Entry>& entries_;
  std::vector<Section> sections_;
  Entry open_;  // the key whose value may go on in indented lines
  bool has_open_ = false;
  size_t open_indent_ = 0;
};

std::vector<Entry> IniEntries(const std::string& text, const std::string& source) {
  std::vector<Entry> entries;
  IniReader reader(source, entries);
  size_t start = 0, number = 1;
  for (; start <= text.size(); ++number) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    reader.Line(text.substr(start, end - start), number);
    start = end + 1;
  }
  reader.Close();
  return entries;
}

// configparser.read([a, b, ...]): a later file's key replaces the earlier value in its place,
// other keys and sections are added in their order (RawConfigParser._read reuses a section
// an earlier file made).
void Merge(std::vector<Entry>& into, const std::vector<Entry>& later) {
  for (const Entry& e : later) {
    const auto same = std::find_if(into.begin(), into.end(), [&e](const Entry& earlier) {
      return earlier.section == e.section && earlier.key == e.key;
    });
    if (same != into.end()) {
      *same = e;
    } else {
      const auto last_of_section =
          std::find_if(into.rbegin(), into.rend(),
                       [&e](const Entry& earlier) { return earlier.section == e.section; });
      if (last_of_section == into.rend())
        into.push_back(e);  // a new section
      else
        into.insert(last_of_section.base(), e);  // after its section's keys
    }
  }
}

}  // namespace

YamlDocument LoadIniFiles(const std::vector<IniText>& files) {
  YamlDocument doc{files.back().source, YAML::Node(YAML::NodeType::Map), {}, true};
  doc.origins.emplace_back(doc.root, doc.source);
  std::vector<Entry> entries;
  for (const IniText& file : files) {
    Merge(entries, IniEntries(file.text, file.source));
    if (&file != &files.back()) doc.read_under.push_back(file.source);
  }
  for (const Entry& e : entries) AddEntry(doc, e);
  return doc;
}

YamlDocument LoadIniString(const std::string& text, const std::string& source) {
  return LoadIniFiles({{text, source}});
}

// PufferLib 3.0's load_config (pufferlib/pufferl.py@bce45ca:1143-1156) and 4.0's
// (pufferl.py@41dc40b:612-625, a fork of 4.0) read [config/default.ini, the file] with one
// ConfigParser; PufferLib 2's (demo.py@496d42e:375-389) reads config/default.ini, then a
// default.ini in the file's folder if there is one, then the file.
PufferLibDefaults FindPufferLibDefaults(const std::filesystem::path& file) {
  namespace fs = std::filesystem;
  std::error_code error;
  const fs::path path = fs::weakly_canonical(fs::absolute(file), error);
  PufferLibDefaults found;
  for (fs::path dir = path.parent_path(); !dir.empty(); dir = dir.parent_path()) {
    if (dir.filename() == "config") {
      found.config_dir = dir;
      break;
    }
    if (dir == dir.parent_path()) break;
  }
  if (found.config_dir.empty()) return found;
  found.root_default = found.config_dir / "default.ini";
  found.is_root_default = path == found.root_default;
  if (found.is_root_default || !fs::is_regular_file(found.root_default)) return found;
  found.files.push_back(found.root_default);
  const fs::path beside = path.parent_path() / "default.ini";
  if (path.parent_path() != found.config_dir && path != beside && fs::is_regular_file(beside))
    found.files.push_back(beside);
  return found;
}

}  // namespace hpo::config
