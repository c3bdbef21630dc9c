// A throwaway PostgreSQL server for tests: initdb into a temporary directory (as the
// `postgres` user when running as root: initdb refuses root), listening on 127.0.0.1 at a free
// port with password authentication, fsync off. Shared() is one per test process, stopped at
// exit; a test that stops, kills and restarts its server (tests/faults) makes one of its own,
// which keeps the port it was given for good.
// Where the server binaries are missing, ok() is false and skip_reason() says why.
#pragma once

#include <glob.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "tests/support/free_port.h"

namespace hpo::testing_support {

class PostgresServer {
 public:
  static constexpr const char* kUser = "hpo";
  static constexpr const char* kPassword = "pw-9f3Kq-never-printed";

  static PostgresServer& Shared() {
    static PostgresServer server;
    return server;
  }

  /// A server of the caller's own (Shared() is for tests that leave the server alone).
  PostgresServer() { Create(); }
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  bool ok() const { return skip_reason_.empty(); }
  const std::string& skip_reason() const { return skip_reason_; }
  int port() const { return port_; }

  std::string Url(const std::string& database, const std::string& password = kPassword) const {
    return "postgresql://" + std::string(kUser) + ":" + password +
           "@127.0.0.1:" + std::to_string(port_) + "/" + database;
  }

  /// Creates (or recreates, empty) a database and returns its URL.
  std::string FreshDatabase(const std::string& name) {
    Admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    Admin("CREATE DATABASE " + name);
    return Url(name);
  }

  /// Runs one statement on `database` as the superuser; returns false on error.
  bool Execute(const std::string& database, const std::string& sql) const {
    PGconn* conn = PQconnectdb(Url(database).c_str());
    bool ok = PQstatus(conn) == CONNECTION_OK;
    if (ok) {
      PQsetNoticeProcessor(
          conn, [](void*, const char*) {}, nullptr);
      PGresult* r = PQexec(conn, sql.c_str());
      ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
      PQclear(r);
    }
    PQfinish(conn);
    return ok;
  }

  /// The first column of the first row `sql` returns on `database`, as text; "" on an error or
  /// no row.
  std::string QueryValue(const std::string& database, const std::string& sql) const {
    PGconn* conn = PQconnectdb(Url(database).c_str());
    std::string value;
    if (PQstatus(conn) == CONNECTION_OK) {
      PGresult* r = PQexec(conn, sql.c_str());
      if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0 && PQnfields(r) > 0)
        value = PQgetvalue(r, 0, 0);
      PQclear(r);
    }
    PQfinish(conn);
    return value;
  }

  /// Stops the server with `pg_ctl stop -m <mode>` and waits until it is down ("fast" ends the
  /// clients' sessions and shuts down cleanly, as a restart by an administrator does).
  bool Stop(const std::string& mode = "fast") {
    if (!started_) return true;
    if (std::system((run_as_ + bin_ + "/pg_ctl -D " + (dir_ / "data").string() + " -m " + mode +
                     " -w stop >/dev/null 2>&1")
                        .c_str()) != 0)
      return false;
    started_ = false;
    return true;
  }

  /// Kills the postmaster with SIGKILL, as the OOM killer or a crash would: no shutdown, its
  /// backends left to notice on their own. Start() recovers.
  bool Kill() {
    if (!started_) return false;
    const std::filesystem::path lock_file = dir_ / "data" / "postmaster.pid";
    pid_t pid = 0;
    std::ifstream(lock_file) >> pid;
    if (pid <= 0 || ::kill(pid, SIGKILL) != 0) return false;
    started_ = false;
    // Gone, or a zombie nobody reaps (an init that does not reap would leave one): PostgreSQL
    // takes a lock file whose process answers kill(pid, 0) for a running server, so then the
    // stale lock file goes.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
      std::string pid_text, command, state;
      if (!(stat >> pid_text >> command >> state)) return true;
      if (state == "Z") {
        std::filesystem::remove(lock_file);
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  /// Starts a stopped or killed server again, on the same port. After Kill() this retries for
  /// up to 30 s: the old backends hold the shared memory until they notice the postmaster is
  /// gone, and until then PostgreSQL refuses to start.
  bool Start() {
    if (started_) return true;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!StartServer()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    return true;
  }

  ~PostgresServer() {
    if (started_)
      std::system((run_as_ + bin_ + "/pg_ctl -D " + (dir_ / "data").string() +
                   " -m immediate stop >/dev/null 2>&1")
                      .c_str());
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

 private:
  void Create() {
    glob_t found{};
    if (glob("/usr/lib/postgresql/*/bin/initdb", 0, nullptr, &found) != 0 || found.gl_pathc == 0) {
      globfree(&found);
      skip_reason_ =
          "PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin; scripts/setup.sh "
          "installs postgresql)";
      return;
    }
    bin_ = std::filesystem::path(found.gl_pathv[found.gl_pathc - 1]).parent_path().string();
    globfree(&found);
    char pattern[] = "/tmp/hpo_pg_XXXXXX";
    if (!mkdtemp(pattern)) {
      skip_reason_ = "cannot create a temporary directory for PostgreSQL";
      return;
    }
    dir_ = pattern;
    std::ofstream(dir_ / "pw") << kPassword << "\n";
    if (geteuid() == 0) {
      const passwd* pg = getpwnam("postgres");
      if (!pg) {
        skip_reason_ = "running as root and there is no 'postgres' user to run initdb as";
        return;
      }
      for (const auto& p : {dir_, dir_ / "pw"}) (void)!chown(p.c_str(), pg->pw_uid, pg->pw_gid);
      run_as_ = "runuser -u postgres -- ";
    }
    port_ = FreePort();
    const std::string data = (dir_ / "data").string();
    const std::string initdb = run_as_ + bin_ + "/initdb -D " + data + " -U " + kUser +
                               " --auth=scram-sha-256 --pwfile=" + (dir_ / "pw").string() +
                               " -E UTF8 >" + (dir_ / "initdb.log").string() + " 2>&1";
    if (std::system(initdb.c_str()) != 0) {
      skip_reason_ = "initdb failed (see " + (dir_ / "initdb.log").string() + ")";
      return;
    }
    if (!StartServer())
      skip_reason_ = "pg_ctl start failed (see " + (dir_ / "server.log").string() + ")";
  }

  bool StartServer() {
    const std::string start = run_as_ + bin_ + "/pg_ctl -D " + (dir_ / "data").string() + " -l " +
                              (dir_ / "server.log").string() + " -w -o \"-p " +
                              std::to_string(port_) + " -k " + dir_.string() +
                              " -c listen_addresses=127.0.0.1 -c fsync=off -c "
                              "max_connections=200\" start >/dev/null 2>&1";
    started_ = std::system(start.c_str()) == 0;
    return started_;
  }

  void Admin(const std::string& sql) { Execute("postgres", sql); }

  std::string skip_reason_, bin_, run_as_;
  std::filesystem::path dir_;
  int port_ = 0;
  bool started_ = false;
};

}  // namespace hpo::testing_support
