// The study store on a real PostgreSQL server (tests/support/postgres_server.h): the same
// semantics as on SQLite, credentials never in messages, bad URLs as user errors.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

#include "lib/core/error.h"
#include "lib/store/storage_url.h"
#include "lib/store/store.h"
#include "tests/store/pbt_record_contract.h"
#include "tests/support/postgres_server.h"

namespace hpo::store {
namespace {

using testing_support::PostgresServer;

class PostgresStoreTest : public testing::Test {
 protected:
  void SetUp() override {
    if (!PostgresServer::Shared().ok())
      GTEST_SKIP() << "PostgreSQL tests skipped: " << PostgresServer::Shared().skip_reason();
  }
  std::string FreshUrl() {
    std::string name = testing::UnitTest::GetInstance()->current_test_info()->name();
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    return PostgresServer::Shared().FreshDatabase(name);
  }
};

TEST_F(PostgresStoreTest, TheStoredConfigFollowsEachRunAndAcceptedChangesAreKept) {
  const std::string url = FreshUrl();
  auto store = OpenStore(url);
  const Study study = store->OpenStudy("s", "maximize", "n_trials: 3\n", true);
  store->UpdateStudyConfig(study.id, "x: 1\n", "x: uniform [-1, 1] -> uniform [5, 9]");
  auto reopened = OpenStore(url);
  EXPECT_EQ(reopened->OpenStudy("s", "", "", false).config_yaml, "x: 1\n");
  const std::vector<StudyChange> changes = reopened->LoadStudyChanges(study.id);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].changes, "x: uniform [-1, 1] -> uniform [5, 9]");
}

TEST_F(PostgresStoreTest, TheRecordedObjectivesComeBackWithTheStudy) {
  const std::string url = FreshUrl();
  auto store = OpenStore(url);
  const Study study = store->OpenStudy("s", "minimize,maximize", "", true);
  EXPECT_FALSE(study.objectives);
  const Objectives two{"loss", "", false, {{"reward", true}}};
  store->RecordObjectives(study.id, two);
  EXPECT_EQ(OpenStore(url)->OpenStudy("s", "", "", false).objectives, two);
}

TEST_F(PostgresStoreTest, ParamsValuesAndIntermediatesRoundTrip) {
  const std::string url = FreshUrl();
  auto store = OpenStore(url);
  const Study study = store->OpenStudy("s", "maximize", "n_trials: 3\n", true);
  const std::optional<Trial> claimed = store->ClaimTrial(study.id, 3, "host:1");
  ASSERT_TRUE(claimed);
  EXPECT_EQ(claimed->number, 0);
  const ParamSet params = {{"learning_rate", Value(0.1 + 0.2)},
                           {"net_arch", Value(Value::List{Value(64), Value(64)})},
                           {"activation_fn", Value("tanh")},
                           {"target_kl", Value(nullptr)},
                           {"env_params", Value(Value::Mapping{{"max_steps", Value(1000)},
                                                               {"env_id", Value("Env-v0")}})}};
  store->StartTrial(claimed->id, params, 0x7fffffffu, "/runs/s.r.0");
  store->ReportIntermediate(claimed->id, 1000, 12.5);
  store->ReportIntermediate(claimed->id, 1000, 13.5);  // a repeated step replaces its value
  store->ReportIntermediate(claimed->id, 2000, 1.0 / 3.0);
  store->RecordRungs(claimed->id, {{0, 1.5}, {1, -2.0}});
  store->RecordRungs(claimed->id, {{1, 7.0}, {2, 0.25}});  // a recorded rung keeps its value
  store->RecordSeedValue(claimed->id, {1, 77, 2.5});
  store->RecordSeedValue(claimed->id, {0, 1234, 0.1 + 0.2});
  store->RecordSeedValue(claimed->id, {1, 78, -1.0 / 3.0});  // again: replaced
  store->FinishTrial(claimed->id, TrialState::kComplete, 1.0 / 3.0, {}, {4.25, 4.25}, "");

  auto reopened = OpenStore(url);  // a second worker: the schema exists, nothing is recreated
  const std::vector<Trial> trials =
      reopened->LoadTrials(reopened->OpenStudy("s", "", "", false).id);
  ASSERT_EQ(trials.size(), 1u);
  EXPECT_EQ(trials[0].state, TrialState::kComplete);
  EXPECT_EQ(trials[0].params, params);  // doubles round-trip exactly
  EXPECT_EQ(*trials[0].value, 1.0 / 3.0);
  EXPECT_EQ(trials[0].seed, 0x7fffffffu);
  ASSERT_EQ(trials[0].intermediates.size(), 2u);
  EXPECT_EQ(trials[0].intermediates[0].value, 13.5);
  EXPECT_EQ(trials[0].intermediates[1].value, 1.0 / 3.0);
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

TEST_F(PostgresStoreTest, PbtMemberRecordsAreReplacedAndKeptPerStudy) {
  auto store = OpenStore(FreshUrl());
  ExpectPbtRecordContract(store.get());
}

TEST_F(PostgresStoreTest, ProcessesSharingAStudyGetDistinctNumbersAndExactlyTheBudget) {
  const std::string url = FreshUrl();
  const int64_t study_id = OpenStore(url)->OpenStudy("shared", "maximize", "", true).id;
  std::vector<pid_t> children;
  for (int p = 0; p < 4; ++p) {
    const pid_t pid = fork();
    if (pid == 0) {
      try {
        auto store = OpenStore(url);
        while (std::optional<Trial> t =
                   store->ClaimTrial(study_id, 40, "worker:" + std::to_string(p))) {
          store->StartTrial(t->id, {{"x", Value(static_cast<double>(t->number))}}, 1, "");
          store->FinishTrial(t->id, TrialState::kComplete, static_cast<double>(t->number), {},
                             {0.01, 0.01}, "");
        }
        _exit(0);
      } catch (const std::exception& e) {
        fprintf(stderr, "worker %d: %s\n", p, e.what());
        _exit(1);
      }
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  const std::vector<Trial> trials = OpenStore(url)->LoadTrials(study_id);
  ASSERT_EQ(trials.size(), 40u);
  std::set<int64_t> numbers;
  std::set<std::string> workers;
  for (const Trial& t : trials) {
    numbers.insert(t.number);
    workers.insert(t.worker);
    EXPECT_EQ(t.state, TrialState::kComplete);
  }
  EXPECT_EQ(numbers.size(), 40u);
  EXPECT_EQ(*numbers.rbegin(), 39);
  EXPECT_GT(workers.size(), 1u);
}

TEST_F(PostgresStoreTest, StaleTrialsAreFailedAndRequeuedWithTheirParams) {
  auto store = OpenStore(FreshUrl());
  const Study study = store->OpenStudy("s", "maximize", "", true);
  const Trial t = *store->ClaimTrial(study.id, 5, "other-host:77");
  store->StartTrial(t.id, {{"x", Value(0.5)}}, 42, "/runs/s.r.0");
  EXPECT_TRUE(store->RecoverStaleTrials(study.id, 60'000, 1).empty());  // fresh heartbeat
  usleep(20'000);
  EXPECT_EQ(store->RecoverStaleTrials(study.id, 10, 1), std::vector<int64_t>{0});
  const std::vector<Trial> trials = store->LoadTrials(study.id);
  ASSERT_EQ(trials.size(), 2u);
  EXPECT_EQ(trials[0].state, TrialState::kFailed);
  EXPECT_TRUE(trials[0].retried);
  EXPECT_EQ(trials[1].state, TrialState::kWaiting);
  EXPECT_EQ(trials[1].retry_of, 0);
  EXPECT_EQ(trials[1].seed, 42u);
  EXPECT_EQ(trials[1].params.at("x"), Value(0.5));
  const std::optional<Trial> again =
      store->ClaimTrial(study.id, 5, "me:1");  // the retry comes first
  ASSERT_TRUE(again);
  EXPECT_EQ(again->number, 1);
}

TEST_F(PostgresStoreTest, IncompatibleSchemaVersionIsAUserError) {
  const std::string url = FreshUrl();
  OpenStore(url);
  std::string name = testing::UnitTest::GetInstance()->current_test_info()->name();
  std::transform(name.begin(), name.end(), name.begin(), ::tolower);
  ASSERT_TRUE(PostgresServer::Shared().Execute(
      name, "UPDATE meta SET value = '99' WHERE key = 'schema_version'"));
  try {
    OpenStore(url);
    FAIL() << "opened a schema version 99 database";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("schema version 99"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find(PostgresServer::kPassword), std::string::npos) << e.what();
  }
}

TEST_F(PostgresStoreTest, BadServersAndUrlsAreUserErrorsWithoutThePassword) {
  const PostgresServer& server = PostgresServer::Shared();
  const std::string secret = PostgresServer::kPassword;
  struct Case {
    std::string url, expected;
  };
  const std::vector<Case> cases = {
      {"postgresql://hpo:" + secret + "@127.0.0.1:1/postgres", "cannot connect"},  // unreachable
      {server.Url("postgres", "wrong-" + secret),
       "password authentication failed"},                  // wrong password
      {server.Url("no_such_database"), "does not exist"},  // missing database
      {"postgresql://hpo:" + secret + "@127.0.0.1:notaport/db",
       "invalid integer value \"notaport\""},                                  // bad port
      {"postgresql://hpo:" + secret + "@[::1/db", "malformed storage URL"},    // malformed
      {"mysql://hpo:" + secret + "@127.0.0.1/db", "unsupported storage URL"},  // other scheme
  };
  for (const Case& c : cases) {
    try {
      OpenStore(c.url);
      ADD_FAILURE() << "opened " << MaskPassword(c.url);
    } catch (const UserError& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find(c.expected), std::string::npos) << message;
      EXPECT_EQ(message.find(secret), std::string::npos) << message;
      EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    }
  }
}

TEST_F(PostgresStoreTest, PasswordFromPgpasswordOrPgpassInsteadOfTheUrl) {
  const PostgresServer& server = PostgresServer::Shared();
  FreshUrl();
  std::string name = testing::UnitTest::GetInstance()->current_test_info()->name();
  std::transform(name.begin(), name.end(), name.begin(), ::tolower);
  const std::string url = "postgresql://" + std::string(PostgresServer::kUser) +
                          "@127.0.0.1:" + std::to_string(server.port()) + "/" + name;
  setenv("PGPASSWORD", PostgresServer::kPassword, 1);
  EXPECT_NO_THROW(OpenStore(url)->OpenStudy("s", "maximize", "", true));
  unsetenv("PGPASSWORD");
  const std::string pgpass = testing::TempDir() + "/hpo_test_pgpass";
  {
    std::ofstream(pgpass) << "127.0.0.1:" << server.port() << ":*:" << PostgresServer::kUser << ":"
                          << PostgresServer::kPassword << "\n";
  }
  chmod(pgpass.c_str(), 0600);  // libpq ignores a .pgpass others can read
  setenv("PGPASSFILE", pgpass.c_str(), 1);
  EXPECT_NO_THROW(OpenStore(url)->OpenStudy("s", "", "", false));
  setenv("PGPASSFILE", "/nonexistent", 1);
  EXPECT_THROW(OpenStore(url), UserError);  // no password anywhere
  unsetenv("PGPASSFILE");
}

TEST(StorageUrlTest, MaskPasswordHidesOnlyThePassword) {
  EXPECT_EQ(MaskPassword("postgresql://u:p@h:5432/db"), "postgresql://u:***@h:5432/db");
  EXPECT_EQ(MaskPassword("postgresql://u@h/db"), "postgresql://u@h/db");
  EXPECT_EQ(MaskPassword("postgresql://h:5432/db"), "postgresql://h:5432/db");
  EXPECT_EQ(MaskPassword("sqlite:////tmp/a.db"), "sqlite:////tmp/a.db");
  EXPECT_EQ(ParseStorageUrl("postgres://u:p@h/db").kind, StorageUrl::Kind::kPostgres);
  EXPECT_EQ(ParseStorageUrl("sqlite:////abs/x.db").path, "/abs/x.db");
  EXPECT_EQ(ParseStorageUrl("rel/x.db").path, "rel/x.db");
}

TEST(StorageUrlTest, WithoutPasswordDropsItAndPasswordOfDecodesItAsLibpqDoes) {
  EXPECT_EQ(WithoutPassword("postgresql://u:p@h:5432/db"), "postgresql://u@h:5432/db");
  EXPECT_EQ(WithoutPassword("postgresql://u@h/db"), "postgresql://u@h/db");
  EXPECT_EQ(PasswordOf("postgresql://u:p%40ss%3Aw@h:5432/db"), "p@ss:w");
  EXPECT_EQ(PasswordOf("postgresql://u@h/db"), "");
  EXPECT_EQ(PasswordOf("sqlite:////tmp/a.db"), "");
}

}  // namespace
}  // namespace hpo::store
