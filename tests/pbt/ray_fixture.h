// tests/fixtures/pbt/ray_pbt.yaml: what Ray Tune's PopulationBasedTraining decided, recorded by
// running Ray's own code (/usr/bin/python3 scripts/pbt-vs-ray <Ray checkout or git dir>; the
// script's docstring says what each section holds, the file's header which Ray).
#pragma once

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <limits>
#include <optional>
#include <string>

namespace hpo::pbt::testing {

inline const YAML::Node& RayFixture() {
  static const YAML::Node fixture =
      YAML::LoadFile(std::string(HPO_SOURCE_DIR) + "/tests/fixtures/pbt/ray_pbt.yaml");
  return fixture;
}

/// The section's case called `name` (a test that names a case the script no longer writes
/// fails here, instead of passing on nothing).
inline YAML::Node RayCase(const std::string& section, const std::string& name) {
  for (const YAML::Node& c : RayFixture()[section]) {
    if (c["name"].as<std::string>() == name) return c;
  }
  ADD_FAILURE() << "no case '" << name << "' in " << section;
  return YAML::Node();
}

/// A number or null (Python's None).
inline std::optional<double> OptionalNumber(const YAML::Node& node) {
  if (node.IsNull()) return std::nullopt;
  return node.as<double>();
}

/// Equal as numbers, NaN equal to NaN (a NaN score is a value Ray keeps).
inline bool SameNumber(std::optional<double> a, std::optional<double> b) {
  if (!a || !b) return a.has_value() == b.has_value();
  return *a == *b || (std::isnan(*a) && std::isnan(*b));
}

}  // namespace hpo::pbt::testing
