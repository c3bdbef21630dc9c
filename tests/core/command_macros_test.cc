// The macro expander shared by trial commands and hooks: named texts and the check of names
// (the ${args} family is tested through TrialCommand in tests/runner).
#include "lib/core/command_macros.h"

#include <gtest/gtest.h>

namespace hpo {
namespace {

TEST(CommandMacrosTest, NamedTextsExpandInsideWordsAndOthersStayAsWritten) {
  const ParamSet params = {{"lr", Value(0.5)}};
  const MacroValues values{
      &params, "/runs/r0", {{"trial_number", "3"}, {"trial_json", R"({"trial": 3})"}}};
  EXPECT_EQ(ExpandMacros({"notify", "trial=${trial_number}", "${trial_json}", "${run_dir}/x",
                          "${other}", "${args}"},
                         values),
            (std::vector<std::string>{"notify", "trial=3", R"({"trial": 3})", "/runs/r0/x",
                                      "${other}", "--lr=0.5"}));
  EXPECT_EQ(ExpandMacros({"a${trial_number}b${trial_number}", "${unclosed"}, values),
            (std::vector<std::string>{"a3b3", "${unclosed"}));
  // Without parameters (a sweep hook), the ${args} family expands to nothing.
  EXPECT_EQ(ExpandMacros({"x", "${args}"}, MacroValues{}), (std::vector<std::string>{"x"}));
}

TEST(CommandMacrosTest, ParameterMacrosExpandInsideALongerWordToo) {
  const ParamSet params = {{"lr", Value(0.5)}, {"use_gae", Value(true)}};
  const MacroValues values{&params, testing::TempDir(), {{"trial_number", "3"}}};
  // One argv word for `sh -c`: the macro is part of the script, not a word of its own.
  EXPECT_EQ(ExpandMacros({"sh", "-c", "echo '${args_json}' > trial_${trial_number}.json"}, values),
            (std::vector<std::string>{"sh", "-c",
                                      R"(echo '{"lr": 0.5, "use_gae": true}' > trial_3.json)"}));
  EXPECT_EQ(
      ExpandMacros({"train ${args} --out=x", "k:${args_no_hyphens}", "[${args_no_boolean_flags}]"},
                   values),
      (std::vector<std::string>{"train --lr=0.5 --use_gae=true --out=x", "k:lr=0.5 use_gae=true",
                                "[--lr=0.5 --use_gae]"}));
  EXPECT_EQ(ExpandMacros({"--params=${args_json_file}"}, values),
            (std::vector<std::string>{"--params=" + testing::TempDir() + "params.json"}));
}

TEST(CommandMacrosTest, NullAndMappingsAreArgumentsAsWandbsAgentWritesThem) {
  // wandb/sdk/launch/sweeps/utils.py:239 writes f"{param}={_value}": Python's None and dict
  const ParamSet params = {
      {"env_params", Value(Value::Mapping{{"env_id", Value("Env-v0")},
                                          {"max_steps", Value(1000)},
                                          {"kwargs", Value(Value::Mapping{{"lam", Value(0.5)}})},
                                          {"flags", Value(Value::List{Value(true), Value("it's")})},
                                          {"none", Value(nullptr)}})},
      {"target_kl", Value(nullptr)}};
  const std::string dict =
      "{'env_id': 'Env-v0', 'max_steps': 1000, 'kwargs': {'lam': 0.5}, "
      R"('flags': [True, "it's"], 'none': None})";
  const MacroValues values{&params, testing::TempDir(), {}};
  EXPECT_EQ(
      ExpandMacros({"${args}", "${args_no_hyphens}", "${args_no_boolean_flags}"}, values),
      (std::vector<std::string>{"--env_params=" + dict, "--target_kl=None", "env_params=" + dict,
                                "target_kl=None", "--env_params=" + dict, "--target_kl=None"}));
  EXPECT_EQ(ExpandMacros({"${args_json}"}, values),
            (std::vector<std::string>{
                R"({"env_params": {"env_id": "Env-v0", "max_steps": 1000, "kwargs": {"lam": 0.5}, )"
                R"("flags": [true, "it's"], "none": null}, "target_kl": null})"}));
}

TEST(CommandMacrosTest, UnknownMacroNamesTheFirstNameNotKnown) {
  const std::vector<std::string> known = {"sweep", "trial_json"};
  EXPECT_EQ(UnknownMacro("--x=${sweep}/${trial_json}", known), std::nullopt);
  EXPECT_EQ(UnknownMacro("${envvar:HOME}", known), std::nullopt);
  EXPECT_EQ(UnknownMacro("${sweep}${trial_jsn}", known),
            std::optional<std::string>("${trial_jsn}"));
  EXPECT_EQ(UnknownMacro("a${sweep", known), std::optional<std::string>("${sweep"));
  EXPECT_EQ(UnknownMacro("plain", known), std::nullopt);
}

}  // namespace
}  // namespace hpo
