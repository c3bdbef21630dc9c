#include "lib/config/vocabularies/vocabulary.h"

namespace hpo::config {

std::span<const Vocabulary> Vocabularies() {
  static const Vocabulary kVocabularies[] = {
      // first: the only one whose file may be a list (of models)
      {"Guild AI guild.yml", MatchesGuild, ReadGuild},  // the reader names the operation
      // before Hydra's and Determined's: its `hyperparameters:` with ConfigSpace's types, bare or
      // as hypersweeper's hydra.sweeper.search_space
      {"ConfigSpace (hypersweeper, ARLBench)", MatchesConfigSpace, ReadConfigSpace},
      {"Hydra Orion sweeper (hydra.sweeper)", MatchesHydraOrion, ReadHydraOrion},
      {"Hydra sweeper", MatchesHydra,
       ReadHydra},  // the reader names the plugin: Optuna, Nevergrad or Ax
      {"Orion priors in a program's config (orion~)", MatchesOrionConfig, ReadOrionConfig},
      {"Polyaxon (hptuning, or matrix with kind)", MatchesPolyaxon, ReadPolyaxon},
      {"Katib Experiment (spec.parameters)", MatchesKatib, ReadKatib},
      {"Determined (hyperparameters, searcher)", MatchesDetermined, ReadDetermined},
      {"Azure ML sweep job (search_space)", MatchesAzureMl, ReadAzureMl},
      {"NNI experiment config", MatchesNniExperiment, ReadNniExperiment},
      {"NNI search space", MatchesNniSearchSpace, ReadNniSearchSpace},
      {"PufferLib config (a W&B sweep per section)", MatchesPufferLibConfig, ReadPufferLibConfig},
      {"Ray Tune / RLlib (tune:, or experiments with config: grid_search)", MatchesRay, ReadRay},
      {"Ludwig hyperopt", MatchesLudwig, ReadLudwig},  // the reader names the executor
      {"trlx sweep (Ray Tune)", MatchesTrlx, ReadTrlx},
      {"neroRL tuning file (categorical:)", MatchesNeroRl, ReadNeroRl},
      {"W&B Sweeps", MatchesWandb, ReadWandb},  // only W&B's words: W&B's checks, then hpo's reader
      {"hpo", MatchesHpo, ReadHpo},  // named by HpoVocabularyName: which tools' spellings it saw
  };
  return kVocabularies;
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
