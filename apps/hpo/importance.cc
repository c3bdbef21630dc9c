// hpo importance [SWEEP]: which hyperparameters mattered, as a ranked table and as
// analysis/hyperparameter_importance.yaml (the seeds' analysis file).
#include "lib/report/importance.h"

#include <fmt/format.h>

#include "apps/hpo/commands.h"
#include "apps/hpo/sweep_args.h"

namespace hpo::cli {
namespace {

struct ImportanceOptions {
  SweepArgs sweep;
  std::string out;
};

int RunImportance(const ImportanceOptions& options) {
  const report::SweepResults r = report::LoadSweepResults(options.sweep.Locate());
  r.RequireFinished("analyse");
  const std::vector<report::ParameterImportance> ranking = report::SweepImportance(r);
  fmt::print(
      "Parameter importance for {} (fANOVA as Optuna's; +/- its standard deviation over {} "
      "forests):\n",
      r.info.objectives.Shown(), report::kForests);
  for (const report::ParameterImportance& p : ranking) {
    const int bar = static_cast<int>(std::lround(p.importance * 40));
    fmt::print("  {:<28} {:6.1f}% +/- {:4.1f}  {}\n", p.parameter, 100 * p.importance,
               100 * p.spread, std::string(static_cast<size_t>(bar), '#'));
  }
  const std::filesystem::path out = options.out.empty()
                                        ? r.AnalysisDir() / "hyperparameter_importance.yaml"
                                        : std::filesystem::path(options.out);
  report::WriteOutputFile(out, report::ImportanceYaml(r, ranking));
  if (out != "-") fmt::print("wrote {}\n", out.string());
  return kExitOk;
}

}  // namespace

void RegisterImportanceCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ImportanceOptions>();
  CLI::App* cmd = app.add_subcommand(
      "importance", "Rank a sweep's hyperparameters by how much they explain the score");
  options->sweep.AddTo(cmd);
  cmd->add_option("--out", options->out,
                  "Output YAML, - for stdout (default: "
                  "train_dir/sweep/<name>/analysis/hyperparameter_importance.yaml)");
  cmd->callback([options, &exit_code] { exit_code = RunImportance(*options); });
}

}  // namespace hpo::cli
