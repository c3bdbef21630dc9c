// hpo report [SWEEP] [--out FILE.html] [--format html|md]: the sweep at a glance, as one
// self-contained HTML page (default: train_dir/sweep/<name>/analysis/report.html) or as
// Markdown on stdout.
#include <fmt/format.h>

#include "apps/hpo/commands.h"
#include "apps/hpo/flag_checks.h"
#include "apps/hpo/sweep_args.h"
#include "lib/core/error.h"
#include "lib/report/html_report.h"
#include "lib/runner/pbt_member.h"

namespace hpo::cli {
namespace {

struct ReportOptions {
  SweepArgs sweep;
  std::string out;
  std::string format = "html";
  int top_n = 10;
};

int RunReport(const ReportOptions& options) {
  report::SweepResults r = report::LoadSweepResults(options.sweep.Locate());
  r.RequireFinished("report");
  r.population = runner::LoadPopulation(*store::OpenStore(r.location.storage_url), r.study.id);
  std::vector<report::ParameterImportance> importance;
  try {
    importance = report::SweepImportance(r);
  } catch (const UserError&) {
    // Too few complete trials (or no parsable config): the report says so in that section.
  }
  if (options.format == "md") {
    const std::string md = report::MarkdownReport(r, importance, options.top_n);
    report::WriteOutputFile(options.out.empty() ? "-" : options.out, md);
    if (!options.out.empty() && options.out != "-") fmt::print("wrote {}\n", options.out);
    return kExitOk;
  }
  const std::filesystem::path out =
      options.out.empty() ? r.AnalysisDir() / "report.html" : std::filesystem::path(options.out);
  report::WriteOutputFile(out, report::HtmlReport(r, importance, options.top_n));
  if (out != "-") fmt::print("wrote {} ({} trials)\n", out.string(), r.trials.size());
  return kExitOk;
}

}  // namespace

void RegisterReportCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ReportOptions>();
  CLI::App* cmd = app.add_subcommand(
      "report",
      "Write a sweep's HTML report (plots, importance, top trials) or a Markdown summary");
  options->sweep.AddTo(cmd);
  cmd->add_option("--out", options->out,
                  "Output file, - for stdout (default: html to "
                  "train_dir/sweep/<name>/analysis/report.html, md to stdout)");
  cmd->add_option("--format", options->format, "html or md")
      ->check(CLI::IsMember({"html", "md"}))
      ->capture_default_str();
  cmd->add_option("--top-n", options->top_n, "Rows in the top-trials table")
      ->check(AtLeastOne())
      ->capture_default_str();
  cmd->callback([options, &exit_code] { exit_code = RunReport(*options); });
}

}  // namespace hpo::cli
