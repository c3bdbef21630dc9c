// Slurm as the launcher of a sweep's workers (`hpo launch slurm`, docs/multi_machine.md): the
// batch script of a job array whose tasks each run one `hpo sweep` controller on a shared
// PostgreSQL study, and the calls to Slurm's commands (sbatch, squeue, sacct, scancel).
// hpo does not schedule anything itself: Slurm places the workers, and the study hands out
// the trials.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace hpo::launch {

/// What the job array runs and asks Slurm for.
struct SlurmJobSpec {
  std::string hpo_binary;   ///< absolute path of hpo (the same path on every node)
  std::string config;       ///< absolute path of the sweep file (readable from every node)
  std::string name;         ///< the study
  std::string storage_url;  ///< PostgreSQL, without its password (store::WithoutPassword)
  int workers = 1;          ///< tasks of the array
  int jobs_per_worker = 1;  ///< each worker's --jobs
  int cpus_per_task = 0;    ///< 0: jobs_per_worker
  /// GPUs of each worker (#SBATCH --gres=gpu:G); 0: none asked. The worker hands out what Slurm
  /// gave it (its CUDA_VISIBLE_DEVICES) to trials with gpus_per_trial.
  int gpus_per_worker = 0;
  std::string partition, time, mem;      ///< "": Slurm's defaults
  std::vector<std::string> sbatch_args;  ///< more #SBATCH options, as given
  std::string run_root;     ///< where the run directories go; "": the node's ${TMPDIR:-/tmp}
  std::string pgpass_file;  ///< exported as PGPASSFILE when not empty
  std::filesystem::path launch_dir;  ///< absolute: the workers' logs go here
  std::string written_at;            ///< when, for the script's header ("2026-12-06 09:40:00 UTC")
};

/// Throws UserError for a value that cannot go on an #SBATCH line (empty, whitespace, a line
/// break) or an --sbatch-arg that is not an option; Slurm checks the rest when it is submitted.
void CheckSlurmJobSpec(const SlurmJobSpec& spec);

/// The batch script. It holds no password.
std::string SlurmScript(const SlurmJobSpec& spec);

/// The path of Slurm's `program` (sbatch, scancel...) on PATH. Throws UserError when it is not
/// there.
std::string FindSlurmCommand(const std::string& program);

/// Submits `script` with `sbatch --parsable` and returns the job id. `password` (if any)
/// reaches the workers as PGPASSWORD in the environment sbatch passes on to the job, never in
/// a file. Throws UserError when sbatch is not on PATH or refuses the job (its message).
std::string SubmitSlurmJob(const std::filesystem::path& script, const std::string& password);

/// One task of a Slurm job as Slurm reports it.
struct SlurmTask {
  std::string state;  ///< PENDING, RUNNING, COMPLETED, CANCELLED, FAILED, ...
  std::string node;   ///< where it runs or ran ("" while pending)
};

/// The tasks of `job_ids` by task id ("12_0"): from squeue (pending, running and recently
/// ended jobs), then sacct (jobs squeue forgot, where accounting is kept). Empty when Slurm's
/// commands are not on PATH or know none of them.
std::map<std::string, SlurmTask> SlurmTaskStates(const std::vector<std::string>& job_ids);

/// The jobs of `job_ids` with a task still pending or running.
std::vector<std::string> ActiveSlurmJobs(const std::vector<std::string>& job_ids);

/// Cancels the jobs with scancel. Throws UserError when scancel is not on PATH or fails.
void CancelSlurmJobs(const std::vector<std::string>& job_ids);

/// The Slurm task this process runs in: "<array job id>_<index>" in a job array, the job id in
/// a plain job, "" outside Slurm (from SLURM_ARRAY_JOB_ID, SLURM_ARRAY_TASK_ID, SLURM_JOB_ID).
std::string SlurmTaskOfThisProcess();

}  // namespace hpo::launch
