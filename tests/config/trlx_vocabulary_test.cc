// trlx's sweep files (github:CarperAI/trlx 3340c2f, trlx/sweep.py): `values` are the positional
// arguments of Ray Tune's call. loguniform takes 2 or 3 (sweep.py:57-60): the third is Ray's
// log base, which trlx's Ray (ray==2.6.3, requirements.txt:56) checks and uses
// (python/ray/tune/search/sample.py@62c6771, the last Ray with a base: LogUniform asserts
// base > 0 at :163; draws are base ** uniform(log_b(lower), log_b(upper)) at :226-229, the same
// draws for every base, but base 1 makes log_b infinite and numpy's uniform overflows).
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "lib/config/sweep_config.h"
#include "tests/support/test_dir.h"
#include "tests/support/user_error.h"

namespace hpo::config {
namespace {

using testing_support::UserErrorOf;

std::string Written(const std::string& parameter) {
  const auto path = testing_support::OwnTestDir("files") / "sweep.yml";
  std::ofstream(path) << "tune_config: {mode: max, metric: reward, num_samples: 8}\n" + parameter;
  return path.string();
}

SweepConfig Loaded(const std::string& parameter) {
  return LoadSweepConfig(Written(parameter), "", {"./train", "${args}"});
}

std::string Refusal(const std::string& parameter) {
  const std::string path = Written(parameter);
  std::string error = UserErrorOf([&] { LoadSweepConfig(path, "", {"./train", "${args}"}); });
  if (error.rfind(path, 0) == 0) error = error.substr(path.size());
  return error;
}

// Run by hand with trlx's get_param_space on that sample.py (scripts/conformance/
// ray_space_verdicts.py's import_ray and import_trlx): values [1e-5, 1e-2, 10] and [.., 2]
// draw the same 20000 values (random_state 0), in [1e-5, 1e-2]; base 1 raises OverflowError,
// 0 and -2 AssertionError.
TEST(TrlxSweepTest, ALogUniformsThirdValueIsRaysLogBaseWhichChangesNoDraw) {
  for (const char* base : {"10", "2", "2.718281828"}) {
    SCOPED_TRACE(base);
    const SweepConfig c =
        Loaded(std::string("lr: {strategy: loguniform, values: [1.0e-5, 1.0e-2, ") + base + "]}\n");
    ASSERT_EQ(c.parameters.size(), 1u);
    EXPECT_EQ(DescribeParameter(c.parameters[0]), "loguniform [1e-05, 0.01]");
    bool noted = false;
    for (const std::string& note : c.notes) noted |= note.find("log base") != std::string::npos;
    EXPECT_TRUE(noted);
  }
}

TEST(TrlxSweepTest, ALogBaseRayRefusesIsRefusedAtItsLine) {
  EXPECT_EQ(Refusal("lr: {strategy: loguniform, values: [1.0e-5, 1.0e-2, 1]}\n"),
            ":2:53: lr: log base 1 (Ray divides by log(1) = 0 and fails)");
  EXPECT_EQ(Refusal("lr: {strategy: loguniform, values: [1.0e-5, 1.0e-2, 0]}\n"),
            ":2:53: lr: Ray's log base must be > 0 (Ray 2.6.3, which trlx pins, asserts it), "
            "got 0");
  EXPECT_EQ(Refusal("n: {strategy: lograndint, values: [1, 100, -2]}\n"),
            ":2:44: n: Ray's log base must be > 0 (Ray 2.6.3, which trlx pins, asserts it), "
            "got -2");
  EXPECT_EQ(Refusal("q: {strategy: qloguniform, values: [0.001, 0.1, 0.001, 1]}\n"),
            ":2:56: q: log base 1 (Ray divides by log(1) = 0 and fails)");
  EXPECT_EQ(Refusal("lr: {strategy: loguniform, values: [1.0e-5, 1.0e-2, e]}\n"),
            ":2:53: lr.values: Ray's log base must be a number, got 'e'");
}

// get_tune_config (trlx/sweep.py:161-175) builds a search algorithm only for a search_alg that
// is given and not None: otherwise tune.TuneConfig has none, and Ray runs its random search.
TEST(TrlxSweepTest, WithoutASearchAlgTrlxRunsRaysRandomSearch) {
  EXPECT_EQ(Loaded("lr: {strategy: uniform, values: [0.1, 0.2]}\n").sampler.method, "random");
  const std::string path = testing_support::OwnTestDir("files") / "null_alg.yml";
  std::ofstream(path) << "tune_config: {mode: max, metric: reward, search_alg: null}\n"
                         "lr: {strategy: uniform, values: [0.1, 0.2]}\n";
  EXPECT_EQ(LoadSweepConfig(path, "", {"./train", "${args}"}).sampler.method, "random");
}

}  // namespace
}  // namespace hpo::config
