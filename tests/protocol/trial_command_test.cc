// How a sweep's command: becomes a trial's argv, W&B's macros included.
#include "lib/protocol/trial_command.h"

#include <gtest/gtest.h>
#include <stdlib.h>

namespace hpo::protocol {
namespace {

std::vector<std::string> Argv(const std::vector<std::string>& command) {
  return TrialCommand(
      command, "/usr/bin/hpo",
      {{"lr", Value(0.001)}, {"norm", Value(true)}, {"skip", Value(false)}, {"act", Value("relu")}},
      "/runs/t.r.0", 7);
}

TEST(TrialCommandTest, WandbMacros) {
  EXPECT_EQ(Argv({"prog", "${args}"}), (std::vector<std::string>{"prog", "--act=relu", "--lr=0.001",
                                                                 "--norm=true", "--skip=false"}));
  EXPECT_EQ(Argv({"prog", "${args_no_hyphens}"}),
            (std::vector<std::string>{"prog", "act=relu", "lr=0.001", "norm=true", "skip=false"}));
  EXPECT_EQ(Argv({"prog", "${args_no_boolean_flags}"}),
            (std::vector<std::string>{"prog", "--act=relu", "--lr=0.001", "--norm"}));
  EXPECT_EQ(Argv({"prog", "${args_json}"}),
            (std::vector<std::string>{
                "prog", R"({"act": "relu", "lr": 0.001, "norm": true, "skip": false})"}));
  setenv("HPO_TRIAL_COMMAND_TEST", "cuda:1", 1);
  EXPECT_EQ(Argv({"prog", "--device=${envvar:HPO_TRIAL_COMMAND_TEST}", "--out=${run_dir}/x"}),
            (std::vector<std::string>{"prog", "--device=cuda:1", "--out=/runs/t.r.0/x"}));
}

TEST(TrialCommandTest, ArgsJsonOfAListOfStringsIsValidJson) {
  const std::vector<std::string> argv = TrialCommand(
      {"prog", "${args_json}"}, "/usr/bin/hpo",
      {{"acts", Value(Value::List{Value("relu"), Value("tanh")})}, {"name", Value("a \"b\"")}},
      "/r", 1);
  EXPECT_EQ(argv.at(1), R"({"acts": ["relu", "tanh"], "name": "a \"b\""})");
}

}  // namespace
}  // namespace hpo::protocol
