#include "lib/report/importance.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "lib/core/error.h"
#include "lib/core/random.h"
#include "lib/report/best_params.h"
#include "lib/samplers/gaussian_process.h"

namespace hpo::report {
namespace {

constexpr int kFitSteps = 60;
constexpr int kMaxFitPoints = 300;  // the newest; O(n^3) per fit step
constexpr int kBasePoints = 256;    // Monte Carlo points for averaging over the other parameters
constexpr int kGridPoints = 24;     // values of a continuous parameter on its main-effect curve

// GP inputs in [0, 1]: categorical indices spread over the unit interval.
double Embedded(double coordinate, const space::Dimension& d) {
  return d.kind == space::DimensionKind::kCategorical && d.num_levels > 1
             ? coordinate / (d.num_levels - 1)
             : coordinate;
}

// The values a parameter takes on its main-effect curve, as GP inputs.
std::vector<double> Grid(const space::Dimension& d) {
  std::vector<double> grid;
  if (d.kind == space::DimensionKind::kCategorical) {
    for (int level = 0; level < d.num_levels; ++level) grid.push_back(Embedded(level, d));
  } else {
    for (int i = 0; i < kGridPoints; ++i) grid.push_back((i + 0.5) / kGridPoints);
  }
  return grid;
}

double Variance(const std::vector<double>& v) {
  double mean = 0, squares = 0;
  for (double x : v) mean += x;
  mean /= static_cast<double>(v.size());
  for (double x : v) squares += (x - mean) * (x - mean);
  return squares / static_cast<double>(v.size());
}

}  // namespace

std::vector<ParameterImportance> MainEffectImportance(const space::SearchSpace& space,
                                                      const std::vector<space::UnitPoint>& points,
                                                      const std::vector<double>& scores,
                                                      uint64_t seed) {
  const std::vector<space::Dimension>& dims = space.dimensions();
  const auto d = static_cast<Eigen::Index>(dims.size());
  const auto n = static_cast<Eigen::Index>(std::min<size_t>(points.size(), kMaxFitPoints));
  const size_t first = points.size() - static_cast<size_t>(n);

  // Standardised scores, so the GP's priors fit any metric's scale.
  Eigen::MatrixXd x(n, d);
  Eigen::VectorXd y(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < d; ++j)
      x(i, j) = Embedded(points[first + static_cast<size_t>(i)][static_cast<size_t>(j)],
                         dims[static_cast<size_t>(j)]);
    y(i) = scores[first + static_cast<size_t>(i)];
  }
  const double sd = std::sqrt((y.array() - y.mean()).square().mean());
  y = (y.array() - y.mean()) / (sd > 0 ? sd : 1.0);
  samplers::GaussianProcess gp;
  gp.Fit(x, y, kFitSteps);

  // Base points: uniform over the box (each categorical level equally likely).
  Rng rng(seed);
  Eigen::MatrixXd base(kBasePoints, d);
  for (int b = 0; b < kBasePoints; ++b) {
    for (Eigen::Index j = 0; j < d; ++j) {
      const space::Dimension& dim = dims[static_cast<size_t>(j)];
      base(b, j) =
          dim.kind == space::DimensionKind::kCategorical
              ? Embedded(static_cast<double>(UniformInt(rng, 0, std::max(dim.num_levels, 1))), dim)
              : UniformUnit(rng);
    }
  }

  std::vector<ParameterImportance> result;
  double total = 0;
  for (Eigen::Index j = 0; j < d; ++j) {
    std::vector<double> effect;
    for (double v : Grid(dims[static_cast<size_t>(j)])) {
      Eigen::MatrixXd moved = base;
      moved.col(j).setConstant(v);
      effect.push_back(gp.PredictMean(moved).mean());
    }
    result.push_back({dims[static_cast<size_t>(j)].name, Variance(effect)});
    total += result.back().importance;
  }
  for (ParameterImportance& p : result) p.importance = total > 0 ? p.importance / total : 0.0;
  std::stable_sort(result.begin(), result.end(),
                   [](const ParameterImportance& a, const ParameterImportance& b) {
                     return a.importance > b.importance;
                   });
  return result;
}

namespace {

// A conditional parameter has no value in some trials (the GP saw it at its centre there), so
// it is not ranked: as Optuna's importance evaluators rank only the parameters every trial has
// (their intersection search space). The others' shares are renormalised.
std::vector<ParameterImportance> WithoutConditionalParameters(
    const space::SearchSpace& space, std::vector<ParameterImportance> ranking) {
  std::erase_if(ranking, [&](const ParameterImportance& p) {
    return std::any_of(
        space.dimensions().begin(), space.dimensions().end(),
        [&](const space::Dimension& d) { return d.conditional && d.name == p.parameter; });
  });
  double total = 0;
  for (const ParameterImportance& p : ranking) total += p.importance;
  for (ParameterImportance& p : ranking) p.importance = total > 0 ? p.importance / total : 0.0;
  return ranking;
}

}  // namespace

std::vector<ParameterImportance> SweepImportance(const SweepResults& sweep) {
  if (!sweep.config) {
    throw UserError(
        fmt::format("sweep '{}': its stored config no longer parses, so there is no search space "
                    "to measure importance in",
                    sweep.location.name));
  }
  const space::SearchSpace space = sweep.config->BuildSpace();
  std::vector<space::UnitPoint> points;
  std::vector<double> scores;
  for (const store::Trial& t : sweep.trials) {
    if (t.state != store::TrialState::kComplete || !t.value || !std::isfinite(*t.value)) continue;
    if (!space.Contains(t.params)) continue;  // from an earlier space (an accepted config change)
    points.push_back(space.Impute(space.ToUnit(t.params)));
    scores.push_back(*t.value);
  }
  if (points.size() < 3) {
    throw UserError(
        fmt::format("sweep '{}' has {} complete trial(s); parameter importance needs at least 3",
                    sweep.location.name, points.size()));
  }
  return WithoutConditionalParameters(space, MainEffectImportance(space, points, scores, 0));
}

std::string ImportanceYaml(const SweepResults& sweep,
                           const std::vector<ParameterImportance>& ranking) {
  const std::vector<store::Trial> ranked = RankTrials(sweep.trials, sweep.info.maximize);
  std::string out = fmt::format(
      "# Parameter importance of sweep {}: functional ANOVA main effects on a Gaussian-process\n"
      "# surrogate of {} over {} complete trials (hpo importance; docs/report.md).\n"
      "metric: {}\ntrials_used: {}\nimportance_ranking:\n",
      sweep.location.name, sweep.info.metric, ranked.size(), sweep.info.metric, ranked.size());
  for (const ParameterImportance& p : ranking) {
    out += fmt::format("  - parameter: {}\n    importance: {:.4f}\n", p.parameter, p.importance);
    if (ranked.empty()) continue;
    const auto best = ranked[0].params.find(p.parameter);
    if (best != ranked[0].params.end())
      out += fmt::format("    best_value: {}\n", FormatParamValue(best->second));
  }
  out += "top_5_configs:\n";
  for (size_t i = 0; i < std::min<size_t>(5, ranked.size()); ++i) {
    out += fmt::format("  - config_id: {}\n", RunName(sweep.location.name, ranked[i]));
    for (const auto& [name, value] : ranked[i].params)
      out += fmt::format("    {}: {}\n", name, FormatParamValue(value));
    out += fmt::format("    {}: {}\n", sweep.info.metric, *ranked[i].value);
  }
  return out;
}

}  // namespace hpo::report
