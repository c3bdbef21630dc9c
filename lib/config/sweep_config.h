// The sweep config: one canonical schema (docs/config.md) that also reads the vocabularies
// users bring: Protein/Metta (protein:, nested parameters: with distribution/min/max/mean/scale),
// Optuna scripts (sampler:, pruner:, n_trials, direction...), search-space files (fixed:,
// searchable: with type/low/high/choices/prior, constraints:, presets:) and W&B Sweeps
// (method, metric: {name, goal}, parameters with values/value/min/max/distribution, command).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "lib/config/queued_trial.h"
#include "lib/core/error.h"
#include "lib/core/objectives.h"
#include "lib/core/value.h"
#include "lib/pruners/pruner.h"
#include "lib/samplers/sampler_factory.h"
#include "lib/space/distribution.h"
#include "lib/space/search_space.h"

namespace hpo::config {

/// A parameter searched only while another takes given values (hpo's `when:`, ConfigSpace's
/// conditions, NNI's nested choice), or, a range condition, while a numeric parent lies above
/// and/or below given numbers (hpo's `when: {x: {gt: 1}}`, ConfigSpace's GT and LT); while
/// inactive, a trial gets no value for it.
struct ParameterCondition {
  std::string parent;         ///< the parent's name, canonical or as written
  std::vector<Value> values;  ///< the parent's values that make the parameter active
  Origin origin;              ///< where the file states the condition
  /// A range condition (`values` empty): active while the parent's value is > above and < below
  /// (strictly, as ConfigSpace's GT and LT compare), for each one given.
  std::optional<double> above{}, below{};

  bool is_range() const { return above || below; }
};

/// One searched parameter as the file describes it.
struct ParameterSpec {
  std::string name;          ///< canonical: a trainer key, or the dotted path with a custom command
  std::string written_name;  ///< as in the file (dotted path of nested sections)
  Origin origin;             ///< file:line:col of its entry
  bool categorical = false;
  space::NumericSpec numeric;  ///< numeric kinds
  std::vector<Value> choices;  ///< categorical
  std::optional<Value> prior;  ///< categorical centre
  /// categorical: W&B's probabilities, one per choice, each > 0 (empty: equal odds)
  std::vector<double> probabilities;
  std::optional<ParameterCondition> condition;  ///< none: always searched
};

/// `hooks:` (docs/config.md, "Hooks"): commands the controller runs at sweep and trial events.
/// Each is an argv list (no shell) with the trial macros; they run one at a time, in event
/// order, beside the controller, each for at most `timeout` seconds. Not part of the study:
/// a resume runs the hooks its file gives.
struct HookSettings {
  std::vector<std::vector<std::string>> on_sweep_start, on_trial_start, on_trial_end, on_sweep_end;
  /// PBT: a member copies a leader's checkpoint (method: pbt).
  std::vector<std::vector<std::string>> on_exploit;
  double timeout = 60;  ///< seconds
  bool empty() const {
    return on_sweep_start.empty() && on_trial_start.empty() && on_trial_end.empty() &&
           on_sweep_end.empty() && on_exploit.empty();
  }
  /// The macros a hook's words may use besides ${envvar:NAME}: for trial hooks the command's
  /// (kParameterMacros, ${run_dir}) and ${trial_json} ${trial_number} ${trial_state}; for all
  /// ${sweep} ${sweep_dir}; for on_sweep_end ${sweep_json}; for on_exploit ${member} ${parent}
  /// ${step} ${exploit_json}.
  static std::vector<std::string> Macros(const std::string& hook);
};

struct SweepConfig {
  std::string source;  ///< the file it came from
  std::string name;    ///< study name (default: the file's stem)
  /// What the study optimises: its metric (a name or an expression), direction, label and a
  /// multi-objective study's further objectives.
  Objectives objectives;
  Origin metric_origin;  ///< where the file names the metric (or the objectives); none: default
  Origin metric_name_origin;  ///< where the file gives the metric its label (`metric_name:`)
  Origin objectives_origin;   ///< where the file lists several objectives
  /// Trials in the study. 0 until loaded, then what the file says, else the number of grid
  /// points for method grid (as W&B runs a whole grid), else kDefaultTrials.
  int n_trials = 0;
  static constexpr int kDefaultTrials = 20;
  double timeout = 0;            ///< seconds for a controller to launch trials; 0 = none
  double timeout_per_trial = 0;  ///< seconds; 0 = none
  int n_jobs = 1;
  bool n_jobs_auto = false;  ///< n_jobs was auto (or -1): every core, cpus_per_trial each
  /// Threads each trial process trains with (`cpus_per_trial`): OMP_NUM_THREADS and its kin, and
  /// `threads` for hpo train. 1 by default: a trial is reproducible, and n_jobs trials share
  /// the cores.
  int cpus_per_trial = 1;
  /// GPUs each trial process gets (`gpus_per_trial`): whole devices (1, 2, ...) or a share of
  /// one (0.5: two processes per device). 0: none handed out, CUDA_VISIBLE_DEVICES left alone.
  double gpus_per_trial = 0;
  /// The devices to hand out (`gpus:`, --gpus), as CUDA_VISIBLE_DEVICES names them; empty: the
  /// ones this machine gives the controller (runner::MachineGpus).
  std::vector<std::string> gpus;
  int max_retries = 1;
  double heartbeat_timeout =
      60;                      ///< seconds without heartbeat before a running trial counts as dead
  double storage_retry = 600;  ///< seconds a controller waits for an unreachable storage
  /// Seeds each trial trains on, and how their values make the trial's (runner::SeedAggregate).
  int seeds_per_trial = 1;
  std::string aggregate = "mean";
  /// What a trial costs the sampler (protein weighs it; Trial::cost_measure): "wall" seconds;
  /// "steps", the env steps it ran (total_timesteps in its results file, else its last reported
  /// step); "reported", the `cost` it wrote (results file or JSON line); "auto", the first of
  /// reported, steps and wall the trial provides. Steps and reported costs do not change with the
  /// machine's load, so a seeded sweep suggests the same points on a busy machine.
  std::string cost = "auto";
  /// Stopping rules (lib/runner/stopping_rules.h): stop launching once the best reaches
  /// `target` (`target:`, W&B's `metric.target`), or after `patience` finished trials without
  /// improving the best by more than `min_delta` (StateSet's `early_stopping_patience`).
  std::optional<double> target;
  /// Checkpoints are kept for the best `keep_best_n` complete trials only (0 = every trial's):
  /// a trial outside them loses its checkpoints/ folder; results, logs and progress stay.
  int keep_best_n = 0;
  int patience = 0;
  double min_delta = 0;
  /// Another sweep (a name in train_dir) whose finished trials the sampler also sees
  /// (lib/runner/warm_start.h); empty = none.
  std::string warm_start_from;
  /// Trials to run first when the study is new (`enqueue:`), each the values given for it.
  std::vector<std::vector<GivenValue>> enqueue;
  uint64_t seed = 0;
  std::string storage;  ///< URL; empty = the sweep's study.db
  /// Where the sweep lives when neither --train-dir nor HPO_TRAIN_DIR says (`train_dir:`,
  /// Metta's `runs_dir:`, StateSet's `output_dir:`); empty = ./train_dir. Not part of the study.
  std::string train_dir;
  /// A trainer config whose values every trial starts from (`base_config:`): read at load into
  /// `fixed` (fixed: and searched parameters win), so the study stores the values, not the path.
  std::string base_config;
  Origin base_config_origin;
  /// `narrow: W` (the fine-tune profile): with `hpo sweep --from-patch FILE`, each numeric range
  /// the patch gives a value for shrinks to W of its width around that value
  /// (lib/config/from_patch.h). 0 = off; reset to 0 once applied, so the stored config holds
  /// the narrowed ranges, not the instruction.
  double narrow = 0;
  Origin narrow_origin;
  Origin method_origin;  ///< where the file names the sampler (method:); none: the default
  std::vector<std::string> command;  ///< empty = hpo train
  HookSettings hooks;
  samplers::SamplerSettings sampler;
  pruners::PrunerSettings pruner;
  ParamSet fixed;  ///< values every trial gets (canonical names)
  std::vector<ParameterSpec> parameters;
  std::vector<std::pair<std::string, Origin>> constraints;
  std::vector<std::string> presets;  ///< names of the presets the file defines
  std::string preset;                ///< the one applied, if any
  std::string vocabulary;            ///< the reader that read the file (lib/config/vocabularies/)
  std::vector<std::string> ignored;  ///< keys of the file's tool that do not change the search
  std::vector<std::string>
      notes;  ///< how the reader read something the file's tool reads otherwise

  /// Synchronous PBT judges the whole population at once: one controller runs it.
  bool OneControllerOnly() const { return sampler.method == "pbt" && sampler.pbt.synch; }

  /// The search space with its constraints. Throws UserError (with the entry's file:line:col)
  /// for invalid distributions and constraints naming unknown parameters.
  space::SearchSpace BuildSpace() const;
  /// The resolved config as YAML (stored with the study and in the sweep's config.yaml).
  std::string ToYaml() const;
};

/// A GPU amount gpus_per_trial can hand out: 0 (none), a share 1/k of one device (0.5, 0.25:
/// k trials per device) or a whole number of devices.
bool IsGpuAmount(double gpus_per_trial);

/// What a multi-objective study refuses (a UserError at the objectives' file:line:col): a
/// pruner (as Optuna), target and patience (they compare one metric), and CMA-ES. Called at
/// load and again after command-line settings (--method).
void CheckObjectives(const SweepConfig& config);

/// A searched `seed` with seeds_per_trial > 1 is refused (UserError at the parameter): each trial
/// trains on seeds of its own. Called at load and again after --seeds-per-trial.
void CheckSeedsPerTrial(const SweepConfig& config);

/// What `method: pbt` refuses (a UserError at the method's file:line:col): settings out of range
/// (pbt::PbtSettings::Check), several objectives, seeds_per_trial above 1 and a pruner (PBT
/// judges members itself). Called at load and again after command-line settings.
void CheckPbt(const SweepConfig& config);

/// Loads and checks a sweep config; `preset` replaces whole top-level sections with the
/// preset's. Every problem is a UserError with file:line:col and the key path.
/// `command` (hpo sweep --command, split into words) replaces the file's trial program.
/// `sets` are `KEY=VALUE` texts (hpo sweep --set pruner.type=hyperband): each sets one key of
/// the file (a dotted path into its mappings; the value is YAML) after the preset, and is read
/// with the same checks as the file, its errors naming the --set.
SweepConfig LoadSweepConfig(const std::filesystem::path& path, const std::string& preset = "",
                            const std::vector<std::string>& command = {},
                            const std::vector<std::string>& sets = {});

/// Parses a config from YAML (or PufferLib INI) text, such as the resolved config a study stores
/// (`source` names it in errors; `name` is the study name).
SweepConfig ParseSweepConfig(const std::string& text, const std::string& source,
                             const std::string& name);

/// What makes `now` a different study from `stored`: a changed search space (parameters,
/// constraints), fixed value, metric, goal or trial program. One short line per difference,
/// such as "x: uniform [-1, 1] -> uniform [5, 9]"; empty when `now` may continue the study.
/// Other settings (trials, jobs, timeouts, sampler, pruner, seed) may change between runs.
std::vector<std::string> StudyChanges(const SweepConfig& stored, const SweepConfig& now);

/// Splits a command line into words as a POSIX shell would (spaces; '...', "..." and backslash
/// quoting; no expansions). Throws UserError for an unclosed quote.
std::vector<std::string> SplitCommandLine(const std::string& text);

/// The words of `hpo sweep --command` / `hpo convert --command`: SplitCommandLine, with errors
/// (an unclosed quote, nothing to run) reported at --command.
std::vector<std::string> CommandOption(const std::string& text);

/// A condition in words: "optimizer in [sgd, rmsprop]", "n_layers > 2", "lr > 0.001 and lr < 0.1".
std::string DescribeCondition(const ParameterCondition& condition);

/// A parameter's distribution in one line: "loguniform [1e-05, 0.01]", "categorical [a, b]",
/// with " when <condition>" for a conditional one.
std::string DescribeParameter(const ParameterSpec& p);

}  // namespace hpo::config
