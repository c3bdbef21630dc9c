#include "lib/store/sweep_location.h"

#include <cstdlib>
#include <string_view>

#include "lib/core/error.h"
#include "lib/store/storage_url.h"
#include "lib/store/store.h"

namespace hpo::store {

std::filesystem::path TrainDir() {
  const char* env = std::getenv("HPO_TRAIN_DIR");
  return env && *env ? std::filesystem::path(env) : std::filesystem::path("train_dir");
}

void UseSweepFileTrainDir(const std::string& file_train_dir) {
  const char* env = std::getenv("HPO_TRAIN_DIR");
  if (!file_train_dir.empty() && !(env && *env)) setenv("HPO_TRAIN_DIR", file_train_dir.c_str(), 1);
}

void ValidateSweepName(const std::string& name, const std::string& origin) {
  auto fail = [&](const std::string& why) {
    throw UserError(Origin{origin}, "invalid sweep name '" + name + "': " + why);
  };
  if (name.empty()) fail("it is empty");
  if (name == "." || name == "..") fail("it names a directory, not a sweep");
  if (name.find('/') != std::string::npos) fail("it contains '/'");
  if (name.find("..") != std::string::npos) fail("it contains '..'");
  for (char c : name) {
    if (static_cast<unsigned char>(c) < 0x20) fail("it contains a control character");
  }
}

SweepLocation LocateSweep(const std::string& name, const std::string& storage_url) {
  SweepLocation location;
  location.name = name;
  location.dir = TrainDir() / "sweep" / name;
  location.storage_url =
      storage_url.empty() ? "sqlite:///" + (location.dir / "study.db").string() : storage_url;
  return location;
}

SweepLocation FindSweep(const std::optional<std::string>& given, const std::string& storage_url) {
  // Metta's tools name a sweep Hydra's way, `sweep_run=NAME` (the seed's sweep_best_params.py)
  std::optional<std::string> sweep = given;
  constexpr std::string_view kMettaKey = "sweep_run=";
  if (sweep && sweep->starts_with(kMettaKey)) sweep = sweep->substr(kMettaKey.size());
  if (sweep) {
    const std::filesystem::path as_path(*sweep);
    if (sweep->find('/') != std::string::npos || std::filesystem::exists(as_path / "study.db")) {
      // A sweep directory given by path.
      if (!std::filesystem::is_directory(as_path)) throw UserError("no sweep directory " + *sweep);
      SweepLocation location;
      location.name = std::filesystem::weakly_canonical(as_path).filename().string();
      location.dir = as_path;
      location.storage_url =
          storage_url.empty() ? "sqlite:///" + (as_path / "study.db").string() : storage_url;
      return location;
    }
    ValidateSweepName(*sweep, "SWEEP");
    SweepLocation location = LocateSweep(*sweep, storage_url);
    if (storage_url.empty() && !std::filesystem::exists(location.dir / "study.db")) {
      throw UserError("no sweep named '" + *sweep + "' in " + (TrainDir() / "sweep").string());
    }
    return location;
  }
  if (!storage_url.empty()) {
    // A shared database: its newest study.
    const std::vector<Study> studies = OpenStore(storage_url)->ListStudies();
    if (studies.empty()) throw UserError("no sweep in storage " + MaskPassword(storage_url));
    return LocateSweep(studies.back().name, storage_url);
  }
  // The most recent sweep: the one whose study.db changed last.
  const std::filesystem::path root = TrainDir() / "sweep";
  std::optional<std::filesystem::path> newest;
  std::filesystem::file_time_type newest_time;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(root, ec)) {
    const auto db = entry.path() / "study.db";
    if (!std::filesystem::exists(db)) continue;
    const auto t = std::filesystem::last_write_time(db);
    if (!newest || t > newest_time) newest = entry.path(), newest_time = t;
  }
  if (!newest) {
    throw UserError("no sweeps in " + root.string() +
                    " (run 'hpo sweep CONFIG' first, or name one)");
  }
  return LocateSweep(newest->filename().string(), storage_url);
}

}  // namespace hpo::store
