// hpo env-eval: placeholder until its issue lands (see issues); replaced, not extended.
#include <fmt/core.h>

#include "apps/hpo/commands.h"
#include "lib/core/error.h"

namespace hpo::cli {

void RegisterEnvEvalCommand(CLI::App& app, int& exit_code) {
  CLI::App* cmd = app.add_subcommand("env-eval", "Run a fixed policy (random or heuristic) in an env and report returns");
  cmd->allow_extras();
  cmd->callback([&exit_code] {
    fmt::print(stderr, "hpo: 'env-eval' is not implemented yet\n");
    exit_code = kExitFailure;
  });
}

}  // namespace hpo::cli
