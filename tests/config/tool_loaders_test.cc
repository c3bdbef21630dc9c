// Polyaxon, Katib, Determined, Azure ML and PufferLib 1.0 files read with the loader each tool
// reads them with (lib/config/vocabularies/registry.cc): yaml.safe_load (YAML 1.1) or go-yaml v2
// (kubectl's and Determined's YAML to JSON). Their fixtures (tests/fixtures/vocabularies/yaml11)
// are read whole in sweep_config_test.cc's EveryVocabularyFixtureReadsAsItsToolWould; here,
// what the tools refuse because of their loader's meaning, and the notes.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "lib/config/sweep_config.h"
#include "tests/support/test_dir.h"
#include "tests/support/user_error.h"

namespace hpo::config {
namespace {

using testing_support::UserErrorOf;

std::string Written(const std::string& name, const std::string& text) {
  const auto dir = testing_support::OwnTestDir("tool_loaders");
  std::filesystem::create_directories(dir);
  std::ofstream(dir / name) << text;
  return (dir / name).string();
}

// The refusal of `text` written as `name`, from the file's name on.
std::string Refusal(const std::string& name, const std::string& text) {
  const std::string path = Written(name, text);
  const std::string error = UserErrorOf([&] {
    LoadSweepConfig(path, "", {"python3", "t.py", "${args}"});
  });
  const size_t at = error.find(name);
  return at == std::string::npos ? error : error.substr(at);
}

TEST(ToolLoadersTest, PolyaxonRefusesARangeSafeLoadReadsInBase60) {
  // yaml.safe_load('range: 1:10:1') is {'range': 4201} (PyYAML 6.0, /usr/bin/python3), and
  // Range._deserialize splits only a text: "Range accept values formatted as the following"
  // (polyaxon-schemas polyaxon_schemas/ops/group/matrix.py:44-53 at 00ea8a92; v1
  // core/polyaxon/polyflow/matrix/params.py:79-93 at 4831b275)
  EXPECT_EQ(Refusal("v0.yaml", "hptuning:\n  matrix:\n    layers: {range: 1:10:1}\n"),
            "v0.yaml:3:21: layers: range '1:10:1' is 4201 to yaml.safe_load (YAML 1.1), which "
            "Polyaxon loads the file with, and Polyaxon takes the text 'start:stop:step', a list "
            "or a mapping: quote it");
  EXPECT_EQ(Refusal("v1.yaml",
                    "matrix:\n  kind: random\n  params:\n"
                    "    drop: {kind: uniform, value: 0:0.5}\n")
                .substr(0, 60),
            "v1.yaml:4:34: drop: uniform '0:0.5' is 0.5 to yaml.safe_load");
  // quoted, it is Polyaxon's text
  const SweepConfig c = LoadSweepConfig(
      Written("v0_quoted.yaml", "hptuning:\n  matrix:\n    layers: {range: '1:10:1'}\n"), "",
      {"python3", "t.py", "${args}"});
  EXPECT_EQ(DescribeParameter(c.parameters.at(0)), "int_uniform [1.0, 9.0]");
}

TEST(ToolLoadersTest, KatibRefusesAListValueKubectlMakesABoolean) {
  // kubectl's YAMLToJSON (go-yaml v2, run here by scripts/goyaml2-answers.go --json) gives
  // "list":[true,false] for [y, n]; FeasibleSpace.List is []string, which Katib's webhooks
  // decode (pkg/apis/controller/experiments/v1beta1/experiment_types.go:227): refused
  const std::string katib =
      "apiVersion: kubeflow.org/v1beta1\nkind: Experiment\nspec:\n  parameters:\n"
      "    - name: shuffle\n      parameterType: categorical\n"
      "      feasibleSpace: {list: [y, n]}\n";
  EXPECT_EQ(Refusal("katib.yaml", katib),
            "katib.yaml:7:30: shuffle: 'y' is true to kubectl (go-yaml v2 reads YAML 1.1's "
            "words), and Katib refuses it: feasibleSpace.list holds strings; quote it");
}

TEST(ToolLoadersTest, AzureRefusesABooleanChoice) {
  // yaml.safe_load gives [True, False] for [yes, no]; ChoiceSchema's values are
  // DumpableIntegerField(strict), DumpableStringField, Float or Dict (choice.py:22-45), and
  // marshmallow 3.18 refuses True for each: "Not a valid integer.", "Not a valid string.",
  // "Not a valid number." (run here with /usr/bin/python3's marshmallow)
  const std::string job =
      "type: sweep\ntrial: {command: python t.py}\nsampling_algorithm: random\n"
      "search_space:\n  shuffle: {type: choice, values: [yes, no]}\n"
      "objective: {goal: minimize, primary_metric: loss}\n";
  EXPECT_EQ(Refusal("azure.yaml", job),
            "azure.yaml:5:36: shuffle: 'yes' is a boolean to yaml.safe_load (YAML 1.1), which "
            "Azure ML loads the file with, and Azure's choice takes integers, numbers, texts or "
            "mappings: quote it");
  std::string written_true = job;
  written_true.replace(written_true.find("[yes, no]"), 9, "[true, 'false']");
  EXPECT_EQ(Refusal("azure_true.yaml", written_true).substr(0, 46),
            "azure_true.yaml:5:36: shuffle: 'true' is a boo");
}

TEST(ToolLoadersTest, PufferLibsTextBoundsAreReadAsNumbersWithANote) {
  const SweepConfig c = LoadSweepConfig(std::string(HPO_SOURCE_DIR) +
                                            "/tests/fixtures/vocabularies/yaml11/"
                                            "pufferlib.yaml",
                                        "", {"python3", "t.py", "${args}"});
  ASSERT_EQ(c.notes.size(), 2u);
  EXPECT_EQ(c.notes[0],
            "train.learning_rate.min: '1e-4' is text to PyYAML (YAML 1.1: floats need a dot and a "
            "signed exponent), which PufferLib 1.0's demo.py loads the file with and hands to "
            "wandb.sweep; read as the number, as hpo assumes W&B reads it (wandb.sweep writes "
            "the config with yaml.dump, where the text stays a plain number) (write 1.0e-4 for "
            "both)");
}

}  // namespace
}  // namespace hpo::config
