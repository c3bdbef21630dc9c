// What a study optimises: one home for the objectives that the sweep file names, the study
// stores, the controller ranks by and the reports print.
#pragma once

#include <string>
#include <vector>

namespace hpo {

/// One thing a study optimises: a metric the trials report, and which way is better.
struct Objective {
  std::string name;
  bool maximize = true;
  bool operator==(const Objective&) const = default;
};

/// A study's objectives: the first one (its metric, with its direction and an optional label),
/// then a multi-objective study's further ones.
struct Objectives {
  /// What a trial's value is: a metric name, or an expression over the numbers it reports
  /// (`0.7*final_mean_reward + 0.3*success_rate`, lib/config/objective_formula.h).
  std::string metric = "final_mean_reward";
  /// What reports call an expression metric (`metric_name:` beside `objective:`); empty: the
  /// expression as written. A label: not part of what the study optimises.
  std::string label;
  bool maximize = true;
  /// A multi-objective study's further objectives (`metrics:`, Optuna's `directions`, Hydra's
  /// `direction: [..]`). Empty: one objective.
  std::vector<Objective> more;

  bool Multi() const { return !more.empty(); }
  /// Every objective, the first being metric/maximize.
  std::vector<Objective> All() const;
  /// "maximize", or one per objective comma-separated ("maximize,minimize"): the study's
  /// direction as storage keeps it.
  std::string Direction() const;
  /// The metric as reports show it: "composite (0.7*a + 0.3*b)" with a label, else as written.
  std::string Shown() const;
  /// "final_mean_reward (maximize), training_time (minimize)": every objective in one line, the
  /// first as Shown().
  std::string Describe() const;
  bool operator==(const Objectives&) const = default;
};

}  // namespace hpo
