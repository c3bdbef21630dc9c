// The values of a trial queued by hand (`hpo enqueue`, `enqueue:` in the sweep YAML): what was
// given, and the search centre for every searched parameter that was not.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "lib/core/value.h"
#include "lib/space/search_space.h"

namespace hpo::config {

struct SweepConfig;

struct GivenValue {
  std::string name;
  Value value;
  std::string where;  ///< for messages: "--params", "file.yaml:12:5"
};

struct QueuedTrial {
  ParamSet params;              ///< a value for every searched parameter
  std::set<std::string> given;  ///< the names set by the user (the rest is the search centre)
  std::string label =
      "enqueued";  ///< why it runs first: "enqueued", or "prior" (the search centre)
};

/// Throws UserError (naming where the value came from) for a value outside the space, a key
/// the sweep does not search (a value equal to its fixed one excepted: patches carry those),
/// no searched key at all, or values a constraint rejects.
QueuedTrial CompleteQueuedTrial(const space::SearchSpace& space, const ParamSet& fixed,
                                const std::vector<GivenValue>& given,
                                const std::string& sweep_name);

/// The trials that run first in a new study: the `enqueue:` entries, completed with the search
/// centre and checked (UserError at the entry's file:line:col); without any, the search centre
/// when a parameter gives a prior or mean, so every sampler starts where the file says.
std::vector<QueuedTrial> FirstTrials(const SweepConfig& c, const space::SearchSpace& space);

}  // namespace hpo::config
