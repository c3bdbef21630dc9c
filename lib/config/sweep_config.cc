#include "lib/config/sweep_config.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "lib/config/ini_source.h"
#include "lib/config/interpolation.h"
#include "lib/config/results_file.h"
#include "lib/config/sweep_reading.h"
#include "lib/config/trainer_config.h"
#include "lib/config/trainer_keys.h"
#include "lib/config/vocabularies/vocabulary.h"
#include "lib/config/yaml_source.h"
#include "lib/core/atomic_file.h"
#include "lib/core/closest_word.h"
#include "lib/core/command_macros.h"
#include "lib/core/random.h"
#include "lib/samplers/grid_sampler.h"
#include "lib/space/constraint.h"

namespace hpo::config {
namespace {

// A preset replaces whole top-level sections of the config with its own.
YAML::Node ApplyPreset(const YAML::Node& root, const std::string& preset, const std::string& source,
                       std::vector<std::string>& names) {
  const YAML::Node presets = root["presets"];
  if (presets) {
    if (!presets.IsMap())
      throw UserError(OriginOf(source, presets), "presets must map names to partial configs");
    for (const auto& p : presets) names.push_back(p.first.Scalar());
  }
  if (preset.empty()) return root;
  if (std::find(names.begin(), names.end(), preset) == names.end()) {
    std::string known;
    for (const std::string& n : names) known += (known.empty() ? "" : ", ") + n;
    throw UserError(Origin{"--preset"}, fmt::format("no preset '{}' in {} (presets: {})", preset,
                                                    source, known.empty() ? "none" : known));
  }
  const YAML::Node chosen = presets[preset];
  if (!chosen.IsMap())
    throw UserError(OriginOf(source, chosen), fmt::format("preset '{}' must be a mapping", preset));
  YAML::Node merged(YAML::NodeType::Map);
  for (const auto& p : root) {
    const std::string key = p.first.Scalar();
    merged[p.first] = chosen[key] ? chosen[key] : p.second;
  }
  for (const auto& p : chosen) {
    if (!root[p.first.Scalar()]) merged[p.first] = p.second;
  }
  return merged;
}

// `map` with path[i...] set to `value`: new mappings along the path (in the same key order),
// sharing every other node with `map`, so the file's nodes keep their line and column.
YAML::Node WithValueAt(const YAML::Node& map, const std::vector<std::string>& path, size_t i,
                       const YAML::Node& value, const std::string& quoted,
                       const std::string& source,
                       std::vector<std::pair<YAML::Node, std::string>>& foreign) {
  const std::string walked = fmt::format(
      "{}", fmt::join(path.begin(), path.begin() + static_cast<std::ptrdiff_t>(i), "."));
  if (map && !map.IsNull() && !map.IsMap())
    throw UserError(Origin{quoted},
                    fmt::format("'{}' in {} is not a mapping of keys", walked, source));
  auto inner = [&](const YAML::Node& old) {
    return i + 1 == path.size() ? value
                                : WithValueAt(old, path, i + 1, value, quoted, source, foreign);
  };
  YAML::Node copy(YAML::NodeType::Map);
  bool found = false;
  if (map && map.IsMap()) {
    for (const auto& p : map) {
      const bool here = p.first.IsScalar() && p.first.Scalar() == path[i];
      copy[p.first] = here ? inner(p.second) : p.second;
      found |= here;
    }
  }
  if (!found) copy[path[i]] = inner(YAML::Node());
  if (i > 0)
    foreign.emplace_back(copy, quoted);  // a section the --set changed (not the whole file)
  return copy;
}

// `root` with every `--set KEY=VALUE` text applied in order (a dotted KEY walks into mappings;
// VALUE is YAML). `foreign` gets every node a VALUE brought, with the text to quote for it.
YAML::Node ApplySets(YAML::Node root, const std::vector<std::string>& sets,
                     const std::string& source,
                     std::vector<std::pair<YAML::Node, std::string>>& foreign) {
  for (const std::string& text : sets) {
    const std::string quoted = "--set " + text;
    const size_t equals = text.find('=');
    std::vector<std::string> path;
    if (equals != std::string::npos) {
      for (size_t start = 0;;) {
        const size_t dot = text.find('.', start);
        path.push_back(text.substr(start, std::min(dot, equals) - start));
        if (dot == std::string::npos || dot > equals) break;
        start = dot + 1;
      }
    }
    if (equals == std::string::npos ||
        std::any_of(path.begin(), path.end(), [](const std::string& p) { return p.empty(); })) {
      throw UserError(Origin{quoted},
                      "expected KEY=VALUE with a dotted KEY, e.g. --set pruner.type=hyperband");
    }
    const YamlDocument value = LoadYamlString(text.substr(equals + 1), quoted);
    ForEachNode(value.root, [&](const YAML::Node& n) { foreign.emplace_back(n, quoted); });
    root = WithValueAt(root, path, 0, value.root, quoted, source, foreign);
  }
  return root;
}

}  // namespace

namespace {

// PufferLib and Metta files name the whole rollout batch_size: they are known by a
// minibatch_size or bptt_horizon key or Metta's ${ss:...} values anywhere in the file. (A
// protein: section is no sign: hpo's own files use Protein with SB3's names.)
bool UsesPufferLibNames(const YAML::Node& root) {
  bool found = false;
  ForEachNode(root, [&found](const YAML::Node& node) {
    if (node.IsScalar()) found |= node.Scalar().rfind("${ss:", 0) == 0;
    if (node.IsMap())
      found |= node["minibatch_size"].IsDefined() || node["bptt_horizon"].IsDefined();
  });
  return found;
}

SweepConfig LoadWithPreset(const YamlDocument& doc, const std::string& name,
                           const std::string& preset, const std::vector<std::string>& command,
                           const std::vector<std::string>& sets);

// Constraints that reject every draw of the prior are reported at load, at the constraint that
// rejected most draws. Deterministic draws: the same file always gives the same answer.
// W&B's grid refuses weighted categoricals (grid_search.py): a grid runs each value once.
void CheckGridTakesNoProbabilities(const SweepConfig& c) {
  if (c.sampler.method != "grid") return;
  for (const ParameterSpec& p : c.parameters) {
    if (!p.probabilities.empty()) {
      throw UserError(p.origin, fmt::format("{}: a grid runs each value once, so probabilities "
                                            "mean nothing there (W&B's grid refuses them too)",
                                            Echo(p.written_name)));
    }
  }
}

void CheckFeasible(const SweepConfig& config, const space::SearchSpace& space) {
  if (config.constraints.empty()) return;
  constexpr int kDraws = 2000;
  Rng rng(DeriveSeed(0, 0, "feasibility-check"));
  std::vector<int> rejections(config.constraints.size());
  for (int draw = 0; draw < kDraws; ++draw) {
    const std::optional<size_t> rejecting =
        space.RejectingConstraint(space.ToParams(space.SamplePrior(rng)));
    if (!rejecting) return;
    ++rejections[*rejecting];
  }
  const size_t worst = static_cast<size_t>(std::max_element(rejections.begin(), rejections.end()) -
                                           rejections.begin());
  const auto& [text, origin] = config.constraints[worst];
  throw UserError(
      origin,
      fmt::format(
          "the constraints look infeasible: all {} random draws were rejected, {} of them by "
          "'{}'",
          kDraws, rejections[worst], Echo(text)));
}

// A grid runs whole when the file gives no budget (W&B's grid search has none); other methods
// run kDefaultTrials.
int DefaultTrials(const SweepConfig& config, const space::SearchSpace& space) {
  if (config.sampler.method != "grid") return SweepConfig::kDefaultTrials;
  double points = 1;
  for (const auto& axis : samplers::GridSampler(config.sampler.grid).Axes(space))
    points *= static_cast<double>(axis.size());
  return static_cast<int>(std::clamp(points, 1.0, 1e6));
}

// base_config: the trainer file's values become fixed values, unless fixed: or a searched
// parameter names the key.
void MergeBaseConfig(SweepConfig& c) {
  const Origin& origin = c.base_config_origin;
  if (!c.command.empty()) {
    throw UserError(origin,
                    "base_config gives hpo train's base values, and this sweep's trial program is "
                    "not hpo train "
                    "(put the values in fixed:)");
  }
  if (!std::filesystem::is_regular_file(c.base_config)) {
    throw UserError(
        origin,
        fmt::format(
            "base_config '{}' is not a file (a relative path is from the current folder, {})",
            Echo(c.base_config), std::filesystem::current_path().string()));
  }
  TrainerConfig base;
  ApplyYamlFile(base, c.base_config);
  std::set<std::string> searched;
  for (const ParameterSpec& p : c.parameters) searched.insert(p.name);
  int taken = 0;
  for (const std::string& key : base.explicit_keys) {
    if (c.fixed.count(key) || searched.count(key)) continue;
    c.fixed[key] = base.Get(key);
    ++taken;
  }
  c.notes.push_back(fmt::format(
      "base_config {}: {} of its {} value(s) as fixed values (fixed: and searched parameters win)",
      c.base_config, taken, base.explicit_keys.size()));
}

// A metric hpo train never writes would fail every trial, each after its whole training run:
// refused at load, where it is written. A custom program's metrics are its own business.
void CheckTrainerMetrics(const SweepConfig& c) {
  if (!c.command.empty()) return;
  for (const Objective& o : c.Objectives()) {
    if (TrainerWritesMetric(o.name)) continue;
    const std::vector<std::string>& keys = TrainerResultKeys();
    const std::string closest =
        ClosestWord(o.name, std::vector<std::string_view>(keys.begin(), keys.end()));
    const bool near = EditDistance(o.name, closest) <= std::max<size_t>(2, o.name.size() / 3);
    throw UserError(
        c.metric_origin.where.empty() ? Origin{c.source} : c.metric_origin,
        fmt::format("metric '{}' is never written by hpo train{}: its results have {}, and "
                    "reward, mean_reward and episode_reward_mean read final_mean_reward; a "
                    "metric of another program needs its command:",
                    Echo(o.name), near ? fmt::format(" (did you mean '{}'?)", closest) : "",
                    fmt::join(keys, ", ")));
  }
}

SweepConfig FromDocument(const YamlDocument& doc, const std::string& name,
                         const std::string& preset, const std::vector<std::string>& command,
                         const std::vector<std::string>& sets) {
  SweepConfig config = LoadWithPreset(doc, name, preset, command, sets);
  // Every preset is checked now, not only when someone selects it.
  for (const std::string& other : config.presets) {
    if (other == preset) continue;
    try {
      LoadWithPreset(doc, name, other, command, sets);
    } catch (const UserError& e) {
      throw UserError(fmt::format("{} (in preset '{}')", e.what(), other));
    }
  }
  return config;
}

// True when a parameters: section is absent or holds W&B's {value: ...} constants only (as a
// stored config writes a fixed mapping): a sweep that searches nothing on purpose.
bool OnlyConstants(const YAML::Node& parameters) {
  if (!parameters) return true;
  if (!parameters.IsMap()) return false;
  return std::all_of(parameters.begin(), parameters.end(), [](const auto& p) {
    return p.second.IsMap() && p.second.size() == 1 && p.second["value"];
  });
}

SweepConfig LoadWithPreset(const YamlDocument& doc, const std::string& name,
                           const std::string& preset, const std::vector<std::string>& command,
                           const std::vector<std::string>& sets) {
  if (!doc.root.IsMap() && !MatchesGuild(doc.root))  // a guild.yml may list its models
    throw UserError(OriginOf(doc.source, doc.root), "a sweep config must be a mapping of keys");
  SweepConfig config;
  config.source = doc.source;
  config.name = name;
  config.preset = preset;
  const Vocabulary& vocabulary = doc.ini ? PufferLibIniVocabulary() : DetectVocabulary(doc.root);
  // W&B's files are read by the hpo reader after W&B's checks: the same preparation
  const bool hpo_reader = vocabulary.read == ReadHpo || vocabulary.read == ReadWandb;
  config.vocabulary =
      vocabulary.read == ReadHpo ? HpoVocabularyName(doc.root) : std::string(vocabulary.name);
  SweepReading reading(doc.source, config);
  if (!command.empty()) reading.SetCommandFromCli(command);
  if (vocabulary.read == ReadPufferLibConfig || UsesPufferLibNames(doc.root))
    reading.SetDialect(TrainerDialect::kPufferLib);
  // Hydra's, Metta's and Protein's files are OmegaConf configs (hpo's own vocabulary reads Metta's)
  std::vector<UnresolvedValue> unresolved;
  if (vocabulary.read == ReadHydra || hpo_reader) unresolved = ResolveInterpolations(doc.root);
  // A foreign file's own sections, if any, are its presets; --set comes after the preset.
  std::vector<std::pair<YAML::Node, std::string>> foreign = doc.origins;
  const YAML::Node root =
      ApplySets(hpo_reader ? ApplyPreset(doc.root, preset, doc.source, config.presets) : doc.root,
                sets, doc.source, foreign);
  reading.SetForeignNodes(std::move(foreign), !sets.empty());
  vocabulary.read(reading, root);
  reading.FinishCommand();
  reading.FinishNames();
  reading.FinishAlgorithm();
  if (!config.base_config.empty()) MergeBaseConfig(config);
  for (const UnresolvedValue& value : unresolved) {  // one the search needed would have thrown
    const std::string entry = fmt::format("{} (unresolved '{}': nothing in the search needs it)",
                                          value.path, Echo(value.text));
    const auto listed = std::find(config.ignored.begin(), config.ignored.end(), value.path);
    if (listed != config.ignored.end())
      *listed = entry;
    else
      config.ignored.push_back(entry);
  }
  // A sweep of constants only runs its one configuration (a grid once; other methods n_trials
  // times, each trial with its own seed): a W&B file, as W&B runs it, or an hpo file with
  // fixed: and no parameters: section. A parameters: section with nothing to search is a
  // mistake (W&B refuses such a file too), and so is a file with nothing at all.
  const bool constants_on_purpose =
      vocabulary.read == ReadWandb ||
      (vocabulary.read == ReadHpo && !root["searchable"] && OnlyConstants(root["parameters"]));
  if (config.parameters.empty() && (config.fixed.empty() || !constants_on_purpose)) {
    throw UserError(OriginOf(doc.source, doc.root),
                    fmt::format("the config searches no parameter{} (read as {})",
                                config.fixed.empty() ? " and fixes none" : "", config.vocabulary));
  }
  if (config.parameters.empty()) {
    config.notes.push_back(
        "no parameter is searched: every trial runs the one configuration of the fixed values, "
        "each with its own seed (a grid runs it once)");
  }
  for (const ParameterSpec& p : config.parameters) {
    if (config.fixed.count(p.name))
      throw UserError(p.origin, fmt::format("'{}' is both fixed and searched", p.written_name));
  }
  if (config.MultiObjective() && config.sampler.method == "protein" && !reading.method_set()) {
    config.sampler.method = "tpe";  // the default sampler scalarises; Optuna's multi-objective TPE
                                    // is the better default
    config.notes.push_back(
        "several objectives and no sampler given: method tpe (Optuna's multi-objective TPE)");
  }
  CheckObjectives(config);
  CheckGridTakesNoProbabilities(config);
  CheckTrainerMetrics(config);
  const space::SearchSpace space = config.BuildSpace();
  CheckFeasible(config, space);  // bad distributions and constraints now, not at the first trial
  if (config.n_trials == 0) config.n_trials = DefaultTrials(config, space);
  return config;
}

// A sweep file is YAML, or INI when its first line of content is a [section] header
// (PufferLib's configs, whatever their name).
YamlDocument LoadSweepText(const std::string& text, const std::string& source) {
  return LooksLikeIni(text) ? LoadIniString(text, source) : LoadYamlString(text, source);
}

YamlDocument LoadSweepDocument(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path)) return LoadYamlFile(path);  // its "file not found"
  const std::string text = ReadFile(path);
  return LooksLikeIni(text) ? LoadIniString(text, path.string()) : LoadYamlFile(path);
}

}  // namespace

SweepConfig LoadSweepConfig(const std::filesystem::path& path, const std::string& preset,
                            const std::vector<std::string>& command,
                            const std::vector<std::string>& sets) {
  return FromDocument(LoadSweepDocument(path), path.stem().string(), preset, command, sets);
}

SweepConfig ParseSweepConfig(const std::string& text, const std::string& source,
                             const std::string& name) {
  SweepConfig config = FromDocument(LoadSweepText(text, source), name, "", {}, {});
  config.name = name;  // the study's name wins over a name: key in the text
  return config;
}

std::vector<Objective> SweepConfig::Objectives() const {
  return AllObjectives(metric, maximize, more_objectives);
}

std::string SweepConfig::Direction() const {
  std::string direction;
  for (const Objective& o : Objectives())
    direction += (direction.empty() ? "" : ",") + std::string(o.maximize ? "maximize" : "minimize");
  return direction;
}

void CheckObjectives(const SweepConfig& c) {
  if (!c.MultiObjective()) return;
  const std::string what = fmt::format("a study with {} objectives", c.more_objectives.size() + 1);
  if (c.pruner.method != "none") {
    throw UserError(
        c.objectives_origin,
        fmt::format("{} cannot be pruned (as in Optuna): pruner {} compares one metric's "
                    "curves; remove the pruner, or optimise one metric",
                    what, c.pruner.method));
  }
  if (c.target || c.patience > 0) {
    throw UserError(
        c.objectives_origin,
        fmt::format("{} has no single best value: target and patience compare one metric; "
                    "remove them, or optimise one metric",
                    what));
  }
  if (c.sampler.method == "cmaes") {
    throw UserError(
        c.objectives_origin,
        fmt::format("{} cannot be searched by cmaes (it ranks by one value, as Optuna's "
                    "CmaEsSampler); use tpe, protein, random or grid",
                    what));
  }
}

space::SearchSpace SweepConfig::BuildSpace() const {
  space::SearchSpace space;
  // Every spelling of every name a constraint may use: as written, canonical, and the leaf.
  std::map<std::string, std::string> names;
  auto add_names = [&names](const std::string& canonical, const std::string& written) {
    names[canonical] = canonical;
    names[written] = canonical;
    const size_t dot = written.rfind('.');
    if (dot != std::string::npos) names.emplace(written.substr(dot + 1), canonical);
  };
  for (const ParameterSpec& p : parameters) {
    space.AddParameter(p.name, p.categorical ? space::MakeCategorical(p.choices, p.prior, p.origin,
                                                                      p.probabilities)
                                             : space::MakeNumeric(p.numeric, p.origin));
    add_names(p.name, p.written_name);
  }
  // Constraints read the searched and the fixed values only. A trainer key the sweep leaves to
  // hpo train's default is refused: a preset that searches fewer keys than its constraints read
  // ran them against defaults, silently ("constraints rejected 0").
  for (const auto& [name, value] : fixed) add_names(name, name);
  space.SetFixed(fixed);
  const bool trainer = command.empty();
  const space::Constraint::Resolver resolve =
      [&names, trainer](std::string_view name) -> std::optional<std::string> {
    if (const auto it = names.find(std::string(name)); it != names.end()) return it->second;
    if (trainer) {
      if (const std::optional<std::string> key = CanonicalTrainerKey(name);
          key && names.count(*key))
        return names.at(*key);
    }
    return std::nullopt;
  };
  const space::Constraint::UnknownName unknown = [this, trainer](std::string_view name) {
    const std::optional<std::string> key = trainer ? CanonicalTrainerKey(name) : std::nullopt;
    if (!key) return fmt::format("unknown parameter '{}'", Echo(name));
    return fmt::format(
        "'{}'{} is set by no part of this sweep (not searched, not fixed{}): search it or fix it "
        "(it would read hpo train's default)",
        Echo(name), *key != name ? fmt::format(" ({})", *key) : "",
        preset.empty() ? "" : fmt::format(", not in preset '{}'", preset));
  };
  for (const auto& [text, origin] : constraints)
    space.AddConstraint(space::Constraint::Parse(text, resolve, origin, unknown));
  return space;
}

namespace {

void EmitSampler(YAML::Emitter& out, const samplers::SamplerSettings& s) {
  const samplers::ProteinSettings& p = s.protein;
  const samplers::TpeSettings& t = s.tpe;
  out << YAML::Key << "sampler" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "method" << YAML::Value << s.method;
  out << YAML::Key << "grid_points" << YAML::Value << s.grid.points;
  out << YAML::Key << "num_random_samples" << YAML::Value << p.num_random_samples;
  out << YAML::Key << "max_suggestion_cost" << YAML::Value << FormatDouble(p.max_suggestion_cost);
  out << YAML::Key << "resample_frequency" << YAML::Value << p.resample_frequency;
  out << YAML::Key << "global_search_scale" << YAML::Value << FormatDouble(p.global_search_scale);
  out << YAML::Key << "random_suggestions" << YAML::Value << p.random_suggestions;
  out << YAML::Key << "suggestions_per_pareto" << YAML::Value << p.suggestions_per_pareto;
  out << YAML::Key << "expansion_rate" << YAML::Value << FormatDouble(p.expansion_rate);
  out << YAML::Key << "n_startup_trials" << YAML::Value << t.n_startup_trials;
  out << YAML::Key << "n_ei_candidates" << YAML::Value << t.n_ei_candidates;
  out << YAML::Key << "gamma" << YAML::Value << FormatDouble(t.gamma);
  out << YAML::Key << "prior_weight" << YAML::Value << FormatDouble(t.prior_weight);
  out << YAML::Key << "constant_liar" << YAML::Value << t.constant_liar;
  out << YAML::Key << "multivariate" << YAML::Value << t.multivariate;
  out << YAML::EndMap;
}

void EmitPruner(YAML::Emitter& out, const pruners::PrunerSettings& s) {
  // 0 resources mean "auto", which is how the loader reads them back.
  auto resource = [](int64_t r) { return r == 0 ? std::string("auto") : std::to_string(r); };
  const pruners::PercentileRule& p = s.percentile_rule;
  const pruners::HalvingRule& h = s.halving_rule;
  out << YAML::Key << "pruner" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "method" << YAML::Value << s.method;
  out << YAML::Key << "n_startup_trials" << YAML::Value << p.n_startup_trials;
  out << YAML::Key << "n_warmup_steps" << YAML::Value << p.n_warmup_steps;
  out << YAML::Key << "interval_steps" << YAML::Value << p.interval_steps;
  out << YAML::Key << "percentile" << YAML::Value << FormatDouble(p.percentile);
  out << YAML::Key << "n_min_trials" << YAML::Value << p.n_min_trials;
  out << YAML::Key << "min_resource" << YAML::Value << resource(h.min_resource);
  out << YAML::Key << "max_resource" << YAML::Value << resource(h.max_resource);
  out << YAML::Key << "reduction_factor" << YAML::Value << h.reduction_factor;
  out << YAML::Key << "min_early_stopping_rate" << YAML::Value << h.min_early_stopping_rate;
  out << YAML::Key << "bootstrap_count" << YAML::Value << h.bootstrap_count;
  const pruners::WandbBandRule& b = s.band_rule;  // W&B's early_terminate
  if (b.min_iter) out << YAML::Key << "min_iter" << YAML::Value << *b.min_iter;
  if (b.max_iter) out << YAML::Key << "max_iter" << YAML::Value << *b.max_iter;
  if (b.s) out << YAML::Key << "s" << YAML::Value << *b.s;
  out << YAML::Key << "eta" << YAML::Value << FormatDouble(b.eta);
  out << YAML::Key << "strict" << YAML::Value << b.strict;
  out << YAML::EndMap;
}

void EmitParameter(YAML::Emitter& out, const ParameterSpec& p) {
  out << YAML::Key << p.name << YAML::Value << YAML::Flow << YAML::BeginMap;
  if (p.categorical) {
    out << YAML::Key << "values" << YAML::Value;
    EmitValue(out, Value(Value::List(p.choices.begin(), p.choices.end())));
    if (p.prior) {
      out << YAML::Key << "prior" << YAML::Value;
      EmitValue(out, *p.prior);
    }
    if (!p.probabilities.empty()) {
      out << YAML::Key << "probabilities" << YAML::Value << YAML::Flow << YAML::BeginSeq;
      for (double w : p.probabilities) out << FormatDouble(w);
      out << YAML::EndSeq;
    }
  } else {
    out << YAML::Key << "distribution" << YAML::Value << p.numeric.distribution;
    if (p.numeric.beta) {  // W&B's beta family: on [0, 1]
      out << YAML::Key << "a" << YAML::Value << FormatDouble(p.numeric.beta->a);
      out << YAML::Key << "b" << YAML::Value << FormatDouble(p.numeric.beta->b);
      if (p.numeric.q != 1.0) out << YAML::Key << "q" << YAML::Value << FormatDouble(p.numeric.q);
      out << YAML::EndMap;
      return;
    }
    if (p.numeric.sigma) {  // W&B's normal family: unbounded
      out << YAML::Key << "mu" << YAML::Value << FormatDouble(p.numeric.mean.value_or(0.0));
      out << YAML::Key << "sigma" << YAML::Value << FormatDouble(*p.numeric.sigma);
      if (p.numeric.q != 1.0) out << YAML::Key << "q" << YAML::Value << FormatDouble(p.numeric.q);
      out << YAML::EndMap;
      return;
    }
    out << YAML::Key << "min" << YAML::Value << FormatDouble(p.numeric.min);
    out << YAML::Key << "max" << YAML::Value << FormatDouble(p.numeric.max);
    if (p.numeric.mean) out << YAML::Key << "mean" << YAML::Value << FormatDouble(*p.numeric.mean);
    if (p.numeric.scale) out << YAML::Key << "scale" << YAML::Value << *p.numeric.scale;
    if (p.numeric.q != 1.0) out << YAML::Key << "q" << YAML::Value << FormatDouble(p.numeric.q);
  }
  out << YAML::EndMap;
}

// A mapping under fixed: is a group of names, so a fixed mapping value is written as W&B's
// constant under parameters: instead.
void EmitFixedAndParameters(YAML::Emitter& out, const ParamSet& fixed,
                            const std::vector<ParameterSpec>& parameters) {
  out << YAML::Key << "fixed" << YAML::Value << YAML::BeginMap;
  for (const auto& [k, v] : fixed) {
    if (v.is_mapping()) continue;
    out << YAML::Key << k << YAML::Value;
    EmitValue(out, v);
  }
  out << YAML::EndMap;
  const bool fixed_mappings = std::any_of(fixed.begin(), fixed.end(),
                                          [](const auto& kv) { return kv.second.is_mapping(); });
  if (parameters.empty() && !fixed_mappings) return;  // a sweep of constants only
  out << YAML::Key << "parameters" << YAML::Value << YAML::BeginMap;
  for (const ParameterSpec& p : parameters) EmitParameter(out, p);
  for (const auto& [k, v] : fixed) {
    if (!v.is_mapping()) continue;
    out << YAML::Key << k << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "value"
        << YAML::Value;
    EmitValue(out, v);
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
}

}  // namespace

std::vector<std::string> HookSettings::Macros(const std::string& hook) {
  std::vector<std::string> names = {"sweep", "sweep_dir"};
  if (hook == "on_trial_start" || hook == "on_trial_end") {
    names.insert(names.end(), kParameterMacros.begin(), kParameterMacros.end());
    names.insert(names.end(), {"run_dir", "trial_json", "trial_number", "trial_state"});
  }
  if (hook == "on_sweep_end") names.push_back("sweep_json");
  return names;
}

// Every setting, so that ParseSweepConfig(ToYaml()) is the same sweep (tests/config: round trip).
std::string SweepConfig::ToYaml() const {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << name;
  if (MultiObjective()) {
    out << YAML::Key << "metrics" << YAML::Value << YAML::BeginSeq;
    for (const Objective& o : Objectives()) {
      out << YAML::Flow << YAML::BeginMap << YAML::Key << "name" << YAML::Value << o.name
          << YAML::Key << "goal" << YAML::Value << (o.maximize ? "maximize" : "minimize")
          << YAML::EndMap;
    }
    out << YAML::EndSeq;
  } else {
    out << YAML::Key << "metric" << YAML::Value << metric;
    out << YAML::Key << "goal" << YAML::Value << (maximize ? "maximize" : "minimize");
  }
  out << YAML::Key << "n_trials" << YAML::Value << n_trials;
  out << YAML::Key << "n_jobs" << YAML::Value << n_jobs;
  out << YAML::Key << "seed" << YAML::Value << seed;
  // The sampler before timeout_per_trial: its max_suggestion_cost sets the timeout only when
  // no timeout_per_trial was read yet.
  EmitSampler(out, sampler);
  EmitPruner(out, pruner);
  out << YAML::Key << "timeout" << YAML::Value << FormatDouble(timeout);
  out << YAML::Key << "timeout_per_trial" << YAML::Value << FormatDouble(timeout_per_trial);
  out << YAML::Key << "max_retries" << YAML::Value << max_retries;
  out << YAML::Key << "heartbeat_timeout" << YAML::Value << FormatDouble(heartbeat_timeout);
  out << YAML::Key << "cost" << YAML::Value << cost;
  if (target) out << YAML::Key << "target" << YAML::Value << FormatDouble(*target);
  if (patience > 0) out << YAML::Key << "patience" << YAML::Value << patience;
  if (keep_best_n > 0) out << YAML::Key << "keep_best_n" << YAML::Value << keep_best_n;
  if (narrow > 0)
    out << YAML::Key << "narrow" << YAML::Value
        << FormatDouble(narrow);  // not applied yet: no --from-patch
  if (min_delta != 0) out << YAML::Key << "min_delta" << YAML::Value << FormatDouble(min_delta);
  if (!warm_start_from.empty())
    out << YAML::Key << "warm_start_from" << YAML::Value << warm_start_from;
  if (!enqueue.empty()) {
    out << YAML::Key << "enqueue" << YAML::Value << YAML::BeginSeq;
    for (const std::vector<GivenValue>& entry : enqueue) {
      out << YAML::Flow << YAML::BeginMap;
      for (const GivenValue& g : entry) {
        out << YAML::Key << g.name << YAML::Value;
        EmitValue(out, g.value);
      }
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  if (!preset.empty()) out << YAML::Key << "applied_preset" << YAML::Value << preset;
  if (!command.empty()) {
    out << YAML::Key << "command" << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (const std::string& w : command) out << w;
    out << YAML::EndSeq;
  }
  EmitFixedAndParameters(out, fixed, parameters);
  if (!constraints.empty()) {
    out << YAML::Key << "constraints" << YAML::Value << YAML::BeginSeq;
    for (const auto& [text, origin] : constraints) out << text;
    out << YAML::EndSeq;
  }
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

std::vector<std::string> CommandOption(const std::string& text) {
  std::vector<std::string> words;
  try {
    words = SplitCommandLine(text);
  } catch (const UserError& e) {
    throw UserError(Origin{"--command"}, e.what());
  }
  if (words.empty()) throw UserError(Origin{"--command"}, "is empty");
  return words;
}

std::vector<std::string> SplitCommandLine(const std::string& text) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if (quote) {
      if (ch == quote)
        quote = 0;
      else if (ch == '\\' && quote == '"' && i + 1 < text.size())
        word += text[++i];
      else
        word += ch;
    } else if (ch == '\'' || ch == '"') {
      quote = ch;
      in_word = true;
    } else if (ch == '\\' && i + 1 < text.size()) {
      word += text[++i];
      in_word = true;
    } else if (ch == ' ' || ch == '\t' || ch == '\n') {
      if (in_word) words.push_back(word);
      word.clear();
      in_word = false;
    } else {
      word += ch;
      in_word = true;
    }
  }
  if (quote) throw UserError(fmt::format("unclosed {} quote in '{}'", quote, Echo(text)));
  if (in_word) words.push_back(word);
  return words;
}

std::string DescribeParameter(const ParameterSpec& p) {
  if (p.categorical) {
    std::string choices;
    for (const Value& v : p.choices) choices += (choices.empty() ? "" : ", ") + v.ToYaml();
    std::string weights;
    for (double w : p.probabilities) weights += (weights.empty() ? "" : ", ") + FormatDouble(w);
    return fmt::format("categorical [{}]{}{}", choices,
                       p.prior ? " prior " + p.prior->ToYaml() : "",
                       weights.empty() ? "" : " probabilities [" + weights + "]");
  }
  const space::NumericSpec& n = p.numeric;
  if (n.beta) {
    return fmt::format("{} a {} b {}{}", n.distribution, FormatDouble(n.beta->a),
                       FormatDouble(n.beta->b), n.q != 1.0 ? " q " + FormatDouble(n.q) : "");
  }
  if (n.sigma) {
    return fmt::format("{} mu {} sigma {}{}", n.distribution, FormatDouble(n.mean.value_or(0.0)),
                       FormatDouble(*n.sigma), n.q != 1.0 ? " q " + FormatDouble(n.q) : "");
  }
  std::string text =
      fmt::format("{} [{}, {}]", n.distribution, FormatDouble(n.min), FormatDouble(n.max));
  if (n.mean) text += " mean " + FormatDouble(*n.mean);
  if (n.scale) text += " scale " + *n.scale;
  if (n.q != 1.0) text += " q " + FormatDouble(n.q);
  return text;
}

std::vector<std::string> StudyChanges(const SweepConfig& stored, const SweepConfig& now) {
  std::vector<std::string> changes;
  auto change = [&changes](const std::string& what, const std::string& before,
                           const std::string& after) {
    if (before != after)
      changes.push_back(fmt::format("{}: {} -> {}", Echo(what), Echo(before), Echo(after)));
  };
  if (stored.MultiObjective() || now.MultiObjective()) {
    change("objectives", DescribeObjectives(stored.Objectives()),
           DescribeObjectives(now.Objectives()));
  } else {
    change("metric", stored.metric, now.metric);
    change("goal", stored.maximize ? "maximize" : "minimize",
           now.maximize ? "maximize" : "minimize");
  }
  auto program = [](const SweepConfig& c) {
    return c.command.empty() ? std::string("hpo train")
                             : fmt::format("{}", fmt::join(c.command, " "));
  };
  change("trial program", program(stored), program(now));

  std::map<std::string, std::pair<std::string, std::string>> params;  // name -> (before, after)
  for (const ParameterSpec& p : stored.parameters) params[p.name].first = DescribeParameter(p);
  for (const ParameterSpec& p : now.parameters) params[p.name].second = DescribeParameter(p);
  std::map<std::string, std::pair<std::string, std::string>> fixed;
  for (const auto& [k, v] : stored.fixed) fixed[k].first = v.ToYaml();
  for (const auto& [k, v] : now.fixed) fixed[k].second = v.ToYaml();
  auto or_none = [](const std::string& s) { return s.empty() ? std::string("(none)") : s; };
  for (const auto& [name, texts] : params)
    change(name, or_none(texts.first), or_none(texts.second));
  for (const auto& [name, texts] : fixed)
    change("fixed " + name, or_none(texts.first), or_none(texts.second));

  auto constraint_list = [](const SweepConfig& c) {
    std::string list;
    for (const auto& [text, origin] : c.constraints) list += (list.empty() ? "" : "; ") + text;
    return "[" + list + "]";
  };
  change("constraints", constraint_list(stored), constraint_list(now));
  return changes;
}

}  // namespace hpo::config
