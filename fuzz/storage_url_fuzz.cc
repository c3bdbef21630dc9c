// libFuzzer target: storage URLs (scripts/fuzz). Any text either parses or is a UserError,
// and masking a password never fails.
#include <cstddef>
#include <cstdint>
#include <string>

#include "lib/core/error.h"
#include "lib/store/storage_url.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  hpo::store::MaskPassword(text);
  hpo::store::HidePassword("could not connect to " + text, text);
  try {
    hpo::store::ParseStorageUrl(text);
  } catch (const hpo::UserError&) {
  }
  return 0;
}
