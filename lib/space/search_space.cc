#include "lib/space/search_space.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <stdexcept>

#include "lib/core/error.h"
#include "lib/space/constraint.h"
#include "lib/space/distribution.h"

namespace hpo::space {

namespace {

/// Numbers compare by value (an int choice 3 is the condition's 3.0); the rest as Values do.
bool SameValue(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) return a.as_double() == b.as_double();
  return a == b;
}

/// A parameter is active while its parent is active and has one of `values`, or (a range
/// condition, `values` empty) is a number strictly between the bounds given.
struct Condition {
  size_t parent;
  std::vector<Value> values;
  std::optional<double> above, below;

  bool HoldsFor(const Value& v) const {
    if (!above && !below)
      return std::any_of(values.begin(), values.end(),
                         [&](const Value& x) { return SameValue(v, x); });
    return v.is_number() && (!above || v.as_double() > *above) &&
           (!below || v.as_double() < *below);
  }
};

}  // namespace

struct SearchSpace::Impl {
  std::vector<std::unique_ptr<Distribution>> distributions;
  std::vector<Dimension> dimensions;
  std::vector<std::optional<Condition>> conditions;  ///< one per dimension
  std::vector<std::unique_ptr<Constraint>> constraints;
  ParamSet fixed;

  size_t Index(const std::string& name) const {
    for (size_t i = 0; i < dimensions.size(); ++i) {
      if (dimensions[i].name == name) return i;
    }
    throw UserError("no parameter '" + name + "' in the search space");
  }

  /// Sets the condition of `child` on `parent` (its `parent` field is filled in here).
  void Attach(const std::string& child, const std::string& parent, Condition condition) {
    const size_t c = Index(child);
    const size_t p = Index(parent);
    if (conditions[c]) throw UserError("'" + child + "' has a condition already");
    for (size_t up = p;; up = conditions[up]->parent) {
      if (up == c) throw UserError("the conditions on '" + child + "' go round in a circle");
      if (!conditions[up]) break;
    }
    condition.parent = p;
    conditions[c] = std::move(condition);
    dimensions[c].conditional = true;
  }

  /// Each dimension's activity, given the value of a dimension (nullopt: it has none).
  std::vector<bool> Activity(const std::function<std::optional<Value>(size_t)>& value_of) const {
    std::vector<int> state(dimensions.size(), -1);  // -1 unknown, 0 inactive, 1 active
    std::function<bool(size_t)> active = [&](size_t i) {
      if (state[i] < 0) {
        const std::optional<Condition>& c = conditions[i];
        bool on = !c;
        if (c && active(c->parent)) {
          const std::optional<Value> v = value_of(c->parent);
          on = v && c->HoldsFor(*v);
        }
        state[i] = on ? 1 : 0;
      }
      return state[i] == 1;
    };
    std::vector<bool> result(dimensions.size());
    for (size_t i = 0; i < dimensions.size(); ++i) result[i] = active(i);
    return result;
  }

  /// Each dimension's activity given a trial's values.
  std::vector<bool> Activity(const ParamSet& params) const {
    return Activity([&](size_t i) -> std::optional<Value> {
      const auto it = params.find(dimensions[i].name);
      if (it == params.end()) return std::nullopt;
      return it->second;
    });
  }
};

SearchSpace::SearchSpace() : impl_(std::make_unique<Impl>()) {}
SearchSpace::~SearchSpace() = default;
SearchSpace::SearchSpace(SearchSpace&&) noexcept = default;
SearchSpace& SearchSpace::operator=(SearchSpace&&) noexcept = default;

void SearchSpace::AddParameter(std::string name, std::unique_ptr<Distribution> distribution) {
  for (const Dimension& d : impl_->dimensions) {
    if (d.name == name) throw UserError("duplicate parameter '" + name + "'");
  }
  Dimension dimension = distribution->dimension();
  dimension.name = std::move(name);
  impl_->dimensions.push_back(std::move(dimension));
  impl_->distributions.push_back(std::move(distribution));
  impl_->conditions.emplace_back();
}

void SearchSpace::SetCondition(const std::string& child, const std::string& parent,
                               std::vector<Value> values) {
  impl_->Attach(child, parent, Condition{0, std::move(values), std::nullopt, std::nullopt});
}

void SearchSpace::SetRangeCondition(const std::string& child, const std::string& parent,
                                    std::optional<double> above, std::optional<double> below) {
  if (!above && !below) throw std::invalid_argument("a range condition needs a bound");
  impl_->Attach(child, parent, Condition{0, {}, above, below});
}

void SearchSpace::AddConstraint(std::unique_ptr<Constraint> constraint) {
  impl_->constraints.push_back(std::move(constraint));
}

void SearchSpace::SetFixed(ParamSet fixed) { impl_->fixed = std::move(fixed); }

const std::vector<Dimension>& SearchSpace::dimensions() const { return impl_->dimensions; }
size_t SearchSpace::size() const { return impl_->dimensions.size(); }

Value SearchSpace::ValueAt(size_t dimension, double unit) const {
  return impl_->distributions.at(dimension)->FromUnit(unit);
}

std::optional<double> SearchSpace::UnitOf(size_t dimension, const Value& value) const {
  const Distribution& distribution = *impl_->distributions.at(dimension);
  if (!distribution.Contains(value)) return std::nullopt;
  return distribution.ToUnit(value);
}

Value SearchSpace::Clip(size_t dimension, double value) const {
  return impl_->distributions.at(dimension)->Clip(value);
}

Value SearchSpace::SamplePriorValue(size_t dimension, Rng& rng) const {
  const Distribution& distribution = *impl_->distributions.at(dimension);
  return distribution.FromUnit(distribution.SamplePrior(rng));
}

std::vector<bool> SearchSpace::Active(const ParamSet& params) const {
  return impl_->Activity(params);
}

std::vector<bool> SearchSpace::Active(const UnitPoint& point) const {
  return impl_->Activity([&](size_t i) -> std::optional<Value> {
    if (std::isnan(point[i])) return std::nullopt;
    return impl_->distributions[i]->FromUnit(point[i]);
  });
}

ParamSet SearchSpace::ToParams(const UnitPoint& point) const {
  const std::vector<bool> active = Active(point);
  ParamSet params;
  for (size_t i = 0; i < impl_->dimensions.size(); ++i) {
    if (active[i]) params[impl_->dimensions[i].name] = impl_->distributions[i]->FromUnit(point[i]);
  }
  return params;
}

bool SearchSpace::Contains(const ParamSet& params) const {
  const std::vector<bool> active = impl_->Activity(params);
  for (size_t i = 0; i < impl_->dimensions.size(); ++i) {
    const auto it = params.find(impl_->dimensions[i].name);
    if (!active[i]) {
      if (it != params.end()) return false;  // a value the trial would not have been given
      continue;
    }
    if (it == params.end() || !impl_->distributions[i]->Contains(it->second)) return false;
  }
  return true;
}

UnitPoint SearchSpace::ToUnit(const ParamSet& params) const {
  const std::vector<bool> active = impl_->Activity(params);
  UnitPoint point(impl_->dimensions.size(), std::nan(""));
  for (size_t i = 0; i < impl_->dimensions.size(); ++i) {
    if (!active[i]) continue;
    const auto it = params.find(impl_->dimensions[i].name);
    if (it == params.end())
      throw std::invalid_argument("no value for '" + impl_->dimensions[i].name + "'");
    point[i] = impl_->distributions[i]->ToUnit(it->second);
  }
  return point;
}

UnitPoint SearchSpace::Snap(const UnitPoint& point) const {
  UnitPoint snapped(point.size());
  for (size_t i = 0; i < point.size(); ++i) {
    if (std::isnan(point[i])) {
      snapped[i] = point[i];
    } else if (impl_->dimensions[i].kind == DimensionKind::kContinuous) {
      snapped[i] = std::clamp(point[i], 0.0, 1.0);
    } else {
      snapped[i] = impl_->distributions[i]->ToUnit(impl_->distributions[i]->FromUnit(point[i]));
    }
  }
  return snapped;
}

UnitPoint SearchSpace::Impute(const UnitPoint& point) const {
  UnitPoint imputed = point;
  for (size_t i = 0; i < imputed.size(); ++i) {
    if (std::isnan(imputed[i])) imputed[i] = impl_->dimensions[i].center;
  }
  return imputed;
}

UnitPoint SearchSpace::Center() const {
  UnitPoint point;
  for (const Dimension& d : impl_->dimensions) point.push_back(d.center);
  return Snap(point);
}

UnitPoint SearchSpace::SamplePrior(Rng& rng) const {
  UnitPoint point;
  for (const auto& distribution : impl_->distributions)
    point.push_back(distribution->SamplePrior(rng));
  return Snap(point);
}

bool SearchSpace::IsFeasible(const UnitPoint& point) const {
  // Without constraints, skip building the ParamSet: samplers call this on every candidate.
  return impl_->constraints.empty() || IsFeasible(ToParams(point));
}

bool SearchSpace::IsFeasible(const ParamSet& params) const {
  return impl_->constraints.empty() || !RejectingConstraint(params);
}

std::optional<size_t> SearchSpace::RejectingConstraint(const ParamSet& params) const {
  ParamSet values = impl_->fixed;
  for (const auto& [name, value] : params) values[name] = value;
  for (size_t i = 0; i < impl_->constraints.size(); ++i) {
    const Constraint& c = *impl_->constraints[i];
    // A constraint on an inactive conditional parameter has nothing to judge in this trial.
    const bool complete = std::all_of(c.names().begin(), c.names().end(),
                                      [&](const std::string& n) { return values.contains(n); });
    if (complete && c.Rejects(values)) return i;
  }
  return std::nullopt;
}

}  // namespace hpo::space
