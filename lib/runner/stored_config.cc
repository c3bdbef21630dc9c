#include "lib/runner/stored_config.h"

#include <fmt/format.h>

#include <vector>

#include "lib/core/atomic_file.h"
#include "lib/core/error.h"

namespace hpo::runner {

std::string ReconcileStoredConfig(store::Store& store, const store::Study& study,
                                  const config::SweepConfig& c,
                                  const std::filesystem::path& sweep_dir, bool accept_changes) {
  const std::string now_yaml = c.ToYaml();
  std::string accepted;
  if (study.config_yaml != now_yaml) {
    std::vector<std::string> changes;
    try {
      changes = config::StudyChanges(
          config::ParseSweepConfig(study.config_yaml, "the stored config", c.name), c);
    } catch (const UserError& e) {  // written by an older hpo: cannot tell what changed
      changes.push_back(fmt::format("the stored config no longer loads ({})", e.what()));
    }
    const std::string listed = fmt::format("{}", fmt::join(changes, "; "));
    if (!changes.empty() && !accept_changes) {
      throw UserError(fmt::format(
          "sweep '{}' was started with another config: {}. Run it as a new study with --name, "
          "or continue this one with --accept-changes",
          c.name, listed));
    }
    if (!changes.empty()) accepted = listed;
    store.UpdateStudyConfig(study.id, now_yaml, accepted);
  }
  if (study.objectives != c.objectives) store.RecordObjectives(study.id, c.objectives);
  WriteFileAtomic(sweep_dir / "config.yaml", now_yaml);
  return accepted;
}

}  // namespace hpo::runner
