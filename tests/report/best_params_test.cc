#include "lib/report/best_params.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <set>

#include "lib/config/yaml_source.h"
#include "lib/core/atomic_file.h"
#include "lib/report/html_report.h"
#include "lib/report/sweep_results.h"
#include "tests/report/seeded_study.h"

namespace hpo::report {
namespace {

TEST(FormatParamValueTest, SmallFloatsUseScientificNotationThatRoundTrips) {
  EXPECT_EQ(FormatParamValue(Value(7.31e-4)), "7.31e-04");
  EXPECT_EQ(FormatParamValue(Value(0.005)), "5.00e-03");
  for (double v : {7.3123456789e-4, 1.0 / 3.0 * 1e-3, -2.5e-7, 9.999999e-3}) {
    const std::string text = FormatParamValue(Value(v));
    EXPECT_NE(text.find('e'), std::string::npos) << text;
    EXPECT_EQ(std::strtod(text.c_str(), nullptr), v) << text;
  }
}

TEST(FormatParamValueTest, OtherValuesKeepTheirPlainForm) {
  EXPECT_EQ(FormatParamValue(Value(0.99)), "0.99");
  EXPECT_EQ(FormatParamValue(Value(0.01)), "0.01");
  EXPECT_EQ(FormatParamValue(Value(0.0)), "0.0");
  EXPECT_EQ(FormatParamValue(Value(64)), "64");
  EXPECT_EQ(FormatParamValue(Value(Value::List{Value(64), Value(64)})), "[64, 64]");
  EXPECT_EQ(FormatParamValue(Value("tanh")), "tanh");
  EXPECT_EQ(FormatParamValue(Value(nullptr)), "null");
  EXPECT_EQ(FormatParamValue(Value(Value::Mapping{{"lr", Value(0.000731)}, {"n", Value(3)}})),
            "{lr: 7.31e-04, n: 3}");
}

TEST(RankTrialsTest, OnlyCompleteTrialsBestFirstInEitherDirection) {
  std::vector<store::Trial> trials(4);
  for (int i = 0; i < 4; ++i) trials[i].number = i, trials[i].state = store::TrialState::kComplete;
  trials[0].value = 10;
  trials[1].value = 30;
  trials[2].value = 20;
  trials[3].state = store::TrialState::kPruned;
  trials[3].value = 99;
  auto best = RankTrials(trials, true);
  ASSERT_EQ(best.size(), 3u);
  EXPECT_EQ(best[0].number, 1);
  EXPECT_EQ(best[2].number, 0);
  EXPECT_EQ(RankTrials(trials, false)[0].number, 0);
}

TEST(PatchFileTest, HasTheHeaderAndParsesBackToTheSameParams) {
  store::Trial trial;
  trial.number = 7;
  trial.value = 251.5;
  trial.params = {{"learning_rate", Value(7.3123456789e-4)},
                  {"net_arch", Value(Value::List{Value(128), Value(128)})},
                  {"gamma", Value(0.999)}};
  const std::string text = PatchFileText("lunar", trial, {}, "final_mean_reward",
                                         "configs/trainer/patch/lunar_best.yaml");
  EXPECT_EQ(text.rfind("# @package _global_\n", 0), 0u) << text;
  EXPECT_NE(text.find("# Apply with: hpo train --patch configs/trainer/patch/lunar_best.yaml"),
            std::string::npos);
  EXPECT_NE(text.find("trial lunar.r.7, final_mean_reward 251.5"), std::string::npos);
  const config::YamlDocument doc = config::LoadYamlString(text, "patch");
  const YAML::Node trainer = doc.root["trainer"];
  ASSERT_TRUE(trainer.IsMap());
  for (const auto& [name, value] : trial.params) {
    EXPECT_EQ(config::ValueFromYaml(trainer[name], {}), value) << name;
  }
}

// A study that reused a name: its trial 1 ran in lunar.r.3 (r.1 and r.2 held the earlier study's
// trials), and every place that names the folder must say r.3.
store::Trial TrialInAReusedFolder() {
  store::Trial trial;
  trial.number = 1;
  trial.state = store::TrialState::kComplete;
  trial.value = 251.5;
  trial.cost = 12;
  trial.run_dir = "/td/sweep/lunar/runs/lunar.r.3";
  trial.params = {{"gamma", Value(0.99)}};
  return trial;
}

TEST(RunNameTest, IsTheFolderTheTrialRanInNotOneMadeFromItsNumber) {
  store::Trial trial = TrialInAReusedFolder();
  EXPECT_EQ(RunName("lunar", trial), "lunar.r.3");
  trial.run_dir = "/td/sweep/lunar/runs/lunar.r.3/";
  EXPECT_EQ(RunName("lunar", trial), "lunar.r.3");
  trial.run_dir.clear();  // never started: there is no folder yet
  EXPECT_EQ(RunName("lunar", trial), "lunar.r.1");
}

TEST(RunNameTest, PatchAndMarkdownReportNameTheFolderTheBestTrialRanIn) {
  const store::Trial trial = TrialInAReusedFolder();
  const std::string patch = PatchFileText("lunar", trial, {}, "final_mean_reward", "p.yaml");
  EXPECT_NE(patch.find("trial lunar.r.3, final_mean_reward 251.5"), std::string::npos) << patch;
  SweepResults results;
  results.location.name = "lunar";
  results.trials = {trial};
  const std::string md = MarkdownReport(results, {}, 5);
  EXPECT_NE(md.find("| 1 | lunar.r.3 | 251.5 |"), std::string::npos) << md;
  EXPECT_NE(md.find("- lunar.r.3: 251.5 in 12.0 s"), std::string::npos) << md;
  EXPECT_EQ(md.find("lunar.r.1"), std::string::npos) << md;
}

TEST(PatchFileTest, AProgramsPatchHasItsNamesNestedByTheirDotsAndNamesTheCommand) {
  store::Trial trial = TrialInAReusedFolder();
  trial.run_dir = "/td/sweep/metta/runs/metta.r.3";
  trial.params = {{"trainer.optimizer.learning_rate", Value(3e-4)},
                  {"+model.depth", Value(4)},
                  {"seed_list", Value(Value::List{Value(1), Value(2)})}};
  const std::string text =
      ProgramPatchFileText("metta", trial, {{"trainer.total_timesteps", Value(5000)}}, "reward",
                           {"python", "train.py", "${args}"});
  EXPECT_EQ(text.rfind("# @package _global_\n# Best hyperparameters from sweep metta: trial "
                       "metta.r.3, reward 251.5\n# For the sweep's trial program: python "
                       "train.py ${args}\n",
                       0),
            0u)
      << text;
  const config::YamlDocument doc = config::LoadYamlString(text, "patch");
  EXPECT_EQ(doc.root["trainer"]["optimizer"]["learning_rate"].as<double>(), 3e-4) << text;
  EXPECT_EQ(doc.root["trainer"]["total_timesteps"].as<int>(), 5000) << text;  // fixed, marked
  EXPECT_EQ(doc.root["model"]["depth"].as<int>(), 4) << text;                 // no "+" in a file
  EXPECT_EQ(doc.root["seed_list"].size(), 2u) << text;
  EXPECT_NE(text.find("total_timesteps: 5000  # fixed in the sweep"), std::string::npos) << text;
}

TEST(OverridesTest, OneShellWordPerParameter) {
  const ParamSet params = {{"learning_rate", Value(3e-4)},
                           {"net_arch", Value(Value::List{Value(64), Value(64)})}};
  EXPECT_EQ(ParamsAsOverrides(params),
            (std::vector<std::string>{"learning_rate=3.00e-04", "net_arch=[64,64]"}));
  EXPECT_EQ(ShellQuote("net_arch=[64,64]"), "'net_arch=[64,64]'");
  EXPECT_EQ(ShellQuote("lr=3e-4"), "lr=3e-4");
}

TEST(ParamsAsYamlTest, AnotherProgramsNamesNestAsWritten) {
  const ParamSet params = {{"agent.actor.width", Value(128)}, {"trainer.lr", Value(1e-3)}};
  EXPECT_EQ(ParamsAsYaml(params, {}, YamlLayout::kAsWritten),
            "agent:\n  actor:\n    width: 128\ntrainer:\n  lr: 1.00e-03\n");
}

TEST(ParamsAsYamlTest, DottedNamesNestUnderTrainer) {
  const ParamSet params = {{"trainer.optimizer.learning_rate", Value(1e-3)},
                           {"batch_size", Value(64)}};
  EXPECT_EQ(ParamsAsYaml(params),
            "trainer:\n  batch_size: 64\n  optimizer:\n    learning_rate: 1.00e-03\n");
}

TEST(ParetoFrontTest, KeepsTheBestScoreAtEachCostCheapestFirst) {
  // (cost, value): 0 (10, 50), 1 (20, 40) dominated by 0, 2 (30, 80), 3 (40, 80) same score
  // as 2 but dearer, 4 (50, 90), 5 pruned.
  const double cost[] = {10, 20, 30, 40, 50, 5}, value[] = {50, 40, 80, 80, 90, 99};
  std::vector<store::Trial> trials(6);
  for (int i = 0; i < 6; ++i) {
    trials[i].number = i;
    trials[i].state = i == 5 ? store::TrialState::kPruned : store::TrialState::kComplete;
    trials[i].cost = cost[i];
    trials[i].value = value[i];
  }
  std::vector<int64_t> numbers;
  for (const store::Trial& t : ParetoFront(trials, true)) numbers.push_back(t.number);
  EXPECT_EQ(numbers, (std::vector<int64_t>{0, 2, 4}));
  numbers.clear();
  for (const store::Trial& t : ParetoFront(trials, false)) numbers.push_back(t.number);
  EXPECT_EQ(numbers, (std::vector<int64_t>{0, 1}));
}

TEST(ScoreTextTest, ASeededStudysRankedTrialsShowEachSeedsValueAndTheSpread) {
  const SeededStudy s = MakeSeededStudy();
  const std::vector<store::Trial> ranked = RankTrials(s.trials, s.info.objectives.maximize);
  ASSERT_EQ(ranked.size(), 2u);  // the running trial is not ranked
  EXPECT_EQ(ScoreText(ranked[0], s.info), "final_mean_reward: 256 +/- 6 (seeds: 250, 262, 256)");
  EXPECT_EQ(ScoreText(ranked[1], s.info),
            "final_mean_reward: 244.5 +/- 4 (seeds: 240.5, 248.5, 244.5)");
  StudyInfo single;  // a single-seed study: as best-params printed it before
  EXPECT_EQ(ScoreText(TrialInAReusedFolder(), single), "final_mean_reward: 251.5");
}

TEST(PatchFileTest, ASeededTrialsPatchNamesItsSeedsInCommentsAndHoldsTheConfigurationOnly) {
  const SeededStudy s = MakeSeededStudy();
  const store::Trial best = RankTrials(s.trials, s.info.objectives.maximize)[0];
  const std::string comments =
      "# Best hyperparameters from sweep seeded: trial seeded.r.0, final_mean_reward 256 +/- 6 "
      "(seeds: 250, 262, 256)\n# Each trial's final_mean_reward is the median of its 3 seeds' "
      "values, shown +/- their standard deviation.\n";
  const std::string patch =
      PatchFileText("seeded", best, {}, s.info.objectives.metric, "p.yaml", s.info.seeds);
  EXPECT_EQ(patch.rfind("# @package _global_\n" + comments + "# Apply with:", 0), 0u) << patch;
  const config::YamlDocument doc = config::LoadYamlString(patch, "patch");
  EXPECT_EQ(doc.root.size(), 1u) << patch;
  EXPECT_EQ(doc.root["trainer"].size(), 1u) << patch;  // gamma, and no seed or value
  EXPECT_EQ(doc.root["trainer"]["gamma"].as<double>(), 0.99) << patch;
  const std::string program = ProgramPatchFileText("seeded", best, {}, s.info.objectives.metric,
                                                   {"train.py"}, s.info.seeds);
  EXPECT_EQ(program.rfind("# @package _global_\n" + comments, 0), 0u) << program;
}

// best-params --metric on a seeded study: each seed rescored from its own folder.
TEST(RescoreTest, ASeededTrialIsRescoredSeedBySeedFromItsSeedFolders) {
  SeededStudy s = MakeSeededStudy();
  const std::filesystem::path dir = testing_support::FreshTestDir("rescore_seeds");
  const double success[2][3] = {{0.5, 0.9, 0.75}, {0.25, 0.5, -1}};  // -1: no results file
  for (size_t t = 0; t < 2; ++t) {
    s.trials[t].run_dir = (dir / ("seeded.r." + std::to_string(t))).string();
    for (size_t i = 0; i < 3; ++i) {
      if (success[t][i] < 0) continue;
      const std::filesystem::path seed_dir =
          dir / ("seeded.r." + std::to_string(t)) / ("seed_" + std::to_string(i));
      std::filesystem::create_directories(seed_dir);
      WriteFileAtomic(seed_dir / "sweep_eval_results.yaml",
                      fmt::format("final_mean_reward: 1\nsuccess_rate: {}\n", success[t][i]));
    }
  }
  const std::set<std::string> keys = RescoreFromRunDirs(s.trials, "success_rate", s.info.seeds);
  EXPECT_EQ(keys, (std::set<std::string>{"final_mean_reward", "success_rate"}));
  EXPECT_EQ(s.trials[0].value, 0.75);  // the median of 0.5, 0.9, 0.75
  ASSERT_EQ(s.trials[0].seed_values.size(), 3u);
  EXPECT_EQ(s.trials[0].seed_values[1].value, 0.9);
  EXPECT_FALSE(s.trials[1].value);  // seed 2 has no results: not ranked by success_rate
  EXPECT_TRUE(s.trials[1].seed_values.empty());
}

// A non-finite value fails a trial in the controller (runner::ReadFinalValue): rescored, it is no
// value either, not a number that sorts anywhere among the seeds'.
TEST(RescoreTest, ANonFiniteSeedValueLeavesTheTrialUnranked) {
  SeededStudy s = MakeSeededStudy();
  const std::filesystem::path dir = testing_support::FreshTestDir("rescore_non_finite");
  const char* success[2][3] = {{"0.5", "0.9", "0.75"}, {"0.25", "0.5", "inf"}};
  for (size_t t = 0; t < 2; ++t) {
    s.trials[t].run_dir = (dir / ("seeded.r." + std::to_string(t))).string();
    for (size_t i = 0; i < 3; ++i) {
      const std::filesystem::path seed_dir =
          dir / ("seeded.r." + std::to_string(t)) / ("seed_" + std::to_string(i));
      std::filesystem::create_directories(seed_dir);
      WriteFileAtomic(seed_dir / "sweep_eval_results.yaml",
                      fmt::format("final_mean_reward: 1\nsuccess_rate: {}\n", success[t][i]));
    }
  }
  RescoreFromRunDirs(s.trials, "success_rate", s.info.seeds);
  EXPECT_EQ(s.trials[0].value, 0.75);
  EXPECT_FALSE(s.trials[1].value);  // not the median 0.5 of 0.25, 0.5 and inf
}

// --sort and --metric rank by one metric: a multi-objective study's front no longer decides, and
// the info the printing reads names that metric and direction.
TEST(RankForBestParamsTest, SortRanksByTheFirstObjectiveAloneInThatDirection) {
  SweepResults r;
  r.location.name = "two_goals";
  r.info.objectives.more = {{"cost", false}};
  r.trials.resize(3);
  for (int i = 0; i < 3; ++i) {
    r.trials[i].number = i;
    r.trials[i].state = store::TrialState::kComplete;
    r.trials[i].value = 10.0 * (i + 1);
    r.trials[i].more_values = {1.0 * (2 - i)};  // all three on the front
  }
  const std::vector<store::Trial> ranked = RankForBestParams(r, "", "asc");
  ASSERT_EQ(ranked.size(), 3u);
  EXPECT_EQ(ranked[0].number, 0);
  EXPECT_FALSE(r.info.objectives.maximize);
  EXPECT_FALSE(r.info.objectives.Multi());
  EXPECT_EQ(RankForBestParams(r, "", "desc")[0].number, 2);
}

TEST(RankForBestParamsTest, NoRankedTrialIsAnErrorNamingTheSweep) {
  SweepResults r;
  r.location.name = "empty";
  r.trials.resize(1);  // waiting
  try {
    RankForBestParams(r, "", "");
    FAIL() << "no error";
  } catch (const UserError& e) {
    EXPECT_EQ(std::string(e.what()),
              "sweep 'empty' has no complete trial with a final_mean_reward yet (1 trials in "
              "storage)");
  }
}

// Ranked by a key the results files lack: the error lists the keys they have.
TEST(RankForBestParamsTest, AMetricNoResultsFileHasNamesTheKeysTheyHave) {
  SweepResults r;
  r.location.name = "s";
  const std::filesystem::path dir = testing_support::FreshTestDir("rank_missing_metric");
  r.trials.resize(1);
  r.trials[0].state = store::TrialState::kComplete;
  r.trials[0].value = 1.0;
  r.trials[0].run_dir = dir.string();
  // nan as hpo train wrote it before .nan: a number all the same
  WriteFileAtomic(dir / "sweep_eval_results.yaml",
                  "final_mean_reward: 1\nsuccess_rate: 0.5\nstd: nan\nenv_id: CartPole-v1\n");
  try {
    RankForBestParams(r, "episode_length", "");
    FAIL() << "no error";
  } catch (const UserError& e) {
    EXPECT_NE(
        std::string(e.what()).find("no complete trial of sweep 's' has a episode_length (its "
                                   "results files have: final_mean_reward, std, success_rate)"),
        std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace hpo::report
