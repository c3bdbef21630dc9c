#include "lib/core/subprocess.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <stdexcept>

namespace hpo {
namespace {

TEST(RunProgramTest, KeepsStdoutAndStderrApartAndReturnsTheExitCode) {
  const ProgramResult r = RunProgram({"sh", "-c", "echo out; echo err >&2; exit 3"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out, "out\n");
  EXPECT_EQ(r.err, "err\n");
}

TEST(RunProgramTest, AddedVariablesReplaceThoseOfTheSameName) {
  setenv("HPO_SUBPROCESS_TEST", "old", 1);
  const ProgramResult r = RunProgram({"sh", "-c", "echo $HPO_SUBPROCESS_TEST $HPO_SUBPROCESS_NEW"},
                                     {"HPO_SUBPROCESS_TEST=new", "HPO_SUBPROCESS_NEW=2"});
  EXPECT_EQ(r.out, "new 2\n");
  unsetenv("HPO_SUBPROCESS_TEST");
}

TEST(RunProgramTest, ALargeOutputOnBothStreamsDoesNotBlock) {
  const ProgramResult r =
      RunProgram({"sh", "-c", "head -c 300000 /dev/zero; head -c 300000 /dev/zero >&2"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.size(), 300000u);
  EXPECT_EQ(r.err.size(), 300000u);
}

TEST(RunProgramTest, AProgramThatCannotStartThrowsNamingIt) {
  try {
    RunProgram({"hpo-no-such-program"});
    FAIL() << "ran a missing program";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot run hpo-no-such-program"), std::string::npos)
        << e.what();
  }
}

TEST(FindOnPathTest, FindsAnExecutableAndNothingForAMissingOne) {
  ASSERT_TRUE(FindOnPath("sh").has_value());
  EXPECT_EQ(FindOnPath("sh")->back(), 'h');
  EXPECT_FALSE(FindOnPath("hpo-no-such-program").has_value());
}

}  // namespace
}  // namespace hpo
