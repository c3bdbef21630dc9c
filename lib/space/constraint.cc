#include "lib/space/constraint.h"

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <variant>

namespace hpo::space {

// ---------------------------------------------------------------------------------------------
// Syntax tree and evaluation
// ---------------------------------------------------------------------------------------------

struct Constraint::Node {
  enum class Op {
    kNumber,
    kString,
    kName,
    kNeg,
    kNot,
    kAdd,
    kSub,
    kMul,
    kDiv,
    kPow,
    kLt,
    kLe,
    kGt,
    kGe,
    kEq,
    kNe,
    kAnd,
    kOr
  };
  Op op = Op::kNumber;
  double number = 0;
  std::string text;  // string literal or resolved name
  std::unique_ptr<Node> left, right;
};

namespace {

using Node = Constraint::Node;
using Op = Node::Op;
// A number, or the text of a non-numeric value (strings, lists) for equality tests.
using Operand = std::variant<double, std::string>;

std::unique_ptr<Node> Leaf(Op op, double number = 0, std::string text = "") {
  auto node = std::make_unique<Node>();
  node->op = op;
  node->number = number;
  node->text = std::move(text);
  return node;
}

std::unique_ptr<Node> Branch(Op op, std::unique_ptr<Node> left, std::unique_ptr<Node> right) {
  auto node = Leaf(op);
  node->left = std::move(left);
  node->right = std::move(right);
  return node;
}

// ---------------------------------------------------------------------------------------------
// Tokens and the recursive-descent parser
// ---------------------------------------------------------------------------------------------

class Parser {
 public:
  Parser(const std::string& text, const std::string& kind, const Constraint::Resolver& resolve,
         const Constraint::UnknownName& unknown, const Origin& origin,
         std::vector<std::string>& names)
      : text_(text),
        kind_(kind),
        resolve_(resolve),
        unknown_(unknown),
        origin_(origin),
        names_(names) {}

  std::unique_ptr<Node> ParseAll() {
    auto node = ParseOr();
    SkipSpaces();
    if (pos_ < text_.size()) Fail(fmt::format("unexpected '{}'", text_.substr(pos_, 1)));
    return node;
  }

 private:
  [[noreturn]] void Fail(const std::string& what) const {
    throw UserError(origin_,
                    fmt::format("{} \"{}\": {} at column {}", kind_, Echo(text_), what, pos_ + 1));
  }

  void SkipSpaces() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }

  // Consumes `symbol` if it comes next (for words, only as a whole word).
  bool Accept(std::string_view symbol) {
    SkipSpaces();
    if (text_.compare(pos_, symbol.size(), symbol) != 0) return false;
    const bool word = std::isalpha(static_cast<unsigned char>(symbol[0]));
    const size_t end = pos_ + symbol.size();
    if (word && end < text_.size() &&
        (std::isalnum(static_cast<unsigned char>(text_[end])) || text_[end] == '_'))
      return false;
    // "<" must not eat the first character of "<=", "*" of "**", "!" of "!=".
    if ((symbol == "<" || symbol == ">" || symbol == "!") && end < text_.size() &&
        text_[end] == '=')
      return false;
    if (symbol == "*" && end < text_.size() && text_[end] == '*') return false;
    pos_ = end;
    return true;
  }

  // Every recursion of the grammar passes a parenthesis, "not", a sign or "**": a guard at each
  // bounds the stack a hostile expression can take ("((((...", "- - - -...").
  class DepthGuard {
   public:
    explicit DepthGuard(Parser& p) : p_(p) {
      if (++p_.depth_ > kMaxDepth)
        p_.Fail(fmt::format("nested more than {} levels deep", kMaxDepth));
    }
    ~DepthGuard() { --p_.depth_; }

   private:
    Parser& p_;
  };
  static constexpr int kMaxDepth = 64;

  std::unique_ptr<Node> ParseOr() {
    auto left = ParseAnd();
    while (Accept("or") || Accept("||")) left = Branch(Op::kOr, std::move(left), ParseAnd());
    return left;
  }

  std::unique_ptr<Node> ParseAnd() {
    auto left = ParseNot();
    while (Accept("and") || Accept("&&")) left = Branch(Op::kAnd, std::move(left), ParseNot());
    return left;
  }

  std::unique_ptr<Node> ParseNot() {
    if (Accept("not") || Accept("!")) {
      const DepthGuard guard(*this);
      return Branch(Op::kNot, ParseNot(), nullptr);
    }
    return ParseComparison();
  }

  std::unique_ptr<Node> ParseComparison() {
    auto left = ParseSum();
    std::unique_ptr<Node> chain;
    const Node* previous_right = nullptr;
    while (true) {
      Op op;
      if (Accept("<="))
        op = Op::kLe;
      else if (Accept(">="))
        op = Op::kGe;
      else if (Accept("=="))
        op = Op::kEq;
      else if (Accept("!="))
        op = Op::kNe;
      else if (Accept("<"))
        op = Op::kLt;
      else if (Accept(">"))
        op = Op::kGt;
      else
        break;
      auto right = ParseSum();
      // a < b < c means a < b and b < c: the middle operand is re-read (it is a pure expression).
      std::unique_ptr<Node> lhs = previous_right ? Clone(*previous_right) : std::move(left);
      previous_right = right.get();
      auto comparison = Branch(op, std::move(lhs), std::move(right));
      chain =
          chain ? Branch(Op::kAnd, std::move(chain), std::move(comparison)) : std::move(comparison);
    }
    return chain ? std::move(chain) : std::move(left);
  }

  static std::unique_ptr<Node> Clone(const Node& n) {
    auto copy = Leaf(n.op, n.number, n.text);
    if (n.left) copy->left = Clone(*n.left);
    if (n.right) copy->right = Clone(*n.right);
    return copy;
  }

  std::unique_ptr<Node> ParseSum() {
    auto left = ParseTerm();
    while (true) {
      if (Accept("+"))
        left = Branch(Op::kAdd, std::move(left), ParseTerm());
      else if (Accept("-"))
        left = Branch(Op::kSub, std::move(left), ParseTerm());
      else
        return left;
    }
  }

  std::unique_ptr<Node> ParseTerm() {
    auto left = ParseUnary();
    while (true) {
      if (Accept("*"))
        left = Branch(Op::kMul, std::move(left), ParseUnary());
      else if (Accept("/"))
        left = Branch(Op::kDiv, std::move(left), ParseUnary());
      else
        return left;
    }
  }

  std::unique_ptr<Node> ParseUnary() {
    if (Accept("-")) {
      const DepthGuard guard(*this);
      return Branch(Op::kNeg, ParseUnary(), nullptr);
    }
    if (Accept("+")) {
      const DepthGuard guard(*this);
      return ParseUnary();
    }
    return ParsePower();
  }

  std::unique_ptr<Node> ParsePower() {
    auto base = ParseAtom();
    if (Accept("**")) {
      const DepthGuard guard(*this);
      return Branch(Op::kPow, std::move(base), ParseUnary());
    }
    return base;
  }

  std::unique_ptr<Node> ParseAtom() {
    SkipSpaces();
    if (pos_ >= text_.size()) Fail("expected a value but the expression ended");
    const char c = text_[pos_];
    if (Accept("(")) {
      const DepthGuard guard(*this);
      auto inner = ParseOr();
      if (!Accept(")")) Fail("expected ')'");
      return inner;
    }
    if (c == '"' || c == '\'') {
      const size_t close = text_.find(c, pos_ + 1);
      if (close == std::string::npos) Fail("unclosed string");
      auto node = Leaf(Op::kString, 0, text_.substr(pos_ + 1, close - pos_ - 1));
      pos_ = close + 1;
      return node;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') {
      char* end = nullptr;
      const double v = std::strtod(text_.c_str() + pos_, &end);
      if (end == text_.c_str() + pos_) Fail("expected a number");
      pos_ = static_cast<size_t>(end - text_.c_str());
      return Leaf(Op::kNumber, v);
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      const size_t start = pos_;
      while (pos_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[pos_])) ||
                                     text_[pos_] == '_' || text_[pos_] == '.'))
        ++pos_;
      const std::string name = text_.substr(start, pos_ - start);
      if (name == "true" || name == "True") return Leaf(Op::kNumber, 1);
      if (name == "false" || name == "False") return Leaf(Op::kNumber, 0);
      if (name == "and" || name == "or" || name == "not") {
        pos_ = start;
        Fail(fmt::format("expected a value before '{}'", name));
      }
      const std::optional<std::string> resolved = resolve_(name);
      if (!resolved) {
        pos_ = start;
        Fail(unknown_ ? unknown_(name) : fmt::format("unknown parameter '{}'", Echo(name)));
      }
      names_.push_back(*resolved);
      return Leaf(Op::kName, 0, *resolved);
    }
    Fail(fmt::format("unexpected '{}'", std::string(1, c)));
  }

  const std::string& text_;
  const std::string& kind_;
  const Constraint::Resolver& resolve_;
  const Constraint::UnknownName& unknown_;
  const Origin& origin_;
  std::vector<std::string>& names_;
  size_t pos_ = 0;
  int depth_ = 0;
};

class Evaluator {
 public:
  Evaluator(const ParamSet& params, const std::string& text, const std::string& kind,
            const Origin& origin)
      : params_(params), text_(text), kind_(kind), origin_(origin) {}

  Operand Eval(const Node& n) const {
    switch (n.op) {
      case Op::kNumber:
        return n.number;
      case Op::kString:
        return n.text;
      case Op::kName: {
        const auto it = params_.find(n.text);
        if (it == params_.end()) Fail(fmt::format("no value for '{}'", Echo(n.text)));
        if (it->second.is_bool()) return it->second.as_bool() ? 1.0 : 0.0;
        if (it->second.is_number()) return it->second.as_double();
        return it->second.is_string() ? it->second.as_string() : it->second.ToYaml();
      }
      case Op::kNeg:
        return -Num(*n.left);
      case Op::kNot:
        return Num(*n.left) == 0 ? 1.0 : 0.0;
      case Op::kAnd:
        return Num(*n.left) != 0 && Num(*n.right) != 0 ? 1.0 : 0.0;
      case Op::kOr:
        return Num(*n.left) != 0 || Num(*n.right) != 0 ? 1.0 : 0.0;
      case Op::kAdd:
        return Num(*n.left) + Num(*n.right);
      case Op::kSub:
        return Num(*n.left) - Num(*n.right);
      case Op::kMul:
        return Num(*n.left) * Num(*n.right);
      case Op::kDiv:
        return Num(*n.left) / Num(*n.right);
      case Op::kPow:
        return std::pow(Num(*n.left), Num(*n.right));
      case Op::kEq:
        return Eval(*n.left) == Eval(*n.right) ? 1.0 : 0.0;
      case Op::kNe:
        return Eval(*n.left) != Eval(*n.right) ? 1.0 : 0.0;
      case Op::kLt:
        return Num(*n.left) < Num(*n.right) ? 1.0 : 0.0;
      case Op::kLe:
        return Num(*n.left) <= Num(*n.right) ? 1.0 : 0.0;
      case Op::kGt:
        return Num(*n.left) > Num(*n.right) ? 1.0 : 0.0;
      case Op::kGe:
        return Num(*n.left) >= Num(*n.right) ? 1.0 : 0.0;
    }
    return 0.0;
  }

  /// A node's value as a number; a string there is a UserError.
  double Num(const Node& n) const {
    const Operand v = Eval(n);
    if (const double* d = std::get_if<double>(&v)) return *d;
    Fail(fmt::format("'{}' is not a number here", Echo(std::get<std::string>(v))));
  }

 private:
  [[noreturn]] void Fail(const std::string& what) const {
    throw UserError(origin_, fmt::format("{} \"{}\": {}", kind_, text_, what));
  }

  const ParamSet& params_;
  const std::string& text_;
  const std::string& kind_;
  const Origin& origin_;
};

}  // namespace

Constraint::~Constraint() = default;

std::unique_ptr<Constraint> Constraint::Parse(const std::string& text, const Resolver& resolve,
                                              const Origin& origin, const UnknownName& unknown,
                                              std::string_view kind) {
  // Bounds the expression tree, whose evaluation recurses (a real constraint is a line).
  constexpr size_t kMaxLength = 1000;
  if (text.size() > kMaxLength) {
    throw UserError(
        origin, fmt::format("{} \"{}\": longer than {} characters", kind, Echo(text), kMaxLength));
  }
  std::unique_ptr<Constraint> c(new Constraint());
  c->text_ = text;
  c->kind_ = kind;
  c->origin_ = origin;
  c->root_ = Parser(c->text_, c->kind_, resolve, unknown, origin, c->names_).ParseAll();
  return c;
}

bool Constraint::Rejects(const ParamSet& params) const {
  const Operand v = Evaluator(params, text_, kind_, origin_).Eval(*root_);
  const double* d = std::get_if<double>(&v);
  return d != nullptr && *d != 0.0;
}

double Constraint::Evaluate(const ParamSet& values) const {
  return Evaluator(values, text_, kind_, origin_).Num(*root_);
}

}  // namespace hpo::space
