// Storage URLs: which database a study lives in.
//   path/to/study.db, sqlite:///relative/path.db, sqlite:////absolute/path.db (SQLAlchemy's rule)
//   postgresql://user:password@host:port/database (also postgres://; libpq's URI syntax, so
//   ?sslmode=... and the PGPASSWORD / ~/.pgpass fallbacks work as in psql)
#pragma once

#include <string>

namespace hpo::store {

struct StorageUrl {
  enum class Kind { kSqlite, kPostgres } kind = Kind::kSqlite;
  std::string path;  ///< kSqlite: the database file
  std::string url;   ///< kPostgres: the URI as given
};

/// Throws UserError (password masked) for an unknown scheme, an empty path, or a PostgreSQL
/// URI libpq cannot parse.
StorageUrl ParseStorageUrl(const std::string& url);

/// The URL with any password replaced by "***", for every message, log and file.
std::string MaskPassword(const std::string& url);

/// The URL without its password ("postgresql://user@host/db"), for a file others can read; the
/// password then comes from PGPASSWORD or ~/.pgpass (libpq's fallbacks).
std::string WithoutPassword(const std::string& url);

/// The password a PostgreSQL URL holds, decoded as libpq reads it ("" when none).
std::string PasswordOf(const std::string& url);

/// `text` (a database's error message) with every occurrence of `url`'s password replaced by
/// "***": libpq echoes the URI in some of its messages.
std::string HidePassword(std::string text, const std::string& url);

}  // namespace hpo::store
