// Test harness: Branin, a seeded sweep loop in miniature, and a one-sided Mann-Whitney U test.
#pragma once

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>
#include <vector>

#include "lib/samplers/sampler_factory.h"
#include "lib/space/distribution.h"

namespace hpo::samplers {

// Branin on x1 in [-5, 10], x2 in [0, 15]; global minimum 0.397887.
inline double Branin(double x1, double x2) {
  const double pi = std::numbers::pi;
  const double b = 5.1 / (4 * pi * pi), c = 5 / pi, t = 1 / (8 * pi);
  return std::pow(x2 - b * x1 * x1 + c * x1 - 6, 2) + 10 * (1 - t) * std::cos(x1) + 10;
}

inline space::SearchSpace BraninSpace() {
  space::SearchSpace s;
  s.AddParameter("x1", space::MakeNumeric({"uniform", -5, 10, {}, {}, 1}, Origin{"t"}));
  s.AddParameter("x2", space::MakeNumeric({"uniform", 0, 15, {}, {}, 1}, Origin{"t"}));
  return s;
}

// Simple regret after `trials` trials of one seeded run (the sweep loop in miniature).
inline double BraninRegret(const std::string& method, uint64_t seed, int trials) {
  const space::SearchSpace space = BraninSpace();
  SamplerSettings settings;
  settings.method = method;
  auto sampler = MakeSampler(settings);
  std::vector<Observation> history;
  double best = INFINITY;
  for (int t = 0; t < trials; ++t) {
    Rng rng(DeriveSeed(seed, static_cast<uint64_t>(t), "sampler"));
    const Suggestion s = *sampler->Suggest(space, history, rng);
    const ParamSet p = space.ToParams(s.point);
    const double f = Branin(p.at("x1").as_double(), p.at("x2").as_double());
    best = std::min(best, f);
    history.push_back({s.point, TrialState::kComplete, -f, 1.0});  // samplers maximise
  }
  return best - 0.397887;
}

// One-sided Mann-Whitney U test that `a` tends to be smaller than `b` (normal approximation,
// no ties expected for continuous regrets). Returns the p-value.
inline double MannWhitneyLess(const std::vector<double>& a, const std::vector<double>& b) {
  double u = 0;
  for (double x : a) {
    for (double y : b) u += x < y ? 1.0 : (x == y ? 0.5 : 0.0);
  }
  const double n1 = static_cast<double>(a.size()), n2 = static_cast<double>(b.size());
  const double z = (u - n1 * n2 / 2) / std::sqrt(n1 * n2 * (n1 + n2 + 1) / 12);
  return 0.5 * std::erfc(z / std::numbers::sqrt2);
}

inline double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return (v[v.size() / 2] + v[(v.size() - 1) / 2]) / 2;
}

}  // namespace hpo::samplers
