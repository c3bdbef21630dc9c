// Protein/Metta's spellings, read by the hpo reader (hpo_vocabulary.cc): Metta's
// ${ss:SPACE, MIN, MAX[, CENTER]} values (and the bare $pow2(a, b) Metta's files also hold), and
// uniform_pow2 bounds written as exponents. Protein's distributions themselves (log_normal,
// logit_normal, uniform_pow2, int_uniform) are hpo's own.
#include <fmt/format.h>

#include <cmath>
#include <optional>

#include "lib/config/vocabularies/vocabulary.h"
#include "lib/config/yaml_source.h"

namespace hpo::config {
namespace {

// 15 as "15" (not "15.0") in messages about powers of two and their exponents.
std::string Whole(double x) {
  return x == std::floor(x) && std::fabs(x) < 1e15 ? std::to_string(static_cast<long long>(x))
                                                   : FormatDouble(x);
}

}  // namespace

// Metta's ${ss:SPACE, MIN, MAX[, CENTER]} resolver (CARBS spaces: log, logit, linear, int, pow2).
bool ReadSsResolver(SweepReading& r, const std::string& path, const YAML::Node& key_node,
                    const YAML::Node& v) {
  if (!v.IsScalar()) return false;
  const std::string text = v.Scalar();
  std::string inside;  // SPACE, MIN, MAX[, CENTER]
  if (text.rfind("${ss:", 0) == 0 && text.back() == '}') {
    inside = text.substr(5, text.size() - 6);
  } else if (const size_t open = text.find('(');
             text.size() > 3 && text[0] == '$' && open != std::string::npos && text.back() == ')' &&
             text.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789", 1) == open) {
    // "$pow2(1024, 32768)": Metta's file means ${ss:pow2, 1024, 32768} (OmegaConf would pass the
    // text on)
    inside = text.substr(1, open - 1) + "," + text.substr(open + 1, text.size() - open - 2);
    r.config().notes.push_back(fmt::format("{}: '{}' read as ${{ss:{}}}", path, text, inside));
  } else {
    return false;
  }
  std::vector<std::string> args;
  std::string current;
  for (char ch : inside) {
    if (ch == ',') {
      args.push_back(current);
      current.clear();
    } else if (ch != ' ') {
      current += ch;
    }
  }
  args.push_back(current);
  if (args.size() < 3 || args.size() > 4) {
    r.Fail(v, fmt::format("{}: ${{ss:...}} takes SPACE, MIN, MAX[, CENTER], got '{}'", Echo(path),
                          Echo(text)));
  }
  auto number = [&](const std::string& word) {
    const std::optional<Value> parsed = Value::Parse(word);
    if (!parsed || !parsed->is_number())
      r.Fail(v, fmt::format("{}: '{}' in {} is not a number", Echo(path), Echo(word), Echo(text)));
    return parsed->as_double();
  };
  const double min = number(args[1]), max = number(args[2]);
  const std::optional<double> centre =
      args.size() == 4 ? std::optional<double>(number(args[3])) : std::nullopt;
  const std::string& space = args[0];
  std::string kind;
  if (space == "log")
    kind = "log_normal";
  else if (space == "logit")
    kind = "logit_normal";
  else if (space == "linear")
    kind = "uniform";
  else if (space == "int")
    kind = "int_uniform";
  else if (space == "pow2")
    kind = "uniform_pow2";
  else
    r.Fail(v,
           fmt::format("{}: unknown ${{ss:...}} space '{}' (known: log, logit, linear, int, pow2)",
                       Echo(path), Echo(space)));
  double lo = min, hi = max;
  if (kind == "logit_normal" && (lo == 0 || hi == 1)) {
    // CARBS's logit space is the open interval (0, 1); hpo's logit axis needs bounds inside it
    lo = lo == 0 ? 1e-6 : lo;
    hi = hi == 1 ? 1 - 1e-6 : hi;
    r.config().notes.push_back(
        fmt::format("{}: logit [{}, {}] searched in [{}, {}] (the open interval)", path,
                    FormatDouble(min), FormatDouble(max), FormatDouble(lo), FormatDouble(hi)));
  }
  r.AddNumeric(path, key_node, kind, lo, hi, centre);
  return true;
}

void ReadPow2Bounds(SweepReading& r, const std::string& path, const YAML::Node& v, double& min,
                    double& max, std::optional<double>& mean) {
  if (min == 0 && max == std::floor(max) && max <= 62) {
    // 0 is no power of two's value: the bounds are exponents (Metta files write them so)
    r.config().notes.push_back(fmt::format(
        "{}: uniform_pow2 [0, {}] read as exponents: 2^0 .. 2^{}", path, Whole(max), Whole(max)));
    if (mean) mean = std::exp2(*mean);
    min = 1;
    max = std::exp2(max);
  }
  if (min >= 1) {
    // A range that holds one power of two is a file written with exponents for values: read so
    // when another of its ranges starts at 0 (cogeval: [15, 19] beside [0, 7]), else refused.
    const double lo = std::ceil(std::log2(min)), hi = std::floor(std::log2(max));
    if (hi <= lo && max <= 62 && r.pow2_bounds_are_exponents && min == std::floor(min) &&
        max == std::floor(max)) {
      r.config().notes.push_back(fmt::format(
          "{}: uniform_pow2 [{}, {}] read as exponents, as this file's range from 0 is: "
          "2^{} .. 2^{}",
          path, Whole(min), Whole(max), Whole(min), Whole(max)));
      if (mean) mean = std::exp2(*mean);
      min = std::exp2(min);
      max = std::exp2(max);
    } else if (hi <= lo && max <= 62) {
      r.Fail(v, fmt::format("{}: uniform_pow2 [{}, {}] holds only {} as values; if these are "
                            "exponents write min: {}, max: {} "
                            "(2^{} .. 2^{})",
                            Echo(path), Whole(min), Whole(max), Whole(std::exp2(lo)),
                            Whole(std::exp2(min)), Whole(std::exp2(max)), Whole(min), Whole(max)));
    }
  }
}

// True when some uniform_pow2 range under `node` starts at 0: 0 is no power of two, so that
// file writes its pow2 bounds as exponents.
bool WritesPow2Exponents(const YAML::Node& root) {
  bool found = false;
  ForEachNode(root, [&found](const YAML::Node& node) {
    if (!node.IsMap()) return;
    const YAML::Node kind = node["distribution"] ? node["distribution"] : node["type"];
    const YAML::Node min = node["min"] ? node["min"] : node["low"];
    if (kind && kind.IsScalar() && LowerCase(kind.Scalar()) == "uniform_pow2" && min &&
        min.IsScalar()) {
      const std::optional<Value> v = Value::Parse(min.Scalar());
      found |= v && v->is_number() && v->as_double() == 0;
    }
  });
  return found;
}

}  // namespace hpo::config
