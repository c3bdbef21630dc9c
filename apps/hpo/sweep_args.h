// The SWEEP positional and --storage option shared by every command that reads a sweep.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "lib/store/sweep_location.h"

namespace hpo::cli {

struct SweepArgs {
  std::optional<std::string> sweep;
  std::string storage;

  void AddTo(CLI::App* cmd) {
    cmd->add_option(
        "sweep", sweep,
        "Sweep name under train_dir/sweep/, or a sweep directory (default: the most recent)");
    cmd->add_option("--storage", storage, "Storage URL (default: the sweep's study.db)");
  }
  store::SweepLocation Locate() const { return store::FindSweep(sweep, storage); }
};

}  // namespace hpo::cli
