// NNI experiment configs (nni/experiment/config/experiment_config.py at commit 767ed7f2):
// searchSpace inline or searchSpaceFile (relative to the config's folder, JSON or YAML),
// tuner {name, classArgs: {optimize_mode}} as hpo's nearest sampler, maxTrialNumber,
// trialConcurrency, maxExperimentDuration, maxTrialDuration and a Medianstop assessor. NNI
// matches keys with case and underscores aside (utils/internal.py:72 case_insensitive) and
// refuses a key it does not know (base.py:94-98); so does this reader. The legacy V1 layout
// (trainingServicePlatform, searchSpacePath, maxTrialNum, maxExecDuration, trial.command,
// tuner.builtinTunerName), which nnictl still converts (tools/nnictl/launcher.py:34,
// experiment/config/convert.py), is read with the same meaning.
// Trials: NNI's trial code asks nni.get_next_parameter(), which without NNI's runtime returns
// {} (runtime/trial_command_channel/standalone.py:35), so a trialCommand run by hpo would
// train on its defaults: the config is refused without --command, which then runs instead.
// The metric is NNI's only one, nni.report_final_result's, named 'default' as NNI names it.
#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <functional>
#include <optional>

#include "lib/config/vocabularies/vocabulary.h"
#include "lib/config/yaml_source.h"

namespace hpo::config {
namespace {

// NNI's field names compare without case and underscores: searchSpaceFile, search_space_file.
std::string FieldName(const std::string& key) {
  std::string out;
  for (char ch : LowerCase(key)) {
    if (ch != '_') out += ch;
  }
  return out;
}

bool HasField(const YAML::Node& root, std::initializer_list<const char*> names) {
  for (const auto& p : root) {
    if (!p.first.IsScalar()) continue;
    const std::string field = FieldName(p.first.Scalar());
    for (const char* name : names) {
      if (field == name) return true;
    }
  }
  return false;
}

// A duration as utils/public.py:64 _parse_unit reads one: seconds, or a number with one unit
// (d, h, m, s), rounded up to whole seconds.
double NniSeconds(SweepReading& r, const YAML::Node& v, const std::string& path) {
  const Value value = ValueFromYaml(v, r.At(v));
  if (value.is_number() && value.as_double() > 0) return value.as_double();
  const std::string text = value.is_string() ? LowerCase(value.as_string()) : "";
  static const std::pair<char, double> kUnits[] = {{'d', 86400}, {'h', 3600}, {'m', 60}, {'s', 1}};
  for (const auto& [unit, factor] : kUnits) {
    if (text.size() < 2 || text.back() != unit) continue;
    const std::optional<Value> number = Value::Parse(text.substr(0, text.size() - 1));
    if (number && number->is_number() && number->as_double() > 0)
      return std::ceil(number->as_double() * factor);
  }
  r.Fail(v, fmt::format("{} must be a duration (30m, 2h, 1d) or seconds > 0, got '{}'", Echo(path),
                        Echo(value.ToYaml())));
}

class NniExperimentReader {
 public:
  NniExperimentReader(SweepReading& r, const YAML::Node& root)
      : r_(r), c_(r.config()), root_(root), command_given_(!r.config().command.empty()) {}

  void Read() {
    v1_ = static_cast<bool>(root_["trainingServicePlatform"]);
    for (const auto& p : root_) ReadField(r_.Key(p.first), p.first, p.second);
    ReadSearchSpace();
    NoteGridOfRanges();
    if (!command_given_) RefuseWithoutCommand();
    r_.SetImpliedMetric("default", root_);  // nni.report_final_result(x) reports {'default': x}
    c_.notes.push_back(
        "NNI's trials report one value (nni.report_final_result): hpo reads it as the metric "
        "'default', from a JSON line {\"default\": VALUE} of the --command program");
    FinishGoal();
  }

 private:
  void ReadField(const std::string& key, const YAML::Node& key_node, const YAML::Node& v) {
    const std::string field = FieldName(key);
    if (field == "searchspace") {
      space_ = v;
    } else if (field == "searchspacefile" || (v1_ && key == "searchSpacePath")) {
      space_file_ = v;
    } else if (field == "trialcommand") {
      command_ = v, Ignore(key, "replaced by --command");
    } else if (field == "trialcodedirectory") {
      Ignore(key, "--command runs in the current folder");
    } else if (field == "trialconcurrency") {
      c_.n_jobs = r_.Int(v, key, 1);
    } else if (field == "maxtrialnumber" || (v1_ && key == "maxTrialNum")) {
      c_.n_trials = r_.Int(v, key, 1);
    } else if (field == "maxexperimentduration" || (v1_ && key == "maxExecDuration")) {
      c_.timeout = NniSeconds(r_, v, key);
    } else if (field == "maxtrialduration") {
      c_.timeout_per_trial = NniSeconds(r_, v, key);
    } else if (field == "tuner" || field == "advisor") {
      ReadTuner(key, v);
    } else if (field == "assessor") {
      ReadAssessor(key, v);
    } else if (v1_ && key == "trial") {
      ReadV1Trial(v);
    } else {
      ReadOtherField(key, key_node, field, v);
    }
  }

  void ReadOtherField(const std::string& key, const YAML::Node& key_node, const std::string& field,
                      const YAML::Node& v) {
    if ((field == "useannotation" && r_.Bool(v, key)) ||
        (v1_ && key == "multiPhase" && r_.Bool(v, key))) {
      r_.Fail(v, fmt::format("{}: NNI 3 no longer runs it, and hpo does not either", key));
    }
    if (field == "experimenttype" && r_.Text(v, key) != "hpo")
      r_.Fail(v, fmt::format("experimentType '{}': hpo reads NNI's hpo experiments only",
                             Echo(r_.Text(v, key))));
    if (field == "trainingservice" || (v1_ && key == "trainingServicePlatform")) {
      Ignore(key, "hpo runs the trials on this machine");
      return;
    }
    static const char* const kNoSearchChange[] = {"experimentname",  "trialgpunumber",
                                                  "nnimanagerip",    "debug",
                                                  "loglevel",        "experimentworkingdirectory",
                                                  "tunergpuindices", "sharedstorage",
                                                  "useannotation",   "experimenttype"};
    for (const char* name : kNoSearchChange) {
      if (field == name) return r_.Ignore(key);
    }
    // nnictl's converter drops or moves the V1 keys it knows and drops the others
    if (v1_) return r_.Ignore(key);
    r_.Fail(key_node, fmt::format("NNI's experiment config has no field '{}'", Echo(key)));
  }

  void Ignore(const std::string& key, const std::string& why) {
    r_.Ignore(fmt::format("{} ({})", key, why));
  }

  // V1's trial: {command, codeDir, gpuNum, ...} (convert.py:35-39).
  void ReadV1Trial(const YAML::Node& trial) {
    r_.Map(trial, "trial");
    for (const auto& p : trial) {
      const std::string key = "trial." + r_.Key(p.first);
      if (key == "trial.command")
        command_ = p.second, Ignore(key, "replaced by --command");
      else
        r_.Ignore(key);
    }
  }

  void ReadTuner(const std::string& key, const YAML::Node& v) {
    r_.Map(v, key);
    std::string name;
    for (const auto& p : v) {
      const std::string k = r_.Key(p.first), field = FieldName(k);
      if (field == "name" || k == "builtinTunerName" || k == "builtinAdvisorName") {
        name = r_.Text(p.second, fmt::format("{}.{}", key, k));
        tuner_node_ = p.second;
      } else if (field == "classname") {
        name = fmt::format("custom:{}", r_.Text(p.second, fmt::format("{}.{}", key, k)));
        tuner_node_ = p.second;
      } else if (field == "classargs") {
        ReadClassArgs(fmt::format("{}.{}", key, k), p.second);
      } else {
        r_.Ignore(fmt::format("{}.{}", key, k));  // codeDirectory, gpuIndices...
      }
    }
    if (name.empty()) r_.Fail(v, fmt::format("{} needs a name", key));
    SetSampler(name);
  }

  void ReadClassArgs(const std::string& path, const YAML::Node& args) {
    r_.Map(args, path);
    for (const auto& p : args) {
      const std::string k = r_.Key(p.first);
      if (k != "optimize_mode") {
        r_.Ignore(fmt::format("{}.{}", path, k));
        continue;
      }
      const std::string mode = r_.Text(p.second, fmt::format("{}.{}", path, k));
      if (mode != "maximize" && mode != "minimize")
        r_.Fail(p.second, fmt::format("{}.optimize_mode must be maximize or minimize, got '{}'",
                                      path, Echo(mode)));
      optimize_mode_ = mode;
    }
  }

  // builtin_algorithms.yml's tuners, matched without case as config_manager.get_algo_meta does.
  void SetSampler(const std::string& written) {
    const std::string name = LowerCase(written);
    tuner_ = name;
    auto approximate = [&](const std::string& method, const std::string& why) {
      c_.sampler.method = method;
      c_.notes.push_back(
          fmt::format("NNI's {} tuner: hpo's {} sampler ({})", written, method, why));
    };
    if (name == "tpe" || name == "tpe_legacy" || name == "random")
      c_.sampler.method = name == "random" ? "random" : "tpe";
    else if (name == "gridsearch" || name == "batch" || name == "batchtuner")
      c_.sampler.method = "grid";
    else if (name == "gp" || name == "gptuner" || name == "metis" || name == "metistuner")
      approximate("protein", "a Gaussian-process search, not NNI's own");
    else if (name == "smac" || name == "dngo" || name == "dngotuner")
      approximate("protein", "the nearest model-based search hpo has");
    else if (name == "anneal" || name == "evolution" || name == "regularizedevolutiontuner")
      approximate("tpe", "hpo has no " + written + " search");
    else if (name == "hyperband" || name == "bohb")
      SetHyperband(written, name == "bohb" ? "tpe" : "random");
    else if (name.rfind("custom:", 0) == 0)
      approximate("tpe", "hpo cannot run a tuner's own code");
    else
      RefuseTuner(written);
  }

  // NNI's Hyperband and BOHB give each trial a budget (TRIAL_BUDGET) to train for; hpo's
  // hyperband pruner stops trials at its rungs of reported steps instead.
  void SetHyperband(const std::string& written, const std::string& method) {
    c_.sampler.method = method;
    c_.pruner.method = "hyperband";
    c_.notes.push_back(fmt::format(
        "NNI's {} advisor: hpo's {} sampler with its hyperband pruner, which stops trials at "
        "rungs of reported steps (NNI passes each trial a TRIAL_BUDGET instead)",
        written, method));
  }

  // gridsearch_tuner.py:28-52: NNI's grid refines each range epoch by epoch (its middle, then
  // its quarters, ...) without end; hpo's grid takes grid_points values of it once.
  void NoteGridOfRanges() {
    if (tuner_ != "gridsearch") return;
    for (const ParameterSpec& p : c_.parameters) {
      if (p.categorical || p.numeric.distribution == "int_uniform") continue;
      c_.notes.push_back(
          "NNI's GridSearch refines each range without end (its middle, then its quarters, "
          "...); hpo's grid takes grid_points values of each range once");
      return;
    }
  }

  [[noreturn]] void RefuseTuner(const std::string& written) {
    r_.Fail(tuner_node_,
            fmt::format("NNI tuner '{}' has no hpo counterpart (read: TPE, TPE_legacy, Random, "
                        "GridSearch, Batch, GP, Metis, SMAC, DNGO, Anneal, Evolution, "
                        "RegularizedEvolutionTuner, Hyperband, BOHB; PBT, PPO and "
                        "NetworkMorphism train or build models hpo does not)",
                        Echo(written)));
  }

  // Medianstop (medianstop_assessor.py) as hpo's median pruner; NNI's rule differs in detail.
  void ReadAssessor(const std::string& key, const YAML::Node& v) {
    r_.Map(v, key);
    const YAML::Node name_node = v["name"] ? v["name"] : v["builtinAssessorName"];
    const std::string name = name_node ? r_.Text(name_node, key + ".name") : "";
    if (LowerCase(name) != "medianstop") {
      r_.Fail(name_node ? name_node : v,
              fmt::format("NNI assessor '{}' has no hpo pruner (read: Medianstop)", Echo(name)));
    }
    c_.pruner.method = "median";
    c_.pruner.percentile_rule.n_startup_trials = 1;  // NNI stops from the first complete trial
    c_.notes.push_back(
        "NNI's Medianstop assessor: hpo's median pruner, which compares a trial's best value "
        "with complete trials' values at that step (NNI: with their running averages at that "
        "report); its start_step counts reports, not steps, and is not applied");
    for (const auto& p : v) {
      const std::string k = r_.Key(p.first);
      if (k != "name" && k != "builtinAssessorName") r_.Ignore(fmt::format("{}.{}", key, k));
    }
  }

  void ReadSearchSpace() {
    if (space_file_) {
      if (space_) r_.Ignore("searchSpace (searchSpaceFile replaces it, as in NNI)");
      return ReadSpaceFile();
    }
    if (!space_) r_.Fail(root_, "an NNI experiment config needs searchSpace or searchSpaceFile");
    ReadNniSearchSpace(r_, *space_);
  }

  // experiment_config.py:195 reads the file as JSON, else as YAML; its path is relative to the
  // config's folder (base.py load: set_base_path(Path(path).parent)).
  void ReadSpaceFile() {
    const std::string written = r_.Text(*space_file_, "searchSpaceFile");
    std::filesystem::path path(written);
    if (path.is_relative()) path = std::filesystem::path(r_.source()).parent_path() / path;
    YamlDocument doc;
    try {
      doc = LoadYamlFile(path);
      ApplyLoaderMeaning(doc, YamlLoader::kJsonThenPyYaml);
    } catch (const UserError& e) {
      r_.Fail(*space_file_, fmt::format("searchSpaceFile: {}", e.what()));
    }
    std::vector<std::pair<YAML::Node, std::string>> origins;
    const std::function<void(const YAML::Node&)> remember = [&](const YAML::Node& node) {
      origins.emplace_back(node, OriginOf(doc.source, node).where);
      if (!node.IsMap()) return;
      for (const auto& p : node) origins.emplace_back(p.first, OriginOf(doc.source, p.first).where);
    };
    ForEachNode(doc.root, remember);
    r_.AddForeignNodes(origins);
    ReadNniSearchSpace(r_, doc.root);
  }

  [[noreturn]] void RefuseWithoutCommand() {
    r_.Fail(command_ ? *command_ : root_,
            "NNI's trial code gets its parameters from nni.get_next_parameter(), which hpo does "
            "not answer; pass --command 'python3 trial.py ${args}' for a program that reads them "
            "as arguments and prints {\"default\": VALUE} as a JSON line");
  }

  // Without optimize_mode each tuner has its own default: TPE and Anneal minimise
  // (tpe_tuner.py:148, hyperopt_tuner.py:223), the model-based ones maximise (gp_tuner.py:117,
  // evolution_tuner.py:85...); Random, GridSearch and Batch rank nothing.
  void FinishGoal() {
    if (!optimize_mode_.empty()) return r_.SetGoal(optimize_mode_ == "maximize");
    if (tuner_.empty()) r_.Fail(root_, "an NNI experiment config needs a tuner");
    const bool minimize = tuner_ == "tpe" || tuner_ == "tpe_legacy" || tuner_ == "anneal";
    const bool directionless = tuner_ == "random" || tuner_ == "gridsearch" || tuner_ == "batch" ||
                               tuner_ == "batchtuner" || tuner_.rfind("custom:", 0) == 0;
    r_.SetGoal(!minimize);
    c_.notes.push_back(fmt::format("no tuner classArgs.optimize_mode: {}",
                                   directionless ? "maximize assumed (the tuner has no direction)"
                                   : minimize    ? "minimize, NNI's default for this tuner"
                                                 : "maximize, NNI's default for this tuner"));
  }

  SweepReading& r_;
  SweepConfig& c_;
  const YAML::Node root_;
  const bool command_given_;
  bool v1_ = false;
  // the file's nodes, when it has them (a default YAML::Node is a defined null)
  std::optional<YAML::Node> space_, space_file_, command_;
  YAML::Node tuner_node_;
  std::string tuner_, optimize_mode_;
};

}  // namespace

bool MatchesNniExperiment(const YAML::Node& root) {
  if (!root.IsMap()) return false;
  if (root["trainingServicePlatform"]) return true;  // V1, as nnictl tells them apart
  return HasField(root, {"searchspace", "searchspacefile"}) &&
         HasField(root,
                  {"trialcommand", "trialconcurrency", "tuner", "advisor", "trainingservice"});
}

void ReadNniExperiment(SweepReading& r, const YAML::Node& root) {
  NniExperimentReader(r, root).Read();
}

}  // namespace hpo::config
