#include "lib/report/sweep_results.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cstdio>
#include <set>
#include <stdexcept>

#include "lib/core/atomic_file.h"
#include "lib/core/error.h"
#include "lib/report/best_params.h"

namespace hpo::report {

int SweepResults::FinishedCount() const {
  int n = 0;
  for (const store::Trial& t : trials) {
    n += t.state == store::TrialState::kComplete || t.state == store::TrialState::kPruned;
  }
  return n;
}

void SweepResults::RequireFinished(const std::string& what) const {
  if (FinishedCount() > 0) return;
  throw UserError(
      fmt::format("sweep '{}' has no finished trial yet ({} in storage): nothing to {}; "
                  "run `hpo sweep` until at least one trial completes",
                  location.name, trials.size(), what));
}

SweepResults LoadSweepResults(const store::SweepLocation& location) {
  auto store = store::OpenStore(location.storage_url);
  return LoadSweepResults(location, *store);
}

SweepResults LoadSweepResults(const store::SweepLocation& location, store::Store& store) {
  SweepResults r;
  r.location = location;
  r.study = store.OpenStudy(location.name, "", "", false);
  r.info = ReadStudyInfo(r.study);
  r.trials = store.LoadTrials(r.study.id);
  try {
    r.config = config::ParseSweepConfig(
        r.study.config_yaml, "the stored config of sweep " + location.name, location.name);
  } catch (const std::exception& e) {  // e.g. a base_config that is gone
    r.config_error = e.what();         // reports still work from the trials alone
  }
  return r;
}

std::vector<store::Trial> RankForBestParams(SweepResults& r, const std::string& metric,
                                            const std::string& sort) {
  std::set<std::string> result_keys;
  if (!metric.empty() && metric != r.info.objectives.Shown()) {
    result_keys = RescoreFromRunDirs(r.trials, metric, r.info.seeds);
    r.info.objectives.metric = metric;
    r.info.objectives.label.clear();
  }
  if (!sort.empty()) r.info.objectives.maximize = sort == "desc";
  if (!metric.empty() || !sort.empty()) r.info.objectives.more.clear();  // one metric now
  std::vector<store::Trial> ranked =
      RankTrials(r.trials, r.info.objectives.maximize, r.info.objectives.more);
  if (ranked.empty() && !result_keys.empty()) {
    throw UserError(
        Origin{"--metric"},
        fmt::format("no complete trial of sweep '{}' has a {} (its results files have: {})",
                    r.location.name, r.info.objectives.Shown(), fmt::join(result_keys, ", ")));
  }
  if (ranked.empty()) {
    throw UserError(
        fmt::format("sweep '{}' has no complete trial with a {} yet ({} trials in storage)",
                    r.location.name, r.info.objectives.Shown(), r.trials.size()));
  }
  return ranked;
}

void WriteOutputFile(const std::filesystem::path& path, std::string_view contents) {
  if (path == "-") {
    std::fwrite(contents.data(), 1, contents.size(), stdout);
    return;
  }
  try {
    if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
    WriteFileAtomic(path, contents);
  } catch (const std::exception& e) {
    throw UserError(fmt::format("cannot write {}: {}", path.string(), e.what()));
  }
}

}  // namespace hpo::report
