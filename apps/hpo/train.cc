// hpo train: one training run (PPO, A2C or SAC) with its run directory.
//   hpo train [--config FILE] [--patch FILE]... [--override key=value]... [--run-dir DIR]
//             [--seed S] [--init-from CHECKPOINT]
//   hpo train --resume RUN_DIR [--override key=value]...
//   hpo train --list-keys   (every key: type, default, meaning, other tools' names; Markdown)
// Precedence: built-in defaults < --config < --patch (in order) < --override < --seed.
// A population-based sweep's variables (docs/trial_protocol.md): HPO_RESTORE_FROM acts as
// --init-from (the flag wins), HPO_CHECKPOINT_DIR collects a checkpoint per evaluation.
#include <fmt/chrono.h>
#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>

#include "apps/hpo/commands.h"
#include "envs/env.h"
#include "lib/config/trainer_config.h"
#include "lib/config/trainer_keys.h"
#include "lib/core/atomic_file.h"
#include "lib/core/error.h"
#include "lib/core/terminal.h"
#include "lib/protocol/run_folder.h"
#include "lib/store/sweep_location.h"
#include "lib/trainer/trainer.h"

namespace hpo::cli {
namespace {

struct TrainCliOptions {
  std::string config_file;
  std::vector<std::string> patches;
  std::vector<std::string> overrides;
  std::string run_dir;
  std::optional<int64_t> seed;
  std::string resume;
  std::string init_from;
  bool list_keys = false;
  bool no_progress = false;
};

std::filesystem::path DefaultRunDir() {
  const auto now = std::chrono::system_clock::now();
  const std::string stamp =
      fmt::format("{:%Y%m%d-%H%M%S}", fmt::localtime(std::chrono::system_clock::to_time_t(now)));
  std::filesystem::path dir = store::TrainDir() / "runs" / ("train-" + stamp);
  for (int n = 2; std::filesystem::exists(dir); ++n)
    dir = store::TrainDir() / "runs" / fmt::format("train-{}-{}", stamp, n);
  return dir;
}

// A run directory may be new, or prepared by a sweep (its train_config_overrides.yaml, the
// trial's input, in it); one that already holds a run is never overwritten.
void CheckRunDirIsFree(const std::filesystem::path& dir) {
  for (const char* taken : {protocol::kProgressCsv, protocol::kResolvedConfig,
                            protocol::kResolvedOverrides, protocol::kCheckpointsDir}) {
    if (std::filesystem::exists(dir / taken)) {
      throw UserError(
          Origin{"--run-dir"},
          fmt::format("{} already holds a run ({} exists); use --resume {} or another --run-dir",
                      dir.string(), taken, dir.string()));
    }
  }
}

// A set, non-empty environment variable.
std::optional<std::string> EnvironmentValue(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

// The checkpoint a new run starts from, and the words naming where it was given: --init-from,
// else HPO_RESTORE_FROM (a population-based sweep's restore); none for --resume or a fresh run.
struct StartingPoint {
  std::string path;
  Origin origin;
};
std::optional<StartingPoint> StartingPointOf(const TrainCliOptions& o) {
  const std::optional<std::string> restore_from = EnvironmentValue("HPO_RESTORE_FROM");
  if (!o.init_from.empty() && !o.resume.empty()) {
    throw UserError(Origin{"--init-from"},
                    "starts a new run and --resume continues one; give one of them");
  }
  if (restore_from && (!o.init_from.empty() || !o.resume.empty())) {
    fmt::print(stderr, "hpo train: {} wins over HPO_RESTORE_FROM={}\n",
               o.resume.empty() ? "--init-from" : "--resume", *restore_from);
  }
  if (!o.init_from.empty()) return StartingPoint{o.init_from, Origin{"--init-from " + o.init_from}};
  if (restore_from && o.resume.empty())
    return StartingPoint{*restore_from, Origin{"HPO_RESTORE_FROM=" + *restore_from}};
  return std::nullopt;
}

// --resume: the run's own resolved_config.yaml, with --override over it.
config::TrainerConfig ResumedRun(const TrainCliOptions& o, trainer::TrainOptions& options) {
  if (!o.config_file.empty() || !o.patches.empty()) {
    throw UserError(Origin{"--resume"},
                    "a resumed run keeps its resolved_config.yaml; only --override may change it");
  }
  options.run_dir = o.resume;
  options.resume = true;
  if (!std::filesystem::exists(options.run_dir / protocol::kResolvedConfig)) {
    throw UserError(Origin{"--resume"},
                    "no run in " + o.resume + " (resolved_config.yaml is missing)");
  }
  return config::ResolveTrainerConfig((options.run_dir / protocol::kResolvedConfig).string(), {},
                                      o.overrides);
}

// A new run: --config, --patch and --override, in a run directory no other run holds.
config::TrainerConfig NewRun(const TrainCliOptions& o, trainer::TrainOptions& options) {
  config::TrainerConfig config =
      config::ResolveTrainerConfig(o.config_file, o.patches, o.overrides);
  options.run_dir = o.run_dir.empty() ? DefaultRunDir() : std::filesystem::path(o.run_dir);
  CheckRunDirIsFree(options.run_dir);
  return config;
}

// What the run resolved, written before training: resolved_config.yaml, and for a new run the
// record of what was asked for, resolved_overrides.yaml (a resumed run keeps the one from its
// start). Under its own name: a sweep's trial reads its input from train_config_overrides.yaml,
// which stays as the controller wrote it.
void WriteRunConfig(const config::TrainerConfig& config, const trainer::TrainOptions& options) {
  std::filesystem::create_directories(options.run_dir);
  WriteFileAtomic(options.run_dir / protocol::kResolvedConfig, config.ToYaml());
  if (!options.resume)
    WriteFileAtomic(options.run_dir / protocol::kResolvedOverrides, config.DiffYaml());
  fmt::print(stderr, "hpo train: {} run in {}\n", options.resume ? "resuming the" : "new",
             options.run_dir.string());
}

int RunTrain(const TrainCliOptions& o) {
  if (o.list_keys) {
    fmt::print("{}", config::TrainerKeysMarkdown());
    return kExitOk;
  }
  trainer::TrainOptions options;
  config::TrainerConfig config = o.resume.empty() ? NewRun(o, options) : ResumedRun(o, options);
  if (o.seed) config.Set("seed", Value(*o.seed), Origin{"--seed"});
  // an unknown env id or SAC on discrete actions: before anything is written
  trainer::CheckAlgorithmFitsEnv(config);
  if (const std::optional<StartingPoint> start = StartingPointOf(o))
    options.init_from = trainer::CheckStartingPoint(config, start->path, start->origin);
  if (const std::optional<std::string> dir = EnvironmentValue("HPO_CHECKPOINT_DIR"))
    options.checkpoint_dir = *dir;
  WriteRunConfig(config, options);
  // A person at a terminal gets a redrawn progress line with the evaluations in it; a program
  // reading stdout (a sweep, a pipe) gets the JSON evaluation lines, and --no-progress gives
  // what a log file gets.
  options.live_progress = IsTerminal(stderr) && !o.no_progress;
  options.eval_json = !IsTerminal(stdout) || o.no_progress;
  return trainer::Train(config, options);
}

}  // namespace

void RegisterTrainCommand(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<TrainCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "train", "Train a PPO, A2C or SAC agent (defaults: configs/trainer/ppo_lunar.yaml)");
  cmd->add_option("--config", o->config_file, "YAML file of trainer keys")
      ->check(CLI::ExistingFile);
  cmd->add_option("--patch", o->patches,
                  "Patch file (e.g. from hpo best-params); repeatable, applied in order")
      ->check(CLI::ExistingFile);
  cmd->add_option("--override", o->overrides,
                  "key=value, e.g. lr=3e-4 or net_arch=[128,128]; repeatable");
  cmd->add_option("--run-dir", o->run_dir, "Run directory (default: train_dir/runs/train-<time>)");
  cmd->add_option("--seed", o->seed, "Seed (overrides the config's)");
  cmd->add_option("--resume", o->resume, "Continue the run in RUN_DIR from its last checkpoint");
  cmd->add_option("--init-from", o->init_from,
                  "Start a new run from a checkpoint (a .pt file, or a run directory's latest): "
                  "its weights, optimizer state, step counters and random streams, with this "
                  "command's config; the network (env, algorithm, layers) must be the same");
  cmd->add_flag("--no-progress", o->no_progress,
                "Plain progress lines and JSON evaluation lines even on a terminal (as a log file "
                "or a sweep gets them)");
  cmd->add_flag("--list-keys", o->list_keys,
                "Print every trainer key with its default and other tools' names, and exit");
  cmd->callback([o, &exit_code] { exit_code = RunTrain(*o); });
}

}  // namespace hpo::cli
