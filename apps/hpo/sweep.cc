// hpo sweep CONFIG: run a hyperparameter sweep (or show what it would run, with --dry-run).
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <thread>

#include "apps/hpo/commands.h"
#include "apps/hpo/flag_checks.h"
#include "apps/hpo/run_context.h"
#include "lib/config/from_patch.h"
#include "lib/config/objective_formula.h"
#include "lib/config/sweep_config.h"
#include "lib/core/atomic_file.h"
#include "lib/core/error.h"
#include "lib/core/quantities.h"
#include "lib/core/random.h"
#include "lib/core/terminal.h"
#include "lib/report/analysis.h"
#include "lib/report/best_params.h"
#include "lib/report/seed_values.h"
#include "lib/report/sweep_progress.h"
#include "lib/report/sweep_summary.h"
#include "lib/report/train_command.h"
#include "lib/runner/event_log.h"
#include "lib/runner/gpu_slots.h"
#include "lib/runner/hooks.h"
#include "lib/runner/pbt_member.h"
#include "lib/runner/stored_config.h"
#include "lib/runner/sweep_runner.h"
#include "lib/runner/warm_start.h"
#include "lib/samplers/sampler_factory.h"
#include "lib/store/store.h"
#include "lib/store/sweep_location.h"

namespace hpo::cli {
namespace {

struct SweepCliOptions {
  std::string config;
  std::optional<std::string> name;
  std::optional<int> trials;
  std::optional<int> add_trials;
  std::optional<std::string> jobs;      // a number, auto or -1 (checked as parsed)
  std::optional<double> timeout;        // seconds
  std::optional<double> storage_retry;  // seconds
  std::optional<int> seeds_per_trial;
  std::optional<double> budget_seconds;  // --budget-hours, in seconds
  std::optional<double> gpus_per_trial;
  std::optional<std::string> gpus;  // "0,1,2,3"
  std::vector<std::string> sets;
  bool no_report = false;
  bool no_progress = false;
  std::string events;
  std::string storage;
  std::string preset;
  std::optional<std::string> method;
  std::optional<std::string> command;
  std::optional<uint64_t> seed;
  bool resume = false;
  bool dry_run = false;
  bool accept_changes = false;
  std::optional<std::string> warm_start_from;
  std::string from_patch;
};

/// "metric final_mean_reward (maximize)", or "objectives a (maximize), b (minimize)".
std::string ObjectivesText(const config::SweepConfig& c) {
  return (c.objectives.Multi() ? "objectives " : "metric ") + c.objectives.Describe();
}

void EnqueueFirstTrials(const config::SweepConfig& c,
                        const std::vector<config::QueuedTrial>& queued, store::Store& store,
                        const store::Study& study) {
  for (size_t n = 0; n < queued.size(); ++n) {
    store.EnqueueTrial(
        study.id, queued[n].params,
        runner::SeedOfTrial(c.fixed, queued[n].params, c.seed, static_cast<int64_t>(n)));
  }
  if (queued[0].label == "prior") {
    fmt::print("queued the search centre (the priors and means of {}) as the first trial\n",
               fmt::join(queued[0].given, ", "));
  } else {
    fmt::print("queued {} trial(s) from enqueue: (they run first)\n", queued.size());
  }
}

/// Runs the sweep's opening steps; a storage that goes away meanwhile (it answered once: an
/// address that never answers is the user's mistake, reported at once) is waited for as the
/// controller waits for it, within storage_retry (docs/multi_machine.md, section 4).
template <class Steps>
auto WithStorageRetry(const config::SweepConfig& c, std::optional<runner::EventLog>& events,
                      Steps&& steps) -> decltype(steps()) {
  const auto began = std::chrono::steady_clock::now();
  const int64_t began_ms = store::NowMs();
  for (double pause = 1;; pause = std::min(5.0, pause * 2)) {
    try {
      return steps();
    } catch (const store::StorageUnavailable& e) {
      const double waited =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
      if (waited > c.storage_retry)
        throw EnvironmentError(fmt::format("gave up after waiting {} (storage_retry) since {}: {}",
                                           FormatDuration(std::round(waited)), ClockTime(began_ms),
                                           e.what()));
      if (pause == 1) {
        const std::string line =
            fmt::format("waiting for storage since {}: {} (retrying for up to {}, storage_retry)",
                        ClockTime(began_ms), e.what(), FormatDuration(c.storage_retry));
        fmt::print("sweep: {}\n", line);
        if (events)
          events->Write(runner::SweepEvent{runner::SweepEvent::Kind::kInfo, nullptr, line, nullptr,
                                           std::nullopt, std::nullopt, std::nullopt});
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int64_t>(pause * 1000)));
    }
  }
}

// --trials, --add-trials, --jobs, --timeout, --budget-hours and --storage-retry (each checked
// as it was parsed, flag_checks.h).
void ApplyBudgetFlags(const SweepCliOptions& o, config::SweepConfig& c) {
  if (o.add_trials && o.trials)
    throw UserError(
        Origin{"--add-trials"},
        "give --trials (the study's total) or --add-trials (more than it has), not both");
  if (o.timeout && o.budget_seconds)
    throw UserError(Origin{"--budget-hours"}, "give --timeout or --budget-hours, not both");
  if (o.trials) c.n_trials = *o.trials;
  if (o.jobs) {
    c.n_jobs = ParseJobs(*o.jobs).value_or(1);
    c.n_jobs_auto = IsAutoJobs(*o.jobs);
  }
  if (o.timeout) c.timeout = *o.timeout;
  if (o.budget_seconds) c.timeout = *o.budget_seconds;
  if (o.storage_retry) c.storage_retry = *o.storage_retry;
}

// --method and --seeds-per-trial, checked with the file's objectives and PBT settings.
void ApplySearchFlags(const SweepCliOptions& o, config::SweepConfig& c) {
  if (o.method) {
    try {
      c.sampler.method = samplers::CanonicalMethod(*o.method);
    } catch (const UserError& e) {
      throw UserError(Origin{"--method"}, e.what());
    }
  }
  config::CheckObjectives(c);  // --method cmaes on a multi-objective file
  if (o.seeds_per_trial) {
    c.seeds_per_trial = *o.seeds_per_trial;
    config::CheckSeedsPerTrial(c);
  }
  config::CheckPbt(c);  // --method pbt, or --seeds-per-trial on a PBT file
}

// --seed, --storage and --warm-start-from.
void ApplyStudyFlags(const SweepCliOptions& o, config::SweepConfig& c) {
  if (o.seed) c.seed = *o.seed;
  if (!o.storage.empty()) c.storage = o.storage;
  if (o.warm_start_from) c.warm_start_from = *o.warm_start_from;
  if (c.warm_start_from.empty()) return;
  store::ValidateSweepName(
      c.warm_start_from, o.warm_start_from ? "--warm-start-from" : o.config + " (warm_start_from)");
  if (c.warm_start_from == c.name)
    throw UserError(Origin{"--warm-start-from"}, "a sweep cannot warm-start from itself");
}

// n_jobs auto: the cores, cpus_per_trial each. --gpus-per-trial and --gpus, then the devices: the
// machine's when none are named, n_jobs capped by what they hold (a note the dry run prints).
void ApplyResourceFlags(const SweepCliOptions& o, config::SweepConfig& c) {
  if (c.n_jobs_auto) c.n_jobs = std::max(1, AllCores() / c.cpus_per_trial);
  if (o.gpus_per_trial) c.gpus_per_trial = *o.gpus_per_trial;
  if (o.gpus) c.gpus = SplitCommaList(*o.gpus);  // DeviceList() checked its items
  const runner::GpuPlan plan = runner::PlanGpus(c);
  c.gpus = plan.devices;
  const std::string capped = runner::FitJobsToGpus(c, plan);
  if (!capped.empty()) c.notes.push_back(capped);
}

// The sweep file, its preset, --set and --from-patch, then the flags over it.
config::SweepConfig Resolve(const SweepCliOptions& o) {
  const std::vector<std::string> command =
      o.command ? config::CommandOption(*o.command) : std::vector<std::string>{};
  config::SweepConfig c = config::LoadSweepConfig(o.config, o.preset, command, o.sets);
  config::ApplyFromPatch(c, o.from_patch);
  if (o.name) c.name = *o.name;
  store::UseSweepFileTrainDir(c.train_dir);
  store::ValidateSweepName(c.name, o.name ? "--name" : o.config + " (name)");
  ApplyBudgetFlags(o, c);
  ApplySearchFlags(o, c);
  ApplyStudyFlags(o, c);
  ApplyResourceFlags(o, c);
  return c;
}

// The dry run's first lines: what the sweep is and how its file was read.
void PrintSweepHeader(const config::SweepConfig& c) {
  if (c.sampler.method == "pbt") {
    const pbt::PbtSettings& p = c.sampler.pbt;
    fmt::print(
        "sweep {} ({}): population-based training of {} members, judged every {} steps{}, "
        "{}\n",
        c.name, c.source, p.population_size, p.perturbation_interval.value_or(0),
        p.synch ? " together (synch)" : "", ObjectivesText(c));
  } else {
    fmt::print("sweep {} ({}): {} trials, method {}, pruner {}, {}\n", c.name, c.source, c.n_trials,
               c.sampler.method, c.pruner.method, ObjectivesText(c));
  }
  fmt::print("read as: {}\n", c.vocabulary);
  if (!c.ignored.empty())
    fmt::print("ignored (not part of the search): {}\n", fmt::join(c.ignored, ", "));
  for (const std::string& note : c.notes) fmt::print("note: {}\n", note);
  if (!c.preset.empty()) fmt::print("preset: {}\n", c.preset);
  if (c.timeout > 0)
    fmt::print("budget: stops launching trials after {}\n", FormatDuration(c.timeout));
  if (c.gpus_per_trial > 0) fmt::print("devices: {}\n", runner::PlanGpus(c).Describe());
  fmt::print("trial program: {}\n", c.command.empty()
                                        ? std::string("hpo train")
                                        : fmt::format("{}", fmt::join(c.command, " ")));
  const config::ObjectiveFormula metric = config::ObjectiveFormula::Parse(c.objectives.metric);
  if (metric.is_expression()) {  // what the pruner and the charts see
    fmt::print("intermediate values: {}\n", metric.DescribeIntermediateValues(c.command.empty()));
  }
}

// One searched parameter as the dry run lists it: its distribution and bounds, then its
// condition.
std::string ParameterLine(const config::ParameterSpec& p) {
  config::ParameterSpec always = p;  // the condition is printed last, for every kind
  always.condition.reset();
  std::string line;
  if (p.categorical || p.numeric.sigma || p.numeric.beta) {  // choices, odds, normals, betas
    line = config::DescribeParameter(always);
  } else {
    // Integer kinds show integer bounds (and step).
    const bool integer = p.numeric.distribution.find("int") != std::string::npos ||
                         p.numeric.distribution == "uniform_pow2";
    auto show = [integer](double v) {
      return integer ? std::to_string(static_cast<int64_t>(v)) : report::FormatParamValue(Value(v));
    };
    line = fmt::format("{} [{}, {}]{}{}", p.numeric.distribution, show(p.numeric.min),
                       show(p.numeric.max), p.numeric.mean ? " mean " + show(*p.numeric.mean) : "",
                       p.numeric.q != 1.0 ? " q " + show(p.numeric.q) : "");
    if (p.numeric.clip) line += " clip";
    if (p.numeric.floor) line += " floor";
  }
  if (p.condition) line += " when " + config::DescribeCondition(*p.condition);
  return line;
}

// Which seed each trial trains on, and how several seeds per trial count.
void PrintSeeds(const config::SweepConfig& c) {
  const bool searched_seed =
      std::any_of(c.parameters.begin(), c.parameters.end(),
                  [](const config::ParameterSpec& p) { return p.name == "seed"; });
  if (c.fixed.count("seed")) {
    fmt::print("trial seeds: every trial trains on seed {} (fixed)\n", c.fixed.at("seed").ToYaml());
  } else if (searched_seed) {
    fmt::print("trial seeds: the searched parameter seed\n");
  } else if (c.sampler.method == "pbt") {
    fmt::print("training seeds: one per member, derived from the sweep seed {}\n", c.seed);
  } else {
    fmt::print("trial seeds: one per trial, derived from the sweep seed {} and the trial number\n",
               c.seed);
  }
  if (c.seeds_per_trial > 1) {
    fmt::print(
        "seeds per trial: {} (seed 0 is the trial's, the others derive from it); a trial's "
        "value and each step's intermediate value is the {} of its seeds'\n",
        c.seeds_per_trial, c.aggregate);
  }
}

void PrintSpace(const config::SweepConfig& c) {
  PrintSweepHeader(c);
  fmt::print("searched ({}):\n", c.parameters.size());
  for (const config::ParameterSpec& p : c.parameters) {
    fmt::print("  {:<24} {}\n", p.name, ParameterLine(p));
  }
  if (!c.fixed.empty()) fmt::print("fixed: {}\n", report::ParamsLine(c.fixed));
  for (const auto& [text, origin] : c.constraints) fmt::print("skip when: {}\n", text);
  PrintSeeds(c);
}

/// The other sweep's trials the sampler starts from, with the notes printed (none without a
/// warm start).
std::vector<samplers::Observation> WarmStartObservations(const config::SweepConfig& c,
                                                         const space::SearchSpace& space) {
  if (c.warm_start_from.empty()) return {};
  runner::WarmStart warm = runner::LoadWarmStart(store::FindSweep(c.warm_start_from, ""), c, space);
  for (const std::string& note : warm.notes) fmt::print("note: {}\n", note);
  return std::move(warm.observations);
}

int DryRun(config::SweepConfig c, std::optional<int> add_trials) {
  if (add_trials) c.n_trials = *add_trials;  // a dry run reads no study: show the trials to add
  if (c.sampler.method == "pbt") c.n_trials = c.sampler.pbt.population_size;  // first values
  PrintSpace(c);
  const space::SearchSpace space = c.BuildSpace();
  std::unique_ptr<samplers::Sampler> sampler = samplers::MakeSampler(c.sampler);
  const std::vector<runner::FirstTrial> trials =
      runner::FirstTrials(*sampler, space, WarmStartObservations(c, space),
                          config::FirstTrials(c, space), c.seed, c.n_trials);
  if (c.sampler.method == "pbt") {
    fmt::print("the members' first values (then PBT explores from the leaders' values):\n");
  } else {
    fmt::print("first {} suggestions (no training: each is recorded as running):\n", c.n_trials);
  }
  int rejected = 0;
  for (size_t n = 0; n < trials.size(); ++n) {
    fmt::print("  #{:<3} [{}] {}\n", n, trials[n].reason, report::ParamsLine(trials[n].params));
    rejected += trials[n].constraint_rejections;
  }
  if (static_cast<int>(trials.size()) < c.n_trials)
    fmt::print("  (the sampler is exhausted after {} suggestions)\n", trials.size());
  fmt::print("constraints rejected {} candidate(s)\n", rejected);
  return kExitOk;
}

// Keeps analysis/report.html and analysis/results.json current while the sweep runs: after a
// trial finishes, at most every kAnalysisInterval (the report fits an importance model), and
// at the end. A failure to write is a warning, once: the sweep's results are in storage. A PBT
// sweep's population is read from the study each time (other controllers may share it).
class AnalysisWriter {
 public:
  static constexpr double kAnalysisInterval = 10.0;  // seconds

  AnalysisWriter(store::SweepLocation location, store::Study study, const config::SweepConfig& c,
                 store::Store& store, bool enabled)
      : store_(store), enabled_(enabled) {
    results_.location = std::move(location);
    results_.info = report::ReadStudyInfo(study);
    results_.study = std::move(study);
    results_.config = c;
  }

  /// `storage_away`: the study cannot be read now; the population drawn is the last one read
  /// (reading would make the controller wait through the store's retries).
  void Refresh(const std::vector<store::Trial>& trials, bool final, bool storage_away) {
    const auto now = std::chrono::steady_clock::now();
    if (!enabled_ || (!final && now - last_ < std::chrono::duration<double>(kAnalysisInterval)))
      return;
    last_ = now;
    results_.trials = trials;
    if (results_.config->sampler.method == "pbt" && !storage_away) {
      try {
        results_.population = runner::LoadPopulation(store_, results_.study.id);
      } catch (const store::StorageUnavailable&) {
        // The last population read is drawn; the controller deals with the outage.
      }
    }
    try {
      report::WriteSweepAnalysis(results_);
      if (final && results_.FinishedCount() > 0) {
        fmt::print("report: {} (results.json beside it)\n",
                   report::AnalysisReportPath(results_).string());
      }
    } catch (const std::exception& e) {
      if (!warned_)
        fmt::print(stderr, "hpo sweep: warning: the analysis was not written: {}\n",
                   OneLine(e.what()));
      warned_ = true;
    }
  }

 private:
  report::SweepResults results_;
  store::Store& store_;
  bool enabled_;
  bool warned_ = false;
  std::chrono::steady_clock::time_point last_{};
};

// Everything a sweep opens before its first trial, opened in an order that leaves nothing behind
// when an input is bad: the space, sampler, warm start, first trials and events file are read
// before the sweep's folder and storage are made.
struct OpenedSweep {
  store::SweepLocation location;
  space::SearchSpace space;
  std::unique_ptr<samplers::Sampler> sampler;
  std::vector<samplers::Observation> warm_start;
  std::optional<runner::EventLog> events;
  std::unique_ptr<store::Store> store;
  store::Study study;
};

// The sweep's storage; a folder made for it is removed again when it cannot be opened.
std::unique_ptr<store::Store> OpenStoreLeavingNothing(const store::SweepLocation& location) {
  const bool new_dir = !std::filesystem::exists(location.dir);
  std::filesystem::create_directories(location.dir);
  try {
    return store::OpenStore(location.storage_url);
  } catch (const UserError&) {
    std::error_code ignored;
    if (new_dir) std::filesystem::remove(location.dir, ignored);  // only if still empty
    throw;
  }
}

// The study, new or resumed, with the stored config reconciled and the first trials queued.
store::Study OpenStudy(config::SweepConfig& c, const SweepCliOptions& o, OpenedSweep& s,
                       const std::vector<config::QueuedTrial>& queued) {
  const int asked_trials = c.n_trials;
  return WithStorageRetry(c, s.events, [&] {
    store::Study opened =
        s.store->OpenStudy(c.name, c.objectives.Direction(), c.ToYaml(), !o.resume);
    c.n_trials = asked_trials;
    if (o.add_trials)
      c.n_trials = store::CountedTrials(s.store->LoadTrials(opened.id)) + *o.add_trials;
    const std::string accepted =
        runner::ReconcileStoredConfig(*s.store, opened, c, s.location.dir, o.accept_changes);
    if (!accepted.empty())
      fmt::print("sweep {}: continuing with changes (recorded in the study): {}\n", c.name,
                 accepted);
    // enqueue: runs first in a new study only; a resume must not queue the same trials again.
    if (!queued.empty() && s.store->LoadTrials(opened.id).empty())
      EnqueueFirstTrials(c, queued, *s.store, opened);
    return opened;
  });
}

// Fills `s` (not returned: the events file cannot move).
void OpenSweep(config::SweepConfig& c, const SweepCliOptions& o, OpenedSweep& s) {
  s.location = store::LocateSweep(c.name, c.storage);
  const bool exists = std::filesystem::exists(s.location.dir / "study.db") || !c.storage.empty();
  if (o.resume && !exists)
    throw UserError(Origin{"--resume"}, fmt::format("no sweep named '{}' to resume in {}", c.name,
                                                    s.location.dir.parent_path().string()));
  s.space = c.BuildSpace();
  s.sampler = samplers::MakeSampler(c.sampler);
  s.warm_start = WarmStartObservations(c, s.space);
  const std::vector<config::QueuedTrial> queued = config::FirstTrials(c, s.space);
  if (!o.events.empty()) s.events.emplace(o.events, c.name);
  s.store = OpenStoreLeavingNothing(s.location);
  s.study = OpenStudy(c, o, s, queued);
}

void PrintSweepStart(const config::SweepConfig& c, const store::SweepLocation& location) {
  const std::string runs = (location.dir / "runs").string();
  if (c.sampler.method == "pbt") {
    fmt::print("sweep {}: population-based training of {} members, {} at a time; runs in {}\n",
               c.name, c.sampler.pbt.population_size, c.n_jobs, runs);
    return;
  }
  fmt::print("sweep {}: {} trials, {} at a time, method {}, pruner {}{}; runs in {}\n", c.name,
             c.n_trials, c.n_jobs, c.sampler.method, c.pruner.method,
             c.objectives.Multi() ? ", " + ObjectivesText(c) : "", runs);
  if (c.gpus_per_trial > 0) fmt::print("devices: {}\n", runner::PlanGpus(c).Describe());
}

// The line a sweep event prints; none for the ones the console does not show.
std::optional<std::string> EventLine(const runner::SweepEvent& e, const config::SweepConfig& c) {
  using Kind = runner::SweepEvent::Kind;
  const std::string who = e.trial ? fmt::format("trial {}", e.trial->number) : "sweep";
  switch (e.kind) {
    case Kind::kCreated:   // for the events file and hooks; "started" follows at once
    case Kind::kReported:  // the live status line shows it
      return std::nullopt;
    case Kind::kStarted:
      return fmt::format("{} started: {}", who, report::ParamsLine(e.trial->params));
    case Kind::kFinished: {
      const std::string seeds = report::SeedsText(*e.trial, {c.seeds_per_trial, c.aggregate});
      return fmt::format("{} finished: {}{}", who, e.message, seeds.empty() ? "" : " " + seeds);
    }
    case Kind::kFailed:
      return fmt::format("{} finished: FAILED: {}", who, e.message);
    case Kind::kPruned:
      return fmt::format("{} pruned at {}", who, e.message);
    case Kind::kRecovered:
    case Kind::kInfo:
    case Kind::kExploited:
      return fmt::format("{}: {}", who, e.message);
  }
  return std::nullopt;
}

// What the sweep shows and does as its events come: on a terminal, event lines scroll above a
// redrawn status line and intermediate values update it; elsewhere (or with --no-progress) plain
// lines, the status after each finished trial. Each event also goes to the events file and the
// hooks, and a finished trial prunes checkpoints and refreshes the analysis.
class SweepConsole {
 public:
  SweepConsole(const config::SweepConfig& c, bool live, OpenedSweep& s, AnalysisWriter& analysis,
               report::CheckpointKeeper& checkpoints, runner::HookRunner& hooks)
      : c_(c), live_(live), s_(s), analysis_(analysis), checkpoints_(checkpoints), hooks_(hooks) {}

  void OnEvent(const runner::SweepEvent& e) {
    using Kind = runner::SweepEvent::Kind;
    processes_ = e.processes;
    if (s_.events) s_.events->Write(e);
    hooks_.OnEvent(e);
    if (e.kind == Kind::kCreated) return;
    if (e.kind == Kind::kReported) {  // left out of plain output
      const std::string who = e.trial ? fmt::format("trial {}", e.trial->number) : "sweep";
      if (live_) status_line_.Set(Status(*e.study) + " " + who + " " + e.message);
      return;
    }
    Say(*EventLine(e, c_));
    const bool ended =
        e.kind == Kind::kFinished || e.kind == Kind::kFailed || e.kind == Kind::kPruned;
    const std::string waiting = e.storage_away_since_ms ? " | waiting for storage since " +
                                                              ClockTime(*e.storage_away_since_ms)
                                                        : "";
    if (live_)
      status_line_.Set(Status(*e.study) + waiting);
    else if (ended)
      fmt::print("  {}\n", Status(*e.study));
    if (ended) {
      if (c_.sampler.method != "pbt") checkpoints_.Prune(*e.study);  // a member may copy any
      analysis_.Refresh(*e.study, false, e.storage_away_since_ms.has_value());
    }
    std::fflush(stdout);
  }

  void Clear() {
    if (live_) status_line_.Clear();
  }

 private:
  std::string Status(const std::vector<store::Trial>& now) const {
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    report::SweepProgress progress = report::CountProgress(now, c_.objectives.All());
    if (c_.seeds_per_trial > 1) progress.seed_processes = processes_;
    const bool has_budget = c_.sampler.method != "pbt";  // PBT's members end when they end
    return report::ProgressText(progress, has_budget ? std::optional(c_.n_trials) : std::nullopt,
                                elapsed);
  }
  void Say(const std::string& line) {
    if (live_)
      status_line_.Print(line);
    else
      fmt::print("{}\n", line);
  }

  const config::SweepConfig& c_;
  bool live_;
  OpenedSweep& s_;
  AnalysisWriter& analysis_;
  report::CheckpointKeeper& checkpoints_;
  runner::HookRunner& hooks_;
  LiveLine status_line_{stdout};
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  int processes_ = 0;  // the seed processes running here, as the last event said
};

// After the last trial: the end text, checkpoints kept, the final analysis, the end line for the
// events file and the hooks; the exit code.
int FinishSweep(const config::SweepConfig& c, OpenedSweep& s, const runner::SweepSummary& summary,
                AnalysisWriter& analysis, report::CheckpointKeeper& checkpoints,
                runner::HookRunner& hooks) {
  const std::vector<store::Trial> trials = s.store->LoadTrials(s.study.id);
  fmt::print("{}", report::SweepEndText(c, trials, summary.launched, [&](const store::Trial& best) {
               return report::TrialTrainingCommand(c, c.name, best);
             }));
  if (c.sampler.method != "pbt" || summary.population_finished) checkpoints.Prune(trials);
  if (checkpoints.removed() > 0) {
    fmt::print("keep_best_n {}: removed the checkpoints of {} trial(s) outside the best {}\n",
               c.keep_best_n, checkpoints.removed(), c.keep_best_n);
  }
  analysis.Refresh(trials, true, false);
  const std::vector<store::Trial> ranked =
      report::RankTrials(trials, c.objectives.maximize, c.objectives.more);
  const std::string end =
      runner::SweepEndJson(c.name, trials, ranked.empty() ? nullptr : &ranked[0], summary.launched,
                           summary.interrupted, store::NowMs());
  if (s.events) s.events->WriteLine(end);
  if (summary.interrupted) {
    hooks.Finish(/*abandon=*/true);  // a user who pressed Ctrl-C wants the prompt back
  } else {
    hooks.SweepEnded(end);
    hooks.Finish();
  }
  if (hooks.failures() > 0)
    fmt::print("{} hook(s) failed (see {})\n", hooks.failures(),
               (s.location.dir / "hooks.log").string());
  if (summary.interrupted) return kExitInterrupted;
  return report::EveryTrialFailed(trials) ? kExitFailure : kExitOk;
}

int RunSweepCommand(const SweepCliOptions& o) {
  config::SweepConfig c = Resolve(o);
  if (o.dry_run) return DryRun(c, o.add_trials);
  OpenedSweep s;
  OpenSweep(c, o, s);
  runner::RunContext run = RunContextFor(s.location.dir);
  run.warm_start = std::move(s.warm_start);
  AnalysisWriter analysis(s.location, s.study, c, *s.store, !o.no_report);
  report::CheckpointKeeper checkpoints(c.keep_best_n, c);
  runner::HookRunner hooks(c.hooks, c.name, s.location.dir);
  PrintSweepStart(c, s.location);
  hooks.SweepStarted();
  SweepConsole console(c, IsTerminal(stdout) && !o.no_progress, s, analysis, checkpoints, hooks);
  const runner::SweepSummary summary =
      runner::RunSweep(c, run, s.space, *s.sampler, *s.store, s.study,
                       [&console](const runner::SweepEvent& e) { console.OnEvent(e); });
  console.Clear();
  return FinishSweep(c, s, summary, analysis, checkpoints, hooks);
}

// The options that size the sweep: how many trials, how many at once, for how long.
void AddBudgetOptions(CLI::App* cmd, SweepCliOptions& o) {
  cmd->add_option("--trials", o.trials, "Trials in the whole study")->check(AtLeastOne());
  cmd->add_option("--add-trials", o.add_trials,
                  "Run N more trials than the study has now (all controllers together)")
      ->check(AtLeastOne());
  cmd->add_option("--jobs", o.jobs,
                  "Trials this controller runs at once: a number, or auto / -1 for every core "
                  "(cpus_per_trial each)")
      ->check(Jobs())
      ->type_name("N|auto");
  cmd->add_option("--gpus-per-trial", o.gpus_per_trial,
                  "GPUs each trial gets (its own CUDA_VISIBLE_DEVICES): a whole number, or a "
                  "share such as 0.5 (two trials per device)")
      ->transform(GpuAmount())
      ->type_name("G");
  cmd->add_option("--gpus", o.gpus,
                  "The GPUs to hand out, comma-separated (default: CUDA_VISIBLE_DEVICES, else "
                  "those nvidia-smi -L lists)")
      ->transform(DeviceList())
      ->type_name("0,1,...");
  cmd->add_option("--timeout", o.timeout,
                  "Stop launching trials after this long: 45s, 30m, 12h, 1h30m, or seconds")
      ->transform(Duration())
      ->type_name("DURATION");
  cmd->add_option("--budget-hours", o.budget_seconds,
                  "The same as --timeout, in hours (VBot's flag)")
      ->transform(HoursAsSeconds());
  cmd->add_option("--storage-retry", o.storage_retry,
                  "How long to wait for an unreachable storage before stopping (default 10m, "
                  "the sweep file's storage_retry)")
      ->transform(Duration())
      ->type_name("DURATION");
  cmd->add_option("--seeds-per-trial", o.seeds_per_trial,
                  "Train each trial on K seeds; its value is their aggregate (the sweep file's "
                  "seeds_per_trial and aggregate)")
      ->check(AtLeastOne());
}

// The options that change what the file says: storage, preset, keys, method, program, seed.
void AddFileOverrideOptions(CLI::App* cmd, SweepCliOptions& o) {
  cmd->add_option("--storage", o.storage, "Storage URL (default: train_dir/sweep/<name>/study.db)");
  cmd->add_option("--preset", o.preset, "Apply a preset from the config's presets:");
  cmd->add_option("--set", o.sets,
                  "Set any key of the sweep file, after the preset: --set pruner.type=hyperband "
                  "(repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("--method", o.method, "Sampler: random, grid, bayes/protein, tpe, cmaes");
  cmd->add_option("--command", o.command,
                  "Trial program, replacing the file's: 'python train.py ${args_no_hyphens}' "
                  "(W&B's macros; names pass as written)");
  cmd->add_option("--seed", o.seed, "Sweep seed");
}

// The options of the study's history (resume, warm start, a patch to start from).
void AddStudyOptions(CLI::App* cmd, SweepCliOptions& o) {
  cmd->add_flag("--resume", o.resume,
                "Continue an existing sweep (re-running the same name does too)");
  cmd->add_flag("--accept-changes", o.accept_changes,
                "Continue the study although its space, metric or trial program changed (recorded "
                "in the study)");
  cmd->add_option(
      "--warm-start-from", o.warm_start_from,
      "Another sweep whose finished trials the sampler also sees (same metric and goal)");
  cmd->add_option("--from-patch", o.from_patch,
                  "Start from a patch's values (hpo best-params writes them): the first trial and "
                  "the search centre; "
                  "with narrow: in the file (--preset fine-tune), ranges shrink around them");
}

// The options of what the sweep prints and writes beside its trials.
void AddOutputOptions(CLI::App* cmd, SweepCliOptions& o) {
  cmd->add_option("--events", o.events,
                  "Append one JSON line per trial event to this file (docs/run_dir.md)");
  cmd->add_flag("--no-report", o.no_report,
                "Do not write analysis/report.html and analysis/results.json (written as trials "
                "finish, by default)");
  cmd->add_flag(
      "--no-progress", o.no_progress,
      "Plain lines even on a terminal: no redrawn status line (what a log file gets anyway)");
  cmd->add_flag("--dry-run", o.dry_run,
                "Print the resolved space and the first suggestions; run nothing");
}

}  // namespace

void RegisterSweepCommand(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<SweepCliOptions>();
  CLI::App* cmd = app.add_subcommand("sweep", "Run a hyperparameter sweep");
  cmd->add_option("config", o->config, "Sweep YAML file")->required()->check(CLI::ExistingFile);
  cmd->add_option("--name", o->name, "Sweep name (default: the config's name or file stem)");
  AddBudgetOptions(cmd, *o);
  AddFileOverrideOptions(cmd, *o);
  AddStudyOptions(cmd, *o);
  AddOutputOptions(cmd, *o);
  cmd->callback([o, &exit_code] { exit_code = RunSweepCommand(*o); });
}

}  // namespace hpo::cli
