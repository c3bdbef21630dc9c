// What a trial's results file (sweep_eval_results.yaml, docs/trial_protocol.md) says about a
// metric: one reading for the controller that scores a trial and for best-params re-ranking.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

namespace hpo::config {

/// True for the names other tools give what `hpo train` calls final_mean_reward (reward,
/// mean_reward, episode_reward_mean).
bool IsRewardAlias(const std::string& metric);

/// The value of `metric` in a results mapping: by its own name, or final_mean_reward for a
/// reward alias. A run that never solved has time_to_solve / steps_to_solve null: it counts as
/// its whole length (training_time / total_timesteps), behind every run that solved.
/// Throws std::runtime_error saying what is missing or not a number.
double MetricInResults(const YAML::Node& results, const std::string& metric);

}  // namespace hpo::config
