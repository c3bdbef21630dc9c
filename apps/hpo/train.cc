// hpo train: placeholder until its issue lands (see issues); replaced, not extended.
#include <fmt/core.h>

#include "apps/hpo/commands.h"
#include "lib/core/error.h"

namespace hpo::cli {

void RegisterTrainCommand(CLI::App& app, int& exit_code) {
  CLI::App* cmd = app.add_subcommand("train", "Train a PPO agent");
  cmd->allow_extras();
  cmd->callback([&exit_code] {
    fmt::print(stderr, "hpo: 'train' is not implemented yet\n");
    exit_code = kExitFailure;
  });
}

}  // namespace hpo::cli
