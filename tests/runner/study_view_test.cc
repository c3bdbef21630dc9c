// The controller's incremental view of a study (lib/runner/study_view.h) on SQLite and on a
// real PostgreSQL server: what it holds after reading only changes must be what a full load
// reads, even while other processes write the study.
#include "lib/runner/study_view.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "tests/support/postgres_server.h"

namespace hpo::runner {
namespace {

using store::Trial;
using store::TrialState;
using testing_support::PostgresServer;

enum class Backend { kSqlite, kPostgres };
void PrintTo(Backend b, std::ostream* os) {
  *os << (b == Backend::kSqlite ? "SQLite" : "PostgreSQL");
}

class StudyViewTest : public testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    std::string name = testing::UnitTest::GetInstance()->current_test_info()->name();
    name.erase(std::remove_if(name.begin(), name.end(),
                              [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }),
               name.end());
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    if (GetParam() == Backend::kPostgres) {
      if (!PostgresServer::Shared().ok())
        GTEST_SKIP() << "PostgreSQL tests skipped: " << PostgresServer::Shared().skip_reason();
      url_ = PostgresServer::Shared().FreshDatabase(name);
      return;
    }
    const std::filesystem::path dir =
        std::filesystem::path(testing::TempDir()) / ("study_view_" + name);
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    url_ = (dir / "study.db").string();
  }

  /// Trials as a full load reads them, in a form that compares field by field.
  static std::vector<std::string> Described(const std::vector<Trial>& trials) {
    std::vector<std::string> out;
    for (const Trial& t : trials) {
      std::string line = std::to_string(t.number) + " " + std::string(store::StateName(t.state)) +
                         " " + (t.value ? std::to_string(*t.value) : "-") + " hb " +
                         std::to_string(t.heartbeat_ms) + " params";
      for (const auto& [name, value] : t.params) line += " " + name + "=" + value.ToYaml();
      for (const store::Intermediate& i : t.intermediates)
        line += " @" + std::to_string(i.step) + "=" + std::to_string(i.value);
      out.push_back(line);
    }
    return out;
  }

  std::string url_;
};

TEST_P(StudyViewTest, ReadsOnlyWhatChangedAndEndsEqualToAFullLoad) {
  auto store = store::OpenStore(url_);
  const int64_t study = store->OpenStudy("s", "maximize", "", true).id;
  StudyView view(*store, study);
  EXPECT_TRUE(view.Refresh().empty());
  std::vector<Trial> claimed;
  for (int i = 0; i < 3; ++i) {
    claimed.push_back(*store->ClaimTrial(study, 10, "w"));
    store->StartTrial(claimed.back().id, {{"x", Value(0.1 * i)}}, 7, "");
  }
  ASSERT_EQ(view.Refresh().size(), 3u);
  const store::StudyChanges before = store->LoadTrialsChangedSince(study, -1);

  store->ReportIntermediate(claimed[1].id, 100, 2.5);
  const store::StudyChanges one = store->LoadTrialsChangedSince(study, before.version);
  ASSERT_EQ(one.trials.size(), 1u);  // only the trial that changed is read
  EXPECT_EQ(one.trials[0].number, 1);
  EXPECT_EQ(one.trials[0].params.at("x"), Value(0.1));
  ASSERT_EQ(one.trials[0].intermediates.size(), 1u);
  EXPECT_GT(one.version, before.version);
  EXPECT_TRUE(store->LoadTrialsChangedSince(study, one.version).trials.empty());

  store->FinishTrial(claimed[1].id, TrialState::kComplete, 3.0, {}, {1.0, 1.0}, "");
  store->FinishTrial(claimed[0].id, TrialState::kPruned, 1.0, {}, {1.0, 1.0}, "pruned");
  EXPECT_TRUE(store->FailAndRequeue(claimed[2].id, "gone", 1));  // a retry (number 3) appears
  EXPECT_EQ(Described(view.Refresh()), Described(store->LoadTrials(study)));
  EXPECT_EQ(view.trials().size(), 4u);
}

TEST_P(StudyViewTest, AnAbandonedClaimLeavesTheView) {
  auto store = store::OpenStore(url_);
  const int64_t study = store->OpenStudy("s", "maximize", "", true).id;
  StudyView view(*store, study);
  const Trial kept = *store->ClaimTrial(study, 10, "w");
  store->StartTrial(kept.id, {{"x", Value(1)}}, 1, "");
  const Trial abandoned = *store->ClaimTrial(study, 10, "w");
  ASSERT_EQ(view.Refresh().size(), 2u);
  store->ReleaseTrial(abandoned.id, /*queued=*/false);
  ASSERT_EQ(view.Refresh().size(), 1u);
  EXPECT_EQ(view.trials()[0].number, kept.number);
}

TEST_P(StudyViewTest, StaysEqualToAFullLoadWhileOtherProcessesWrite) {
  // The reader opens its store before the writers start: opening takes the schema lock, which
  // three busy SQLite writers could keep from it until they were done.
  auto store = store::OpenStore(url_);
  const int64_t study = store->OpenStudy("shared", "maximize", "", true).id;
  StudyView view(*store, study);
  constexpr int kWorkers = 3, kTrials = 60;
  std::vector<pid_t> children;
  for (int w = 0; w < kWorkers; ++w) {
    const pid_t pid = fork();
    if (pid == 0) {
      try {
        auto writer = store::OpenStore(url_);
        while (std::optional<Trial> t =
                   writer->ClaimTrial(study, kTrials, "w" + std::to_string(w))) {
          writer->StartTrial(t->id, {{"x", Value(static_cast<double>(t->number))}}, 1, "");
          for (int64_t step = 1; step <= 3; ++step)
            writer->ReportIntermediate(t->id, step, static_cast<double>(step));
          writer->Heartbeat({t->id});
          writer->FinishTrial(t->id, t->number % 4 ? TrialState::kComplete : TrialState::kPruned,
                              1.0 * t->number, {}, {0.1, 0.1}, "");
        }
        _exit(0);
      } catch (const std::exception& e) {
        fprintf(stderr, "worker %d: %s\n", w, e.what());
        _exit(1);
      }
    }
    children.push_back(pid);
  }
  int refreshes = 0;
  for (bool running = true; running; ++refreshes) {
    running = false;
    for (pid_t pid : children) running |= waitpid(pid, nullptr, WNOHANG) == 0;
    view.Refresh();
  }
  for (pid_t pid : children) waitpid(pid, nullptr, 0);
  view.Refresh();
  EXPECT_GT(refreshes, 1);
  ASSERT_EQ(view.trials().size(), static_cast<size_t>(kTrials));
  EXPECT_EQ(Described(view.trials()), Described(store->LoadTrials(study)));
}

INSTANTIATE_TEST_SUITE_P(Backends, StudyViewTest,
                         testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const testing::TestParamInfo<Backend>& param) {
                           return param.param == Backend::kSqlite ? "Sqlite" : "Postgres";
                         });

}  // namespace
}  // namespace hpo::runner
