#include "lib/config/sweep_keys.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <set>
#include <string>

#include "lib/config/sweep_config.h"
#include "lib/core/error.h"

namespace hpo::config {
namespace {

// docs/config.md's key tables are the table's own rendering, one per section.
TEST(SweepKeysTest, DocsListEveryKeyAsTheTableDeclaresIt) {
  std::ifstream in(HPO_SOURCE_DIR "/docs/config.md");
  const std::string docs((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::pair<const char*, SweepSection> sections[] = {
      {"top", SweepSection::kTop},
      {"sampler", SweepSection::kSampler},
      {"pruner", SweepSection::kPruner},
      {"early_terminate", SweepSection::kEarlyTerminate}};
  for (const auto& [name, section] : sections) {
    const std::string begin = fmt::format(
        "<!-- sweep-keys:begin {} (generated from lib/config/sweep_keys.inc) -->\n", name);
    const std::string end = "<!-- sweep-keys:end -->";
    const size_t from = docs.find(begin);
    ASSERT_NE(from, std::string::npos) << "docs/config.md lacks the line " << begin;
    const size_t to = docs.find(end, from);
    ASSERT_NE(to, std::string::npos);
    EXPECT_EQ(docs.substr(from + begin.size(), to - from - begin.size()),
              SweepKeysMarkdown(section))
        << "replace the " << name << " table in docs/config.md with SweepKeysMarkdown's";
  }
}

// A name (canonical or alias) means one key in its section, or the reader would pick the first.
TEST(SweepKeysTest, EveryNameMeansOneKeyOfItsSection) {
  for (SweepSection section : {SweepSection::kTop, SweepSection::kSampler, SweepSection::kPruner,
                               SweepSection::kEarlyTerminate}) {
    std::set<std::string_view> seen;
    for (std::string_view name : SweepKeyNames(section))
      EXPECT_TRUE(seen.insert(name).second) << name << " names two keys";
  }
}

// The hpo reader knows every top-level name of the table: none is an unknown key.
TEST(SweepKeysTest, TheReaderReadsEveryTopLevelName) {
  for (std::string_view name : SweepKeyNames(SweepSection::kTop)) {
    const std::string text =
        fmt::format("{}: 1\nparameters: {{learning_rate: {{min: 0.0001, max: 0.001}}}}\n", name);
    std::string message;
    try {
      ParseSweepConfig(text, "test.yaml", "test");
    } catch (const UserError& e) {
      message = e.what();
    }
    EXPECT_EQ(message.find("unknown key"), std::string::npos) << name << ": " << message;
  }
}

}  // namespace
}  // namespace hpo::config
