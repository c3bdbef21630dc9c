#include "lib/report/importance.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "lib/core/error.h"
#include "lib/report/best_params.h"
#include "lib/report/fanova.h"
#include "lib/report/optuna_journal.h"

namespace hpo::report {
namespace {

// The trials importance is measured on: COMPLETE with a finite value, inside the space.
std::vector<const store::Trial*> UsableTrials(const space::SearchSpace& space,
                                              const std::vector<store::Trial>& trials) {
  std::vector<const store::Trial*> usable;
  for (const store::Trial& t : trials) {
    if (t.state != store::TrialState::kComplete || !t.value || !std::isfinite(*t.value)) continue;
    if (!space.Contains(t.params)) continue;  // from an earlier space (an accepted config change)
    usable.push_back(&t);
  }
  return usable;
}

// The parameters every usable trial has, by name: Optuna's intersection search space, sorted
// as Optuna sorts it (optuna/samplers/_search_space/intersection.py:96). A conditional
// parameter inactive in some trial is not ranked.
std::vector<const config::ParameterSpec*> SharedParameters(
    const config::SweepConfig& config, const std::vector<const store::Trial*>& usable) {
  std::vector<const config::ParameterSpec*> shared;
  for (const config::ParameterSpec& spec : config.parameters) {
    if (std::all_of(usable.begin(), usable.end(),
                    [&](const store::Trial* t) { return t->params.count(spec.name) > 0; }))
      shared.push_back(&spec);
  }
  std::sort(shared.begin(), shared.end(),
            [](const auto* a, const auto* b) { return a->name < b->name; });
  return shared;
}

// One value only: nothing to explain, importance 0 (as Optuna's _evaluator.py:98-106).
bool SingleValued(const OptunaParameter& p) {
  return p.categorical ? p.choices.size() < 2 : !(p.high > p.low);
}

// Appends a parameter's columns to `input`: its values, or one 0/1 column per choice.
void AddColumns(const OptunaParameter& p, const std::string& name,
                const std::vector<const store::Trial*>& usable, FanovaInput& input) {
  std::vector<size_t>& group = input.groups.emplace_back();
  if (p.categorical) {
    for (const Value& choice : p.choices) {
      std::vector<double> column(usable.size());
      for (size_t i = 0; i < usable.size(); ++i)
        column[i] = usable[i]->params.at(name) == choice ? 1 : 0;
      group.push_back(input.columns.size());
      input.columns.push_back(std::move(column));
      input.low.push_back(0.0);
      input.high.push_back(1.0);
    }
    return;
  }
  std::vector<double> column(usable.size());
  for (size_t i = 0; i < usable.size(); ++i) column[i] = usable[i]->params.at(name).as_double();
  // The normal family's specs have no range (min and max unused): the values seen stand in.
  const double low = std::min(p.low, *std::min_element(column.begin(), column.end()));
  double high = std::max(p.high, *std::max_element(column.begin(), column.end()));
  if (!(high > low)) high = low + 1;  // one value seen and no range: a column never split
  group.push_back(input.columns.size());
  input.columns.push_back(std::move(column));
  input.low.push_back(low);
  input.high.push_back(high);
}

ParameterImportance MeanAndSpread(const std::string& name, const std::vector<double>& shares) {
  double mean = 0, squares = 0;
  for (const double s : shares) mean += s;
  mean /= static_cast<double>(shares.size());
  for (const double s : shares) squares += (s - mean) * (s - mean);
  const double spread =
      shares.size() > 1 ? std::sqrt(squares / static_cast<double>(shares.size() - 1)) : 0.0;
  return {name, mean, spread};
}

}  // namespace

std::vector<ParameterImportance> TrialImportance(const config::SweepConfig& config,
                                                 const std::vector<store::Trial>& trials,
                                                 const std::string& sweep_name) {
  const std::vector<const store::Trial*> usable = UsableTrials(config.BuildSpace(), trials);
  if (usable.size() < 3) {
    throw UserError(
        fmt::format("sweep '{}' has {} complete trial(s); parameter importance needs at least 3",
                    sweep_name, usable.size()));
  }
  FanovaInput input;
  for (const store::Trial* t : usable) input.scores.push_back(*t->value);
  std::vector<std::string> measured;
  std::vector<ParameterImportance> ranking;
  for (const config::ParameterSpec* spec : SharedParameters(config, usable)) {
    const OptunaParameter p = OptunaParameterOf(*spec);
    if (SingleValued(p)) {
      ranking.push_back({spec->name, 0.0, 0.0});
      continue;
    }
    AddColumns(p, spec->name, usable, input);
    measured.push_back(spec->name);
  }
  if (!measured.empty()) {
    std::vector<std::vector<double>> shares(measured.size());  // per parameter, per forest
    for (int forest = 0; forest < kForests; ++forest) {
      const std::vector<double> s = FanovaShares(input, ForestSettings{}, forest);
      for (size_t k = 0; k < measured.size(); ++k) shares[k].push_back(s[k]);
    }
    for (size_t k = 0; k < measured.size(); ++k)
      ranking.push_back(MeanAndSpread(measured[k], shares[k]));
  }
  std::stable_sort(ranking.begin(), ranking.end(),
                   [](const ParameterImportance& a, const ParameterImportance& b) {
                     return a.importance > b.importance;
                   });
  return ranking;
}

std::vector<ParameterImportance> SweepImportance(const SweepResults& sweep) {
  if (!sweep.config) {
    throw UserError(
        fmt::format("sweep '{}': its stored config no longer parses, so there is no search space "
                    "to measure importance in",
                    sweep.location.name));
  }
  return TrialImportance(*sweep.config, sweep.trials, sweep.location.name);
}

std::string ImportanceYaml(const SweepResults& sweep,
                           const std::vector<ParameterImportance>& ranking) {
  const std::vector<store::Trial> ranked = RankTrials(sweep.trials, sweep.info.objectives.maximize);
  std::string out = fmt::format(
      "# Parameter importance of sweep {}: fANOVA (random forests, as Optuna's) of {} over {}\n"
      "# complete trials; spread: its standard deviation over {} forests (hpo importance;\n"
      "# docs/report.md).\n"
      "metric: {}\ntrials_used: {}\nimportance_ranking:\n",
      sweep.location.name, sweep.info.objectives.Shown(), ranked.size(), kForests,
      sweep.info.objectives.Shown(), ranked.size());
  for (const ParameterImportance& p : ranking) {
    out += fmt::format("  - parameter: {}\n    importance: {:.4f}\n    spread: {:.4f}\n",
                       p.parameter, p.importance, p.spread);
    if (ranked.empty()) continue;
    const auto best = ranked[0].params.find(p.parameter);
    if (best != ranked[0].params.end())
      out += fmt::format("    best_value: {}\n", FormatParamValue(best->second));
  }
  out += "top_5_configs:\n";
  for (size_t i = 0; i < std::min<size_t>(5, ranked.size()); ++i) {
    out += fmt::format("  - config_id: {}\n", RunName(sweep.location.name, ranked[i]));
    for (const auto& [name, value] : ranked[i].params)
      out += fmt::format("    {}: {}\n", name, FormatParamValue(value));
    out += fmt::format("    {}: {}\n", sweep.info.objectives.Shown(), *ranked[i].value);
  }
  return out;
}

}  // namespace hpo::report
