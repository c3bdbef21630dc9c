#include "lib/store/storage_url.h"

#include <libpq-fe.h>

#include <utility>

#include "lib/core/error.h"

namespace hpo::store {
namespace {

bool IsPostgres(const std::string& url) {
  return url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
}

// Where the password sits in scheme://user:password@host...: [begin, end), or begin == end.
std::pair<size_t, size_t> PasswordSpan(const std::string& url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos) return {0, 0};
  const size_t start = scheme + 3;
  const size_t at = url.find('@', start);
  const size_t slash = url.find('/', start);
  if (at == std::string::npos || (slash != std::string::npos && slash < at)) return {0, 0};
  const size_t colon = url.find(':', start);
  if (colon == std::string::npos || colon > at) return {0, 0};
  return {colon + 1, at};
}

}  // namespace

std::string MaskPassword(const std::string& url) {
  const auto [begin, end] = PasswordSpan(url);
  return begin == end ? url : url.substr(0, begin) + "***" + url.substr(end);
}

std::string WithoutPassword(const std::string& url) {
  const auto [begin, end] = PasswordSpan(url);
  return begin == end ? url : url.substr(0, begin - 1) + url.substr(end);  // drops ":password"
}

std::string PasswordOf(const std::string& url) {
  if (!IsPostgres(url)) return "";
  PQconninfoOption* options = PQconninfoParse(url.c_str(), nullptr);
  std::string password;
  for (PQconninfoOption* o = options; o && o->keyword; ++o) {
    if (std::string(o->keyword) == "password" && o->val) password = o->val;
  }
  PQconninfoFree(options);
  return password;
}

std::string HidePassword(std::string text, const std::string& url) {
  const auto [begin, end] = PasswordSpan(url);
  const std::string password = url.substr(begin, end - begin);
  if (password.empty()) return text;
  for (size_t at = text.find(password); at != std::string::npos; at = text.find(password, at + 3)) {
    text.replace(at, password.size(), "***");
  }
  return text;
}

StorageUrl ParseStorageUrl(const std::string& url) {
  StorageUrl parsed;
  if (IsPostgres(url)) {
    char* error = nullptr;
    PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
    if (!options) {
      std::string message = error ? error : "out of memory";
      PQfreemem(error);
      while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
        message.pop_back();
      throw UserError("malformed storage URL '" + MaskPassword(url) +
                      "': " + HidePassword(message, url));
    }
    PQconninfoFree(options);
    parsed.kind = StorageUrl::Kind::kPostgres;
    parsed.url = url;
    return parsed;
  }
  const std::string kSqlite = "sqlite:///";
  if (url.rfind(kSqlite, 0) == 0) {
    parsed.path = url.substr(kSqlite.size());  // sqlite:////abs is absolute, sqlite:///rel relative
  } else if (url.find("://") != std::string::npos) {
    throw UserError(
        "unsupported storage URL '" + MaskPassword(url) +
        "' (use a file path, sqlite:///path or postgresql://user:password@host:port/database)");
  } else {
    parsed.path = url;
  }
  if (parsed.path.empty()) throw UserError("storage URL '" + url + "' names no file");
  return parsed;
}

}  // namespace hpo::store
