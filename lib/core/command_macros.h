// The macros of a trial command (`command:`) and of hooks (`hooks:`): W&B's ${args} family,
// hpo's ${run_dir} and ${args_json_file}, and named texts such as a hook's ${trial_json}
// (docs/trial_protocol.md). One expander, so a hook reads its words as a trial command does.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lib/core/value.h"

namespace hpo {

/// Macros that expand to the parameters: ${args} (--k=v each),
/// ${args_no_hyphens} (k=v), ${args_no_boolean_flags} (--k=v, booleans as --flag or
/// nothing), ${args_json} (one JSON word), ${args_json_file} (the path of run_dir/params.json,
/// which is written). As a whole word each is its own words; inside a longer word
/// (`sh -c 'echo ${args_json} > f'`) they are joined with spaces into it.
inline const std::vector<std::string> kParameterMacros = {
    "args", "args_no_hyphens", "args_no_boolean_flags", "args_json", "args_json_file"};

struct MacroValues {
  const ParamSet* params = nullptr;  ///< for kParameterMacros; none: they expand to nothing
  std::filesystem::path run_dir;     ///< ${run_dir} inside any word, and where params.json goes
  std::map<std::string, std::string> texts;  ///< ${name} inside any word -> its text
};

/// The words with their macros expanded. ${envvar:NAME} (W&B's) is the controller's
/// environment variable, empty when unset. Other ${...} stay as written.
std::vector<std::string> ExpandMacros(const std::vector<std::string>& words,
                                      const MacroValues& values);

/// The first ${name} in `word` that is neither in `known` nor ${envvar:...}, if any.
std::optional<std::string> UnknownMacro(const std::string& word,
                                        const std::vector<std::string>& known);

}  // namespace hpo
