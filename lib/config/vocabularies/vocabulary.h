// The vocabularies sweep files are written in, one reader per file in this folder. Loading a
// sweep file detects its vocabulary (the first in registry order whose matcher says yes; a file
// of W&B's words only is W&B's, checked as W&B checks it and then read by hpo's reader; hpo's
// own, which also reads W&B, Protein/Metta and Optuna-style spellings, takes the rest) and lets
// that reader fill the SweepConfig through SweepReading, which keeps file:line:col and applies
// the same checks to every vocabulary. Adding a vocabulary is one file here and one line in
// registry.cc.
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "lib/config/sweep_reading.h"
#include "lib/config/yaml11.h"

namespace hpo::config {

struct Vocabulary {
  std::string_view name;  ///< shown by --dry-run, e.g. "Hydra Optuna sweeper"
  bool (*matches)(const YAML::Node& root);
  void (*read)(SweepReading& reading, const YAML::Node& root);
  /// How the tool loads the file, so what its scalars mean (`yes`, `1e-5`: yaml11.h); the
  /// reader gets them with that meaning.
  YamlLoader loader = YamlLoader::kYaml12;
  /// Set where the files a reader reads are loaded by several tools (hpo's own and Metta's,
  /// hypersweeper's and ConfigSpace's): the loader of the file whose root this is.
  YamlLoader (*loader_of)(const YAML::Node& root) = nullptr;
};

/// The loader whose meaning the file whose root is `root` has, read by `vocabulary`.
YamlLoader LoaderOf(const Vocabulary& vocabulary, const YAML::Node& root);

/// Every vocabulary, in detection order; the last (hpo's own) matches any mapping.
std::span<const Vocabulary> Vocabularies();
const Vocabulary& DetectVocabulary(const YAML::Node& root);
/// The reader of INI files (ini_source.h), which no YAML tree selects.
const Vocabulary& PufferLibIniVocabulary();

// One pair per file of this folder.
bool MatchesHydra(const YAML::Node& root);
void ReadHydra(SweepReading& reading, const YAML::Node& root);
/// orion_vocabulary.cc: the Hydra Orion sweeper (before the other Hydra plugins), and Orion's
/// priors written in a program's own config (`orion~uniform(0, 1)`).
bool MatchesHydraOrion(const YAML::Node& root);
void ReadHydraOrion(SweepReading& reading, const YAML::Node& root);
bool MatchesOrionConfig(const YAML::Node& root);
void ReadOrionConfig(SweepReading& reading, const YAML::Node& root);
/// polyaxon_vocabulary.cc: v0 `hptuning:` and v1 `matrix: {kind, params}`.
bool MatchesPolyaxon(const YAML::Node& root);
void ReadPolyaxon(SweepReading& reading, const YAML::Node& root);
/// guild_vocabulary.cc: a guild.yml (operations at the top level, under operations:, or a list
/// of models); the only vocabulary whose file may be a list.
bool MatchesGuild(const YAML::Node& root);
void ReadGuild(SweepReading& reading, const YAML::Node& root);
/// configspace_vocabulary.cc: a ConfigSpace space (`hyperparameters:` with ConfigSpace's types,
/// `conditions:`), bare or as hypersweeper's `hydra.sweeper.search_space`.
bool MatchesConfigSpace(const YAML::Node& root);
void ReadConfigSpace(SweepReading& reading, const YAML::Node& root);
/// A Hydra config or a search_space group file (name-keyed) is hypersweeper's: OmegaConf's; a
/// bare list of hyperparameters is ConfigSpace's own format (from_json, or from_yaml).
YamlLoader ConfigSpaceLoader(const YAML::Node& root);
bool MatchesKatib(const YAML::Node& root);
void ReadKatib(SweepReading& reading, const YAML::Node& root);
bool MatchesDetermined(const YAML::Node& root);
void ReadDetermined(SweepReading& reading, const YAML::Node& root);
bool MatchesAzureMl(const YAML::Node& root);
void ReadAzureMl(SweepReading& reading, const YAML::Node& root);
bool MatchesNniExperiment(const YAML::Node& root);
void ReadNniExperiment(SweepReading& reading, const YAML::Node& root);
bool MatchesNniSearchSpace(const YAML::Node& root);
/// Also the space of an experiment config (inline, or its searchSpaceFile's root).
void ReadNniSearchSpace(SweepReading& reading, const YAML::Node& root);
bool MatchesPufferLibConfig(const YAML::Node& root);
void ReadPufferLibConfig(SweepReading& reading, const YAML::Node& root);
/// Never true: PufferLib's INI files are chosen by their format (PufferLibIniVocabulary()).
bool MatchesPufferLibIni(const YAML::Node& root);
void ReadPufferLibIni(SweepReading& reading, const YAML::Node& root);
bool MatchesRay(const YAML::Node& root);
void ReadRay(SweepReading& reading, const YAML::Node& root);
bool MatchesLudwig(const YAML::Node& root);
void ReadLudwig(SweepReading& reading, const YAML::Node& root);
bool MatchesTrlx(const YAML::Node& root);
void ReadTrlx(SweepReading& reading, const YAML::Node& root);
bool MatchesNeroRl(const YAML::Node& root);
void ReadNeroRl(SweepReading& reading, const YAML::Node& root);
bool MatchesWandb(const YAML::Node& root);
void ReadWandb(SweepReading& reading, const YAML::Node& root);
bool MatchesHpo(const YAML::Node& root);
void ReadHpo(SweepReading& reading, const YAML::Node& root);

// The other tools' spellings the hpo reader reads, one file each.
/// wandb_vocabulary.cc: true for W&B's log-uniform distributions in values (log_uniform_values,
/// inv_log_uniform_values), a log-uniform range [min, max]; refuses at `spec` the forms W&B
/// refuses (log_uniform, inv_log_uniform, q_log_uniform: bounds as exponents); false otherwise.
bool WandbLogDistribution(SweepReading& reading, const std::string& path, const YAML::Node& spec,
                          const std::string& kind, double& min, double& max);
/// wandb_vocabulary.cc: each number of W&B's parameters under `parameters` (nested groups too)
/// that PyYAML read as text (min: 1e-5) is read as the number, with a note: "PATH.KEY: '1e-5' is
/// text to HOW (write 1.0e-5 for both)", `how` saying who read it so and why hpo takes the number.
void ReadWandbTextNumbers(SweepReading& reading, const YAML::Node& parameters,
                          const std::string& prefix, const char* how);
/// wandb_vocabulary.cc: W&B's controller: {type: local|cloud} (hpo is the controller: ignored).
void CheckWandbController(SweepReading& reading, const YAML::Node& controller);
/// wandb_vocabulary.cc: W&B's scheduler: {engine: wandb} runs the sweep's own method; a custom
/// scheduler (source, optimizer, search_space) is refused, as are W&B's incompatible keys.
void CheckWandbScheduler(SweepReading& reading, const YAML::Node& section);
/// protein_vocabulary.cc: a Metta ${ss:...} (or bare $pow2(...)) value at `path`; false when `v`
/// is not one.
bool ReadSsResolver(SweepReading& reading, const std::string& path, const YAML::Node& key_node,
                    const YAML::Node& v);
/// protein_vocabulary.cc: uniform_pow2 bounds written as exponents become values (a range from
/// 0; a single-power range in a file that has one); an ambiguous range is refused at `v`.
void ReadPow2Bounds(SweepReading& reading, const std::string& path, const YAML::Node& v,
                    double& min, double& max, std::optional<double>& mean);
/// protein_vocabulary.cc: true when some uniform_pow2 range under `node` starts at 0.
bool WritesPow2Exponents(const YAML::Node& node);
/// carbs_vocabulary.cc: a CARBS leaf {space, min, max, search_center, is_int}.
void AddCarbsSpec(SweepReading& reading, const std::string& path, const YAML::Node& key_node,
                  const YAML::Node& v);

/// Where a Ray Tune domain is written: the parameter's path and key node, the node errors point
/// at, and whether the arguments' nodes carry their own line:col (a trlx or Ludwig file) or were
/// parsed from a "tune.f(...)" string (then errors point at `at`).
struct RayDomainSite {
  std::string path;
  YAML::Node key_node;
  YAML::Node at;
  bool args_in_file;
};
/// ray_vocabulary.cc: the trials Ray Tune runs for a space (variant_generator.py
/// _count_spec_samples): num_samples for every combination of the grid_search axes.
class RayTrialCount {
 public:
  void AddGrid(size_t points) {
    combinations_ *= static_cast<double>(points);
    if (points > 1) ++grids_;  // a one-point grid is a constant
  }
  /// n_trials, and the grid sampler when every searched parameter is a grid axis. Without
  /// num_samples and a grid, hpo's default trial count stays.
  void Finish(SweepConfig& c, std::optional<int> num_samples) const;

 private:
  size_t grids_ = 0;
  double combinations_ = 1;
};
/// ray_vocabulary.cc: Ray Tune's tune.FN(args...) (python/ray/tune/search/sample.py) for one
/// parameter, `args` in Ray's positional order (a list for choice and grid_search), with Ray's
/// meaning: randint and lograndint leave out `upper`, q-bounds are multiples of q...
void AddRayDomain(SweepReading& reading, RayTrialCount& count, const RayDomainSite& site,
                  const std::string& fn, const YAML::Node& args);

/// ray_vocabulary.cc: the sampler for Ray Tune's search algorithm `algorithm` (hyperopt, optuna
/// and bohb: tpe; bayesopt, ax, hebo, skopt: protein; the variant generator and others:
/// random), with a note naming both.
void SetRaySearcher(SweepReading& reading, const std::string& algorithm);

/// What --dry-run calls a file the hpo reader reads: "hpo, with W&B, Protein/Metta spellings".
std::string HpoVocabularyName(const YAML::Node& root);
/// The loader of a file the hpo reader reads: OmegaConf's for Metta's files (Protein/Metta or
/// CARBS spellings: Metta composes its sweep files with Hydra), YAML 1.2 for hpo's own.
YamlLoader HpoVocabularyLoader(const YAML::Node& root);

/// hpo's own parameter grammar (W&B, Protein/Metta, Optuna-style and CARBS leaves, nested
/// groups, Metta's ${ss:...} values): reads the mapping `map` of parameters under `prefix`.
void ReadHpoParameters(SweepReading& reading, const YAML::Node& map, const std::string& prefix);
/// One parameter of that grammar: a spec, a constant, a ${ss:...} value or a group, at `path`.
void ReadHpoParameter(SweepReading& reading, const std::string& path, const YAML::Node& key_node,
                      const YAML::Node& value);

}  // namespace hpo::config
