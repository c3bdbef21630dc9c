// Test helper: the message of the UserError a call throws.
#pragma once

#include <functional>
#include <string>

#include "lib/core/error.h"

namespace hpo::testing_support {

/// The what() of the hpo::UserError that `f` throws, or "(no error)".
inline std::string UserErrorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const UserError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace hpo::testing_support
