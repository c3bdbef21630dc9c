#include "lib/core/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "lib/core/error.h"

namespace hpo {
namespace {

// A full disk is the machine's fault, said so (EnvironmentError: exit 1, one line naming the
// path); anything else is unexpected here.
[[noreturn]] void Fail(const std::string& what, const std::filesystem::path& path,
                       int error = errno) {
  if (error == ENOSPC)
    throw EnvironmentError("no space left on device: " + what + " " + path.string());
  const std::string message = what + " " + path.string() + ": " + std::strerror(error);
  if (IsEnvironmentErrno(error)) throw EnvironmentError(message);
  throw std::runtime_error(message);
}

// A device or a pipe the user named as the output (`--out /dev/null`): written to as it is.
// Renaming a temporary file onto it would replace it, and as root that deletes /dev/null itself.
void WriteInPlace(const std::filesystem::path& path, std::string_view contents) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) Fail("cannot open", path);
  for (size_t written = 0; written < contents.size();) {
    const ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      ::close(fd);
      Fail("cannot write", path, error);
    }
    written += static_cast<size_t>(n);
  }
  ::close(fd);
}

}  // namespace

void WriteFileAtomic(const std::filesystem::path& path, std::string_view contents, Flush flush) {
  std::error_code ec;
  const std::filesystem::file_status status = std::filesystem::status(path, ec);
  if (!ec && std::filesystem::exists(status) && !std::filesystem::is_regular_file(status) &&
      !std::filesystem::is_directory(status))
    return WriteInPlace(path, contents);
  // Unique per process so concurrent writers of one path never share a temp file.
  std::filesystem::path tmp = path;
  tmp += ".tmp." + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) Fail("cannot create", tmp);
  size_t written = 0;
  while (written < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int error = errno;  // close and unlink must not hide why the write failed
      ::close(fd);
      ::unlink(tmp.c_str());
      Fail("cannot write", tmp, error);
    }
    written += static_cast<size_t>(n);
  }
  int error = flush == Flush::kToDisk && ::fsync(fd) != 0 ? errno : 0;
  if (::close(fd) != 0 && error == 0) error = errno;  // closed either way: no descriptor leaks
  if (error != 0) {
    ::unlink(tmp.c_str());
    Fail("cannot flush", tmp, error);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    error = errno;
    ::unlink(tmp.c_str());
    Fail("cannot rename into", path, error);
  }
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UserError("cannot read " + path.string() + ": " + std::strerror(errno));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace hpo
