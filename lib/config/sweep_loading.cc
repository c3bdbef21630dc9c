// Loading a sweep file (LoadSweepConfig, ParseSweepConfig): its format (YAML or PufferLib's
// INI), the preset, `--set`, the vocabulary's reader, then what no reader decides alone: the
// base config, the checks of the whole sweep, the first trials' budget. The SweepConfig it
// builds, and how that is stored and compared, are sweep_config.cc's.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "lib/config/ini_source.h"
#include "lib/config/interpolation.h"
#include "lib/config/objective_formula.h"
#include "lib/config/sweep_config.h"
#include "lib/config/sweep_reading.h"
#include "lib/config/trainer_config.h"
#include "lib/config/vocabularies/vocabulary.h"
#include "lib/config/yaml_source.h"
#include "lib/core/atomic_file.h"
#include "lib/core/random.h"
#include "lib/protocol/trial_results.h"
#include "lib/samplers/grid_sampler.h"

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

// A file of hpo's reader is read with OmegaConf's meaning when its spellings are Metta's
// (HpoVocabularyLoader): that is hpo's guess, so each scalar it changes is noted.
void NoteMettaReadings(SweepConfig& config, const YamlDocument& doc) {
  const auto said = [](const Value& v) {
    return v.is_string() ? fmt::format("the text '{}'", Echo(v.as_string())) : v.ToYaml();
  };
  for (const ReadOtherwise& s : ScalarsReadOtherwiseThanYaml12(doc.root, doc.source)) {
    config.notes.push_back(fmt::format(
        "{}: '{}' read as {}, as OmegaConf reads Metta's sweep files (this file has Protein/Metta "
        "or CARBS spellings); YAML 1.2, hpo's own files' reading, makes it {}",
        s.path, Echo(s.text), said(s.tools), said(s.yaml12)));
  }
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
  const double points = samplers::GridSampler(config.sampler.grid).Size(space);
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

// Every objective is read now (ObjectiveFormula): an expression's syntax, and with hpo train as
// the trial program, each name it reads. A metric hpo train never writes would fail every trial,
// each after its whole training run: refused at load, where it is written. A custom program's
// metrics are its own business.
void CheckObjectiveFormulas(const SweepConfig& c) {
  const Origin origin = c.metric_origin.where.empty() ? Origin{c.source} : c.metric_origin;
  for (const Objective& o : c.objectives.All()) {
    const bool expression = ObjectiveFormula::IsExpression(o.name);
    const ObjectiveFormula::NameCheck trainer_writes =
        [expression](const std::string& name) -> std::optional<std::string> {
      std::optional<std::string> why = protocol::WhyTrainerNeverWrites(name);
      if (!why || expression) return why;  // in an expression: the column follows
      return fmt::format(
          "metric {}: its results have {}, and reward, mean_reward and episode_reward_mean read "
          "final_mean_reward; a metric of another program needs its command:",
          *why, fmt::join(protocol::TrainerResultKeys(), ", "));
    };
    ObjectiveFormula::Parse(o.name, origin,
                            c.command.empty() ? trainer_writes : ObjectiveFormula::NameCheck());
  }
  if (c.objectives.label.empty()) return;
  if (c.objectives.Multi()) {
    throw UserError(c.metric_name_origin,
                    fmt::format("metric_name names one expression metric; the {} objectives of "
                                "this study are each named as written",
                                c.objectives.more.size() + 1));
  }
  if (!ObjectiveFormula::IsExpression(c.objectives.metric)) {
    throw UserError(c.metric_name_origin,
                    fmt::format("metric_name names an expression (objective: \"0.7*a + 0.3*b\"); "
                                "metric '{}' is a name already",
                                Echo(c.objectives.metric)));
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
  const YamlLoader loader = LoaderOf(vocabulary, doc.root);
  ApplyLoaderMeaning(doc, loader);  // `yes`, `1e-5`... as the file's tool reads them
  if (vocabulary.read == ReadHpo && loader == YamlLoader::kOmegaConf)
    NoteMettaReadings(config, doc);
  // W&B's files are read by the hpo reader after W&B's checks: the same preparation
  const bool hpo_reader = vocabulary.read == ReadHpo || vocabulary.read == ReadWandb;
  config.vocabulary =
      vocabulary.read == ReadHpo ? HpoVocabularyName(doc.root) : std::string(vocabulary.name);
  SweepReading reading(doc.source, config);
  reading.SetReadUnder(doc.read_under);
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
  reading.FinishConditions();
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
  // times, each trial with its own seed): a W&B file or a Hydra sweeper's (whose plugins run
  // n_trials of the fixed overrides), as they run it, or an hpo file with
  // fixed: and no parameters: section, or any file whose searched lists all have one value
  // (a one-point grid). A parameters: section with nothing to search is a mistake (W&B refuses
  // such a file too), and so is a file with nothing at all.
  const bool constants_on_purpose =
      vocabulary.read == ReadWandb || vocabulary.read == ReadHydra ||
      reading.one_value_lists() > 0 ||
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
  if (config.objectives.Multi() && config.sampler.method == "protein" && !reading.method_set()) {
    config.sampler.method = "tpe";  // the default sampler scalarises; Optuna's multi-objective TPE
                                    // is the better default
    config.notes.push_back(
        "several objectives and no sampler given: method tpe (Optuna's multi-objective TPE)");
  }
  CheckObjectives(config);
  CheckGridTakesNoProbabilities(config);
  CheckObjectiveFormulas(config);
  CheckSeedsPerTrial(config);
  CheckPbt(config);
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

// An INI file is read over the defaults PufferLib reads under it, when they are where
// PufferLib looks for them.
YamlDocument LoadSweepDocument(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path)) return LoadYamlFile(path);  // its "file not found"
  const std::string text = ReadFile(path);
  if (!LooksLikeIni(text)) return LoadYamlFile(path);
  std::vector<IniText> files;
  for (const std::filesystem::path& defaults : FindPufferLibDefaults(path).files)
    files.push_back({ReadFile(defaults), defaults.string()});
  files.push_back({text, path.string()});
  return LoadIniFiles(files);
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

}  // namespace hpo::config
