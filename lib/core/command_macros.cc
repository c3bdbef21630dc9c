#include "lib/core/command_macros.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "lib/core/atomic_file.h"
#include "lib/core/json.h"

namespace hpo {
namespace {

bool IsParameterMacro(const std::string& name) {
  return std::find(kParameterMacros.begin(), kParameterMacros.end(), name) !=
         kParameterMacros.end();
}

// Python's repr() of a value, as str() of a dict shows its keys and items.
std::string PythonRepr(const Value& value) {
  if (value.is_null()) return "None";
  if (value.is_bool()) return value.as_bool() ? "True" : "False";
  if (value.is_int()) return std::to_string(value.as_int());
  if (value.is_double()) {
    const double v = value.as_double();
    if (!std::isfinite(v)) return std::isnan(v) ? "nan" : v > 0 ? "inf" : "-inf";
    std::string text = fmt::format("{}", v);  // fmt's shortest form is repr()'s, but for 1.0
    return text.find_first_of(".e") == std::string::npos ? text + ".0" : text;
  }
  std::string out;
  if (value.is_string()) {
    const std::string& s = value.as_string();
    const char quote =
        s.find('\'') != std::string::npos && s.find('"') == std::string::npos ? '"' : '\'';
    for (char c : s) {
      if (c == quote || c == '\\') out += '\\';
      out += c == '\n' ? std::string("\\n") : c == '\t' ? std::string("\\t") : std::string(1, c);
    }
    return quote + out + quote;
  }
  if (value.is_list()) {
    for (const Value& item : value.as_list()) out += (out.empty() ? "" : ", ") + PythonRepr(item);
    return "[" + out + "]";
  }
  for (const auto& [key, item] : value.as_mapping())
    out += (out.empty() ? "" : ", ") + PythonRepr(Value(key)) + ": " + PythonRepr(item);
  return "{" + out + "}";
}

// A value after "--name=" in ${args}: its YAML text, but for null and mappings, which W&B's
// agent writes as Python's str() does, None and {'env_id': 'Env-v0', 'max_steps': 1000}
// (f"{param}={_value}", wandb/sdk/launch/sweeps/utils.py:239 at wandb b6e2950588), so a program
// written for W&B reads them as it does there.
std::string ArgumentText(const Value& value) {
  return value.is_null() || value.is_mapping() ? PythonRepr(value) : value.ToYaml();
}

// The words parameter macro `name` stands for.
std::vector<std::string> ParameterMacroWords(const std::string& name, const MacroValues& values) {
  const ParamSet none;
  const ParamSet& params = values.params ? *values.params : none;
  std::vector<std::string> out;
  if (name == "args") {
    for (const auto& [key, value] : params) out.push_back("--" + key + "=" + ArgumentText(value));
  } else if (name == "args_no_hyphens") {
    for (const auto& [key, value] : params) out.push_back(key + "=" + ArgumentText(value));
  } else if (name == "args_no_boolean_flags") {  // W&B: true -> --flag, false -> nothing
    for (const auto& [key, value] : params) {
      if (!value.is_bool())
        out.push_back("--" + key + "=" + ArgumentText(value));
      else if (value.as_bool())
        out.push_back("--" + key);
    }
  } else if (name == "args_json") {
    out.push_back(JsonParams(params));
  } else {  // args_json_file
    const std::filesystem::path json = values.run_dir / "params.json";
    WriteFileAtomic(json, JsonParams(params) + "\n");
    out.push_back(json.string());
  }
  return out;
}

// A word that is one parameter macro becomes its words (none, one or several); false if `word`
// is not one.
bool ExpandParameterMacro(const std::string& word, const MacroValues& values,
                          std::vector<std::string>& out) {
  if (word.size() < 3 || word.rfind("${", 0) != 0 || word.back() != '}') return false;
  const std::string name = word.substr(2, word.size() - 3);
  if (!IsParameterMacro(name)) return false;
  for (std::string& w : ParameterMacroWords(name, values)) out.push_back(std::move(w));
  return true;
}

std::string ExpandTexts(const std::string& word, const MacroValues& values) {
  std::string out;
  size_t copied = 0;
  for (size_t at = word.find("${"); at != std::string::npos; at = word.find("${", copied)) {
    const size_t close = word.find('}', at);
    if (close == std::string::npos) break;
    const std::string name = word.substr(at + 2, close - at - 2);
    out += word.substr(copied, at - copied);
    copied = close + 1;
    if (name == "run_dir") {
      out += values.run_dir.string();
    } else if (name.rfind("envvar:", 0) == 0) {
      const char* env = std::getenv(name.substr(7).c_str());
      out += env ? env : "";
    } else if (IsParameterMacro(name)) {
      // Inside a longer word (`sh -c 'echo ${args_json} > f'`) the words join with spaces:
      // the program that reads the word (a shell) splits it again.
      std::string joined;
      for (const std::string& w : ParameterMacroWords(name, values))
        joined += (joined.empty() ? "" : " ") + w;
      out += joined;
    } else if (const auto text = values.texts.find(name); text != values.texts.end()) {
      out += text->second;
    } else {
      out += word.substr(at, copied - at);  // not ours: as written
    }
  }
  return out + word.substr(copied);
}

}  // namespace

std::vector<std::string> ExpandMacros(const std::vector<std::string>& words,
                                      const MacroValues& values) {
  std::vector<std::string> out;
  for (const std::string& word : words) {
    if (!ExpandParameterMacro(word, values, out)) out.push_back(ExpandTexts(word, values));
  }
  return out;
}

std::optional<std::string> UnknownMacro(const std::string& word,
                                        const std::vector<std::string>& known) {
  for (size_t at = word.find("${"); at != std::string::npos; at = word.find("${", at + 2)) {
    const size_t close = word.find('}', at);
    if (close == std::string::npos) return word.substr(at);
    const std::string name = word.substr(at + 2, close - at - 2);
    if (name.rfind("envvar:", 0) != 0 && std::find(known.begin(), known.end(), name) == known.end())
      return "${" + name + "}";
  }
  return std::nullopt;
}

}  // namespace hpo
