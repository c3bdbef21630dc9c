#include "lib/report/svg_chart.h"

#include <gtest/gtest.h>

namespace hpo::report {
namespace {

bool HasTick(const std::string& svg, const std::string& label) {
  return svg.find(">" + label + "</text>") != std::string::npos;
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

TEST(SvgChartTest, EmptyChartsSaySoAndTextIsEscaped) {
  EXPECT_NE(SvgChart("x", "y").Render().find("no data yet"), std::string::npos);
  EXPECT_EQ(HtmlEscape("a<b & \"c\">"), "a&lt;b &amp; &quot;c&quot;&gt;");
}

}  // namespace
}  // namespace hpo::report
