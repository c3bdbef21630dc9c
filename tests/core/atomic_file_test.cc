#include "lib/core/atomic_file.h"

#include <gtest/gtest.h>

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

TEST(AtomicFileTest, UnwritableFolderThrows) {
  EXPECT_THROW(WriteFileAtomic("/nonexistent-dir/x.yaml", "x"), std::runtime_error);
}

TEST(AtomicFileTest, MissingFileIsAUserError) {
  EXPECT_THROW(ReadFile("/nonexistent-dir/x.yaml"), UserError);
}

}  // namespace
}  // namespace hpo
