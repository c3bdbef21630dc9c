// Files that matter are written to a temporary name in the same folder and renamed into
// place, so a crash or a kill never leaves a torn file behind.
#pragma once

#include <filesystem>
#include <string_view>

namespace hpo {

/// Whether a write must survive a machine crash, or only never be seen torn.
enum class Flush {
  kToDisk,  ///< fsync before the rename: results, patches, configs
  kNo,      ///< rename only: files that a crash makes moot (a trial's inputs: the trial dies too)
};

/// Writes `contents` to `path` atomically (temp file, fsync unless Flush::kNo, rename). Throws
/// std::runtime_error naming the path on failure.
void WriteFileAtomic(const std::filesystem::path& path, std::string_view contents,
                     Flush flush = Flush::kToDisk);

/// Reads a whole file. Throws UserError naming the path if it cannot be read.
std::string ReadFile(const std::filesystem::path& path);

}  // namespace hpo
