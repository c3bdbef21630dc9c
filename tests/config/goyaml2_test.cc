// go-yaml v2's reading of scalars (lib/config/yaml11.h, YamlLoader::kGoYamlV2), which the Go
// tools that turn a YAML file into JSON give it: kubectl for a Katib Experiment, Determined's
// master for an experiment config. The answers (tests/fixtures/yaml11/goyaml2_answers.yaml) are
// go-yaml v2's own, run here on pyyaml_answers.yaml's scalars:
//   GO111MODULE=off GOPATH=/usr/share/gocode go run scripts/goyaml2-answers.go
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <cstdlib>
#include <string>

#include "lib/config/yaml11.h"
#include "lib/config/yaml_source.h"
#include "tests/support/user_error.h"

namespace hpo::config {
namespace {

using testing_support::UserErrorOf;

const std::string kFixtures = std::string(HPO_SOURCE_DIR) + "/tests/fixtures/";

std::string TypeWord(Yaml11Type type) {
  return type == Yaml11Type::kUnconstructed ? "error" : Yaml11TypeName(type);
}

// An empty string when hpo's go-yaml v2 reading of `text` is go-yaml's `answer` ("int 15",
// "float 8", "bool true", "str", "error"), else what differs.
std::string Disagreement(const std::string& text, const std::string& answer) {
  const Yaml11Type type = Yaml11TypeOf(text, YamlLoader::kGoYamlV2);
  const std::string word = answer.substr(0, answer.find(' '));
  if (TypeWord(type) != word) return "type " + TypeWord(type) + ", go-yaml's " + answer;
  if (word != "int" && word != "float" && word != "bool") return "";
  const std::string expected = answer.substr(answer.find(' ') + 1);
  const std::optional<Value> value = Yaml11Value(text, type);
  if (!value) return "no value";
  if (word == "bool") return value->as_bool() == (expected == "true") ? "" : "bool " + expected;
  if (word == "int")
    return value->as_int() == std::strtoll(expected.c_str(), nullptr, 10)
               ? ""
               : "int " + value->ToYaml();
  return value->as_double() == std::strtod(expected.c_str(), nullptr) ? "" : value->ToYaml();
}

TEST(GoYamlV2Test, EveryScalarReadsAsGoYamlV2ReadsIt) {
  const YAML::Node answers = YAML::LoadFile(kFixtures + "yaml11/goyaml2_answers.yaml");
  ASSERT_GT(answers.size(), 100u);
  for (const YAML::Node& a : answers) {
    const std::string text = a["text"].as<std::string>();
    SCOPED_TRACE(text);
    EXPECT_EQ(Disagreement(text, a["goyaml2"].as<std::string>()), "");
  }
}

TEST(GoYamlV2Test, IntegersBeyondInt64AsGoReadsThem) {
  // go run here: 9223372036854775808 is a uint64 (hpo has no such integer: refused where read),
  // 18446744073709551616 (beyond uint64) the float 1.8446744073709552e+19, -08 the float -8,
  // 0o8 a word
  EXPECT_EQ(Yaml11TypeOf("9223372036854775808", YamlLoader::kGoYamlV2), Yaml11Type::kInt);
  EXPECT_FALSE(Yaml11Value("9223372036854775808", Yaml11Type::kInt));
  EXPECT_EQ(Yaml11TypeOf("18446744073709551616", YamlLoader::kGoYamlV2), Yaml11Type::kFloat);
  EXPECT_EQ(Yaml11TypeOf("+9223372036854775808", YamlLoader::kGoYamlV2), Yaml11Type::kFloat);
  EXPECT_EQ(Yaml11TypeOf("-08", YamlLoader::kGoYamlV2), Yaml11Type::kFloat);
  EXPECT_EQ(Yaml11TypeOf("0o8", YamlLoader::kGoYamlV2), Yaml11Type::kString);
  EXPECT_EQ(Yaml11Value("0O17", Yaml11Type::kInt), Value(15));
  EXPECT_EQ(Yaml11Value("0X1f", Yaml11Type::kInt), Value(31));
}

Value Read(const std::string& text, const std::string& key) {
  const YamlDocument doc = LoadYamlString(text, "t.yaml");
  ApplyLoaderMeaning(doc, YamlLoader::kGoYamlV2);
  return ValueFromYaml(doc.root[key], OriginOf(doc.source, doc.root[key]));
}

std::string Refusal(const std::string& text) {
  return UserErrorOf(
      [&] { ApplyLoaderMeaning(LoadYamlString(text, "t.yaml"), YamlLoader::kGoYamlV2); });
}

TEST(GoYamlV2Test, ADocumentReadsWithGoYamlsMeaning) {
  const std::string text =
      "a: y\nb: 1e-5\nc: 010\nd: '010'\ne: !!float 3\nf: 1:30\ng: [n, 08, 2024-01-01]\n";
  EXPECT_EQ(Read(text, "a"), Value(true));
  EXPECT_EQ(Read(text, "b"), Value(1e-5));
  EXPECT_EQ(Read(text, "c"), Value(8));
  EXPECT_EQ(Read(text, "d"), Value("010"));
  EXPECT_EQ(Read(text, "e"), Value(3.0));
  EXPECT_EQ(Read(text, "f"), Value("1:30"));
  EXPECT_EQ(Read(text, "g"), Value(Value::List{Value(false), Value(8.0), Value("2024-01-01")}));
  // JSON has no .inf; sigs.k8s.io/yaml's YAMLToJSON fails on it
  EXPECT_EQ(Refusal("a: .inf\n"),
            "t.yaml:1:4: a plain '.inf' is a number JSON cannot hold: go-yaml v2 (kubectl's and "
            "Determined's YAML to JSON), which turns this file into JSON for its tool, fails on "
            "it: quote it");
  // keys become JSON's text: y: is "true", 010: is "8" (yaml.go:175-206)
  EXPECT_EQ(Refusal("y: 1\n"),
            "t.yaml:1:1: the key 'y' is true to go-yaml v2 (YAML 1.1's words), which this file's "
            "tool loads it with, not the word hpo would name it by: quote it ('y')");
  EXPECT_EQ(Refusal("010: 1\n").substr(0, 30), "t.yaml:1:1: the key '010' is 8");
  EXPECT_EQ(Refusal("true: 1\n"), "(no error)");
}

}  // namespace
}  // namespace hpo::config
