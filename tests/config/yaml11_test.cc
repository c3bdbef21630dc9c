// YAML 1.1 as PyYAML reads it (lib/config/yaml11.h), for the tools that load their files with
// yaml.safe_load: the resolver against PyYAML's own answers, a document marked with a tool's
// meaning, and what safe_load refuses. The answers (tests/fixtures/yaml11/pyyaml_answers.yaml)
// are written by PyYAML 6.0 itself, with Guild's patch, OmegaConf's get_yaml_loader (v2.3.0) and
// the installed OmegaConf 2.2.2: /usr/bin/python3 scripts/yaml11-answers GUILD OMEGACONF.
#include "lib/config/yaml11.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "lib/config/yaml_source.h"
#include "tests/support/user_error.h"

namespace hpo::config {
namespace {

using testing_support::UserErrorOf;

const std::string kFixtures = std::string(HPO_SOURCE_DIR) + "/tests/fixtures/";

std::string TypeWord(Yaml11Type type) {
  return type == Yaml11Type::kUnconstructed ? "error" : Yaml11TypeName(type);
}

// An empty string when hpo's reading of `text` is PyYAML's `answer` ("int 15", "float 1e-05",
// "bool True", "str"...), else what differs.
std::string Disagreement(const std::string& text, const std::string& answer, YamlLoader loader) {
  const Yaml11Type type = Yaml11TypeOf(text, loader);
  const std::string word = answer.substr(0, answer.find(' '));
  if (TypeWord(type) != word) return "type " + TypeWord(type) + ", PyYAML's " + answer;
  if (word != "int" && word != "float" && word != "bool") return "";
  const std::string expected = answer.substr(answer.find(' ') + 1);
  const std::optional<Value> value = Yaml11Value(text, type);
  if (word == "bool") {
    return value && value->as_bool() == (expected == "True") ? "" : "bool " + expected;
  }
  if (word == "int") {
    errno = 0;
    const long long number = std::strtoll(expected.c_str(), nullptr, 10);
    if (errno == ERANGE) return value ? "beyond int64, yet " + value->ToYaml() : "";
    return value && value->as_int() == number ? "" : "int " + expected;
  }
  const double number = std::strtod(expected.c_str(), nullptr);  // repr: 1e-05, inf, nan
  const double got = value->as_double();
  return got == number || (std::isnan(got) && std::isnan(number)) ? "" : value->ToYaml();
}

TEST(Yaml11Test, EveryScalarReadsAsPyYamlGuildAndOmegaConfReadIt) {
  const YAML::Node answers = YAML::LoadFile(kFixtures + "yaml11/pyyaml_answers.yaml");
  ASSERT_GT(answers.size(), 100u);
  for (const YAML::Node& a : answers) {
    const std::string text = a["text"].as<std::string>();
    SCOPED_TRACE(text);
    EXPECT_EQ(Disagreement(text, a["pyyaml"].as<std::string>(), YamlLoader::kPyYaml), "");
    EXPECT_EQ(Disagreement(text, a["guild"].as<std::string>(), YamlLoader::kGuild), "");
    EXPECT_EQ(Disagreement(text, a["omegaconf"].as<std::string>(), YamlLoader::kOmegaConf), "");
    // OmegaConf 2.2 (the installed one, run whole): Guild's float pattern, and no dates
    const std::string omegaconf_2_2 = a["omegaconf_2_2"].as<std::string>();
    if (Yaml11TypeOf(text, YamlLoader::kGuild) == Yaml11Type::kTimestamp)
      EXPECT_EQ(omegaconf_2_2, "str");
    else
      EXPECT_EQ(Disagreement(text, omegaconf_2_2, YamlLoader::kGuild), "");
  }
}

// The value of `key` in a document loaded from `text` with `loader`'s meaning.
Value Read(const std::string& text, YamlLoader loader, const std::string& key) {
  const YamlDocument doc = LoadYamlString(text, "t.yaml");
  ApplyLoaderMeaning(doc, loader);
  return ValueFromYaml(doc.root[key], OriginOf(doc.source, doc.root[key]));
}

TEST(Yaml11Test, AToolsFileReadsWithItsLoadersMeaningAndHposWithYaml12s) {
  const std::string text =
      "a: yes\nb: 1e-5\nc: 017\nd: '017'\ne: !!float 1e6\nf: !!str 017\ng: [on, 0x1F, 1:30]\n"
      "h: {i: Off}\n";
  EXPECT_EQ(Read(text, YamlLoader::kPyYaml, "a"), Value(true));
  EXPECT_EQ(Read(text, YamlLoader::kPyYaml, "b"), Value("1e-5"));
  EXPECT_EQ(Read(text, YamlLoader::kPyYaml, "c"), Value(15));
  EXPECT_EQ(Read(text, YamlLoader::kPyYaml, "d"), Value("017"));  // quoted: text in both
  EXPECT_EQ(Read(text, YamlLoader::kPyYaml, "e"), Value(1e6));
  EXPECT_EQ(Read(text, YamlLoader::kPyYaml, "f"), Value("017"));
  EXPECT_EQ(Read(text, YamlLoader::kPyYaml, "g"),
            Value(Value::List{Value(true), Value(31), Value(90)}));
  EXPECT_EQ(Read(text, YamlLoader::kPyYaml, "h"), Value(Value::Mapping{{"i", Value(false)}}));
  // Guild's pattern makes 1e-5 a float
  EXPECT_EQ(Read(text, YamlLoader::kGuild, "b"), Value(1e-5));
  // hpo's own files: YAML 1.2
  EXPECT_EQ(Read(text, YamlLoader::kYaml12, "a"), Value("yes"));
  EXPECT_EQ(Read(text, YamlLoader::kYaml12, "b"), Value(1e-5));
  EXPECT_EQ(Read(text, YamlLoader::kYaml12, "c"), Value(17));
}

// OmegaConf's loader (Hydra's, Metta's): PyYAML's 1.1 meaning, its float pattern (1e-5 is a
// float) and no dates (omegaconf/_utils.py:154-175 at v2.3.0)
TEST(Yaml11Test, OmegaConfsLoaderReadsYaml11WithItsFloatsAndNoDates) {
  const std::string text = "a: yes\nb: 1e-5\nc: 010\nd: 2024-01-01\ne: 1_e5\nf: [off, 1:30]\n";
  EXPECT_EQ(Read(text, YamlLoader::kOmegaConf, "a"), Value(true));
  EXPECT_EQ(Read(text, YamlLoader::kOmegaConf, "b"), Value(1e-5));
  EXPECT_EQ(Read(text, YamlLoader::kOmegaConf, "c"), Value(8));
  EXPECT_EQ(Read(text, YamlLoader::kOmegaConf, "d"), Value("2024-01-01"));  // PyYAML: a date
  EXPECT_EQ(Read(text, YamlLoader::kOmegaConf, "e"), Value("1_e5"));        // Guild's: 100000.0
  EXPECT_EQ(Read(text, YamlLoader::kGuild, "e"), Value(1e5));
  EXPECT_EQ(Read(text, YamlLoader::kOmegaConf, "f"), Value(Value::List{Value(false), Value(90)}));
}

TEST(Yaml11Test, TheScalarsALoaderReadsOtherwiseThanYaml12AreListedByPath) {
  const YamlDocument doc =
      LoadYamlString("a: {b: yes, c: 0.5}\nd: [1, 010, '010']\ne: 1e-5\nf: text\n", "t.yaml");
  ApplyLoaderMeaning(doc, YamlLoader::kOmegaConf);
  const std::vector<ReadOtherwise> found = ScalarsReadOtherwiseThanYaml12(doc.root, doc.source);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].path, "a.b");
  EXPECT_EQ(found[0].tools, Value(true));
  EXPECT_EQ(found[0].yaml12, Value("yes"));
  EXPECT_EQ(found[1].path, "d[1]");
  EXPECT_EQ(found[1].text, "010");
  EXPECT_EQ(found[1].tools, Value(8));
  EXPECT_EQ(found[1].yaml12, Value(10));
}

TEST(Yaml11Test, TheTextOfANumberPyYamlReadsAsTextSaysSo) {
  const YamlDocument doc = LoadYamlString("a: 1e-5\nb: relu\nc: '1e-5'\n", "t.yaml");
  ApplyLoaderMeaning(doc, YamlLoader::kPyYaml);
  EXPECT_TRUE(IsPyYamlTextNumber(doc.root["a"]));
  EXPECT_FALSE(IsPyYamlTextNumber(doc.root["b"]));
  EXPECT_FALSE(IsPyYamlTextNumber(doc.root["c"]));  // quoted: text on purpose
  EXPECT_EQ(doc.root["a"].Scalar(), "1e-5");        // the text stays, for messages
}

TEST(Yaml11Test, NnisSearchSpaceFileIsJsonFirst) {
  // experiment_config.py:195-203: json.loads, and yaml.safe_load only when that fails
  EXPECT_EQ(Read("{\"b\": 1e-5}", YamlLoader::kJsonThenPyYaml, "b"), Value(1e-5));
  EXPECT_EQ(Read("b: 1e-5\n", YamlLoader::kJsonThenPyYaml, "b"), Value("1e-5"));
  EXPECT_EQ(Read("{'b': 1e-5}", YamlLoader::kJsonThenPyYaml, "b"), Value("1e-5"));  // no JSON
}

TEST(Yaml11Test, WhatSafeLoadRefusesIsRefusedAtItsLineAndColumn) {
  auto refusal = [](const std::string& text) {
    return UserErrorOf([&] {
      const YamlDocument doc = LoadYamlString(text, "t.yaml");
      ApplyLoaderMeaning(doc, YamlLoader::kPyYaml);
      ValueFromYaml(doc.root["a"], OriginOf(doc.source, doc.root["a"]));
    });
  };
  // ConstructorError: could not determine a constructor for the tag (PyYAML 6.0)
  EXPECT_EQ(refusal("x: 1\na: !foo x\n").rfind("t.yaml:2:4: 'x' tagged !foo: yaml.safe_load", 0),
            0u);
  EXPECT_EQ(refusal("a: =\n").rfind("t.yaml:1:4: a plain '=' is a value yaml.safe_load", 0), 0u);
  // {on: 1} is {True: 1}: hpo would name the key `on`
  EXPECT_EQ(refusal("a: 1\non: 1\n"),
            "t.yaml:2:1: the key 'on' is True to PyYAML (YAML 1.1), which this file's tool loads "
            "it with, not the word hpo would name it by: quote it ('on')");
  EXPECT_EQ(refusal("a: 1\n017: 1\n").rfind("t.yaml:2:1: the key '017' is 15 to PyYAML", 0), 0u);
  // a datetime.date, which W&B's upsert_sweep cannot even json.dumps (internal_api.py:2675)
  EXPECT_EQ(refusal("a: 2024-01-01\n"),
            "t.yaml:1:4: '2024-01-01' is a date to PyYAML (YAML 1.1), which this file's tool "
            "loads it with, and hpo has no date values: quote it ('2024-01-01') to mean the text");
  EXPECT_EQ(refusal("a: 99999999999999999999\n"),
            "t.yaml:1:4: 99999999999999999999 is beyond hpo's 64-bit integers");
}

TEST(Yaml11Test, IsJsonTextAsPythonsJsonLoads) {
  // Each answer is Python's: json.loads(text) returned (true) or raised (false)
  for (const char* json :
       {"{\"a\": [1, -2.5e-3, true, false, null, \"x\\u00e9\\n\"]}", "NaN", "[Infinity, -Infinity]",
        " 3 ", "\"s\"", "{}", "[]", "{\"a\": 1E+5}", "{\"a\": 1}\n"}) {
    EXPECT_TRUE(IsJsonText(json)) << json;
  }
  for (const char* other : {"{a: 1}",
                            "{'a': 1}",
                            "[1,]",
                            "01",
                            "1.",
                            ".5",
                            "+1",
                            "\"tab\there\"",
                            "{\"a\": 1} // c",
                            "# c\n{}",
                            "",
                            "{\"a\" 1}",
                            "[1 2]",
                            "-",
                            "1e",
                            "nan",
                            "True",
                            "\xEF\xBB\xBF{}",
                            "\"\\x\"",
                            "{\"a\":1,}"}) {
    EXPECT_FALSE(IsJsonText(other)) << other;
  }
}

TEST(Yaml11Test, FloatsAreSpelledSoThatPyYamlReadsThemAsFloats) {
  for (const auto& [written, spelled] :
       std::vector<std::pair<std::string, std::string>>{{"1e-05", "1.0e-05"},
                                                        {"2e+09", "2.0e+09"},
                                                        {"1.5e3", "1.5e+3"},
                                                        {"1E-5", "1.0E-5"},
                                                        {".5e3", ".5e+3"},
                                                        {"0.5", "0.5"},
                                                        {"3", "3"},
                                                        {"relu", "relu"}}) {
    EXPECT_EQ(PyYamlFloatSpelling(written), spelled);
    if (spelled != written) {
      EXPECT_EQ(Yaml11TypeOf(spelled), Yaml11Type::kFloat) << spelled;
    }
  }
}

}  // namespace
}  // namespace hpo::config
