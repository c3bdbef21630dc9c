#include "lib/config/objective_formula.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <stdexcept>

#include "lib/core/value.h"
#include "lib/protocol/eval_line.h"
#include "lib/protocol/trial_results.h"
#include "lib/space/constraint.h"

namespace hpo::config {
namespace {

bool SpaceAt(std::string_view text, size_t i) {
  return i < text.size() && std::isspace(static_cast<unsigned char>(text[i]));
}

// The number under `key` on a line, if it has one.
std::optional<double> NumberAt(const YAML::Node& line, const std::string& key) {
  const YAML::Node value = line[key];
  if (!value || !value.IsScalar()) return std::nullopt;
  try {
    return protocol::TrialNumber(value);
  } catch (const YAML::Exception&) {
    return std::nullopt;
  }
}

// A metric name's number on a line, as the controller has always read it: the name, else an
// evaluation line's mean_reward (whatever the metric: hpo train's curve).
std::optional<double> MetricOnLine(const YAML::Node& line, const std::string& metric) {
  if (line[metric]) return NumberAt(line, metric);
  if (protocol::IsPeriodicEvalLine(line)) return NumberAt(line, "mean_reward");
  return std::nullopt;
}

// One of an expression's names on a line: the name, or mean_reward for a reward alias on an
// evaluation line (where it is final_mean_reward's value at that step).
std::optional<double> NameOnLine(const YAML::Node& line, const std::string& name) {
  if (line[name]) return NumberAt(line, name);
  if (protocol::IsRewardAlias(name) && protocol::IsPeriodicEvalLine(line))
    return NumberAt(line, "mean_reward");
  return std::nullopt;
}

}  // namespace

bool ObjectiveFormula::IsExpression(std::string_view text) {
  if (text.find_first_of("+*()<>=!&|") != std::string_view::npos) return true;
  if (!text.empty() && text[0] == '-') return true;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((text[i] == '-' || text[i] == '/') &&
        ((i > 0 && SpaceAt(text, i - 1)) || SpaceAt(text, i + 1)))
      return true;
  }
  return false;
}

ObjectiveFormula ObjectiveFormula::Parse(const std::string& text, const Origin& origin,
                                         const NameCheck& check) {
  ObjectiveFormula f;
  f.text_ = text;
  if (!IsExpression(text)) {
    if (check) {
      if (const std::optional<std::string> why = check(text)) throw UserError(origin, *why);
    }
    f.names_ = {text};
    return f;
  }
  const space::Constraint::Resolver resolve =
      [&check](std::string_view name) -> std::optional<std::string> {
    if (check && check(std::string(name))) return std::nullopt;
    return std::string(name);
  };
  const space::Constraint::UnknownName refused = [&check](std::string_view name) {
    return *check(std::string(name));
  };
  std::shared_ptr<const space::Constraint> expression =
      space::Constraint::Parse(text, resolve, origin, refused, "metric");
  for (const std::string& name : expression->names()) {
    if (std::find(f.names_.begin(), f.names_.end(), name) == f.names_.end())
      f.names_.push_back(name);
  }
  // A string in it ("a" + 1, or a string alone) is refused now, not at the first trial.
  ParamSet ones;
  for (const std::string& name : f.names_) ones[name] = Value(1.0);
  expression->Evaluate(ones);
  f.expression_ = std::move(expression);
  return f;
}

double ObjectiveFormula::FromResults(const YAML::Node& results) const {
  if (!expression_) return protocol::MetricInResults(results, text_);
  ParamSet values;
  for (const std::string& name : names_)
    values[name] = Value(protocol::MetricInResults(results, name));
  return expression_->Evaluate(values);
}

std::optional<LineValue> ObjectiveFormula::OnLine(const YAML::Node& line) const {
  if (!expression_) {
    const std::optional<double> value = MetricOnLine(line, text_);
    if (!value) return std::nullopt;
    return LineValue{*value, false};
  }
  ParamSet values;
  for (const std::string& name : names_) {
    const std::optional<double> value = NameOnLine(line, name);
    if (!value) break;
    values[name] = Value(*value);
  }
  if (values.size() == names_.size()) return LineValue{expression_->Evaluate(values), false};
  const std::optional<double> first = MetricOnLine(line, names_.front());
  if (!first) return std::nullopt;
  return LineValue{*first, true};
}

std::string ObjectiveFormula::DescribeIntermediateValues(bool trainer) const {
  const std::string& first = names_.front();
  if (!expression_) return fmt::format("{} as the trial reports it", text_);
  if (!trainer) {
    return fmt::format(
        "the expression on JSON lines that carry {}; {} alone on lines that carry only it "
        "(the final value is always the expression)",
        fmt::join(names_, ", "), first);
  }
  std::vector<std::string> lacking;
  for (const std::string& name : names_) {
    if (!protocol::TrainerLinesCarry(name)) lacking.push_back(name);
  }
  if (lacking.empty())
    return "the expression, on every evaluation line of hpo train (they carry all its names)";
  return fmt::format(
      "{} alone: hpo train's evaluation lines lack {} (the final value is the expression, from "
      "sweep_eval_results.yaml)",
      protocol::TrainerLinesCarry(first) ? first : std::string("mean_reward"),
      fmt::join(lacking, ", "));
}

}  // namespace hpo::config
