// libFuzzer target: sweep config loading, YAML and INI (scripts/fuzz). Any text either loads or is
// a UserError; a config that loads stores and reads back as the same sweep (the study keeps the
// stored text, and report, importance and validate rebuild the sweep from it).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "lib/config/sweep_config.h"
#include "lib/core/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  hpo::config::SweepConfig config;
  try {
    config = hpo::config::ParseSweepConfig(text, "fuzz.yaml", "fuzz");
  } catch (const hpo::UserError&) {
    return 0;
  }
  const std::string stored = config.ToYaml();
  const hpo::config::SweepConfig back =
      hpo::config::ParseSweepConfig(stored, "the stored config", "fuzz");
  if (back.ToYaml() != stored) {  // the stored config is another sweep
    std::fprintf(stderr, "stored:\n%s\nread back:\n%s\n", stored.c_str(), back.ToYaml().c_str());
    __builtin_trap();
  }
  for (const std::string& change :
       hpo::config::StudyChanges(config, back)) {  // nor may it differ in any way
    std::fprintf(stderr, "the stored config differs: %s\n", change.c_str());
    __builtin_trap();
  }
  return 0;
}
