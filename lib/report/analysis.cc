#include "lib/report/analysis.h"

#include "lib/core/error.h"
#include "lib/report/export.h"
#include "lib/report/html_report.h"
#include "lib/report/importance.h"

namespace hpo::report {

void WriteSweepAnalysis(const SweepResults& sweep) {
  if (sweep.FinishedCount() == 0) return;
  std::vector<ParameterImportance> importance;
  try {
    importance = SweepImportance(sweep);
  } catch (const UserError&) {
    // Too few complete trials: the report says so in that section.
  }
  WriteOutputFile(AnalysisReportPath(sweep), HtmlReport(sweep, importance, 10));
  WriteOutputFile(sweep.AnalysisDir() / "results.json",
                  ExportJson(sweep.study, sweep.info, sweep.trials));
}

}  // namespace hpo::report
