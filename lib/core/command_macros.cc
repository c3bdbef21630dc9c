#include "lib/core/command_macros.h"

#include <algorithm>
#include <cstdlib>

#include "lib/core/atomic_file.h"
#include "lib/core/json.h"

namespace hpo {
namespace {

bool IsParameterMacro(const std::string& name) {
  return std::find(kParameterMacros.begin(), kParameterMacros.end(), name) !=
         kParameterMacros.end();
}

// The words parameter macro `name` stands for.
std::vector<std::string> ParameterMacroWords(const std::string& name, const MacroValues& values) {
  const ParamSet none;
  const ParamSet& params = values.params ? *values.params : none;
  std::vector<std::string> out;
  if (name == "args") {
    for (const auto& [key, value] : params) out.push_back("--" + key + "=" + value.ToYaml());
  } else if (name == "args_no_hyphens") {
    for (const auto& [key, value] : params) out.push_back(key + "=" + value.ToYaml());
  } else if (name == "args_no_boolean_flags") {  // W&B: true -> --flag, false -> nothing
    for (const auto& [key, value] : params) {
      if (!value.is_bool())
        out.push_back("--" + key + "=" + value.ToYaml());
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
