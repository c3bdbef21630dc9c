// Test helper: two sweep configs are the same sweep (gtest expectations, field by field).
#pragma once

#include <gtest/gtest.h>

#include "lib/config/sweep_config.h"

namespace hpo::testing_support {

/// Everything a sweep is, except where it was read from (source, origins, names as written, the
/// list of presets: a stored or converted config is resolved).
inline void ExpectSameSweep(const config::SweepConfig& a, const config::SweepConfig& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.objectives.metric, b.objectives.metric);
  EXPECT_EQ(a.objectives.maximize, b.objectives.maximize);
  EXPECT_EQ(a.n_trials, b.n_trials);
  EXPECT_EQ(a.timeout, b.timeout);
  EXPECT_EQ(a.timeout_per_trial, b.timeout_per_trial);
  EXPECT_EQ(a.n_jobs, b.n_jobs);
  EXPECT_EQ(a.max_retries, b.max_retries);
  EXPECT_EQ(a.heartbeat_timeout, b.heartbeat_timeout);
  EXPECT_EQ(a.seed, b.seed);
  EXPECT_EQ(a.target, b.target);
  EXPECT_EQ(a.patience, b.patience);
  EXPECT_EQ(a.keep_best_n, b.keep_best_n);
  EXPECT_EQ(a.min_delta, b.min_delta);
  EXPECT_EQ(a.storage, b.storage);
  EXPECT_EQ(a.command, b.command);
  EXPECT_TRUE(a.sampler == b.sampler);
  EXPECT_TRUE(a.pruner == b.pruner);
  EXPECT_EQ(a.fixed, b.fixed);
  EXPECT_EQ(a.preset, b.preset);
  ASSERT_EQ(a.parameters.size(), b.parameters.size());
  for (size_t i = 0; i < a.parameters.size(); ++i) {
    const config::ParameterSpec& p = a.parameters[i];
    const config::ParameterSpec& q = b.parameters[i];
    EXPECT_EQ(p.name, q.name);
    EXPECT_EQ(p.categorical, q.categorical) << p.name;
    EXPECT_TRUE(p.numeric == q.numeric)
        << p.name << ": " << config::DescribeParameter(p) << " vs " << config::DescribeParameter(q);
    EXPECT_EQ(p.choices, q.choices) << p.name;
    EXPECT_EQ(p.prior, q.prior) << p.name;
  }
  ASSERT_EQ(a.constraints.size(), b.constraints.size());
  for (size_t i = 0; i < a.constraints.size(); ++i)
    EXPECT_EQ(a.constraints[i].first, b.constraints[i].first);
}

}  // namespace hpo::testing_support
