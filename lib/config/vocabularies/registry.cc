#include "lib/config/vocabularies/vocabulary.h"

namespace hpo::config {

std::span<const Vocabulary> Vocabularies() {
  static const Vocabulary kVocabularies[] = {
      // first: the only one whose file may be a list (of models)
      // the reader names the operation; guild.yml by yaml.safe_load (guild/guildfile.py:1680)
      // with Guild's float pattern (guild/yaml_util.py:143-170)
      {"Guild AI guild.yml", MatchesGuild, ReadGuild, YamlLoader::kGuild},
      // before Hydra's and Determined's: its `hyperparameters:` with ConfigSpace's types, bare or
      // as hypersweeper's hydra.sweeper.search_space; OmegaConf's or ConfigSpace's loader
      {"ConfigSpace (hypersweeper, ARLBench)", MatchesConfigSpace, ReadConfigSpace,
       YamlLoader::kYaml12, ConfigSpaceLoader},
      // Hydra loads a config with OmegaConf.load (file_config_source.py:31 at Hydra 1.3.2)
      {"Hydra Orion sweeper (hydra.sweeper)", MatchesHydraOrion, ReadHydraOrion,
       YamlLoader::kOmegaConf},
      // the reader names the plugin: Optuna, Nevergrad or Ax
      {"Hydra sweeper", MatchesHydra, ReadHydra, YamlLoader::kOmegaConf},
      // orion hunt --config: YAMLConverter's yaml.safe_load (core/io/convert.py:98), or json.load
      // for a .json file (:125)
      {"Orion priors in a program's config (orion~)", MatchesOrionConfig, ReadOrionConfig,
       YamlLoader::kJsonThenPyYaml},
      {"Polyaxon (hptuning, or matrix with kind)", MatchesPolyaxon, ReadPolyaxon},
      {"Katib Experiment (spec.parameters)", MatchesKatib, ReadKatib},
      {"Determined (hyperparameters, searcher)", MatchesDetermined, ReadDetermined},
      {"Azure ML sweep job (search_space)", MatchesAzureMl, ReadAzureMl},
      // nnictl create: yaml.safe_load (nni/tools/nnictl/launcher.py:32)
      {"NNI experiment config", MatchesNniExperiment, ReadNniExperiment, YamlLoader::kPyYaml},
      // a searchSpaceFile: json.loads, else yaml.safe_load (experiment_config.py:195-203)
      {"NNI search space", MatchesNniSearchSpace, ReadNniSearchSpace, YamlLoader::kJsonThenPyYaml},
      {"PufferLib config (a W&B sweep per section)", MatchesPufferLibConfig, ReadPufferLibConfig},
      // rllib train -f and RLlib's regression tests: yaml.safe_load
      // (rllib/algorithms/tests/run_regression_tests.py:119)
      {"Ray Tune / RLlib (tune:, or experiments with config: grid_search)", MatchesRay, ReadRay,
       YamlLoader::kPyYaml},
      // the reader names the executor; ludwig hyperopt: yaml.safe_load
      // (ludwig/utils/data_utils.py:425-438)
      {"Ludwig hyperopt", MatchesLudwig, ReadLudwig, YamlLoader::kPyYaml},
      {"trlx sweep (Ray Tune)", MatchesTrlx, ReadTrlx,
       YamlLoader::kPyYaml},  // yaml.safe_load (trlx/sweep.py:297)
      {"neroRL tuning file (categorical:)", MatchesNeroRl, ReadNeroRl},
      // only W&B's words: W&B's checks, then hpo's reader; `wandb sweep FILE` loads it with
      // yaml.safe_load (wandb/sdk/launch/sweeps/utils.py:106)
      {"W&B Sweeps", MatchesWandb, ReadWandb, YamlLoader::kPyYaml},
      // named by HpoVocabularyName (which tools' spellings it saw); Metta's files are OmegaConf's
      {"hpo", MatchesHpo, ReadHpo, YamlLoader::kYaml12, HpoVocabularyLoader},
  };
  return kVocabularies;
}

YamlLoader LoaderOf(const Vocabulary& vocabulary, const YAML::Node& root) {
  return vocabulary.loader_of ? vocabulary.loader_of(root) : vocabulary.loader;
}

const Vocabulary& DetectVocabulary(const YAML::Node& root) {
  for (const Vocabulary& v : Vocabularies()) {
    if (v.matches(root)) return v;
  }
  return Vocabularies().back();
}

const Vocabulary& PufferLibIniVocabulary() {
  static const Vocabulary kPufferLibIni = {"PufferLib INI (sweep sections)", MatchesPufferLibIni,
                                           ReadPufferLibIni};
  return kPufferLibIni;
}

}  // namespace hpo::config
