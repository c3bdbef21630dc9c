// One Register function per subcommand (one file each); main.cc only wires them.
// A command's callback stores its exit code in `exit_code`; user errors are thrown as
// hpo::UserError and turned into exit code 2 by main.
#pragma once

#include <CLI/CLI.hpp>

namespace hpo::cli {

void RegisterEnvEvalCommand(CLI::App& app, int& exit_code);
void RegisterTrainCommand(CLI::App& app, int& exit_code);
void RegisterEvalCommand(CLI::App& app, int& exit_code);
void RegisterSweepCommand(CLI::App& app, int& exit_code);
void RegisterStatusCommand(CLI::App& app, int& exit_code);
void RegisterBestParamsCommand(CLI::App& app, int& exit_code);
void RegisterExportCommand(CLI::App& app, int& exit_code);
void RegisterImportanceCommand(CLI::App& app, int& exit_code);
void RegisterReportCommand(CLI::App& app, int& exit_code);
void RegisterValidateCommand(CLI::App& app, int& exit_code);
void RegisterConvertCommand(CLI::App& app, int& exit_code);
void RegisterEnqueueCommand(CLI::App& app, int& exit_code);
void RegisterLaunchCommand(CLI::App& app, int& exit_code);
void RegisterPbtReplayCommand(CLI::App& app, int& exit_code);

}  // namespace hpo::cli
