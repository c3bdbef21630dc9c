#include "lib/launch/slurm.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <set>

#include "lib/core/error.h"
#include "lib/core/subprocess.h"

namespace hpo::launch {
namespace {

// 'text' for bash: single quotes, each ' written as '\''.
std::string ShellQuote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

// A value for an #SBATCH line: sbatch reads double quotes there, as the shell would.
std::string DirectiveQuote(const std::string& text) {
  return text.find_first_of(" \t'") == std::string::npos ? text : "\"" + text + "\"";
}

void CheckDirectiveValue(const std::string& value, const std::string& option) {
  if (value.find_first_of(" \t\r\n\"") != std::string::npos) {
    throw UserError(Origin{option},
                    fmt::format("cannot hold spaces, quotes or line breaks, got '{}'", value));
  }
}

// The job's name in squeue: hpo-<study>, in characters every Slurm tool prints plainly.
std::string JobName(const std::string& study) {
  std::string name = "hpo-" + study;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') c = '_';
  }
  return name;
}

// What a Slurm command printed on stderr, its lines joined with "; ", without their
// "sbatch: error: " prefixes.
std::string SlurmMessage(const ProgramResult& r) {
  const std::string& text = r.err.empty() ? r.out : r.err;
  std::string message;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    start = end + 1;
    for (const char* prefix : {"sbatch: error: ", "scancel: error: ", "squeue: error: "}) {
      if (line.rfind(prefix, 0) == 0) line.erase(0, std::string(prefix).size());
    }
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.pop_back();
    if (!line.empty()) message += (message.empty() ? "" : "; ") + line;
  }
  return message.empty() ? fmt::format("exit code {}", r.exit_code) : OneLine(message);
}

// Lines of "id|state|node" into `tasks`, keeping what is already known.
void ReadTaskLines(const std::string& text, std::map<std::string, SlurmTask>& tasks) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    const size_t bar1 = line.find('|'), bar2 = line.find('|', bar1 + 1);
    if (bar1 == std::string::npos || bar2 == std::string::npos) continue;
    const std::string id = line.substr(0, bar1);
    std::string state = line.substr(bar1 + 1, bar2 - bar1 - 1);
    state = state.substr(0, state.find(' '));  // sacct: "CANCELLED by 0"
    std::string node = line.substr(bar2 + 1);
    if (node == "None assigned" || node == "(null)") node.clear();
    if (!id.empty() && id.find('[') == std::string::npos) tasks.emplace(id, SlurmTask{state, node});
  }
}

bool IsActive(const std::string& state) {
  static const std::set<std::string> kActive = {"PENDING",    "RUNNING",   "CONFIGURING",
                                                "COMPLETING", "SUSPENDED", "REQUEUED",
                                                "RESIZING",   "SIGNALING", "STAGE_OUT"};
  return kActive.count(state) > 0;
}

}  // namespace

std::string FindSlurmCommand(const std::string& program) {
  const std::optional<std::string> path = FindOnPath(program);
  if (!path) {
    throw UserError(fmt::format(
        "{} not found on PATH: Slurm's commands are needed here (Debian: slurm-client){}", program,
        program == "sbatch" ? "; --dry-run prints the script without them" : ""));
  }
  return *path;
}

void CheckSlurmJobSpec(const SlurmJobSpec& spec) {
  if (spec.workers < 1)
    throw UserError(Origin{"--workers"}, fmt::format("must be at least 1, got {}", spec.workers));
  if (spec.jobs_per_worker < 1) {
    throw UserError(Origin{"--jobs-per-worker"},
                    fmt::format("must be at least 1, got {}", spec.jobs_per_worker));
  }
  if (spec.cpus_per_task < 0)
    throw UserError(Origin{"--cpus-per-task"},
                    fmt::format("must be at least 1, got {}", spec.cpus_per_task));
  if (spec.gpus_per_worker < 0)
    throw UserError(Origin{"--gpus-per-worker"},
                    fmt::format("must be at least 0, got {}", spec.gpus_per_worker));
  CheckDirectiveValue(spec.partition, "--partition");
  CheckDirectiveValue(spec.time, "--time");
  CheckDirectiveValue(spec.mem, "--mem");
  for (const std::string& arg : spec.sbatch_args) {
    if (arg.rfind('-', 0) != 0 || arg.find_first_of("\r\n") != std::string::npos) {
      throw UserError(Origin{"--sbatch-arg"},
                      fmt::format("must be one sbatch option such as --gres=gpu:1, got '{}'", arg));
    }
  }
}

std::string SlurmScript(const SlurmJobSpec& spec) {
  std::string s = "#!/bin/bash\n";
  s += fmt::format("# Workers of the hpo sweep '{}', written by `hpo launch slurm` on {}.\n",
                   spec.name, spec.written_at);
  s +=
      "# Each task of this job array runs one `hpo sweep` controller. They share the study in the\n"
      "# storage below, which numbers the trials and stops them all at the study's budget.\n"
      "# No password here: the workers read PGPASSWORD from the environment sbatch passed on, or "
      "a\n"
      "# .pgpass file.\n";
  s += fmt::format("#SBATCH --job-name={}\n", JobName(spec.name));
  s += fmt::format("#SBATCH --array=0-{}\n", spec.workers - 1);
  s += fmt::format("#SBATCH --cpus-per-task={}\n",
                   spec.cpus_per_task > 0 ? spec.cpus_per_task : spec.jobs_per_worker);
  s += fmt::format("#SBATCH --output={}\n",
                   DirectiveQuote((spec.launch_dir / "worker-%A_%a.log").string()));
  if (!spec.partition.empty()) s += fmt::format("#SBATCH --partition={}\n", spec.partition);
  if (!spec.time.empty()) s += fmt::format("#SBATCH --time={}\n", spec.time);
  if (!spec.mem.empty()) s += fmt::format("#SBATCH --mem={}\n", spec.mem);
  if (spec.gpus_per_worker > 0) s += fmt::format("#SBATCH --gres=gpu:{}\n", spec.gpus_per_worker);
  for (const std::string& arg : spec.sbatch_args) s += fmt::format("#SBATCH {}\n", arg);
  s += "set -eu\n";
  if (!spec.pgpass_file.empty())
    s += fmt::format("export PGPASSFILE={}\n", ShellQuote(spec.pgpass_file));
  const std::string task_dir = "\"${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}\"";
  if (spec.run_root.empty()) {
    s += "# Run directories on the node's own disk, one folder per task.\n";
    s += fmt::format("export HPO_TRAIN_DIR=\"${{TMPDIR:-/tmp}}\"/{}/{}\n",
                     ShellQuote("hpo-" + spec.name), task_dir);
  } else {
    s += "# Run directories under --run-root, one folder per task.\n";
    s += fmt::format("export HPO_TRAIN_DIR={}/{}\n", ShellQuote(spec.run_root), task_dir);
  }
  s += fmt::format("exec {} sweep {} --storage {} --name {} --jobs {} --no-progress --no-report\n",
                   ShellQuote(spec.hpo_binary), ShellQuote(spec.config),
                   ShellQuote(spec.storage_url), ShellQuote(spec.name), spec.jobs_per_worker);
  return s;
}

std::string SubmitSlurmJob(const std::filesystem::path& script, const std::string& password) {
  const std::string sbatch = FindSlurmCommand("sbatch");
  std::vector<std::string> env;
  if (!password.empty()) env.push_back("PGPASSWORD=" + password);
  const ProgramResult r = RunProgram({sbatch, "--parsable", script.string()}, env);
  if (r.exit_code != 0) throw UserError("sbatch refused the job: " + SlurmMessage(r));
  std::string id = r.out.substr(0, r.out.find_first_of(";\n"));  // "<id>" or "<id>;<cluster>"
  if (id.empty() || id.find_first_not_of("0123456789") != std::string::npos) {
    throw UserError(fmt::format("sbatch printed no job id: '{}'", OneLine(r.out)));
  }
  return id;
}

std::map<std::string, SlurmTask> SlurmTaskStates(const std::vector<std::string>& job_ids) {
  std::map<std::string, SlurmTask> tasks;
  const std::optional<std::string> squeue = FindOnPath("squeue"), sacct = FindOnPath("sacct");
  for (const std::string& job : job_ids) {
    // One job per call: squeue refuses a whole list when one id is no longer known.
    if (squeue)
      ReadTaskLines(RunProgram({*squeue, "-h", "-r", "-t", "all", "-j", job, "-o", "%i|%T|%N"}).out,
                    tasks);
    if (sacct)
      ReadTaskLines(
          RunProgram({*sacct, "-n", "-P", "-X", "-j", job, "-o", "JobID,State,NodeList"}).out,
          tasks);
  }
  return tasks;
}

std::vector<std::string> ActiveSlurmJobs(const std::vector<std::string>& job_ids) {
  const std::map<std::string, SlurmTask> tasks = SlurmTaskStates(job_ids);
  std::vector<std::string> active;
  for (const std::string& job : job_ids) {
    const bool any = std::any_of(tasks.begin(), tasks.end(), [&](const auto& task) {
      return (task.first == job || task.first.rfind(job + "_", 0) == 0) &&
             IsActive(task.second.state);
    });
    if (any) active.push_back(job);
  }
  return active;
}

void CancelSlurmJobs(const std::vector<std::string>& job_ids) {
  if (job_ids.empty()) return;
  std::vector<std::string> argv = {FindSlurmCommand("scancel")};
  argv.insert(argv.end(), job_ids.begin(), job_ids.end());
  const ProgramResult r = RunProgram(argv);
  if (r.exit_code != 0) throw UserError("scancel failed: " + SlurmMessage(r));
}

std::string SlurmTaskOfThisProcess() {
  const char* array_job = std::getenv("SLURM_ARRAY_JOB_ID");
  const char* task = std::getenv("SLURM_ARRAY_TASK_ID");
  if (array_job && *array_job && task && *task) return std::string(array_job) + "_" + task;
  const char* job = std::getenv("SLURM_JOB_ID");
  return job ? job : "";
}

}  // namespace hpo::launch
