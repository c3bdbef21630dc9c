// OmegaConf interpolations in sweep files (Hydra's, Metta's and Protein's are OmegaConf configs).
// `${a.b}` and the relative `${.b}`, `${..b}` that point inside the same file are resolved before
// a reader sees the file, as OmegaConf would: a whole-value reference takes the target's value
// and type, one inside a string its text. What hpo cannot evaluate (`${now:...}` and every other
// resolver but Metta's `${ss:...}`, which the readers parse; a path that is not in the file;
// OmegaConf's `???` for a missing value) is tagged: reading such a value is an error at its
// location (ValueFromYaml, SweepReading), and LoadSweepConfig lists the ones nothing read as
// ignored. Such text is never passed on to a trial as if it were a value.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "lib/core/error.h"

namespace hpo::config {

/// The tag of a scalar that holds an interpolation hpo cannot resolve.
inline constexpr const char* kUnresolvedTag = "!hpo/unresolved";

struct UnresolvedValue {
  std::string path;  ///< dotted key path of the value
  std::string text;  ///< as written
};

/// Resolves the interpolations of `root` in place and returns the ones it could not resolve
/// (tagged kUnresolvedTag), in file order. Values under a `command` key are left alone: their
/// ${...} are the trial command's macros (W&B's ${args}, hpo's ${run_dir}).
std::vector<UnresolvedValue> ResolveInterpolations(YAML::Node root);

/// Why a value cannot be used, for an error at its location: "'${now:%Y}' calls the OmegaConf
/// resolver 'now', which hpo does not run".
std::string WhyUnresolved(const std::string& text);

/// Throws UserError at `origin` when `node` is a scalar tagged kUnresolvedTag.
void RequireResolved(const YAML::Node& node, const Origin& origin);

}  // namespace hpo::config
