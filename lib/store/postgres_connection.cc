// PostgreSQL behind SqlConnection (libpq). Writes that decide trial numbers and budgets are
// serialised by a transaction-scoped advisory lock (the single-writer rule of SQLite's BEGIN
// IMMEDIATE, held only for the few statements of one store call), so claims and numbers stay
// exact across machines; updates of one trial's own rows rely on PostgreSQL's row locks.
#include <libpq-fe.h>

#include <cstdlib>
#include <stdexcept>

#include "lib/core/error.h"
#include "lib/store/sql_connection.h"
#include "lib/store/storage_url.h"

namespace hpo::store {
namespace {

constexpr const char* kWriterLock =
    "SELECT pg_advisory_xact_lock(727368)";  // any fixed key: "hpo" in digits

// libpq type OIDs of the numeric columns the schema uses.
constexpr Oid kInt2 = 21, kInt4 = 23, kInt8 = 20, kFloat4 = 700, kFloat8 = 701, kNumeric = 1700;

class PostgresConnection : public SqlConnection {
 public:
  explicit PostgresConnection(const std::string& url) : url_(url), masked_(MaskPassword(url)) {
    // The URL's own settings win over these (expand_dbname: later keywords override earlier).
    // A server that does not answer is given up on after 10 s, and a connection whose server
    // vanished without a word is found dead within about 30 s (keepalives when idle,
    // tcp_user_timeout when data waits for an answer), not hours: both become faults the store
    // retries.
    const char* const keys[] = {"connect_timeout",
                                "keepalives_idle",
                                "keepalives_interval",
                                "keepalives_count",
                                "tcp_user_timeout",
                                "dbname",
                                nullptr};
    const char* const values[] = {"10", "10", "5", "3", "30000", url.c_str(), nullptr};
    conn_ = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
    if (PQstatus(conn_) != CONNECTION_OK) {
      const std::string message = Clean(PQerrorMessage(conn_));
      PQfinish(conn_);
      throw UserError("cannot connect to storage " + masked_ + ": " + message);
    }
    PQsetNoticeProcessor(
        conn_, [](void*, const char*) {}, nullptr);  // no NOTICE chatter on stderr
    try {
      LimitWaits();
    } catch (...) {
      PQfinish(conn_);
      throw;
    }
  }
  ~PostgresConnection() override { PQfinish(conn_); }

  std::vector<SqlRow> Query(std::string_view sql, const std::vector<SqlValue>& params) override {
    std::vector<std::string> texts(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    for (size_t i = 0; i < params.size(); ++i) {
      if (std::holds_alternative<std::monostate>(params[i])) continue;
      texts[i] = SqlRow{{params[i]}}.Text(0);
      values[i] = texts[i].c_str();
    }
    PGresult* result = PQexecParams(conn_, Numbered(sql).c_str(), static_cast<int>(params.size()),
                                    nullptr, values.data(), nullptr, nullptr, 0);
    const ResultGuard guard{result};
    const ExecStatusType status = PQresultStatus(result);
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) Fail(result);
    std::vector<SqlRow> rows;
    for (int r = 0; r < PQntuples(result); ++r) {
      SqlRow row;
      for (int c = 0; c < PQnfields(result); ++c) row.cells.push_back(Cell(result, r, c));
      rows.push_back(std::move(row));
    }
    return rows;
  }

  void Script(const std::string& sql) override {
    PGresult* result = PQexec(conn_, sql.c_str());
    const ResultGuard guard{result};
    if (PQresultStatus(result) != PGRES_COMMAND_OK && PQresultStatus(result) != PGRES_TUPLES_OK)
      Fail(result);
  }

  void BeginWrite(bool exclusive) override {
    Script("BEGIN");
    if (exclusive) Script(kWriterLock);
  }
  void Commit() override { Script("COMMIT"); }
  void Rollback() override { Script("ROLLBACK"); }
  void BeginRead() override { Script("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); }

  std::string SchemaText(std::string schema) const override {
    Replace(schema, "{id}", "BIGSERIAL PRIMARY KEY");
    Replace(schema, "{int}", "BIGINT");
    Replace(schema, "{real}", "DOUBLE PRECISION");
    return schema;
  }

  std::vector<std::string> TableNames() override {
    std::vector<std::string> names;
    for (const SqlRow& row : Query("SELECT table_name FROM information_schema.tables WHERE "
                                   "table_schema = current_schema()",
                                   {})) {
      names.push_back(row.Text(0));
    }
    return names;
  }

  std::string Describe() const override { return masked_; }

  void Reconnect() override {
    if (PQstatus(conn_) == CONNECTION_OK) return;
    PQreset(conn_);
    if (PQstatus(conn_) != CONNECTION_OK)
      throw TransientSqlError("postgresql: " + Clean(PQerrorMessage(conn_)));
    LimitWaits();
  }

 private:
  // A worker frozen (or cut off) inside a transaction holds its locks; without limits every
  // other worker would wait for it without end. Its session is ended after 30 s idle in a
  // transaction, and a lock wait longer than 30 s is a fault the store retries (55P03).
  void LimitWaits() {
    Script("SET idle_in_transaction_session_timeout = '30s'; SET lock_timeout = '30s'");
  }

  struct ResultGuard {
    PGresult* result;
    ~ResultGuard() { PQclear(result); }
  };

  static void Replace(std::string& text, const std::string& from, const std::string& to) {
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
      text.replace(at, from.size(), to);
  }

  // "?" markers become $1, $2, ... (our SQL has no "?" inside literals).
  static std::string Numbered(std::string_view sql) {
    std::string out;
    int n = 0;
    for (char c : sql) {
      if (c == '?') {
        out += "$" + std::to_string(++n);
      } else {
        out += c;
      }
    }
    return out;
  }

  static SqlValue Cell(const PGresult* result, int r, int c) {
    if (PQgetisnull(result, r, c)) return std::monostate{};
    const char* text = PQgetvalue(result, r, c);
    switch (PQftype(result, c)) {
      case kInt2:
      case kInt4:
      case kInt8:
        return static_cast<int64_t>(std::strtoll(text, nullptr, 10));
      case kFloat4:
      case kFloat8:
      case kNumeric:
        return std::strtod(text, nullptr);  // PostgreSQL 12+ prints shortest round-trip
      default:
        return std::string(text);
    }
  }

  // libpq messages end in newlines and may span lines; and none may echo the password.
  std::string Clean(std::string message) const {
    std::string line;
    for (char c : message) {
      if (c == '\n' || c == '\r' || c == '\t') c = ' ';
      if (c != ' ' || (!line.empty() && line.back() != ' ')) line += c;  // one line, single spaces
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    message = line;
    return HidePassword(message, url_);
  }

  [[noreturn]] void Fail(const PGresult* result) const {
    std::string message = result ? PQresultErrorMessage(result) : "";
    if (message.empty()) message = PQerrorMessage(conn_);
    message = "postgresql: " + Clean(message);
    if (IsTransient(result)) throw TransientSqlError(message);
    throw std::runtime_error(message);
  }

  // A lost connection, or an SQLSTATE of a fault that passes: connection exceptions (08),
  // the server shutting down or starting up (57P01-57P03), a cancelled statement (57014),
  // serialization failures and deadlocks (40001, 40P01), a lock wait past lock_timeout (55P03),
  // a read-only server after a failover to a standby (25006), insufficient resources such as a
  // full disk (53), system and I/O errors (58).
  bool IsTransient(const PGresult* result) const {
    if (result == nullptr || PQstatus(conn_) != CONNECTION_OK) return true;
    const char* field = PQresultErrorField(result, PG_DIAG_SQLSTATE);
    const std::string state = field ? field : "";
    for (const char* prefix : {"08", "57P01", "57P02", "57P03", "57014", "40001", "40P01", "55P03",
                               "25006", "53", "58"}) {
      if (state.rfind(prefix, 0) == 0) return true;
    }
    return false;
  }

  std::string url_, masked_;
  PGconn* conn_ = nullptr;
};

}  // namespace

std::unique_ptr<SqlConnection> OpenPostgres(const std::string& url) {
  return std::make_unique<PostgresConnection>(url);
}

}  // namespace hpo::store
