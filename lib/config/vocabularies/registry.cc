#include "lib/config/vocabularies/vocabulary.h"

namespace hpo::config {

std::span<const Vocabulary> Vocabularies() {
  static const Vocabulary kVocabularies[] = {
      {"Hydra sweeper (hydra.sweeper: Optuna, Nevergrad, Ax)", MatchesHydra, ReadHydra},
      {"Katib Experiment (spec.parameters)", MatchesKatib, ReadKatib},
      {"Determined (hyperparameters, searcher)", MatchesDetermined, ReadDetermined},
      {"Azure ML sweep job (search_space)", MatchesAzureMl, ReadAzureMl},
      {"PufferLib config (a W&B sweep per section)", MatchesPufferLibConfig, ReadPufferLibConfig},
      {"Ray Tune / RLlib (tune:, or experiments with config: grid_search)", MatchesRay, ReadRay},
      {"hpo (with W&B, Protein/Metta, CARBS and Optuna-style spellings)", MatchesHpo, ReadHpo},
  };
  return kVocabularies;
}

const Vocabulary& DetectVocabulary(const YAML::Node& root) {
  for (const Vocabulary& v : Vocabularies()) {
    if (v.matches(root)) return v;
  }
  return Vocabularies().back();
}

}  // namespace hpo::config
