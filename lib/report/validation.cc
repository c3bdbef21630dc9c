#include "lib/report/validation.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "lib/core/json.h"
#include "lib/report/best_params.h"

namespace hpo::report {

double ValidatedConfig::Mean() const {
  return values.empty() ? NAN
                        : std::accumulate(values.begin(), values.end(), 0.0) /
                              static_cast<double>(values.size());
}

double ValidatedConfig::Std() const {
  if (values.size() < 2) return 0;
  const double mean = Mean();
  double squares = 0;
  for (double v : values) squares += (v - mean) * (v - mean);
  return std::sqrt(squares / static_cast<double>(values.size() - 1));
}

double ValidatedConfig::Min() const {
  return values.empty() ? NAN : *std::min_element(values.begin(), values.end());
}

Validation GroupValidationRuns(const std::vector<store::Trial>& top,
                               const std::vector<ParamSet>& run_params,
                               const std::vector<store::Trial>& runs, bool maximize) {
  Validation v;
  for (size_t i = 0; i < top.size(); ++i)
    v.configs.push_back({static_cast<int>(i) + 1, top[i], run_params[i], {}, 0, 0});
  for (const store::Trial& t : runs) {
    if (t.state == store::TrialState::kFailed && t.retried) continue;
    for (ValidatedConfig& c : v.configs) {
      if (c.run_params != t.params) continue;
      if (t.state == store::TrialState::kComplete && t.value) c.values.push_back(*t.value);
      if (t.state == store::TrialState::kFailed) ++c.failed;
      break;
    }
  }
  std::vector<size_t> by_mean(v.configs.size());
  std::iota(by_mean.begin(), by_mean.end(), 0);
  std::stable_sort(by_mean.begin(), by_mean.end(), [&](size_t a, size_t b) {
    const double ma = v.configs[a].Mean(), mb = v.configs[b].Mean();
    return maximize ? ma > mb : ma < mb;
  });
  for (size_t rank = 0; rank < by_mean.size(); ++rank) {
    v.configs[by_mean[rank]].validated_rank = static_cast<int>(rank) + 1;
    v.ranking_held = v.ranking_held && by_mean[rank] == rank;
  }
  return v;
}

std::string ValidationTable(const Validation& v, const std::string& sweep) {
  std::string text = fmt::format("{:<6} {:<16} {:>10} {:>10} {:>10} {:>10} {:>8} {:>7}\n", "rank",
                                 "trial", "sweep", "mean", "std", "min", "new rank", "failed");
  for (const ValidatedConfig& c : v.configs) {
    text += fmt::format("{:<6} {:<16} {:>10} {:>10} {:>10} {:>10} {:>8} {:>7}\n", c.sweep_rank,
                        RunName(sweep, c.original), ReadableNumber(c.original.value.value_or(NAN)),
                        ReadableNumber(c.Mean()), ReadableNumber(c.Std()), ReadableNumber(c.Min()),
                        c.validated_rank, c.failed);
  }
  return text;
}

std::string ValidationYaml(const Validation& v, const std::string& sweep, const std::string& metric,
                           int seeds, const std::string& budget) {
  std::string yaml = fmt::format(
      "# hpo validate: the top {} configurations of sweep {} retrained on {} fresh seeds each\n"
      "metric: {}\nseeds: {}\nbudget: {}\nranking_held: {}\nconfigs:\n",
      v.configs.size(), sweep, seeds, metric, seeds, JsonString(budget),
      v.ranking_held ? "true" : "false");
  for (const ValidatedConfig& c : v.configs) {
    yaml += fmt::format(
        "  - config_id: {}\n    sweep_rank: {}\n    sweep_value: {}\n    mean: {}\n    std: "
        "{}\n    min: {}\n"
        "    validated_rank: {}\n    completed_seeds: {}\n    failed_seeds: {}\n    params:\n",
        RunName(sweep, c.original), c.sweep_rank, c.original.value.value_or(NAN), c.Mean(), c.Std(),
        c.Min(), c.validated_rank, c.values.size(), c.failed);
    for (const auto& [name, value] : c.original.params)
      yaml += fmt::format("      {}: {}\n", name, FormatParamValue(value));
  }
  return yaml;
}

}  // namespace hpo::report
