// YAML 1.1 as PyYAML reads it, for the tools that load their files with yaml.safe_load (W&B's
// CLI, RLlib, NNI, Guild) or with OmegaConf's loader on PyYAML (Hydra, Metta): one home for what
// `yes`, `1e-5`, `017` or `1:30` mean to them, which is not what YAML 1.2 (hpo's own reading,
// yaml_source.h) says. A file is read with its tool's meaning: after its vocabulary is known,
// ApplyLoaderMeaning marks each scalar with its loader's reading, which ValueFromYaml then
// gives; the text stays as written, for messages.
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/config/yaml_source.h"
#include "lib/core/error.h"
#include "lib/core/value.h"

namespace hpo::config {

/// How a tool loads its YAML files.
enum class YamlLoader {
  kYaml12,          ///< hpo's own reading (YAML 1.2's core schema): hpo's files, Optuna's JSON
  kPyYaml,          ///< yaml.safe_load (PyYAML 6.0, YAML 1.1's implicit types)
  kJsonThenPyYaml,  ///< json.loads, and yaml.safe_load when the text is not JSON (NNI's spaces)
  kGuild,           ///< yaml.safe_load with Guild's float pattern; dates passed on as text
  /// OmegaConf's get_yaml_loader (omegaconf/_utils.py:136-190 at v2.3.0, the newest that Hydra
  /// 1.3 takes; the same in 2.4.dev): PyYAML's SafeLoader, its float pattern added (:154-167),
  /// the date resolver dropped (:168-175); OmegaConf.load reads files with it (omegaconf.py:190)
  kOmegaConf,
  /// go-yaml v2's resolver (gopkg.in/yaml.v2 2.4.0 resolve.go), as the Go tools that turn a
  /// file into JSON read it: kubectl (sigs.k8s.io/yaml's YAMLToJSON) for Katib, Determined's
  /// master (ghodss/yaml, master/pkg/schemas/util.go:26-39). YAML 1.1's words (y, n, yes, on...
  /// are booleans), 1e-5 a float, 017 and 0o17 octal, 08 the float 8, no base 60, dates as
  /// their text; .inf and .nan refused (JSON has none)
  kGoYamlV2,
};

/// What PyYAML's resolver (yaml/resolver.py:170-219, PyYAML 6.0) makes of a plain scalar.
/// kUnconstructed: `=` and `<<` as values, which safe_load refuses (no constructor).
enum class Yaml11Type { kNull, kBool, kInt, kFloat, kTimestamp, kString, kUnconstructed };

/// The resolver's answer for `plain` as `loader` reads it. kGuild and kOmegaConf add a float
/// pattern after PyYAML's resolvers: an exponent without a dot or a sign (1e3, 1.5e3) is a float.
/// Guild's (guild/yaml_util.py:143-170) is OmegaConf 2.2's; OmegaConf 2.3 takes `_` only between
/// digits there (1_e3 and ._5 are texts), and has no dates. kYaml12 is no YAML 1.1 loader: read
/// as kPyYaml. kGoYamlV2 is go-yaml v2's resolver: kTimestamp never, kUnconstructed for .inf and
/// .nan (which JSON cannot hold).
Yaml11Type Yaml11TypeOf(std::string_view plain, YamlLoader loader = YamlLoader::kPyYaml);

/// "null", "bool", "int", "float", "timestamp", "str", or "unconstructed".
const char* Yaml11TypeName(Yaml11Type type);

/// The value PyYAML's constructor (constructor.py:224-300) makes of `text` read as `type`
/// (kBool, kInt, kFloat, kNull): yes/on (and go-yaml v2's y) are true; 0b11, 0x1f, 017 (octal),
/// go-yaml v2's 0o17 and 1:30 (base 60) are integers, `_` digit groups dropped; .inf/.nan any case.
/// nullopt for an integer beyond int64 (Python's are unbounded, hpo's are not) and for the other
/// types.
std::optional<Value> Yaml11Value(std::string_view text, Yaml11Type type);

/// Gives `doc` the meaning its tool's `loader` gives it (nothing for kYaml12, nor for
/// kJsonThenPyYaml when the file is JSON). Refuses at its file:line:col what safe_load refuses
/// (a tag it has no constructor for, a plain `=`) and a mapping key PyYAML reads otherwise than
/// as the word written (`on:` is True, `017:` is 15): hpo names parameters by their text.
void ApplyLoaderMeaning(const YamlDocument& doc, YamlLoader loader);

/// The value of a scalar ApplyLoaderMeaning marked; nullopt for any other node. A date (which
/// PyYAML makes a datetime, and hpo has no value for) or an integer beyond int64 is refused
/// at `origin`.
std::optional<Value> PyYamlValue(const YAML::Node& scalar, const Origin& origin);

/// True for a scalar ApplyLoaderMeaning marked as a string that hpo would read as a number
/// (1e-5, 1.0e5: PyYAML's floats need a dot and a signed exponent), so messages can say why.
/// False for go-yaml v2's marks.
bool IsPyYamlTextNumber(const YAML::Node& scalar);

/// Drops the meaning ApplyLoaderMeaning gave `scalar`: it reads as YAML 1.2 again. For a value
/// the tool itself refuses (W&B's `min: 1e-5`), which its authors' other tools read as YAML 1.2.
void KeepYaml12Reading(YAML::Node scalar);

/// A scalar ApplyLoaderMeaning gave another value than YAML 1.2 (hpo's own reading) gives.
struct ReadOtherwise {
  std::string path;  ///< keys joined by dots, list items as [i]: "trainer.flags[0]"
  std::string text;  ///< as written
  Value tools;       ///< the loader's value
  Value yaml12;      ///< YAML 1.2's
};
/// Every such scalar under `root` of the file `source`, in file order: for a note where the
/// loader is hpo's guess from the file (a Metta file read by hpo's own reader). A scalar the
/// loader cannot give a value (an integer beyond int64) is left to the reader, which refuses it.
std::vector<ReadOtherwise> ScalarsReadOtherwiseThanYaml12(const YAML::Node& root,
                                                          const std::string& source);

/// `number` spelled so that PyYAML and YAML 1.2 both read a float: a dot in the mantissa and
/// a signed exponent ("1e-5" -> "1.0e-5", "2e9" -> "2.0e+9"); other text is returned as is.
std::string PyYamlFloatSpelling(std::string_view number);

/// True when `text` is a JSON document as Python's json.loads reads it (NaN, Infinity and
/// -Infinity included; json.loads refuses a byte order mark).
bool IsJsonText(std::string_view text);

}  // namespace hpo::config
