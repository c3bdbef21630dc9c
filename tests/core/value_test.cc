#include "lib/core/value.h"

#include <gtest/gtest.h>

namespace hpo {
namespace {

TEST(ValueTest, FloatsAlwaysLookLikeFloats) {
  EXPECT_EQ(Value(1.0).ToYaml(), "1.0");
  EXPECT_EQ(Value(3e-4).ToYaml(), "0.0003");
  EXPECT_EQ(Value(1e-10).ToYaml(), "1e-10");
  EXPECT_EQ(Value(int64_t{64}).ToYaml(), "64");
}

TEST(ValueTest, ListsUseFlowStyle) {
  Value arch(Value::List{Value(64), Value(64)});
  EXPECT_EQ(arch.ToYaml(), "[64, 64]");
}

TEST(ValueTest, StringsThatLookLikeOtherTypesAreQuoted) {
  EXPECT_EQ(Value("tanh").ToYaml(), "tanh");
  EXPECT_EQ(Value("true").ToYaml(), "\"true\"");
  EXPECT_EQ(Value("3").ToYaml(), "\"3\"");
}

TEST(ValueTest, IntegersWidenToDouble) {
  EXPECT_DOUBLE_EQ(Value(7).as_double(), 7.0);
  EXPECT_TRUE(Value(7).is_number());
  EXPECT_FALSE(Value("7").is_number());
}

}  // namespace
}  // namespace hpo

namespace hpo {
namespace {

TEST(ValueParseTest, EveryToYamlFormParsesBackEqual) {
  const std::vector<Value> values = {Value(true),
                                     Value(false),
                                     Value(int64_t{-3}),
                                     Value(0.0003),
                                     Value(1.0),
                                     Value(1e-10),
                                     Value("tanh"),
                                     Value("true"),
                                     Value("3"),
                                     Value("with \"quotes\""),
                                     Value(Value::List{Value(64), Value(128)}),
                                     Value(Value::List{}),
                                     Value(Value::List{Value("relu"), Value(0.5)})};
  for (const Value& v : values) {
    const std::optional<Value> back = Value::Parse(v.ToYaml());
    ASSERT_TRUE(back.has_value()) << v.ToYaml();
    EXPECT_EQ(*back, v) << v.ToYaml();
  }
}

TEST(ValueParseTest, NullAndNestedMappingsRoundTripInFlowFormKeysInFileOrder) {
  const Value env(Value::Mapping{
      {"env_id", Value("Env-v0")},
      {"reward_kwargs", Value(Value::Mapping{{"lambda_energy", Value(0.001)}})},
      {"net_arch", Value(Value::List{Value(64), Value(Value::List{Value(2), Value(3)})})},
      {"target_kl", Value(nullptr)},
      {"3", Value("null")},
      {"", Value(Value::Mapping{})}});
  EXPECT_EQ(env.ToYaml(),
            "{env_id: Env-v0, reward_kwargs: {lambda_energy: 0.001}, net_arch: [64, [2, 3]], "
            "target_kl: null, \"3\": \"null\", \"\": {}}");
  for (const Value& v : {env, Value(nullptr), Value(Value::List{Value(nullptr), env})}) {
    const std::optional<Value> back = Value::Parse(v.ToYaml());
    ASSERT_TRUE(back.has_value()) << v.ToYaml();
    EXPECT_EQ(*back, v) << v.ToYaml();
    EXPECT_EQ(back->ToYaml(), v.ToYaml());  // the keys stay in their order
  }
  EXPECT_TRUE(Value::Parse("null")->is_null());
  EXPECT_TRUE(Value::Parse("~")->is_null());
  EXPECT_EQ(*Value::Parse("\"null\""), Value("null"));
}

TEST(ValueTest, MappingsEqualWhateverTheirKeyOrderOtherKindsStayApart) {
  const Value ab(Value::Mapping{{"a", Value(1)}, {"b", Value(2)}});
  const Value ba(Value::Mapping{{"b", Value(2)}, {"a", Value(1)}});
  EXPECT_EQ(ab, ba);
  EXPECT_EQ(Value(Value::List{ab}), Value(Value::List{ba}));
  EXPECT_NE(ab, Value(Value::Mapping{{"a", Value(1)}}));
  EXPECT_NE(ab, Value(Value::Mapping{{"a", Value(1)}, {"b", Value(2.0)}}));
  EXPECT_NE(ab, Value(Value::Mapping{{"a", Value(1)}, {"b", Value(2)}, {"c", Value(3)}}));
  // Optuna's choices None, True, 1 and 1.0 are four
  const std::vector<Value> kinds = {Value(nullptr), Value(true), Value(1), Value(1.0), Value("1")};
  for (size_t i = 0; i < kinds.size(); ++i) {
    for (size_t j = 0; j < kinds.size(); ++j) EXPECT_EQ(kinds[i] == kinds[j], i == j);
  }
  EXPECT_EQ(ReadableValue(Value(Value::Mapping{{"lr", Value(0.000731)}, {"x", Value(nullptr)}})),
            "{lr: 7.31e-04, x: null}");
}

TEST(ValueParseTest, OnlyYamlNumbersAreNumbers) {
  EXPECT_TRUE(IsYamlNumber("3e-4"));
  EXPECT_TRUE(IsYamlNumber("-1.5"));
  EXPECT_TRUE(IsYamlNumber(".5"));
  EXPECT_FALSE(IsYamlNumber("nan"));
  EXPECT_FALSE(IsYamlNumber("inf"));
  EXPECT_FALSE(IsYamlNumber("0x10"));
  EXPECT_FALSE(IsYamlNumber("1e"));
  EXPECT_EQ(*Value::Parse("nan"), Value("nan"));
  EXPECT_EQ(Value("nan").ToYaml(), "nan");
  EXPECT_TRUE(Value::Parse(".nan")->is_double());
}

TEST(ValueParseTest, RejectsWhatToYamlNeverWrites) {
  EXPECT_FALSE(Value::Parse("").has_value());
  EXPECT_FALSE(Value::Parse("[64,").has_value());
  EXPECT_FALSE(Value::Parse("[1]]").has_value());
  EXPECT_FALSE(Value::Parse("{a: 1").has_value());
  EXPECT_FALSE(Value::Parse("{a 1}").has_value());
  EXPECT_FALSE(Value::Parse("{[1]: 2}").has_value());
  EXPECT_FALSE(Value::Parse("\"open").has_value());
}

TEST(ReadableNumberTest,
     FourSignificantDigitsScientificBelowOneHundredthAndFromOneHundredThousand) {
  EXPECT_EQ(ReadableNumber(0.263178228848821), "0.2632");
  EXPECT_EQ(ReadableNumber(7.31e-4), "7.31e-04");
  EXPECT_EQ(ReadableNumber(4.42153229218214e-03), "4.422e-03");
  EXPECT_EQ(ReadableNumber(0.01), "0.01");
  EXPECT_EQ(ReadableNumber(0.0099999), "1e-02");
  EXPECT_EQ(ReadableNumber(270.1689486011728), "270.2");
  EXPECT_EQ(ReadableNumber(-42.50458254240802), "-42.5");
  EXPECT_EQ(ReadableNumber(100.0), "100");
  EXPECT_EQ(ReadableNumber(12345.67), "12346");
  EXPECT_EQ(ReadableNumber(99999.7), "1e+05");
  EXPECT_EQ(ReadableNumber(1234567.0), "1.235e+06");
  EXPECT_EQ(ReadableNumber(0.0), "0");
  EXPECT_EQ(ReadableNumber(0.999), "0.999");
  EXPECT_EQ(ReadableNumber(0.99660455506064), "0.9966");
}

TEST(ReadableNumberTest, ValuesRoundTheirFloatsOnly) {
  EXPECT_EQ(ReadableValue(Value(0.263178228848821)), "0.2632");
  EXPECT_EQ(ReadableValue(Value(int64_t{1000000})), "1000000");
  EXPECT_EQ(ReadableValue(Value("relu")), "relu");
  EXPECT_EQ(ReadableValue(Value(Value::List{Value(int64_t{64}), Value(0.123456)})), "[64, 0.1235]");
}

}  // namespace
}  // namespace hpo
