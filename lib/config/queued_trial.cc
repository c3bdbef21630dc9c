#include "lib/config/queued_trial.h"

#include <fmt/format.h>

#include "lib/config/sweep_config.h"
#include "lib/core/error.h"

namespace hpo::config {

QueuedTrial CompleteQueuedTrial(const space::SearchSpace& space, const ParamSet& fixed,
                                const std::vector<GivenValue>& given,
                                const std::string& sweep_name) {
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
      throw UserError(fmt::format("{}: {}={} is outside the sweep's search space", g.where, g.name,
                                  g.value.ToYaml()));
    }
  }
  const std::string where = given.empty() ? std::string("enqueue") : given.front().where;
  if (!not_searched.empty()) {
    throw UserError(fmt::format(
        "{}: sweep '{}' does not search {} (a trial can only differ in what the sweep searches)",
        where, sweep_name, fmt::join(not_searched, ", ")));
  }
  if (trial.given.empty()) {
    throw UserError(fmt::format("{}: none of the given keys is a searched parameter of sweep '{}'",
                                where, sweep_name));
  }
  if (!space.IsFeasible(trial.params)) {
    throw UserError(
        fmt::format("{}: these values break a constraint of sweep '{}'", where, sweep_name));
  }
  return trial;
}

std::vector<QueuedTrial> FirstTrials(const SweepConfig& c, const space::SearchSpace& space) {
  std::vector<QueuedTrial> queued;
  for (const std::vector<GivenValue>& entry : c.enqueue)
    queued.push_back(CompleteQueuedTrial(space, c.fixed, entry, c.name));
  std::set<std::string> with_prior;
  for (const ParameterSpec& p : c.parameters) {
    if (p.categorical ? p.prior.has_value() : p.numeric.mean.has_value()) with_prior.insert(p.name);
  }
  const space::UnitPoint centre = space.Center();
  if (queued.empty() && !with_prior.empty() && space.IsFeasible(centre)) {
    queued.push_back({space.ToParams(centre), with_prior, "prior"});
  }
  return queued;
}

}  // namespace hpo::config
