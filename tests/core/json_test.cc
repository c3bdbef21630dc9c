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

TEST(JsonTest, NullIsNullAndMappingsAreObjectsInTheirKeyOrder) {
  EXPECT_EQ(JsonValue(Value(nullptr)), "null");
  const Value env(Value::Mapping{{"max_steps", Value(1000)},
                                 {"env_id", Value("Env-v0")},
                                 {"kwargs", Value(Value::Mapping{{"x", Value(nullptr)}})}});
  EXPECT_EQ(JsonValue(env), R"({"max_steps": 1000, "env_id": "Env-v0", "kwargs": {"x": null}})");
}

}  // namespace
}  // namespace hpo
