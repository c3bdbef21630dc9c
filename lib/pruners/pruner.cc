#include "lib/pruners/pruner.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "lib/core/error.h"
#include "lib/core/random.h"

namespace hpo::pruners {
namespace {

// ---------------------------------------------------------------------------------------------
// Helpers over curves
// ---------------------------------------------------------------------------------------------

/// Value of the last report at or before `step`, if any.
std::optional<double> ValueAtOrBefore(const TrialCurve& curve, int64_t step) {
  std::optional<double> value;
  for (const Report& r : curve.reports) {
    if (r.step > step) break;
    value = r.value;
  }
  return value;
}

/// Value of the first report at or after `step`: what the trial had when it reached a rung.
std::optional<double> ValueAtOrAfter(const TrialCurve& curve, int64_t step) {
  for (const Report& r : curve.reports) {
    if (r.step >= step) return r.value;
  }
  return std::nullopt;
}

int64_t LongestCompleteTrial(std::span<const TrialCurve> trials) {
  int64_t longest = -1;
  for (const TrialCurve& t : trials) {
    if (t.complete && !t.reports.empty()) longest = std::max(longest, t.reports.back().step);
  }
  return longest;
}

/// numpy.percentile with linear interpolation (what Optuna uses), NaNs already removed.
double Percentile(std::vector<double> values, double q) {
  std::sort(values.begin(), values.end());
  const double rank = q / 100.0 * static_cast<double>(values.size() - 1);
  const auto lo = static_cast<size_t>(std::floor(rank));
  const size_t hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (rank - static_cast<double>(lo)) * (values[hi] - values[lo]);
}

// ---------------------------------------------------------------------------------------------
// Median / percentile
// ---------------------------------------------------------------------------------------------

class NopPruner : public Pruner {
 public:
  bool ShouldPrune(const TrialCurve&, std::span<const TrialCurve>) const override { return false; }
};

class PercentilePruner : public Pruner {
 public:
  explicit PercentilePruner(const PercentileRule& rule) : s_(rule) {}

  bool ShouldPrune(const TrialCurve& trial, std::span<const TrialCurve> trials) const override {
    if (trial.reports.empty()) return false;
    int complete = 0;
    for (const TrialCurve& t : trials) complete += t.complete && t.number != trial.number;
    if (complete == 0 || complete < s_.n_startup_trials) return false;
    const int64_t step = trial.reports.back().step;
    if (step < s_.n_warmup_steps || !IsFirstReportInInterval(trial)) return false;

    double best = -HUGE_VAL;
    bool all_nan = true;
    for (const Report& r : trial.reports) {
      if (std::isnan(r.value)) continue;
      all_nan = false;
      best = std::max(best, r.value);
    }
    if (all_nan) return true;

    std::vector<double> peers;
    for (const TrialCurve& t : trials) {
      if (!t.complete || t.number == trial.number) continue;
      const std::optional<double> v = ValueAtOrBefore(t, step);
      if (v && !std::isnan(*v)) peers.push_back(*v);
    }
    if (static_cast<int>(peers.size()) < s_.n_min_trials || peers.empty()) return false;
    // Larger is better: keep the top `percentile` percent, i.e. prune below the (100-p)th.
    return best < Percentile(std::move(peers), 100.0 - s_.percentile);
  }

 private:
  // Optuna's _is_first_in_interval_step: check only the first report in each interval.
  bool IsFirstReportInInterval(const TrialCurve& trial) const {
    const int64_t step = trial.reports.back().step;
    const int64_t nearest_lower_check =
        (step - s_.n_warmup_steps) / s_.interval_steps * s_.interval_steps + s_.n_warmup_steps;
    int64_t second_last = -1;
    for (size_t i = 0; i + 1 < trial.reports.size(); ++i) {
      if (trial.reports[i].step != step) second_last = std::max(second_last, trial.reports[i].step);
    }
    return second_last < nearest_lower_check;
  }

  PercentileRule s_;
};

// ---------------------------------------------------------------------------------------------
// Asynchronous successive halving (ASHA) and hyperband
// ---------------------------------------------------------------------------------------------

/// Successive halving over `trials`; `early_stopping_rate` shifts the first rung (hyperband's
/// brackets are successive halving with rates 0, 1, 2, ...). A trial's value at rung r is the
/// first value it reported at or after the rung's step, so rungs need no stored state.
bool SuccessiveHalvingPrunes(const TrialCurve& trial, std::span<const TrialCurve> trials,
                             int64_t min_resource, int reduction_factor, int early_stopping_rate,
                             int bootstrap_count) {
  const int64_t step = trial.reports.back().step;
  const double value = trial.reports.back().value;
  for (int rung = 0;; ++rung) {
    const double rung_step =
        static_cast<double>(min_resource) * std::pow(reduction_factor, early_stopping_rate + rung);
    if (static_cast<double>(step) < rung_step) return false;
    if (std::isnan(value)) return true;
    const auto rung_step_int = static_cast<int64_t>(std::ceil(rung_step));
    const double own = ValueAtOrAfter(trial, rung_step_int).value_or(value);

    std::vector<double> competing = {own};
    for (const TrialCurve& t : trials) {
      if (t.number == trial.number) continue;
      const std::optional<double> v = ValueAtOrAfter(t, rung_step_int);
      if (v && !std::isnan(*v)) competing.push_back(*v);
    }
    if (static_cast<int>(competing.size()) <= bootstrap_count) return true;
    // Promote the top 1/reduction_factor; while a rung has fewer than reduction_factor values,
    // only the best so far survives (Optuna's rule, since trials cannot be paused and resumed).
    int promotable = static_cast<int>(competing.size()) / reduction_factor - 1;
    if (promotable < 0) promotable = 0;
    std::sort(competing.begin(), competing.end(), std::greater<>());
    if (own < competing[static_cast<size_t>(promotable)]) return true;
  }
}

class SuccessiveHalvingPruner : public Pruner {
 public:
  explicit SuccessiveHalvingPruner(const HalvingRule& rule) : s_(rule) {}

  bool ShouldPrune(const TrialCurve& trial, std::span<const TrialCurve> trials) const override {
    if (trial.reports.empty()) return false;
    int64_t min_resource = s_.min_resource;
    if (min_resource == 0) {
      const int64_t longest = LongestCompleteTrial(trials);
      if (longest < 0) return false;  // nothing to calibrate "auto" against yet
      min_resource = std::max<int64_t>(longest / 100, 1);
    }
    return SuccessiveHalvingPrunes(trial, trials, min_resource, s_.reduction_factor,
                                   s_.min_early_stopping_rate, s_.bootstrap_count);
  }

 private:
  HalvingRule s_;
};

class HyperbandPruner : public Pruner {
 public:
  explicit HyperbandPruner(const HalvingRule& rule) : s_(rule) {}

  bool ShouldPrune(const TrialCurve& trial, std::span<const TrialCurve> trials) const override {
    if (trial.reports.empty()) return false;
    const int64_t min_resource = std::max<int64_t>(s_.min_resource, 1);
    int64_t max_resource = s_.max_resource;
    if (max_resource == 0) {
      const int64_t longest = LongestCompleteTrial(trials);
      if (longest < 0) return false;
      max_resource = longest + 1;
    }
    const std::vector<int> budgets = BracketBudgets(min_resource, max_resource);
    const int bracket = BracketOf(trial.number, budgets);
    // Each bracket is its own successive-halving population.
    std::vector<TrialCurve> peers;
    for (const TrialCurve& t : trials) {
      if (BracketOf(t.number, budgets) == bracket) peers.push_back(t);
    }
    return SuccessiveHalvingPrunes(trial, peers, min_resource, s_.reduction_factor, bracket,
                                   s_.bootstrap_count);
  }

 private:
  // Optuna: n_brackets = floor(log_eta(max/min)) + 1; bracket b gets
  // ceil(n_brackets * eta^s / (s + 1)) trials per round, s = n_brackets - 1 - b.
  std::vector<int> BracketBudgets(int64_t min_resource, int64_t max_resource) const {
    const double eta = s_.reduction_factor;
    const int n_brackets = static_cast<int>(std::floor(std::log(static_cast<double>(max_resource) /
                                                                static_cast<double>(min_resource)) /
                                                           std::log(eta) +
                                                       1e-9)) +
                           1;
    std::vector<int> budgets;
    for (int b = 0; b < std::max(n_brackets, 1); ++b) {
      const int s = n_brackets - 1 - b;
      budgets.push_back(static_cast<int>(std::ceil(n_brackets * std::pow(eta, s) / (s + 1))));
    }
    return budgets;
  }

  // Optuna hashes "study_trial" with crc32; any fixed hash of the trial number serves the same
  // purpose (spread trials over brackets in proportion to their budgets, reproducibly).
  static int BracketOf(int64_t number, const std::vector<int>& budgets) {
    int total = 0;
    for (int b : budgets) total += b;
    auto n =
        static_cast<int64_t>(Mix64(static_cast<uint64_t>(number)) % static_cast<uint64_t>(total));
    for (size_t b = 0; b < budgets.size(); ++b) {
      n -= budgets[b];
      if (n < 0) return static_cast<int>(b);
    }
    return static_cast<int>(budgets.size()) - 1;
  }

  HalvingRule s_;
};

[[noreturn]] void Fail(const std::string& what) { throw UserError("pruner: " + what); }

}  // namespace

void PercentileRule::Check() const {
  if (n_startup_trials < 0)
    Fail("n_startup_trials must be >= 0, got " + std::to_string(n_startup_trials));
  if (n_warmup_steps < 0)
    Fail("n_warmup_steps must be >= 0, got " + std::to_string(n_warmup_steps));
  if (interval_steps < 1)
    Fail("interval_steps must be >= 1, got " + std::to_string(interval_steps));
  if (percentile < 0 || percentile > 100)
    Fail("percentile must be in [0, 100], got " + std::to_string(percentile));
  if (n_min_trials < 1) Fail("n_min_trials must be >= 1, got " + std::to_string(n_min_trials));
}

void HalvingRule::Check() const {
  if (min_resource < 0)
    Fail("min_resource must be >= 1 (or 0 for auto), got " + std::to_string(min_resource));
  if (max_resource < 0)
    Fail("max_resource must be >= 1 (or 0 for auto), got " + std::to_string(max_resource));
  if (reduction_factor < 2)
    Fail("reduction_factor must be >= 2, got " + std::to_string(reduction_factor));
  if (min_early_stopping_rate < 0) Fail("min_early_stopping_rate must be >= 0");
  if (bootstrap_count < 0) Fail("bootstrap_count must be >= 0");
  if (max_resource > 0 && min_resource > max_resource)
    Fail("min_resource must not exceed max_resource");
}

std::vector<std::string> PrunerMethods() {
  return {"none", "median", "percentile", "successive_halving", "hyperband"};
}

std::unique_ptr<Pruner> MakePruner(const PrunerSettings& settings) {
  // Both rules are checked whatever the method, so a sweep file's out-of-range setting is
  // reported even where its method would not use it.
  settings.percentile_rule.Check();
  settings.halving_rule.Check();
  const std::string& m = settings.method;
  if (m == "none" || m == "nop") return std::make_unique<NopPruner>();
  if (m == "median") {
    PercentileRule median = settings.percentile_rule;
    median.percentile = 50.0;
    return std::make_unique<PercentilePruner>(median);
  }
  if (m == "percentile") return std::make_unique<PercentilePruner>(settings.percentile_rule);
  if (m == "successive_halving" || m == "asha" || m == "sha") {
    return std::make_unique<SuccessiveHalvingPruner>(settings.halving_rule);
  }
  if (m == "hyperband") return std::make_unique<HyperbandPruner>(settings.halving_rule);
  throw UserError("unknown pruner '" + m +
                  "' (known: none, median, percentile, successive_halving, hyperband)");
}

}  // namespace hpo::pruners
