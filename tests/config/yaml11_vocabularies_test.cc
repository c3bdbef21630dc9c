// The tools that load their files with yaml.safe_load (W&B's CLI, RLlib, NNI, Ludwig, trlx)
// refuse what PyYAML reads as text where they need a number. hpo refuses NNI's as NNI does, at
// its file:line:col, and says why; W&B's it reads as the number, with a note (docs/config.md).
// Their fixtures (tests/fixtures/vocabularies/yaml11) are read whole in sweep_config_test.cc's
// EveryVocabularyFixtureReadsAsItsToolWould; the YAML 1.1 resolver itself is tested in
// yaml11_test.cc.
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

std::string LoadError(const std::string& name, const std::string& text) {
  const auto dir = testing_support::OwnTestDir("yaml11");
  std::filesystem::create_directories(dir);
  std::ofstream(dir / name) << text;
  const std::string error = UserErrorOf([&] {
    LoadSweepConfig(dir / name, "", {"python3", "t.py", "${args}"});
  });
  const size_t at = error.find(name);  // from the file's name on: no temporary folder
  return at == std::string::npos ? error : error.substr(at);
}

TEST(Yaml11VocabulariesTest, WandbsRefusedBoundWithoutADotIsReadAsTheNumberWithANote) {
  // wandb/sweeps b1dfc5f9: validate_min_max raises TypeError comparing '1e-5' with 0.01, and the
  // schema refuses text (tests/conformance/cases/wandb/yaml11.yaml): W&B gives the file no
  // meaning. Metta ran such files through Hydra, whose OmegaConf reads the number; so does hpo.
  const auto dir = testing_support::OwnTestDir("yaml11");
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "w.yaml") << "method: random\nparameters:\n"
                                   "  lr: {distribution: log_uniform_values, min: 1e-5, max: "
                                   "1.0e-2}\n";
  const SweepConfig c = LoadSweepConfig(dir / "w.yaml", "", {"python3", "t.py", "${args}"});
  ASSERT_EQ(c.parameters.size(), 1u);
  EXPECT_EQ(c.parameters[0].numeric.min, 1e-5);
  ASSERT_EQ(c.notes.size(), 1u);
  EXPECT_EQ(c.notes[0],
            "lr.min: '1e-5' is text to `wandb sweep` (PyYAML, YAML 1.1: floats need a dot and a "
            "signed exponent), which refuses the file; read as the number, as YAML 1.2 and "
            "OmegaConf read it (write 1.0e-5 for both)");
}

TEST(Yaml11VocabulariesTest, NniRefusesABoundPyYamlReadsAsText) {
  // NNI 767ed7f2's validate_search_space on yaml.safe_load's {'lr': {'_type': 'loguniform',
  // '_value': ['1e-5', 0.01]}}: 'search space "lr" (loguniform) must have float values' (run
  // through scripts/conformance/nni_space_verdicts.py's import_nni and verdict)
  EXPECT_EQ(LoadError("space.yaml", "lr: {_type: loguniform, _value: [1e-5, 1.0e-2]}\n"),
            "space.yaml:1:34: lr._value[0] must be a number, got the text '1e-5': this file's tool "
            "loads it with PyYAML (YAML 1.1), whose floats need a dot and a signed exponent; "
            "write 1.0e-5");
}

}  // namespace
}  // namespace hpo::config
