#include "lib/report/seed_values.h"

#include <fmt/format.h>

#include <algorithm>

#include "lib/core/seed_aggregate.h"
#include "lib/core/value.h"

namespace hpo::report {
namespace {

std::string Number(double v, Digits digits) {
  return digits == Digits::kAll ? fmt::format("{}", v) : ReadableNumber(v);
}

}  // namespace

bool ShowsSeeds(const SeedSettings& seeds, const std::vector<store::Trial>& trials) {
  return seeds.per_trial > 1 || std::any_of(trials.begin(), trials.end(),
                                            [](const auto& t) { return !t.seed_values.empty(); });
}

int SeedColumnCount(const SeedSettings& seeds, const std::vector<store::Trial>& trials) {
  int count = std::max(seeds.per_trial, 1);
  for (const store::Trial& t : trials) {
    for (const store::SeedValue& s : t.seed_values) count = std::max(count, s.index + 1);
  }
  return count;
}

std::optional<double> SeedValueSpread(const store::Trial& trial) {
  if (trial.seed_values.size() < 2) return std::nullopt;
  std::vector<double> values;
  for (const store::SeedValue& s : trial.seed_values) values.push_back(s.value);
  return SeedSpread(values);
}

std::string SeedsText(const store::Trial& trial, const SeedSettings& seeds, Digits digits) {
  const int finished = static_cast<int>(trial.seed_values.size());
  const bool running = trial.state == store::TrialState::kRunning && seeds.per_trial > 1;
  if (finished == 0 && !running) return "";
  std::string values;
  for (const store::SeedValue& s : trial.seed_values)
    values += (values.empty() ? ": " : ", ") + Number(s.value, digits);
  const std::string count =
      finished < seeds.per_trial ? fmt::format("{}/{} seeds", finished, seeds.per_trial) : "seeds";
  const std::optional<double> spread = SeedValueSpread(trial);
  return (spread ? "+/- " + Number(*spread, digits) + " " : std::string()) + "(" + count + values +
         ")";
}

std::string ValueWithSeedsText(const store::Trial& trial, const SeedSettings& seeds,
                               Digits digits) {
  const std::string value = trial.value ? Number(*trial.value, digits) : "-";
  const std::string spread = SeedsText(trial, seeds, digits);
  return spread.empty() ? value : value + " " + spread;
}

std::string SeedsSentence(const std::string& metric, const SeedSettings& seeds) {
  if (seeds.per_trial <= 1) return "";
  return fmt::format(
      "Each trial's {} is the {} of its {} seeds' values, shown +/- their standard deviation.",
      metric, seeds.aggregate, seeds.per_trial);
}

}  // namespace hpo::report
