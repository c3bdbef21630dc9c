// Hydra's override grammar, the value side (hydra/grammar/OverrideParser.g4 and the functions of
// hydra/_internal/grammar/grammar_functions.py at facebookresearch/hydra 2c03d1b): a value is a
// primitive, a quoted string, a list [..], a dict {k: v}, a function call, or a simple sweep
// a,b,c. The functions make the sweeps the sweeper plugins read: choice, range, interval, tag,
// shuffle, sort and the casts int, float, str, bool. EvaluateHydraOverride gives the value as
// Hydra's OverridesParser does, with the numbers' int or float type kept (Hydra's range() and
// interval() change meaning with it); a text Hydra refuses throws UserError with the reason.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "lib/core/value.h"

namespace hpo::config {

struct HydraSweep {
  enum class Kind { kValue, kChoice, kRange, kInterval };
  Kind kind = Kind::kValue;
  Value value;                 ///< kValue: the plain value
  std::vector<Value> choices;  ///< kChoice, in order
  /// kRange: start, stop, step (int or double, as Hydra keeps them; stop excluded);
  /// kInterval: start and stop (doubles unless cast with int()).
  Value start, stop, step;
  std::set<std::string> tags;
  bool shuffle = false;
  bool simple_form = false;  ///< a,b,c (or several arguments of a cast)

  bool is_sweep() const { return kind != Kind::kValue; }
  /// kRange: its values as Hydra iterates them (start + k*step, before stop), at most 10'000.
  std::vector<Value> RangeValues() const;
};

/// The value of an override's right-hand side (`key=TEXT`), as Hydra's parser evaluates it.
HydraSweep EvaluateHydraOverride(const std::string& text);

}  // namespace hpo::config
