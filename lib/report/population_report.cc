#include "lib/report/population_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <utility>

#include "lib/report/best_params.h"
#include "lib/report/svg_chart.h"

namespace hpo::report {
namespace {

const char* const kLaneColour = "#c7c7c7";
const char* const kExploitColour = "#1f77b4";
const char* const kSkippedColour = "#d62728";
constexpr int kLaneHeight = 26;

std::string ValueText(const std::optional<double>& value) {
  return value ? ReadableNumber(*value) : std::string("none");
}

bool InRange(const std::vector<pbt::Member>& members, int index) {
  return index >= 0 && index < static_cast<int>(members.size());
}

// Member 0 on top: a chart's row 0 is its bottom.
double Row(const std::vector<pbt::Member>& members, int index) {
  return static_cast<double>(members.size()) - 1 - index;
}

// Where a member's lane ends: its last report, or its last exploit if that is later.
double LaneEnd(const pbt::Member& m) {
  int64_t end = m.last_step;
  for (const pbt::LineageEntry& e : m.lineage) end = std::max(end, e.step);
  return static_cast<double>(end);
}

std::string LaneTip(const pbt::Member& m, const std::string& metric) {
  return fmt::format("member {}: {}, {} trial(s), {} {} at step {}; values: {}", m.index,
                     pbt::DisplayedPhase(m), m.trials, metric, ValueText(m.last_value), m.last_step,
                     ParamsLine(m.params));
}

std::string ExploitTip(const pbt::Member& m, const pbt::LineageEntry& e) {
  if (e.skipped)
    return fmt::format(
        "step {}: member {} would copy member {}, which had no checkpoint: "
        "nothing copied",
        e.step, m.index, e.parent);
  return fmt::format("step {}: member {} copied member {}'s checkpoint; {}", e.step, m.index,
                     e.parent, e.changes.empty() ? "values kept" : e.changes);
}

// A stretch of the best member's past: `member` trained it from step `from` to `to`.
struct Stretch {
  int member = 0;
  int64_t from = 0, to = 0;
};

// Where the best member's weights come from, oldest first: its schedule names who trained from
// each step on (itself, or a leader whose past it copied, as it was when copied). Empty when a
// record does not say (written before it was kept).
std::vector<Stretch> Ancestry(const std::vector<pbt::Member>& members, const pbt::Member& best) {
  std::vector<Stretch> past;
  for (size_t i = 0; i < best.schedule.size(); ++i) {
    const pbt::ScheduleEntry& e = best.schedule[i];
    if (!InRange(members, e.member)) return {};
    const int64_t to = i + 1 < best.schedule.size() ? best.schedule[i + 1].step
                                                    : static_cast<int64_t>(LaneEnd(best));
    if (!past.empty() && past.back().member == e.member)
      past.back().to = to;  // one member's consecutive entries: one stretch
    else
      past.push_back({e.member, e.step, to});
  }
  return past;
}

// Members as lanes over steps; an exploit is an edge from the leader's lane to the member's at
// the step of the checkpoint it copied, ending in a dot on the member's lane.
SvgChart LineageChart(const std::vector<pbt::Member>& members, const pbt::Member* best,
                      const std::string& metric) {
  std::vector<std::string> rows(members.size());
  for (const pbt::Member& m : members) {
    if (!InRange(members, m.index)) continue;  // records name members 0..n-1; never trust it
    rows[static_cast<size_t>(Row(members, m.index))] = fmt::format(
        "member {}: {}{}", m.index, ValueText(m.last_value), &m == best ? " (best)" : "");
  }
  SvgChart chart("env steps (as the trials report them)", "");
  chart.Size(1100, 70 + kLaneHeight * static_cast<int>(members.size())).YCategories(rows);
  for (const pbt::Member& m : members) {
    if (!InRange(members, m.index)) continue;
    const double row = Row(members, m.index);
    chart.Add({Mark::Kind::kLine, {0, LaneEnd(m)}, {row, row}, kLaneColour, LaneTip(m, metric), 3});
  }
  if (best) {  // its past in green, over the lanes, joined where it copied
    const std::vector<Stretch> past = Ancestry(members, *best);
    for (size_t i = 0; i < past.size(); ++i) {
      const double row = Row(members, past[i].member), from = static_cast<double>(past[i].from);
      chart.Add({Mark::Kind::kLine,
                 {from, static_cast<double>(past[i].to)},
                 {row, row},
                 kBestColour,
                 fmt::format("the best member's past: member {} from step {} to {}", past[i].member,
                             past[i].from, past[i].to),
                 4});
      if (i + 1 < past.size()) {  // where the next one copied this one's checkpoint
        const double at = static_cast<double>(past[i + 1].from);
        chart.Add({Mark::Kind::kLine,
                   {at, at},
                   {row, Row(members, past[i + 1].member)},
                   kBestColour,
                   "",
                   2.5});
      }
    }
  }
  for (const pbt::Member& m : members) {
    if (!InRange(members, m.index)) continue;
    for (const pbt::LineageEntry& e : m.lineage) {
      const double step = static_cast<double>(e.step), row = Row(members, m.index);
      const std::string tip = ExploitTip(m, e);
      if (!e.skipped && InRange(members, e.parent))
        chart.Add({Mark::Kind::kLine,
                   {step, step},
                   {Row(members, e.parent), row},
                   kExploitColour,
                   tip,
                   1.5});
      chart.Add(
          {Mark::Kind::kPoint, {step}, {row}, e.skipped ? kSkippedColour : kExploitColour, tip, 4});
    }
  }
  return chart;
}

// The parameters whose value changes along the schedule, in name order.
std::vector<std::string> ChangingParameters(const std::vector<pbt::ScheduleEntry>& schedule) {
  std::set<std::string> changing;
  for (size_t i = 1; i < schedule.size(); ++i) {
    for (const auto& [name, value] : schedule[i].params) {
      const auto before = schedule[i - 1].params.find(name);
      if (before == schedule[i - 1].params.end() || before->second != value) changing.insert(name);
    }
  }
  return {changing.begin(), changing.end()};
}

bool NumericThroughout(const std::vector<pbt::ScheduleEntry>& schedule, const std::string& name) {
  return std::all_of(schedule.begin(), schedule.end(), [&](const pbt::ScheduleEntry& e) {
    const auto it = e.params.find(name);
    return it != e.params.end() && it->second.is_number();
  });
}

// One numeric parameter over the schedule, as a staircase to the member's last step.
SvgChart ScheduleChart(const pbt::Member& best, const std::string& name) {
  SvgChart chart("env steps", name);
  chart.Size(520, 260);
  Mark stairs{Mark::Kind::kLine, {}, {}, kBestColour, "", 2};
  const double end = std::max(LaneEnd(best), static_cast<double>(best.schedule.back().step));
  for (size_t i = 0; i < best.schedule.size(); ++i) {
    const auto it = best.schedule[i].params.find(name);
    const double next =
        i + 1 < best.schedule.size() ? static_cast<double>(best.schedule[i + 1].step) : end;
    stairs.x.insert(stairs.x.end(), {static_cast<double>(best.schedule[i].step), next});
    stairs.y.insert(stairs.y.end(), {it->second.as_double(), it->second.as_double()});
    chart.Add(
        {Mark::Kind::kPoint,
         {static_cast<double>(best.schedule[i].step)},
         {it->second.as_double()},
         kBestColour,
         fmt::format("from step {}: {}={}", best.schedule[i].step, name, ReadableValue(it->second)),
         3.5});
  }
  chart.Add(stairs);
  return chart;
}

std::string ScheduleTable(const pbt::Member& best) {
  std::string html = "<table><tr><th>from step</th><th>values</th></tr>";
  for (const pbt::ScheduleEntry& e : best.schedule) {
    html += fmt::format("<tr><td>{}</td><td class=\"params\">{}</td></tr>", e.step,
                        HtmlEscape(ParamsLine(e.params)));
  }
  return html + "</table>";
}

std::string ScheduleHtml(const pbt::Member& best) {
  std::string html = fmt::format(
      "<h2>Best member's schedule</h2><p class=\"note\">member {}: the values it trained with "
      "from each step on, its leaders' before it copied them (best-params writes it as "
      "&lt;sweep&gt;_schedule.yaml; hpo pbt-replay retrains it from scratch)</p>",
      best.index);
  std::string charts;
  for (const std::string& name : ChangingParameters(best.schedule)) {
    if (NumericThroughout(best.schedule, name)) charts += ScheduleChart(best, name).Render();
  }
  if (!charts.empty()) html += "<div class=\"slices\">" + charts + "</div>";
  return html + ScheduleTable(best) + "\n";
}

int ExploitCount(const std::vector<pbt::Member>& members, bool skipped) {
  int n = 0;
  for (const pbt::Member& m : members) {
    const int copies = pbt::Generation(m);
    n += skipped ? static_cast<int>(m.lineage.size()) - copies : copies;
  }
  return n;
}

}  // namespace

std::string PopulationHtml(const std::vector<pbt::Member>& members, const std::string& metric,
                           bool maximize) {
  if (members.empty()) return "";
  const pbt::Member* best = pbt::BestMember(members, maximize);
  std::string html = fmt::format(
      "<h2>Population lineage</h2><p class=\"note\">{} members, {} exploits, {} skipped (the "
      "leader had no checkpoint). Each lane is a member over the steps it reported; a blue "
      "edge ends where a member copied the leader's checkpoint of that step, a red dot where it "
      "would have but the leader had none; green traces the best member's weights back "
      "through the leaders it copied. Hover for the values it took.</p>",
      members.size(), ExploitCount(members, false), ExploitCount(members, true));
  html += LineageChart(members, best, metric).Render() + "\n";
  if (best && !best->schedule.empty()) html += ScheduleHtml(*best);
  return html;
}

std::string PopulationMarkdown(const std::vector<pbt::Member>& members, const std::string& metric,
                               bool maximize) {
  if (members.empty()) return "";
  std::vector<std::pair<const pbt::Member*, const pbt::LineageEntry*>> exploits;
  for (const pbt::Member& m : members) {
    for (const pbt::LineageEntry& e : m.lineage) exploits.emplace_back(&m, &e);
  }
  std::stable_sort(exploits.begin(), exploits.end(),
                   [](const auto& a, const auto& b) { return a.second->step < b.second->step; });
  std::string md =
      fmt::format("\n## Population lineage\n\n{} members, {} exploits, {} skipped\n\n",
                  members.size(), ExploitCount(members, false), ExploitCount(members, true));
  for (const auto& [m, e] : exploits) md += "- " + ExploitTip(*m, *e) + "\n";
  const pbt::Member* best = pbt::BestMember(members, maximize);
  if (!best) return md;
  md += fmt::format("\n## Best member's schedule\n\nmember {} ({} {}):\n\n", best->index, metric,
                    ValueText(best->last_value));
  for (const pbt::ScheduleEntry& e : best->schedule)
    md += fmt::format("- from step {}: {}\n", e.step, ParamsLine(e.params));
  return md;
}

}  // namespace hpo::report
