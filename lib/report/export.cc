#include "lib/report/export.h"

#include <fmt/format.h>

#include <cmath>
#include <set>

#include "lib/core/json.h"
#include "lib/report/best_params.h"

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
  if (!info.MultiObjective()) return "";
  return "\"values\": " + JsonNumbers(ObjectiveValues(t, info.more_objectives.size() + 1)) + ", ";
}

}  // namespace

std::string ExportJson(const store::Study& study, const StudyInfo& info,
                       const std::vector<store::Trial>& trials) {
  std::string out = "{\n";
  out += fmt::format(
      "  \"study\": {},\n  \"metric\": {},\n  \"direction\": {},\n  \"config\": {},\n  \"trials\": "
      "[",
      JsonString(study.name), JsonString(info.metric),
      JsonString(info.maximize ? "maximize" : "minimize"), JsonString(study.config_yaml));
  if (info.MultiObjective()) {  // after "trials" would be harder to find: insert before it
    std::string objectives;
    for (const Objective& o : info.Objectives()) {
      objectives +=
          fmt::format("{}{{\"name\": {}, \"direction\": {}}}", objectives.empty() ? "" : ", ",
                      JsonString(o.name), JsonString(o.maximize ? "maximize" : "minimize"));
    }
    out.insert(out.rfind("  \"trials\": ["), fmt::format("  \"objectives\": [{}],\n", objectives));
  }
  for (size_t i = 0; i < trials.size(); ++i) {
    const store::Trial& t = trials[i];
    std::string intermediates;
    for (const store::Intermediate& v : t.intermediates) {
      intermediates +=
          fmt::format("{}[{}, {}]", intermediates.empty() ? "" : ", ", v.step, JsonNumber(v.value));
    }
    out += fmt::format(
        "{}\n    {{\"number\": {}, \"state\": {}, \"value\": {}, {}\"params\": {}, "
        "\"intermediate_values\": [{}], \"cost_seconds\": {}, \"seed\": {}, \"started_ms\": {}, "
        "\"finished_ms\": {}, \"error\": {}, \"run_dir\": {}, \"worker\": {}, \"retry_of\": {}}}",
        i == 0 ? "" : ",", t.number, JsonString(std::string(store::StateName(t.state))),
        t.value ? JsonNumber(*t.value) : "null", MoreValuesJson(t, info), JsonParams(t.params),
        intermediates, JsonNumber(t.cost), t.seed, t.started_ms, t.finished_ms, JsonString(t.error),
        JsonString(t.run_dir), JsonString(t.worker), t.retry_of);
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
  for (const Objective& o : info.more_objectives) out += "," + CsvField("values." + o.name);
  out += ",cost_seconds,seed";
  for (const std::string& name : names) out += "," + CsvField("params." + name);
  out += ",error\n";
  for (const store::Trial& t : trials) {
    out += fmt::format("{},{},{}", t.number, store::StateName(t.state),
                       t.value ? fmt::format("{}", *t.value) : "");
    for (size_t i = 0; i < info.more_objectives.size(); ++i)
      out += i < t.more_values.size() ? fmt::format(",{}", t.more_values[i]) : ",";
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
