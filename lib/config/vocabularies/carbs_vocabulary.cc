// CARBS's spellings (Metta before Protein), read by the hpo reader (hpo_vocabulary.cc): a leaf
// {space: log | linear | logit | pow2, min, max, search_center, is_int, scale}.
#include <fmt/format.h>

#include <optional>

#include "lib/config/vocabularies/vocabulary.h"

namespace hpo::config {

// CARBS leaf: {space: log|linear|logit|pow2, min, max, search_center, is_int, scale}.
void AddCarbsSpec(SweepReading& r, const std::string& path, const YAML::Node& key_node,
                  const YAML::Node& v) {
  std::string space, kind;
  std::optional<double> min, max, centre;
  bool is_int = false;
  for (const auto& p : v) {
    const std::string k = r.Key(p.first);
    const std::string kpath = path + "." + k;
    if (k == "space")
      space = r.Text(p.second, kpath);
    else if (k == "min")
      min = r.Number(p.second, kpath);
    else if (k == "max")
      max = r.Number(p.second, kpath);
    else if (k == "search_center")
      centre = r.Number(p.second, kpath);
    else if (k == "is_int")
      is_int = r.Bool(p.second, kpath);
    else if (k == "scale" || k == "rounding_factor")
      r.Ignore(kpath);
    else
      r.Fail(p.first, fmt::format("unknown key '{}' in a CARBS parameter (known: space, min, max, "
                                  "search_center, is_int, scale)",
                                  Echo(kpath)));
  }
  if (!min || !max) r.Fail(v, fmt::format("{}: a CARBS parameter needs min and max", Echo(path)));
  if (space == "log")
    kind = is_int ? "int_loguniform" : "log_normal";
  else if (space == "linear")
    kind = is_int ? "int_uniform" : "uniform";
  else if (space == "logit")
    kind = "logit_normal";
  else if (space == "pow2")
    kind = "uniform_pow2";
  else
    r.Fail(v, fmt::format("{}: unknown CARBS space '{}' (known: log, linear, logit, pow2)",
                          Echo(path), Echo(space)));
  r.AddNumeric(path, key_node, kind, *min, *max, kind == "int_loguniform" ? std::nullopt : centre);
}

}  // namespace hpo::config
