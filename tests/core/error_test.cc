#include "lib/core/error.h"

#include <gtest/gtest.h>

#include <string>

namespace hpo {
namespace {

TEST(OneLineTest, EscapesEveryControlCharacter) {
  EXPECT_EQ(OneLine("a\nb\tc\rd"), "a\\nb\\tc\\rd");
  EXPECT_EQ(OneLine(std::string("x\x01y\x7f", 4)), "x\\x01y\\x7f");
  EXPECT_EQ(OneLine("plain 'text' stays"), "plain 'text' stays");
  EXPECT_EQ(OneLine("caf\xc3\xa9"), "caf\xc3\xa9");  // UTF-8 is not a control character
}

TEST(EchoTest, ShortensLongTextToAboutEightyCharacters) {
  EXPECT_EQ(Echo("learning_rate"), "learning_rate");
  const std::string cut = Echo(std::string(300, 'k'));
  EXPECT_EQ(cut, std::string(77, 'k') + "...");
  EXPECT_EQ(Echo("key\nwith newline"), "key\\nwith newline");
  // never splits a multi-byte character
  std::string accents;
  for (int i = 0; i < 60; ++i) accents += "\xc3\xa9";
  const std::string short_accents = Echo(accents);
  EXPECT_EQ(short_accents.size(), 76u + 3u);
  EXPECT_EQ(short_accents.substr(76), "...");
}

}  // namespace
}  // namespace hpo
