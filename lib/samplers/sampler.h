// The sampler interface: suggest the next point from the space and the history.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "lib/core/random.h"
#include "lib/space/search_space.h"

namespace hpo::samplers {

enum class TrialState { kRunning, kComplete, kPruned, kFailed, kWaiting };

/// One trial as a sampler sees it. Values are oriented so that larger is better: the caller
/// negates them for `goal: minimize`, so no sampler ever looks at the direction.
struct Observation {
  space::UnitPoint point;
  TrialState state = TrialState::kComplete;
  double value = 0.0;  ///< final (complete) or last intermediate (pruned) value; unused otherwise
  double cost = 1.0;   ///< seconds or timesteps the trial cost; > 0 where known
  int64_t last_step = 0;  ///< pruned: the step of its last intermediate value (later is better)
  /// A multi-objective study's further objectives (complete trials), oriented like value.
  std::vector<double> more_values = {};
};

/// Why a suggestion looks the way it does (shown by --dry-run and stored with the trial).
struct Suggestion {
  space::UnitPoint point;
  std::string reason;  ///< "center", "random", "sobol", "gp", "tpe", "grid", "resample"...
  int constraint_rejections = 0;  ///< candidates thrown away because a constraint rejected them
};

/// The history with each inactive coordinate (NaN: a conditional parameter the trial did not
/// have) at its dimension's centre: how the samplers that model the whole box (the GP of
/// protein, CMA-ES) see it.
std::vector<Observation> ImputedHistory(const space::SearchSpace& space,
                                        std::span<const Observation> history);

class Sampler {
 public:
  virtual ~Sampler() = default;

  /// The point for the next trial. All randomness comes from `rng`, which the caller seeds with
  /// DeriveSeed(sweep seed, trial number, "sampler"). Never returns an infeasible point;
  /// std::nullopt means the sampler is exhausted (grid). Throws UserError when the feasible
  /// region looks empty.
  virtual std::optional<Suggestion> Suggest(const space::SearchSpace& space,
                                            std::span<const Observation> history, Rng& rng) = 0;
};

}  // namespace hpo::samplers
