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
      // polyaxon run -f: yaml.safe_load, json.loads for a .json file: v0 through rhea's
      // _read_from_yml (polyaxon-schemas polyaxon_schemas/polyaxonfile.py:48 at 00ea8a92), v1
      // core/polyaxon/config_reader/spec.py:249-270 (polyaxon/polyaxon 4831b275), v2 clipped's
      // ConfigSpec.read_from_yml (polyaxon/cli cli/polyaxon/_config/spec.py:4-13 at bfea04a0)
      {"Polyaxon (hptuning, or matrix with kind)", MatchesPolyaxon, ReadPolyaxon,
       YamlLoader::kJsonThenPyYaml},
      // kubectl apply turns the file into JSON with sigs.k8s.io/yaml (go-yaml v2); Katib's
      // webhooks decode that JSON into its types (pkg/webhook/v1beta1/experiment/
      // validation_webhook.go:62, mutate_webhook.go:46 at 33c8ff4e)
      {"Katib Experiment (spec.parameters)", MatchesKatib, ReadKatib, YamlLoader::kGoYamlV2},
      // det experiment create sends the file's own text (harness/determined/cli/experiment.py:
      // 166-183 at c1e9c6d7; the CLI's ruamel parse, YAML 1.2, only checks it is a mapping,
      // :44-47) to the master, which reads it with ghodss/yaml: go-yaml v2
      // (master/pkg/schemas/util.go:26-39, expconf/parse.go:75-80). With --config overrides the
      // CLI sends its own ruamel dump instead; hpo reads the file as sent without them.
      {"Determined (hyperparameters, searcher)", MatchesDetermined, ReadDetermined,
       YamlLoader::kGoYamlV2},
      // az ml job create / load_job: load_yaml's yaml.safe_load (Azure/azure-sdk-for-python
      // sdk/ml/azure-ai-ml/azure/ai/ml/_utils/utils.py at 002f4a78, through
      // entities/_load_functions.py's load_common)
      {"Azure ML sweep job (search_space)", MatchesAzureMl, ReadAzureMl, YamlLoader::kPyYaml},
      // nnictl create: yaml.safe_load (nni/tools/nnictl/launcher.py:32)
      {"NNI experiment config", MatchesNniExperiment, ReadNniExperiment, YamlLoader::kPyYaml},
      // a searchSpaceFile: json.loads, else yaml.safe_load (experiment_config.py:195-203)
      {"NNI search space", MatchesNniSearchSpace, ReadNniSearchSpace, YamlLoader::kJsonThenPyYaml},
      // PufferLib 1.0's demo.py:30 (PufferAI/PufferLib 729003f): yaml.safe_load; the section's
      // sweep goes to wandb.sweep (the reader says what hpo assumes of W&B)
      {"PufferLib config (a W&B sweep per section)", MatchesPufferLibConfig, ReadPufferLibConfig,
       YamlLoader::kPyYaml},
      // rllib train -f and RLlib's regression tests: yaml.safe_load
      // (rllib/algorithms/tests/run_regression_tests.py:119)
      {"Ray Tune / RLlib (tune:, or experiments with config: grid_search)", MatchesRay, ReadRay,
       YamlLoader::kPyYaml},
      // the reader names the executor; ludwig hyperopt: yaml.safe_load
      // (ludwig/utils/data_utils.py:425-438)
      {"Ludwig hyperopt", MatchesLudwig, ReadLudwig, YamlLoader::kPyYaml},
      {"trlx sweep (Ray Tune)", MatchesTrlx, ReadTrlx,
       YamlLoader::kPyYaml},  // yaml.safe_load (trlx/sweep.py:297)
      // neroRL's OptunaYamlParser: ruamel.yaml's YAML(), round-trip and YAML 1.2
      // (neroRL/utils/yaml_parser.py:271-272 at 8dd62bde): run here (ruamel.yaml 0.17.21) on
      // pyyaml_answers.yaml's scalars, it reads yes/no/on/y as words, 1e-5 a float, 017 as 17
      // and 1:30 as text, as hpo's YAML 1.2 does; it differs on 0x1F, 0o17, 0b11 and 1_000
      // (integers to ruamel, words to hpo) and dates (datetime), not worth a loader of its own
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
