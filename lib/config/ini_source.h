// INI files as Python's configparser reads them for PufferLib (ConfigParser() with its defaults),
// turned into the nested tree PufferLib's load_config builds, so the sweep readers walk them as
// they walk YAML. Every node remembers its file:line:col (YamlDocument::origins): yaml-cpp has no
// way to give a built node a position.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

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

/// One INI file's text, and the name its errors give (its path).
struct IniText {
  std::string text;
  std::string source;
};

/// Several INI files as configparser's read([a, b, ...]) reads them into one parser (each file
/// checked on its own): a later file's key replaces an earlier one's value, in its place; its
/// other keys and sections are added. The document is the last file's; `read_under` names the
/// others. Every value keeps its own file:line:col.
YamlDocument LoadIniFiles(const std::vector<IniText>& files);

/// Where PufferLib's load_config finds the defaults it reads an environment's INI file over:
/// `default.ini` in the folder named `config` that holds the file (PufferLib 3.0's
/// pufferlib/config, 4.0's config; its glob config/**/*.ini finds every environment's file
/// under it), and for PufferLib 2 also a `default.ini` beside the file (config/atari/).
struct PufferLibDefaults {
  std::filesystem::path config_dir;          ///< the folder named config; empty when none
  std::filesystem::path root_default;        ///< config_dir/default.ini, looked for
  std::vector<std::filesystem::path> files;  ///< those to read first, in order (may be none)
  bool is_root_default = false;              ///< the file is config/default.ini itself
};
/// For `file` itself being config/default.ini, nothing is read under it (PufferLib reads it
/// alone for `puffer train default`).
PufferLibDefaults FindPufferLibDefaults(const std::filesystem::path& file);

}  // namespace hpo::config
