// A sweep's analysis folder, written by `hpo sweep` itself as trials finish: the HTML report
// and the results as JSON, so both can be opened while the sweep runs.
#pragma once

#include <filesystem>

#include "lib/report/sweep_results.h"

namespace hpo::report {

/// Writes analysis/report.html (with parameter importance once there are enough trials) and
/// analysis/results.json (the format of `hpo export --format json`), each atomically, so a
/// reader never sees half a file. Nothing when no trial has finished.
void WriteSweepAnalysis(const SweepResults& sweep);

/// Where WriteSweepAnalysis puts the report (results.json is beside it).
inline std::filesystem::path AnalysisReportPath(const SweepResults& sweep) {
  return sweep.AnalysisDir() / "report.html";
}

}  // namespace hpo::report
