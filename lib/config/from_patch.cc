#include "lib/config/from_patch.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>

#include "lib/config/trainer_config.h"
#include "lib/config/trainer_keys.h"
#include "lib/config/yaml_source.h"
#include "lib/core/error.h"
#include "lib/space/distribution.h"

namespace hpo::config {
namespace {

// True when the sweep gives `name` mapping values (W&B's {env_id: ..., max_steps: ...}): a
// mapping under it in a patch is its value, not a section of names.
bool TakesMappings(const SweepConfig& config, const std::string& name) {
  if (const auto fixed = config.fixed.find(name); fixed != config.fixed.end())
    return fixed->second.is_mapping();
  return std::any_of(config.parameters.begin(), config.parameters.end(), [&](const auto& p) {
    return p.name == name && std::any_of(p.choices.begin(), p.choices.end(),
                                         [](const Value& v) { return v.is_mapping(); });
  });
}

void Flatten(const YAML::Node& map, const std::string& source, const std::string& prefix,
             const SweepConfig& config, std::vector<GivenValue>& out) {
  const bool trainer_program = config.command.empty();
  for (const auto& pair : map) {
    const std::string key = pair.first.as<std::string>();
    const std::string path = prefix.empty() ? key : prefix + "." + key;
    if (pair.second.IsMap() && !TakesMappings(config, path)) {
      Flatten(pair.second, source, path, config, out);
      continue;
    }
    const Origin at = OriginOf(source, pair.second);
    std::string name = path;
    if (trainer_program) {  // as hpo train --patch reads it: a section's keys count by their own
                            // names
      const std::optional<std::string> canonical = CanonicalTrainerKey(key);
      if (!canonical) {
        throw UserError(OriginOf(source, pair.first),
                        fmt::format("unknown trainer key '{}' (did you mean '{}'?)", Echo(path),
                                    ClosestTrainerKey(key)));
      }
      name = *canonical;
    }
    out.push_back({name, ValueFromYaml(pair.second, at), at.where});
  }
}

// The parameter's search centre becomes the patch's value, which must lie in its space.
void CentreOn(ParameterSpec& p, const GivenValue& g) {
  if (p.categorical) {
    if (std::find(p.choices.begin(), p.choices.end(), g.value) == p.choices.end()) {
      throw UserError(Origin{g.where}, fmt::format("{}={} is not one of the sweep's choices for it",
                                                   g.name, g.value.ToYaml()));
    }
    p.prior = g.value;
    return;
  }
  if (!g.value.is_number() || g.value.as_double() < p.numeric.min ||
      g.value.as_double() > p.numeric.max) {
    throw UserError(Origin{g.where},
                    fmt::format("{}={} is outside the sweep's range [{}, {}]", g.name,
                                g.value.ToYaml(), p.numeric.min, p.numeric.max));
  }
  p.numeric.mean = g.value.as_double();
}

// Shrinks a numeric range to `share` of its width in unit coordinates (the distribution's own
// axis), around its centre and inside its bounds; a discrete range keeps its levels. False when
// the narrowed range would hold a single value (the range is then left as it was).
bool Narrow(ParameterSpec& p, double share) {
  const std::unique_ptr<space::Distribution> d = space::MakeNumeric(p.numeric, p.origin);
  const double centre = *p.numeric.mean;
  const double u = d->ToUnit(Value(centre));
  const double low = std::clamp(u - share / 2, 0.0, 1.0 - share);
  const double min = std::min(d->FromUnit(low).as_double(), centre);
  const double max = std::max(d->FromUnit(low + share).as_double(), centre);
  if (!(min < max)) return false;
  p.numeric.min = min;
  p.numeric.max = max;
  return true;
}

}  // namespace

std::vector<GivenValue> ReadPatchValues(const std::filesystem::path& path,
                                        const SweepConfig& config) {
  const YamlDocument patch = LoadYamlFile(path);
  if (!patch.root.IsMap())
    throw UserError(OriginOf(patch.source, patch.root), "a patch is a mapping of key: value");
  std::vector<GivenValue> values;
  Flatten(patch.root, patch.source, "", config, values);
  return values;
}

void ApplyFromPatch(SweepConfig& config, const std::string& patch) {
  if (patch.empty()) {
    if (config.narrow > 0) {
      throw UserError(config.narrow_origin,
                      fmt::format("narrow: {} shrinks each range around a patch's values; give the "
                                  "patch with --from-patch FILE (hpo best-params writes one)",
                                  config.narrow));
    }
    return;
  }
  if (!std::filesystem::is_regular_file(patch)) {
    throw UserError(Origin{"--from-patch"}, fmt::format("'{}' is not a file", Echo(patch)));
  }
  const bool trainer_program = config.command.empty();
  std::map<std::string, ParameterSpec*> searched;
  for (ParameterSpec& p : config.parameters) searched[p.name] = &p;
  std::vector<std::string> centred, kept_wide;
  int fixed_taken = 0;
  for (const GivenValue& g : ReadPatchValues(patch, config)) {
    const auto it = searched.find(g.name);
    if (it == searched.end()) {
      if (config.fixed.count(g.name)) continue;  // the sweep's own fixed value wins
      if (trainer_program) CheckTrainerValue(g.name, g.value, Origin{g.where});
      config.fixed[g.name] = g.value;
      ++fixed_taken;
      continue;
    }
    CentreOn(*it->second, g);
    centred.push_back(g.name);
    if (config.narrow > 0 && !it->second->categorical && !Narrow(*it->second, config.narrow))
      kept_wide.push_back(g.name);
  }
  if (centred.empty()) {
    throw UserError(
        Origin{"--from-patch"},
        fmt::format("{} gives none of the parameters sweep '{}' searches", patch, config.name));
  }
  std::string note = fmt::format(
      "from patch {}: the search starts at its values of {} parameter(s)", patch, centred.size());
  if (config.narrow > 0)
    note +=
        fmt::format(", their numeric ranges narrowed to {:g}% of their width", config.narrow * 100);
  if (!kept_wide.empty())
    note += fmt::format(" (not {}: narrower would leave one value)", fmt::join(kept_wide, ", "));
  note += fmt::format("; {} of its other value(s) as fixed values", fixed_taken);
  config.notes.push_back(note);
  config.narrow = 0;
}

}  // namespace hpo::config
