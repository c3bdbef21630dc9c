// hpo launch slurm CONFIG: submit a sweep's workers to Slurm as one job array; hpo launch cancel
// NAME: cancel them (docs/multi_machine.md, "On a Slurm cluster").
#include <fmt/chrono.h>
#include <fmt/format.h>

#include <ctime>
#include <filesystem>

#include "apps/hpo/commands.h"
#include "lib/config/sweep_config.h"
#include "lib/core/atomic_file.h"
#include "lib/core/error.h"
#include "lib/launch/slurm.h"
#include "lib/runner/stored_config.h"
#include "lib/store/storage_url.h"
#include "lib/store/store.h"
#include "lib/store/sweep_location.h"

namespace hpo::cli {
namespace {

namespace fs = std::filesystem;

struct LaunchSlurmOptions {
  std::string config;
  std::string storage;
  std::optional<std::string> name;
  launch::SlurmJobSpec spec;
  bool dry_run = false;
};

// The sweep file as the workers will read it: its name (or --name), and its train_dir where
// neither --train-dir nor HPO_TRAIN_DIR says where (as `hpo sweep` does).
config::SweepConfig ReadConfig(const LaunchSlurmOptions& o) {
  config::SweepConfig c = config::LoadSweepConfig(o.config, "", {}, {});
  if (o.name) c.name = *o.name;
  store::ValidateSweepName(c.name, o.name ? "--name" : o.config + " (name)");
  store::UseSweepFileTrainDir(c.train_dir);
  return c;
}

// A study that exists must be the same search (as each worker's `hpo sweep` would insist):
// better one message here than N failed workers.
void CheckExistingStudy(store::Store& store, const config::SweepConfig& c,
                        const fs::path& sweep_dir) {
  for (const store::Study& s : store.ListStudies()) {
    if (s.name != c.name) continue;
    const store::Study study = store.OpenStudy(c.name, c.objectives.Direction(), "", false);
    runner::ReconcileStoredConfig(store, study, c, sweep_dir, false);
  }
}

// Workers on several nodes share one study: through PostgreSQL.
void CheckSharedStorage(const std::string& storage) {
  const store::StorageUrl url = store::ParseStorageUrl(storage);
  if (url.kind == store::StorageUrl::Kind::kPostgres) return;
  throw UserError(Origin{"--storage"},
                  fmt::format("workers on several nodes share one study through PostgreSQL: give "
                              "postgresql://user@host:port/database, got '{}'",
                              store::MaskPassword(storage)));
}

// A synchronous PBT population runs under one controller: workers would start together and race.
void CheckOneControllerFits(const config::SweepConfig& c, int workers) {
  if (!c.OneControllerOnly() || workers <= 1) return;
  throw UserError(Origin{"--workers"},
                  fmt::format("{} workers for a synchronous PBT population (pbt: synch: true): "
                              "it runs under one controller; give --workers 1 and "
                              "--jobs-per-worker N to train N members at once",
                              workers));
}

// The job's absolute paths and names, as each node will read them.
void CompleteJobSpec(const LaunchSlurmOptions& o, const config::SweepConfig& c,
                     const store::SweepLocation& location, std::time_t now,
                     launch::SlurmJobSpec& spec) {
  spec.name = c.name;
  spec.config = fs::absolute(o.config).lexically_normal().string();
  spec.storage_url = store::WithoutPassword(o.storage);
  spec.hpo_binary = fs::read_symlink("/proc/self/exe").string();
  spec.launch_dir = fs::absolute(location.dir / "launch").lexically_normal();
  if (!spec.run_root.empty())
    spec.run_root = fs::absolute(spec.run_root).lexically_normal().string();
  spec.written_at = fmt::format("{:%Y-%m-%d %H:%M:%S} UTC", fmt::gmtime(now));
  if (spec.cpus_per_task == 0)  // each trial's threads (cpus_per_trial) for each trial at once
    spec.cpus_per_task = spec.jobs_per_worker * c.cpus_per_trial;
}

// Writes the script and submits it; nothing is left behind when sbatch refuses it.
std::string SubmitScript(const std::string& script, const fs::path& script_path,
                         const LaunchSlurmOptions& o) {
  const bool new_dir = !fs::exists(script_path.parent_path());
  fs::create_directories(script_path.parent_path());
  WriteFileAtomic(script_path, script);
  try {
    return launch::SubmitSlurmJob(script_path, store::PasswordOf(o.storage));
  } catch (const UserError&) {
    std::error_code ignored;
    fs::remove(script_path, ignored);
    if (new_dir) fs::remove(script_path.parent_path(), ignored);
    throw;
  }
}

void PrintSubmitted(const std::string& job, const LaunchSlurmOptions& o,
                    const fs::path& script_path) {
  const std::string name = o.spec.name;
  const std::string where = fmt::format("{} --storage {}", name, store::MaskPassword(o.storage));
  fmt::print("submitted Slurm job {}: {} worker(s) of sweep {}, {} trial(s) at a time each\n", job,
             o.spec.workers, name, o.spec.jobs_per_worker);
  fmt::print("script: {}\nlogs:   {}\n", script_path.string(),
             (o.spec.launch_dir / fmt::format("worker-{}_<task>.log", job)).string());
  fmt::print("watch:  hpo status {}\ncancel: hpo launch cancel {}\n", where, where);
}

int RunLaunchSlurm(LaunchSlurmOptions o) {
  launch::CheckSlurmJobSpec(o.spec);
  CheckSharedStorage(o.storage);
  const config::SweepConfig c = ReadConfig(o);
  CheckOneControllerFits(c, o.spec.workers);
  const store::SweepLocation location = store::LocateSweep(c.name, o.storage);
  const std::time_t now = std::time(nullptr);
  CompleteJobSpec(o, c, location, now, o.spec);
  const std::string script = launch::SlurmScript(o.spec);
  if (o.dry_run) {
    fmt::print("{}", script);
    return kExitOk;
  }
  launch::FindSlurmCommand("sbatch");
  std::unique_ptr<store::Store> store =
      store::OpenStore(o.storage);  // reachable, before anything is written
  CheckExistingStudy(*store, c, location.dir);
  const fs::path script_path =
      o.spec.launch_dir / fmt::format("slurm-{:%Y%m%d-%H%M%S}.sbatch", fmt::gmtime(now));
  const std::string job = SubmitScript(script, script_path, o);
  const store::Study study = store->OpenStudy(c.name, c.objectives.Direction(), c.ToYaml(), true);
  store->RecordLaunch(study.id,
                      {"slurm", job, o.spec.workers, script_path.string(), store::NowMs()});
  PrintSubmitted(job, o, script_path);
  return kExitOk;
}

int RunLaunchCancel(const std::string& name, const std::string& storage) {
  const store::SweepLocation location = store::FindSweep(name, storage);
  auto store = store::OpenStore(location.storage_url);
  const store::Study study = store->OpenStudy(location.name, "", "", false);
  std::vector<std::string> jobs;
  for (const store::Launch& l : store->LoadLaunches(study.id)) jobs.push_back(l.job_id);
  if (jobs.empty())
    throw UserError(fmt::format("sweep {} has no launch to cancel (hpo launch slurm records them)",
                                location.name));
  const std::vector<std::string> active = launch::ActiveSlurmJobs(jobs);
  if (active.empty()) {
    fmt::print("sweep {}: no Slurm job of it is pending or running (jobs {})\n", location.name,
               fmt::join(jobs, ", "));
    return kExitOk;
  }
  launch::CancelSlurmJobs(active);
  fmt::print(
      "cancelled Slurm job(s) {} of sweep {}: the trials their workers were running are FAILED and "
      "re-queued "
      "(max_retries), and run when the study has a worker again\n",
      fmt::join(active, ", "), location.name);
  return kExitOk;
}

// What each worker asks Slurm for: partition, time, CPUs, GPUs, memory, and any sbatch option.
void AddSlurmResourceOptions(CLI::App* slurm, launch::SlurmJobSpec& spec) {
  slurm->add_option("--partition", spec.partition, "Slurm partition (default: the cluster's)");
  slurm->add_option("--time", spec.time,
                    "Time limit of each worker, as sbatch reads it: HH:MM:SS, D-HH:MM...");
  slurm->add_option(
      "--cpus-per-task", spec.cpus_per_task,
      "CPUs of each worker (default: --jobs-per-worker x the sweep's cpus_per_trial)");
  slurm->add_option("--gpus-per-worker", spec.gpus_per_worker,
                    "GPUs of each worker (--gres=gpu:G); with gpus_per_trial in the sweep file, "
                    "each worker hands them out to its trials");
  slurm->add_option("--mem", spec.mem, "Memory of each worker, as sbatch reads it: 8G, 16000M...");
  slurm
      ->add_option("--sbatch-arg", spec.sbatch_args,
                   "One more sbatch option, such as --gres=gpu:1 (repeatable)")
      ->allow_extra_args(false);
}

void RegisterLaunchSlurm(CLI::App* launch, int& exit_code) {
  auto o = std::make_shared<LaunchSlurmOptions>();
  CLI::App* slurm = launch->add_subcommand(
      "slurm", "Submit N workers of a sweep as one Slurm job array (sbatch)");
  slurm->add_option("config", o->config, "Sweep YAML file (at the same path on every node)")
      ->required()
      ->check(CLI::ExistingFile);
  slurm
      ->add_option("--workers", o->spec.workers,
                   "Workers: tasks of the job array, each one `hpo sweep`")
      ->required();
  slurm
      ->add_option("--storage", o->storage,
                   "The study's PostgreSQL URL; a password in it reaches the workers as PGPASSWORD")
      ->required();
  slurm->add_option("--name", o->name, "Study name (default: the config's name or file stem)");
  slurm->add_option("--jobs-per-worker", o->spec.jobs_per_worker,
                    "Trials each worker runs at once (its --jobs)");
  AddSlurmResourceOptions(slurm, o->spec);
  slurm->add_option(
      "--run-root", o->spec.run_root,
      "Where the workers keep their run directories (default: the node's ${TMPDIR:-/tmp})");
  slurm->add_option("--pgpass", o->spec.pgpass_file,
                    "A .pgpass file the workers read their password from (PGPASSFILE)");
  slurm->add_flag("--dry-run", o->dry_run, "Print the batch script; submit nothing");
  slurm->callback([o, &exit_code] { exit_code = RunLaunchSlurm(*o); });
}

void RegisterLaunchCancel(CLI::App* launch, int& exit_code) {
  auto name = std::make_shared<std::string>();
  auto storage = std::make_shared<std::string>();
  CLI::App* cancel = launch->add_subcommand("cancel", "Cancel a sweep's Slurm workers (scancel)");
  cancel->add_option("name", *name, "Sweep name")->required();
  cancel->add_option("--storage", *storage,
                     "The study's storage URL (default: the sweep's study.db)");
  cancel->callback([name, storage, &exit_code] { exit_code = RunLaunchCancel(*name, *storage); });
}

}  // namespace

void RegisterLaunchCommand(CLI::App& app, int& exit_code) {
  CLI::App* launch =
      app.add_subcommand("launch", "Hand a sweep's workers to a cluster scheduler (Slurm)");
  launch->require_subcommand(1);
  RegisterLaunchSlurm(launch, exit_code);
  RegisterLaunchCancel(launch, exit_code);
}

}  // namespace hpo::cli
