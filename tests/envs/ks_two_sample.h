// The two-sample Kolmogorov-Smirnov test the env parity tests use (and scripts/ks-env).
#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

namespace hpo::testing_support {

// Two-sample KS statistic and its asymptotic p-value (Numerical Recipes' probks), as
// scripts/ks-env computes them.
inline double KsPValue(std::vector<double> a, std::vector<double> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  const double n = static_cast<double>(a.size()), m = static_cast<double>(b.size());
  size_t i = 0, j = 0;
  double d = 0;
  while (i < a.size() && j < b.size()) {
    const double x = std::min(a[i], b[j]);
    while (i < a.size() && a[i] == x) ++i;
    while (j < b.size() && b[j] == x) ++j;
    d = std::max(d, std::fabs(static_cast<double>(i) / n - static_cast<double>(j) / m));
  }
  const double en = std::sqrt(n * m / (n + m));
  const double lambda = (en + 0.12 + 0.11 / en) * d;
  // Kolmogorov's series; near lambda = 0 it does not converge, and the samples agree (p = 1)
  double p = 0, previous_term = 0;
  for (int k = 1; k <= 100; ++k) {
    const double term = 2 * (k % 2 ? 1 : -1) * std::exp(-2.0 * k * k * lambda * lambda);
    p += term;
    if (std::fabs(term) <= 1e-3 * previous_term || std::fabs(term) <= 1e-8 * p)
      return std::clamp(p, 0.0, 1.0);
    previous_term = std::fabs(term);
  }
  return 1.0;
}

}  // namespace hpo::testing_support
