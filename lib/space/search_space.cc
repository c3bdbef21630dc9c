#include "lib/space/search_space.h"

#include <algorithm>
#include <stdexcept>

#include "lib/core/error.h"
#include "lib/space/constraint.h"
#include "lib/space/distribution.h"

namespace hpo::space {

struct SearchSpace::Impl {
  std::vector<std::unique_ptr<Distribution>> distributions;
  std::vector<Dimension> dimensions;
  std::vector<std::unique_ptr<Constraint>> constraints;
  ParamSet fixed;
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
}

void SearchSpace::AddConstraint(std::unique_ptr<Constraint> constraint) {
  impl_->constraints.push_back(std::move(constraint));
}

void SearchSpace::SetFixed(ParamSet fixed) { impl_->fixed = std::move(fixed); }

const std::vector<Dimension>& SearchSpace::dimensions() const { return impl_->dimensions; }
size_t SearchSpace::size() const { return impl_->dimensions.size(); }

ParamSet SearchSpace::ToParams(const UnitPoint& point) const {
  ParamSet params;
  for (size_t i = 0; i < impl_->dimensions.size(); ++i) {
    params[impl_->dimensions[i].name] = impl_->distributions[i]->FromUnit(point[i]);
  }
  return params;
}

bool SearchSpace::Contains(const ParamSet& params) const {
  for (size_t i = 0; i < impl_->dimensions.size(); ++i) {
    const auto it = params.find(impl_->dimensions[i].name);
    if (it == params.end() || !impl_->distributions[i]->Contains(it->second)) return false;
  }
  return true;
}

UnitPoint SearchSpace::ToUnit(const ParamSet& params) const {
  UnitPoint point(impl_->dimensions.size());
  for (size_t i = 0; i < impl_->dimensions.size(); ++i) {
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
    snapped[i] = impl_->dimensions[i].kind == DimensionKind::kContinuous
                     ? std::clamp(point[i], 0.0, 1.0)
                     : impl_->distributions[i]->ToUnit(impl_->distributions[i]->FromUnit(point[i]));
  }
  return snapped;
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
    if (impl_->constraints[i]->Rejects(values)) return i;
  }
  return std::nullopt;
}

}  // namespace hpo::space
