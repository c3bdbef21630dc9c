// hpo train's evaluation line on stdout (docs/trial_protocol.md): the JSON object it prints after
// each periodic evaluation and after the final one, and how the controller recognises it. One
// writer and one recogniser, so the two cannot drift.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <string>

namespace hpo::protocol {

/// One evaluation of `episodes` episodes at env step `step`.
struct EvalLine {
  bool final_eval = false;  ///< the evaluation at the end of training, not a periodic one
  int64_t step = 0;
  double mean_reward = 0, std = 0;
  double success_rate = 0;  ///< fraction of episodes at or above the env's solve threshold
  int64_t episodes = 0;
  double elapsed = 0;  ///< training seconds so far
};

/// {"event":"eval"|"final_eval","step":N,"mean_reward":V,"std":S,"success_rate":R,
/// "episodes":E,"elapsed":T} on one line, without its newline; non-finite numbers as fmt writes
/// them (nan, inf), which TrialNumber reads back.
std::string EvalLineJson(const EvalLine& line);

/// Whether a parsed JSON line is a periodic evaluation line (not the final one): its mean_reward
/// is the curve of every reward alias (final_mean_reward at that step).
bool IsPeriodicEvalLine(const YAML::Node& line);

}  // namespace hpo::protocol
