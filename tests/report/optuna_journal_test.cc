#include "lib/report/optuna_journal.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "lib/core/atomic_file.h"
#include "tests/report/seeded_study.h"

namespace hpo::report {
namespace {

// Five trials over a log float, an int and a categorical with a list choice and a null one.
struct Fixture {
  store::Study study{1, "journal_study", "maximize", "", 0};
  std::vector<config::ParameterSpec> specs;
  std::vector<store::Trial> trials;

  Fixture() {
    config::ParameterSpec lr;
    lr.name = "learning_rate";
    lr.numeric = {"log_normal", 1e-5, 1e-2, {}, {}, 1};
    config::ParameterSpec epochs;
    epochs.name = "n_epochs";
    epochs.numeric = {"int_uniform", 1, 10, {}, {}, 1};
    config::ParameterSpec arch;
    arch.name = "net_arch";
    arch.categorical = true;
    arch.choices = {Value(Value::List{Value(64), Value(64)}), Value(Value::List{Value(256)}),
                    Value("tiny"), Value(nullptr)};
    specs = {lr, epochs, arch};
    const double values[] = {120.5, 250.25, 90.0};
    for (int i = 0; i < 5; ++i) {
      store::Trial t;
      t.number = i;
      t.seed = 1000 + static_cast<uint64_t>(i);
      t.started_ms = 1'790'000'000'000 + i * 60'000;
      t.finished_ms = t.started_ms + 30'000;
      t.params = {{"learning_rate", Value(1e-4 * (i + 1))},
                  {"n_epochs", Value(static_cast<int64_t>(i + 2))},
                  {"net_arch", arch.choices[static_cast<size_t>(i % 3)]}};
      if (i < 3) {
        t.state = store::TrialState::kComplete;
        t.value = values[i];
      } else if (i == 3) {
        t.state = store::TrialState::kPruned;
        t.value = 10.0;
        t.intermediates = {{100, 5.0}, {200, 10.0}};
      } else {
        t.state = store::TrialState::kFailed;
        t.error = "trial program was killed by signal 9";
      }
      trials.push_back(t);
    }
  }
};

TEST(OptunaJournalTest, LinesCarryOptunasOpCodesStatesAndInternalRepresentation) {
  Fixture f;
  std::istringstream lines(
      ExportOptunaJournal(f.study, {{"reward", "", true, {}}}, f.trials, f.specs));
  std::string line;
  std::vector<YAML::Node> ops;
  while (std::getline(lines, line)) ops.push_back(YAML::Load(line));  // JSON is YAML
  ASSERT_EQ(ops.size(), 6u);
  EXPECT_EQ(ops[0]["op_code"].as<int>(), 0);
  EXPECT_EQ(ops[0]["directions"][0].as<int>(), 2);  // maximize
  const int states[] = {1, 1, 1, 2, 3};             // COMPLETE x3, PRUNED, FAIL
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(ops[i + 1]["op_code"].as<int>(), 4);
    EXPECT_EQ(ops[i + 1]["state"].as<int>(), states[i]);
  }
  EXPECT_EQ(ops[2]["value"].as<double>(), 250.25);
  EXPECT_TRUE(ops[4]["value"].IsNull());  // Optuna keeps values on COMPLETE trials only
  EXPECT_EQ(ops[2]["params"]["net_arch"].as<double>(), 1.0);  // index of [256]
  EXPECT_EQ(ops[2]["params"]["n_epochs"].as<double>(), 3.0);
  const YAML::Node lr = YAML::Load(ops[1]["distributions"]["learning_rate"].as<std::string>());
  EXPECT_EQ(lr["name"].as<std::string>(), "FloatDistribution");
  EXPECT_TRUE(lr["attributes"]["log"].as<bool>());
  const YAML::Node arch = YAML::Load(ops[1]["distributions"]["net_arch"].as<std::string>());
  EXPECT_EQ(arch["attributes"]["choices"][0].as<std::string>(), "[64, 64]");
  EXPECT_TRUE(arch["attributes"]["choices"][3].IsNull());  // Optuna's None, not a word
  EXPECT_EQ(ops[4]["intermediate_values"]["200"].as<double>(), 10.0);
}

TEST(OptunaJournalTest, RealOptunaLoadsTheStudy) {
  if (std::system("/usr/bin/python3 -c 'import optuna' >/dev/null 2>&1") != 0) {
    GTEST_SKIP()
        << "python3-optuna is not installed (scripts/setup.sh installs it): round trip not checked";
  }
  Fixture f;
  const std::filesystem::path dir =
      std::filesystem::path(testing::TempDir()) / "optuna_journal_test";
  std::filesystem::create_directories(dir);
  const std::filesystem::path journal = dir / "study.jsonl", out = dir / "loaded.txt";
  std::filesystem::remove(journal);
  WriteFileAtomic(journal,
                  ExportOptunaJournal(f.study, {{"reward", "", true, {}}}, f.trials, f.specs));
  const std::string script =
      "import sys, warnings\n"
      "warnings.simplefilter('ignore')\n"
      "import optuna\n"
      "storage = optuna.storages.JournalStorage(optuna.storages.JournalFileStorage(sys.argv[1]))\n"
      "s = optuna.load_study(study_name='journal_study', storage=storage)\n"
      "print(len(s.trials))\n"
      "print(' '.join(t.state.name for t in s.trials))\n"
      "print(s.best_value)\n"
      "print(s.best_params['learning_rate'], s.best_params['n_epochs'], "
      "s.best_params['net_arch'])\n"
      "print(float(s.trials[3].intermediate_values[200]), s.trials[1].user_attrs['seed'])\n";
  WriteFileAtomic(dir / "load.py", script);
  const std::string command = "/usr/bin/python3 " + (dir / "load.py").string() + " " +
                              journal.string() + " > " + out.string() + " 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0) << ReadFile(out);
  std::istringstream loaded(ReadFile(out));
  std::string count, states, best_value, best_lr, best_epochs, best_arch, intermediate, seed;
  loaded >> count;
  std::getline(loaded >> std::ws, states);
  loaded >> best_value >> best_lr >> best_epochs >> best_arch >> intermediate >> seed;
  EXPECT_EQ(count, "5");
  EXPECT_EQ(states, "COMPLETE COMPLETE COMPLETE PRUNED FAIL");
  EXPECT_EQ(best_value, "250.25");
  EXPECT_EQ(best_lr, "0.0002");
  EXPECT_EQ(best_epochs, "3");
  EXPECT_EQ(best_arch, "[256]");
  EXPECT_EQ(intermediate, "10.0");
  EXPECT_EQ(seed, "1001");
}

TEST(OptunaJournalTest, RealOptunaLoadsAMultiObjectiveStudyWithEveryDirectionAndItsFront) {
  if (std::system("/usr/bin/python3 -c 'import optuna' >/dev/null 2>&1") != 0) {
    GTEST_SKIP()
        << "python3-optuna is not installed (scripts/setup.sh installs it): round trip not checked";
  }
  Fixture f;
  f.study.direction = "maximize,minimize";
  // trials 0-2 complete with (reward, seconds): 120.5/10, 250.25/30, 90/40 -> front {0, 1}
  const double seconds[] = {10, 30, 40};
  for (int i = 0; i < 3; ++i) f.trials[static_cast<size_t>(i)].more_values = {seconds[i]};
  StudyInfo info{{"reward", "", true, {}}};
  info.objectives.more = {{"seconds", false}};
  const std::filesystem::path dir =
      std::filesystem::path(testing::TempDir()) / "optuna_journal_mo_test";
  std::filesystem::create_directories(dir);
  const std::filesystem::path journal = dir / "study.jsonl", out = dir / "loaded.txt";
  std::filesystem::remove(journal);
  WriteFileAtomic(journal, ExportOptunaJournal(f.study, info, f.trials, f.specs));
  WriteFileAtomic(
      dir / "load.py",
      "import sys, warnings\n"
      "warnings.simplefilter('ignore')\n"
      "import optuna\n"
      "storage = optuna.storages.JournalStorage(optuna.storages.JournalFileStorage(sys.argv[1]))\n"
      "s = optuna.load_study(study_name='journal_study', storage=storage)\n"
      "print(','.join(d.name for d in s.directions))\n"
      "print(' '.join(str(t.number) for t in s.best_trials))\n"
      "print([float(v) for v in s.trials[1].values])\n");
  const std::string command = "/usr/bin/python3 " + (dir / "load.py").string() + " " +
                              journal.string() + " > " + out.string() + " 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0) << ReadFile(out);
  EXPECT_EQ(ReadFile(out), "MAXIMIZE,MINIMIZE\n0 1\n[250.25, 30.0]\n");
}

TEST(OptunaJournalTest, ASeededStudysSeedsAreUserAttrsOfTheStudyAndOfEachTrial) {
  const SeededStudy s = MakeSeededStudy();
  std::istringstream lines(ExportOptunaJournal(s.study, s.info, s.trials, {}));
  std::vector<YAML::Node> ops;
  for (std::string line; std::getline(lines, line);) ops.push_back(YAML::Load(line));
  ASSERT_EQ(ops.size(), 6u);  // CREATE_STUDY, two SET_STUDY_USER_ATTR, three CREATE_TRIAL
  EXPECT_EQ(ops[1]["op_code"].as<int>(), 2);
  EXPECT_EQ(ops[1]["user_attr"]["seeds_per_trial"].as<int>(), 3);
  EXPECT_EQ(ops[2]["user_attr"]["aggregate"].as<std::string>(), "median");
  const YAML::Node attrs = ops[3]["user_attrs"];
  EXPECT_EQ(attrs["value_sd"].as<double>(), 6);
  EXPECT_EQ(attrs["value_seed_1"].as<double>(), 262);
  EXPECT_EQ(attrs["seed_1"].as<uint64_t>(), 1007u);
  EXPECT_FALSE(ops[5]["user_attrs"]["value_seed_1"]);  // the running trial's seed 1 has no value
  EXPECT_EQ(ops[5]["user_attrs"]["value_seed_2"].as<double>(), 236);
}

TEST(OptunaJournalTest, RealOptunaLoadsASeededStudysUserAttrs) {
  if (std::system("/usr/bin/python3 -c 'import optuna' >/dev/null 2>&1") != 0) {
    GTEST_SKIP()
        << "python3-optuna is not installed (scripts/setup.sh installs it): round trip not checked";
  }
  const SeededStudy s = MakeSeededStudy();
  const std::filesystem::path dir = testing_support::FreshTestDir("optuna_journal_seeds");
  const std::filesystem::path journal = dir / "study.jsonl", out = dir / "loaded.txt";
  WriteFileAtomic(journal, ExportOptunaJournal(s.study, s.info, s.trials, {}));
  WriteFileAtomic(
      dir / "load.py",
      "import sys, warnings\n"
      "warnings.simplefilter('ignore')\n"
      "import optuna\n"
      "storage = optuna.storages.JournalStorage(optuna.storages.JournalFileStorage(sys.argv[1]))\n"
      "s = optuna.load_study(study_name='seeded', storage=storage)\n"
      "print(sorted(s.user_attrs.items()))\n"
      "a = s.best_trial.user_attrs\n"
      "print(float(s.best_value), float(a['value_sd']),\n"
      "      [float(a['value_seed_%d' % i]) for i in range(3)], a['seed_2'])\n"
      "print(sorted(k for k in s.trials[2].user_attrs if k.startswith('value_')))\n");
  const std::string command = "/usr/bin/python3 " + (dir / "load.py").string() + " " +
                              journal.string() + " > " + out.string() + " 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0) << ReadFile(out);
  EXPECT_EQ(ReadFile(out),
            "[('aggregate', 'median'), ('seeds_per_trial', 3)]\n"
            "256.0 6.0 [250.0, 262.0, 256.0] 1014\n"
            "['value_sd', 'value_seed_0', 'value_seed_2']\n");
}

}  // namespace
}  // namespace hpo::report
