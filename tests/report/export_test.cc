#include "lib/report/export.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cmath>

#include "tests/report/seeded_study.h"

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
  const std::string json = ExportJson(study, {{"reward", "", true, {}}}, TwoTrials());
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

TEST(ExportCsvTest, ASeededStudyHasTheSpreadAndAColumnPerSeedAfterTheValue) {
  const SeededStudy s = MakeSeededStudy();
  EXPECT_EQ(ExportCsv(s.trials, s.info),
            "number,state,value,value_sd,value_seed_0,value_seed_1,value_seed_2,cost_seconds,seed,"
            "params.gamma,error\n"
            "0,COMPLETE,256,6,250,262,256,30,1000,0.99,\n"
            "1,COMPLETE,244.5,4,240.5,248.5,244.5,30,1001,0.95,\n"
            "2,RUNNING,,4.242640687119285,230,,236,0,1002,0.9,\n");
}

TEST(ExportJsonTest, ASeededStudyHasEachSeedsIndexSeedAndValueAndTheSpread) {
  const SeededStudy s = MakeSeededStudy();
  const YAML::Node node = YAML::Load(ExportJson(s.study, s.info, s.trials));
  EXPECT_EQ(node["seeds_per_trial"].as<int>(), 3);
  EXPECT_EQ(node["aggregate"].as<std::string>(), "median");
  const YAML::Node best = node["trials"][0];
  EXPECT_EQ(best["value"].as<double>(), 256);
  EXPECT_EQ(best["value_sd"].as<double>(), 6);
  ASSERT_EQ(best["seed_values"].size(), 3u);
  EXPECT_EQ(best["seed_values"][1]["index"].as<int>(), 1);
  EXPECT_EQ(best["seed_values"][1]["seed"].as<uint64_t>(), 1007u);
  EXPECT_EQ(best["seed_values"][1]["value"].as<double>(), 262);
  const YAML::Node running = node["trials"][2];  // seeds 0 and 2 finished
  ASSERT_EQ(running["seed_values"].size(), 2u);
  EXPECT_EQ(running["seed_values"][1]["index"].as<int>(), 2);
  EXPECT_EQ(running["value_sd"].as<double>(), std::sqrt(18.0));
  EXPECT_TRUE(running["value"].IsNull());
}

}  // namespace
}  // namespace hpo::report
