#include "lib/protocol/eval_line.h"

#include <fmt/format.h>

namespace hpo::protocol {

std::string EvalLineJson(const EvalLine& line) {
  return fmt::format(
      "{{\"event\":\"{}\",\"step\":{},\"mean_reward\":{},\"std\":{},\"success_rate\":{},"
      "\"episodes\":{},\"elapsed\":{:.3f}}}",
      line.final_eval ? "final_eval" : "eval", line.step, line.mean_reward, line.std,
      line.success_rate, line.episodes, line.elapsed);
}

bool IsPeriodicEvalLine(const YAML::Node& line) {
  const YAML::Node event = line["event"];
  return line["step"] && event && event.IsScalar() && event.Scalar() == "eval";
}

}  // namespace hpo::protocol
