#include "lib/core/atomic_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <filesystem>

#include "lib/core/error.h"

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

}  // namespace
}  // namespace hpo
