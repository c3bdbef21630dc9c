// libFuzzer target: `hpo train --override KEY=VALUE` (scripts/fuzz). Any text either resolves
// to a valid trainer config or is a UserError.
#include <cstddef>
#include <cstdint>
#include <string>

#include "lib/config/trainer_config.h"
#include "lib/core/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const hpo::config::TrainerConfig config = hpo::config::ResolveTrainerConfig("", {}, {text});
    config.ToYaml();
    config.DiffYaml();
  } catch (const hpo::UserError&) {
  }
  return 0;
}
