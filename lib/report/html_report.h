// hpo report: one self-contained HTML page (inline SVG and CSS, no script, nothing fetched)
// with the optimisation history, intermediate curves, parameter importance, parallel
// coordinates, slice plots, cost against score with the Pareto front, and the top trials;
// and the same summary as Markdown for a terminal.
#pragma once

#include <string>
#include <vector>

#include "lib/report/importance.h"
#include "lib/report/sweep_results.h"

namespace hpo::report {

/// `importance` may be empty (too few complete trials): the section says so.
std::string HtmlReport(const SweepResults& sweep,
                       const std::vector<ParameterImportance>& importance, int top_n);

std::string MarkdownReport(const SweepResults& sweep,
                           const std::vector<ParameterImportance>& importance, int top_n);

}  // namespace hpo::report
