// libFuzzer target: constraint expressions (scripts/fuzz). Any text either parses or is a
// UserError; a parsed expression evaluates on numbers, strings and lists without crashing
// (arithmetic on text is a UserError, as documented).
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "lib/core/error.h"
#include "lib/core/value.h"
#include "lib/space/constraint.h"

namespace {

std::optional<std::string> Resolve(std::string_view name) {
  for (const char* known : {"lr", "n_steps", "arch", "act", "clip", "x"}) {
    if (name == known) return std::string(known);
  }
  return std::nullopt;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using hpo::Value;
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const auto constraint =
        hpo::space::Constraint::Parse(text, Resolve, hpo::Origin{"fuzz.yaml:1:1"});
    for (const hpo::ParamSet& params :
         {hpo::ParamSet{{"lr", Value(3e-4)},
                        {"n_steps", Value(2048)},
                        {"arch", Value("small")},
                        {"act", Value(true)},
                        {"clip", Value(0.0)},
                        {"x", Value(-1e308)}},
          hpo::ParamSet{{"lr", Value(0)},
                        {"n_steps", Value(std::numeric_limits<int64_t>::min())},
                        {"arch", Value(Value::List{Value(64), Value(64)})},
                        {"act", Value("")},
                        {"clip", Value(1e308)},
                        {"x", Value(std::numeric_limits<int64_t>::max())}}}) {
      try {
        constraint->Rejects(params);
      } catch (const hpo::UserError&) {
      }
    }
  } catch (const hpo::UserError&) {
  }
  return 0;
}
