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
//   distribution, min, max, scale and (read only by older versions) mean.
#include <fmt/format.h>
#include <fmt/ranges.h>

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

// sweep.py's own checks on a parameter section: a section holding sections is a group; a leaf
// needs distribution (its assert), one of its five, and min and max (a KeyError there).
void CheckParameter(SweepReading& r, const std::string& path, const YAML::Node& key,
                    const YAML::Node& spec, std::vector<std::string>& with_mean) {
  if (!spec.IsMap())
    r.Fail(key, fmt::format("'{}' in [sweep] is neither a sweep setting nor a parameter "
                            "section [sweep.{}]",
                            Echo(path), Echo(path)));
  bool group = false;
  for (const auto& p : spec) group |= p.second.IsMap();
  if (group) {
    for (const auto& p : spec)
      CheckParameter(r, path + "." + r.Key(p.first), p.first, p.second, with_mean);
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
  for (const char* bound : {"min", "max"}) {
    if (!spec[bound]) r.Fail(key, fmt::format("{} has no {}", Echo(section), bound));
  }
  if (r.Number(spec["min"], path + ".min") > r.Number(spec["max"], path + ".max"))
    r.Fail(spec["min"], fmt::format("{}: min {} is above max {}", Echo(section),
                                    Echo(spec["min"].Scalar()), Echo(spec["max"].Scalar())));
  if (spec["mean"]) with_mean.push_back(path);
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
    wrapped["sweep"] = sweep;
    return ReadHpo(r, wrapped);
  }
  YAML::Node read(YAML::NodeType::Map);
  std::vector<std::string> with_mean;
  for (const auto& p : sweep) {
    const std::string key = r.Key(p.first);
    if (kSweepSettings.count(key)) {
      ReadSetting(r, key, p.first, p.second, read);
    } else {
      CheckParameter(r, key, p.first, p.second, with_mean);
      read[p.first] = p.second;
    }
  }
  if (!with_mean.empty())
    r.config().notes.push_back(fmt::format(
        "mean read as the search centre of {}, as PufferLib's sweep.py did when it required "
        "mean; PufferLib 3's sweep.py never reads it and centres every parameter between min "
        "and max",
        fmt::join(with_mean, ", ")));
  wrapped["sweep"] = read;
  ReadHpo(r, wrapped);
}

}  // namespace hpo::config
