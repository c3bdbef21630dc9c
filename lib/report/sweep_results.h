// What every read-only command (status, best-params, export, report, importance, validate)
// starts from: a sweep's study, its trials and its config, read from storage; and writing a file
// the user asked for.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/config/sweep_config.h"
#include "lib/pbt/member.h"
#include "lib/report/study_info.h"
#include "lib/store/store.h"
#include "lib/store/sweep_location.h"

namespace hpo::report {

struct SweepResults {
  store::SweepLocation location;
  store::Study study;
  StudyInfo info;
  std::vector<store::Trial> trials;
  /// The config the study was created with, parsed again (nullopt if it no longer parses,
  /// e.g. written by another version: the trials are still readable).
  std::optional<config::SweepConfig> config;
  /// Why `config` is nullopt, for a command that warns about it.
  std::string config_error;
  /// A population-based training sweep's members (runner::LoadPopulation); empty otherwise.
  std::vector<pbt::Member> population;

  /// COMPLETE or PRUNED trials.
  int FinishedCount() const;
  /// Throws a friendly UserError when no trial has finished: there is nothing to `what` yet.
  void RequireFinished(const std::string& what) const;
  /// train_dir/sweep/<name>/analysis: where reports and exports go by default.
  std::filesystem::path AnalysisDir() const { return location.dir / "analysis"; }
};

SweepResults LoadSweepResults(const store::SweepLocation& location);
/// The same from a store the command keeps open (to read the study's workers or population).
SweepResults LoadSweepResults(const store::SweepLocation& location, store::Store& store);

/// The trials ranked as `hpo best-params` ranks them: by the study's objectives; or, with
/// `metric` (a name or an expression over the results files, RescoreFromRunDirs) or `sort`
/// ("asc" or "desc"), by that one metric in that direction, and `r.info` says so. A UserError
/// when no trial ranks: naming the results files' keys when `metric` is none of them.
std::vector<store::Trial> RankForBestParams(SweepResults& r, const std::string& metric,
                                            const std::string& sort);

/// Writes a file the user asked for (creating its folder), atomically; "-" writes to stdout.
/// A path that cannot be written is a UserError naming it.
void WriteOutputFile(const std::filesystem::path& path, std::string_view contents);

}  // namespace hpo::report
