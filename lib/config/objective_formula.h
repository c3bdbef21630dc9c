// What value a trial gives for one objective: a metric it reports (`metric: success_rate`), or
// an expression over the numbers it reports (`metric: "0.7*final_mean_reward + 0.3*success_rate"`),
// read with the constraint grammar (lib/space/constraint.h). One reading for every objective of a
// study (the metric and a multi-objective study's further ones), for the controller's final and
// intermediate values and for best-params' re-ranking.
#pragma once

#include <yaml-cpp/yaml.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/core/error.h"

namespace hpo::space {
class Constraint;  // lib/space/constraint.h
}

namespace hpo::config {

/// An objective's number on one JSON line of a trial's stdout.
struct LineValue {
  double value = 0;
  /// True when the line lacked some of an expression's names and `value` is its first name's
  /// (a curve point to prune on, never a final value).
  bool partial = false;
};

class ObjectiveFormula {
 public:
  /// Why a metric name cannot be read (hpo train's "is never written ..."), or nullopt.
  using NameCheck = std::function<std::optional<std::string>(const std::string&)>;

  /// True when `text` is an expression: it holds one of + * ( ) < > = ! & |, begins with -, or
  /// has a - or / with a space beside it. Otherwise it is one metric name, which may hold / - .
  /// as W&B's names do (`eval/mean_reward`, `val-loss`).
  static bool IsExpression(std::string_view text);

  /// Reads an objective as a sweep file writes it. An expression's syntax errors, and each name
  /// `check` refuses, are UserErrors at `origin` quoting the expression and the column; a name
  /// `check` refuses is one at `origin` with check's reason.
  static ObjectiveFormula Parse(const std::string& text, const Origin& origin = {},
                                const NameCheck& check = {});

  const std::string& text() const { return text_; }
  bool is_expression() const { return expression_ != nullptr; }
  /// The metric names it reads, each once, in the order written (a name: itself).
  const std::vector<std::string>& names() const { return names_; }

  /// Its value in a trial's results mapping (sweep_eval_results.yaml), each name read as
  /// MetricInResults reads it (reward aliases, an unsolved time_to_solve). Throws
  /// std::runtime_error saying what is missing or not a number.
  double FromResults(const YAML::Node& results) const;

  /// Its value on one JSON line (a mapping), if the line carries it: every name, else the first
  /// (`partial`). hpo train's evaluation lines (`"event": "eval"` with a step) carry
  /// final_mean_reward as `mean_reward`; for a metric name they give `mean_reward` when they lack
  /// the name, as they always have.
  std::optional<LineValue> OnLine(const YAML::Node& line) const;

  /// What the intermediate values are, in words (`hpo sweep --dry-run`). `trainer`: the trial
  /// program is hpo train, whose evaluation lines are known.
  std::string DescribeIntermediateValues(bool trainer) const;

 private:
  std::string text_;
  std::shared_ptr<const space::Constraint> expression_;  // null: text_ is one metric name
  std::vector<std::string> names_;
};

}  // namespace hpo::config
