// Inline SVG charts for the HTML report: no JavaScript, no network, nothing to load.
// A chart has data coordinates on both axes (optionally logarithmic), and is drawn from marks:
// points, polylines and horizontal bars, each with a colour and a tooltip (<title>).
// ClipFarY() lets the y axis leave out values far on one side: they are drawn at its edge as
// triangles pointing off the chart, and the y label says how many.
#pragma once

#include <string>
#include <vector>

namespace hpo::report {

struct Mark {
  enum class Kind { kPoint, kLine, kBar } kind = Kind::kPoint;
  std::vector<double> x,
      y;  ///< one entry for a point; the vertices of a line; a bar: x = {length}, y = {row}
  std::string colour = "#1f77b4";
  std::string tooltip;
  double width = 1.5;  ///< line width or point radius
  /// False for a summary of the other marks (the best-so-far line): its values are left out of
  /// the quartiles of ClipFarY, which would otherwise count the best trials twice.
  bool in_quartiles = true;
};

class SvgChart {
 public:
  SvgChart(std::string x_label, std::string y_label)
      : x_label_(std::move(x_label)), y_label_(std::move(y_label)) {}
  SvgChart& LogX(bool on = true) {
    log_x_ = on;
    return *this;
  }
  /// The side of the y axis that may leave out far values: the worse one (kBelow for a metric
  /// that is maximised). RL curves start far below where they end, and the first evaluations of
  /// bad policies (-5081 in the default LunarLander sweep) would otherwise flatten every curve into
  /// a band; the better side always shows every value, since the best ones are what a reader looks
  /// for.
  enum class FarSide { kNone, kBelow, kAbove };
  /// Values beyond Tukey's fence on `side` (1.5 interquartile ranges past the quartile) are
  /// left out of the y range and drawn at its edge: a triangle pointing off the chart (class
  /// "clipped"), counted in the y label ("3 points below -412 drawn at the edge").
  SvgChart& ClipFarY(FarSide side) {
    clip_far_y_ = side;
    return *this;
  }
  SvgChart& Size(int width, int height) {
    width_ = width, height_ = height;
    return *this;
  }
  /// Labels for integer y rows (bar charts and parallel coordinates draw text instead of numbers).
  SvgChart& YCategories(std::vector<std::string> names) {
    y_categories_ = std::move(names);
    return *this;
  }
  /// Labels for integer x positions 0..n-1 (a categorical parameter's values, in their order).
  SvgChart& XCategories(std::vector<std::string> names) {
    x_categories_ = std::move(names);
    return *this;
  }
  SvgChart& Add(Mark mark) {
    marks_.push_back(std::move(mark));
    return *this;
  }
  bool empty() const { return marks_.empty(); }

  /// The <svg> element, drawn at its size and scaled to the width of its container (the page,
  /// or a grid cell). A chart without marks says so in its body instead of drawing axes.
  std::string Render() const;

 private:
  std::string x_label_, y_label_;
  bool log_x_ = false;
  FarSide clip_far_y_ = FarSide::kNone;
  int width_ = 560, height_ = 300;
  std::vector<std::string> y_categories_, x_categories_;
  std::vector<Mark> marks_;
};

/// The colour of whatever is best: the best-so-far line, the Pareto front, PBT's best member.
inline constexpr const char* kBestColour = "#2ca02c";

/// Text safe inside HTML and SVG.
std::string HtmlEscape(const std::string& text);

}  // namespace hpo::report
