// YAML documents that remember their file, so every error can say file:line:col.
#pragma once

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "lib/core/error.h"
#include "lib/core/value.h"

namespace hpo::config {

/// A parsed YAML document and the name to quote in errors (a path, or "--override").
struct YamlDocument {
  std::string source;
  YAML::Node root;
  /// Nodes built from another format (an INI file, ini_source.h), each with the file:line:col
  /// to quote for it; empty for YAML, whose nodes carry their own marks.
  std::vector<std::pair<YAML::Node, std::string>> origins;
  /// The file was INI (PufferLib's configs), not YAML.
  bool ini = false;
  /// INI files read before this one, in order, whose values it overrides (PufferLib's
  /// config/default.ini under an environment's file).
  std::vector<std::string> read_under = {};
  /// The text is JSON as Python's json.loads reads it (NNI reads such a file as JSON).
  bool json = false;
};

/// Parses a file. A missing file or a YAML syntax error is a UserError with file:line:col.
YamlDocument LoadYamlFile(const std::filesystem::path& path);

/// Parses text (an override value, a test fixture). `source` names it in errors.
YamlDocument LoadYamlString(const std::string& text, const std::string& source);

/// "source:line:col" of a node (1-based, as editors count).
Origin OriginOf(const std::string& source, const YAML::Node& node);

/// Calls `visit` on `node` and on every node below it (list items, mapping values), depth first.
/// Loaded documents are bounded (LoadYamlFile refuses alias bombs), so a walk always ends soon.
void ForEachNode(const YAML::Node& node, const std::function<void(const YAML::Node&)>& visit);

/// Converts a YAML value to a Value. Integers stay integers ("64"), floats become doubles
/// ("3e-4", "1.0"), true/false become bools, null, ~ and an empty value become null, lists and
/// mappings (nested too; keys in file order) stay lists and mappings, anything else is a string.
/// That is YAML 1.2's reading; a scalar that yaml11.h marked has its tool's (PyYAML's) instead.
/// A mapping with a key that is not a word, or a key set twice, is a UserError naming the origin.
Value ValueFromYaml(const YAML::Node& node, const Origin& origin);

/// The inverse, for writing YAML files: lists and mappings in flow style, null as null, and
/// strings that would read back as something else ("true", "3", "") double-quoted, so
/// ValueFromYaml gives the value back. `pyyaml_floats`: floats spelled so that PyYAML reads
/// them as floats too (1.0e-05, not 1e-05: yaml11.h), for files other tools load.
void EmitValue(YAML::Emitter& out, const Value& value, bool pyyaml_floats = false);
/// A parameter set as a mapping of name: EmitValue, in the emitter's current style.
void EmitParams(YAML::Emitter& out, const ParamSet& params);

}  // namespace hpo::config
