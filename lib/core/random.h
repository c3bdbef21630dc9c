// Deterministic randomness. Every stream is derived from (seed, trial number, purpose):
// no global RNG, no clock seeding (docs/architecture.md, "Randomness").
#pragma once

#include <cstdint>
#include <random>
#include <span>
#include <string_view>

namespace hpo {

/// SplitMix64 finaliser: a good 64-bit mix, used to combine seeds.
constexpr uint64_t Mix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

/// FNV-1a of a purpose label, so streams can be named ("sampler", "trial-seed", ...).
constexpr uint64_t HashLabel(std::string_view label) {
  uint64_t h = 0xCBF29CE484222325ULL;
  for (char c : label) {
    h = (h ^ static_cast<unsigned char>(c)) * 0x100000001B3ULL;
  }
  return h;
}

/// Seed of the stream for `purpose` of trial `index` in a run seeded with `seed`.
constexpr uint64_t DeriveSeed(uint64_t seed, uint64_t index, std::string_view purpose) {
  return Mix64(Mix64(seed ^ HashLabel(purpose)) + Mix64(index));
}

/// The engine every module uses. mt19937_64 is fully specified by the standard, so a seed
/// gives the same numbers with every compiler; the distributions are not, so use the helpers
/// below instead of std::uniform_real_distribution where reproducibility across builds matters.
using Rng = std::mt19937_64;

/// Uniform double in [0, 1) with 53 random bits.
inline double UniformUnit(Rng& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

/// Uniform double in [low, high).
inline double Uniform(Rng& rng, double low, double high) {
  return low + (high - low) * UniformUnit(rng);
}

/// Uniform integer in [low, high) (high > low), by rejection so it has no modulo bias.
inline int64_t UniformInt(Rng& rng, int64_t low, int64_t high) {
  const uint64_t range = static_cast<uint64_t>(high - low);
  const uint64_t limit = UINT64_MAX - UINT64_MAX % range;
  uint64_t x = rng();
  while (x >= limit) x = rng();
  return low + static_cast<int64_t>(x % range);
}

/// An index drawn with probability weights[i] / total (weights need not be normalised; `total`
/// is their sum). The last index takes any rounding remainder.
inline size_t WeightedIndex(Rng& rng, std::span<const double> weights, double total = 1.0) {
  double u = UniformUnit(rng) * total;
  for (size_t i = 0; i + 1 < weights.size(); ++i) {
    if (u < weights[i]) return i;
    u -= weights[i];
  }
  return weights.size() - 1;
}

/// Standard normal via Box-Muller (deterministic across standard libraries).
double StandardNormal(Rng& rng);

}  // namespace hpo
