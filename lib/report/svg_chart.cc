#include "lib/report/svg_chart.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <utility>
#include <vector>

#include "lib/core/value.h"

namespace hpo::report {
namespace {

constexpr int kLeft = 64, kRight = 30, kTop = 12, kBottom = 42;  // room for the last x tick label
constexpr int kNoteLine = 14;  // a second line of y label: the note of values off the chart

struct Axis {
  double lo = 0, hi = 1;
  bool log = false;

  double Transform(double v) const { return log ? std::log10(std::max(v, 1e-300)) : v; }
  // Position in [0, 1] along the axis.
  double Fraction(double v) const {
    const double a = Transform(lo), b = Transform(hi);
    return b > a ? (Transform(v) - a) / (b - a) : 0.5;
  }
  // Round values a reader can use: multiples of 1, 2 or 5 x 10^k (about 5 of them) on linear
  // axes; 1, 2, 5 x 10^k on log axes (only powers of ten when they span many decades).
  std::vector<double> Ticks() const {
    std::vector<double> ticks;
    if (log) {
      const int first = static_cast<int>(std::floor(std::log10(lo))),
                last = static_cast<int>(std::ceil(std::log10(hi)));
      const std::vector<double> mantissas =
          last - first > 2 ? std::vector<double>{1} : std::vector<double>{1, 2, 5};
      for (int e = first; e <= last; ++e) {
        for (double m : mantissas) {
          const double t = m * std::pow(10.0, e);
          if (t >= lo && t <= hi) ticks.push_back(t);
        }
      }
      return ticks;
    }
    const double raw = (hi - lo) / 5, magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    const double step = magnitude * (raw / magnitude < 1.5   ? 1
                                     : raw / magnitude < 3.5 ? 2
                                     : raw / magnitude < 7.5 ? 5
                                                             : 10);
    for (double t = std::ceil(lo / step) * step; t <= hi + step * 1e-9; t += step)
      ticks.push_back(std::fabs(t) < step * 1e-9 ? 0.0 : t);
    return ticks;
  }
};

Axis Fit(const std::vector<double>& values, bool log) {
  Axis axis;
  axis.log = log;
  double lo = INFINITY, hi = -INFINITY;
  for (double v : values) {
    if (!std::isfinite(v) || (log && v <= 0)) continue;
    lo = std::min(lo, v), hi = std::max(hi, v);
  }
  if (!std::isfinite(lo)) lo = log ? 1 : 0, hi = log ? 10 : 1;
  if (hi == lo) {
    const double pad = log ? 0 : std::max(std::fabs(lo) * 0.1, 1.0);
    lo -= pad, hi += pad;
    if (log) lo /= 2, hi *= 2;
  } else if (!log) {
    const double pad = (hi - lo) * 0.04;  // keep points off the frame
    lo -= pad, hi += pad;
  }
  axis.lo = lo, axis.hi = hi;
  return axis;
}

// ---------------------------------------------------------------------------------------------
// Far values (ClipFarY)
// ---------------------------------------------------------------------------------------------

// Tukey's fence, the box plot's whisker rule: 1.5 interquartile ranges beyond the quartile.
// - On normally distributed values it lies 2.7 standard deviations out, past 0.35% of them: a
//   chart without outliers almost never changes.
// - A quarter of the values may be far without moving the quartile. On the default LunarLander
//   sweep, whose first evaluations trail down to -5081 (docs/benchmarks.md, "Report charts"),
//   the values that decide pruning took 6% of the chart's height with every value in range, 28%
//   with the 5th to 95th percentile widened by half their distance, and 39% with this fence.
constexpr double kFenceInterquartiles = 1.5;

// Linear interpolation between the order statistics (numpy's default method).
double Quantile(const std::vector<double>& sorted, double q) {
  const double index = q * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<size_t>(std::floor(index));
  const size_t above = std::min(below + 1, sorted.size() - 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (index - std::floor(index));
}

// The values on this side of the fence on `side`, placed by the quartiles of `sample`: the ones
// the y axis is fitted to.
std::vector<double> InsideFence(std::vector<double> values, std::vector<double> sample,
                                SvgChart::FarSide side) {
  std::erase_if(sample, [](double v) { return !std::isfinite(v); });
  if (sample.size() < 2 || side == SvgChart::FarSide::kNone) return values;
  std::sort(sample.begin(), sample.end());
  const double q1 = Quantile(sample, 0.25), q3 = Quantile(sample, 0.75);
  const double reach = kFenceInterquartiles * (q3 - q1);
  if (reach <= 0) return values;  // half the values are equal: no spread to call anything far by
  if (side == SvgChart::FarSide::kBelow) {
    std::erase_if(values, [&](double v) { return v < q1 - reach; });
  } else {
    std::erase_if(values, [&](double v) { return v > q3 + reach; });
  }
  return values;
}

// ---------------------------------------------------------------------------------------------
// Drawing
// ---------------------------------------------------------------------------------------------

// Where the plot area sits in the picture, and data coordinates to pixels.
struct Frame {
  Axis x, y;
  double left = kLeft, top = kTop, width = 0, height = 0;

  double Px(double v) const { return left + x.Fraction(v) * width; }
  // A value beyond the y range (ClipFarY) is drawn at the edge it passed.
  double Py(double v) const { return top + (1.0 - std::clamp(y.Fraction(v), 0.0, 1.0)) * height; }
  bool OffChart(double v) const { return v < y.lo || v > y.hi; }
};

// Every (x, y) vertex of the marks beyond the y range, once each: the best-so-far line passes
// through the points of the trials it follows, and each clipped value is one triangle.
std::set<std::pair<double, double>> OffChartPoints(const std::vector<Mark>& marks,
                                                   const Frame& frame) {
  std::set<std::pair<double, double>> off;
  for (const Mark& m : marks) {
    if (m.kind == Mark::Kind::kBar) continue;
    for (size_t i = 0; i < m.x.size(); ++i) {
      if (std::isfinite(m.x[i]) && std::isfinite(m.y[i]) && frame.OffChart(m.y[i]))
        off.insert({m.x[i], m.y[i]});
    }
  }
  return off;
}

// "(3 points below -412 drawn at the edge)", or nothing when every value is on the chart.
std::string OffChartNote(const std::set<std::pair<double, double>>& off, const Axis& y) {
  if (off.empty()) return "";
  const bool below = off.begin()->second < y.lo;  // ClipFarY leaves out one side only
  return fmt::format("({} point{} {} {} drawn at the edge)", off.size(), off.size() == 1 ? "" : "s",
                     below ? "below" : "above", ReadableNumber(below ? y.lo : y.hi));
}

// A triangle on the edge the value passed, pointing off the chart, with the mark's tooltip and
// the value it stands for.
std::string EdgeMarker(const Frame& frame, const Mark& m, size_t i, const std::string& x_label) {
  const bool below = m.y[i] < frame.y.lo;
  const double x = frame.Px(m.x[i]), edge = below ? frame.top + frame.height : frame.top;
  const double base = below ? edge - 7 : edge + 7;
  const std::string tip = fmt::format("{}{}{} at {} {}: off the chart, drawn at its edge",
                                      m.tooltip, m.tooltip.empty() ? "" : "; ",
                                      ReadableNumber(m.y[i]), x_label, ReadableNumber(m.x[i]));
  return fmt::format(
      R"svg(<path class="clipped" d="M{:.1f},{:.1f} L{:.1f},{:.1f} L{:.1f},{:.1f} Z" )svg"
      R"svg(fill="{}"><title>{}</title></path>)svg",
      x - 4.5, base, x + 4.5, base, x, edge, m.colour, HtmlEscape(tip));
}

std::string XTicks(const Frame& frame, const std::vector<std::string>& categories) {
  std::string svg;
  const double baseline = frame.top + frame.height + 14;
  auto tick = [&](double at, const std::string& text) {
    svg += fmt::format(
        R"svg(<text x="{:.1f}" y="{:.1f}" text-anchor="middle" class="tick">{}</text>)svg",
        frame.Px(at), baseline, text);
  };
  if (categories.empty()) {
    for (double t : frame.x.Ticks()) tick(t, ReadableNumber(t));
  } else {
    for (size_t i = 0; i < categories.size(); ++i)
      tick(static_cast<double>(i), HtmlEscape(categories[i]));
  }
  return svg;
}

std::string YTicks(const Frame& frame, const std::vector<std::string>& categories) {
  std::string svg;
  auto tick = [&](double at, const std::string& text) {
    svg += fmt::format(R"svg(<text x="{}" y="{:.1f}" text-anchor="end" class="tick">{}</text>)svg",
                       frame.left - 4, frame.Py(at) + 4, text);
  };
  if (categories.empty()) {
    for (double t : frame.y.Ticks()) tick(t, ReadableNumber(t));
  } else {
    for (size_t i = 0; i < categories.size(); ++i)
      tick(static_cast<double>(i), HtmlEscape(categories[i]));
  }
  return svg;
}

// The y label along the left edge; the note of clipped values, if any, on a second line.
std::string YLabel(const Frame& frame, const std::string& label, const std::string& note) {
  const std::string second =
      note.empty() ? ""
                   : fmt::format(R"svg(<tspan x="0" dy="{}" class="note">{}</tspan>)svg", kNoteLine,
                                 HtmlEscape(note));
  return fmt::format(
      R"svg(<text transform="translate(12,{:.1f}) rotate(-90)" text-anchor="middle" )svg"
      R"svg(class="label">{}{}</text>)svg",
      frame.top + frame.height / 2, HtmlEscape(label), second);
}

// One mark, and a triangle at the edge for each of its values beyond the y range that no
// earlier mark has drawn (`undrawn` loses the ones drawn here).
std::string DrawMark(const Frame& frame, const Mark& m, size_t rows, const std::string& x_label,
                     std::set<std::pair<double, double>>& undrawn) {
  const std::string title = m.tooltip.empty() ? "" : "<title>" + HtmlEscape(m.tooltip) + "</title>";
  std::string svg;
  switch (m.kind) {
    case Mark::Kind::kPoint:
      if (!std::isfinite(m.x[0]) || !std::isfinite(m.y[0]) || frame.OffChart(m.y[0])) break;
      svg += fmt::format(R"svg(<circle cx="{:.1f}" cy="{:.1f}" r="{}" fill="{}">{}</circle>)svg",
                         frame.Px(m.x[0]), frame.Py(m.y[0]), m.width, m.colour, title);
      break;
    case Mark::Kind::kLine: {
      std::string points;
      for (size_t i = 0; i < m.x.size(); ++i) {
        if (std::isfinite(m.x[i]) && std::isfinite(m.y[i]))
          points += fmt::format("{:.1f},{:.1f} ", frame.Px(m.x[i]), frame.Py(m.y[i]));
      }
      svg += fmt::format(R"svg(<polyline points="{}" fill="none" stroke="{}" )svg"
                         R"svg(stroke-width="{}">{}</polyline>)svg",
                         points, m.colour, m.width, title);
      break;
    }
    case Mark::Kind::kBar: {
      const double row = frame.Py(m.y[0]),
                   h = frame.height / std::max<double>(1.0, static_cast<double>(rows)) * 0.7;
      svg += fmt::format(R"svg(<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" )svg"
                         R"svg(fill="{}">{}</rect>)svg",
                         frame.Px(0), row - h / 2, std::max(0.0, frame.Px(m.x[0]) - frame.Px(0)), h,
                         m.colour, title);
      return svg;
    }
  }
  for (size_t i = 0; i < m.x.size(); ++i) {
    if (undrawn.erase({m.x[i], m.y[i]}) > 0) svg += EdgeMarker(frame, m, i, x_label);
  }
  return svg;
}

}  // namespace

std::string HtmlEscape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string SvgChart::Render() const {
  std::string svg = fmt::format(
      R"svg(<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {} {}">)svg", width_,
      height_);
  if (marks_.empty()) {
    return svg +
           fmt::format(R"svg(<text x="{}" y="{}" text-anchor="middle" class="note">no data )svg"
                       R"svg(yet</text></svg>)svg",
                       width_ / 2, height_ / 2);
  }
  std::vector<double> xs, ys, quartile_sample;
  for (const Mark& m : marks_) {
    if (m.kind == Mark::Kind::kBar) xs.push_back(0);
    xs.insert(xs.end(), m.x.begin(), m.x.end());
    ys.insert(ys.end(), m.y.begin(), m.y.end());
    if (m.in_quartiles) quartile_sample.insert(quartile_sample.end(), m.y.begin(), m.y.end());
  }
  Frame frame;
  frame.x = Fit(xs, log_x_);
  if (!x_categories_.empty())
    frame.x.lo = -0.5, frame.x.hi = static_cast<double>(x_categories_.size()) - 0.5;
  frame.y = Fit(InsideFence(std::move(ys), std::move(quartile_sample), clip_far_y_), false);
  if (!y_categories_.empty())
    frame.y.lo = -0.6, frame.y.hi = static_cast<double>(y_categories_.size()) - 0.4;
  size_t longest = 0;  // category names sit left of the frame: make room for them
  for (const std::string& name : y_categories_) longest = std::max(longest, name.size());
  frame.left = std::max(kLeft, 10 + 7 * static_cast<int>(longest));
  frame.width = width_ - frame.left - kRight, frame.height = height_ - kTop - kBottom;
  std::set<std::pair<double, double>> off_chart = OffChartPoints(marks_, frame);
  const std::string note = OffChartNote(off_chart, frame.y);
  if (!note.empty()) frame.left += kNoteLine, frame.width -= kNoteLine;

  svg += fmt::format(R"svg(<rect x="{}" y="{}" width="{:.1f}" height="{:.1f}" class="frame"/>)svg",
                     frame.left, frame.top, frame.width, frame.height);
  svg += XTicks(frame, x_categories_) + YTicks(frame, y_categories_);
  svg +=
      fmt::format(R"svg(<text x="{:.1f}" y="{}" text-anchor="middle" class="label">{}</text>)svg",
                  frame.left + frame.width / 2, height_ - 6,
                  HtmlEscape(x_label_ + (log_x_ ? " (log scale)" : "")));
  svg += YLabel(frame, y_label_, note);
  for (const Mark& m : marks_) svg += DrawMark(frame, m, y_categories_.size(), x_label_, off_chart);
  return svg + "</svg>";
}

}  // namespace hpo::report
