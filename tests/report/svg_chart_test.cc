#include "lib/report/svg_chart.h"

#include <gtest/gtest.h>

#include <cmath>
#include <regex>

namespace hpo::report {
namespace {

bool HasTick(const std::string& svg, const std::string& label) {
  return svg.find(">" + label + "</text>") != std::string::npos;
}

int Count(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// The default 560x300 chart's plot area spans y = 12 (top edge) to 12 + 246 = 258 (bottom).
constexpr double kTopEdge = 12, kBottomEdge = 258;

// The pixel y of every circle, in drawing order.
std::vector<double> CircleYs(const std::string& svg) {
  std::vector<double> ys;
  const std::regex cy(R"re(<circle cx="[-0-9.]+" cy="([-0-9.]+)")re");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), cy); it != std::sregex_iterator();
       ++it)
    ys.push_back(std::stod((*it)[1]));
  return ys;
}

// The apex (last vertex) y of every edge triangle.
std::vector<double> EdgeMarkerYs(const std::string& svg) {
  std::vector<double> ys;
  const std::regex path(R"re(<path class="clipped" d="M[^"]* L[-0-9.]+,([-0-9.]+) Z")re");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), path); it != std::sregex_iterator();
       ++it)
    ys.push_back(std::stod((*it)[1]));
  return ys;
}

// Values spread like a LunarLander sweep's curves, -300 to 280, and one first evaluation of a
// policy that flew off the screen.
SvgChart CurvesWithOneCrash(SvgChart::FarSide side) {
  SvgChart chart("step", "reward");
  chart.ClipFarY(side);
  for (int i = 0; i < 40; ++i) {
    chart.Add({Mark::Kind::kPoint, {1000.0 * i}, {-300.0 + 580.0 * i / 39}, "#000", "", 3});
  }
  chart.Add({Mark::Kind::kPoint, {0}, {-3000}, "#d62728", "trial 7", 3});
  return chart;
}

// Twenty curves from about -200 to about 200; the first starts at -3000, the last ends at 5000.
SvgChart CurvesFarOnBothSides(SvgChart::FarSide side) {
  SvgChart chart("step", "reward");
  chart.ClipFarY(side);
  for (int c = 0; c < 20; ++c) {
    Mark line{Mark::Kind::kLine, {1, 2, 3, 4}, {}, "#1f77b4", "curve", 1.2};
    for (int s = 1; s <= 4; ++s) line.y.push_back(-200.0 + 20 * c + 25 * s);
    if (c == 0) line.y[0] = -3000;
    if (c == 19) line.y[3] = 5000;
    chart.Add(line);
  }
  return chart;
}

// n values at the normal distribution's quantiles (i + 0.5) / n: a sample without outliers.
std::vector<double> NormalSample(int n) {
  std::vector<double> values;
  for (int i = 0; i < n; ++i) {
    const double p = (i + 0.5) / n;
    double lo = -10, hi = 10;  // bisection on the normal CDF
    for (int step = 0; step < 100; ++step) {
      const double mid = (lo + hi) / 2;
      (0.5 * std::erfc(-mid / std::sqrt(2.0)) < p ? lo : hi) = mid;
    }
    values.push_back(50 + 20 * lo);
  }
  return values;
}

TEST(SvgChartTest, LinearAxesGetRoundTicks) {
  SvgChart chart("trial", "score");
  for (int i = 0; i <= 29; ++i)
    chart.Add({Mark::Kind::kPoint, {static_cast<double>(i)}, {-600.0 + 30 * i}, "#000", "", 3});
  const std::string svg = chart.Render();
  for (const char* tick : {"0", "5", "10", "15", "20", "25"})
    EXPECT_TRUE(HasTick(svg, tick)) << tick;
  for (const char* tick : {"-600", "-400", "-200", "0", "200"})
    EXPECT_TRUE(HasTick(svg, tick)) << tick;
  EXPECT_FALSE(HasTick(svg, "6.67"));
}

TEST(SvgChartTest, LogAxesGetOneTwoFiveTicksWrittenReadably) {
  SvgChart chart("learning_rate", "score");
  chart.LogX();
  chart.Add({Mark::Kind::kPoint, {1.2e-4}, {1}, "#000", "", 3})
      .Add({Mark::Kind::kPoint, {9e-3}, {2}, "#000", "", 3});
  const std::string svg = chart.Render();
  for (const char* tick : {"2e-04", "5e-04", "1e-03", "2e-03", "5e-03"})
    EXPECT_TRUE(HasTick(svg, tick)) << tick;
  EXPECT_NE(svg.find("learning_rate (log scale)"), std::string::npos);
}

TEST(SvgChartTest, FarValuesOnTheWorseSideAreDrawnAtTheEdgeAndCounted) {
  const std::string plain = CurvesWithOneCrash(SvgChart::FarSide::kNone).Render();
  EXPECT_TRUE(HasTick(plain, "-3000"));  // every value in range: the curves in the top sixth
  EXPECT_EQ(Count(plain, "<circle"), 41);

  const std::string svg = CurvesWithOneCrash(SvgChart::FarSide::kBelow).Render();
  for (const char* tick : {"-300", "-200", "0", "200"}) EXPECT_TRUE(HasTick(svg, tick)) << tick;
  EXPECT_FALSE(HasTick(svg, "-3000"));
  EXPECT_FALSE(HasTick(svg, "-1000"));
  // The 40 values on the chart fill its height but for the 4% margins; the crash is a
  // triangle on the bottom edge, with its trial and value, and the label counts it.
  const std::vector<double> ys = CircleYs(svg);
  ASSERT_EQ(ys.size(), 40u);
  EXPECT_NEAR(*std::min_element(ys.begin(), ys.end()), kTopEdge + 246 * 0.04 / 1.08, 0.1);
  EXPECT_NEAR(*std::max_element(ys.begin(), ys.end()), kBottomEdge - 246 * 0.04 / 1.08, 0.1);
  EXPECT_EQ(EdgeMarkerYs(svg), std::vector<double>{kBottomEdge});
  EXPECT_NE(svg.find("<title>trial 7; -3000 at step 0: off the chart, drawn at its edge</title>"),
            std::string::npos)
      << svg;
  EXPECT_NE(svg.find(">reward<tspan x=\"0\" dy=\"14\" class=\"note\">(1 point below -323.2 drawn "
                     "at the edge)</tspan></text>"),
            std::string::npos)
      << svg;
}

TEST(SvgChartTest, TheBetterSideKeepsItsFarValues) {
  // A maximised metric: the crash goes to the bottom edge, the 5000 stays on the chart.
  const std::string maximised = CurvesFarOnBothSides(SvgChart::FarSide::kBelow).Render();
  EXPECT_EQ(EdgeMarkerYs(maximised), std::vector<double>{kBottomEdge}) << maximised;
  EXPECT_TRUE(HasTick(maximised, "5000"));
  EXPECT_NE(maximised.find("(1 point below "), std::string::npos) << maximised;
  // The curve that starts at -3000 starts on the bottom edge.
  std::smatch first_vertex;
  ASSERT_TRUE(std::regex_search(maximised, first_vertex,
                                std::regex(R"re(<polyline points="[0-9.]+,([0-9.]+) )re")));
  EXPECT_EQ(std::stod(first_vertex[1]), kBottomEdge);
  // A minimised one: the other way round.
  const std::string minimised = CurvesFarOnBothSides(SvgChart::FarSide::kAbove).Render();
  EXPECT_EQ(EdgeMarkerYs(minimised), std::vector<double>{kTopEdge}) << minimised;
  EXPECT_TRUE(HasTick(minimised, "-3000"));
  EXPECT_NE(minimised.find("(1 point above "), std::string::npos) << minimised;
}

TEST(SvgChartTest, EachValueOffTheChartIsOneTriangle) {
  SvgChart chart = CurvesFarOnBothSides(SvgChart::FarSide::kBelow);
  // A point on the first curve's clipped vertex (the history's best-so-far line passes through
  // its trials' points): one value, one triangle, with the tooltip of the mark drawn first.
  chart.Add({Mark::Kind::kPoint, {1}, {-3000}, "#1f77b4", "trial 0", 3});
  const std::string svg = chart.Render();
  EXPECT_EQ(Count(svg, "class=\"clipped\""), 1) << svg;
  EXPECT_NE(svg.find("<title>curve; -3000 at step 1: "), std::string::npos) << svg;
  EXPECT_NE(svg.find("(1 point below "), std::string::npos) << svg;
  EXPECT_EQ(Count(svg, "<circle"), 0);  // the point is the triangle
}

TEST(SvgChartTest, ClipFarYLeavesAChartWithoutFarValuesAsItWas) {
  // 100 values at the normal distribution's quantiles (the lowest 2.58 standard deviations out,
  // inside Tukey's fence at 2.70), and evenly spread ones.
  std::vector<std::vector<double>> samples = {NormalSample(100), {}};
  for (int i = 0; i <= 80; ++i) samples[1].push_back(-300 + 7.0 * i);
  for (const std::vector<double>& values : samples) {
    for (SvgChart::FarSide side : {SvgChart::FarSide::kBelow, SvgChart::FarSide::kAbove}) {
      SvgChart plain("trial", "score"), clipped("trial", "score");
      clipped.ClipFarY(side);
      for (size_t i = 0; i < values.size(); ++i) {
        const Mark point{Mark::Kind::kPoint, {static_cast<double>(i)}, {values[i]}, "#000", "", 3};
        plain.Add(point), clipped.Add(point);
      }
      EXPECT_EQ(clipped.Render(), plain.Render());
      EXPECT_EQ(Count(clipped.Render(), "clipped"), 0);
    }
  }
}

TEST(SvgChartTest, EmptyChartsSaySoAndTextIsEscaped) {
  EXPECT_NE(SvgChart("x", "y").Render().find("no data yet"), std::string::npos);
  EXPECT_EQ(HtmlEscape("a<b & \"c\">"), "a&lt;b &amp; &quot;c&quot;&gt;");
}

}  // namespace
}  // namespace hpo::report
