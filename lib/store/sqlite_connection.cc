// SQLite behind SqlConnection: WAL (readers never block the writer), a busy timeout, and
// BEGIN IMMEDIATE for writes, so several controllers on one machine share a study without
// "database is locked".
#include <sqlite3.h>

#include <chrono>
#include <stdexcept>
#include <thread>

#include "lib/core/error.h"
#include "lib/store/sql_connection.h"

namespace hpo::store {
namespace {

constexpr int kBusyTimeoutMs = 60'000;

class SqliteConnection : public SqlConnection {
 public:
  explicit SqliteConnection(std::string path) : path_(std::move(path)) {
    if (sqlite3_open_v2(path_.c_str(), &db_,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        nullptr) != SQLITE_OK) {
      const std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      throw UserError("cannot open storage " + path_ + ": " + message);
    }
    sqlite3_busy_timeout(db_, kBusyTimeoutMs);
    try {
      EnableWal();
      Script("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
    } catch (const std::runtime_error& e) {
      sqlite3_close(db_);
      throw UserError("cannot use storage " + path_ + ": " + e.what());
    }
  }
  ~SqliteConnection() override { sqlite3_close(db_); }

  std::vector<SqlRow> Query(std::string_view sql, const std::vector<SqlValue>& params) override {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) !=
        SQLITE_OK)
      Fail("prepare");
    struct Finalizer {
      sqlite3_stmt* s;
      ~Finalizer() { sqlite3_finalize(s); }
    } finalizer{stmt};
    for (size_t i = 0; i < params.size(); ++i) Bind(stmt, static_cast<int>(i) + 1, params[i]);
    std::vector<SqlRow> rows;
    while (true) {
      const int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) return rows;
      if (rc != SQLITE_ROW) Fail("step");
      SqlRow row;
      for (int c = 0; c < sqlite3_column_count(stmt); ++c) row.cells.push_back(Cell(stmt, c));
      rows.push_back(std::move(row));
    }
  }

  void Script(const std::string& sql) override {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
      std::string text = message ? message : sqlite3_errmsg(db_);
      sqlite3_free(message);
      Throw("sqlite: " + text);
    }
  }

  void BeginWrite(bool) override {
    Script("BEGIN IMMEDIATE");
  }  // SQLite has one writer at a time anyway
  void Commit() override { Script("COMMIT"); }
  void Rollback() override { Script("ROLLBACK"); }
  void BeginRead() override {
    Script("BEGIN DEFERRED");
  }  // WAL: the snapshot is taken at the first read

  std::string SchemaText(std::string schema) const override {
    Replace(schema, "{id}", "INTEGER PRIMARY KEY");  // the rowid alias: ids come from SQLite
    Replace(schema, "{int}", "INTEGER");
    Replace(schema, "{real}", "REAL");
    return schema;
  }

  std::vector<std::string> TableNames() override {
    std::vector<std::string> names;
    for (const SqlRow& row : Query("SELECT name FROM sqlite_master WHERE type = 'table'", {}))
      names.push_back(row.Text(0));
    return names;
  }

  std::string Describe() const override { return path_; }
  void Reconnect() override {}  // a file has no connection to lose

 private:
  static void Replace(std::string& text, const std::string& from, const std::string& to) {
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
      text.replace(at, from.size(), to);
  }

  void Bind(sqlite3_stmt* stmt, int i, const SqlValue& v) {
    int rc = SQLITE_OK;
    if (std::holds_alternative<int64_t>(v)) rc = sqlite3_bind_int64(stmt, i, std::get<int64_t>(v));
    if (std::holds_alternative<double>(v)) rc = sqlite3_bind_double(stmt, i, std::get<double>(v));
    if (std::holds_alternative<std::monostate>(v)) rc = sqlite3_bind_null(stmt, i);
    if (const auto* s = std::get_if<std::string>(&v)) {
      rc = sqlite3_bind_text(stmt, i, s->data(), static_cast<int>(s->size()), SQLITE_TRANSIENT);
    }
    if (rc != SQLITE_OK) Fail("bind");
  }

  static SqlValue Cell(sqlite3_stmt* stmt, int c) {
    switch (sqlite3_column_type(stmt, c)) {
      case SQLITE_NULL:
        return std::monostate{};
      case SQLITE_INTEGER:
        return static_cast<int64_t>(sqlite3_column_int64(stmt, c));
      case SQLITE_FLOAT:
        return sqlite3_column_double(stmt, c);
      default: {
        const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
        return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt, c)))
                 : std::string();
      }
    }
  }

  [[noreturn]] void Fail(const char* what) const {
    Throw(std::string("sqlite ") + what + ": " + sqlite3_errmsg(db_));
  }

  // Busy past the timeout, a full disk, an I/O error: faults that pass (TransientSqlError).
  [[noreturn]] void Throw(const std::string& message) const {
    switch (sqlite3_extended_errcode(db_) & 0xff) {
      case SQLITE_FULL:
        throw TransientSqlError("no space left on device (" + message + ")");
      case SQLITE_BUSY:
      case SQLITE_LOCKED:
      case SQLITE_IOERR:
      case SQLITE_CANTOPEN:
      case SQLITE_READONLY:  // a filesystem remounted read-only
        throw TransientSqlError(message);
      default:
        throw std::runtime_error(message);
    }
  }

  // Switching a new database to WAL needs an exclusive lock, and SQLite reports "database is
  // locked" at once, without the busy handler, when another process is opening the same new
  // file at that moment (controllers started together). Retry until the busy timeout.
  void EnableWal() {
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(kBusyTimeoutMs);
    for (int attempt = 1;; ++attempt) {
      const int rc = sqlite3_exec(db_, "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr);
      if (rc == SQLITE_OK) return;
      if ((rc & 0xff) != SQLITE_BUSY || std::chrono::steady_clock::now() > deadline) {
        throw std::runtime_error(std::string("sqlite: ") + sqlite3_errmsg(db_));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(std::min(5 * attempt, 100)));
    }
  }

  std::string path_;
  sqlite3* db_ = nullptr;
};

}  // namespace

std::unique_ptr<SqlConnection> OpenSqlite(const std::string& path) {
  return std::make_unique<SqliteConnection>(path);
}

}  // namespace hpo::store
