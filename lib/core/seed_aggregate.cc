#include "lib/core/seed_aggregate.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

namespace hpo {
namespace {

double Mean(std::vector<double>::const_iterator begin, std::vector<double>::const_iterator end) {
  return std::accumulate(begin, end, 0.0) / static_cast<double>(end - begin);
}

}  // namespace

bool IsSeedAggregate(std::string_view name) {
  constexpr std::array<std::string_view, 5> kNames = {"mean", "median", "min", "max", "iqm"};
  return std::find(kNames.begin(), kNames.end(), name) != kNames.end();
}

double AggregateSeeds(std::string_view aggregate, std::vector<double> values) {
  if (values.empty()) throw std::logic_error("AggregateSeeds of no values");
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  if (aggregate == "mean") return Mean(values.begin(), values.end());
  if (aggregate == "min") return values.front();
  if (aggregate == "max") return values.back();
  if (aggregate == "median")
    return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  if (aggregate == "iqm") {
    const auto cut = static_cast<std::ptrdiff_t>(n / 4);  // scipy: int(0.25 * n)
    return Mean(values.begin() + cut, values.end() - cut);
  }
  throw std::logic_error("unknown seed aggregate " + std::string(aggregate));
}

double SeedSpread(const std::vector<double>& values) {
  if (values.size() < 2) return 0;
  const double mean = Mean(values.begin(), values.end());
  double squares = 0;
  for (double v : values) squares += (v - mean) * (v - mean);
  return std::sqrt(squares / static_cast<double>(values.size() - 1));
}

}  // namespace hpo
