// A throwaway PostgreSQL server for tests: initdb into a temporary directory (as the
// `postgres` user when running as root: initdb refuses root), listening on 127.0.0.1 at a free
// port with password authentication, fsync off. One per test process, stopped at exit.
// Where the server binaries are missing, ok() is false and skip_reason() says why.
#pragma once

#include <glob.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

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

  ~PostgresServer() {
    if (started_)
      std::system((run_as_ + bin_ + "/pg_ctl -D " + (dir_ / "data").string() +
                   " -m immediate stop >/dev/null 2>&1")
                      .c_str());
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

 private:
  PostgresServer() {
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
    const std::string data = (dir_ / "data").string(), log = (dir_ / "server.log").string();
    const std::string initdb = run_as_ + bin_ + "/initdb -D " + data + " -U " + kUser +
                               " --auth=scram-sha-256 --pwfile=" + (dir_ / "pw").string() +
                               " -E UTF8 >" + (dir_ / "initdb.log").string() + " 2>&1";
    if (std::system(initdb.c_str()) != 0) {
      skip_reason_ = "initdb failed (see " + (dir_ / "initdb.log").string() + ")";
      return;
    }
    const std::string start = run_as_ + bin_ + "/pg_ctl -D " + data + " -l " + log +
                              " -w -o \"-p " + std::to_string(port_) + " -k " + dir_.string() +
                              " -c listen_addresses=127.0.0.1 -c fsync=off -c "
                              "max_connections=200\" start >/dev/null 2>&1";
    if (std::system(start.c_str()) != 0) {
      skip_reason_ = "pg_ctl start failed (see " + log + ")";
      return;
    }
    started_ = true;
  }

  void Admin(const std::string& sql) { Execute("postgres", sql); }

  std::string skip_reason_, bin_, run_as_;
  std::filesystem::path dir_;
  int port_ = 0;
  bool started_ = false;
};

}  // namespace hpo::testing_support
