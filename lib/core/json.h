// Writing JSON: the few literals hpo's JSON outputs need (exports, the Optuna journal, a
// trial's params.json and ${args_json}), in one place so every writer escapes the same way.
#pragma once

#include <string>
#include <vector>

#include "lib/core/value.h"

namespace hpo {

/// JSON string literal of `text` (quotes included; control characters escaped).
std::string JsonString(const std::string& text);

/// JSON number of a double: shortest round-trip; NaN and infinities become null.
std::string JsonNumber(double value);

/// JSON array of doubles, each as JsonNumber: [1.5, null].
std::string JsonNumbers(const std::vector<double>& values);

/// JSON of a parameter value: numbers, booleans, strings, null, and lists and objects of them.
std::string JsonValue(const Value& value);

/// JSON object of a parameter set, by name: {"gamma": 0.99, "lr": 0.0003}.
std::string JsonParams(const ParamSet& params);

}  // namespace hpo
