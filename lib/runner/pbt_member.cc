#include "lib/runner/pbt_member.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>
#include <string>

#include "lib/config/yaml_source.h"

namespace hpo::runner {
namespace {

const char* PhaseName(pbt::MemberPhase phase) {
  switch (phase) {
    case pbt::MemberPhase::kWaiting:
      return "waiting";
    case pbt::MemberPhase::kRunning:
      return "running";
    case pbt::MemberPhase::kFinished:
      return "finished";
  }
  return "waiting";
}

pbt::MemberPhase PhaseFromName(const std::string& name) {
  if (name == "running") return pbt::MemberPhase::kRunning;
  if (name == "finished") return pbt::MemberPhase::kFinished;
  return pbt::MemberPhase::kWaiting;
}

void EmitParams(YAML::Emitter& out, const ParamSet& params) {
  out << YAML::Flow;
  config::EmitParams(out, params);
}

ParamSet ParamsOf(const YAML::Node& node) {
  ParamSet params;
  for (const auto& p : node)
    params[p.first.Scalar()] = config::ValueFromYaml(p.second, Origin{"pbt member record"});
  return params;
}

template <typename T>
std::optional<T> OptionalOf(const YAML::Node& node) {
  if (!node || node.IsNull()) return std::nullopt;
  return node.as<T>();
}

template <typename T>
void EmitOptional(YAML::Emitter& out, const char* key, const std::optional<T>& value) {
  out << YAML::Key << key << YAML::Value;
  if (value) {
    out << *value;
  } else {
    out << YAML::Null;
  }
}

void EmitLineage(YAML::Emitter& out, const std::vector<pbt::LineageEntry>& lineage) {
  out << YAML::Key << "lineage" << YAML::Value << YAML::BeginSeq;
  for (const pbt::LineageEntry& l : lineage) {
    out << YAML::BeginMap << YAML::Key << "step" << YAML::Value << l.step << YAML::Key << "parent"
        << YAML::Value << l.parent << YAML::Key << "checkpoint" << YAML::Value << l.checkpoint
        << YAML::Key << "before" << YAML::Value;
    EmitParams(out, l.before);
    out << YAML::Key << "after" << YAML::Value;
    EmitParams(out, l.after);
    out << YAML::Key << "changes" << YAML::Value << l.changes << YAML::Key << "skipped"
        << YAML::Value << l.skipped << YAML::EndMap;
  }
  out << YAML::EndSeq;
}

void EmitSchedule(YAML::Emitter& out, const std::vector<pbt::ScheduleEntry>& schedule) {
  out << YAML::Key << "schedule" << YAML::Value << YAML::BeginSeq;
  for (const pbt::ScheduleEntry& e : schedule) {
    out << YAML::Flow << YAML::BeginMap << YAML::Key << "step" << YAML::Value << e.step << YAML::Key
        << "member" << YAML::Value << e.member << YAML::Key << "params" << YAML::Value;
    EmitParams(out, e.params);
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
}

std::vector<pbt::ScheduleEntry> ScheduleOf(const YAML::Node& node) {
  std::vector<pbt::ScheduleEntry> schedule;
  for (const YAML::Node& e : node)
    schedule.push_back(
        {e["step"].as<int64_t>(), ParamsOf(e["params"]), e["member"] ? e["member"].as<int>() : -1});
  return schedule;
}

void EmitState(YAML::Emitter& out, const pbt::MemberState& state) {
  out << YAML::Key << "state" << YAML::Value << YAML::BeginMap;
  EmitOptional(out, "last_score", state.last_score);
  EmitOptional(out, "checkpoint_step", state.checkpoint_step);
  out << YAML::Key << "last_perturbation_step" << YAML::Value << state.last_perturbation_step;
  out << YAML::Key << "last_train_step" << YAML::Value << state.last_train_step;
  out << YAML::EndMap;
}

}  // namespace

std::string MemberRecord(const pbt::Member& m, int64_t next_sync_step) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "member" << YAML::Value << m.index;
  out << YAML::Key << "phase" << YAML::Value << PhaseName(m.phase);
  out << YAML::Key << "seed" << YAML::Value << m.seed;
  out << YAML::Key << "trial" << YAML::Value << m.trial;
  out << YAML::Key << "run_dir" << YAML::Value << m.run_dir;
  out << YAML::Key << "owner" << YAML::Value << m.owner;
  out << YAML::Key << "trials" << YAML::Value << m.trials;
  out << YAML::Key << "params" << YAML::Value;
  EmitParams(out, m.params);
  EmitOptional(out, "last_value", m.last_value);
  out << YAML::Key << "last_step" << YAML::Value << m.last_step;
  out << YAML::Key << "outcome" << YAML::Value << m.outcome;
  if (m.next) {
    out << YAML::Key << "next" << YAML::Value << YAML::BeginMap << YAML::Key << "params"
        << YAML::Value;
    EmitParams(out, m.next->params);
    out << YAML::Key << "restore_from" << YAML::Value << m.next->restore_from << YAML::Key
        << "start_step" << YAML::Value << m.next->start_step << YAML::Key << "used" << YAML::Value
        << m.next->used;
    if (m.next->inherited) {
      out << YAML::Key << "inherited" << YAML::Value << YAML::BeginMap;
      EmitSchedule(out, *m.next->inherited);
      out << YAML::EndMap;
    }
    out << YAML::EndMap;
  }
  EmitState(out, m.state);
  out << YAML::Key << "checkpoint" << YAML::Value << m.checkpoint;
  out << YAML::Key << "next_sync_step" << YAML::Value << next_sync_step;
  EmitLineage(out, m.lineage);
  EmitSchedule(out, m.schedule);
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

pbt::Member MemberFromRecord(const std::string& record, int64_t& next_sync_step) {
  const YAML::Node n = YAML::Load(record);
  pbt::Member m;
  m.index = n["member"].as<int>();
  m.phase = PhaseFromName(n["phase"].as<std::string>());
  m.seed = n["seed"].as<uint64_t>();
  m.trial = n["trial"].as<int64_t>();
  m.run_dir = n["run_dir"].as<std::string>();
  m.owner = n["owner"].as<std::string>();
  m.trials = n["trials"].as<int>();
  m.params = ParamsOf(n["params"]);
  m.last_value = OptionalOf<double>(n["last_value"]);
  m.last_step = n["last_step"].as<int64_t>();
  m.outcome = n["outcome"].as<std::string>();
  if (n["next"]) {
    m.next = pbt::SegmentPlan{
        ParamsOf(n["next"]["params"]), n["next"]["restore_from"].as<std::string>(),
        n["next"]["start_step"].as<int64_t>(), std::nullopt, n["next"]["used"].as<bool>()};
    if (n["next"]["inherited"]) m.next->inherited = ScheduleOf(n["next"]["inherited"]["schedule"]);
  }
  const YAML::Node s = n["state"];
  m.state = {OptionalOf<double>(s["last_score"]), OptionalOf<int64_t>(s["checkpoint_step"]),
             s["last_perturbation_step"].as<int64_t>(), s["last_train_step"].as<int64_t>()};
  m.checkpoint = n["checkpoint"].as<std::string>();
  for (const YAML::Node& l : n["lineage"]) {
    m.lineage.push_back({l["step"].as<int64_t>(), l["parent"].as<int>(),
                         l["checkpoint"].as<std::string>(), ParamsOf(l["before"]),
                         ParamsOf(l["after"]), l["changes"].as<std::string>(),
                         l["skipped"].as<bool>()});
  }
  m.schedule = ScheduleOf(n["schedule"]);
  next_sync_step = n["next_sync_step"].as<int64_t>();
  return m;
}

std::vector<pbt::Member> LoadPopulation(store::Store& store, int64_t study_id) {
  const std::map<int, store::PbtRecord> records = store.LoadPbtMembers(study_id);
  std::vector<pbt::Member> members;
  members.reserve(records.size());
  int64_t next_sync_step = 0;
  for (const auto& [index, record] : records)
    members.push_back(MemberFromRecord(record.text, next_sync_step));
  return members;
}

std::string PopulationTable(const std::vector<pbt::Member>& members, const std::string& metric) {
  constexpr const char* kRow = "{:>6}  {:<8}  {:>3}  {:>6}  {:>10}  {:>12}  {:>12}  {}\n";
  std::string out = fmt::format(kRow, "member", "phase", "gen", "trials", "step",
                                metric.substr(0, 12), "parent", "values");
  for (const pbt::Member& m : members) {
    const pbt::LineageEntry* last_copy = nullptr;
    for (const pbt::LineageEntry& l : m.lineage) {
      if (!l.skipped) last_copy = &l;
    }
    std::string values;
    for (const auto& [name, value] : m.params)
      values += fmt::format("{}{}={}", values.empty() ? "" : " ", name, ReadableValue(value));
    out += fmt::format(
        kRow, m.index, pbt::DisplayedPhase(m), pbt::Generation(m), m.trials, m.last_step,
        m.last_value ? ReadableNumber(*m.last_value) : std::string("-"),
        last_copy ? fmt::format("{}@{}", last_copy->parent, last_copy->step) : std::string("-"),
        values);
  }
  return out;
}

std::string ScheduleYaml(const pbt::Member& member, const std::string& sweep) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  EmitSchedule(out, member.schedule);
  out << YAML::EndMap;
  return fmt::format(
             "# The hyperparameter schedule of member {} of PBT sweep {} (final value {}): from\n"
             "# each step on, the values it trained with, its leaders' before it copied them\n"
             "# (member: who trained that stretch).\n",
             member.index, sweep,
             member.last_value ? ReadableNumber(*member.last_value) : std::string("none")) +
         out.c_str() + "\n";
}

}  // namespace hpo::runner
