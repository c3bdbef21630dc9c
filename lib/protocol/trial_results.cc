#include "lib/protocol/trial_results.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <stdexcept>

#include "lib/core/closest_word.h"
#include "lib/core/error.h"

namespace hpo::protocol {

std::string TrainerResultsYaml(const TrainerResults& r) {
  auto or_null = [](const auto& value) {
    return value ? fmt::format("{}", *value) : std::string("null");
  };
  return fmt::format(
      "final_mean_reward: {}\nstd: {}\nsuccess_rate: {}\nmean_episode_length: {}\n"
      "episodes: {}\ntraining_time: {}\ntotal_timesteps: {}\nsps: {}\n"
      "time_to_solve: {}\nsteps_to_solve: {}\n"
      "time_env_step: {}\ntime_policy_rollout: {}\ntime_update: {}\ntime_eval: {}\n",
      r.final_mean_reward, r.std, r.success_rate, r.mean_episode_length, r.episodes,
      r.training_time, r.total_timesteps, r.sps, or_null(r.time_to_solve),
      or_null(r.steps_to_solve), r.time_env_step, r.time_policy_rollout, r.time_update,
      r.time_eval);
}

const std::vector<std::string>& TrainerResultKeys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> names;
    for (const auto& entry : YAML::Load(TrainerResultsYaml({})))
      names.push_back(entry.first.as<std::string>());
    return names;
  }();
  return keys;
}

bool TrainerWritesMetric(const std::string& metric) {
  const std::vector<std::string>& keys = TrainerResultKeys();
  return IsRewardAlias(metric) || std::find(keys.begin(), keys.end(), metric) != keys.end();
}

bool TrainerLinesCarry(const std::string& metric) {
  return IsRewardAlias(metric) || metric == "std" || metric == "success_rate" ||
         metric == "episodes";
}

std::optional<std::string> WhyTrainerNeverWrites(const std::string& metric) {
  if (TrainerWritesMetric(metric)) return std::nullopt;
  const std::vector<std::string>& keys = TrainerResultKeys();
  const std::string closest =
      ClosestWord(metric, std::vector<std::string_view>(keys.begin(), keys.end()));
  const bool near = EditDistance(metric, closest) <= std::max<size_t>(2, metric.size() / 3);
  return fmt::format("'{}' is never written by hpo train{}", Echo(metric),
                     near ? fmt::format(" (did you mean '{}'?)", closest) : "");
}

bool IsRewardAlias(const std::string& metric) {
  return metric == "reward" || metric == "mean_reward" || metric == "episode_reward_mean" ||
         metric == "final_mean_reward";
}

namespace {

// The value under `key`, if any. (A const lookup of a missing key gives an invalid handle, which
// throws when rebound: keep the lookups apart.)
std::optional<YAML::Node> Find(const YAML::Node& map, const std::string& key) {
  const YAML::Node node = map[key];
  if (!node) return std::nullopt;
  return node;
}

}  // namespace

double MetricInResults(const YAML::Node& results, const std::string& metric) {
  if (!results.IsMap())
    throw std::runtime_error("malformed results file sweep_eval_results.yaml: not a mapping");
  std::optional<YAML::Node> v = Find(results, metric);
  if (!v && IsRewardAlias(metric)) v = Find(results, "final_mean_reward");
  if (!v) throw std::runtime_error("results file has no '" + metric + "'");
  // A run that never reached the solve threshold: "not solved within its whole run".
  if (v->IsNull() && (metric == "time_to_solve" || metric == "steps_to_solve")) {
    v = Find(results, metric == "time_to_solve" ? "training_time" : "total_timesteps");
    if (!v)
      throw std::runtime_error("results file: '" + metric +
                               "' is null and the run length is missing");
  }
  try {
    return TrialNumber(*v);
  } catch (const YAML::Exception&) {
    throw std::runtime_error("results file: '" + metric + "' is not a number");
  }
}

double TrialNumber(const YAML::Node& node) {
  if (node.IsScalar() && node.Tag() != "!") {  // unquoted: a quoted "NaN" is a string
    const std::string& text = node.Scalar();
    // fmt and printf write a NaN with its sign bit set (0/0 on x86-64) as -nan
    if (text == "NaN" || text == "nan" || text == "-nan") return NAN;
    if (text == "Infinity" || text == "inf" || text == "+inf") return HUGE_VAL;
    if (text == "-Infinity" || text == "-inf") return -HUGE_VAL;
  }
  return node.as<double>();
}

}  // namespace hpo::protocol
