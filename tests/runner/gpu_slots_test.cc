// How a controller hands GPUs to trial processes: the plan's arithmetic, the machine's device
// list, and the locks that keep one device (or share) from going to two processes at once.
#include "lib/runner/gpu_slots.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "lib/core/error.h"
#include "tests/support/test_dir.h"

namespace hpo::runner {
namespace {

TEST(GpuPlanTest, WholeDevicesSharesAndSeveralPerTrial) {
  const GpuPlan one{{"0", "1", "2", "3"}, 1};
  EXPECT_EQ(one.Capacity(), 4);
  EXPECT_EQ(one.SlotDevices(), (std::vector<std::string>{"0", "1", "2", "3"}));
  EXPECT_EQ(one.Describe(), "GPUs 0,1,2,3, 1 per trial: 4 trial(s) at a time (0 | 1 | 2 | 3)");
  const GpuPlan half{{"0", "1"}, 0.5};
  EXPECT_EQ(half.SharesPerDevice(), 2);
  EXPECT_EQ(half.Capacity(), 4);
  EXPECT_EQ(half.SlotDevices(), (std::vector<std::string>{"0", "1", "0", "1"}));
  const GpuPlan two{{"0", "1", "2", "3", "4"}, 2};  // the fifth is left over
  EXPECT_EQ(two.Capacity(), 2);
  EXPECT_EQ(two.SlotDevices(), (std::vector<std::string>{"0,1", "2,3"}));
}

TEST(GpuPlanTest, TheMachinesDevicesAreCudaVisibleDevicesAsTheControllerGotThem) {
  setenv("CUDA_VISIBLE_DEVICES", "2,3", 1);
  EXPECT_EQ(MachineGpus(), (std::vector<std::string>{"2", "3"}));
  setenv("CUDA_VISIBLE_DEVICES", "-1", 1);  // CUDA's "no device"
  EXPECT_TRUE(MachineGpus().empty());
  setenv("CUDA_VISIBLE_DEVICES", "", 1);
  EXPECT_TRUE(MachineGpus().empty());
  unsetenv("CUDA_VISIBLE_DEVICES");
}

TEST(GpuPlanTest, JobsAreCappedByWhatTheDevicesHoldAndNoDeviceIsAnError) {
  config::SweepConfig c;
  c.n_jobs = 8;
  c.gpus_per_trial = 1;
  c.gpus = {"0", "1"};
  const GpuPlan plan = PlanGpus(c);
  EXPECT_EQ(FitJobsToGpus(c, plan), "n_jobs 8 -> 2: what the GPUs hold at once (1 per trial)");
  EXPECT_EQ(c.n_jobs, 2);
  c.gpus_per_trial = 4;  // more than are given
  EXPECT_THROW(PlanGpus(c), UserError);
}

// Inside a Slurm job the device numbers are the job's own (its cgroup renumbers them from 0):
// its locks go in a folder of its own, not beside another job's "0".
TEST(GpuLockDirTest, HpoGpuLockDirElseOneFolderPerSlurmJobElseTheMachines) {
  unsetenv("HPO_GPU_LOCK_DIR");
  unsetenv("SLURM_JOB_ID");
  EXPECT_EQ(GpuAllocator::LockDir(), "/tmp/hpo-gpu-locks");
  setenv("SLURM_JOB_ID", "4242", 1);
  EXPECT_EQ(GpuAllocator::LockDir(), "/tmp/hpo-gpu-locks/slurm-4242");
  setenv("HPO_GPU_LOCK_DIR", "/scratch/locks", 1);
  EXPECT_EQ(GpuAllocator::LockDir(), "/scratch/locks");
  unsetenv("HPO_GPU_LOCK_DIR");
  unsetenv("SLURM_JOB_ID");
}

class GpuAllocatorTest : public testing::Test {
 protected:
  std::filesystem::path locks_ = testing_support::FreshTestDir("gpu_locks");
};

TEST_F(GpuAllocatorTest, ADeviceGoesToOneProcessUntilItsLeaseEnds) {
  GpuAllocator a(GpuPlan{{"0", "1"}, 1}, locks_);
  std::optional<GpuLease> first = a.TryLease(), second = a.TryLease();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->Text(), "0");
  EXPECT_EQ(second->Text(), "1");
  EXPECT_FALSE(a.TryLease());
  GpuAllocator other_controller(GpuPlan{{"0", "1"}, 1}, locks_);  // same lock folder
  EXPECT_FALSE(other_controller.TryLease());
  first.reset();
  const std::optional<GpuLease> again = other_controller.TryLease();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->Text(), "0");
}

TEST_F(GpuAllocatorTest, SharesSpreadOverTheDevicesAndAWholeDeviceWaitsForItsShares) {
  GpuAllocator shares(GpuPlan{{"0", "1"}, 0.5}, locks_);
  std::vector<GpuLease> held;
  while (std::optional<GpuLease> l = shares.TryLease()) held.push_back(std::move(*l));
  ASSERT_EQ(held.size(), 4u);
  EXPECT_EQ(held[0].Text() + held[1].Text() + held[2].Text() + held[3].Text(), "0101");
  GpuAllocator whole(GpuPlan{{"0"}, 1}, locks_);
  EXPECT_FALSE(whole.TryLease());  // device 0 is shared out
  held.erase(held.begin());        // one share of device 0 ends; the other still runs
  EXPECT_FALSE(whole.TryLease());
  held.erase(held.begin() + 1);  // the other share of device 0
  EXPECT_TRUE(whole.TryLease());
}

TEST_F(GpuAllocatorTest, TwoPerProcessTakeTwoFreeDevices) {
  GpuAllocator a(GpuPlan{{"0", "1", "2"}, 2}, locks_);
  const std::optional<GpuLease> lease = a.TryLease();
  ASSERT_TRUE(lease);
  EXPECT_EQ(lease->Text(), "0,1");
  EXPECT_FALSE(a.TryLease());  // one device is left: not enough
}

}  // namespace
}  // namespace hpo::runner
