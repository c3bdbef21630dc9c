#include "lib/protocol/run_folder.h"

#include <fmt/format.h>

namespace hpo::protocol {

std::string StepCheckpointName(int64_t step) { return fmt::format("step_{:010d}.pt", step); }

std::string PbtCheckpointName(int64_t step) { return fmt::format("step_{}.pt", step); }

std::optional<int64_t> CheckpointStep(const std::string& name) {
  constexpr size_t kPrefix = 5;      // "step_"
  constexpr size_t kMaxDigits = 18;  // every 18-digit number fits an int64
  if (name.rfind("step_", 0) != 0 || name.find(".tmp") != std::string::npos) return std::nullopt;
  const size_t end = std::min(name.find('.'), name.size());
  const std::string digits = name.substr(kPrefix, end - kPrefix);
  if (digits.empty() || digits.size() > kMaxDigits ||
      digits.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return std::stoll(digits);
}

}  // namespace hpo::protocol
