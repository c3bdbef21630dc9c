// The little a study store needs from an SQL database, so that one store implementation
// (sql_store.cc) serves SQLite and PostgreSQL alike: parameterised queries with typed results,
// and a write transaction that excludes every other writer of the database.
//
// SQL is written once, in the common dialect of SQLite 3.35+ and PostgreSQL 12+ ("?" parameter
// markers, INSERT ... RETURNING, ON CONFLICT ... DO UPDATE); the PostgreSQL connection numbers
// the markers. Schema text uses {id}, {int} and {real} for the column types that differ.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace hpo::store {

/// A parameter or a result cell: NULL, an integer, a float or text.
using SqlValue = std::variant<std::monostate, int64_t, double, std::string>;

struct SqlRow {
  std::vector<SqlValue> cells;
  bool IsNull(size_t i) const { return std::holds_alternative<std::monostate>(cells.at(i)); }
  int64_t Int(size_t i) const;
  double Double(size_t i) const;
  std::string Text(size_t i) const;
};

/// A fault of the database that may pass: the connection was lost, the server is starting up or
/// shutting down, a serialization failure or deadlock, busy past the timeout, the disk is full.
/// The store reconnects and retries such a fault for a moment, then throws StorageUnavailable
/// (store.h); any other database error is a std::runtime_error.
class TransientSqlError : public std::runtime_error {
 public:
  explicit TransientSqlError(const std::string& message) : std::runtime_error(message) {}
};

class SqlConnection {
 public:
  virtual ~SqlConnection() = default;

  /// Runs one statement with `?` parameters and returns its rows. Throws std::runtime_error
  /// with the database's message.
  virtual std::vector<SqlRow> Query(std::string_view sql,
                                    const std::vector<SqlValue>& params = {}) = 0;
  /// Runs statements without parameters (schema creation).
  virtual void Script(const std::string& sql) = 0;

  /// Starts a write transaction. `exclusive`: it also excludes every other exclusive writer
  /// until Commit/Rollback (needed where trial numbers and budgets are decided). SQLite always
  /// has one writer (BEGIN IMMEDIATE); PostgreSQL takes a transaction-scoped advisory lock only
  /// when exclusive, and otherwise relies on its row locks, so heartbeats and intermediate
  /// values of different workers never wait for each other.
  virtual void BeginWrite(bool exclusive) = 0;
  virtual void Commit() = 0;
  virtual void Rollback() = 0;
  /// Starts a read-only transaction: every query until Commit sees one snapshot of the
  /// database, and no writer waits for it.
  virtual void BeginRead() = 0;

  /// The column types of this dialect for the schema's {id}, {int} and {real}.
  virtual std::string SchemaText(std::string schema) const = 0;
  /// Names of the tables in the database (for the schema version check).
  virtual std::vector<std::string> TableNames() = 0;
  /// Where the data lives, for messages (never with a password).
  virtual std::string Describe() const = 0;
  /// After a TransientSqlError: replaces a lost connection with a new one (PostgreSQL). Throws
  /// TransientSqlError while the database is still away.
  virtual void Reconnect() = 0;
};

/// A transaction for a scope: begun now, rolled back on scope exit unless Commit() was reached.
/// kRead is one read-only snapshot (BeginRead); kRows and kExclusive write (BeginWrite).
class Transaction {
 public:
  enum Scope { kRead, kRows, kExclusive };
  Transaction(SqlConnection& db, Scope scope) : db_(db) {
    if (scope == kRead) {
      db_.BeginRead();
    } else {
      db_.BeginWrite(scope == kExclusive);
    }
  }
  ~Transaction() {
    if (!done_) {
      try {
        db_.Rollback();
      } catch (...) {
        // Rolling back a broken connection: nothing more to do.
      }
    }
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void Commit() {
    db_.Commit();
    done_ = true;
  }

 private:
  SqlConnection& db_;
  bool done_ = false;
};

/// Opens (creating) an SQLite database file in WAL mode with a busy timeout.
std::unique_ptr<SqlConnection> OpenSqlite(const std::string& path);

/// Connects to PostgreSQL with a libpq connection URI. Throws UserError with a message that
/// never contains the password.
std::unique_ptr<SqlConnection> OpenPostgres(const std::string& url);

}  // namespace hpo::store
