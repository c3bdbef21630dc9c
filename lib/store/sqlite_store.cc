// SQLite study storage: WAL, a busy timeout, short transactions, BEGIN IMMEDIATE for claims,
// so several controllers on one machine share a study without "database is locked".
#include <sqlite3.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <thread>

#include "lib/core/error.h"
#include "lib/store/store.h"

namespace hpo::store {
namespace {

constexpr int kSchemaVersion = 1;
constexpr int kBusyTimeoutMs = 60'000;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS studies (
  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, direction TEXT NOT NULL,
  config_yaml TEXT NOT NULL, created_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS trials (
  id INTEGER PRIMARY KEY, study_id INTEGER NOT NULL REFERENCES studies(id),
  number INTEGER NOT NULL, state TEXT NOT NULL, seed INTEGER NOT NULL DEFAULT 0,
  value REAL, cost REAL NOT NULL DEFAULT 0, error TEXT NOT NULL DEFAULT '',
  worker TEXT NOT NULL DEFAULT '', run_dir TEXT NOT NULL DEFAULT '',
  created_ms INTEGER NOT NULL, started_ms INTEGER NOT NULL DEFAULT 0,
  finished_ms INTEGER NOT NULL DEFAULT 0, heartbeat_ms INTEGER NOT NULL DEFAULT 0,
  retry_of INTEGER NOT NULL DEFAULT -1, retried INTEGER NOT NULL DEFAULT 0,
  UNIQUE (study_id, number));
CREATE TABLE IF NOT EXISTS trial_params (
  trial_id INTEGER NOT NULL REFERENCES trials(id), name TEXT NOT NULL, value TEXT NOT NULL,
  PRIMARY KEY (trial_id, name));
CREATE TABLE IF NOT EXISTS trial_intermediates (
  trial_id INTEGER NOT NULL REFERENCES trials(id), step INTEGER NOT NULL, value REAL,
  PRIMARY KEY (trial_id, step));
)sql";

// ---------------------------------------------------------------------------------------------
// A minimal RAII layer over the sqlite3 C API
// ---------------------------------------------------------------------------------------------

class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) Fail("prepare");
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& Bind(int i, int64_t v) { return Check(sqlite3_bind_int64(stmt_, i, v)); }
  Statement& Bind(int i, const std::string& v) {
    return Check(sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
  }
  Statement& Bind(int i, std::optional<double> v) {
    return Check(v ? sqlite3_bind_double(stmt_, i, *v) : sqlite3_bind_null(stmt_, i));
  }

  /// Steps once; true while a row is available.
  bool Step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    Fail("step");
  }
  void Run() {
    while (Step()) {
    }
  }

  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  double Double(int col) const { return sqlite3_column_double(stmt_, col); }
  bool IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  std::string Text(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
  }

 private:
  Statement& Check(int rc) {
    if (rc != SQLITE_OK) Fail("bind");
    return *this;
  }
  [[noreturn]] void Fail(const char* what) const {
    throw std::runtime_error(std::string("sqlite ") + what + ": " + sqlite3_errmsg(db_));
  }

  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

void Exec(sqlite3* db, const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message ? message : sqlite3_errmsg(db);
    sqlite3_free(message);
    throw std::runtime_error("sqlite: " + text);
  }
}

/// BEGIN IMMEDIATE takes the write lock up front, so two claims never interleave and a
/// reader-turned-writer never deadlocks; rolled back unless Commit() is reached.
class Transaction {
 public:
  explicit Transaction(sqlite3* db) : db_(db) { Exec(db_, "BEGIN IMMEDIATE"); }
  ~Transaction() {
    if (!done_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  void Commit() {
    Exec(db_, "COMMIT");
    done_ = true;
  }

 private:
  sqlite3* db_;
  bool done_ = false;
};

TrialState StateFromText(const std::string& text) {
  const std::optional<TrialState> state = ParseState(text);
  if (!state) throw std::runtime_error("storage holds an unknown trial state '" + text + "'");
  return *state;
}

// ---------------------------------------------------------------------------------------------
// The store
// ---------------------------------------------------------------------------------------------

class SqliteStore : public Store {
 public:
  explicit SqliteStore(const std::filesystem::path& path) : path_(path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        nullptr) != SQLITE_OK) {
      const std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      throw UserError("cannot open storage " + path.string() + ": " + message);
    }
    sqlite3_busy_timeout(db_, kBusyTimeoutMs);
    try {
      EnableWal();
      Exec(db_, "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
      InitSchema();
    } catch (const std::runtime_error& e) {
      sqlite3_close(db_);
      if (dynamic_cast<const UserError*>(&e)) throw;
      throw UserError("cannot use storage " + path.string() + ": " + e.what());
    }
  }
  ~SqliteStore() override { sqlite3_close(db_); }

  Study OpenStudy(const std::string& name, const std::string& direction,
                  const std::string& config_yaml, bool create) override {
    Transaction tx(db_);
    std::optional<Study> study = FindStudy(name);
    if (!study) {
      if (!create) throw UserError("no study named '" + name + "' in " + path_.string());
      Statement(db_, "INSERT INTO studies (name, direction, config_yaml, created_ms) VALUES (?,?,?,?)")
          .Bind(1, name).Bind(2, direction).Bind(3, config_yaml).Bind(4, NowMs()).Run();
      study = FindStudy(name);
    } else if (!direction.empty() && study->direction != direction) {
      throw UserError("study '" + name + "' was created to " + study->direction +
                      ", not to " + direction);
    }
    tx.Commit();
    return *study;
  }

  std::vector<Study> ListStudies() override {
    std::vector<Study> studies;
    Statement s(db_, "SELECT id, name, direction, config_yaml, created_ms FROM studies ORDER BY id");
    while (s.Step()) studies.push_back(StudyFromRow(s));
    return studies;
  }

  std::optional<Trial> ClaimTrial(int64_t study_id, int max_trials, const std::string& worker) override {
    Transaction tx(db_);
    Statement count(db_, "SELECT COUNT(*) FROM trials WHERE study_id = ? AND NOT (state = 'FAILED' AND retried)");
    count.Bind(1, study_id).Step();
    const int64_t counted = count.Int(0);
    const int64_t now = NowMs();

    Statement waiting(db_, "SELECT id FROM trials WHERE study_id = ? AND state = 'WAITING' ORDER BY number LIMIT 1");
    waiting.Bind(1, study_id);
    int64_t trial_id = 0;
    if (waiting.Step()) {
      // Re-queued trials were counted when queued; taking one does not grow the study.
      trial_id = waiting.Int(0);
      Statement(db_, "UPDATE trials SET state = 'RUNNING', worker = ?, started_ms = ?, heartbeat_ms = ? WHERE id = ?")
          .Bind(1, worker).Bind(2, now).Bind(3, now).Bind(4, trial_id).Run();
    } else {
      if (counted >= max_trials) return std::nullopt;
      Statement next(db_, "SELECT COALESCE(MAX(number) + 1, 0) FROM trials WHERE study_id = ?");
      next.Bind(1, study_id).Step();
      Statement(db_, "INSERT INTO trials (study_id, number, state, worker, created_ms, started_ms, heartbeat_ms) "
                     "VALUES (?, ?, 'RUNNING', ?, ?, ?, ?)")
          .Bind(1, study_id).Bind(2, next.Int(0)).Bind(3, worker).Bind(4, now).Bind(5, now).Bind(6, now).Run();
      trial_id = sqlite3_last_insert_rowid(db_);
    }
    tx.Commit();
    return LoadTrial(trial_id);
  }

  int64_t EnqueueTrial(int64_t study_id, const ParamSet& params, uint64_t seed) override {
    Transaction tx(db_);
    Statement next(db_, "SELECT COALESCE(MAX(number) + 1, 0) FROM trials WHERE study_id = ?");
    next.Bind(1, study_id).Step();
    const int64_t number = next.Int(0);
    Statement(db_, "INSERT INTO trials (study_id, number, state, seed, created_ms) VALUES (?, ?, 'WAITING', ?, ?)")
        .Bind(1, study_id).Bind(2, number).Bind(3, static_cast<int64_t>(seed)).Bind(4, NowMs()).Run();
    const int64_t trial_id = sqlite3_last_insert_rowid(db_);
    for (const auto& [name, value] : params) {
      Statement(db_, "INSERT INTO trial_params (trial_id, name, value) VALUES (?, ?, ?)")
          .Bind(1, trial_id).Bind(2, name).Bind(3, value.ToYaml()).Run();
    }
    tx.Commit();
    return number;
  }

  void StartTrial(int64_t trial_id, const ParamSet& params, uint64_t seed, const std::string& run_dir) override {
    Transaction tx(db_);
    Statement(db_, "UPDATE trials SET seed = ?, run_dir = ? WHERE id = ?")
        .Bind(1, static_cast<int64_t>(seed)).Bind(2, run_dir).Bind(3, trial_id).Run();
    Statement(db_, "DELETE FROM trial_params WHERE trial_id = ?").Bind(1, trial_id).Run();
    for (const auto& [name, value] : params) {
      Statement(db_, "INSERT INTO trial_params (trial_id, name, value) VALUES (?, ?, ?)")
          .Bind(1, trial_id).Bind(2, name).Bind(3, value.ToYaml()).Run();
    }
    tx.Commit();
  }

  void Heartbeat(const std::vector<int64_t>& trial_ids) override {
    if (trial_ids.empty()) return;
    Transaction tx(db_);
    const int64_t now = NowMs();
    for (int64_t id : trial_ids) {
      Statement(db_, "UPDATE trials SET heartbeat_ms = ? WHERE id = ? AND state = 'RUNNING'")
          .Bind(1, now).Bind(2, id).Run();
    }
    tx.Commit();
  }

  void ReportIntermediate(int64_t trial_id, int64_t step, double value) override {
    Transaction tx(db_);
    Statement(db_, "INSERT OR REPLACE INTO trial_intermediates (trial_id, step, value) VALUES (?, ?, ?)")
        .Bind(1, trial_id).Bind(2, step).Bind(3, std::optional<double>(value)).Run();
    Statement(db_, "UPDATE trials SET heartbeat_ms = ? WHERE id = ?").Bind(1, NowMs()).Bind(2, trial_id).Run();
    tx.Commit();
  }

  void FinishTrial(int64_t trial_id, TrialState state, std::optional<double> value, double cost,
                   const std::string& error) override {
    Transaction tx(db_);
    Statement(db_, "UPDATE trials SET state = ?, value = ?, cost = ?, error = ?, finished_ms = ? WHERE id = ?")
        .Bind(1, std::string(StateName(state))).Bind(2, value).Bind(3, std::optional<double>(cost))
        .Bind(4, error).Bind(5, NowMs()).Bind(6, trial_id).Run();
    tx.Commit();
  }

  bool FailAndRequeue(int64_t trial_id, const std::string& reason, int max_retries) override {
    Transaction tx(db_);
    const bool failed = FailAndRequeueLocked(trial_id, reason, max_retries);
    tx.Commit();
    return failed;
  }

  std::vector<int64_t> RecoverStaleTrials(int64_t study_id, int64_t stale_after_ms, int max_retries) override {
    Transaction tx(db_);
    std::vector<std::pair<int64_t, int64_t>> stale;  // (id, number)
    {
      Statement s(db_, "SELECT id, number FROM trials WHERE study_id = ? AND state = 'RUNNING' AND heartbeat_ms < ?");
      s.Bind(1, study_id).Bind(2, NowMs() - stale_after_ms);
      while (s.Step()) stale.emplace_back(s.Int(0), s.Int(1));
    }
    std::vector<int64_t> failed;
    for (const auto& [id, number] : stale) {
      FailAndRequeueLocked(id, "heartbeat stale: its controller stopped while it ran", max_retries);
      failed.push_back(number);
    }
    tx.Commit();
    return failed;
  }

  void AbandonTrial(int64_t trial_id) override {
    Transaction tx(db_);
    Statement(db_, "DELETE FROM trials WHERE id = ? AND state = 'RUNNING' "
                   "AND NOT EXISTS (SELECT 1 FROM trial_params WHERE trial_id = ?)")
        .Bind(1, trial_id).Bind(2, trial_id).Run();
    tx.Commit();
  }

  std::vector<Trial> LoadTrials(int64_t study_id) override {
    std::vector<Trial> trials;
    std::map<int64_t, size_t> index_of;
    {
      Statement s(db_, (std::string(kTrialColumns) + " WHERE study_id = ? ORDER BY number").c_str());
      s.Bind(1, study_id);
      while (s.Step()) {
        index_of[s.Int(0)] = trials.size();
        trials.push_back(TrialFromRow(s));
      }
    }
    {
      Statement s(db_, "SELECT p.trial_id, p.name, p.value FROM trial_params p JOIN trials t ON t.id = p.trial_id WHERE t.study_id = ?");
      s.Bind(1, study_id);
      while (s.Step()) AddParam(trials[index_of.at(s.Int(0))], s.Text(1), s.Text(2));
    }
    {
      Statement s(db_, "SELECT i.trial_id, i.step, i.value FROM trial_intermediates i JOIN trials t ON t.id = i.trial_id "
                       "WHERE t.study_id = ? ORDER BY i.trial_id, i.step");
      s.Bind(1, study_id);
      while (s.Step()) {
        trials[index_of.at(s.Int(0))].intermediates.push_back({s.Int(1), s.IsNull(2) ? NAN : s.Double(2)});
      }
    }
    return trials;
  }

 private:
  static constexpr const char* kTrialColumns =
      "SELECT id, number, state, seed, value, cost, error, worker, run_dir, created_ms, started_ms, "
      "finished_ms, heartbeat_ms, retry_of, retried FROM trials";

  // Switching a new database to WAL needs an exclusive lock, and SQLite reports "database is
  // locked" at once, without the busy handler, when another process is opening the same new
  // file at that moment (controllers started together). Retry until the busy timeout.
  void EnableWal() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kBusyTimeoutMs);
    for (int attempt = 1;; ++attempt) {
      const int rc = sqlite3_exec(db_, "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr);
      if (rc == SQLITE_OK) return;
      if ((rc & 0xff) != SQLITE_BUSY || std::chrono::steady_clock::now() > deadline) {
        throw std::runtime_error(std::string("sqlite: ") + sqlite3_errmsg(db_));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(std::min(5 * attempt, 100)));
    }
  }

  void InitSchema() {
    Transaction tx(db_);
    Statement has_meta(db_, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'");
    has_meta.Step();
    if (has_meta.Int(0) == 1) {
      Statement version(db_, "SELECT value FROM meta WHERE key = 'schema_version'");
      const std::string found = version.Step() ? version.Text(0) : "none";
      if (found != std::to_string(kSchemaVersion)) {
        throw UserError("storage " + path_.string() + " has schema version " + found +
                        "; this hpo reads version " + std::to_string(kSchemaVersion) +
                        " (use the hpo that wrote it, or another --storage)");
      }
    } else {
      Statement tables(db_, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'");
      tables.Step();
      if (tables.Int(0) != 0) {
        throw UserError("storage " + path_.string() + " is an SQLite database that hpo did not write");
      }
      Exec(db_, kSchema);
      Statement(db_, "INSERT INTO meta (key, value) VALUES ('schema_version', ?)")
          .Bind(1, std::to_string(kSchemaVersion)).Run();
    }
    tx.Commit();
  }

  std::optional<Study> FindStudy(const std::string& name) {
    Statement s(db_, "SELECT id, name, direction, config_yaml, created_ms FROM studies WHERE name = ?");
    s.Bind(1, name);
    if (!s.Step()) return std::nullopt;
    return StudyFromRow(s);
  }

  static Study StudyFromRow(const Statement& s) {
    return Study{s.Int(0), s.Text(1), s.Text(2), s.Text(3), s.Int(4)};
  }

  static Trial TrialFromRow(const Statement& s) {
    Trial t;
    t.id = s.Int(0);
    t.number = s.Int(1);
    t.state = StateFromText(s.Text(2));
    t.seed = static_cast<uint64_t>(s.Int(3));
    if (!s.IsNull(4)) t.value = s.Double(4);
    t.cost = s.Double(5);
    t.error = s.Text(6);
    t.worker = s.Text(7);
    t.run_dir = s.Text(8);
    t.created_ms = s.Int(9);
    t.started_ms = s.Int(10);
    t.finished_ms = s.Int(11);
    t.heartbeat_ms = s.Int(12);
    t.retry_of = s.Int(13);
    t.retried = s.Int(14) != 0;
    return t;
  }

  static void AddParam(Trial& trial, const std::string& name, const std::string& text) {
    std::optional<Value> value = Value::Parse(text);
    if (!value) throw std::runtime_error("storage holds an unreadable value '" + text + "' for " + name);
    trial.params[name] = std::move(*value);
  }

  Trial LoadTrial(int64_t trial_id) {
    Statement s(db_, (std::string(kTrialColumns) + " WHERE id = ?").c_str());
    s.Bind(1, trial_id);
    if (!s.Step()) throw std::runtime_error("trial vanished from storage");
    Trial trial = TrialFromRow(s);
    Statement p(db_, "SELECT name, value FROM trial_params WHERE trial_id = ?");
    p.Bind(1, trial_id);
    while (p.Step()) AddParam(trial, p.Text(0), p.Text(1));
    return trial;
  }

  // Inside a transaction: fail one RUNNING trial and queue its retry.
  bool FailAndRequeueLocked(int64_t trial_id, const std::string& reason, int max_retries) {
    Statement find(db_, "SELECT study_id, number FROM trials WHERE id = ? AND state = 'RUNNING'");
    find.Bind(1, trial_id);
    if (!find.Step()) return false;
    const int64_t study_id = find.Int(0);
    const int64_t number = find.Int(1);
    const int64_t now = NowMs();
    Statement(db_, "UPDATE trials SET state = 'FAILED', finished_ms = ?, error = ? WHERE id = ?")
        .Bind(1, now).Bind(2, reason).Bind(3, trial_id).Run();
    if (RetriesOf(study_id, number) >= max_retries) return true;
    Statement next(db_, "SELECT MAX(number) + 1 FROM trials WHERE study_id = ?");
    next.Bind(1, study_id).Step();
    Statement(db_, "INSERT INTO trials (study_id, number, state, seed, run_dir, created_ms, retry_of) "
                   "SELECT study_id, ?, 'WAITING', seed, '', ?, ? FROM trials WHERE id = ?")
        .Bind(1, next.Int(0)).Bind(2, now).Bind(3, number).Bind(4, trial_id).Run();
    const int64_t retry_id = sqlite3_last_insert_rowid(db_);
    Statement(db_, "INSERT INTO trial_params (trial_id, name, value) SELECT ?, name, value FROM trial_params WHERE trial_id = ?")
        .Bind(1, retry_id).Bind(2, trial_id).Run();
    Statement(db_, "UPDATE trials SET retried = 1 WHERE id = ?").Bind(1, trial_id).Run();
    return true;
  }

  int RetriesOf(int64_t study_id, int64_t number) {
    // Follow retry_of links back to the original trial.
    int retries = 0;
    int64_t current = number;
    while (true) {
      Statement s(db_, "SELECT retry_of FROM trials WHERE study_id = ? AND number = ?");
      s.Bind(1, study_id).Bind(2, current);
      if (!s.Step() || s.Int(0) < 0) return retries;
      current = s.Int(0);
      ++retries;
    }
  }

  std::filesystem::path path_;
  sqlite3* db_ = nullptr;
};

}  // namespace

std::string_view StateName(TrialState state) {
  switch (state) {
    case TrialState::kWaiting: return "WAITING";
    case TrialState::kRunning: return "RUNNING";
    case TrialState::kComplete: return "COMPLETE";
    case TrialState::kPruned: return "PRUNED";
    case TrialState::kFailed: return "FAILED";
  }
  return "?";
}

std::optional<TrialState> ParseState(std::string_view name) {
  for (TrialState s : {TrialState::kWaiting, TrialState::kRunning, TrialState::kComplete,
                       TrialState::kPruned, TrialState::kFailed}) {
    if (StateName(s) == name) return s;
  }
  return std::nullopt;
}

int64_t NowMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::unique_ptr<Store> OpenStore(const std::string& url) {
  std::string path = url;
  const std::string kSqlite = "sqlite:///";
  if (url.rfind(kSqlite, 0) == 0) {
    path = url.substr(kSqlite.size());
    // sqlite:////abs/path is absolute (four slashes, as in SQLAlchemy); sqlite:///rel is relative.
  } else if (url.find("://") != std::string::npos) {
    throw UserError("unsupported storage URL '" + url + "' (use sqlite:///path or a file path)");
  }
  if (path.empty()) throw UserError("storage URL '" + url + "' names no file");
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty() && !std::filesystem::is_directory(parent)) {
    throw UserError("cannot open storage " + path + ": folder " + parent.string() + " does not exist");
  }
  return std::make_unique<SqliteStore>(path);
}

}  // namespace hpo::store
