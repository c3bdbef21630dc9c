#include "lib/runner/warm_start.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "lib/core/error.h"
#include "lib/store/store.h"

namespace hpo::runner {

WarmStart LoadWarmStart(const store::SweepLocation& other, const config::SweepConfig& ours,
                        const space::SearchSpace& space) {
  auto store = store::OpenStore(other.storage_url);
  const store::Study study = store->OpenStudy(other.name, "", "", false);
  const config::SweepConfig theirs = config::ParseSweepConfig(
      study.config_yaml, "the stored config of sweep " + other.name, other.name);
  if (theirs.objectives.All() != ours.objectives.All()) {
    throw UserError(fmt::format(
        "warm start from sweep '{}': it optimises {}, this sweep {}; their values do not compare",
        other.name, theirs.objectives.Describe(), ours.objectives.Describe()));
  }
  WarmStart warm;
  std::set<std::string> dropped, missing;
  int outside = 0, finished = 0;
  for (const store::Trial& t : store->LoadTrials(study.id)) {
    if ((t.state != store::TrialState::kComplete && t.state != store::TrialState::kPruned) ||
        !t.value)
      continue;
    ++finished;
    ParamSet params;
    bool whole = true;
    for (const space::Dimension& d : space.dimensions()) {
      if (t.params.count(d.name)) {
        params[d.name] = t.params.at(d.name);
      } else if (theirs.fixed.count(d.name)) {
        params[d.name] = theirs.fixed.at(d.name);  // a value that sweep held fixed is a known value
      } else {
        missing.insert(d.name);
        whole = false;
      }
    }
    for (const auto& [name, value] : t.params) {
      if (!params.count(name) && !missing.count(name)) dropped.insert(name);
    }
    if (!whole) continue;
    if (!space.Contains(params)) {
      ++outside;
      continue;
    }
    warm.observations.push_back(ObservationOf(t, space.ToUnit(params), ours.objectives.All()));
  }
  warm.notes.push_back(
      fmt::format("warm start from sweep '{}': the sampler also sees {} of its {} finished trials",
                  other.name, warm.observations.size(), finished));
  if (!dropped.empty()) {
    warm.notes.push_back(
        fmt::format("warm start: dropped {} (searched there, not here)", fmt::join(dropped, ", ")));
  }
  if (!missing.empty() && finished > static_cast<int>(warm.observations.size()) + outside) {
    warm.notes.push_back(
        fmt::format("warm start: left out trials without a value for {} (searched here, neither "
                    "searched nor fixed there)",
                    fmt::join(missing, ", ")));
  }
  if (outside > 0)
    warm.notes.push_back(
        fmt::format("warm start: left out {} trials outside this sweep's space", outside));
  return warm;
}

samplers::Observation ObservationOf(const store::Trial& t, space::UnitPoint point,
                                    const std::vector<Objective>& objectives) {
  const bool maximize = objectives.at(0).maximize;
  samplers::Observation o;
  o.point = std::move(point);
  o.cost = std::max(t.cost_measure > 0 ? t.cost_measure : t.cost, 1e-3);
  switch (t.state) {
    case store::TrialState::kWaiting:
    case store::TrialState::kRunning:
      o.state = samplers::TrialState::kRunning;
      break;
    case store::TrialState::kComplete:
      o.state = samplers::TrialState::kComplete;
      break;
    case store::TrialState::kPruned:
      o.state = samplers::TrialState::kPruned;
      break;
    case store::TrialState::kFailed:
      o.state = samplers::TrialState::kFailed;
      break;
  }
  if (t.value) o.value = maximize ? *t.value : -*t.value;
  for (size_t i = 0; i < t.more_values.size() && i + 1 < objectives.size(); ++i) {
    o.more_values.push_back(objectives[i + 1].maximize ? t.more_values[i] : -t.more_values[i]);
  }
  if (!t.intermediates.empty()) o.last_step = t.intermediates.back().step;
  return o;
}

}  // namespace hpo::runner
