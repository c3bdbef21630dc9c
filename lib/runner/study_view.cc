#include "lib/runner/study_view.h"

#include <algorithm>

namespace hpo::runner {

const std::vector<store::Trial>& StudyView::Refresh() {
  store::StudyChanges changes = store_.LoadTrialsChangedSince(study_id_, version_);
  if (version_ < 0) {
    trials_ = std::move(changes.trials);
  } else {
    for (store::Trial& t : changes.trials) Apply(std::move(t));
  }
  version_ = changes.version;
  if (static_cast<int64_t>(trials_.size()) != changes.trial_count) {
    // A claimed trial was abandoned (deleted): the only change a delta cannot show. Rare
    // (an exhausted grid, a sampler that threw), so read everything again.
    changes = store_.LoadTrialsChangedSince(study_id_, -1);
    trials_ = std::move(changes.trials);
    version_ = changes.version;
  }
  return trials_;
}

void StudyView::Apply(store::Trial changed) {
  const auto at =
      std::lower_bound(trials_.begin(), trials_.end(), changed.number,
                       [](const store::Trial& t, int64_t number) { return t.number < number; });
  if (at != trials_.end() && at->number == changed.number) {
    *at = std::move(changed);
  } else {
    trials_.insert(at, std::move(changed));
  }
}

}  // namespace hpo::runner
