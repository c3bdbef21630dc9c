// What each trial process gets of the machine, end to end: its threads (cpus_per_trial), and its
// GPUs (gpus_per_trial) with a device list given by --gpus (no GPU needed): each trial process
// records the CUDA_VISIBLE_DEVICES it got and when it ran, and the test checks that no two
// trials running at once were handed one device (or, with shares, more trials than a device
// takes).
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "lib/store/store.h"
#include "tests/e2e/run_hpo.h"
#include "tests/support/test_dir.h"

namespace hpo::e2e {
namespace {

namespace fs = std::filesystem;

// What one trial process recorded: when it ran and the devices it got, three ways.
struct TrialRun {
  int64_t start_ns = 0, end_ns = 0;
  std::string visible, ids, macro;
};

class TrialResourcesTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing_support::FreshTestDir("gpu_e2e");
    setenv("HPO_TRAIN_DIR", (dir_ / "train_dir").c_str(), 1);
    setenv("HPO_GPU_LOCK_DIR", (dir_ / "gpu_locks").c_str(), 1);
  }
  void TearDown() override { unsetenv("HPO_GPU_LOCK_DIR"); }

  // A sweep whose trial program sleeps, then writes its times and devices into its run folder.
  std::string Config(const std::string& name, const std::string& body) const {
    const fs::path path = dir_ / (name + ".yaml");
    std::ofstream(path)
        << "name: " << name << "\nmetric: score\nmethod: random\n"
        << "command: [sh, -c, 's=$(date +%s%N); sleep 0.4; e=$(date +%s%N); "
           "echo \"$s $e $CUDA_VISIBLE_DEVICES $HPO_GPU_IDS $1\" > \"$HPO_RUN_DIR/gpu.txt\"; "
           "echo \"{\\\"score\\\": 1}\"', sh, \"${gpus}\"]\n"
        << "parameters:\n  x: {min: 0.0, max: 1.0}\n"
        << body;
    return path.string();
  }

  std::vector<TrialRun> Runs(const std::string& name) const {
    auto store = store::OpenStore((dir_ / "train_dir/sweep" / name / "study.db").string());
    std::vector<TrialRun> runs;
    for (const store::Trial& t : store->LoadTrials(store->OpenStudy(name, "", "", false).id)) {
      EXPECT_EQ(t.state, store::TrialState::kComplete) << t.error;
      std::ifstream in(fs::path(t.run_dir) / "gpu.txt");
      TrialRun r;
      in >> r.start_ns >> r.end_ns >> r.visible >> r.ids >> r.macro;
      runs.push_back(r);
    }
    return runs;
  }

  // The most trials that ran on one device at the same moment.
  static int MostAtOnceOnOneDevice(const std::vector<TrialRun>& runs) {
    int most = 0;
    for (const TrialRun& a : runs) {  // at each start, count who runs on its device
      int on_device = 0;
      for (const TrialRun& b : runs)
        on_device += b.visible == a.visible && b.start_ns <= a.start_ns && a.start_ns < b.end_ns;
      most = std::max(most, on_device);
    }
    return most;
  }

  fs::path dir_;
};

TEST_F(TrialResourcesTest, EachRunningTrialHasADeviceOfItsOwnAndAllAreUsed) {
  const CommandResult r = RunHpo("sweep " + Config("whole", "n_trials: 8\ngpus_per_trial: 1\n") +
                                 " --jobs 4 --gpus 0,1,2,3");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("devices: GPUs 0,1,2,3, 1 per trial: 4 trial(s) at a time"),
            std::string::npos)
      << r.output;
  const std::vector<TrialRun> runs = Runs("whole");
  ASSERT_EQ(runs.size(), 8u);
  std::set<std::string> used;
  for (const TrialRun& run : runs) {
    EXPECT_EQ(run.visible.size(), 1u) << run.visible;  // one device: "0".."3"
    EXPECT_EQ(run.ids, run.visible);
    EXPECT_EQ(run.macro, run.visible);
    used.insert(run.visible);
  }
  EXPECT_EQ(used, (std::set<std::string>{"0", "1", "2", "3"}));
  EXPECT_EQ(MostAtOnceOnOneDevice(runs), 1);
}

TEST_F(TrialResourcesTest, AHalfShareLetsTwoTrialsShareADeviceAndNoMore) {
  const CommandResult r = RunHpo("sweep " + Config("half", "n_trials: 8\ngpus_per_trial: 0.5\n") +
                                 " --jobs 8 --gpus 0,1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::vector<TrialRun> runs = Runs("half");
  ASSERT_EQ(runs.size(), 8u);
  std::set<std::string> used;
  for (const TrialRun& run : runs) used.insert(run.visible);
  EXPECT_EQ(used, (std::set<std::string>{"0", "1"}));
  EXPECT_EQ(MostAtOnceOnOneDevice(runs), 2);  // four at once over two devices, two on each
}

// Two controllers of one study on one machine, each allowed two trials at once, with two
// devices between them: the locks keep every running trial on a device of its own.
TEST_F(TrialResourcesTest, TwoControllersOnOneMachineNeverHandOutOneDeviceTwice) {
  const std::string config = Config("two", "n_trials: 8\ngpus_per_trial: 1\n");
  const std::vector<pid_t> pids = {
      SpawnHpo({"sweep", config, "--jobs", "2", "--gpus", "0,1"}, (dir_ / "one.log").string()),
      SpawnHpo({"sweep", config, "--jobs", "2", "--gpus", "0,1"}, (dir_ / "two.log").string())};
  for (pid_t pid : pids) {
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  }
  const std::vector<TrialRun> runs = Runs("two");
  ASSERT_EQ(runs.size(), 8u);
  EXPECT_EQ(MostAtOnceOnOneDevice(runs), 1);
}

// A controller with nothing left to launch holds no device it does not use: another sweep on
// the machine gets it while the first one's last trial still runs.
TEST_F(TrialResourcesTest, AControllerDoneLaunchingLeavesItsFreeDevicesToOthers) {
  const std::string slow = Config("slow", "n_trials: 1\ngpus_per_trial: 1\n");
  const std::string quick = Config("quick", "n_trials: 2\ngpus_per_trial: 1\n");
  std::string text;
  {
    std::ifstream in(slow);
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  const size_t sleep = text.find("sleep 0.4");
  ASSERT_NE(sleep, std::string::npos);
  std::ofstream(slow) << text.replace(sleep, 9, "sleep 3");  // its one trial runs 3 s
  const pid_t first =
      SpawnHpo({"sweep", slow, "--jobs", "2", "--gpus", "0,1"}, (dir_ / "slow.log").string());
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  const CommandResult r = RunHpo("sweep " + quick + " --jobs 2 --gpus 0,1");
  int status = 0;
  waitpid(first, &status, 0);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::vector<TrialRun> slow_runs = Runs("slow"), quick_runs = Runs("quick");
  ASSERT_EQ(slow_runs.size(), 1u);
  ASSERT_EQ(quick_runs.size(), 2u);
  EXPECT_EQ(slow_runs[0].visible, "0");
  for (const TrialRun& run : quick_runs) {
    EXPECT_EQ(run.visible, "1");
    EXPECT_LT(run.start_ns, slow_runs[0].end_ns);  // beside the slow trial, not after it
  }
}

TEST_F(TrialResourcesTest, GpusPerTrialWithoutADeviceIsExitCode2OnOneLine) {
  const std::string path = Config("none", "n_trials: 2\ngpus_per_trial: 1\n");
  // CUDA_VISIBLE_DEVICES empty: no device, whatever nvidia-smi would list
  const CommandResult r =
      RunShell("CUDA_VISIBLE_DEVICES= " + std::string(HPO_BINARY) + " sweep " + path);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("hpo: error: gpus_per_trial: 1 GPU(s) per trial, but this machine "
                          "gives none"),
            std::string::npos)
      << r.output;
  EXPECT_FALSE(fs::exists(dir_ / "train_dir/sweep/none/study.db"));  // nothing half-written
}

// Slurm workers ask for each trial's threads and for their GPUs (the script only: no Slurm needed).
TEST_F(TrialResourcesTest, ASlurmWorkerAsksForItsTrialsThreadsAndItsGpus) {
  const std::string config = Config("slurm", "cpus_per_trial: 4\ngpus_per_trial: 1\n");
  const CommandResult r = RunHpo("launch slurm " + config +
                                 " --workers 2 --jobs-per-worker 2 --gpus-per-worker 2 "
                                 "--storage postgresql://hpo@db.example:5432/sweeps --dry-run");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("#SBATCH --cpus-per-task=8\n"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("#SBATCH --gres=gpu:2\n"), std::string::npos) << r.output;
}

TEST_F(TrialResourcesTest, CpusPerTrialReachesACustomProgramAsItsThreadVariables) {
  const fs::path path = dir_ / "threads.yaml";
  std::ofstream(path) << "name: threads\nmetric: score\nmethod: random\nn_trials: 2\n"
                      << "cpus_per_trial: 2\ncommand: [sh, -c, 'echo \"$OMP_NUM_THREADS "
                         "$OPENBLAS_NUM_THREADS $MKL_NUM_THREADS\" > \"$HPO_RUN_DIR/threads.txt\"; "
                         "echo \"{\\\"score\\\": 1}\"']\n"
                      << "parameters:\n  x: {min: 0.0, max: 1.0}\n";
  const CommandResult r = RunHpo("sweep " + path.string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto store = store::OpenStore((dir_ / "train_dir/sweep/threads/study.db").string());
  for (const store::Trial& t : store->LoadTrials(store->OpenStudy("threads", "", "", false).id)) {
    std::ifstream in(fs::path(t.run_dir) / "threads.txt");
    std::string line;
    std::getline(in, line);
    EXPECT_EQ(line, "2 2 2");
  }
}

// hpo train trials get `threads: C`, and --jobs auto runs cores / C of them at once.
TEST_F(TrialResourcesTest, CpusPerTrialIsHpoTrainsThreadsAndDividesTheCoresOfJobsAuto) {
  const fs::path path = dir_ / "train_threads.yaml";
  std::ofstream(path) << "name: train_threads\nmethod: random\nn_trials: 1\ncpus_per_trial: 2\n"
                      << "fixed: {env_id: CartPole-v1, total_timesteps: 1024, eval_interval: 0, "
                         "final_eval_episodes: 2}\n"
                      << "parameters:\n  lr: {min: 0.0001, max: 0.001}\n";
  const CommandResult r = RunHpo("sweep " + path.string() + " --jobs auto");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const int cores = static_cast<int>(std::thread::hardware_concurrency());
  EXPECT_NE(r.output.find(fmt::format("1 trials, {} at a time", std::max(1, cores / 2))),
            std::string::npos)
      << r.output;
  auto store = store::OpenStore((dir_ / "train_dir/sweep/train_threads/study.db").string());
  const std::vector<store::Trial> trials =
      store->LoadTrials(store->OpenStudy("train_threads", "", "", false).id);
  ASSERT_EQ(trials.size(), 1u);
  std::ifstream in(fs::path(trials[0].run_dir) / "resolved_config.yaml");
  const std::string resolved((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  EXPECT_NE(resolved.find("\nthreads: 2\n"), std::string::npos) << resolved;
}

}  // namespace
}  // namespace hpo::e2e
