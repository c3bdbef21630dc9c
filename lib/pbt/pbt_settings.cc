#include "lib/pbt/pbt_settings.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <string>

#include "lib/core/error.h"

namespace hpo::pbt {
namespace {

// What Ray refuses, with its reason (pbt.py:397-407).
void CheckRaysRules(const PbtSettings& s, std::vector<std::string>& problems) {
  if (s.perturbation_interval && *s.perturbation_interval <= 0)
    problems.push_back(
        fmt::format("perturbation_interval must be a positive number of steps, got {}",
                    *s.perturbation_interval));
  if (s.quantile_fraction > 0.5 || s.quantile_fraction < 0)
    problems.push_back(
        fmt::format("quantile_fraction must be between 0 and 0.5, got {}", s.quantile_fraction));
}

// What Ray accepts but cannot use: each fails later, or silently does something else.
void CheckUsable(const PbtSettings& s, std::vector<std::string>& problems) {
  if (s.population_size < 2)  // _quantiles needs two scored members (pbt.py:976): no exploit
    problems.push_back(
        fmt::format("population_size must be at least 2 (one member has nobody to copy), got {}",
                    s.population_size));
  if (!s.perturbation_interval)  // Ray's default counts seconds, not steps
    problems.push_back("perturbation_interval is required: the steps between two judgements");
  if (s.burn_in < 0)  // Ray: behaves as 0
    problems.push_back(fmt::format("burn_in must be 0 or more steps, got {}", s.burn_in));
  if (std::isnan(s.quantile_fraction))  // passes Ray's comparisons, then ceil(NaN) fails
    problems.push_back("quantile_fraction must be between 0 and 0.5, got nan");
  const double p = s.resample_probability;
  if (!(p >= 0 && p <= 1))  // Ray: below 0 acts as 0, above 1 as 1; NaN never resamples
    problems.push_back(fmt::format("resample_probability must be between 0 and 1, got {}",
                                   s.resample_probability));
  if (s.perturbation_factors.empty())  // Ray: IndexError at the first perturbation
    problems.push_back("perturbation_factors needs at least one factor");
  for (double factor : s.perturbation_factors) {
    if (!(factor > 0) || !std::isfinite(factor))  // a sign flip leaves every positive range
      problems.push_back(
          fmt::format("each perturbation factor must be a finite number > 0, got {}", factor));
  }
}

}  // namespace

void PbtSettings::Check() const {
  std::vector<std::string> problems;
  CheckRaysRules(*this, problems);
  CheckUsable(*this, problems);
  if (problems.empty()) return;
  throw UserError(fmt::format("pbt: {}", fmt::join(problems, "; ")));
}

}  // namespace hpo::pbt
