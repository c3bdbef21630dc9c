// Constraints: expressions over parameter names that describe combinations to SKIP, e.g.
// "learning_rate > 5e-4 and n_epochs > 8". Parsed once, when the sweep config loads. The same
// grammar reads objective expressions over a trial's results ("0.7*final_mean_reward +
// 0.3*success_rate", lib/config/objective_formula.h): one grammar, one set of errors.
//
// Grammar (Python's precedence, lowest first):
//   or:   and (("or" | "||") and)*
//   and:  not (("and" | "&&") not)*
//   not:  ("not" | "!") not | cmp
//   cmp:  sum (("<" | "<=" | ">" | ">=" | "==" | "!=") sum)*     chained like Python: a < b < c
//   sum:  term (("+" | "-") term)*
//   term: unary (("*" | "/") unary)*
//   unary: ("-" | "+") unary | power
//   power: atom ("**" unary)?                                    right-associative; -2**2 = -4
//   atom: number | name | "quoted string" | true | false | "(" or ")"
// Names may be dotted (trainer.optimizer.learning_rate); `resolve` maps them to parameters.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/core/error.h"
#include "lib/core/value.h"

namespace hpo::space {

class Constraint {
 public:
  /// Maps a name as written to the parameter it means, or nullopt if there is none.
  using Resolver = std::function<std::optional<std::string>(std::string_view)>;

  /// What an error says of a name `resolve` does not know; none: "unknown parameter 'x'".
  using UnknownName = std::function<std::string(std::string_view)>;

  /// Parses `text`. Syntax errors and unknown names are UserErrors at `origin`, quoting the
  /// expression and the column; `kind` names the expression there ("constraint", "metric").
  static std::unique_ptr<Constraint> Parse(const std::string& text, const Resolver& resolve,
                                           const Origin& origin, const UnknownName& unknown = {},
                                           std::string_view kind = "constraint");

  ~Constraint();
  /// True when the values match the combination to skip. Strings and lists compare by equality
  /// only; arithmetic on them is a UserError.
  bool Rejects(const ParamSet& params) const;
  /// The expression's number for these values (a comparison or `and` gives 1 or 0). A UserError
  /// when a name has no value, or a string is used or given as a number.
  double Evaluate(const ParamSet& values) const;
  /// The parameters the expression reads (resolved names).
  const std::vector<std::string>& names() const { return names_; }
  const std::string& text() const { return text_; }

  struct Node;

 private:
  Constraint() = default;
  std::string text_;
  std::string kind_;
  Origin origin_;
  std::unique_ptr<Node> root_;
  std::vector<std::string> names_;
};

}  // namespace hpo::space
