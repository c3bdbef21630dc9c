#include "lib/core/quantities.h"

#include <gtest/gtest.h>

namespace hpo {
namespace {

TEST(QuantitiesTest, DurationsTakeUnitsAndPlainSeconds) {
  EXPECT_EQ(ParseDuration("45s"), 45.0);
  EXPECT_EQ(ParseDuration("30m"), 1800.0);
  EXPECT_EQ(ParseDuration("12h"), 43200.0);
  EXPECT_EQ(ParseDuration("2d"), 172800.0);
  EXPECT_EQ(ParseDuration("1h30m"), 5400.0);
  EXPECT_EQ(ParseDuration("1.5h"), 5400.0);
  EXPECT_EQ(ParseDuration("90"), 90.0);
  EXPECT_EQ(ParseDuration("0.25"), 0.25);
}

TEST(QuantitiesTest, DurationsRejectWhatIsNotOne) {
  for (const char* bad :
       {"", "h", "12x", "12 h", "-5", "-5m", "1h30", "1..5h", "1e3", "abc", "12hh"}) {
    EXPECT_EQ(ParseDuration(bad), std::nullopt) << bad;
  }
}

TEST(QuantitiesTest, DurationsFormatAsTheyAreRead) {
  EXPECT_EQ(FormatDuration(43200), "12h");
  EXPECT_EQ(FormatDuration(5400), "1h30m");
  EXPECT_EQ(FormatDuration(90061), "1d1h1m1s");
  EXPECT_EQ(FormatDuration(0.25), "0.25s");
  for (double seconds : {45.0, 5400.0, 86400.0, 0.5})
    EXPECT_EQ(ParseDuration(FormatDuration(seconds)), seconds);
}

TEST(QuantitiesTest, JobsAreAPositiveCountOrEveryCore) {
  EXPECT_EQ(ParseJobs("3"), 3);
  EXPECT_EQ(ParseJobs("auto"), AllCores());
  EXPECT_EQ(ParseJobs("-1"), AllCores());
  EXPECT_GE(AllCores(), 1);
  for (const char* bad : {"0", "-2", "two", "1.5", ""})
    EXPECT_EQ(ParseJobs(bad), std::nullopt) << bad;
}

TEST(SplitCommaListTest, ItemsTrimmedAndEmptyOnesKept) {
  EXPECT_EQ(SplitCommaList("0,1, 2"), (std::vector<std::string>{"0", "1", "2"}));
  EXPECT_EQ(SplitCommaList("0,,1"), (std::vector<std::string>{"0", "", "1"}));
  EXPECT_EQ(SplitCommaList(""), (std::vector<std::string>{""}));
  EXPECT_EQ(SplitCommaList("GPU-1a2b"), (std::vector<std::string>{"GPU-1a2b"}));
}

}  // namespace
}  // namespace hpo
