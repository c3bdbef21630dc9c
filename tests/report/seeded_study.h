// A study trained on three seeds per trial, in a fresh SQLite store, recorded as the sweep
// controller records one: each seed's final value (Store::RecordSeedValue), the trial's value
// their median. The reports' seed tests read it back through the store.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "lib/config/sweep_config.h"
#include "lib/report/study_info.h"
#include "lib/store/store.h"
#include "tests/support/test_dir.h"

namespace hpo::report {

struct SeededStudy {
  store::Study study;
  std::vector<store::Trial> trials;  ///< as the store loads them
  StudyInfo info;                    ///< ReadStudyInfo(study)
};

// One trial: `values` by seed index (a NaN: that seed has not finished); `state` kRunning leaves
// it running.
inline void AddSeededTrial(store::Store& store, int64_t study_id, double gamma,
                           const std::vector<double>& values, double median,
                           store::TrialState state) {
  const std::optional<store::Trial> claimed = store.ClaimTrial(study_id, 10, "node1:42");
  ASSERT_TRUE(claimed);
  const uint64_t seed = 1000 + static_cast<uint64_t>(claimed->number);
  store.StartTrial(claimed->id, {{"gamma", Value(gamma)}}, seed,
                   "/td/sweep/seeded/runs/seeded.r." + std::to_string(claimed->number));
  for (size_t i = 0; i < values.size(); ++i) {
    if (!std::isnan(values[i]))  // the seed finished
      store.RecordSeedValue(claimed->id, {static_cast<int>(i), seed + 7 * i, values[i]});
  }
  if (state != store::TrialState::kRunning)
    store.FinishTrial(claimed->id, state, median, {}, {30.0, 0}, "");
}

//   trial 0: COMPLETE, seeds 250, 262, 256: median 256, standard deviation 6
//   trial 1: COMPLETE, seeds 240.5, 248.5, 244.5: median 244.5, standard deviation 4
//   trial 2: RUNNING, seeds 0 and 2 finished with 230 and 236 (standard deviation 4.243)
inline SeededStudy MakeSeededStudy() {
  const std::filesystem::path dir = testing_support::FreshTestDir("seeded_study");
  auto store = store::OpenStore("sqlite:///" + (dir / "study.db").string());
  const config::SweepConfig config = config::ParseSweepConfig(
      "metric: final_mean_reward\nseeds_per_trial: 3\naggregate: median\nn_trials: 10\n"
      "parameters:\n  gamma: {min: 0.9, max: 0.999}\n",
      "seeded.yaml", "seeded");
  SeededStudy s;
  s.study = store->OpenStudy("seeded", "maximize", config.ToYaml(), true);
  AddSeededTrial(*store, s.study.id, 0.99, {250, 262, 256}, 256, store::TrialState::kComplete);
  AddSeededTrial(*store, s.study.id, 0.95, {240.5, 248.5, 244.5}, 244.5,
                 store::TrialState::kComplete);
  AddSeededTrial(*store, s.study.id, 0.9, {230, NAN, 236}, 0, store::TrialState::kRunning);
  s.trials = store->LoadTrials(s.study.id);
  s.info = ReadStudyInfo(s.study);
  return s;
}

}  // namespace hpo::report
