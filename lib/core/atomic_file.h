// Files that matter are written to a temporary name in the same folder and renamed into
// place, so a crash or a kill never leaves a torn file behind.
#pragma once

#include <filesystem>
#include <string_view>

namespace hpo {

/// Writes `contents` to `path` atomically (temp file + fsync + rename). Throws
/// std::runtime_error naming the path on failure.
void WriteFileAtomic(const std::filesystem::path& path, std::string_view contents);

/// Reads a whole file. Throws UserError naming the path if it cannot be read.
std::string ReadFile(const std::filesystem::path& path);

}  // namespace hpo
