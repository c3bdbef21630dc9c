#include "lib/report/optuna_journal.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <map>
#include <optional>

#include "lib/core/json.h"
#include "lib/report/best_params.h"
#include "lib/report/export.h"
#include "lib/report/seed_values.h"

namespace hpo::report {
namespace {

// Optuna's enums as its journal stores them.
constexpr int kCreateStudy = 0, kSetStudyUserAttr = 2, kCreateTrial = 4;
constexpr int kMinimize = 1, kMaximize = 2;
const char* const kWorker = "\"hpo-export\"";

int OptunaState(store::TrialState state) {
  switch (state) {
    case store::TrialState::kRunning:
      return 0;
    case store::TrialState::kComplete:
      return 1;
    case store::TrialState::kPruned:
      return 2;
    case store::TrialState::kFailed:
      return 3;
    case store::TrialState::kWaiting:
      return 4;
  }
  return 3;
}

// A distribution as Optuna's distribution_to_json writes it, and how to turn one of our values
// into Optuna's internal representation (a float; a categorical's index).
struct OptunaDistribution {
  std::string json;
  std::vector<Value> choices;  // empty for numeric distributions

  std::optional<double> Internal(const Value& v) const {
    if (choices.empty()) return v.is_number() ? std::optional<double>(v.as_double()) : std::nullopt;
    const auto it = std::find(choices.begin(), choices.end(), v);
    if (it == choices.end()) return std::nullopt;
    return static_cast<double>(it - choices.begin());
  }
};

std::string ChoiceJson(const Value& v) {
  if (v.is_null()) return "null";  // Optuna's None
  if (v.is_bool()) return v.as_bool() ? "true" : "false";
  if (v.is_int()) return std::to_string(v.as_int());
  if (v.is_double()) return JsonNumber(v.as_double());
  return JsonString(v.is_string() ? v.as_string() : v.ToYaml());
}

OptunaDistribution Categorical(const std::vector<Value>& choices) {
  std::string list;
  for (const Value& c : choices) list += (list.empty() ? "" : ", ") + ChoiceJson(c);
  return {fmt::format(R"({{"name": "CategoricalDistribution", "attributes": {{"choices": [{}]}}}})",
                      list),
          choices};
}

OptunaDistribution Numeric(bool integer, double low, double high, bool log) {
  if (integer) {
    return {fmt::format(
                R"({{"name": "IntDistribution", "attributes": {{"log": {}, "step": 1, "low": {}, )"
                R"("high": {}}}}})",
                log ? "true" : "false", static_cast<int64_t>(std::llround(low)),
                static_cast<int64_t>(std::llround(high))),
            {}};
  }
  return {fmt::format(
              R"({{"name": "FloatDistribution", "attributes": {{"step": null, "low": {}, "high": )"
              R"({}, "log": {}}}}})",
              JsonNumber(low), JsonNumber(high), log ? "true" : "false"),
          {}};
}

OptunaDistribution FromSpec(const config::ParameterSpec& spec) {
  const OptunaParameter p = OptunaParameterOf(spec);
  return p.categorical ? Categorical(p.choices) : Numeric(p.integer, p.low, p.high, p.log);
}

// A parameter the config does not describe: typed from the values the trials hold.
OptunaDistribution FromValues(const std::string& name, const std::vector<store::Trial>& trials) {
  std::vector<Value> seen;
  bool all_int = true, all_number = true;
  double low = INFINITY, high = -INFINITY;
  for (const store::Trial& t : trials) {
    const auto it = t.params.find(name);
    if (it == t.params.end()) continue;
    const Value& v = it->second;
    all_int = all_int && v.is_int();
    all_number = all_number && v.is_number();
    if (v.is_number()) low = std::min(low, v.as_double()), high = std::max(high, v.as_double());
    if (std::find(seen.begin(), seen.end(), v) == seen.end()) seen.push_back(v);
  }
  if (all_number && !seen.empty()) return Numeric(all_int, low, high, false);
  return Categorical(seen);
}

// ISO 8601 local time with microseconds, as Optuna writes datetime.now().isoformat().
std::string IsoTime(int64_t epoch_ms) {
  const std::time_t seconds = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm local{};
  localtime_r(&seconds, &local);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &local);
  return fmt::format("\"{}.{:06d}\"", text, static_cast<int>(epoch_ms % 1000) * 1000);
}

// A study user attr, one a line as Optuna writes them (its replay asserts one key a line).
std::string StudyUserAttrLine(const std::string& key, const std::string& json_value) {
  return fmt::format(R"({{"op_code": {}, "worker_id": {}, "study_id": 0, "user_attr": {{{}: {}}}}})"
                     "\n",
                     kSetStudyUserAttr, kWorker, JsonString(key), json_value);
}

// A seeded trial's further user_attrs: value_sd, and value_seed_<i> and seed_<i> for each seed
// that finished; scalars, so that trials_dataframe() gives each a column.
std::string SeedAttrs(const store::Trial& t) {
  std::string attrs;
  if (const std::optional<double> spread = SeedValueSpread(t))
    attrs += fmt::format(R"(, "value_sd": {})", JsonNumber(*spread));
  for (const store::SeedValue& s : t.seed_values) {
    attrs += fmt::format(R"(, "value_seed_{0}": {1}, "seed_{0}": {2})", s.index,
                         JsonNumber(s.value), s.seed);
  }
  return attrs;
}

std::string TrialLine(const store::Trial& t,
                      const std::map<std::string, OptunaDistribution>& distributions,
                      size_t n_objectives) {
  std::string dists, params;
  for (const auto& [name, value] : t.params) {
    const OptunaDistribution& d = distributions.at(name);
    const std::optional<double> internal = d.Internal(value);
    if (!internal) continue;  // a value outside the declared choices: Optuna could not read it
    dists +=
        fmt::format("{}{}: {}", dists.empty() ? "" : ", ", JsonString(name), JsonString(d.json));
    params += fmt::format("{}{}: {}", params.empty() ? "" : ", ", JsonString(name),
                          JsonNumber(*internal));
  }
  std::string intermediates;
  for (const store::Intermediate& v : t.intermediates) {
    intermediates +=
        fmt::format("{}\"{}\": {}", intermediates.empty() ? "" : ", ", v.step, JsonNumber(v.value));
  }
  const bool finished = t.state == store::TrialState::kComplete ||
                        t.state == store::TrialState::kPruned ||
                        t.state == store::TrialState::kFailed;
  // Optuna keeps a value only on COMPLETE trials; a pruned trial's last value is in its curve.
  // A multi-objective trial has `values` (every objective) and no `value`, as Optuna writes it.
  const bool complete = t.state == store::TrialState::kComplete && t.value &&
                        t.more_values.size() + 1 >= n_objectives;
  std::string value = "null", values = "null";
  if (complete && n_objectives == 1) value = JsonNumber(*t.value);
  if (complete && n_objectives > 1) values = JsonNumbers(ObjectiveValues(t, n_objectives));
  std::string line = fmt::format(
      R"({{"op_code": {}, "worker_id": {}, "study_id": 0, "state": {}, "value": {}, "values": {}, )"
      R"("datetime_start": {}, )",
      kCreateTrial, kWorker, OptunaState(t.state), value, values,
      t.started_ms > 0 ? IsoTime(t.started_ms) : "null");
  if (finished && t.finished_ms > 0)
    line += fmt::format(R"("datetime_complete": {}, )", IsoTime(t.finished_ms));
  line += fmt::format(
      R"("distributions": {{{}}}, "params": {{{}}}, "user_attrs": {{"hpo_number": {}, "seed": )"
      R"({}, "cost_seconds": {}, )"
      R"("run_dir": {}, "error": {}{}}}, "system_attrs": {{}}, "intermediate_values": {{{}}}}})",
      dists, params, t.number, t.seed, JsonNumber(t.cost), JsonString(t.run_dir),
      JsonString(t.error), SeedAttrs(t), intermediates);
  return line + "\n";
}

}  // namespace

OptunaParameter OptunaParameterOf(const config::ParameterSpec& spec) {
  OptunaParameter p;
  if (spec.categorical) {
    p.categorical = true;
    p.choices = spec.choices;
    return p;
  }
  const std::string& kind = spec.numeric.distribution;
  p.integer = kind == "int_uniform" || kind == "uniform_pow2" || kind == "int_loguniform";
  p.log = kind == "log_normal" || kind == "loguniform" || kind == "log_uniform_values" ||
          kind == "uniform_pow2" || kind == "int_loguniform";
  p.low = spec.numeric.min;
  p.high = spec.numeric.max;
  return p;
}

std::string ExportOptunaJournal(const store::Study& study, const StudyInfo& info,
                                const std::vector<store::Trial>& trials,
                                const std::vector<config::ParameterSpec>& specs) {
  std::map<std::string, OptunaDistribution> distributions;
  for (const config::ParameterSpec& spec : specs) distributions.emplace(spec.name, FromSpec(spec));
  for (const store::Trial& t : trials) {
    for (const auto& [name, value] : t.params) {
      if (!distributions.count(name)) distributions.emplace(name, FromValues(name, trials));
    }
  }
  std::string directions;
  for (const Objective& o : info.objectives.All())
    directions +=
        fmt::format("{}{}", directions.empty() ? "" : ", ", o.maximize ? kMaximize : kMinimize);
  std::string out =
      fmt::format(R"({{"op_code": {}, "worker_id": {}, "study_name": {}, "directions": [{}]}})"
                  "\n",
                  kCreateStudy, kWorker, JsonString(study.name), directions);
  if (ShowsSeeds(info.seeds, trials)) {
    out += StudyUserAttrLine("seeds_per_trial", std::to_string(info.seeds.per_trial));
    out += StudyUserAttrLine("aggregate", JsonString(info.seeds.aggregate));
  }
  for (const store::Trial& t : trials)
    out += TrialLine(t, distributions, info.objectives.All().size());
  return out;
}

}  // namespace hpo::report
