#include "lib/config/queued_trial.h"

#include <fmt/format.h>

#include "lib/core/error.h"

namespace hpo::config {

QueuedTrial CompleteQueuedTrial(const space::SearchSpace& space, const ParamSet& fixed,
                                const std::vector<GivenValue>& given, const std::string& sweep_name) {
  QueuedTrial trial{space.ToParams(space.Center()), {}};
  std::vector<std::string> not_searched;
  for (const GivenValue& g : given) {
    if (!trial.params.count(g.name)) {
      if (!(fixed.count(g.name) && fixed.at(g.name) == g.value)) not_searched.push_back(g.name);
      continue;
    }
    trial.params[g.name] = g.value;
    trial.given.insert(g.name);
    if (!space.Contains(trial.params)) {
      throw UserError(fmt::format("{}: {}={} is outside the sweep's search space", g.where, g.name, g.value.ToYaml()));
    }
  }
  const std::string where = given.empty() ? std::string("enqueue") : given.front().where;
  if (!not_searched.empty()) {
    throw UserError(fmt::format("{}: sweep '{}' does not search {} (a trial can only differ in what the sweep searches)",
                                where, sweep_name, fmt::join(not_searched, ", ")));
  }
  if (trial.given.empty()) {
    throw UserError(fmt::format("{}: none of the given keys is a searched parameter of sweep '{}'", where, sweep_name));
  }
  if (!space.IsFeasible(trial.params)) {
    throw UserError(fmt::format("{}: these values break a constraint of sweep '{}'", where, sweep_name));
  }
  return trial;
}

}  // namespace hpo::config
