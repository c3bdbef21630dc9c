// Inline SVG charts for the HTML report: no JavaScript, no network, nothing to load.
// A chart has data coordinates on both axes (optionally logarithmic), and is drawn from marks:
// points, polylines and horizontal bars, each with a colour and a tooltip (<title>).
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
};

class SvgChart {
 public:
  SvgChart(std::string x_label, std::string y_label)
      : x_label_(std::move(x_label)), y_label_(std::move(y_label)) {}
  SvgChart& LogX(bool on = true) {
    log_x_ = on;
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
  int width_ = 560, height_ = 300;
  std::vector<std::string> y_categories_, x_categories_;
  std::vector<Mark> marks_;
};

/// Text safe inside HTML and SVG.
std::string HtmlEscape(const std::string& text);

}  // namespace hpo::report
