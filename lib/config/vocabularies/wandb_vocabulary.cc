// W&B's spellings, read by the hpo reader (hpo_vocabulary.cc): its log distributions, each
// with its own meaning of min and max. (W&B's other keys: program, method, metric, run_cap,
// early_terminate, {value: ...} constants and nested {parameters: ...} groups are read there.)
#include <cmath>
#include <string>
#include <utility>

#include "lib/config/vocabularies/vocabulary.h"

namespace hpo::config {

bool WandbLogDistribution(const std::string& kind, double& min, double& max) {
  if (kind == "log_uniform") {  // the bounds are natural-log exponents
    min = std::exp(min);
    max = std::exp(max);
  } else if (kind == "inv_log_uniform") {  // exp(-U(min, max))
    const double lo = std::exp(-max), hi = std::exp(-min);
    min = lo;
    max = hi;
  } else if (kind == "log_uniform_values" || kind == "inv_log_uniform_values") {
    // inv_log_uniform_values draws the same values (W&B flips only its CDF); min > max is an
    // error there as here (the distribution refuses it)
  } else {
    return false;
  }
  return true;
}

}  // namespace hpo::config
