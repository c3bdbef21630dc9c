// The part of a report that only a population-based training sweep has: the lineage (each
// member's steps, with an edge where it copied a leader's checkpoint) and the best member's
// hyperparameter schedule, as HTML (inline SVG) and as Markdown.
#pragma once

#include <string>
#include <vector>

#include "lib/pbt/member.h"

namespace hpo::report {

/// The HTML section (an <h2> and what follows it); "" when `members` is empty (not PBT).
std::string PopulationHtml(const std::vector<pbt::Member>& members, const std::string& metric,
                           bool maximize);

/// The same as Markdown: the exploits in step order and the best member's schedule.
std::string PopulationMarkdown(const std::vector<pbt::Member>& members, const std::string& metric,
                               bool maximize);

}  // namespace hpo::report
