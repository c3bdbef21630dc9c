// Where a sweep lives: train_dir/sweep/<name>/ with config.yaml, study.db and runs/.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace hpo::store {

struct SweepLocation {
  std::string name;           ///< the study name
  std::filesystem::path dir;  ///< train_dir/sweep/<name> (may not exist for remote stores)
  std::string storage_url;    ///< where the study is stored
};

/// train_dir: $HPO_TRAIN_DIR if set, else ./train_dir.
std::filesystem::path TrainDir();

/// A sweep file's `train_dir:` becomes train_dir when neither --train-dir nor $HPO_TRAIN_DIR
/// says where (both set $HPO_TRAIN_DIR); empty changes nothing.
void UseSweepFileTrainDir(const std::string& file_train_dir);

/// Checks a sweep name: non-empty, no '/', not '.' or '..', no control characters. Throws
/// UserError naming the value and where it came from.
void ValidateSweepName(const std::string& name, const std::string& origin);

/// The location of sweep `name` in train_dir, with `storage_url` (empty: its study.db).
SweepLocation LocateSweep(const std::string& name, const std::string& storage_url);

/// Resolves what a user typed where a command takes SWEEP: a sweep name under
/// train_dir/sweep/ (also as Metta writes it, sweep_run=NAME), a sweep directory path, or
/// nothing (the most recently modified sweep).
/// Throws UserError when there is no such sweep.
SweepLocation FindSweep(const std::optional<std::string>& sweep, const std::string& storage_url);

}  // namespace hpo::store
