// The searched parameter `name` of a loaded sweep, for tests that check one parameter at a time
// (the vocabulary readers' tests): a missing one is a test failure, not a crash.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "lib/config/sweep_config.h"

namespace hpo::testing_support {

inline const config::ParameterSpec& Param(const config::SweepConfig& c, const std::string& name) {
  for (const config::ParameterSpec& p : c.parameters) {
    if (p.name == name) return p;
  }
  ADD_FAILURE() << "no parameter " << name;
  return c.parameters.front();
}

}  // namespace hpo::testing_support
