#include "lib/report/sweep_results.h"

#include <fmt/format.h>

#include <cstdio>
#include <stdexcept>

#include "lib/core/atomic_file.h"
#include "lib/core/error.h"

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
  SweepResults r{location, store->OpenStudy(location.name, "", "", false), {}, {}, std::nullopt,
                 {}};
  r.info = ReadStudyInfo(r.study);
  r.trials = store->LoadTrials(r.study.id);
  try {
    r.config = config::ParseSweepConfig(
        r.study.config_yaml, "the stored config of sweep " + location.name, location.name);
  } catch (const UserError&) {
    // Reports still work from the trials alone.
  }
  return r;
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
