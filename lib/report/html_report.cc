#include "lib/report/html_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "lib/report/best_params.h"
#include "lib/report/population_report.h"
#include "lib/report/seed_values.h"
#include "lib/report/svg_chart.h"

namespace hpo::report {
namespace {

const char* StateColour(store::TrialState state) {
  switch (state) {
    case store::TrialState::kComplete:
      return "#1f77b4";
    case store::TrialState::kPruned:
      return "#ff7f0e";
    case store::TrialState::kFailed:
      return "#d62728";
    default:
      return "#7f7f7f";
  }
}

// What hovering a point or line shows: the trial, its state and value, and its parameters.
std::string TrialTip(const SweepResults& r, const store::Trial& t) {
  std::string params;
  for (const auto& [name, value] : t.params)
    params += fmt::format("{}{}={}", params.empty() ? "" : " ", name, ReadableValue(value));
  return fmt::format("trial {} ({}), {}, {} {}: {}", t.number, RunName(r.location.name, t),
                     store::StateName(t.state), r.info.objectives.Shown(),
                     t.value ? ReadableNumber(*t.value) : std::string("(no value)"), params);
}

// Charts across the page are drawn this wide (then scaled to the page: text stays readable).
constexpr int kWideChart = 1100, kWideChartHeight = 340;

bool Better(const SweepResults& r, double a, double b) {
  return r.info.objectives.maximize ? a > b : a < b;
}

// Where the metric's bad values lie: the side of a chart that may leave its far values out.
SvgChart::FarSide WorseSide(const SweepResults& r) {
  return r.info.objectives.maximize ? SvgChart::FarSide::kBelow : SvgChart::FarSide::kAbove;
}

// Every trial with a value against `x_of(trial)`, coloured by state, and the best-so-far line.
SvgChart History(const SweepResults& r, const std::string& x_label,
                 double (*x_of)(const SweepResults&, const store::Trial&)) {
  SvgChart chart(x_label, r.info.objectives.Shown());
  chart.Size(kWideChart, kWideChartHeight).ClipFarY(WorseSide(r));
  std::vector<const store::Trial*> ordered;
  for (const store::Trial& t : r.trials) {
    if (t.value && std::isfinite(*t.value)) ordered.push_back(&t);
  }
  std::stable_sort(
      ordered.begin(), ordered.end(),
      [&](const store::Trial* a, const store::Trial* b) { return x_of(r, *a) < x_of(r, *b); });
  Mark best{Mark::Kind::kLine, {}, {}, kBestColour, "best so far", 2, false};
  for (const store::Trial* t : ordered) {
    chart.Add({Mark::Kind::kPoint,
               {x_of(r, *t)},
               {*t->value},
               StateColour(t->state),
               TrialTip(r, *t),
               3.5});
    if (t->state != store::TrialState::kComplete) continue;
    const double so_far =
        best.y.empty() || Better(r, *t->value, best.y.back()) ? *t->value : best.y.back();
    best.x.push_back(x_of(r, *t));
    best.y.push_back(so_far);
  }
  if (!best.x.empty()) chart.Add(best);
  return chart;
}

double TrialNumber(const SweepResults&, const store::Trial& t) {
  return static_cast<double>(t.number);
}

double MinutesSinceStart(const SweepResults& r, const store::Trial& t) {
  int64_t start = INT64_MAX;
  for (const store::Trial& u : r.trials) {
    if (u.started_ms > 0) start = std::min(start, u.started_ms);
  }
  return static_cast<double>((t.finished_ms > 0 ? t.finished_ms : t.started_ms) - start) / 60000.0;
}

SvgChart Intermediates(const SweepResults& r) {
  SvgChart chart("step", r.info.objectives.Shown() + " (intermediate)");
  chart.Size(kWideChart, kWideChartHeight).ClipFarY(WorseSide(r));
  for (const store::Trial& t : r.trials) {
    if (t.intermediates.empty()) continue;
    Mark line{Mark::Kind::kLine, {}, {}, StateColour(t.state), TrialTip(r, t), 1.2};
    for (const store::Intermediate& v : t.intermediates)
      line.x.push_back(static_cast<double>(v.step)), line.y.push_back(v.value);
    if (line.x.size() == 1) line.kind = Mark::Kind::kPoint, line.width = 3;
    chart.Add(line);
  }
  return chart;
}

SvgChart ImportanceBars(const std::vector<ParameterImportance>& importance) {
  std::vector<std::string> names;
  for (auto it = importance.rbegin(); it != importance.rend(); ++it)
    names.push_back(it->parameter);  // most important on top
  SvgChart chart("share of the variance explained (fANOVA)", "");
  chart.Size(kWideChart, 60 + 26 * static_cast<int>(names.size())).YCategories(names);
  for (size_t row = 0; row < names.size(); ++row) {
    const ParameterImportance& p = importance[names.size() - 1 - row];
    chart.Add(
        {Mark::Kind::kBar,
         {p.importance},
         {static_cast<double>(row)},
         "#1f77b4",
         fmt::format("{} {:.1f}% +/- {:.1f}", p.parameter, 100 * p.importance, 100 * p.spread)});
    if (p.spread > 0) {  // the share's standard deviation over the forests, as an error bar
      chart.Add({Mark::Kind::kLine,
                 {std::max(0.0, p.importance - p.spread), p.importance + p.spread},
                 {static_cast<double>(row), static_cast<double>(row)},
                 "#222222",
                 "standard deviation over the forests"});
    }
  }
  return chart;
}

// A categorical parameter's values, in the order of their indices.
std::vector<std::string> CategoryNames(const space::SearchSpace& space, size_t k) {
  std::vector<std::string> names;
  names.reserve(static_cast<size_t>(space.dimensions()[k].num_levels));
  for (int level = 0; level < space.dimensions()[k].num_levels; ++level)
    names.push_back(ReadableValue(space.ValueAt(k, level)));
  return names;
}

// One vertical axis per parameter (unit coordinates, so log distributions get log axes) and a
// last one for the score; one line per complete trial, darker for better scores.
std::string ParallelCoordinates(const SweepResults& r, const space::SearchSpace& space) {
  const std::vector<space::Dimension>& dims = space.dimensions();
  const std::vector<store::Trial> ranked = RankTrials(r.trials, r.info.objectives.maximize);
  if (ranked.empty()) return "<p class=\"note\">no complete trial yet</p>";
  // As wide as the other charts (so it scales like them), wider when the axes need more room.
  const int axes = static_cast<int>(dims.size()) + 1, top = 40, height = 220;
  const int gap = std::max(110, (kWideChart - 160) / std::max(axes - 1, 1)),
            width = 80 + gap * (axes - 1) + 80;
  const double best = *ranked.front().value, worst = *ranked.back().value;
  std::string svg = fmt::format(
      R"svg(<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {} {}">)svg", width,
      top + height + 40);
  auto axis_x = [&](int i) { return 80 + gap * i; };
  auto score_y = [&](double v) {
    return top + height * (best == worst ? 0.5 : (best - v) / (best - worst));
  };
  for (auto it = ranked.rbegin(); it != ranked.rend(); ++it) {  // best drawn last, on top
    if (!space.Contains(it->params))
      continue;  // from an earlier space: it has no place on these axes
    const space::UnitPoint unit = space.ToUnit(it->params);
    std::string points;
    for (size_t i = 0; i < dims.size(); ++i) {
      if (std::isnan(unit[i])) continue;  // an inactive conditional parameter: no vertex
      const double f = dims[i].kind == space::DimensionKind::kCategorical && dims[i].num_levels > 1
                           ? unit[i] / (dims[i].num_levels - 1)
                           : unit[i];
      points += fmt::format("{},{:.1f} ", axis_x(static_cast<int>(i)), top + height * (1 - f));
    }
    points += fmt::format("{},{:.1f}", axis_x(axes - 1), score_y(*it->value));
    const double quality = best == worst ? 1.0 : 1.0 - (best - *it->value) / (best - worst);
    svg += fmt::format(
        R"svg(<polyline points="{}" fill="none" stroke="#1f77b4" stroke-opacity="{:.2f}" )svg"
        R"svg(stroke-width="1.5"><title>{}</title></polyline>)svg",
        points, 0.15 + 0.85 * quality, HtmlEscape(TrialTip(r, *it)));
  }
  for (int i = 0; i < axes; ++i) {
    const bool is_score = i == axes - 1;
    std::string name = is_score ? r.info.objectives.Shown() : dims[static_cast<size_t>(i)].name;
    std::string high = is_score ? ReadableNumber(best) : "",
                low = is_score ? ReadableNumber(worst) : "";
    const bool categorical =
        !is_score && dims[static_cast<size_t>(i)].kind == space::DimensionKind::kCategorical;
    if (!is_score && !categorical) {
      const space::Dimension& d = dims[static_cast<size_t>(i)];
      if (d.log_scale) name += " (log)";
      low = ReadableValue(space.ValueAt(static_cast<size_t>(i), 0));
      high = ReadableValue(space.ValueAt(static_cast<size_t>(i), 1));
    }
    svg += fmt::format(R"svg(<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" class="axis"/>)svg",
                       axis_x(i), top, top + height);
    svg += fmt::format(R"svg(<text x="{}" y="{}" text-anchor="middle" class="label">{}</text>)svg",
                       axis_x(i), top - 22, HtmlEscape(name));
    if (categorical) {  // each value beside the axis, at its level
      const std::vector<std::string> names = CategoryNames(space, static_cast<size_t>(i));
      for (size_t level = 0; level < names.size(); ++level) {
        const double f = names.size() > 1
                             ? static_cast<double>(level) / static_cast<double>(names.size() - 1)
                             : 0.5;
        svg += fmt::format(R"svg(<text x="{}" y="{:.1f}" class="tick">{}</text>)svg", axis_x(i) + 4,
                           top + height * (1 - f) + 4, HtmlEscape(names[level]));
      }
      continue;
    }
    svg += fmt::format(R"svg(<text x="{}" y="{}" text-anchor="middle" class="tick">{}</text>)svg",
                       axis_x(i), top - 6, HtmlEscape(high));
    svg += fmt::format(R"svg(<text x="{}" y="{}" text-anchor="middle" class="tick">{}</text>)svg",
                       axis_x(i), top + height + 16, HtmlEscape(low));
  }
  return svg + "</svg>";
}

// Score against each parameter's value (log axes for log distributions; a categorical
// parameter's values along its axis, in their order).
std::string Slices(const SweepResults& r, const space::SearchSpace& space) {
  std::string html;
  const std::vector<space::Dimension>& dims = space.dimensions();
  for (size_t k = 0; k < dims.size(); ++k) {
    const space::Dimension& d = dims[k];
    const bool categorical = d.kind == space::DimensionKind::kCategorical;
    SvgChart chart(d.name, r.info.objectives.Shown());
    chart.Size(360, 240).LogX(d.log_scale && !categorical);
    if (categorical) chart.XCategories(CategoryNames(space, k));
    for (const store::Trial& t : r.trials) {
      const auto it = t.params.find(d.name);
      if (!t.value || it == t.params.end() || !std::isfinite(*t.value)) continue;
      double x;
      if (categorical) {
        if (!space.Contains(t.params))
          continue;  // from an earlier space: its value has no place here
        x = space.ToUnit(t.params)[k];
      } else if (it->second.is_number()) {
        x = it->second.as_double();
      } else {
        continue;
      }
      chart.Add({Mark::Kind::kPoint, {x}, {*t.value}, StateColour(t.state), TrialTip(r, t), 3.5});
    }
    html += "<div>" + chart.Render() + "</div>";
  }
  return "<div class=\"slices\">" + html + "</div>";
}

SvgChart CostVsScore(const SweepResults& r) {
  SvgChart chart("cost (wall-clock seconds)", r.info.objectives.Shown());
  chart.Size(kWideChart, kWideChartHeight);
  for (const store::Trial& t : r.trials) {
    if (t.value && std::isfinite(*t.value) && t.cost > 0) {
      chart.Add({Mark::Kind::kPoint,
                 {t.cost},
                 {*t.value},
                 StateColour(t.state),
                 TrialTip(r, t) + fmt::format(" ({:.1f} s)", t.cost),
                 3.5});
    }
  }
  Mark front{Mark::Kind::kLine, {}, {}, kBestColour, "Pareto front: best score for its cost", 2};
  for (const store::Trial& t : ParetoFront(r.trials, r.info.objectives.maximize))
    front.x.push_back(t.cost), front.y.push_back(*t.value);
  if (!front.x.empty()) chart.Add(front);
  return chart;
}

// A multi-objective study: every pair of objectives against each other, the Pareto front's
// trials marked (a front over all objectives: in a pair's chart, a front trial may look beaten).
std::string ObjectivePairs(const SweepResults& r) {
  const std::vector<Objective> objectives = r.info.objectives.All();
  const std::vector<store::Trial> ranked =
      RankTrials(r.trials, r.info.objectives.maximize, r.info.objectives.more);
  std::set<int64_t> front;
  for (const store::Trial& t : ObjectiveFront(r.trials, objectives)) front.insert(t.number);
  std::string html;
  for (size_t a = 0; a < objectives.size(); ++a) {
    for (size_t b = a + 1; b < objectives.size(); ++b) {
      SvgChart chart(objectives[a].name, objectives[b].name);
      chart.Size(420, 300);
      for (const store::Trial& t : ranked) {
        const bool on_front = front.count(t.number) > 0;
        const std::vector<double> values = ObjectiveValues(t, objectives.size());
        chart.Add({Mark::Kind::kPoint,
                   {values[a]},
                   {values[b]},
                   on_front ? kBestColour : StateColour(t.state),
                   TrialTip(r, t) + (on_front ? " (Pareto front)" : ""),
                   on_front ? 5.0 : 3.5});
      }
      html += "<div>" + chart.Render() + "</div>";
    }
  }
  return "<div class=\"slices\">" + html + "</div>" +
         fmt::format("<p class=\"note\">{} trial(s) on the Pareto front of {} (marked)</p>",
                     front.size(), HtmlEscape(r.info.objectives.Describe()));
}

std::string TopTable(const SweepResults& r, int top_n) {
  const std::vector<store::Trial> ranked =
      RankTrials(r.trials, r.info.objectives.maximize, r.info.objectives.more);
  const std::vector<Objective> objectives = r.info.objectives.All();
  const bool shows_seeds = ShowsSeeds(r.info.seeds, r.trials);
  std::string html = "<table><tr><th>rank</th><th>run</th>";
  html += "<th>" + HtmlEscape(r.info.objectives.Shown()) + "</th>";  // with its label
  for (const Objective& o : r.info.objectives.more) html += "<th>" + HtmlEscape(o.name) + "</th>";
  if (shows_seeds) html += "<th>seeds</th>";
  html += "<th>cost (s)</th><th>parameters</th></tr>";
  for (size_t i = 0; i < std::min<size_t>(static_cast<size_t>(top_n), ranked.size()); ++i) {
    std::string params;
    for (const auto& [name, value] : ranked[i].params)
      params += fmt::format("{}={} ", name, ReadableValue(value));
    const std::string run = HtmlEscape(RunName(r.location.name, ranked[i]));
    html += fmt::format(
        "<tr><td>{}</td><td>{}</td>", i + 1,
        ranked[i].run_dir.empty()
            ? run
            : fmt::format("<a href=\"file://{}\">{}</a>", HtmlEscape(ranked[i].run_dir), run));
    for (double v : ObjectiveValues(ranked[i], objectives.size()))
      html += "<td>" + ReadableNumber(v) + "</td>";
    if (shows_seeds) html += "<td>" + HtmlEscape(SeedsText(ranked[i], r.info.seeds)) + "</td>";
    html += fmt::format("<td>{:.1f}</td><td class=\"params\">{}</td></tr>", ranked[i].cost,
                        HtmlEscape(params));
  }
  return html + "</table>";
}

std::map<std::string, int> StateCounts(const SweepResults& r) {
  std::map<std::string, int> counts;
  for (const store::Trial& t : r.trials) ++counts[std::string(store::StateName(t.state))];
  return counts;
}

std::string CountsLine(const SweepResults& r) {
  std::string line = fmt::format("{} trials", r.trials.size());
  for (const auto& [state, n] : StateCounts(r)) line += fmt::format(", {} {}", n, state);
  return line;
}

const char* const kStyle = R"css(
body { font-family: sans-serif; margin: 24px; color: #222; max-width: 1600px; }
svg.chart { width: 100%; height: auto; display: block; }
.slices { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 8px; }
h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 28px; border-bottom: 1px solid #ddd; }
.note, .tick { fill: #666; color: #666; font-size: 11px; } .label { font-size: 12px; fill: #333; }
.frame { fill: none; stroke: #999; } .axis { stroke: #999; }
.legend span { margin-right: 14px; }
.dot { display: inline-block; width: 10px; height: 10px; border-radius: 5px; }
table { border-collapse: collapse; font-size: 13px; }
td, th { border: 1px solid #ddd; padding: 4px 8px; text-align: left; }
td.params { font-family: monospace; font-size: 12px; }
)css";

}  // namespace

std::string HtmlReport(const SweepResults& r, const std::vector<ParameterImportance>& importance,
                       int top_n) {
  const std::vector<store::Trial> ranked =
      RankTrials(r.trials, r.info.objectives.maximize, r.info.objectives.more);
  std::string html = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>hpo report: "
      "{0}</title><style>{1}</style></head><body>\n"
      "<h1>Sweep {0}</h1><p>{2} ({3}); best {4}: {5}</p>\n"
      "<p class=\"legend\"><span><i class=\"dot\" style=\"background:{6}\"></i> complete</span>"
      "<span><i class=\"dot\" style=\"background:{7}\"></i> pruned</span><span><i class=\"dot\" "
      "style=\"background:{8}\"></i> failed</span>"
      "<span><i class=\"dot\" style=\"background:{9}\"></i> best so far / Pareto "
      "front</span></p>\n",
      HtmlEscape(r.location.name), kStyle, CountsLine(r),
      r.info.objectives.maximize ? "maximise" : "minimise", HtmlEscape(r.info.objectives.Shown()),
      ranked.empty() ? std::string("none yet")
                     : fmt::format("{} ({})", ReadableNumber(*ranked[0].value),
                                   HtmlEscape(RunName(r.location.name, ranked[0]))),
      StateColour(store::TrialState::kComplete), StateColour(store::TrialState::kPruned),
      StateColour(store::TrialState::kFailed), kBestColour);
  html += "<h2>Optimization history</h2>" + History(r, "trial number", TrialNumber).Render() + "\n";
  html += "<h2>History by wall time</h2>" +
          History(r, "minutes since the first trial started", MinutesSinceStart).Render() + "\n";
  html += "<h2>Intermediate values</h2>" + Intermediates(r).Render() + "\n";
  html += "<h2>Parameter importance</h2>";
  html += importance.empty() ? "<p class=\"note\">needs at least 3 complete trials</p>"
                             : ImportanceBars(importance).Render() +
                                   fmt::format(
                                       "<p class=\"note\">fANOVA on random forests, as "
                                       "Optuna's; +/- the standard deviation over {} "
                                       "forests (hpo importance)</p>",
                                       kForests);
  html += "\n";
  if (r.config) {
    const space::SearchSpace space = r.config->BuildSpace();
    html += "<h2>Parallel coordinates</h2>" + ParallelCoordinates(r, space) + "\n";
    html += "<h2>Slice plots</h2>" + Slices(r, space) + "\n";
  }
  if (r.info.objectives.Multi()) html += "<h2>Pareto front</h2>" + ObjectivePairs(r) + "\n";
  html += "<h2>Cost vs score</h2>" + CostVsScore(r).Render() + "\n";
  html += PopulationHtml(r.population, r.info.objectives.Shown(), r.info.objectives.maximize);
  const std::string seeds = SeedsSentence(r.info.objectives.Shown(), r.info.seeds);
  html += fmt::format("<h2>Top {} trials</h2>", top_n);
  if (!seeds.empty()) html += "<p class=\"note\">" + HtmlEscape(seeds) + "</p>";
  html += TopTable(r, top_n) + "\n</body></html>\n";
  return html;
}

std::string MarkdownReport(const SweepResults& r,
                           const std::vector<ParameterImportance>& importance, int top_n) {
  const std::vector<store::Trial> ranked =
      RankTrials(r.trials, r.info.objectives.maximize, r.info.objectives.more);
  std::string md =
      fmt::format("# Sweep {}\n\n{} ({} {})\n\n", r.location.name, CountsLine(r),
                  r.info.objectives.maximize ? "maximise" : "minimise", r.info.objectives.Shown());
  const bool shows_seeds = ShowsSeeds(r.info.seeds, r.trials);
  const std::string sentence = SeedsSentence(r.info.objectives.Shown(), r.info.seeds);
  md += fmt::format("## Top {} trials\n\n{}| rank | run | {} |{} cost (s) | parameters |\n", top_n,
                    sentence.empty() ? "" : sentence + "\n\n", r.info.objectives.Shown(),
                    shows_seeds ? " seeds |" : "");
  md +=
      shows_seeds ? "| --- | --- | --- | --- | --- | --- |\n" : "| --- | --- | --- | --- | --- |\n";
  for (size_t i = 0; i < std::min<size_t>(static_cast<size_t>(top_n), ranked.size()); ++i) {
    std::string params;
    for (const auto& [name, value] : ranked[i].params)
      params += fmt::format("{}={} ", name, ReadableValue(value));
    const std::string seeds = shows_seeds ? " " + SeedsText(ranked[i], r.info.seeds) + " |" : "";
    md += fmt::format("| {} | {} | {} |{} {:.1f} | {} |\n", i + 1,
                      RunName(r.location.name, ranked[i]), ReadableNumber(*ranked[i].value), seeds,
                      ranked[i].cost, params);
  }
  if (r.info.objectives.Multi()) {
    md += fmt::format("\n## Pareto front of {}\n\n", r.info.objectives.Describe());
    for (const store::Trial& t : ObjectiveFront(r.trials, r.info.objectives.All())) {
      md += fmt::format("- {}: {}\n", RunName(r.location.name, t),
                        ObjectiveValuesText(t, r.info.objectives.All()));
    }
  }
  md += "\n## Pareto front (best score for its cost)\n\n";
  for (const store::Trial& t : ParetoFront(r.trials, r.info.objectives.maximize)) {
    md += fmt::format("- {}: {} in {:.1f} s\n", RunName(r.location.name, t),
                      ReadableNumber(*t.value), t.cost);
  }
  md += "\n## Parameter importance\n\n";
  if (importance.empty()) md += "needs at least 3 complete trials\n";
  for (const ParameterImportance& p : importance)
    md +=
        fmt::format("- {}: {:.1f}% +/- {:.1f}\n", p.parameter, 100 * p.importance, 100 * p.spread);
  return md +
         PopulationMarkdown(r.population, r.info.objectives.Shown(), r.info.objectives.maximize);
}

}  // namespace hpo::report
