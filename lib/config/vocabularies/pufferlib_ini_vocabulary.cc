// PufferLib's INI configs (config/*.ini, PufferLib 2 and later), read by ini_source.cc into the
// tree PufferLib's load_config builds. Chosen by the file's format, not its tree: the sweep is
// the [sweep] section and its subsections; every other section ([base], [env], [train], [vec],
// [policy], ...) is the program's own config, the defaults PufferLib's program reads itself, so
// hpo lists them as ignored and passes only the searched values, as the YAML PufferLib reader
// (pufferlib_vocabulary.cc) does with a section's other keys. A separate file from that reader:
// it is detected by format and reads PufferLib 3's sweep grammar, which the YAML files never had.
//
// Two sweep grammars, told apart by the tree:
// - PufferLib 2 (demo.py@496d42e): [sweep] is a W&B sweep spelled as sections,
//   [sweep.metric] and [sweep.parameters.train.parameters.x]; wandb.sweep() gets it as is
//   (demo.py:48-50), so hpo's reader reads it as it reads W&B's files.
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

#include "lib/config/vocabularies/vocabulary.h"

namespace hpo::config {
namespace {

// The [sweep] keys sweep.py passes over when it collects parameters
// (pufferlib/sweep.py@06e62ac _params_from_puffer_sweep; an older version, with state_file and
// override_file, skips those two as well).
const std::set<std::string> kSweepSettings = {"method",
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

bool IsWandbForm(const YAML::Node& sweep) {
  return (sweep["parameters"] && sweep["parameters"].IsMap()) ||
         (sweep["metric"] && sweep["metric"].IsMap());
}

// A leaf of the sweep tree: a [sweep.group.name] section with its distribution.
struct Leaf {
  std::string path;
  YAML::Node key;
  YAML::Node spec;
};

// sweep.py's own checks on a parameter section: a section holding sections is a group; a leaf
// needs distribution (its assert), one of its five, and min, max and scale (KeyErrors there:
// sweep.py@ac6dce4:129-131, @06e62ac the same).
void CollectLeaves(SweepReading& r, const std::string& path, const YAML::Node& key,
                   const YAML::Node& spec, std::vector<Leaf>& leaves) {
  if (!spec.IsMap())
    r.Fail(key, fmt::format("'{}' in [sweep] is neither a sweep setting nor a parameter "
                            "section [sweep.{}]",
                            Echo(path), Echo(path)));
  bool group = false;
  for (const auto& p : spec) group |= p.second.IsMap();
  if (group) {
    for (const auto& p : spec)
      CollectLeaves(r, path + "." + r.Key(p.first), p.first, p.second, leaves);
    return;
  }
  const std::string section = fmt::format("section [sweep.{}]", path);
  if (!spec["distribution"])
    r.Fail(key, fmt::format("{} has no distribution (PufferLib's: {})", Echo(section),
                            fmt::join(kDistributions, ", ")));
  const std::string kind = r.Kind(spec["distribution"], path + ".distribution");
  if (!kDistributions.count(kind))
    r.Fail(spec["distribution"],
           fmt::format("{}: unknown distribution '{}' (PufferLib's: {})", Echo(section), Echo(kind),
                       fmt::join(kDistributions, ", ")));
  for (const char* needed : {"min", "max", "scale"}) {
    if (!spec[needed])
      r.Fail(key,
             fmt::format("{} has no {} (PufferLib's sweep.py reads it{})", Echo(section), needed,
                         std::string(needed) == "scale" ? ": write scale = auto" : ""));
  }
  if (r.Number(spec["min"], path + ".min") > r.Number(spec["max"], path + ".max"))
    r.Fail(spec["min"], fmt::format("{}: min {} is above max {}", Echo(section),
                                    Echo(spec["min"].Scalar()), Echo(spec["max"].Scalar())));
  leaves.push_back({path, key, spec});
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

// A [sweep] setting: mapped where hpo has the same thing, listed as ignored where it has not.
void ReadSetting(SweepReading& r, const std::string& key, const YAML::Node& key_node,
                 const YAML::Node& value, YAML::Node& sweep) {
  if (key == "method") {
    // a class of pufferlib/sweep.py, found by its exact name (getattr(pufferlib.sweep, method))
    const std::string method = r.Text(value, "sweep.method");
    if (method != "Protein" && method != "Random")
      r.Fail(value, fmt::format("sweep.method '{}': hpo runs PufferLib's Protein and Random "
                                "(sweep.py's ParetoGenetic has no equivalent here)",
                                Echo(method)));
    sweep[key_node] = YAML::Node(LowerCase(method));  // hpo's protein and random samplers
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

}  // namespace

bool MatchesPufferLibIni(const YAML::Node& /*root*/) { return false; }  // chosen by format

void ReadPufferLibIni(SweepReading& r, const YAML::Node& root) {
  r.SetDialect(TrainerDialect::kPufferLib);
  std::vector<std::string> program_sections;
  for (const auto& p : root) {
    if (r.Key(p.first) != "sweep") program_sections.push_back(r.Key(p.first));
  }
  const YAML::Node sweep = root["sweep"];
  if (!sweep || !sweep.IsMap())
    r.Fail(root,
           "no [sweep] section (PufferLib reads an environment's file over "
           "config/default.ini; give hpo a file that has the sweep)");
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
  for (const auto& p : sweep) {
    const std::string key = r.Key(p.first);
    if (kSweepSettings.count(key)) {
      ReadSetting(r, key, p.first, p.second, read);
    } else {
      CollectLeaves(r, key, p.first, p.second, leaves);
      read[p.first] = p.second;
    }
  }
  ReadCentres(r, leaves);
  wrapped["sweep"] = read;
  ReadHpo(r, wrapped);
}

}  // namespace hpo::config
