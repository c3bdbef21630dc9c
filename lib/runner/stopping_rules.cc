#include "lib/runner/stopping_rules.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace hpo::runner {
namespace {

bool Finished(const store::Trial& t) {
  return t.state == store::TrialState::kComplete || t.state == store::TrialState::kPruned;
}
bool Scored(const store::Trial& t) {
  return t.state == store::TrialState::kComplete && t.value.has_value();
}

}  // namespace

std::optional<std::string> StopReason(const std::vector<store::Trial>& trials, bool maximize,
                                      const std::string& metric, const StoppingRules& rules,
                                      int64_t since_ms) {
  // Finished trials in the order they finished (ties: by number).
  std::vector<const store::Trial*> finished;
  for (const store::Trial& t : trials) {
    if (Finished(t)) finished.push_back(&t);
  }
  std::stable_sort(finished.begin(), finished.end(),
                   [](const store::Trial* a, const store::Trial* b) {
                     return a->finished_ms != b->finished_ms ? a->finished_ms < b->finished_ms
                                                             : a->number < b->number;
                   });
  const auto better = [maximize](double a, double b) { return maximize ? a > b : a < b; };

  const store::Trial* best = nullptr;
  for (const store::Trial* t : finished) {
    if (Scored(*t) && (!best || better(*t->value, *best->value))) best = t;
  }
  if (rules.target && best && !better(*rules.target, *best->value)) {
    return fmt::format("target reached: trial {} has {} = {:.6g} (target {:.6g})", best->number,
                       metric, *best->value, *rules.target);
  }
  if (rules.patience <= 0) return std::nullopt;
  // Walk in finishing order: an improvement beats the best so far by more than min_delta.
  std::optional<double> running_best;
  int64_t last_improvement_ms = 0;
  for (const store::Trial* t : finished) {
    if (!Scored(*t)) continue;
    const double gained = running_best
                              ? (maximize ? *t->value - *running_best : *running_best - *t->value)
                              : INFINITY;
    if (gained > rules.min_delta) {
      running_best = *t->value;
      last_improvement_ms = t->finished_ms;
    }
  }
  const int64_t from = std::max(last_improvement_ms, since_ms);
  const auto without =
      std::count_if(finished.begin(), finished.end(),
                    [from](const store::Trial* t) { return t->finished_ms > from; });
  if (!running_best || without < rules.patience) return std::nullopt;
  return fmt::format(
      "no improvement in the last {} finished trials (patience {}, min_delta {:g}); best: trial {} "
      "with {} = {:.6g}",
      without, rules.patience, rules.min_delta, best->number, metric, *best->value);
}

}  // namespace hpo::runner
