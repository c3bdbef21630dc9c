// Storage benchmark: the cost per trial of the study store itself, SQLite against PostgreSQL,
// with W worker processes sharing one study. Each worker loops: claim, start (8 params),
// 5 intermediate values, a heartbeat, finish, until N trials exist, exactly the calls a sweep
// controller makes per trial. Prints one JSON object.
//   bench_storage [workers] [trials]
// PostgreSQL: a throwaway server as in the tests (tests/support/postgres_server.h); skipped
// (null) where the server binaries are missing.
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "lib/store/store.h"
#include "tests/support/postgres_server.h"

namespace {

using namespace hpo::store;

void Worker(const std::string& url, int64_t study_id, int trials, int id) {
  auto store = OpenStore(url);
  const std::string worker = fmt::format("bench:{}", id);
  while (std::optional<Trial> t = store->ClaimTrial(study_id, trials, worker)) {
    hpo::ParamSet params;
    for (int p = 0; p < 8; ++p)
      params[fmt::format("param_{}", p)] = hpo::Value(0.125 * p + t->number);
    store->StartTrial(t->id, params, static_cast<uint64_t>(t->number), "/runs/x");
    for (int step = 1; step <= 5; ++step) store->ReportIntermediate(t->id, step * 1000, 0.1 * step);
    store->Heartbeat({t->id});
    store->FinishTrial(t->id, TrialState::kComplete, 1.0, {}, {0.5, 0.5}, "");
  }
}

// Wall seconds for `workers` processes to run `trials` trials through the store at `url`.
double Run(const std::string& url, int workers, int trials) {
  const int64_t study_id = OpenStore(url)->OpenStudy("bench", "maximize", "", true).id;
  const auto start = std::chrono::steady_clock::now();
  for (int w = 0; w < workers; ++w) {
    if (fork() == 0) {
      try {
        Worker(url, study_id, trials, w);
        _exit(0);
      } catch (const std::exception& e) {
        fmt::print(stderr, "worker {}: {}\n", w, e.what());
        _exit(1);
      }
    }
  }
  bool ok = true;
  for (int w = 0; w < workers; ++w) {
    int status = 0;
    wait(&status);
    ok = ok && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!ok || OpenStore(url)->LoadTrials(study_id).size() != static_cast<size_t>(trials))
    std::exit(1);
  return seconds;
}

std::string Result(double seconds, int workers, int trials) {
  return fmt::format(
      R"({{"wall_seconds": {:.4f}, "trials_per_second": {:.1f}, "ms_per_trial_per_worker": )"
      R"({:.3f}}})",
      seconds, trials / seconds, 1000.0 * seconds * workers / trials);
}

}  // namespace

int main(int argc, char** argv) {
  const int workers = argc > 1 ? std::atoi(argv[1]) : 4;
  const int trials = argc > 2 ? std::atoi(argv[2]) : 400;
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / fmt::format("hpo_bench_storage_{}", getpid());
  std::filesystem::create_directories(dir);
  const double sqlite = Run("sqlite:///" + (dir / "study.db").string(), workers, trials);
  std::string postgres = "null";
  auto& server = hpo::testing_support::PostgresServer::Shared();
  if (server.ok())
    postgres = Result(Run(server.FreshDatabase("bench_storage"), workers, trials), workers, trials);
  std::filesystem::remove_all(dir);
  fmt::print(R"({{"workers": {}, "trials": {}, "sqlite": {}, "postgresql": {}}})"
             "\n",
             workers, trials, Result(sqlite, workers, trials), postgres);
  return 0;
}
