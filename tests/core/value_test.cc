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
