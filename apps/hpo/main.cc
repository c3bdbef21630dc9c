// hpo: hyperparameter optimisation for reinforcement-learning training.
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
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

// Every command, in the order --help lists them.
constexpr void (*kCommands[])(CLI::App&, int&) = {
    hpo::cli::RegisterSweepCommand,      hpo::cli::RegisterBestParamsCommand,
    hpo::cli::RegisterStatusCommand,     hpo::cli::RegisterExportCommand,
    hpo::cli::RegisterImportanceCommand, hpo::cli::RegisterReportCommand,
    hpo::cli::RegisterValidateCommand,   hpo::cli::RegisterPbtReplayCommand,
    hpo::cli::RegisterEnqueueCommand,    hpo::cli::RegisterLaunchCommand,
    hpo::cli::RegisterConvertCommand,    hpo::cli::RegisterTrainCommand,
    hpo::cli::RegisterEvalCommand,       hpo::cli::RegisterEnvEvalCommand,
};

// The app, its global options and its commands; each command's callback sets exit_code.
void BuildApp(CLI::App& app, int& exit_code) {
  app.require_subcommand(1);
  app.set_version_flag("--version", "hpo 0.1.0");
  // --train-dir before or after the command: where sweeps live (as HPO_TRAIN_DIR, which it
  // sets, so trials see the same). Option callbacks run before any command's.
  app.fallthrough();
  app.add_option("--train-dir",
                 "Where sweeps and runs go (default: $HPO_TRAIN_DIR, else ./train_dir)")
      ->each([](const std::string& dir) { setenv("HPO_TRAIN_DIR", dir.c_str(), 1); });
  for (const auto add_command : kCommands) add_command(app, exit_code);
}

// A failure of std::filesystem: a full disk or a missing permission is the machine's fault
// (exit 1), anything else a bug.
int ReportSystemError(const std::system_error& e) {
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
}

// Parses and runs the command; every error is one line on stderr and an exit code.
int ParseAndRun(CLI::App& app, int argc, char** argv, const int& exit_code) {
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
    return ReportSystemError(e);
  } catch (const std::exception& e) {
    fmt::print(stderr, "hpo: internal error: {}\n", hpo::OneLine(e.what()));
    return hpo::kExitFailure;
  }
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    if (RunsNetworks(argc, argv)) hpo::trainer::RerunWithFastBlasKernels(argv);
    CLI::App app{"hpo: hyperparameter optimisation for reinforcement-learning training"};
    int exit_code = hpo::kExitOk;
    BuildApp(app, exit_code);
    return ParseAndRun(app, argc, argv, exit_code);
  } catch (const std::exception& e) {  // building the command table, or the BLAS rerun: a bug
    std::fprintf(stderr, "hpo: internal error: %s\n", e.what());
    return hpo::kExitFailure;
  } catch (...) {
    std::fputs("hpo: internal error: an exception of unknown type\n", stderr);
    return hpo::kExitFailure;
  }
}
