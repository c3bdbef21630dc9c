// The sweep controller: claims trials from the store, asks the sampler for their parameters,
// runs each as a child process, feeds intermediate values to the pruner and results back to
// the store. Several controllers may share one study; they meet only in the store.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "lib/config/objective_formula.h"
#include "lib/config/queued_trial.h"
#include "lib/config/sweep_config.h"
#include "lib/core/objectives.h"
#include "lib/core/value.h"
#include "lib/pbt/pbt_settings.h"
#include "lib/pruners/pruner.h"
#include "lib/runner/stopping_rules.h"
#include "lib/samplers/sampler.h"
#include "lib/space/search_space.h"
#include "lib/store/store.h"

namespace hpo::runner {

/// What a controller needs beyond the sweep config (config::SweepConfig, with the command
/// line's flags applied): where the sweep lives, how to start hpo train, and what this controller
/// brings to the study.
struct RunContext {
  std::filesystem::path sweep_dir;   ///< train_dir/sweep/<name>: runs/ go here
  std::filesystem::path hpo_binary;  ///< path of hpo itself, for the default trial command
  /// Another sweep's finished trials (lib/runner/warm_start.h): the sampler sees them before
  /// this study's own.
  std::vector<samplers::Observation> warm_start;
  /// The Slurm task this controller runs as ("<array job>_<index>"), or "": recorded with the
  /// study's workers, for `hpo status`.
  std::string slurm_task;
  double kill_grace = 10;  ///< seconds between SIGTERM and SIGKILL
  /// Seconds between heartbeats of running trials; 0: min(5, heartbeat_timeout / 4).
  double heartbeat_interval = 0;
};

/// What the controller tells the user as it goes (a terminal status line or plain log lines).
struct SweepEvent {
  /// kCreated: the trial's parameters, seed and run directory are chosen (its process starts
  /// next: kStarted); kFinished: complete with a value; kFailed: failed (message: why;
  /// interrupted ones are re-queued); kRecovered: a stale trial failed and re-queued, or adopted.
  enum class Kind {
    kCreated,
    kStarted,
    kReported,
    kFinished,
    kFailed,
    kPruned,
    kRecovered,
    kInfo,
    kExploited  ///< PBT: `member` copies `parent`'s checkpoint of `step` (message: the changes)
  } kind;
  /// The trial concerned, if any; at kFinished with its final values (and each seed's).
  const store::Trial* trial = nullptr;
  std::string message;
  const std::vector<store::Trial>* study = nullptr;  ///< the study's trials at the event, by number
  std::optional<double> value;  ///< kReported, kFinished, kPruned: the metric (as reported)
  std::optional<int64_t> step;  ///< kReported: its step
  /// While the storage is unreachable: since when (unix epoch ms), for the status line.
  std::optional<int64_t> storage_away_since_ms;
  int processes = 0;             ///< trial processes (seeds) this controller runs at the event
  int member = -1, parent = -1;  ///< kExploited: the member that copies, and its leader
};

struct SweepSummary {
  int launched = 0;  ///< trials this controller ran
  bool interrupted = false;
  /// PBT: every member has trained to its end (none will copy a checkpoint any more).
  bool population_finished = false;
};

/// Runs the study until it has n_trials trials, the sampler is exhausted, the timeout passes, a
/// stopping rule holds (Store::RecordStop says which) or
/// SIGINT/SIGTERM arrive (then running trials are stopped, recorded FAILED and re-queued, so a
/// resume reruns them). Throws UserError for problems the user must fix.
SweepSummary RunSweep(const config::SweepConfig& c, const RunContext& run,
                      const space::SearchSpace& space, samplers::Sampler& sampler,
                      store::Store& store, const store::Study& study,
                      const std::function<void(const SweepEvent&)>& on_event);

/// A new trial's suggestion: the sampler's draw from the stream of (sweep seed, trial number),
/// so a trial's point depends only on them and the history. The controller's one way to draw.
std::optional<samplers::Suggestion> SuggestTrial(samplers::Sampler& sampler,
                                                 const space::SearchSpace& space,
                                                 std::span<const samplers::Observation> history,
                                                 uint64_t sweep_seed, int64_t number);

/// One of the first trials of a new study, as SuggestTrial gives it.
struct FirstTrial {
  ParamSet params;
  std::string reason;             ///< the queued trial's label, or the sampler's reason
  int constraint_rejections = 0;  ///< the sampler's candidates a constraint threw away
};

/// The first trials of a new study whose controller starts them all at once (jobs >= n_trials):
/// the queued ones (enqueue:, the search centre), then the sampler's, each in the history as a
/// running trial when the next is drawn, after `history` (a warm start's trials). Fewer when
/// the sampler is exhausted. What `hpo sweep --dry-run` prints.
std::vector<FirstTrial> FirstTrials(samplers::Sampler& sampler, const space::SearchSpace& space,
                                    std::vector<samplers::Observation> history,
                                    const std::vector<config::QueuedTrial>& queued,
                                    uint64_t sweep_seed, int n_trials);

/// Creates and returns a new, empty run directory for trial `number`: runs/<name>.r.<number>,
/// or the next free <name>.r.N when that folder exists. A folder is never reused, so nothing
/// is ever read from another run (an earlier study of the same name left its results there).
std::filesystem::path ClaimRunDir(const std::string& name, const std::filesystem::path& sweep_dir,
                                  int64_t number);

/// Seed of trial `number` of a sweep seeded with `sweep_seed` (fits in 31 bits, so every trial
/// program can take it).
uint64_t TrialSeed(uint64_t sweep_seed, int64_t number);

/// The seed a trial trains with: the value of a `seed` parameter when the sweep fixes or
/// searches one (`fixed: {seed: 42}` means every trial runs on seed 42), else TrialSeed().
uint64_t SeedOfTrial(const ParamSet& fixed, const ParamSet& params, uint64_t sweep_seed,
                     int64_t number);

/// The seed a trial's `index`-th seed process trains with (seeds_per_trial): index 0 is the
/// trial's own seed, the others derive from it (31 bits, as TrialSeed).
uint64_t SeedOfTrialRun(uint64_t trial_seed, int index);

/// A parameter set as the YAML a trial reads (train_config_overrides.yaml).
std::string ParamsYaml(const ParamSet& params);

/// The values a trial's program gets: the sweep's fixed ones, then `params`, and for hpo train
/// its `threads` (the sweep's cpus_per_trial, 1 by default: reproducible, and `jobs` trials
/// share the cores) unless set.
ParamSet TrialParams(const config::SweepConfig& c, const ParamSet& params);

/// The environment every trial process gets (docs/trial_protocol.md): its threads (the sweep's
/// cpus_per_trial), the sweep's name, its run folder and its seed; the controller adds the
/// trial's number and seed index.
std::vector<std::pair<std::string, std::string>> TrialEnvironment(
    const config::SweepConfig& c, const std::filesystem::path& run_dir, uint64_t seed);

/// One value of an objective parsed from a JSON line of a trial's stdout, if the line has one:
/// {"step": N, "<metric>": V} (or, for an expression, every name it reads) or the trainer's
/// {"event":"eval","step":N,"mean_reward":V} (config::ObjectiveFormula::OnLine).
struct ParsedReport {
  std::optional<int64_t>
      step;  ///< none: a final value (W&B-style `{"score": 0.9}`), not a curve point
  double value = 0.0;
  std::optional<double> cost;  ///< the line's `cost`, if any (cost: reported)
  /// The line lacked some of an expression's names: `value` is its first name's, a curve point
  /// only (never the trial's final value). Such a line without a step is no report.
  bool partial = false;
};
std::optional<ParsedReport> ParseReportLine(const std::string& line,
                                            const config::ObjectiveFormula& objective);

/// An objective's final value for a finished trial: from <run_dir>/sweep_eval_results.yaml,
/// else `last_reported` (its last whole value on a JSON line). Throws std::runtime_error with
/// the reason the trial failed otherwise (missing or malformed results, a name absent, a value
/// not finite).
double ReadFinalValue(const std::filesystem::path& run_dir,
                      const config::ObjectiveFormula& objective,
                      const std::optional<double>& last_reported);

/// Each objective read as a formula: the metric's, then the further ones'.
std::vector<config::ObjectiveFormula> ObjectiveFormulas(const std::vector<Objective>& objectives);

/// What a finished trial says it cost, besides time: from its results file, `total_timesteps`
/// (steps) and `cost` (reported). Either is missing when the file has no such number.
struct TrialMeasures {
  std::optional<double> steps, reported;
};
TrialMeasures ReadTrialMeasures(const std::filesystem::path& run_dir);

/// The cost measure of a trial under `cost` (SweepConfig::cost), and false in `measured` when the
/// trial lacked the measure asked for and its wall time stands in.
double CostMeasure(const std::string& cost, const TrialMeasures& measures, double seconds,
                   bool& measured);

}  // namespace hpo::runner
