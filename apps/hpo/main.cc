// hpo: hyperparameter optimisation for reinforcement-learning training.
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdlib>
#include <exception>
#include <string_view>
#include <system_error>

#include "apps/hpo/commands.h"
#include "lib/core/error.h"
#include "lib/trainer/blas.h"

namespace {

// The commands that train or evaluate networks: they rerun with OpenBLAS's fast kernels where it
// picked slow ones (lib/trainer/blas.h); the others do no BLAS work and skip the ~0.4 s restart.
bool RunsNetworks(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    for (const char* command : {"train", "eval", "pbt-replay"}) {
      if (std::string_view(argv[i]) == command) return true;
    }
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  if (RunsNetworks(argc, argv)) hpo::trainer::RerunWithFastBlasKernels(argv);
  CLI::App app{"hpo: hyperparameter optimisation for reinforcement-learning training"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "hpo 0.1.0");

  // --train-dir before or after the command: where sweeps live (as HPO_TRAIN_DIR, which it
  // sets, so trials see the same). Option callbacks run before any command's.
  app.fallthrough();
  app.add_option("--train-dir",
                 "Where sweeps and runs go (default: $HPO_TRAIN_DIR, else ./train_dir)")
      ->each([](const std::string& dir) { setenv("HPO_TRAIN_DIR", dir.c_str(), 1); });
  int exit_code = hpo::kExitOk;
  hpo::cli::RegisterSweepCommand(app, exit_code);
  hpo::cli::RegisterBestParamsCommand(app, exit_code);
  hpo::cli::RegisterStatusCommand(app, exit_code);
  hpo::cli::RegisterExportCommand(app, exit_code);
  hpo::cli::RegisterImportanceCommand(app, exit_code);
  hpo::cli::RegisterReportCommand(app, exit_code);
  hpo::cli::RegisterValidateCommand(app, exit_code);
  hpo::cli::RegisterPbtReplayCommand(app, exit_code);
  hpo::cli::RegisterEnqueueCommand(app, exit_code);
  hpo::cli::RegisterLaunchCommand(app, exit_code);
  hpo::cli::RegisterConvertCommand(app, exit_code);
  hpo::cli::RegisterTrainCommand(app, exit_code);
  hpo::cli::RegisterEvalCommand(app, exit_code);
  hpo::cli::RegisterEnvEvalCommand(app, exit_code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version are "errors" with code 0; every real parse error is the user's,
    // reported on one line like every other user error.
    if (e.get_exit_code() == 0) return app.exit(e);
    fmt::print(stderr, "hpo: error: {} (see hpo --help)\n", hpo::OneLine(e.what()));
    return hpo::kExitUserError;
  } catch (const hpo::UserError& e) {
    fmt::print(stderr, "hpo: error: {}\n", hpo::OneLine(e.what()));
    return hpo::kExitUserError;
  } catch (const hpo::EnvironmentError& e) {
    fmt::print(stderr, "hpo: error: {}\n", hpo::OneLine(e.what()));
    return hpo::kExitFailure;
  } catch (const std::system_error& e) {
    // std::filesystem's own failures: a full disk is the machine's fault, not a bug.
    const bool environment = e.code().category() == std::generic_category() ||
                             e.code().category() == std::system_category();
    if (environment && hpo::IsEnvironmentErrno(e.code().value())) {
      const bool full = e.code().value() == ENOSPC;
      fmt::print(stderr, "hpo: error: {}{}\n", full ? "no space left on device: " : "",
                 hpo::OneLine(e.what()));
      return hpo::kExitFailure;
    }
    fmt::print(stderr, "hpo: internal error: {}\n", hpo::OneLine(e.what()));
    return hpo::kExitFailure;
  } catch (const std::exception& e) {
    fmt::print(stderr, "hpo: internal error: {}\n", hpo::OneLine(e.what()));
    return hpo::kExitFailure;
  }
  return exit_code;
}
