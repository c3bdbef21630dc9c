#include "lib/core/json.h"

#include <gtest/gtest.h>

#include <cmath>

namespace hpo {
namespace {

TEST(JsonTest, NumbersAreShortestRoundTripAndNonFiniteIsNull) {
  EXPECT_EQ(JsonNumber(1.5), "1.5");
  EXPECT_EQ(JsonNumber(3e-4), "0.0003");
  EXPECT_EQ(JsonNumber(std::nan("")), "null");
}

TEST(JsonTest, StringsAndListsOfStringsAreValidJson) {
  EXPECT_EQ(JsonString("say \"hi\"\n"), R"("say \"hi\"\n")");
  EXPECT_EQ(JsonValue(Value(Value::List{Value("relu"), Value("tanh")})), R"(["relu", "tanh"])");
  EXPECT_EQ(JsonValue(Value(Value::List{Value(64), Value(64)})), "[64, 64]");
  EXPECT_EQ(JsonValue(Value(true)), "true");
}

}  // namespace
}  // namespace hpo
