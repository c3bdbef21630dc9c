#include "lib/report/export.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

namespace hpo::report {
namespace {

std::vector<store::Trial> TwoTrials() {
  std::vector<store::Trial> trials(2);
  trials[0].number = 0;
  trials[0].state = store::TrialState::kComplete;
  trials[0].value = 231.5;
  trials[0].params = {{"learning_rate", Value(3e-4)},
                      {"net_arch", Value(Value::List{Value(64), Value(64)})}};
  trials[0].intermediates = {{1000, 10.5}, {2000, 100.25}};
  trials[1].number = 1;
  trials[1].state = store::TrialState::kFailed;
  trials[1].params = {{"learning_rate", Value(1e-3)}, {"activation_fn", Value("relu")}};
  trials[1].error = "trial program ended with exit code 3, \"bad\"";
  return trials;
}

TEST(ExportJsonTest, IsValidJsonWithEveryTrial) {
  store::Study study{1, "lunar", "maximize", "metric: reward\n", 0};
  const std::string json = ExportJson(study, {"reward", true}, TwoTrials());
  const YAML::Node node = YAML::Load(json);  // JSON is YAML: a parse failure fails the test
  EXPECT_EQ(node["study"].as<std::string>(), "lunar");
  EXPECT_EQ(node["config"].as<std::string>(), "metric: reward\n");
  ASSERT_EQ(node["trials"].size(), 2u);
  EXPECT_EQ(node["trials"][0]["value"].as<double>(), 231.5);
  EXPECT_EQ(node["trials"][0]["params"]["net_arch"][1].as<int>(), 64);
  EXPECT_EQ(node["trials"][0]["intermediate_values"][1][1].as<double>(), 100.25);
  EXPECT_EQ(node["trials"][1]["state"].as<std::string>(), "FAILED");
  EXPECT_TRUE(node["trials"][1]["value"].IsNull());
  EXPECT_EQ(node["trials"][1]["error"].as<std::string>(),
            "trial program ended with exit code 3, \"bad\"");
}

TEST(ExportCsvTest, OneColumnPerParameterAndQuotedFields) {
  const std::string csv = ExportCsv(TwoTrials(), {});
  EXPECT_EQ(csv,
            "number,state,value,cost_seconds,seed,params.activation_fn,params.learning_rate,params."
            "net_arch,error\n"
            "0,COMPLETE,231.5,0,0,,0.0003,\"[64, 64]\",\n"
            "1,FAILED,,0,0,relu,0.001,,\"trial program ended with exit code 3, \"\"bad\"\"\"\n");
}

}  // namespace
}  // namespace hpo::report
