// This process's open file descriptors, and a lower descriptor limit for a while: for tests that
// a failure path closes every descriptor it opened.
#pragma once

#include <dirent.h>
#include <sys/resource.h>

#include <cstdlib>
#include <set>

namespace hpo::testing_support {

/// The descriptors open now (read from /proc/self/fd, without the one that reads it).
inline std::set<int> OpenFds() {
  std::set<int> fds;
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) return fds;
  const int own = ::dirfd(dir);
  while (const dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] == '.') continue;
    const int fd = std::atoi(entry->d_name);
    if (fd != own) fds.insert(fd);
  }
  ::closedir(dir);
  return fds;
}

/// While it lives, RLIMIT_NOFILE lets exactly `free` more descriptors be opened: a new
/// descriptor takes the lowest free number, and the limit sits just above the `free`-th free one.
class DescriptorLimit {
 public:
  explicit DescriptorLimit(int free) {
    ::getrlimit(RLIMIT_NOFILE, &old_);
    const std::set<int> open = OpenFds();
    rlim_t limit = 0;
    for (int available = 0; available < free; ++limit) available += open.contains(limit) ? 0 : 1;
    rlimit lower = old_;
    lower.rlim_cur = limit;
    ::setrlimit(RLIMIT_NOFILE, &lower);
  }
  ~DescriptorLimit() { ::setrlimit(RLIMIT_NOFILE, &old_); }
  DescriptorLimit(const DescriptorLimit&) = delete;
  DescriptorLimit& operator=(const DescriptorLimit&) = delete;

 private:
  rlimit old_{};
};

}  // namespace hpo::testing_support
