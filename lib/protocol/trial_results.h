// A trial's results file (sweep_eval_results.yaml, docs/trial_protocol.md): what hpo train writes
// into it (its one writer) and what it says about a metric (one reading for the controller that
// scores a trial and for best-params re-ranking).
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lib/protocol/run_folder.h"

namespace hpo::protocol {

/// What `hpo train` reports at its end: its final deterministic evaluation, how long it ran and
/// where the time went (docs/run_dir.md).
struct TrainerResults {
  double final_mean_reward = 0, std = 0, success_rate = 0, mean_episode_length = 0;
  int64_t episodes = 0;
  double training_time = 0;  ///< seconds
  int64_t total_timesteps = 0;
  double sps = 0;
  /// When a periodic evaluation first reached the env's solve threshold; none: never (null).
  std::optional<double> time_to_solve;
  std::optional<int64_t> steps_to_solve;
  double time_env_step = 0, time_policy_rollout = 0, time_update = 0, time_eval = 0;  ///< seconds
};

/// The results file's text for `r`: one `key: value` line per field, in the struct's order
/// (non-finite numbers as fmt writes them, nan and inf, which TrialNumber reads back).
std::string TrainerResultsYaml(const TrainerResults& r);

/// The keys `hpo train` writes into sweep_eval_results.yaml, in its order: those of
/// TrainerResultsYaml, so the list cannot drift from the writer.
const std::vector<std::string>& TrainerResultKeys();

/// True when a trial of `hpo train` can be scored by `metric`: one of TrainerResultKeys or a
/// reward alias. Its JSON lines carry nothing more (their mean_reward, std, success_rate and
/// episodes end up in the results file), and the final value is read from that file.
bool TrainerWritesMetric(const std::string& metric);

/// True when hpo train's periodic evaluation lines (`{"event":"eval","step":N,"mean_reward":V,
/// "std":S,"success_rate":R,"episodes":E,...}`, lib/trainer/run_log.cc) carry `metric` at each
/// step: std, success_rate, episodes, and final_mean_reward (and its aliases) as mean_reward.
bool TrainerLinesCarry(const std::string& metric);

/// Why an objective cannot name `metric` when the trial program is hpo train: "'x' is never
/// written by hpo train (did you mean 'y'?)"; nullopt when it writes it (TrainerWritesMetric).
std::optional<std::string> WhyTrainerNeverWrites(const std::string& metric);

/// True for the names other tools give what `hpo train` calls final_mean_reward (reward,
/// mean_reward, episode_reward_mean).
bool IsRewardAlias(const std::string& metric);

/// A number as trials write it, in a results file or on a JSON line: YAML's (.nan, .inf), those
/// Python's json.dumps writes (NaN, Infinity, -Infinity), and those hpo train's fmt, printf and
/// Python's repr write (nan, -nan, inf, -inf). Those words quoted are strings, not numbers.
/// Throws YAML::Exception when the node holds no number.
double TrialNumber(const YAML::Node& node);

/// The value of `metric` in a results mapping: by its own name, or final_mean_reward for a
/// reward alias. A run that never solved has time_to_solve / steps_to_solve null: it counts as
/// its whole length (training_time / total_timesteps), behind every run that solved.
/// Throws std::runtime_error saying what is missing or not a number.
double MetricInResults(const YAML::Node& results, const std::string& metric);

}  // namespace hpo::protocol
