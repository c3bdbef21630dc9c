#include "lib/report/svg_chart.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "lib/core/value.h"

namespace hpo::report {
namespace {

constexpr int kLeft = 64, kRight = 30, kTop = 12, kBottom = 42;  // room for the last x tick label

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
  std::vector<double> xs, ys;
  for (const Mark& m : marks_) {
    if (m.kind == Mark::Kind::kBar) xs.push_back(0);
    xs.insert(xs.end(), m.x.begin(), m.x.end());
    ys.insert(ys.end(), m.y.begin(), m.y.end());
  }
  Axis x_axis = Fit(xs, log_x_);
  if (!x_categories_.empty())
    x_axis.lo = -0.5, x_axis.hi = static_cast<double>(x_categories_.size()) - 0.5;
  Axis y_axis = Fit(ys, false);
  if (!y_categories_.empty())
    y_axis.lo = -0.6, y_axis.hi = static_cast<double>(y_categories_.size()) - 0.4;
  size_t longest = 0;  // category names sit left of the frame: make room for them
  for (const std::string& name : y_categories_) longest = std::max(longest, name.size());
  const int left = std::max(kLeft, 10 + 7 * static_cast<int>(longest));
  const double plot_w = width_ - left - kRight, plot_h = height_ - kTop - kBottom;
  auto px = [&](double v) { return left + x_axis.Fraction(v) * plot_w; };
  auto py = [&](double v) { return kTop + (1.0 - y_axis.Fraction(v)) * plot_h; };

  // Frame, ticks and labels.
  svg += fmt::format(R"svg(<rect x="{}" y="{}" width="{:.1f}" height="{:.1f}" class="frame"/>)svg",
                     left, kTop, plot_w, plot_h);
  if (x_categories_.empty()) {
    for (double t : x_axis.Ticks()) {
      svg += fmt::format(
          R"svg(<text x="{:.1f}" y="{:.1f}" text-anchor="middle" class="tick">{}</text>)svg", px(t),
          kTop + plot_h + 14, ReadableNumber(t));
    }
  } else {
    for (size_t i = 0; i < x_categories_.size(); ++i) {
      svg += fmt::format(
          R"svg(<text x="{:.1f}" y="{:.1f}" text-anchor="middle" class="tick">{}</text>)svg",
          px(static_cast<double>(i)), kTop + plot_h + 14, HtmlEscape(x_categories_[i]));
    }
  }
  if (y_categories_.empty()) {
    for (double t : y_axis.Ticks()) {
      svg +=
          fmt::format(R"svg(<text x="{}" y="{:.1f}" text-anchor="end" class="tick">{}</text>)svg",
                      left - 4, py(t) + 4, ReadableNumber(t));
    }
  } else {
    for (size_t i = 0; i < y_categories_.size(); ++i) {
      svg +=
          fmt::format(R"svg(<text x="{}" y="{:.1f}" text-anchor="end" class="tick">{}</text>)svg",
                      left - 4, py(static_cast<double>(i)) + 4, HtmlEscape(y_categories_[i]));
    }
  }
  svg += fmt::format(
      R"svg(<text x="{:.1f}" y="{}" text-anchor="middle" class="label">{}</text>)svg",
      left + plot_w / 2, height_ - 6, HtmlEscape(x_label_ + (log_x_ ? " (log scale)" : "")));
  svg += fmt::format(
      R"svg(<text transform="translate(12,{:.1f}) rotate(-90)" text-anchor="middle" )svg"
      R"svg(class="label">{}</text>)svg",
      kTop + plot_h / 2, HtmlEscape(y_label_));

  for (const Mark& m : marks_) {
    const std::string title =
        m.tooltip.empty() ? "" : "<title>" + HtmlEscape(m.tooltip) + "</title>";
    switch (m.kind) {
      case Mark::Kind::kPoint:
        if (!std::isfinite(m.x[0]) || !std::isfinite(m.y[0])) break;
        svg += fmt::format(R"svg(<circle cx="{:.1f}" cy="{:.1f}" r="{}" fill="{}">{}</circle>)svg",
                           px(m.x[0]), py(m.y[0]), m.width, m.colour, title);
        break;
      case Mark::Kind::kLine: {
        std::string points;
        for (size_t i = 0; i < m.x.size(); ++i) {
          if (std::isfinite(m.x[i]) && std::isfinite(m.y[i]))
            points += fmt::format("{:.1f},{:.1f} ", px(m.x[i]), py(m.y[i]));
        }
        svg += fmt::format(R"svg(<polyline points="{}" fill="none" stroke="{}" )svg"
                           R"svg(stroke-width="{}">{}</polyline>)svg",
                           points, m.colour, m.width, title);
        break;
      }
      case Mark::Kind::kBar: {
        const double row = py(m.y[0]),
                     h = plot_h / std::max<double>(1.0, static_cast<double>(y_categories_.size())) *
                         0.7;
        svg +=
            fmt::format(R"svg(<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" )svg"
                        R"svg(fill="{}">{}</rect>)svg",
                        px(0), row - h / 2, std::max(0.0, px(m.x[0]) - px(0)), h, m.colour, title);
        break;
      }
    }
  }
  return svg + "</svg>";
}

}  // namespace hpo::report
