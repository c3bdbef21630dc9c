// PufferLib's INI configs (config/*.ini, PufferLib 2 and later), read by ini_source.cc into the
// tree PufferLib's load_config builds. Chosen by the file's format, not its tree: the sweep is
// the [sweep] section and its subsections; every other section ([base], [env], [train], [vec],
// [policy], ...) is the program's own config, the defaults PufferLib's program reads itself, so
// hpo lists them as ignored and passes only the searched values, as the YAML PufferLib reader
// (pufferlib_vocabulary.cc) does with a section's other keys. A separate file from that reader:
// it is detected by format and reads PufferLib 3's sweep grammar, which the YAML files never had.
//
// Three sweep grammars, told apart by the tree:
// - PufferLib 2 (demo.py@496d42e): [sweep] is a W&B sweep spelled as sections,
//   [sweep.metric] and [sweep.parameters.train.parameters.x]; wandb.sweep() gets it as is
//   (demo.py:48-50), so hpo's reader reads it as it reads W&B's files.
// - PufferLib's random sweep of January 2025 (ablate.py@86aa730 sample_hyperparameters, with
//   [sweep.metric] a section): leaves are [sweep.train.x] without a parameters: level;
//   log_normal and logit_normal are given by mean, scale and clip, with no bounds (log_normal:
//   10 ** clip(normal(log10(mean), scale), log10(mean) -+ clip); logit_normal: 1 - log_normal of
//   1 - mean); other leaves by min and max, or a values list (random.choice). Told by a clip.
// - PufferLib 3 and later (pufferlib/sweep.py): [sweep] holds the sweep's settings and every
//   other subsection is a parameter group, [sweep.train.learning_rate] a leaf with
//   distribution, min, max, scale and, for some versions, mean. Two readings of mean:
//   * PufferLib 3.0 (github.com/PufferAI/PufferLib as of 2025-06, pufferlib/sweep.py@ac6dce4
//     :127 `search_center = param['mean']`, :25 `self.norm_mean = self.normalize(mean)`; the
//     same code is Metta's vendored pufferlib-core 3.0.3) requires mean on every leaf (a
//     KeyError without it) and centres the search there, unclipped: Protein's first suggestion
//     is the centre itself (sweep.py@ac6dce4 Protein.suggest, seed_with_search_center).
//   * the newest sweep.py (pufferlib/sweep.py@06e62ac, Space.__init__: `self.norm_mean = 0`)
//     never reads mean: every centre is the middle of PufferLib's normalised axis,
//     unnormalize(0), which Python's round() takes to the even integer or exponent.
//   A file with mean on every leaf was written for the first (the second ignores it); a file
//   where some leaf has no mean can only be the second's.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "lib/config/ini_source.h"
#include "lib/config/vocabularies/vocabulary.h"

namespace hpo::config {
namespace {

// The [sweep] keys sweep.py passes over when it collects parameters
// (pufferlib/sweep.py@06e62ac _params_from_puffer_sweep; an older version, with state_file and
// override_file, skips those two as well, and February 2025's name and max_score,
// sweep.py@f713756:98).
const std::set<std::string> kSweepSettings = {"method",
                                              "name",
                                              "max_score",
                                              "metric",
                                              "metric_distribution",
                                              "goal",
                                              "downsample",
                                              "use_gpu",
                                              "prune_pareto",
                                              "sweep_only",
                                              "max_suggestion_cost",
                                              "early_stop_quantile",
                                              "gpus",
                                              "max_runs",
                                              "state_file",
                                              "override_file",
                                              "match_enemy_model_path",
                                              "match_num_games",
                                              "match_enemy_hidden_size",
                                              "match_enemy_num_layers"};
// The distributions sweep.py knows; anything else is its ValueError.
const std::set<std::string> kDistributions = {"uniform", "int_uniform", "uniform_pow2",
                                              "log_normal", "logit_normal"};

// PufferLib 2: W&B's own nesting, [sweep.parameters.train.parameters.x] (a [sweep.metric]
// section alone is also PufferLib's own grammar of early 2025).
bool IsWandbForm(const YAML::Node& sweep) {
  return sweep["parameters"] && sweep["parameters"].IsMap();
}

// Whether some parameter section under [sweep] has `key` (the sweep's settings aside).
bool AnyLeafHas(const YAML::Node& node, const std::string& key, bool top = true) {
  if (!node.IsMap()) return false;
  if (!top && node[key] && !node[key].IsMap()) return true;
  for (const auto& p : node) {
    if (top && p.first.IsScalar() && kSweepSettings.count(p.first.Scalar())) continue;
    if (AnyLeafHas(p.second, key, false)) return true;
  }
  return false;
}

// A leaf of the sweep tree: a [sweep.group.name] section with its distribution.
struct Leaf {
  std::string path;
  YAML::Node key;
  YAML::Node spec;
};

// Which sweep code the file was written for (the top of this file).
enum class Grammar { kJanuary2025, kMeanCentred, kNewest };

// The parameter sections, as sweep.py walks them: a section holding sections is a group; a leaf
// needs a distribution (its assert), one of its five; January 2025's code also took a list of
// values instead (ablate.py@86aa730 sample_hyperparameters: random.choice).
void CollectLeaves(SweepReading& r, const std::string& path, const YAML::Node& key,
                   const YAML::Node& spec, bool values_ok, std::vector<Leaf>& leaves) {
  if (!spec.IsMap())
    r.Fail(key, fmt::format("'{}' in [sweep] is neither a sweep setting nor a parameter "
                            "section [sweep.{}]",
                            Echo(path), Echo(path)));
  bool group = false;
  for (const auto& p : spec) group |= p.second.IsMap();
  if (group) {
    for (const auto& p : spec)
      CollectLeaves(r, path + "." + r.Key(p.first), p.first, p.second, values_ok, leaves);
    return;
  }
  const std::string section = fmt::format("section [sweep.{}]", path);
  if (values_ok && spec["values"] && !spec["distribution"]) {
    leaves.push_back({path, key, spec});
    return;
  }
  if (!spec["distribution"])
    r.Fail(key, fmt::format("{} has no distribution (PufferLib's: {})", Echo(section),
                            fmt::join(kDistributions, ", ")));
  const std::string kind = r.Kind(spec["distribution"], path + ".distribution");
  if (!kDistributions.count(kind))
    r.Fail(spec["distribution"],
           fmt::format("{}: unknown distribution '{}' (PufferLib's: {})", Echo(section), Echo(kind),
                       fmt::join(kDistributions, ", ")));
  leaves.push_back({path, key, spec});
}

// The keys the version's code reads from a leaf (a KeyError there): min, max and scale for
// sweep.py (@ac6dce4:129-131, @06e62ac the same); mean, scale and clip for January 2025's
// log_normal and logit_normal, min and max for its other distributions.
void RequireKeys(SweepReading& r, const Leaf& leaf, Grammar grammar) {
  if (leaf.spec["values"] && !leaf.spec["distribution"]) return;
  const std::string kind = r.Kind(leaf.spec["distribution"], leaf.path + ".distribution");
  const bool by_clip =
      grammar == Grammar::kJanuary2025 && (kind == "log_normal" || kind == "logit_normal");
  std::vector<std::string> needed = {"min", "max"};
  if (by_clip) needed = {"mean", "scale", "clip"};
  if (grammar != Grammar::kJanuary2025) needed.push_back("scale");
  for (const std::string& key : needed) {
    if (!leaf.spec[key])
      r.Fail(leaf.key, fmt::format("section [sweep.{}] has no {} (PufferLib's sweep.py reads "
                                   "it{})",
                                   Echo(leaf.path), key,
                                   key == "scale" && !by_clip ? ": write scale = auto" : ""));
  }
  if (by_clip) return;
  if (r.Number(leaf.spec["min"], leaf.path + ".min") >
      r.Number(leaf.spec["max"], leaf.path + ".max"))
    r.Fail(leaf.spec["min"],
           fmt::format("section [sweep.{}]: min {} is above max {}", Echo(leaf.path),
                       Echo(leaf.spec["min"].Scalar()), Echo(leaf.spec["max"].Scalar())));
}

// January 2025's log_normal and logit_normal (ablate.py@86aa730:64-84): a normal of deviation
// `scale` decades around log10(mean) (of 1 - mean for logit), clipped `clip` decades either
// side. hpo searches the same range on the same log axis around the mean; its scale is in
// halves of the range, so scale / clip.
void ReadClipLeaf(SweepReading& r, const Leaf& leaf) {
  YAML::Node spec = leaf.spec;
  const std::string kind = r.Kind(spec["distribution"], leaf.path + ".distribution");
  const double mean = r.Number(spec["mean"], leaf.path + ".mean");
  const double scale = r.Number(spec["scale"], leaf.path + ".scale");
  const double clip = r.Number(spec["clip"], leaf.path + ".clip");
  if (!(clip > 0) || !(scale > 0))
    r.Fail(spec["clip"],
           fmt::format("section [sweep.{}]: scale and clip must be > 0", Echo(leaf.path)));
  const bool logit = kind == "logit_normal";
  const double centre = logit ? 1 - mean : mean;  // the value whose log10 is the centre
  double lo = centre * std::pow(10.0, -clip), hi = centre * std::pow(10.0, clip);
  if (logit) {  // 1 - x turns the range over
    const double top = 1 - lo;
    lo = 1 - hi;
    hi = top;
  }
  // 15 significant digits: 1 - 0.02 * 10 is 0.8, not 0.7999999999999998
  lo = std::stod(fmt::format("{:.15g}", lo));
  hi = std::stod(fmt::format("{:.15g}", hi));
  spec.remove("clip");
  spec["min"] = YAML::Node(FormatDouble(lo));
  spec["max"] = YAML::Node(FormatDouble(hi));
  spec["scale"] = YAML::Node(FormatDouble(scale / clip));
  r.config().notes.push_back(fmt::format(
      "{}: {} with mean {}, scale {}, clip {} searched in [{}, {}] on its log axis around the "
      "mean, as PufferLib's random sweep of January 2025 draws it; it clips draws to the ends, "
      "hpo draws again",
      leaf.path, kind, FormatDouble(mean), FormatDouble(scale), FormatDouble(clip),
      FormatDouble(lo), FormatDouble(hi)));
}

// Python's round(): halves to the even neighbour, as sweep.py's unnormalize rounds.
double PythonRound(double x) { return std::nearbyint(x); }

// The centre the newest sweep.py searches from: unnormalize(0), the middle of its normalised
// axis (sweep.py@06e62ac Linear, Pow2, Log, Logit). Empty where hpo's own centre without a
// mean is the same value (uniform's middle, log_normal's geometric mean).
std::optional<double> MiddleCentre(const std::string& kind, double min, double max) {
  if (kind == "int_uniform") return PythonRound((min + max) / 2);
  if (kind == "uniform_pow2") return std::exp2(PythonRound((std::log2(min) + std::log2(max)) / 2));
  if (kind == "logit_normal")
    return 1 - std::pow(10.0, (std::log10(1 - min) + std::log10(1 - max)) / 2);
  return std::nullopt;
}

// PufferLib 3.0: the mean is the centre; one outside [min, max] is searched from the nearer
// bound, where sweep.py's first Protein suggestion runs the mean itself.
void CentreAtMean(SweepReading& r, const Leaf& leaf) {
  const double min = r.Number(leaf.spec["min"], leaf.path + ".min");
  const double max = r.Number(leaf.spec["max"], leaf.path + ".max");
  const double mean = r.Number(leaf.spec["mean"], leaf.path + ".mean");
  if (mean >= min && mean <= max) return;
  const double bound = mean < min ? min : max;
  YAML::Node spec = leaf.spec;
  spec["mean"] = YAML::Node(FormatDouble(bound));
  r.config().notes.push_back(fmt::format(
      "{}: mean {} is outside [{}, {}]: searched from {} (PufferLib 3.0's Protein runs the mean "
      "itself as its first suggestion, then draws inside the bounds)",
      leaf.path, FormatDouble(mean), FormatDouble(min), FormatDouble(max), FormatDouble(bound)));
}

// The newest sweep.py: mean is not read, the centre is the middle of the axis.
void CentreInTheMiddle(SweepReading& r, const Leaf& leaf) {
  YAML::Node spec = leaf.spec;
  spec.remove("mean");
  const std::string kind = r.Kind(spec["distribution"], leaf.path + ".distribution");
  const std::optional<double> centre = MiddleCentre(kind, r.Number(spec["min"], leaf.path + ".min"),
                                                    r.Number(spec["max"], leaf.path + ".max"));
  if (centre) spec["mean"] = YAML::Node(FormatDouble(*centre));
}

// Which sweep.py the file was written for (see the top of this file), and each leaf's centre
// as that version has it; `read as:` names the version.
void ReadCentres(SweepReading& r, const std::vector<Leaf>& leaves) {
  std::vector<std::string> with_mean;
  for (const Leaf& leaf : leaves) {
    if (leaf.spec["mean"]) with_mean.push_back(leaf.path);
  }
  const bool reads_mean = !leaves.empty() && with_mean.size() == leaves.size();
  for (const Leaf& leaf : leaves)
    RequireKeys(r, leaf, reads_mean ? Grammar::kMeanCentred : Grammar::kNewest);
  r.config().vocabulary +=
      reads_mean ? ", as PufferLib 3.0's sweep.py reads it (mean is the search centre)"
                 : ", as PufferLib's newest sweep.py reads it (mean not read; the centre is "
                   "the middle of each range)";
  for (const Leaf& leaf : leaves) reads_mean ? CentreAtMean(r, leaf) : CentreInTheMiddle(r, leaf);
  if (!reads_mean && !with_mean.empty())
    r.config().notes.push_back(fmt::format(
        "mean of {} not read: some section has none, so the file is for PufferLib's newest "
        "sweep.py, which centres every parameter between min and max (PufferLib 3.0 needed "
        "mean on every section)",
        fmt::join(with_mean, ", ")));
}

// January 2025's random sweep: no centre of its own but the mean of its log_normal and
// logit_normal leaves, uniform draws elsewhere.
void ReadJanuary2025(SweepReading& r, const std::vector<Leaf>& leaves) {
  r.config().vocabulary +=
      ", as PufferLib's random sweep of January 2025 reads it (log_normal by mean, scale, clip)";
  for (const Leaf& leaf : leaves) {
    RequireKeys(r, leaf, Grammar::kJanuary2025);
    const YAML::Node kind = leaf.spec["distribution"];
    if (kind &&
        (r.Kind(kind, leaf.path) == "log_normal" || r.Kind(kind, leaf.path) == "logit_normal"))
      ReadClipLeaf(r, leaf);
  }
}

// A [sweep] setting: mapped where hpo has the same thing, listed as ignored where it has not.
void ReadSetting(SweepReading& r, const std::string& key, const YAML::Node& key_node,
                 const YAML::Node& value, YAML::Node& sweep) {
  if (key == "method") {
    // a class of pufferlib/sweep.py, found by its name (getattr(pufferlib.sweep, method)); early
    // 2025 files write protein, random or carbs in lower case
    const std::string method = LowerCase(r.Text(value, "sweep.method"));
    if (method == "carbs") {
      r.config().notes.push_back(
          "sweep.method carbs: run with hpo's protein sampler (hpo has no CARBS; "
          "Protein is its successor in PufferLib)");
    } else if (method != "protein" && method != "random") {
      r.Fail(value, fmt::format("sweep.method '{}': hpo runs PufferLib's Protein and Random "
                                "(sweep.py's ParetoGenetic has no equivalent here)",
                                Echo(value.Scalar())));
    }
    sweep[key_node] = YAML::Node(method == "random" ? "random" : "protein");
  } else if (key == "metric" && value.IsMap()) {
    // early 2025: a [sweep.metric] section with name and goal (sweep.py@aad51c5:182-184)
    for (const auto& p : value) {
      const std::string part = r.Key(p.first);
      if (part == "name") {
        sweep["metric"] = p.second;
      } else if (part == "goal") {
        sweep["goal"] = p.second;
      } else {
        r.Ignore("sweep.metric." + part);
      }
    }
  } else if (key == "metric" || key == "goal") {
    sweep[key_node] = value;  // the file's nodes: errors keep their line:col
  } else if (key == "max_runs") {
    r.config().n_trials = r.Int(value, "sweep.max_runs", 1);
  } else if (key == "max_suggestion_cost") {
    YAML::Node protein(YAML::NodeType::Map);
    protein[key_node] = value;
    // Protein's cap on what it suggests; PufferLib never kills a run for it, so unlike hpo's
    // own files it sets no per-trial time limit here
    const double timeout_per_trial = r.config().timeout_per_trial;
    r.ReadSamplerSettings(protein, "sweep");
    r.config().timeout_per_trial = timeout_per_trial;
  } else if (key == "sweep_only") {
    r.Fail(key_node,
           "sweep_only (search only the parameters it names) is not read by hpo: "
           "comment out the other [sweep.*] sections instead");
  } else {
    r.Ignore("sweep." + key);
  }
}

// What a file without the whole sweep lacks: PufferLib reads an environment's file over
// config/default.ini (FindPufferLibDefaults), which hpo has read under it too, or did not find
// where PufferLib looks for it.
std::string WithoutDefaults(const SweepReading& r) {
  if (!r.read_under().empty())
    return fmt::format("nor has {} under it", fmt::join(r.read_under(), " or "));
  const PufferLibDefaults defaults = FindPufferLibDefaults(r.source());
  if (defaults.is_root_default) return "in PufferLib's config/default.ini itself";
  if (defaults.config_dir.empty()) {
    return "PufferLib reads an environment's file over config/default.ini, and this file is in "
           "no folder named config, where PufferLib looks for it";
  }
  return fmt::format(
      "PufferLib reads an environment's file over config/default.ini, and there "
      "is no {}",
      defaults.root_default.string());
}

// sweep.py reads config['metric'] and config['goal'] (@ac6dce4:157-158, @06e62ac the same;
// January 2025's random sweep reads the metric's name only).
void RequireObjective(SweepReading& r, const YAML::Node& sweep, const YAML::Node& read,
                      bool january) {
  for (const char* key : {"metric", "goal"}) {
    if (read[key] || (january && std::string(key) == "goal")) continue;
    r.Fail(sweep, fmt::format("[sweep] has no {} (PufferLib's sweep.py reads it), {}", key,
                              WithoutDefaults(r)));
  }
}

// The defaults the file was read over, in `read as:` and a note.
void NoteDefaults(SweepReading& r) {
  if (r.read_under().empty()) return;
  const std::string files = fmt::format("{}", fmt::join(r.read_under(), " and "));
  r.config().vocabulary += ", over " + files;
  r.config().notes.push_back(fmt::format(
      "read over {}, as PufferLib's load_config reads an environment's file (configparser, "
      "the later file's keys replacing the earlier's): their [sweep] settings and [sweep.*] "
      "sections count unless this file gives its own",
      files));
}

}  // namespace

bool MatchesPufferLibIni(const YAML::Node& /*root*/) { return false; }  // chosen by format

void ReadPufferLibIni(SweepReading& r, const YAML::Node& root) {
  r.SetDialect(TrainerDialect::kPufferLib);
  std::vector<std::string> program_sections;
  for (const auto& p : root) {
    if (r.Key(p.first) != "sweep") program_sections.push_back(r.Key(p.first));
  }
  const YAML::Node sweep = root["sweep"];
  NoteDefaults(r);
  if (!sweep || !sweep.IsMap()) r.Fail(root, "no [sweep] section, " + WithoutDefaults(r));
  for (const std::string& name : program_sections) r.Ignore(name);
  if (!program_sections.empty())
    r.config().notes.push_back(fmt::format(
        "[{}]: the program's own config (its defaults, which it reads itself): not passed",
        fmt::join(program_sections, "], [")));
  YAML::Node wrapped(YAML::NodeType::Map);
  if (IsWandbForm(sweep)) {
    r.config().vocabulary += ", PufferLib 2's W&B sweep spelled as sections";
    wrapped["sweep"] = sweep;
    return ReadHpo(r, wrapped);
  }
  YAML::Node read(YAML::NodeType::Map);
  std::vector<Leaf> leaves;
  const bool january = AnyLeafHas(sweep, "clip");
  for (const auto& p : sweep) {
    const std::string key = r.Key(p.first);
    if (kSweepSettings.count(key)) {
      ReadSetting(r, key, p.first, p.second, read);
    } else {
      CollectLeaves(r, key, p.first, p.second, january, leaves);
      read[p.first] = p.second;
    }
  }
  RequireObjective(r, sweep, read, january);
  if (january) {
    ReadJanuary2025(r, leaves);
  } else {
    ReadCentres(r, leaves);
  }
  wrapped["sweep"] = read;
  ReadHpo(r, wrapped);
}

}  // namespace hpo::config
