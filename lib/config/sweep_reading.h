// What every vocabulary reader (lib/config/vocabularies/) shares: typed access to YAML nodes
// with file:line:col in every error, and the one way to put each thing into a SweepConfig
// (a parameter, a fixed value, the goal, the sampler and pruner settings), so that every
// vocabulary gets the same checks.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "lib/config/sweep_config.h"
#include "lib/config/trainer_keys.h"
#include "lib/core/error.h"

namespace hpo::config {

/// `text` in ASCII lower case: distribution and type names compare case-insensitively.
std::string LowerCase(std::string text);

class SweepReading {
 public:
  SweepReading(std::string source, SweepConfig& config) : source_(std::move(source)), c_(config) {}

  SweepConfig& config() { return c_; }
  const std::string& source() const { return source_; }

  /// Nodes that came from elsewhere than the file (`--set KEY=VALUE`), with the text to quote
  /// for them; At() names that text instead of a line of the file. Nodes without a position
  /// (keys --set created) are quoted as `--set`.
  /// Nodes built from an INI file are given so too, with their file:line:col; `sets_given`
  /// says whether a node without a position is one --set made, or one a reader made.
  void SetForeignNodes(std::vector<std::pair<YAML::Node, std::string>> nodes, bool sets_given) {
    foreign_ = std::move(nodes);
    sets_given_ = sets_given;
  }
  /// The files an INI file was read over (PufferLib's config/default.ini), in order.
  void SetReadUnder(std::vector<std::string> files) { read_under_ = std::move(files); }
  const std::vector<std::string>& read_under() const { return read_under_; }
  /// More such nodes: those of a second file a reader loads (NNI's searchSpaceFile).
  void AddForeignNodes(const std::vector<std::pair<YAML::Node, std::string>>& nodes) {
    foreign_.insert(foreign_.end(), nodes.begin(), nodes.end());
  }

  // ----- typed access ------------------------------------------------------------------------
  Origin At(const YAML::Node& node) const;
  [[noreturn]] void Fail(const YAML::Node& node, const std::string& message) const;
  std::string Key(const YAML::Node& key) const;
  std::string Text(const YAML::Node& node, const std::string& path) const;
  /// A distribution or parameter type name, lower-cased: files write `CATEGORICAL`,
  /// `LogUniform`, `INT` for the names every reader compares in lower case.
  std::string Kind(const YAML::Node& node, const std::string& path) const;
  /// A finite number; quoted numbers ("0.001", as Katib writes them) count when `quoted_ok`.
  double Number(const YAML::Node& node, const std::string& path, bool quoted_ok = false) const;
  /// A whole number in [min, max]; the default max (1e18) keeps clear of int64's edge.
  int64_t Integer(const YAML::Node& node, const std::string& path, int64_t min,
                  int64_t max = 1'000'000'000'000'000'000) const;
  int Int(const YAML::Node& node, const std::string& path, int min) const;
  /// Seconds: a number, or a duration with units ("12h", "30m", "1h30m"); never negative.
  double Seconds(const YAML::Node& node, const std::string& path) const;
  /// Trials at once: a whole number >= 1, or auto / -1 for every core.
  /// Also records whether it was auto (SweepConfig::n_jobs_auto).
  int Jobs(const YAML::Node& node, const std::string& path);
  bool Bool(const YAML::Node& node, const std::string& path) const;
  void Map(const YAML::Node& node, const std::string& path) const;
  /// The values of a list (choices, grid points), each read at its own file:line:col.
  std::vector<Value> Values(const YAML::Node& list, const std::string& path) const;

  // ----- what a sweep is ---------------------------------------------------------------------
  void SetGoal(const YAML::Node& node, const std::string& path);
  void SetGoal(bool maximize) { c_.objectives.maximize = maximize; }
  /// The metric's name, remembered with its file:line:col (checked when the file is loaded).
  void SetMetric(const YAML::Node& node, const std::string& path);
  /// A metric the file's tool implies (Ax's `objective`), at the section that implies it.
  void SetImpliedMetric(const std::string& name, const YAML::Node& section) {
    c_.objectives.metric = name;
    c_.metric_origin = At(section);
  }
  /// `maximize`/`minimize` words of a list (Optuna's `directions`, Hydra's `direction: [..]`).
  std::vector<bool> Goals(const YAML::Node& list, const std::string& path) const;
  /// The study's objectives, in order (the first is metric/goal): names must differ.
  void SetObjectives(const std::vector<Objective>& objectives, const YAML::Node& node);
  void SetMethod(const YAML::Node& node, const std::string& path);
  /// Whether the file named a sampler (SetMethod); vocabularies that imply one set it directly.
  bool method_set() const { return method_set_; }
  /// The trial program as a list of words (or one string, split by the shell's rules).
  void ReadCommand(const YAML::Node& node, const std::string& key);
  /// `hpo sweep --command`: the trial program whatever the file says (its command is ignored).
  void SetCommandFromCli(std::vector<std::string> words);
  /// Whether the trial program is --command's (the file's own way to run it does not matter).
  bool command_from_cli() const { return command_from_cli_; }
  /// W&B's `program:` (the script its default command and ${program} run).
  void SetProgram(const YAML::Node& node);
  /// Replaces W&B's ${env}, ${interpreter} and ${program} in the command; without a command,
  /// a `program:` runs with W&B's default command: ${env} ${interpreter} ${program} ${args}.
  void FinishCommand();
  void ReadSamplerSettings(const YAML::Node& section, const std::string& path);
  void ReadPruner(const YAML::Node& node);
  void ReadEarlyTerminate(const YAML::Node& node);
  bool ReadBandKey(const std::string& key, const YAML::Node& value);

  /// Whose meaning names like batch_size have (PufferLib/Metta files: the whole rollout).
  void SetDialect(TrainerDialect dialect) { dialect_ = dialect; }
  /// The canonical name of a parameter written as `path`: as written with a custom program,
  /// else the hpo train key it means. A name hpo train cannot use is kept as written and
  /// remembered: FinishNames() refuses them all at once.
  std::string Resolve(const std::string& path, const YAML::Node& node);
  /// Refuses, in one message, every name that hpo train cannot use (when it is the trial program).
  void FinishNames() const;
  /// Makes the parameter just added at `path` active only while `condition.parent` (a name as
  /// written, or canonical) takes one of `condition.values`; refused for a constant.
  void SetCondition(const std::string& path, ParameterCondition condition);
  /// Names each condition's parent canonically; refuses one that names no searched parameter.
  /// Notes that protein and cmaes impute inactive parameters (tpe does better there).
  void FinishConditions();
  /// Refuses, at its line, a trainer key the sweep's algorithm (fixed, or ppo) does not read:
  /// hpo train would refuse it in every trial.
  void FinishAlgorithm() const;
  /// A value every trial gets, checked as hpo train would check it.
  void SetFixed(const std::string& path, const YAML::Node& key_node, const Value& value,
                const Origin& origin);
  /// A searched numeric parameter. `kind` is hpo's distribution name (docs/config.md). An int
  /// range of one value is refused unless `one_value_ok` (Optuna's ranges may be single()).
  void AddNumeric(const std::string& path, const YAML::Node& key_node, const std::string& kind,
                  double min, double max, std::optional<double> mean = std::nullopt,
                  std::optional<std::string> scale = std::nullopt, double q = 1.0,
                  bool one_value_ok = false);
  /// Makes the q_uniform or q_log_uniform_values parameter just added at `path` clip its
  /// multiples of q to [min, max], as NNI's quniform and qloguniform do.
  void ClipToRange(const std::string& path);
  /// Makes the q kind just added at `path` (q_uniform, q_log_uniform_values, q_normal,
  /// q_log_normal) take the multiple of q at or below a draw, as Polyaxon's q kinds do.
  void FloorToQ(const std::string& path);
  /// A searched parameter of W&B's normal family (normal, q_normal, log_normal, q_log_normal).
  void AddNormal(const std::string& path, const YAML::Node& key_node, const std::string& kind,
                 double mu, double sigma, double q);
  /// A normal N(mu, sigma) truncated to [min, max] (ConfigSpace's normal_float); refused at
  /// `key_node` unless sigma > 0, min < max and the range holds some of the normal's mass.
  void AddTruncatedNormal(const std::string& path, const YAML::Node& key_node, double mu,
                          double sigma, double min, double max);
  /// W&B's beta or q_beta with shape a and b, on [0, 1].
  void AddBeta(const std::string& path, const YAML::Node& key_node, const std::string& kind,
               double a, double b, double q);
  /// A searched categorical parameter; a list of one choice is a fixed value (SetFixed).
  /// `probabilities`: W&B's weights, one per choice, each > 0 (empty: equal odds).
  void AddCategorical(const std::string& path, const YAML::Node& key_node,
                      std::vector<Value> choices, std::optional<Value> prior = std::nullopt,
                      std::vector<double> probabilities = {});
  /// How many lists of one value AddCategorical fixed: a file whose lists all have one value
  /// runs its one configuration on purpose (W&B and Ray Tune run it).
  int one_value_lists() const { return one_value_lists_; }
  /// Set by a reader that found a uniform_pow2 range from 0: that file writes pow2 bounds as
  /// exponents, so its ranges that hold a single power of two are exponents too.
  bool pow2_bounds_are_exponents = false;
  /// A key of the other tool that does not change the search: listed by --dry-run as ignored.
  void Ignore(const std::string& path) { c_.ignored.push_back(path); }
  /// A setting that does not change the search (a study name, a sampler seed) whose value is an
  /// interpolation hpo cannot resolve: true, with a note that `kept` (the default) is used.
  bool KeepsDefaultIfUnresolved(const YAML::Node& node, const std::string& path,
                                const std::string& kept);

 private:
  void Claim(const std::string& name, const std::string& path, const YAML::Node& node);
  /// A searched parameter's spec with its names and origin, its name claimed.
  ParameterSpec ClaimedSpec(const std::string& path, const YAML::Node& key_node);
  void CheckPruner(const YAML::Node& section) const;

  std::string source_;
  SweepConfig& c_;
  std::vector<std::pair<YAML::Node, std::string>> foreign_;
  std::vector<std::string> read_under_;
  bool sets_given_ = false;
  bool goal_set_ = false;
  bool method_set_ = false;
  bool command_from_cli_ = false;
  std::string program_;
  std::map<std::string, std::string> claimed_;     // canonical name -> where
  std::map<std::string, std::string> claimed_as_;  // canonical name -> the name as written
  TrainerDialect dialect_ = TrainerDialect::kSb3;
  struct Unusable {
    std::string path;
    Origin origin;
    std::string closest;
  };
  std::vector<Unusable> unusable_;
  bool dialect_noted_ = false;
  int one_value_lists_ = 0;
};

}  // namespace hpo::config
