// progress.csv's columns: one table per algorithm, each row {name, value}, so the header and
// every line come from the same list. Names are CleanRL's for the same quantity
// (cleanrl/ppo.py:214 and :300-309, cleanrl/sac_continuous_action.py:311-321), so a curve of
// hpo's and one of CleanRL's carry one name. The values are SB3's, where SB3 and CleanRL differ
// (docs/run_dir.md lists where).
#pragma once

#include <fmt/format.h>

#include <array>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>
#include <variant>

namespace hpo::trainer {

/// One progress.csv column: its name and the member of an algorithm's row it shows.
template <typename Row>
struct ProgressColumn {
  std::string_view name;
  std::variant<int64_t Row::*, double Row::*> value;
};

/// The header line (no newline).
template <typename Row, size_t N>
std::string ProgressHeader(const std::array<ProgressColumn<Row>, N>& columns) {
  std::string line;
  for (const ProgressColumn<Row>& column : columns) {
    if (!line.empty()) line += ',';
    line += column.name;
  }
  return line;
}

/// One line of values (no newline), each as fmt's `{}` writes it: floats in their shortest
/// round-trip form, NaN as `nan`.
template <typename Row, size_t N>
std::string ProgressLine(const std::array<ProgressColumn<Row>, N>& columns, const Row& row) {
  std::string line;
  for (const ProgressColumn<Row>& column : columns) {
    if (!line.empty()) line += ',';
    std::visit([&](auto member) { fmt::format_to(std::back_inserter(line), "{}", row.*member); },
               column.value);
  }
  return line;
}

/// PPO's and A2C's state after an update.
struct PpoProgress {
  int64_t global_step = 0;     ///< env steps so far, over every env
  int64_t update = 0;          ///< updates (rollouts trained on) so far
  double episodic_return = 0;  ///< mean return of the last 100 training episodes (NaN: none yet)
  double policy_loss = 0;      ///< means over the update's minibatches, as ppo_update.h defines
  double value_loss = 0;       ///< them
  double entropy = 0;
  double approx_kl = 0;
  double clipfrac = 0;
  double explained_variance =
      0;                     ///< of the rollout's returns by its values (NaN: constant returns)
  double sps = 0;            ///< env steps per second since this process started training
  double learning_rate = 0;  ///< the update's step size (annealed or not)
};

inline constexpr std::array<ProgressColumn<PpoProgress>, 11> kPpoColumns = {{
    {"global_step", &PpoProgress::global_step},
    {"update", &PpoProgress::update},
    {"charts/episodic_return", &PpoProgress::episodic_return},
    {"losses/policy_loss", &PpoProgress::policy_loss},
    {"losses/value_loss", &PpoProgress::value_loss},
    {"losses/entropy", &PpoProgress::entropy},
    {"losses/approx_kl", &PpoProgress::approx_kl},
    {"losses/clipfrac", &PpoProgress::clipfrac},
    {"losses/explained_variance", &PpoProgress::explained_variance},
    {"charts/SPS", &PpoProgress::sps},
    {"charts/learning_rate", &PpoProgress::learning_rate},
}};

/// SAC's state after its last gradient step (a row every 1000 env steps).
struct SacProgress {
  int64_t global_step = 0;     ///< env steps so far, over every env
  int64_t update = 0;          ///< gradient steps so far
  double episodic_return = 0;  ///< mean return of the last 100 training episodes (NaN: none yet)
  double actor_loss = 0;       ///< the last gradient step's, as sac_update.h defines them
  double qf_loss = 0;          ///< (mse(Q1) + mse(Q2)) / 2
  double alpha = 0;            ///< the entropy coefficient
  double alpha_loss = 0;       ///< SB3's -mean(log alpha (log pi + target entropy)); 0 when fixed
  double sps = 0;              ///< env steps per second since this process started training
  double learning_rate = 0;    ///< the step size (annealed or not)
};

inline constexpr std::array<ProgressColumn<SacProgress>, 9> kSacColumns = {{
    {"global_step", &SacProgress::global_step},
    {"update", &SacProgress::update},
    {"charts/episodic_return", &SacProgress::episodic_return},
    {"losses/actor_loss", &SacProgress::actor_loss},
    {"losses/qf_loss", &SacProgress::qf_loss},
    {"losses/alpha", &SacProgress::alpha},
    {"losses/alpha_loss", &SacProgress::alpha_loss},
    {"charts/SPS", &SacProgress::sps},
    {"charts/learning_rate", &SacProgress::learning_rate},
}};

}  // namespace hpo::trainer
