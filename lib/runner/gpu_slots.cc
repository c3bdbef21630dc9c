#include "lib/runner/gpu_slots.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <system_error>

#include "lib/core/error.h"
#include "lib/core/quantities.h"
#include "lib/core/subprocess.h"

namespace hpo::runner {

int GpuPlan::SharesPerDevice() const {
  return per_trial > 0 && per_trial < 1 ? static_cast<int>(std::lround(1 / per_trial)) : 1;
}

int GpuPlan::DevicesPerProcess() const {
  return per_trial >= 1 ? static_cast<int>(std::lround(per_trial)) : 1;
}

int GpuPlan::Capacity() const {
  if (!enabled()) return 0;
  const int devices_count = static_cast<int>(devices.size());
  return per_trial < 1 ? devices_count * SharesPerDevice() : devices_count / DevicesPerProcess();
}

std::vector<std::string> GpuPlan::SlotDevices() const {
  std::vector<std::string> slots;
  if (per_trial < 1) {
    for (int k = 0; k < SharesPerDevice(); ++k)
      slots.insert(slots.end(), devices.begin(), devices.end());
    return slots;
  }
  const size_t each = static_cast<size_t>(DevicesPerProcess());
  for (size_t i = 0; i + each <= devices.size(); i += each) {
    slots.push_back(
        fmt::format("{}", fmt::join(devices.begin() + i, devices.begin() + i + each, ",")));
  }
  return slots;
}

std::string GpuPlan::Describe() const {
  return fmt::format("GPUs {}, {:g} per trial: {} trial(s) at a time ({})", fmt::join(devices, ","),
                     per_trial, Capacity(), fmt::join(SlotDevices(), " | "));
}

namespace {

// Where every controller of the machine locks its GPUs (GpuAllocator::LockDir).
constexpr const char* kMachineLockRoot = "/tmp/hpo-gpu-locks";

// "0,1" -> {"0", "1"}; "" and "-1" (CUDA's "no device") -> none.
std::vector<std::string> DeviceList(const std::string& text) {
  std::vector<std::string> devices;
  for (const std::string& device : SplitCommaList(text)) {
    if (device == "-1") return {};  // CUDA stops at the first invalid index
    if (!device.empty()) devices.push_back(device);
  }
  return devices;
}

// nvidia-smi -L: "GPU 0: NVIDIA A100-SXM4-40GB (UUID: GPU-...)" per device.
std::vector<std::string> NvidiaSmiGpus() {
  if (!FindOnPath("nvidia-smi")) return {};
  ProgramResult listed;
  try {
    listed = RunProgram({"nvidia-smi", "-L"});
  } catch (const std::runtime_error&) {
    return {};
  }
  std::vector<std::string> devices;
  size_t start = 0;
  while (listed.exit_code == 0 && start < listed.out.size()) {
    const size_t end = std::min(listed.out.find('\n', start), listed.out.size());
    const std::string line = listed.out.substr(start, end - start);
    const size_t colon = line.find(':');
    if (line.rfind("GPU ", 0) == 0 && colon != std::string::npos)
      devices.push_back(line.substr(4, colon - 4));
    start = end + 1;
  }
  return devices;
}

}  // namespace

std::vector<std::string> MachineGpus() {
  if (const char* visible = std::getenv("CUDA_VISIBLE_DEVICES")) return DeviceList(visible);
  return NvidiaSmiGpus();
}

GpuPlan PlanGpus(const config::SweepConfig& c) {
  GpuPlan plan{c.gpus, c.gpus_per_trial};
  if (!plan.enabled()) return plan;
  if (plan.devices.empty()) plan.devices = MachineGpus();
  if (plan.devices.empty()) {
    throw UserError(Origin{"gpus_per_trial"},
                    fmt::format("{:g} GPU(s) per trial, but this machine gives none "
                                "(CUDA_VISIBLE_DEVICES is unset or empty and nvidia-smi -L lists "
                                "none): name the devices with --gpus 0,1 or gpus: [0, 1]",
                                plan.per_trial));
  }
  if (plan.Capacity() == 0) {
    throw UserError(Origin{"gpus_per_trial"},
                    fmt::format("{:g} GPUs per trial, but only {} given ({})", plan.per_trial,
                                plan.devices.size(), fmt::join(plan.devices, ",")));
  }
  return plan;
}

std::string FitJobsToGpus(config::SweepConfig& c, const GpuPlan& plan) {
  if (!plan.enabled() || c.n_jobs <= plan.Capacity()) return "";
  const int asked = c.n_jobs;
  c.n_jobs = plan.Capacity();
  return fmt::format("n_jobs {} -> {}: what the GPUs hold at once ({:g} per trial)", asked,
                     c.n_jobs, plan.per_trial);
}

GpuLease::GpuLease(GpuLease&& other) noexcept
    : devices_(std::move(other.devices_)), lock_fds_(std::move(other.lock_fds_)) {
  other.lock_fds_.clear();
}

GpuLease& GpuLease::operator=(GpuLease&& other) noexcept {
  if (this != &other) {
    Release();
    devices_ = std::move(other.devices_);
    lock_fds_ = std::move(other.lock_fds_);
    other.lock_fds_.clear();
  }
  return *this;
}

GpuLease::~GpuLease() { Release(); }

void GpuLease::Release() {
  for (int fd : lock_fds_) ::close(fd);  // closing the file frees its lock
  lock_fds_.clear();
}

std::string GpuLease::Text() const { return fmt::format("{}", fmt::join(devices_, ",")); }

std::filesystem::path GpuAllocator::LockDir() {
  const char* dir = std::getenv("HPO_GPU_LOCK_DIR");
  if (dir && *dir) return dir;
  // Slurm numbers each job's GPUs from 0 (its cgroup hides the others): two jobs on one node
  // both have a device "0", which are different devices, so each job locks in its own folder.
  const char* job = std::getenv("SLURM_JOB_ID");
  if (job && *job)
    return std::filesystem::path("/tmp/hpo-gpu-locks") / ("slurm-" + std::string(job));
  return "/tmp/hpo-gpu-locks";
}

GpuAllocator::GpuAllocator(GpuPlan plan, std::filesystem::path lock_dir)
    : plan_(std::move(plan)), lock_dir_(std::move(lock_dir)) {}

std::optional<GpuLease> GpuAllocator::TryLease() {
  GpuLease lease;
  if (plan_.per_trial < 1) {
    // share k of each device before share k + 1 of any: trials spread over the devices
    for (int k = 0; k < plan_.SharesPerDevice(); ++k) {
      for (const std::string& device : plan_.devices) {
        if (TryShare(device, k, lease)) return lease;
      }
    }
    return std::nullopt;
  }
  for (const std::string& device : plan_.devices) {
    if (TryWholeDevice(device, lease) &&
        static_cast<int>(lease.devices_.size()) == plan_.DevicesPerProcess())
      return lease;
  }
  return std::nullopt;  // the lease's partial locks are freed with it
}

// A whole device: its device lock, exclusively (no share of it is held by anyone).
bool GpuAllocator::TryWholeDevice(const std::string& device, GpuLease& lease) {
  const int fd = Lock(device, LOCK_EX);
  if (fd < 0) return false;
  lease.lock_fds_.push_back(fd);
  lease.devices_.push_back(device);
  return true;
}

// Share k of a device: the device lock shared (no one holds the whole device), and the share's
// own lock exclusively.
bool GpuAllocator::TryShare(const std::string& device, int k, GpuLease& lease) {
  const int device_fd = Lock(device, LOCK_SH);
  if (device_fd < 0) return false;
  const int share_fd = Lock(fmt::format("{}.share-{}", device, k), LOCK_EX);
  if (share_fd < 0) {
    ::close(device_fd);
    return false;
  }
  lease.lock_fds_.insert(lease.lock_fds_.end(), {device_fd, share_fd});
  lease.devices_.push_back(device);
  return true;
}

namespace {

// The lock folder, made for every user's controllers (sticky, as /tmp) when hpo makes it: the
// machine's, and a Slurm job's inside it.
void MakeLockDir(const std::filesystem::path& dir) {
  std::error_code ec;
  if (dir.parent_path() == kMachineLockRoot) {
    if (std::filesystem::create_directory(kMachineLockRoot, ec)) ::chmod(kMachineLockRoot, 01777);
  } else {
    std::filesystem::create_directories(dir.parent_path(), ec);
  }
  if (std::filesystem::create_directory(dir, ec)) ::chmod(dir.c_str(), 01777);
}

// The lock file, opened read-only (flock needs no more): an existing one without O_CREAT, which
// a sticky folder refuses on another user's file where fs.protected_regular is set.
int OpenLockFile(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) {
    fd = ::open(path.c_str(), O_RDONLY | O_CREAT | O_CLOEXEC, 0666);
    if (fd >= 0) ::fchmod(fd, 0666);  // other users' controllers lock it too
  }
  return fd;
}

}  // namespace

// The lock file gpu-<name>.lock, locked without waiting: its descriptor, or -1 when another
// holder has it. CLOEXEC: a trial process must not inherit a lock and hold it past its release.
int GpuAllocator::Lock(const std::string& name, int operation) {
  const std::filesystem::path path = lock_dir_ / ("gpu-" + name + ".lock");
  int fd = OpenLockFile(path);
  if (fd < 0 && errno == ENOENT) {  // the folder is not there yet (or was cleaned away)
    MakeLockDir(lock_dir_);
    fd = OpenLockFile(path);
  }
  if (fd < 0)
    throw std::runtime_error(
        fmt::format("cannot use the GPU lock {}: {}", path.string(), std::strerror(errno)));
  if (::flock(fd, operation | LOCK_NB) == 0) return fd;
  const int error = errno;
  ::close(fd);
  if (error == EWOULDBLOCK) return -1;
  throw std::runtime_error(
      fmt::format("cannot lock the GPU lock {}: {}", path.string(), std::strerror(error)));
}

}  // namespace hpo::runner
