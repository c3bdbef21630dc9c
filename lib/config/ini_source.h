// INI files as Python's configparser reads them for PufferLib (ConfigParser() with its defaults),
// turned into the nested tree PufferLib's load_config builds, so the sweep readers walk them as
// they walk YAML. Every node remembers its file:line:col (YamlDocument::origins): yaml-cpp has no
// way to give a built node a position.
#pragma once

#include <string>
#include <string_view>

#include "lib/config/yaml_source.h"

namespace hpo::config {

/// True when the first line that is neither blank nor a comment (# or ;) is a `[section]`
/// header: an INI file, whatever its name. (A YAML sweep file cannot start so: a flow list is
/// no mapping of keys.)
bool LooksLikeIni(std::string_view text);

/// Parses INI text as configparser's defaults do: `key = value` or `key: value` (keys lower
/// case), full-line comments, indented continuation lines, no duplicate section or key. Each
/// value is read as Python's ast.literal_eval reads it (numbers with `_`, True/False/None,
/// quoted strings, lists, tuples, dicts; a trailing `# comment` is the tokenizer's), else it
/// is the text itself. Sections split on `.` into nested mappings ([sweep.train.gamma] ->
/// sweep: {train: {gamma: {...}}}). A malformed line is a UserError at file:line:col.
YamlDocument LoadIniString(const std::string& text, const std::string& source);

}  // namespace hpo::config
