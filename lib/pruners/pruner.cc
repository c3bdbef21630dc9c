#include "lib/pruners/pruner.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "lib/core/crc32.h"
#include "lib/core/error.h"

namespace hpo::pruners {
namespace {

[[noreturn]] void Fail(const std::string& what) { throw UserError("pruner: " + what); }

// ---------------------------------------------------------------------------------------------
// Helpers over curves
// ---------------------------------------------------------------------------------------------

/// Optuna's trial.last_step: the largest step reported, whatever the order.
std::optional<int64_t> LastStep(const TrialCurve& curve) {
  std::optional<int64_t> last;
  for (const Report& r : curve.reports) last = std::max(last.value_or(r.step), r.step);
  return last;
}

/// The report at exactly `step` (Optuna's intermediate_values[step]); no carrying forward.
std::optional<double> ValueAt(const TrialCurve& curve, int64_t step) {
  for (const Report& r : curve.reports) {
    if (r.step == step) return r.value;
  }
  return std::nullopt;
}

/// Optuna's max(last_step) over the complete trials that reported, or nothing.
std::optional<int64_t> LongestCompleteTrial(std::span<const TrialCurve> trials) {
  std::optional<int64_t> longest;
  for (const TrialCurve& t : trials) {
    const std::optional<int64_t> last = t.complete ? LastStep(t) : std::nullopt;
    if (last) longest = std::max(longest.value_or(*last), *last);
  }
  return longest;
}

/// numpy 1.24's np.nanpercentile, method linear: NaNs dropped, the virtual index (n - 1) * q,
/// and its _lerp, which switches formula at t >= 0.5. An infinite neighbour gives NaN (inf - inf,
/// or inf * 0 at an exact index), and Optuna then keeps the trial. `descending` sorts the other
/// way: numpy's ascending order of values the caller negated.
double NanPercentile(std::vector<double> values, double percentile, bool descending) {
  std::erase_if(values, [](double v) { return std::isnan(v); });
  if (values.empty()) return NAN;
  if (descending) {
    std::sort(values.begin(), values.end(), std::greater<>());
  } else {
    std::sort(values.begin(), values.end());
  }
  const double virtual_index = static_cast<double>(values.size() - 1) * (percentile / 100.0);
  const double below = std::floor(virtual_index);
  const auto lo = static_cast<size_t>(below);
  const size_t hi = std::min(lo + 1, values.size() - 1);
  const double t = virtual_index - below;
  const double a = values[lo], b = values[hi];
  const double diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

// ---------------------------------------------------------------------------------------------
// Median / percentile
// ---------------------------------------------------------------------------------------------

class NopPruner : public Pruner {
 public:
  Decision Judge(const TrialCurve&, std::span<const TrialCurve>) override { return {}; }
};

/// Optuna's PercentilePruner.prune (_percentile.py:178-214), its checks in its order.
class PercentilePruner : public Pruner {
 public:
  PercentilePruner(const PercentileRule& rule, bool maximize) : s_(rule), maximize_(maximize) {}

  Decision Judge(const TrialCurve& trial, std::span<const TrialCurve> trials) override {
    int complete = 0;
    for (const TrialCurve& t : trials) complete += t.complete && t.number != trial.number;
    if (complete == 0 || complete < s_.n_startup_trials) return {};
    const std::optional<int64_t> step = LastStep(trial);
    if (!step || *step < s_.n_warmup_steps || !IsFirstReportInInterval(trial, *step)) return {};

    // The best over every step, warm-up included; NaNs skipped (np.nanmax), all-NaN prunes.
    double best = NAN;
    for (const Report& r : trial.reports) {
      if (!std::isnan(r.value)) best = std::isnan(best) ? r.value : std::max(best, r.value);
    }
    if (std::isnan(best)) return {true, {}};

    // Peers at exactly this step; a NaN counts toward n_min_trials but not in the percentile.
    std::vector<double> peers;
    for (const TrialCurve& t : trials) {
      if (!t.complete || t.number == trial.number) continue;
      if (const std::optional<double> v = ValueAt(t, *step)) peers.push_back(*v);
    }
    if (static_cast<int>(peers.size()) < s_.n_min_trials) return {};
    // Optuna: minimising, the percentile of the values (here negated: numpy's ascending order
    // is descending); maximising, the (100 - percentile)th. The same interpolation, exactly.
    const double p = maximize_ ? NanPercentile(std::move(peers), 100.0 - s_.percentile, false)
                               : NanPercentile(std::move(peers), s_.percentile, true);
    return {!std::isnan(p) && best < p, {}};
  }

 private:
  // Optuna's _is_first_in_interval_step: judged only at the first report at or after the latest
  // pruning point, so a trial that skipped a point is judged at its next report.
  bool IsFirstReportInInterval(const TrialCurve& trial, int64_t step) const {
    const int64_t nearest_lower_check =
        (step - s_.n_warmup_steps) / s_.interval_steps * s_.interval_steps + s_.n_warmup_steps;
    int64_t second_last = -1;
    for (const Report& r : trial.reports) {
      if (r.step != step) second_last = std::max(second_last, r.step);
    }
    return second_last < nearest_lower_check;
  }

  PercentileRule s_;
  bool maximize_;
};

// ---------------------------------------------------------------------------------------------
// Successive halving and hyperband (Optuna's)
// ---------------------------------------------------------------------------------------------

/// min_resource * reduction_factor^exponent as Python's ints, saturated where no step reaches.
int64_t RungStep(int64_t min_resource, int reduction_factor, int exponent) {
  int64_t step = min_resource;
  for (int i = 0; i < exponent; ++i) {
    if (step > std::numeric_limits<int64_t>::max() / reduction_factor)
      return std::numeric_limits<int64_t>::max();
    step *= reduction_factor;
  }
  return step;
}

/// Optuna's SuccessiveHalvingPruner.prune (_successive_halving.py:167-216) over `trials` (the
/// trial's bracket, for hyperband). The value at the trial's last step is entered at every rung
/// this call passes, and recorded before the verdict, so a trial pruned at a rung competes there.
Decision SuccessiveHalving(const TrialCurve& trial, std::span<const TrialCurve> trials,
                           int64_t min_resource, const HalvingRule& rule, int early_stopping_rate) {
  Decision decision;
  const std::optional<int64_t> step = LastStep(trial);
  if (!step) return decision;
  const double value = *ValueAt(trial, *step);
  int rung = 0;
  while (trial.rungs.count(rung)) ++rung;
  for (;; ++rung) {
    if (*step < RungStep(min_resource, rule.reduction_factor, early_stopping_rate + rung))
      return decision;
    if (std::isnan(value)) {
      decision.prune = true;  // not recorded: a NaN never competes
      return decision;
    }
    decision.rungs[rung] = value;
    // Every trial of any state that recorded a value at this rung, and this one.
    std::vector<double> competing = {value};
    for (const TrialCurve& t : trials) {
      const auto recorded = t.number == trial.number ? t.rungs.end() : t.rungs.find(rung);
      if (recorded != t.rungs.end()) competing.push_back(recorded->second);
    }
    if (static_cast<int>(competing.size()) <= rule.bootstrap_count) {
      decision.prune = true;
      return decision;
    }
    // Larger is better: promoted iff within the best len // reduction_factor (at least one).
    const size_t index =
        std::max<size_t>(competing.size() / static_cast<size_t>(rule.reduction_factor), 1) - 1;
    std::sort(competing.begin(), competing.end(), std::greater<>());
    if (value < competing[index]) {
      decision.prune = true;
      return decision;
    }
  }
}

class SuccessiveHalvingPruner : public Pruner {
 public:
  explicit SuccessiveHalvingPruner(const HalvingRule& rule) : s_(rule) {}

  Decision Judge(const TrialCurve& trial, std::span<const TrialCurve> trials) override {
    if (trial.reports.empty()) return {};
    if (!min_resource_) {
      // auto, estimated once from the complete trials (Optuna's _estimate_min_resource)
      const std::optional<int64_t> longest = LongestCompleteTrial(trials);
      if (!longest) return {};
      min_resource_ = std::max<int64_t>(*longest / 100, 1);
    }
    return SuccessiveHalving(trial, trials, *min_resource_, s_, s_.min_early_stopping_rate);
  }

 private:
  HalvingRule s_;
  std::optional<int64_t> min_resource_ = s_.min_resource > 0
                                             ? std::optional<int64_t>(s_.min_resource)
                                             : std::nullopt;
};

class HyperbandPruner : public Pruner {
 public:
  HyperbandPruner(const HalvingRule& rule, std::string study_name)
      : s_(rule), study_name_(std::move(study_name)) {}

  Decision Judge(const TrialCurve& trial, std::span<const TrialCurve> trials) override {
    if (budgets_.empty() && !Initialise(trials)) return {};
    const int bracket = BracketOf(trial.number);
    // Each bracket is its own successive-halving study (Optuna's _BracketStudy).
    std::vector<TrialCurve> peers;
    for (const TrialCurve& t : trials) {
      if (BracketOf(t.number) == bracket) peers.push_back(t);
    }
    return SuccessiveHalving(trial, peers, MinResource(), s_, bracket);
  }

 private:
  int64_t MinResource() const { return std::max<int64_t>(s_.min_resource, 1); }

  // Optuna's _try_initialization (_hyperband.py:187-227): max_resource auto is the longest
  // complete trial + 1, fixed from then on; n_brackets in floating point (math.log(243, 3) is
  // 4.999..., so 5 brackets), possibly 0, and then nothing is pruned. Bracket b gets
  // ceil(n_brackets * eta^s / (s + 1)) of the trials, s = n_brackets - 1 - b.
  bool Initialise(std::span<const TrialCurve> trials) {
    if (!max_resource_) {
      const std::optional<int64_t> longest = LongestCompleteTrial(trials);
      if (!longest) return false;
      max_resource_ = *longest + 1;
    }
    const double eta = s_.reduction_factor;
    const double ratio = static_cast<double>(*max_resource_) / static_cast<double>(MinResource());
    const int n_brackets = static_cast<int>(std::floor(std::log(ratio) / std::log(eta))) + 1;
    for (int b = 0; b < n_brackets; ++b) {
      const int s = n_brackets - 1 - b;
      budgets_.push_back(static_cast<int64_t>(std::ceil(n_brackets * std::pow(eta, s) / (s + 1))));
      total_ += budgets_.back();
    }
    return !budgets_.empty();
  }

  // Optuna's _get_bracket_id: crc32("<study>_<number>") % total, then the first bracket whose
  // running sum of budgets exceeds it.
  int BracketOf(int64_t number) const {
    int64_t n = Crc32(fmt::format("{}_{}", study_name_, number)) % total_;
    for (size_t b = 0; b < budgets_.size(); ++b) {
      n -= budgets_[b];
      if (n < 0) return static_cast<int>(b);
    }
    return static_cast<int>(budgets_.size()) - 1;
  }

  HalvingRule s_;
  std::string study_name_;
  std::optional<int64_t> max_resource_ = s_.max_resource > 0
                                             ? std::optional<int64_t>(s_.max_resource)
                                             : std::nullopt;
  std::vector<int64_t> budgets_;
  int64_t total_ = 0;
};

// ---------------------------------------------------------------------------------------------
// W&B's early termination (src/sweeps/hyperband_stopping.py)
// ---------------------------------------------------------------------------------------------

/// The finite values a run logged, in order: W&B counts a run's position in these, not steps.
std::vector<double> ValidValues(const TrialCurve& curve) {
  std::vector<double> values;
  for (const Report& r : curve.reports) {
    if (std::isfinite(r.value)) values.push_back(r.value);
  }
  return values;
}

class WandbHyperbandPruner : public Pruner {
 public:
  explicit WandbHyperbandPruner(const WandbBandRule& rule) : s_(rule), bands_(rule.Bands()) {}

  // hb.py:177-238 on larger-is-better values: W&B minimises the negated values, so its "above
  // the threshold" is "below" here and its ascending sort is descending here.
  Decision Judge(const TrialCurve& trial, std::span<const TrialCurve> trials) override {
    const std::vector<double> own = ValidValues(trial);
    std::optional<int64_t> band;
    for (const int64_t b : bands_) {
      if (b <= static_cast<int64_t>(own.size())) band = b;
    }
    if (!band) return {};
    // Every run of any state that reached the band, with its value at the band.
    std::vector<double> at_band;
    for (const TrialCurve& t : trials) {
      const std::vector<double> values = t.number == trial.number ? own : ValidValues(t);
      if (static_cast<int64_t>(values.size()) >= *band)
        at_band.push_back(values[static_cast<size_t>(*band - 1)]);
    }
    if (std::none_of(trials.begin(), trials.end(),
                     [&](const TrialCurve& t) { return t.number == trial.number; }))
      at_band.push_back(own[static_cast<size_t>(*band - 1)]);
    std::sort(at_band.begin(), at_band.end(), std::greater<>());
    const auto index = static_cast<size_t>((1.0 / s_.eta) * static_cast<double>(at_band.size()));
    const double threshold = at_band[index];
    const double judged =
        s_.strict ? own[static_cast<size_t>(*band - 1)] : *std::max_element(own.begin(), own.end());
    return {judged < threshold, {}};
  }

 private:
  WandbBandRule s_;
  std::vector<int64_t> bands_;
};

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

// min_resource above max_resource is accepted, as Optuna does: hyperband then has no bracket and
// prunes nothing.
void HalvingRule::Check() const {
  if (min_resource < 0)
    Fail("min_resource must be >= 1 (or 0 for auto), got " + std::to_string(min_resource));
  if (max_resource < 0)
    Fail("max_resource must be >= 1 (or 0 for auto), got " + std::to_string(max_resource));
  if (reduction_factor < 2)
    Fail("reduction_factor must be >= 2, got " + std::to_string(reduction_factor));
  if (min_early_stopping_rate < 0) Fail("min_early_stopping_rate must be >= 0");
  if (bootstrap_count < 0) Fail("bootstrap_count must be >= 0");
}

// hb.py:136-169: repeated division or multiplication in floating point, truncated, as W&B.
std::vector<int64_t> WandbBandRule::Bands() const {
  std::vector<int64_t> bands;
  if (max_iter) {
    double band = static_cast<double>(*max_iter);
    for (int64_t i = 0; i < s.value_or(0); ++i) {
      band = band / eta;
      if (band < 1) break;
      bands.push_back(static_cast<int64_t>(band));
    }
    std::sort(bands.begin(), bands.end());
  } else if (min_iter) {
    double band = static_cast<double>(*min_iter);
    // W&B always makes 100; past 2^62 logged values no run reaches a band, so they stop there.
    for (int i = 0; i < 100 && band < 4.6e18; ++i) {
      bands.push_back(static_cast<int64_t>(band));
      band = band * eta;
    }
  }
  return bands;
}

void WandbBandRule::Check() const {
  if (!(eta > 1)) Fail(fmt::format("early_terminate.eta must be greater than 1, got {}", eta));
  if (min_iter && *min_iter < 1) Fail("early_terminate.min_iter must be at least 1");
  if (!min_iter && !(max_iter && s))
    Fail("early_terminate needs min_iter, or max_iter and s (as W&B's schema)");
  if (max_iter && !s) Fail("early_terminate has max_iter without s: W&B fails on it ('s')");
  if (Bands().empty())
    Fail(
        fmt::format("early_terminate gives no band: max_iter {} / eta {} is below 1 within s {} "
                    "divisions (W&B refuses it)",
                    max_iter.value_or(0), eta, s.value_or(0)));
}

std::vector<std::string> PrunerMethods() {
  return {"none", "median", "percentile", "successive_halving", "hyperband", "wandb_hyperband"};
}

std::unique_ptr<Pruner> MakePruner(const PrunerSettings& settings, const std::string& study_name,
                                   bool maximize) {
  // Both Optuna rules are checked whatever the method, so a sweep file's out-of-range setting is
  // reported even where its method would not use it.
  settings.percentile_rule.Check();
  settings.halving_rule.Check();
  const std::string& m = settings.method;
  const HalvingRule& h = settings.halving_rule;
  if (m == "none" || m == "nop") return std::make_unique<NopPruner>();
  if (m == "median") {
    PercentileRule median = settings.percentile_rule;
    median.percentile = 50.0;
    return std::make_unique<PercentilePruner>(median, maximize);
  }
  if (m == "percentile")
    return std::make_unique<PercentilePruner>(settings.percentile_rule, maximize);
  if (m == "successive_halving" || m == "asha" || m == "sha") {
    if (h.bootstrap_count > 0 && h.min_resource == 0)
      Fail("bootstrap_count > 0 needs a min_resource, not auto (Optuna refuses it too)");
    return std::make_unique<SuccessiveHalvingPruner>(h);
  }
  if (m == "hyperband") {
    if (h.bootstrap_count > 0 && h.max_resource == 0)
      Fail("bootstrap_count > 0 needs a max_resource, not auto (Optuna refuses it too)");
    return std::make_unique<HyperbandPruner>(h, study_name);
  }
  if (m == "wandb_hyperband") {
    settings.band_rule.Check();
    return std::make_unique<WandbHyperbandPruner>(settings.band_rule);
  }
  throw UserError("unknown pruner '" + m +
                  "' (known: none, median, percentile, successive_halving, hyperband, "
                  "wandb_hyperband)");
}

}  // namespace hpo::pruners
