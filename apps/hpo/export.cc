// hpo export [SWEEP] --format json|csv|optuna-journal [--out FILE]: a sweep's results for other
// tools (pandas, Optuna's JournalStorage and optuna-dashboard, anything that reads JSON).
#include "lib/report/export.h"

#include <fmt/format.h>

#include "apps/hpo/commands.h"
#include "apps/hpo/sweep_args.h"
#include "lib/report/optuna_journal.h"
#include "lib/report/sweep_results.h"

namespace hpo::cli {
namespace {

struct ExportOptions {
  SweepArgs sweep;
  std::string format = "json";
  std::string out;
};

int RunExport(const ExportOptions& options) {
  const report::SweepResults r = report::LoadSweepResults(options.sweep.Locate());
  r.RequireFinished("export");
  std::string text, file_name;
  if (options.format == "json") {
    text = report::ExportJson(r.study, r.info, r.trials);
    file_name = r.location.name + "_results.json";
  } else if (options.format == "csv") {
    text = report::ExportCsv(r.trials, r.info);
    file_name = r.location.name + "_results.csv";
  } else {
    text = report::ExportOptunaJournal(
        r.study, r.info, r.trials,
        r.config ? r.config->parameters : std::vector<config::ParameterSpec>{});
    file_name = r.location.name + ".optuna.jsonl";
  }
  const std::filesystem::path out =
      options.out.empty() ? r.AnalysisDir() / file_name : std::filesystem::path(options.out);
  report::WriteOutputFile(out, text);
  if (out != "-") {
    fmt::print("wrote {} trials of sweep {} to {}\n", r.trials.size(), r.location.name,
               out.string());
    if (options.format == "optuna-journal") {
      fmt::print(
          "load it with: optuna.load_study(study_name=\"{}\", "
          "storage=optuna.storages.JournalStorage("
          "optuna.storages.JournalFileStorage(\"{}\")))\n",
          r.location.name, out.string());
    }
  }
  return kExitOk;
}

}  // namespace

void RegisterExportCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ExportOptions>();
  CLI::App* cmd =
      app.add_subcommand("export", "Export a sweep's trials as JSON, CSV or an Optuna journal");
  options->sweep.AddTo(cmd);
  cmd->add_option("--format", options->format,
                  "json (complete results), csv (one row per trial) or optuna-journal")
      ->check(CLI::IsMember({"json", "csv", "optuna-journal"}))
      ->capture_default_str();
  cmd->add_option(
      "--out", options->out,
      "Output file, - for stdout (default: train_dir/sweep/<name>/analysis/<name>_results.json, "
      "_results.csv or .optuna.jsonl)");
  cmd->callback([options, &exit_code] { exit_code = RunExport(*options); });
}

}  // namespace hpo::cli
