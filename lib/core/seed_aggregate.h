// How a trial trained on several seeds (`seeds_per_trial`) gets one value: its seeds' values
// aggregated (`aggregate:` mean, median, min, max or iqm), and how far apart they are.
#pragma once

#include <string_view>
#include <vector>

namespace hpo {

/// Whether `name` is an aggregate AggregateSeeds knows.
bool IsSeedAggregate(std::string_view name);

/// The aggregate of `values` (not empty): `mean`, `median` (the middle value, or the mean of
/// the two middle ones), `min`, `max`, or `iqm`, the interquartile mean as rliable computes it
/// (scipy.stats.trim_mean(values, 0.25): floor(n/4) values cut at each end, the rest averaged).
double AggregateSeeds(std::string_view aggregate, std::vector<double> values);

/// The sample standard deviation of `values` (n - 1 in the denominator); 0 for fewer than two.
double SeedSpread(const std::vector<double>& values);

}  // namespace hpo
