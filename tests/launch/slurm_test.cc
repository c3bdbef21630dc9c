#include "lib/launch/slurm.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <functional>

#include "lib/core/error.h"
#include "lib/launch/worker_table.h"

namespace hpo::launch {
namespace {

SlurmJobSpec Spec() {
  SlurmJobSpec spec;
  spec.hpo_binary = "/opt/hpo/bin/hpo";
  spec.config = "/home/me/configs/lunar.yaml";
  spec.name = "lunar-big";
  spec.storage_url = "postgresql://hpo@db:5432/sweeps";
  spec.workers = 4;
  spec.jobs_per_worker = 2;
  spec.launch_dir = "/home/me/train_dir/sweep/lunar-big/launch";
  spec.written_at = "2026-12-06 09:40:00 UTC";
  return spec;
}

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(SlurmScriptTest, AnArrayOfOneSweepControllerPerTaskWithItsLogInTheLaunchDirectory) {
  const std::string s = SlurmScript(Spec());
  EXPECT_EQ(s.rfind("#!/bin/bash\n", 0), 0u);
  EXPECT_TRUE(Has(s, "#SBATCH --job-name=hpo-lunar-big\n"));
  EXPECT_TRUE(Has(s, "#SBATCH --array=0-3\n"));
  EXPECT_TRUE(Has(s, "#SBATCH --cpus-per-task=2\n"));  // one CPU per trial it runs at once
  EXPECT_TRUE(
      Has(s, "#SBATCH --output=/home/me/train_dir/sweep/lunar-big/launch/worker-%A_%a.log\n"));
  EXPECT_FALSE(Has(s, "--partition"));
  EXPECT_TRUE(Has(s,
                  "export "
                  "HPO_TRAIN_DIR=\"${TMPDIR:-/tmp}\"/'hpo-lunar-big'/"
                  "\"${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}\"\n"));
  EXPECT_TRUE(Has(s,
                  "exec '/opt/hpo/bin/hpo' sweep '/home/me/configs/lunar.yaml' --storage "
                  "'postgresql://hpo@db:5432/sweeps' "
                  "--name 'lunar-big' --jobs 2 --no-progress --no-report\n"));
  // #SBATCH lines come before the first command, or sbatch ignores them.
  EXPECT_LT(s.rfind("#SBATCH"), s.find("set -eu"));
}

TEST(SlurmScriptTest, SchedulerOptionsRunRootAndPgpassAreWrittenAsGiven) {
  SlurmJobSpec spec = Spec();
  spec.partition = "gpu";
  spec.time = "1-00:00:00";
  spec.mem = "16G";
  spec.cpus_per_task = 6;
  spec.sbatch_args = {"--gres=gpu:1", "--account=rl"};
  spec.run_root = "/scratch/me/runs";
  spec.pgpass_file = "/home/me/.pgpass";
  const std::string s = SlurmScript(spec);
  for (const char* line :
       {"#SBATCH --partition=gpu\n", "#SBATCH --time=1-00:00:00\n", "#SBATCH --mem=16G\n",
        "#SBATCH --cpus-per-task=6\n", "#SBATCH --gres=gpu:1\n", "#SBATCH --account=rl\n",
        "export PGPASSFILE='/home/me/.pgpass'\n"}) {
    EXPECT_TRUE(Has(s, line)) << line << "\n" << s;
  }
  const std::string run_dirs =
      "HPO_TRAIN_DIR='/scratch/me/runs'/\"${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}\"\n";
  EXPECT_TRUE(Has(s, "export " + run_dirs)) << s;
}

// --gpus-per-worker: Slurm gives each worker its GPUs, which the worker's trials share out
// (gpus_per_trial) through the CUDA_VISIBLE_DEVICES Slurm set.
TEST(SlurmScriptTest, GpusPerWorkerAsksSlurmForThem) {
  SlurmJobSpec spec = Spec();
  EXPECT_FALSE(Has(SlurmScript(spec), "--gres"));
  spec.gpus_per_worker = 2;
  EXPECT_TRUE(Has(SlurmScript(spec), "#SBATCH --gres=gpu:2\n"));
  spec.gpus_per_worker = -1;
  EXPECT_THROW(CheckSlurmJobSpec(spec), UserError);
}

TEST(SlurmScriptTest, NamesAndPathsWithSpacesOrQuotesStayOneArgument) {
  SlurmJobSpec spec = Spec();
  spec.name = "it's big";
  spec.launch_dir = "/home/me/my runs/launch";
  const std::string s = SlurmScript(spec);
  EXPECT_TRUE(Has(s, "#SBATCH --job-name=hpo-it_s_big\n"));
  EXPECT_TRUE(Has(s, "#SBATCH --output=\"/home/me/my runs/launch/worker-%A_%a.log\"\n"));
  EXPECT_TRUE(Has(s, "--name 'it'\\''s big'"));
}

TEST(SlurmJobSpecTest, ValuesThatCannotBeSbatchOptionsAreUserErrorsNamingTheFlag) {
  const std::vector<std::pair<std::function<void(SlurmJobSpec&)>, std::string>> cases = {
      {[](SlurmJobSpec& s) { s.workers = 0; }, "--workers: must be at least 1, got 0"},
      {[](SlurmJobSpec& s) { s.jobs_per_worker = -1; },
       "--jobs-per-worker: must be at least 1, got -1"},
      {[](SlurmJobSpec& s) { s.partition = "a b"; }, "--partition: cannot hold spaces"},
      {[](SlurmJobSpec& s) { s.time = "1:00\n#SBATCH --x"; }, "--time: cannot hold"},
      {[](SlurmJobSpec& s) { s.sbatch_args = {"gres=gpu:1"}; },
       "--sbatch-arg: must be one sbatch option"},
  };
  for (const auto& [change, message] : cases) {
    SlurmJobSpec spec = Spec();
    change(spec);
    try {
      CheckSlurmJobSpec(spec);
      ADD_FAILURE() << "accepted: " << message;
    } catch (const UserError& e) {
      EXPECT_TRUE(Has(e.what(), message)) << e.what();
    }
  }
  EXPECT_NO_THROW(CheckSlurmJobSpec(Spec()));
}

TEST(SlurmTaskOfThisProcessTest, ArrayTaskThenPlainJobThenNothing) {
  setenv("SLURM_ARRAY_JOB_ID", "12", 1);
  setenv("SLURM_ARRAY_TASK_ID", "3", 1);
  setenv("SLURM_JOB_ID", "15", 1);
  EXPECT_EQ(SlurmTaskOfThisProcess(), "12_3");
  unsetenv("SLURM_ARRAY_JOB_ID");
  unsetenv("SLURM_ARRAY_TASK_ID");
  EXPECT_EQ(SlurmTaskOfThisProcess(), "15");
  unsetenv("SLURM_JOB_ID");
  EXPECT_EQ(SlurmTaskOfThisProcess(), "");
}

store::Trial TrialOf(const std::string& worker, store::TrialState state) {
  store::Trial t;
  t.worker = worker;
  t.state = state;
  return t;
}

TEST(WorkerRowsTest, EachWorkerWithItsTaskStateAndTrialsThenTasksThatStartedNoWorker) {
  using S = store::TrialState;
  const std::vector<store::Worker> workers = {{"n1:10", "7_0", 1}, {"laptop:99", "", 2}};
  const std::vector<store::Trial> trials = {
      TrialOf("n1:10", S::kComplete), TrialOf("n1:10", S::kFailed), TrialOf("n1:10", S::kRunning),
      TrialOf("laptop:99", S::kPruned)};
  const std::vector<store::Launch> launches = {{"slurm", "7", 3, "/x.sbatch", 0}};
  const std::map<std::string, SlurmTask> tasks = {{"7_0", {"RUNNING", "node1"}},
                                                  {"7_1", {"PENDING", ""}},
                                                  {"7_2", {"CANCELLED", "node2"}},
                                                  {"8_0", {"RUNNING", "x"}}};
  const std::vector<WorkerRow> rows = WorkerRows(workers, trials, launches, tasks);
  ASSERT_EQ(rows.size(), 4u);  // 8_0 belongs to no launch of this study
  EXPECT_EQ(rows[0].worker, "n1:10");
  EXPECT_EQ(rows[0].host, "n1");
  EXPECT_EQ(rows[0].state, "RUNNING");
  EXPECT_EQ(rows[0].finished, 2);
  EXPECT_EQ(rows[0].running, 1);
  EXPECT_EQ(rows[1].slurm_task, "-");
  EXPECT_EQ(rows[1].state, "-");
  EXPECT_EQ(rows[1].finished, 1);
  EXPECT_EQ(rows[2].worker, "-");
  EXPECT_EQ(rows[2].slurm_task, "7_1");
  EXPECT_EQ(rows[2].host, "-");
  EXPECT_EQ(rows[2].state, "PENDING");
  EXPECT_EQ(rows[3].host, "node2");

  const std::string text = WorkersText(rows, launches);
  EXPECT_TRUE(Has(text, "workers: 4; Slurm job 7 (3 task(s), submitted ")) << text;
  EXPECT_TRUE(Has(text,
                  "n1:10                     7_0           n1                RUNNING              "
                  "2        1\n"))
      << text;
  EXPECT_EQ(WorkersText({}, launches), "");
}

}  // namespace
}  // namespace hpo::launch
