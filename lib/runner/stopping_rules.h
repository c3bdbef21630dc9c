// Stopping rules: when a study stops launching trials before its budget (W&B's metric.target,
// StateSet's early_stopping_patience). Pure functions of the study's trials, so every
// controller of a study reaches the same decision.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lib/store/store.h"

namespace hpo::runner {

struct StoppingRules {
  std::optional<double>
      target;            ///< stop once the best value reaches it (>= maximising, <= minimising)
  int patience = 0;      ///< stop after this many finished trials without improvement; 0 = never
  double min_delta = 0;  ///< what counts as an improvement: better than the best by more than this
};

/// Why the study should stop launching now, or nullopt. Patience counts finished (complete or
/// pruned) trials that finished after the last improvement and after `since_ms` (this
/// controller's start: a resumed sweep gets its patience afresh).
std::optional<std::string> StopReason(const std::vector<store::Trial>& trials, bool maximize,
                                      const std::string& metric, const StoppingRules& rules,
                                      int64_t since_ms);

}  // namespace hpo::runner
