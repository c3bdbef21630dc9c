// The real-file corpus (tests/fixtures/corpus): each file read as a new user would (with
// --command when its tool runs another program), and checked against a second reader's hand
// count of what its own tool searches, or refused when its tool refuses it. The files are other
// people's and stay out of the repository: scripts/corpus-get brings them (into .corpus/ by
// default) and HPO_CORPUS_DIR=.corpus runs these cases on them. Without HPO_CORPUS_DIR the cases
// read ../shared/corpus, where the steering side may keep them (fetched data may be committed
// only there); with neither, or with a file missing, a case skips, saying so.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <optional>

#include "lib/config/sweep_config.h"
#include "lib/core/error.h"

namespace hpo::config {
namespace {

namespace fs = std::filesystem;

const fs::path kManifest = fs::path(HPO_SOURCE_DIR) / "tests/fixtures/corpus/counts.yaml";

std::optional<fs::path> CorpusDir() {
  const char* dir = std::getenv("HPO_CORPUS_DIR");
  if (dir != nullptr)
    return fs::path(dir).is_absolute() ? fs::path(dir) : fs::path(HPO_SOURCE_DIR) / dir;
  const fs::path shared = fs::path(HPO_SHARED_DIR) / "corpus";
  if (fs::is_directory(shared)) return shared;
  return std::nullopt;
}

std::vector<std::string> CorpusFiles() {
  std::vector<std::string> files;
  for (const YAML::Node& entry : YAML::LoadFile(kManifest.string()))
    files.push_back(entry["file"].as<std::string>());
  return files;
}

YAML::Node Entry(const std::string& file) {
  for (const YAML::Node& entry : YAML::LoadFile(kManifest.string())) {
    if (entry["file"].as<std::string>() == file) return entry;
  }
  throw std::runtime_error("no corpus entry " + file);
}

class RealCorpusTest : public ::testing::TestWithParam<std::string> {};

TEST_P(RealCorpusTest, SearchesWhatItsToolSearchesOrIsRefusedAsItsToolRefusesIt) {
  const YAML::Node entry = Entry(GetParam());
  if (!CorpusDir())
    GTEST_SKIP() << "HPO_CORPUS_DIR is not set and ../shared/corpus is absent: "
                    "scripts/corpus-get brings the corpus";
  const fs::path file = *CorpusDir() / GetParam();
  if (!fs::is_regular_file(file))
    GTEST_SKIP() << file << " is absent: scripts/corpus-get brings the corpus";
  const std::vector<std::string> command = entry["needs_command"].as<bool>(false)
                                               ? std::vector<std::string>{"python3", "train.py"}
                                               : std::vector<std::string>{};
  const std::string preset = entry["operation"].as<std::string>("");
  const YAML::Node refuses = entry["hpo_refuses"];
  try {
    const SweepConfig c = LoadSweepConfig(file, preset, command);
    EXPECT_FALSE(entry["invalid"].IsDefined())
        << "read, but its tool refuses it: " << entry["invalid"].as<std::string>();
    EXPECT_FALSE(refuses.IsDefined()) << "read, but hpo means to refuse it: " << refuses["why"];
    const YAML::Node count =
        entry["hpo_searched"] ? entry["hpo_searched"]["count"] : entry["searched"];
    EXPECT_EQ(static_cast<int>(c.parameters.size()), count.as<int>()) << "read as " << c.vocabulary;
  } catch (const UserError& e) {
    if (refuses) {
      EXPECT_NE(std::string(e.what()).find(refuses["message"].as<std::string>()), std::string::npos)
          << e.what();
    } else {
      EXPECT_TRUE(entry["invalid"].IsDefined()) << "refused: " << e.what();
    }
  }
}

std::string CaseName(const ::testing::TestParamInfo<std::string>& file) {
  std::string name = file.param;
  for (char& ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Corpus, RealCorpusTest, ::testing::ValuesIn(CorpusFiles()), CaseName);

}  // namespace
}  // namespace hpo::config
