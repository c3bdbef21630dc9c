#include "lib/core/atomic_file.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>
#include <string>

#include "lib/core/error.h"
#include "tests/support/open_fds.h"
#include "tests/support/test_dir.h"

namespace hpo {
namespace {

TEST(AtomicFileTest, WritesAndReplacesWithoutLeavingTempFiles) {
  const auto dir = std::filesystem::path(testing::TempDir()) / "atomic_file_test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  WriteFileAtomic(dir / "a.yaml", "first\n");
  WriteFileAtomic(dir / "a.yaml", "second\n");
  EXPECT_EQ(ReadFile(dir / "a.yaml"), "second\n");
  int entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++entries;
  EXPECT_EQ(entries, 1);
}

// `--out /dev/null`: the device stays a device. Renaming onto it (the old code) replaced it
// with a regular file, and as root that broke /dev/null for the whole machine. Checked on a
// null device made in the test's own folder, never on /dev/null itself.
TEST(AtomicFileTest, ADeviceNamedAsTheOutputIsWrittenToNotReplaced) {
  if (geteuid() != 0) GTEST_SKIP() << "making a device node needs root";
  const auto dir = std::filesystem::path(testing::TempDir()) / "atomic_file_device";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const auto null = dir / "null";
  ASSERT_EQ(mknod(null.c_str(), S_IFCHR | 0666, makedev(1, 3)), 0);
  WriteFileAtomic(null, "written to the device\n");
  struct stat after {};
  ASSERT_EQ(stat(null.c_str(), &after), 0);
  EXPECT_TRUE(S_ISCHR(after.st_mode)) << "the device was replaced by a file";
  std::filesystem::remove_all(dir);
}

TEST(AtomicFileTest, UnwritableFolderThrows) {
  EXPECT_THROW(WriteFileAtomic("/nonexistent-dir/x.yaml", "x"), std::runtime_error);
}

TEST(AtomicFileTest, MissingFileIsAUserError) {
  EXPECT_THROW(ReadFile("/nonexistent-dir/x.yaml"), UserError);
}

// The message of what `write` throws ("" if it throws nothing).
template <typename Write>
std::string ErrorOf(Write write) {
  try {
    write();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

// A flush that fails closes the temporary file, removes it, and reports the flush's own error.
// A FIFO put where the temporary file goes makes fsync fail (EINVAL: it cannot be synced); the
// code of the 2026-12-06 review (1065cab) returned without closing it.
TEST(AtomicFileTest, AFailedFlushClosesTheTemporaryFileAndSaysWhy) {
  const auto dir = testing_support::FreshTestDir("atomic_file");
  const auto path = dir / "out.yaml";
  auto tmp = path;
  tmp += ".tmp." + std::to_string(::getpid());
  ASSERT_EQ(::mkfifo(tmp.c_str(), 0644), 0);
  const int reader = ::open(tmp.c_str(), O_RDONLY | O_NONBLOCK);  // so the writer's open returns
  ASSERT_GE(reader, 0);
  const std::set<int> before = testing_support::OpenFds();
  const std::string error = ErrorOf([&] { WriteFileAtomic(path, "x: 1\n", Flush::kToDisk); });
  EXPECT_EQ(testing_support::OpenFds(), before) << "a descriptor leaked";
  ::close(reader);
  EXPECT_NE(error.find("cannot flush"), std::string::npos) << error;
  EXPECT_NE(error.find(std::strerror(EINVAL)), std::string::npos) << error;
  EXPECT_FALSE(std::filesystem::exists(tmp));
  EXPECT_FALSE(std::filesystem::exists(path));
}

// A write that fails (past RLIMIT_FSIZE: EFBIG) closes and removes the temporary file, and the
// message is the write's error, not what close or unlink left in errno.
TEST(AtomicFileTest, AFailedWriteClosesTheTemporaryFileAndSaysWhy) {
  const auto dir = testing_support::FreshTestDir("atomic_file");
  const auto path = dir / "big.yaml";
  const std::set<int> before = testing_support::OpenFds();
  rlimit old_limit{};
  ::getrlimit(RLIMIT_FSIZE, &old_limit);
  rlimit small = old_limit;
  small.rlim_cur = 4096;
  const sighandler_t old_handler = ::signal(SIGXFSZ, SIG_IGN);  // EFBIG instead of the signal
  ::setrlimit(RLIMIT_FSIZE, &small);
  const std::string error = ErrorOf([&] { WriteFileAtomic(path, std::string(10000, 'x')); });
  ::setrlimit(RLIMIT_FSIZE, &old_limit);
  ::signal(SIGXFSZ, old_handler);
  EXPECT_EQ(testing_support::OpenFds(), before) << "a descriptor leaked";
  EXPECT_NE(error.find("cannot write"), std::string::npos) << error;
  EXPECT_NE(error.find(std::strerror(EFBIG)), std::string::npos) << error;
  EXPECT_EQ(std::filesystem::directory_iterator(dir), std::filesystem::directory_iterator())
      << "the temporary file was left behind";
}

}  // namespace
}  // namespace hpo
