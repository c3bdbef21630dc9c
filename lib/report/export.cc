#include "lib/report/export.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>

#include "lib/core/json.h"
#include "lib/report/best_params.h"
#include "lib/report/seed_values.h"

namespace hpo::report {

namespace {

std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// A multi-objective trial's "values": every objective, in the study's order (null if unknown).
std::string MoreValuesJson(const store::Trial& t, const StudyInfo& info) {
  if (!info.objectives.Multi()) return "";
  return "\"values\": " + JsonNumbers(ObjectiveValues(t, info.objectives.more.size() + 1)) + ", ";
}

// A seeded study's trial: the spread of its seeds' values and each seed's index, seed and value.
std::string SeedsJson(const store::Trial& t, bool shows_seeds) {
  if (!shows_seeds) return "";
  std::string seeds;
  for (const store::SeedValue& s : t.seed_values) {
    seeds += fmt::format("{}{{\"index\": {}, \"seed\": {}, \"value\": {}}}",
                         seeds.empty() ? "" : ", ", s.index, s.seed, JsonNumber(s.value));
  }
  const std::optional<double> spread = SeedValueSpread(t);
  return fmt::format("\"value_sd\": {}, \"seed_values\": [{}], ",
                     spread ? JsonNumber(*spread) : "null", seeds);
}

// A seeded study's CSV cells: the spread, then each seed's value by index (empty if missing).
std::string SeedsCsv(const store::Trial& t, int seed_columns) {
  const std::optional<double> spread = SeedValueSpread(t);
  std::string cells = "," + (spread ? fmt::format("{}", *spread) : "");
  for (int i = 0; i < seed_columns; ++i) {
    const auto it = std::find_if(t.seed_values.begin(), t.seed_values.end(),
                                 [i](const store::SeedValue& s) { return s.index == i; });
    cells += "," + (it == t.seed_values.end() ? "" : fmt::format("{}", it->value));
  }
  return cells;
}

}  // namespace

std::string ExportJson(const store::Study& study, const StudyInfo& info,
                       const std::vector<store::Trial>& trials) {
  std::string out = "{\n";
  out += fmt::format(
      "  \"study\": {},\n  \"metric\": {},\n  \"direction\": {},\n  \"config\": {},\n  \"trials\": "
      "[",
      JsonString(study.name), JsonString(info.objectives.Shown()),
      JsonString(info.objectives.maximize ? "maximize" : "minimize"),
      JsonString(study.config_yaml));
  if (info.objectives.Multi()) {  // after "trials" would be harder to find: insert before it
    std::string objectives;
    for (const Objective& o : info.objectives.All()) {
      objectives +=
          fmt::format("{}{{\"name\": {}, \"direction\": {}}}", objectives.empty() ? "" : ", ",
                      JsonString(o.name), JsonString(o.maximize ? "maximize" : "minimize"));
    }
    out.insert(out.rfind("  \"trials\": ["), fmt::format("  \"objectives\": [{}],\n", objectives));
  }
  const bool shows_seeds = ShowsSeeds(info.seeds, trials);
  if (shows_seeds) {
    out.insert(out.rfind("  \"trials\": ["),
               fmt::format("  \"seeds_per_trial\": {},\n  \"aggregate\": {},\n",
                           info.seeds.per_trial, JsonString(info.seeds.aggregate)));
  }
  for (size_t i = 0; i < trials.size(); ++i) {
    const store::Trial& t = trials[i];
    std::string intermediates;
    for (const store::Intermediate& v : t.intermediates) {
      intermediates +=
          fmt::format("{}[{}, {}]", intermediates.empty() ? "" : ", ", v.step, JsonNumber(v.value));
    }
    out += fmt::format(
        "{}\n    {{\"number\": {}, \"state\": {}, \"value\": {}, {}{}\"params\": {}, "
        "\"intermediate_values\": [{}], \"cost_seconds\": {}, \"seed\": {}, \"started_ms\": {}, "
        "\"finished_ms\": {}, \"error\": {}, \"run_dir\": {}, \"worker\": {}, \"retry_of\": {}}}",
        i == 0 ? "" : ",", t.number, JsonString(std::string(store::StateName(t.state))),
        t.value ? JsonNumber(*t.value) : "null", MoreValuesJson(t, info), SeedsJson(t, shows_seeds),
        JsonParams(t.params), intermediates, JsonNumber(t.cost), t.seed, t.started_ms,
        t.finished_ms, JsonString(t.error), JsonString(t.run_dir), JsonString(t.worker),
        t.retry_of);
  }
  out += trials.empty() ? "]\n}\n" : "\n  ]\n}\n";
  return out;
}

std::string ExportCsv(const std::vector<store::Trial>& trials, const StudyInfo& info) {
  std::set<std::string> names;
  for (const store::Trial& t : trials) {
    for (const auto& [name, value] : t.params) names.insert(name);
  }
  std::string out = "number,state,value";
  for (const Objective& o : info.objectives.more) out += "," + CsvField("values." + o.name);
  const int seed_columns = ShowsSeeds(info.seeds, trials) ? SeedColumnCount(info.seeds, trials) : 0;
  if (seed_columns > 0) out += ",value_sd";
  for (int i = 0; i < seed_columns; ++i) out += fmt::format(",value_seed_{}", i);
  out += ",cost_seconds,seed";
  for (const std::string& name : names) out += "," + CsvField("params." + name);
  out += ",error\n";
  for (const store::Trial& t : trials) {
    out += fmt::format("{},{},{}", t.number, store::StateName(t.state),
                       t.value ? fmt::format("{}", *t.value) : "");
    for (size_t i = 0; i < info.objectives.more.size(); ++i)
      out += i < t.more_values.size() ? fmt::format(",{}", t.more_values[i]) : ",";
    if (seed_columns > 0) out += SeedsCsv(t, seed_columns);
    out += fmt::format(",{},{}", t.cost, t.seed);
    for (const std::string& name : names) {
      const auto it = t.params.find(name);
      out += "," + (it == t.params.end() ? std::string() : CsvField(it->second.ToYaml()));
    }
    out += "," + CsvField(t.error) + "\n";
  }
  return out;
}

}  // namespace hpo::report
