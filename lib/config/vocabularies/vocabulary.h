// The vocabularies sweep files are written in, one reader per file in this folder. Loading a
// sweep file detects its vocabulary (the first in registry order whose matcher says yes; hpo's
// own, which also reads W&B, Protein/Metta and Optuna-style spellings, takes the rest) and lets
// that reader fill the SweepConfig through SweepReading, which keeps file:line:col and applies
// the same checks to every vocabulary. Adding a vocabulary is one file here and one line in
// registry.cc.
#pragma once

#include <yaml-cpp/yaml.h>

#include <span>
#include <string>
#include <string_view>

#include "lib/config/sweep_reading.h"

namespace hpo::config {

struct Vocabulary {
  std::string_view name;  ///< shown by --dry-run, e.g. "Hydra Optuna sweeper"
  bool (*matches)(const YAML::Node& root);
  void (*read)(SweepReading& reading, const YAML::Node& root);
};

/// Every vocabulary, in detection order; the last (hpo's own) matches any mapping.
std::span<const Vocabulary> Vocabularies();
const Vocabulary& DetectVocabulary(const YAML::Node& root);

// One pair per file of this folder.
bool MatchesHydra(const YAML::Node& root);
void ReadHydra(SweepReading& reading, const YAML::Node& root);
bool MatchesKatib(const YAML::Node& root);
void ReadKatib(SweepReading& reading, const YAML::Node& root);
bool MatchesDetermined(const YAML::Node& root);
void ReadDetermined(SweepReading& reading, const YAML::Node& root);
bool MatchesAzureMl(const YAML::Node& root);
void ReadAzureMl(SweepReading& reading, const YAML::Node& root);
bool MatchesPufferLibConfig(const YAML::Node& root);
void ReadPufferLibConfig(SweepReading& reading, const YAML::Node& root);
bool MatchesRay(const YAML::Node& root);
void ReadRay(SweepReading& reading, const YAML::Node& root);
bool MatchesHpo(const YAML::Node& root);
void ReadHpo(SweepReading& reading, const YAML::Node& root);

/// What --dry-run calls a file the hpo reader reads: "hpo, with W&B, Protein/Metta spellings".
std::string HpoVocabularyName(const YAML::Node& root);

/// hpo's own parameter grammar (W&B, Protein/Metta, Optuna-style and CARBS leaves, nested
/// groups, Metta's ${ss:...} values): reads the mapping `map` of parameters under `prefix`.
void ReadHpoParameters(SweepReading& reading, const YAML::Node& map, const std::string& prefix);
/// One parameter of that grammar: a spec, a constant, a ${ss:...} value or a group, at `path`.
void ReadHpoParameter(SweepReading& reading, const std::string& path, const YAML::Node& key_node, const YAML::Node& value);

}  // namespace hpo::config
