// An empty directory of the running test's own, so that tests ctest runs in parallel never share
// one.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace hpo::testing_support {

/// The running test's own directory (created if missing, kept if there): for files a test writes
/// one by one, so that the same file name in tests ctest runs at once never collides.
inline std::filesystem::path OwnTestDir(const std::string& prefix) {
  const ::testing::TestInfo* test = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = prefix + "_" + test->test_suite_name() + "_" + test->name();
  for (char& c : name) {
    if (c == '/') c = '_';  // parameterized names carry a '/'
  }
  const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / name;
  std::filesystem::create_directories(dir);
  return dir;
}

inline std::filesystem::path FreshTestDir(const std::string& prefix) {
  const std::filesystem::path dir = OwnTestDir(prefix);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace hpo::testing_support
