#include "lib/core/error.h"

#include <fmt/format.h>

#include <cerrno>

namespace hpo {

std::string OneLine(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string Echo(std::string_view text) {
  constexpr size_t kMax = 80;
  std::string line = OneLine(text);
  if (line.size() <= kMax) return line;
  size_t cut = kMax - 3;
  while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80)
    --cut;  // not inside a UTF-8 character
  return line.substr(0, cut) + "...";
}

bool IsEnvironmentErrno(int error) {
  return error == ENOSPC || error == EDQUOT || error == EIO || error == EROFS;
}

}  // namespace hpo
