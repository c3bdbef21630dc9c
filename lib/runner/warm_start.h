// Warm starts (`--warm-start-from OTHER`, `warm_start_from:`): the finished trials of another
// sweep, as observations of this sweep's space, so the sampler starts from what that sweep
// learnt (Optuna's add_trials, Ray Tune's points_to_evaluate with rewards). They are not
// copied into this study: its budget, ranking and reports stay its own.
#pragma once

#include <string>
#include <vector>

#include "lib/config/sweep_config.h"
#include "lib/samplers/sampler.h"
#include "lib/space/search_space.h"
#include "lib/store/store.h"
#include "lib/store/sweep_location.h"

namespace hpo::runner {

struct WarmStart {
  std::vector<samplers::Observation> observations;  ///< in trial order; values oriented as ours
  std::vector<std::string> notes;  ///< what was used, and what was left out and why
};

/// Reads sweep `other`'s COMPLETE and PRUNED trials. A parameter only the other sweep searches
/// is dropped; one only this sweep searches takes the other sweep's fixed value when it had
/// one, else the trial is left out (nothing is made up); trials outside this space are left
/// out too, and the notes say how many. Throws UserError when the sweep does not exist or
/// optimises another metric or goal.
WarmStart LoadWarmStart(const store::SweepLocation& other, const config::SweepConfig& ours,
                        const space::SearchSpace& space);

/// A trial as a sampler sees it, at `point` of the sampler's space: its state, its values
/// oriented so larger is better (`objectives` give the goals), its cost measure (seconds for
/// trials from before measures) and its last step. One conversion for this study's trials and
/// another study's.
samplers::Observation ObservationOf(const store::Trial& t, space::UnitPoint point,
                                    const std::vector<Objective>& objectives);

}  // namespace hpo::runner
