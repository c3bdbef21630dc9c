#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "lib/core/error.h"
#include "lib/store/store.h"
#include "tests/store/pbt_record_contract.h"
#include "tests/support/test_dir.h"

namespace hpo::store {
namespace {

class SqliteStoreTest : public testing::Test {
 protected:
  void SetUp() override { dir_ = testing_support::FreshTestDir("store_test"); }
  std::string Url() const { return "sqlite:///" + (dir_ / "study.db").string(); }
  std::filesystem::path dir_;
};

TEST_F(SqliteStoreTest, ParamsValuesAndIntermediatesRoundTrip) {
  auto store = OpenStore(Url());
  const Study study = store->OpenStudy("s", "maximize", "n_trials: 3\n", true);
  std::optional<Trial> claimed = store->ClaimTrial(study.id, 3, "host:1");
  ASSERT_TRUE(claimed);
  EXPECT_EQ(claimed->number, 0);
  EXPECT_EQ(claimed->state, TrialState::kRunning);
  const ParamSet params = {{"learning_rate", Value(3e-4)},
                           {"net_arch", Value(Value::List{Value(64), Value(64)})},
                           {"activation_fn", Value("tanh")},
                           {"target_kl", Value(nullptr)},
                           {"env_params", Value(Value::Mapping{{"max_steps", Value(1000)},
                                                               {"env_id", Value("Env-v0")}})}};
  store->StartTrial(claimed->id, params, 1234, "runs/s.r.0");
  store->ReportIntermediate(claimed->id, 100, 1.5);
  store->ReportIntermediate(claimed->id, 50, -2.0);
  store->RecordRungs(claimed->id, {{0, 1.5}, {1, -2.0}});
  store->RecordRungs(claimed->id, {{1, 7.0}, {2, 0.25}});  // a recorded rung keeps its value
  store->RecordSeedValue(claimed->id, {1, 77, 2.5});
  store->RecordSeedValue(claimed->id, {0, 1234, 0.1 + 0.2});
  store->RecordSeedValue(claimed->id, {1, 78, -1.0 / 3.0});  // again: replaced
  store->FinishTrial(claimed->id, TrialState::kComplete, 210.5, {}, {12.0, 500000}, "");

  const std::vector<Trial> trials = store->LoadTrials(study.id);
  ASSERT_EQ(trials.size(), 1u);
  EXPECT_EQ(trials[0].params, params);
  EXPECT_EQ(trials[0].params.at("env_params").ToYaml(), "{max_steps: 1000, env_id: Env-v0}");
  EXPECT_EQ(trials[0].seed, 1234u);
  EXPECT_EQ(trials[0].state, TrialState::kComplete);
  EXPECT_EQ(trials[0].value, 210.5);
  EXPECT_EQ(trials[0].cost, 12.0);
  EXPECT_EQ(trials[0].cost_measure, 500000);
  ASSERT_EQ(trials[0].intermediates.size(), 2u);
  EXPECT_EQ(trials[0].intermediates[0].step, 50);
  EXPECT_EQ(trials[0].intermediates[1].value, 1.5);
  EXPECT_EQ(trials[0].rungs, (std::map<int, double>{{0, 1.5}, {1, -2.0}, {2, 0.25}}));
  ASSERT_EQ(trials[0].seed_values.size(), 2u);  // by index, values exact
  EXPECT_EQ(trials[0].seed_values[0].seed, 1234u);
  EXPECT_EQ(trials[0].seed_values[0].value, 0.1 + 0.2);
  EXPECT_EQ(trials[0].seed_values[1].index, 1);
  EXPECT_EQ(trials[0].seed_values[1].seed, 78u);
  EXPECT_EQ(trials[0].seed_values[1].value, -1.0 / 3.0);
  store->RecordSeedValue(claimed->id, {2, 79, 5.0});  // no longer RUNNING: nothing
  EXPECT_EQ(store->LoadTrials(study.id)[0].seed_values.size(), 2u);
}

TEST_F(SqliteStoreTest, ClaimsStopAtTheBudget) {
  auto store = OpenStore(Url());
  const Study study = store->OpenStudy("s", "maximize", "", true);
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(store->ClaimTrial(study.id, 2, "w"));
  EXPECT_FALSE(store->ClaimTrial(study.id, 2, "w"));
}

TEST_F(SqliteStoreTest, PbtMemberRecordsAreReplacedAndKeptPerStudy) {
  auto store = OpenStore(Url());
  ExpectPbtRecordContract(store.get());
}

TEST_F(SqliteStoreTest, ProcessesSharingAStudyGetDistinctNumbersAndExactlyTheBudget) {
  {
    auto store = OpenStore(Url());
    store->OpenStudy("shared", "maximize", "", true);
  }
  constexpr int kWorkers = 4;
  constexpr int kBudget = 40;
  std::vector<pid_t> children;
  for (int w = 0; w < kWorkers; ++w) {
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      // Child: its own connection, as a separate hpo process would have.
      int code = 0;
      try {
        auto store = OpenStore(Url());
        const Study study = store->OpenStudy("shared", "maximize", "", false);
        while (std::optional<Trial> t =
                   store->ClaimTrial(study.id, kBudget, "w" + std::to_string(w))) {
          store->StartTrial(t->id, {{"x", Value(t->number)}}, 0, "");
          store->ReportIntermediate(t->id, 1, 0.5);
          store->FinishTrial(t->id, TrialState::kComplete, double(t->number), {}, {0.01, 0.01}, "");
        }
      } catch (const std::exception& e) {
        fprintf(stderr, "worker %d: %s\n", w, e.what());
        code = 1;
      }
      _exit(code);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "a worker failed (see stderr)";
  }
  auto store = OpenStore(Url());
  const std::vector<Trial> trials = store->LoadTrials(store->OpenStudy("shared", "", "", false).id);
  ASSERT_EQ(trials.size(), static_cast<size_t>(kBudget));
  std::set<int64_t> numbers;
  for (const Trial& t : trials) {
    numbers.insert(t.number);
    EXPECT_EQ(t.state, TrialState::kComplete);
  }
  EXPECT_EQ(numbers.size(), static_cast<size_t>(kBudget));
  EXPECT_EQ(*numbers.rbegin(), kBudget - 1);
}

TEST_F(SqliteStoreTest, ProcessesOpeningANewDatabaseAtOnceAllSucceed) {
  // Controllers started together all create the database, switch it to WAL and create the
  // schema at the same moment; none may see "database is locked".
  constexpr int kRounds = 50, kProcesses = 6;  // the race hit about 1 round in 100 before the fix
  for (int round = 0; round < kRounds; ++round) {
    const std::string url =
        "sqlite:///" + (dir_ / ("new" + std::to_string(round) + ".db")).string();
    int go[2];
    ASSERT_EQ(pipe(go), 0);
    std::vector<pid_t> children;
    for (int p = 0; p < kProcesses; ++p) {
      const pid_t pid = fork();
      if (pid == 0) {
        close(go[1]);
        char byte;
        (void)!read(go[0], &byte, 1);  // returns when the parent closes the pipe: all start at once
        try {
          auto store = OpenStore(url);
          store->OpenStudy("s", "maximize", "", true);
          _exit(0);
        } catch (const std::exception& e) {
          fprintf(stderr, "round %d process %d: %s\n", round, p, e.what());
          _exit(1);
        }
      }
      children.push_back(pid);
    }
    close(go[0]);
    close(go[1]);
    for (pid_t pid : children) {
      int status = 0;
      waitpid(pid, &status, 0);
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "round " << round;
    }
  }
}

TEST_F(SqliteStoreTest, LoadingWhileAnotherProcessAddsTrialsNeverFails) {
  // LoadTrials reads trials, then params, then intermediates: rows of trials added in between
  // once made it throw (std::map::at) in a busy study.
  const int64_t study_id = OpenStore(Url())->OpenStudy("busy", "maximize", "", true).id;
  auto store = OpenStore(Url());
  int go[2];
  ASSERT_EQ(pipe(go), 0);
  const pid_t writer = fork();
  if (writer == 0) {
    // Start writing only once the reader is ready to load: on a busy machine the writer once
    // finished before the reader's first load.
    char byte;
    if (read(go[0], &byte, 1) != 1) _exit(1);
    auto writer_store = OpenStore(Url());
    for (int i = 0; i < 300; ++i) {
      const Trial t = *writer_store->ClaimTrial(study_id, 1000, "w:1");
      writer_store->StartTrial(t.id, {{"x", Value(0.5)}}, 1, "");
      writer_store->ReportIntermediate(t.id, 1, 1.0);
    }
    _exit(0);
  }
  ASSERT_EQ(write(go[1], "g", 1), 1);
  int status = 0;
  do {
    EXPECT_NO_THROW(store->LoadTrials(study_id));
  } while (waitpid(writer, &status, WNOHANG) == 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_EQ(store->LoadTrials(study_id).size(), 300u);
}

TEST_F(SqliteStoreTest, StaleTrialsFailAndAreRequeuedUpToMaxRetries) {
  auto store = OpenStore(Url());
  const Study study = store->OpenStudy("s", "maximize", "", true);
  std::optional<Trial> t = store->ClaimTrial(study.id, 1, "dead");
  store->StartTrial(t->id, {{"x", Value(1.5)}}, 77, "");
  // A negative staleness makes every RUNNING trial stale now.
  EXPECT_EQ(store->RecoverStaleTrials(study.id, -1000, 1), std::vector<int64_t>{0});
  // The retry takes the place of the failed trial in the budget of 1.
  std::optional<Trial> retry = store->ClaimTrial(study.id, 1, "alive");
  ASSERT_TRUE(retry);
  EXPECT_EQ(retry->number, 1);
  EXPECT_EQ(retry->retry_of, 0);
  EXPECT_EQ(retry->params.at("x"), Value(1.5));
  EXPECT_FALSE(store->ClaimTrial(study.id, 1, "alive"));
  // Its controller dies too: max_retries 1 is used up, so no further retry.
  EXPECT_EQ(store->RecoverStaleTrials(study.id, -1000, 1), std::vector<int64_t>{1});
  EXPECT_FALSE(store->ClaimTrial(study.id, 1, "alive"));
  const std::vector<Trial> trials = store->LoadTrials(study.id);
  ASSERT_EQ(trials.size(), 2u);
  EXPECT_EQ(trials[0].state, TrialState::kFailed);
  EXPECT_TRUE(trials[0].retried);
  EXPECT_NE(trials[0].error.find("heartbeat"), std::string::npos);
  EXPECT_EQ(trials[1].state, TrialState::kFailed);
  EXPECT_FALSE(trials[1].retried);
}

TEST_F(SqliteStoreTest, FailAndRequeueOnlyTouchesRunningTrials) {
  auto store = OpenStore(Url());
  const Study study = store->OpenStudy("s", "maximize", "", true);
  std::optional<Trial> t = store->ClaimTrial(study.id, 5, "w");
  store->StartTrial(t->id, {{"x", Value(2)}}, 5, "");
  EXPECT_TRUE(store->FailAndRequeue(t->id, "interrupted", 0));
  EXPECT_FALSE(store->FailAndRequeue(t->id, "again", 0)) << "a FAILED trial is not failed twice";
  const std::vector<Trial> trials = store->LoadTrials(study.id);
  ASSERT_EQ(trials.size(), 1u) << "max_retries 0 queues no retry";
  EXPECT_EQ(trials[0].error, "interrupted");
}

TEST_F(SqliteStoreTest, AReleasedClaimIsDeletedWhenNewAndWaitingAgainWhenQueued) {
  auto store = OpenStore(Url());
  const Study study = store->OpenStudy("s", "maximize", "", true);
  const int64_t queued_number = store->EnqueueTrial(study.id, {{"x", Value(7)}}, 3);
  std::optional<Trial> queued = store->ClaimTrial(study.id, 5, "w");  // the WAITING one
  std::optional<Trial> fresh = store->ClaimTrial(study.id, 5, "w");   // a new one
  std::optional<Trial> finished = store->ClaimTrial(study.id, 5, "w");
  store->StartTrial(fresh->id, {{"x", Value(1)}}, 1, "/runs/s.r.1");
  store->FinishTrial(finished->id, TrialState::kComplete, 1.0, {}, {1.0, 1.0}, "");
  store->ReleaseTrial(queued->id, /*queued=*/true);
  store->ReleaseTrial(fresh->id, /*queued=*/false);
  store->ReleaseTrial(finished->id, /*queued=*/false);  // no longer RUNNING: kept
  const std::vector<Trial> trials = store->LoadTrials(study.id);
  ASSERT_EQ(trials.size(), 2u);
  EXPECT_EQ(trials[0].number, queued_number);
  EXPECT_EQ(trials[0].state, TrialState::kWaiting);
  EXPECT_EQ(trials[0].params.at("x"), Value(7));
  EXPECT_EQ(trials[0].worker, "");
  EXPECT_EQ(trials[1].state, TrialState::kComplete);
  // The queued trial is claimed again, as it was.
  EXPECT_EQ(store->ClaimTrial(study.id, 5, "w2")->number, queued_number);
}

TEST_F(SqliteStoreTest, FreshHeartbeatsAreNotStale) {
  auto store = OpenStore(Url());
  const Study study = store->OpenStudy("s", "maximize", "", true);
  std::optional<Trial> t = store->ClaimTrial(study.id, 1, "w");
  store->Heartbeat({t->id});
  EXPECT_TRUE(store->RecoverStaleTrials(study.id, 60'000, 1).empty());
}

TEST_F(SqliteStoreTest, MissingStudyAndDirectionMismatchAreUserErrors) {
  auto store = OpenStore(Url());
  EXPECT_THROW(store->OpenStudy("nope", "maximize", "", false), UserError);
  store->OpenStudy("s", "maximize", "", true);
  EXPECT_THROW(store->OpenStudy("s", "minimize", "", true), UserError);
}

TEST_F(SqliteStoreTest, TheStoredConfigFollowsEachRunAndAcceptedChangesAreKept) {
  auto store = OpenStore(Url());
  const Study study = store->OpenStudy("s", "maximize", "n_trials: 3\n", true);
  store->UpdateStudyConfig(study.id, "n_trials: 5\n", "");
  EXPECT_EQ(store->OpenStudy("s", "", "", false).config_yaml, "n_trials: 5\n");
  EXPECT_TRUE(store->LoadStudyChanges(study.id).empty());
  store->UpdateStudyConfig(study.id, "x: 1\n", "x: uniform [-1, 1] -> uniform [5, 9]");
  EXPECT_EQ(store->OpenStudy("s", "", "", false).config_yaml, "x: 1\n");
  const std::vector<StudyChange> changes = store->LoadStudyChanges(study.id);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].changes, "x: uniform [-1, 1] -> uniform [5, 9]");
  EXPECT_GT(changes[0].at_ms, 0);
}

// What a study optimises is stored beside its config, so no reader parses the config for it; a
// later run's objectives replace the earlier ones (a label may change).
TEST_F(SqliteStoreTest, TheRecordedObjectivesComeBackWithTheStudy) {
  auto store = OpenStore(Url());
  const Study study = store->OpenStudy("s", "maximize,minimize", "metric: other\n", true);
  EXPECT_FALSE(study.objectives);  // none recorded yet: a study from before them looks the same
  const Objectives two{"reward", "", true, {{"seconds", false}}};
  store->RecordObjectives(study.id, two);
  EXPECT_EQ(OpenStore(Url())->OpenStudy("s", "", "", false).objectives, two);
  const Objectives labelled{"0.7*a + 0.3*b", "composite", true, {{"seconds", false}}};
  store->RecordObjectives(study.id, labelled);
  EXPECT_EQ(store->OpenStudy("s", "", "", false).objectives, labelled);
  EXPECT_EQ(store->ListStudies().at(0).objectives, labelled);
}

TEST_F(SqliteStoreTest, ADatabaseFromBeforeTheChangesTableGetsIt) {
  OpenStore(Url())->OpenStudy("s", "maximize", "", true);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "study.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "DROP TABLE study_changes", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto store = OpenStore(Url());
  const Study study = store->OpenStudy("s", "", "", false);
  store->UpdateStudyConfig(study.id, "x: 1\n", "a change");
  EXPECT_EQ(store->LoadStudyChanges(study.id).size(), 1u);
}

TEST_F(SqliteStoreTest, WorkersAndLaunchesAreKeptPerStudyAndADatabaseWithoutTheirTablesGetsThem) {
  auto store = OpenStore(Url());
  const Study a = store->OpenStudy("a", "maximize", "", true);
  const Study b = store->OpenStudy("b", "maximize", "", true);
  store->RecordWorker(a.id, {"n1:10", "7_0", 1000});
  store->RecordWorker(a.id, {"n2:11", "7_1", 2000});
  store->RecordWorker(a.id, {"n1:10", "9_0", 3000});  // the same host:pid again replaces it
  store->RecordLaunch(a.id, {"slurm", "7", 2, "/x/slurm-1.sbatch", 500});
  const std::vector<Worker> workers = store->LoadWorkers(a.id);
  ASSERT_EQ(workers.size(), 2u);
  EXPECT_EQ(workers[0].worker, "n2:11");
  EXPECT_EQ(workers[1].slurm_task, "9_0");
  const std::vector<Launch> launches = store->LoadLaunches(a.id);
  ASSERT_EQ(launches.size(), 1u);
  EXPECT_EQ(launches[0].job_id, "7");
  EXPECT_EQ(launches[0].workers, 2);
  EXPECT_EQ(launches[0].script, "/x/slurm-1.sbatch");
  EXPECT_TRUE(store->LoadWorkers(b.id).empty());
  EXPECT_TRUE(store->LoadLaunches(b.id).empty());

  // A database written before these tables (same schema version) gains them when opened.
  store.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "study.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "DROP TABLE workers; DROP TABLE launches", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto reopened = OpenStore(Url());
  reopened->RecordWorker(a.id, {"n3:12", "", 4000});
  EXPECT_EQ(reopened->LoadWorkers(a.id).size(), 1u);
}

TEST_F(SqliteStoreTest, AVersionOneDatabaseIsMigratedAndKeepsItsTrials) {
  {
    auto store = OpenStore(Url());
    const Study study = store->OpenStudy("s", "maximize", "", true);
    const Trial t = *store->ClaimTrial(study.id, 5, "w");
    store->StartTrial(t.id, {{"x", Value(0.5)}}, 3, "");
    store->FinishTrial(t.id, TrialState::kComplete, 2.0, {}, {1.0, 1.0}, "");
  }
  // What hpo wrote before the version columns existed.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "study.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "DROP INDEX trials_by_version; ALTER TABLE trials DROP COLUMN version; "
                         "ALTER TABLE trials DROP COLUMN cost_measure; "
                         "ALTER TABLE trials DROP COLUMN more_values; ALTER TABLE studies DROP "
                         "COLUMN version; UPDATE meta SET value = '1' WHERE key = 'schema_version'",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto store = OpenStore(Url());
  const Study study = store->OpenStudy("s", "", "", false);
  const StudyChanges all = store->LoadTrialsChangedSince(study.id, -1);
  ASSERT_EQ(all.trials.size(), 1u);
  EXPECT_EQ(all.trials[0].params.at("x"), Value(0.5));
  EXPECT_TRUE(all.trials[0].more_values.empty());
  const Trial next = *store->ClaimTrial(study.id, 5, "w");
  const StudyChanges changed = store->LoadTrialsChangedSince(study.id, all.version);
  ASSERT_EQ(changed.trials.size(), 1u);
  EXPECT_EQ(changed.trials[0].number, next.number);
  EXPECT_EQ(changed.trial_count, 2);
}

TEST_F(SqliteStoreTest, AMultiObjectiveTrialKeepsEveryValueExactly) {
  auto store = OpenStore(Url());
  const Study study = store->OpenStudy("mo", "maximize,minimize,minimize", "", true);
  EXPECT_EQ(study.direction, "maximize,minimize,minimize");
  const Trial a = *store->ClaimTrial(study.id, 5, "w");
  store->StartTrial(a.id, {{"x", Value(0.5)}}, 3, "");
  store->FinishTrial(a.id, TrialState::kComplete, 210.5, {1.0 / 3.0, -2e-300}, {1.0, 1.0}, "");
  const Trial b = *store->ClaimTrial(study.id, 5, "w");
  store->StartTrial(b.id, {{"x", Value(0.25)}}, 4, "");
  EXPECT_TRUE(store->AdoptFinishedTrial(b.id, 7.0, {8.0, 9.5}, {1.0, 1.0}));
  const std::vector<Trial> trials = store->LoadTrials(study.id);
  EXPECT_EQ(trials[0].more_values, (std::vector<double>{1.0 / 3.0, -2e-300}));
  EXPECT_EQ(trials[1].more_values, (std::vector<double>{8.0, 9.5}));
  try {
    store->OpenStudy("mo", "maximize", "", true);
    FAIL() << "a study keeps its directions";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("maximize,minimize,minimize"), std::string::npos)
        << e.what();
  }
}

TEST_F(SqliteStoreTest, IncompatibleSchemaVersionIsAUserErrorAndLeavesTheFileAlone) {
  OpenStore(Url())->OpenStudy("s", "maximize", "", true);
  sqlite3* db = nullptr;
  sqlite3_open((dir_ / "study.db").c_str(), &db);
  sqlite3_exec(db, "UPDATE meta SET value = '99' WHERE key = 'schema_version'", nullptr, nullptr,
               nullptr);
  sqlite3_close(db);
  try {
    OpenStore(Url());
    FAIL() << "expected a UserError";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("schema version 99"), std::string::npos) << e.what();
  }
  // Nothing was rewritten: the version and the study are as they were.
  sqlite3_open((dir_ / "study.db").c_str(), &db);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, "SELECT (SELECT value FROM meta), (SELECT COUNT(*) FROM studies)", -1,
                     &stmt, nullptr);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)), "99");
  EXPECT_EQ(sqlite3_column_int(stmt, 1), 1);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

TEST_F(SqliteStoreTest, ForeignSqliteDatabaseIsRefused) {
  sqlite3* db = nullptr;
  sqlite3_open((dir_ / "study.db").c_str(), &db);
  sqlite3_exec(db, "CREATE TABLE customers (id INTEGER)", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  EXPECT_THROW(OpenStore(Url()), UserError);
}

TEST_F(SqliteStoreTest, BadUrlsAreUserErrors) {
  EXPECT_THROW(OpenStore("mysql://x/y"), UserError);
  EXPECT_THROW(OpenStore("sqlite:///"), UserError);
  EXPECT_THROW(OpenStore("/nonexistent-dir/study.db"), UserError);
}

}  // namespace
}  // namespace hpo::store
