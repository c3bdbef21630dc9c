#include "lib/protocol/run_folder.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace hpo::protocol {

std::string StepCheckpointName(int64_t step) { return fmt::format("step_{:010d}.pt", step); }

std::string PbtCheckpointName(int64_t step) { return fmt::format("step_{}.pt", step); }

std::optional<int64_t> CheckpointStep(const std::string& name) {
  constexpr size_t kPrefix = 5;  // "step_"
  if (name.rfind("step_", 0) != 0 || name.find(".tmp") != std::string::npos) return std::nullopt;
  const char* first = name.data() + kPrefix;
  const char* last = name.data() + std::min(name.find('.'), name.size());
  int64_t step = 0;
  const auto [end, error] = std::from_chars(first, last, step);
  if (first == last || *first == '-' || *first == '+' || error != std::errc() || end != last)
    return std::nullopt;  // no digits, a sign, too large for an int64, or not digits only
  return step;
}

}  // namespace hpo::protocol
