#include "lib/report/best_params.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>

#include "lib/core/pareto.h"
#include "lib/report/seed_values.h"

namespace hpo::report {

std::string FormatParamValue(const Value& value) {
  std::string out;
  if (value.is_list()) {
    for (const Value& item : value.as_list())
      out += (out.empty() ? "" : ", ") + FormatParamValue(item);
    return "[" + out + "]";
  }
  if (value.is_mapping()) {
    for (const auto& [key, item] : value.as_mapping())
      out += (out.empty() ? "" : ", ") + Value(key).ToYaml() + ": " + FormatParamValue(item);
    return "{" + out + "}";
  }
  if (!value.is_double()) return value.ToYaml();
  const double v = value.as_double();
  if (!(v != 0 && std::fabs(v) < 0.01 && std::isfinite(v))) return value.ToYaml();
  // Fewest digits that still read back as exactly this double (2 at least: "7.31e-04").
  for (int precision = 2; precision < 17; ++precision) {
    std::string text = fmt::format("{:.{}e}", v, precision);
    if (std::strtod(text.c_str(), nullptr) == v) return text;
  }
  return fmt::format("{:.16e}", v);
}

std::string RunName(const std::string& sweep, const store::Trial& trial) {
  if (trial.run_dir.empty()) return fmt::format("{}.r.{}", sweep, trial.number);
  std::filesystem::path dir(trial.run_dir);
  if (!dir.has_filename()) dir = dir.parent_path();  // stored as ".../lunar.r.3/"
  return dir.filename().string();
}

namespace {

/// A complete trial's objectives as losses (every objective minimised).
LossVector Losses(const store::Trial& t, bool maximize, const std::vector<Objective>& more) {
  LossVector losses = {maximize ? -*t.value : *t.value};
  for (size_t i = 0; i < more.size(); ++i)
    losses.push_back(more[i].maximize ? -t.more_values[i] : t.more_values[i]);
  return losses;
}

struct RankedTrials {
  std::vector<store::Trial> trials;  // best first
  std::vector<int> fronts;           // each one's non-domination rank (0 with one objective)
};

RankedTrials Rank(const std::vector<store::Trial>& trials, bool maximize,
                  const std::vector<Objective>& more) {
  std::vector<store::Trial> ranked;
  for (const store::Trial& t : trials) {
    if (t.state == store::TrialState::kComplete && t.value && std::isfinite(*t.value) &&
        t.more_values.size() >= more.size()) {
      ranked.push_back(t);
    }
  }
  std::vector<int> front(ranked.size(), 0);
  if (!more.empty()) {
    std::vector<LossVector> losses;
    for (const store::Trial& t : ranked) losses.push_back(Losses(t, maximize, more));
    front = NondominationRanks(losses);
  }
  std::vector<size_t> order(ranked.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (front[a] != front[b]) return front[a] < front[b];
    return maximize ? *ranked[a].value > *ranked[b].value : *ranked[a].value < *ranked[b].value;
  });
  RankedTrials result;
  for (size_t i : order) {
    result.trials.push_back(std::move(ranked[i]));
    result.fronts.push_back(front[i]);
  }
  return result;
}

}  // namespace

std::vector<store::Trial> RankTrials(const std::vector<store::Trial>& trials, bool maximize,
                                     const std::vector<Objective>& more) {
  return Rank(trials, maximize, more).trials;
}

std::vector<store::Trial> ObjectiveFront(const std::vector<store::Trial>& trials,
                                         const std::vector<Objective>& objectives) {
  RankedTrials ranked =
      Rank(trials, objectives.at(0).maximize, {objectives.begin() + 1, objectives.end()});
  std::vector<store::Trial> front;
  for (size_t i = 0; i < ranked.trials.size() && ranked.fronts[i] == 0; ++i)
    front.push_back(std::move(ranked.trials[i]));
  return front;
}

std::vector<double> ObjectiveValues(const store::Trial& trial, size_t n_objectives) {
  std::vector<double> values = {trial.value.value_or(NAN)};
  for (size_t i = 1; i < n_objectives; ++i)
    values.push_back(i <= trial.more_values.size() ? trial.more_values[i - 1] : NAN);
  return values;
}

std::string ObjectiveValuesText(const store::Trial& trial,
                                const std::vector<Objective>& objectives) {
  const std::vector<double> values = ObjectiveValues(trial, objectives.size());
  std::string text;
  for (size_t i = 0; i < objectives.size(); ++i) {
    text += fmt::format("{}{} {}", i ? ", " : "", objectives[i].name,
                        std::isnan(values[i]) ? std::string("?") : ReadableNumber(values[i]));
  }
  return text;
}

std::string ScoreText(const store::Trial& trial, const StudyInfo& info) {
  if (info.objectives.Multi()) return ObjectiveValuesText(trial, info.objectives.All());
  return fmt::format("{}: {}", info.objectives.Shown(), ValueWithSeedsText(trial, info.seeds));
}

const store::Trial* BestTrial(const std::vector<store::Trial>& trials, bool maximize) {
  const store::Trial* best = nullptr;
  for (const store::Trial& t : trials) {
    if (t.state != store::TrialState::kComplete || !t.value || !std::isfinite(*t.value)) continue;
    if (!best || (maximize ? *t.value > *best->value : *t.value < *best->value)) best = &t;
  }
  return best;
}

std::vector<store::Trial> ParetoFront(const std::vector<store::Trial>& trials, bool maximize) {
  std::vector<store::Trial> by_cost = RankTrials(trials, maximize);  // best first breaks cost ties
  std::stable_sort(by_cost.begin(), by_cost.end(),
                   [](const store::Trial& a, const store::Trial& b) { return a.cost < b.cost; });
  std::vector<store::Trial> front;
  for (const store::Trial& t : by_cost) {
    const bool better = front.empty() || (maximize ? *t.value > *front.back().value
                                                   : *t.value < *front.back().value);
    if (better) front.push_back(t);
  }
  return front;
}

namespace {

// A tree of names for nesting dotted parameter names.
struct Node {
  std::map<std::string, Node> children;
  std::string value;  // leaf text
  bool fixed = false;
};

void Emit(const Node& node, int indent, std::string& out) {
  for (const auto& [name, child] : node.children) {
    out += std::string(static_cast<size_t>(indent), ' ') + name + ":";
    if (child.children.empty()) {
      out += " " + child.value + (child.fixed ? "  # fixed in the sweep" : "") + "\n";
    } else {
      out += "\n";
      Emit(child, indent + 2, out);
    }
  }
}

}  // namespace

std::string ParamsAsYaml(const ParamSet& params, const std::set<std::string>& fixed_names,
                         YamlLayout layout, Digits digits) {
  Node root;
  const bool trainer_block = layout == YamlLayout::kTrainerBlock;
  Node& top = trainer_block ? root.children["trainer"] : root;
  for (const auto& [name, value] : params) {
    std::string path = trainer_block && name.rfind("trainer.", 0) == 0 ? name.substr(8) : name;
    Node* node = &top;
    size_t start = 0, dot;
    while ((dot = path.find('.', start)) != std::string::npos) {
      node = &node->children[path.substr(start, dot - start)];
      start = dot + 1;
    }
    Node& leaf = node->children[path.substr(start)];
    leaf.value = digits == Digits::kReadable ? ReadableValue(value) : FormatParamValue(value);
    leaf.fixed = fixed_names.contains(name);
  }
  std::string out;
  Emit(root, 0, out);
  return out;
}

std::string ParamsLine(const ParamSet& params) {
  std::string line;
  for (const auto& [name, value] : params)
    line += (line.empty() ? "" : " ") + name + "=" + ReadableValue(value);
  return line;
}

ParamSet WithFixed(const ParamSet& fixed, const ParamSet& params) {
  ParamSet all = fixed;
  for (const auto& [name, value] : params) all[name] = value;
  return all;
}

std::vector<std::string> ParamsAsOverrides(const ParamSet& params) {
  std::vector<std::string> overrides;
  for (const auto& [name, value] : params) {
    std::string text = FormatParamValue(value);
    text.erase(std::remove(text.begin(), text.end(), ' '), text.end());  // one shell word
    overrides.push_back(name + "=" + text);
  }
  return overrides;
}

namespace {

// The patch's "<metric> <value>" with every digit; with seeds, their values and spread, and a
// comment line saying what the value is.
std::string PatchScore(const store::Trial& trial, const std::string& metric,
                       const SeedSettings& seeds) {
  if (!trial.value) return metric + " ?";
  const std::string sentence = SeedsSentence(metric, seeds);
  return fmt::format("{} {}{}", metric, ValueWithSeedsText(trial, seeds, Digits::kAll),
                     sentence.empty() ? "" : "\n# " + sentence);
}

}  // namespace

std::string PatchFileText(const std::string& sweep, const store::Trial& trial,
                          const ParamSet& fixed, const std::string& metric,
                          const std::filesystem::path& patch_path, const SeedSettings& seeds) {
  std::set<std::string> fixed_names;
  for (const auto& [name, value] : fixed) {
    if (!trial.params.count(name)) fixed_names.insert(name);
  }
  return fmt::format(
      "# @package _global_\n"
      "# Best hyperparameters from sweep {}: trial {}, {}\n"
      "# Apply with: hpo train --patch {}{}\n\n{}",
      sweep, RunName(sweep, trial), PatchScore(trial, metric, seeds), patch_path.string(),
      fixed_names.empty()
          ? ""
          : "\n# The sweep's fixed values are included (marked), so this is the trial's whole "
            "configuration; --override after --patch changes one (e.g. total_timesteps=2000000).",
      ParamsAsYaml(WithFixed(fixed, trial.params), fixed_names));
}

std::string ProgramPatchFileText(const std::string& sweep, const store::Trial& trial,
                                 const ParamSet& fixed, const std::string& metric,
                                 const std::vector<std::string>& command,
                                 const SeedSettings& seeds) {
  const auto unprefixed = [](std::string name) {
    return name.erase(0, std::min(name.find_first_not_of('+'), name.size()));
  };
  ParamSet values;
  std::set<std::string> fixed_names;
  for (const auto& [name, value] : WithFixed(fixed, trial.params)) {
    values[unprefixed(name)] = value;
    if (!trial.params.count(name)) fixed_names.insert(unprefixed(name));
  }
  return fmt::format(
      "# @package _global_\n"
      "# Best hyperparameters from sweep {}: trial {}, {}\n"
      "# For the sweep's trial program: {}\n"
      "# The names are the program's, as the sweep file writes them, nested by their dots.\n"
      "# Apply it as the program applies a config patch (Hydra: a config file it selects, "
      "e.g. +experiment=NAME).{}\n\n{}",
      sweep, RunName(sweep, trial), PatchScore(trial, metric, seeds), fmt::join(command, " "),
      fixed_names.empty() ? "" : "\n# The sweep's fixed values are included (marked).",
      ParamsAsYaml(values, fixed_names, YamlLayout::kAsWritten));
}

std::string ShellQuote(const std::string& word) {
  if (word.find_first_of(" \t\"'$`\\[]*?{}();&|<>!#~") == std::string::npos && !word.empty())
    return word;
  std::string quoted = "'";
  for (char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

}  // namespace hpo::report
