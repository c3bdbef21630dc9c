// PufferLib trainer configs that carry a W&B sweep per section (default:, then one section per
// environment). PufferLib merges each section over default: shallowly, so an environment's
// sweep: replaces default's keys one by one. Each section with a sweep is a preset: --preset
// ENV selects it (default: the `default` section). PufferLib 1.0's demo.py loads the file with
// yaml.safe_load (demo.py:30 at 729003f) and hands the section's sweep to wandb.sweep
// (demo.py:131-136), which re-writes it with yaml.dump for W&B's service (wandb
// sdk/internal/internal_api.py:2545-2676 at b6e29505): a bound PyYAML reads as text (min: 1e-4,
// as PufferLib's own config.yaml writes it) goes there as a plain 1e-4. hpo assumes W&B reads
// the number and reads it so, with a note (as it does for W&B's own files).
#include <fmt/format.h>

#include "lib/config/vocabularies/vocabulary.h"

namespace hpo::config {
namespace {

bool HasSweep(const YAML::Node& section) {
  return section.IsMap() && section["sweep"] && section["sweep"].IsMap();
}

}  // namespace

bool MatchesPufferLibConfig(const YAML::Node& root) {
  if (!root.IsMap() || root["parameters"] || root["sweep"]) return false;
  for (const auto& p : root) {
    if (HasSweep(p.second)) return true;
  }
  return false;
}

void ReadPufferLibConfig(SweepReading& r, const YAML::Node& root) {
  SweepConfig& c = r.config();
  for (const auto& p : root) {
    if (HasSweep(p.second) && p.first.Scalar() != "default") c.presets.push_back(p.first.Scalar());
  }
  const std::string section = c.preset.empty() ? "default" : c.preset;
  if (!HasSweep(root[section])) {
    std::string known;
    for (const std::string& n : c.presets) known += (known.empty() ? "" : ", ") + n;
    throw UserError(
        Origin{c.preset.empty() ? r.source() : "--preset"},
        fmt::format(
            "no sweep in section '{}' (sections with a sweep: {}); choose one with --preset",
            Echo(section), known));
  }
  YAML::Node sweep(YAML::NodeType::Map);
  if (HasSweep(root["default"])) {
    for (const auto& p : root["default"]["sweep"]) sweep[p.first.Scalar()] = p.second;
  }
  // by key text: yaml-cpp matches node keys by identity, which would keep both sections' keys
  for (const auto& p : root[section]["sweep"]) sweep[p.first.Scalar()] = p.second;
  for (const auto& p : root) {
    if (p.first.Scalar() != section && p.first.Scalar() != "default") r.Ignore(p.first.Scalar());
  }
  if (sweep["parameters"])
    ReadWandbTextNumbers(
        r, sweep["parameters"], "",
        "PyYAML (YAML 1.1: floats need a dot and a signed exponent), which PufferLib 1.0's "
        "demo.py loads the file with and hands to wandb.sweep; read as the number, as hpo "
        "assumes W&B reads it (wandb.sweep writes the config with yaml.dump, where the text stays "
        "a plain number)");
  YAML::Node wrapped(YAML::NodeType::Map);
  wrapped["sweep"] = sweep;
  ReadHpo(r, wrapped);
}

}  // namespace hpo::config
