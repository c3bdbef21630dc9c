// GPUs for trial processes (gpus_per_trial): each process gets its own devices, or a share of
// one, through CUDA_VISIBLE_DEVICES. Controllers on one machine coordinate through a lock file
// per device (and per share) in a folder every controller of the machine sees; the kernel frees
// a lock when its holder closes it or dies, so a controller that crashed leaves nothing held.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "lib/config/sweep_config.h"

namespace hpo::runner {

/// The devices a controller hands out and how much of them each trial process takes.
struct GpuPlan {
  std::vector<std::string> devices;  ///< as CUDA_VISIBLE_DEVICES names them ("0", "GPU-1a2b...")
  double per_trial = 0;  ///< whole devices (1, 2) or a share 1/k (0.5); 0: none handed out

  bool enabled() const { return per_trial > 0; }
  /// Processes one device holds at once: k for a share 1/k, else 1.
  int SharesPerDevice() const;
  /// Devices each process takes: per_trial for whole devices, 1 for a share.
  int DevicesPerProcess() const;
  /// Processes the devices hold at once (0 when there are fewer devices than one takes).
  int Capacity() const;
  /// The devices of each process, in the order an allocator with every device free hands them
  /// out: {"0", "1"} for two devices, one each; {"0", "1", "0", "1"} for shares of 0.5;
  /// {"0,1"} for two per process.
  std::vector<std::string> SlotDevices() const;
  /// "GPUs 0,1,2,3, 1 per trial: 4 trial(s) at a time (0 | 1 | 2 | 3)", for the dry run and the
  /// sweep's start.
  std::string Describe() const;
};

/// The sweep's GPU plan: gpus_per_trial of `c.gpus`, or of MachineGpus() when the file and
/// the flags name none. A UserError when it cannot run one trial (no GPU given, or fewer devices
/// than one trial takes).
GpuPlan PlanGpus(const config::SweepConfig& c);

/// Caps `c.n_jobs` at what the plan's devices hold at once: the line that says so, or "" when
/// n_jobs fits.
std::string FitJobsToGpus(config::SweepConfig& c, const GpuPlan& plan);

/// The GPUs this machine gives the controller: CUDA_VISIBLE_DEVICES as it was started with
/// (Slurm's --gres sets it; empty or "-1" gives none), else the indices of the devices
/// `nvidia-smi -L` lists, else none.
std::vector<std::string> MachineGpus();

/// The devices of one trial process, held until the lease is destroyed.
class GpuLease {
 public:
  GpuLease() = default;
  GpuLease(GpuLease&& other) noexcept;
  GpuLease& operator=(GpuLease&& other) noexcept;
  GpuLease(const GpuLease&) = delete;
  GpuLease& operator=(const GpuLease&) = delete;
  ~GpuLease();

  const std::vector<std::string>& devices() const { return devices_; }
  /// The devices comma-separated, as CUDA_VISIBLE_DEVICES takes them.
  std::string Text() const;

 private:
  friend class GpuAllocator;
  void Release();
  std::vector<std::string> devices_;
  std::vector<int> lock_fds_;
};

/// Hands out the plan's devices to trial processes, never one device (or share) twice among
/// the controllers that use the same lock folder.
class GpuAllocator {
 public:
  /// The folder of lock files every controller of the machine uses: HPO_GPU_LOCK_DIR, else
  /// /tmp/hpo-gpu-locks, or its slurm-<SLURM_JOB_ID>/ inside a Slurm job (whose device numbers
  /// are its own).
  static std::filesystem::path LockDir();

  GpuAllocator(GpuPlan plan, std::filesystem::path lock_dir);
  /// Devices for one more process, or none while they are all taken, by this controller or
  /// another. Throws std::runtime_error when the lock folder cannot be used.
  std::optional<GpuLease> TryLease();
  const GpuPlan& plan() const { return plan_; }

 private:
  bool TryWholeDevice(const std::string& device, GpuLease& lease);
  bool TryShare(const std::string& device, int k, GpuLease& lease);
  int Lock(const std::string& name, int operation);

  GpuPlan plan_;
  std::filesystem::path lock_dir_;
};

}  // namespace hpo::runner
