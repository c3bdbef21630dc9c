#include "lib/pbt/explore.h"

#include <algorithm>
#include <cmath>

#include "lib/core/error.h"

namespace hpo::pbt {
namespace {

using space::DimensionKind;
using space::SearchSpace;

bool IsCategorical(const SearchSpace& space, size_t dimension) {
  return space.dimensions()[dimension].kind == DimensionKind::kCategorical;
}

// Whether Ray would resample rather than perturb (pbt.py:108-111, 130). Unit() is drawn first
// whatever follows, as Python evaluates `random.random() < p or value not in list`.
bool DrawsResample(const SearchSpace& space, size_t dimension, const Value& leader_value,
                   const PbtSettings& settings, ExploreDraws& draws) {
  const bool resample = draws.Unit() < settings.resample_probability;
  if (IsCategorical(space, dimension)) return resample || !space.UnitOf(dimension, leader_value);
  return resample || !leader_value.is_number() || !std::isfinite(leader_value.as_double());
}

// Python's int() of a float: towards zero (pbt.py:144-147), kept as an integer Value.
Value RaysScaledValue(const Value& leader_value, double factor) {
  const double scaled = leader_value.as_double() * factor;
  if (!leader_value.is_int()) return Value(scaled);
  return Value(static_cast<int64_t>(std::trunc(scaled)));
}

std::string FactorText(double factor) { return "* " + Value(factor).ToYaml(); }

ParameterChange Scaled(const SearchSpace& space, size_t dimension, const Value& leader_value,
                       double factor) {
  ParameterChange change;
  const Value rays = RaysScaledValue(leader_value, factor);
  change.after = space.Clip(dimension, rays.as_double());
  if (change.after->as_double() != rays.as_double()) change.unclipped = rays;
  change.operation = FactorText(factor);
  return change;
}

// pbt.py:117-125: one index over, held at the ends ("(noop)").
ParameterChange Shifted(const SearchSpace& space, size_t dimension, const Value& leader_value,
                        int shift) {
  const int last = space.dimensions()[dimension].num_levels - 1;
  const int from = static_cast<int>(*space.UnitOf(dimension, leader_value));
  const int to = std::clamp(from + shift, 0, last);
  ParameterChange change;
  change.after = space.ValueAt(dimension, to);
  change.operation =
      std::string(shift < 0 ? "shift left" : "shift right") + (from == to ? " (noop)" : "");
  return change;
}

// One exploration of every parameter the leader has a value for.
Exploration ExploreOnce(const SearchSpace& space, const ParamSet& leader,
                        const PbtSettings& settings, ExploreDraws& draws) {
  Exploration exploration;
  for (size_t d = 0; d < space.size(); ++d) {
    const std::string& name = space.dimensions()[d].name;
    const auto it = leader.find(name);
    if (it == leader.end()) continue;  // inactive in the leader; FollowConditions decides
    ParameterChange change =
        ApplyMove(space, d, it->second, DrawMove(space, d, it->second, settings, draws));
    exploration.values[name] = *change.after;
    exploration.changes.push_back(std::move(change));
  }
  return exploration;
}

// Parameters the new values make active get a prior draw; those they make inactive go. A drawn
// parent can activate children of its own, so this repeats until nothing changes (at most once
// per parameter).
void FollowConditions(const SearchSpace& space, Exploration& exploration, ExploreDraws& draws) {
  for (size_t round = 0; round <= space.size(); ++round) {
    const std::vector<bool> active = space.Active(exploration.values);
    bool changed = false;
    for (size_t d = 0; d < space.size(); ++d) {
      const std::string& name = space.dimensions()[d].name;
      const bool has_value = exploration.values.contains(name);
      if (active[d] == has_value) continue;
      ParameterChange change{name, std::nullopt, std::nullopt, "", std::nullopt};
      if (active[d]) {
        change.after = draws.Prior(space, d);
        change.operation = "resample (now active)";
        exploration.values[name] = *change.after;
      } else {
        change.before = exploration.values[name];
        change.operation = "dropped (now inactive)";
        exploration.values.erase(name);
      }
      exploration.changes.push_back(std::move(change));
      changed = true;
    }
    if (!changed) return;
  }
}

}  // namespace

double RngDraws::Unit() { return UniformUnit(rng_); }

size_t RngDraws::Index(size_t size) {
  return static_cast<size_t>(UniformInt(rng_, 0, static_cast<int64_t>(size)));
}

Value RngDraws::Prior(const SearchSpace& space, size_t dimension) {
  return space.SamplePriorValue(dimension, rng_);
}

void CheckExplorable(const SearchSpace& space) {
  if (space.size() == 0)
    throw UserError("pbt needs at least one searched parameter to explore (`parameters:`)");
}

Move DrawMove(const SearchSpace& space, size_t dimension, const Value& leader_value,
              const PbtSettings& settings, ExploreDraws& draws) {
  Move move;
  if (DrawsResample(space, dimension, leader_value, settings, draws)) {
    move.kind = Move::Kind::kResample;
    move.resampled = draws.Prior(space, dimension);
  } else if (IsCategorical(space, dimension)) {
    move.kind = Move::Kind::kShift;
    move.shift = draws.Index(2) == 0 ? -1 : 1;  // random.choice([-1, 1]), pbt.py:117
  } else {
    move.kind = Move::Kind::kScale;
    move.factor =
        settings.perturbation_factors.at(draws.Index(settings.perturbation_factors.size()));
  }
  return move;
}

ParameterChange ApplyMove(const SearchSpace& space, size_t dimension, const Value& leader_value,
                          const Move& move) {
  ParameterChange change;
  switch (move.kind) {
    case Move::Kind::kResample:
      change.after = move.resampled;
      change.operation = "resample";
      break;
    case Move::Kind::kScale:
      change = Scaled(space, dimension, leader_value, move.factor);
      break;
    case Move::Kind::kShift:
      change = Shifted(space, dimension, leader_value, move.shift);
      break;
  }
  change.name = space.dimensions()[dimension].name;
  change.before = leader_value;
  return change;
}

Exploration Explore(const SearchSpace& space, const ParamSet& leader, const PbtSettings& settings,
                    ExploreDraws& draws) {
  for (int attempt = 1; attempt <= kMaxExploreAttempts; ++attempt) {
    Exploration exploration = ExploreOnce(space, leader, settings, draws);
    FollowConditions(space, exploration, draws);
    if (space.IsFeasible(exploration.values)) {
      exploration.attempts = attempt;
      return exploration;
    }
  }
  Exploration unchanged;
  for (const space::Dimension& dimension : space.dimensions()) {
    if (const auto it = leader.find(dimension.name); it != leader.end())
      unchanged.values[dimension.name] = it->second;
  }
  unchanged.attempts = kMaxExploreAttempts;
  unchanged.explored = false;
  return unchanged;
}

}  // namespace hpo::pbt
