// Orion (github:Epistimio/orion at 1b20511c, src/ paths below): priors written inside a
// program's own config, `lr: 'orion~loguniform(1e-5, 1.0)'` (orion_cmdline_parser.py:102 takes
// every string `X~EXPR` of the file, :355-396, and names it by its path), and the Hydra Orion
// sweeper (github:Epistimio/hydra_orion_sweeper at 352aa7e1): hydra.sweeper.params holding the
// same expressions without `orion~`, with experiment/orion, worker, algorithm and storage beside.
// An expression is a Python call that Orion evals (core/io/space_builder.py:195-234) on
// DimensionBuilder: uniform(a, b) is [a, b] (:160), discrete=True makes it an Integer
// (:58-59) whose draws are stretched to take b too (algo/space/__init__.py:688-703);
// loguniform is scipy's reciprocal on [a, b] (:187-193); normal/gaussian scipy's norm (:177-185),
// an Integer one floored (__init__.py:612); choices of a list, a dict {category: probability}
// or its arguments (:131-142, __init__.py:764-772); fidelity(low, high, base=2), the budget of
// Hyperband and ASHA (__init__.py:908-950; hyperband/hyperband.py:207-209). Orion minimises.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "lib/config/vocabularies/vocabulary.h"
#include "lib/config/yaml_source.h"

namespace hpo::config {
namespace {

// A Python literal among a prior's arguments: a number, string, True/False/None, a list or
// tuple, or a dict.
struct PyNode {
  enum class Kind { kScalar, kList, kDict };
  Kind kind = Kind::kScalar;
  Value scalar;
  std::vector<PyNode> items;  // a list's items; a dict's values
  std::vector<PyNode> keys;   // a dict's keys
};

struct PriorCall {
  std::string name;
  std::vector<PyNode> args;
  std::vector<std::pair<std::string, PyNode>> kwargs;
};

// The call Orion evals, read as literals only (Orion's eval would also take expressions such as
// np.log(2): hpo refuses them rather than guess).
class PriorParser {
 public:
  explicit PriorParser(std::string_view text) : text_(text) {}

  PriorCall ParseCall() {
    PriorCall call;
    call.name = Identifier();
    if (call.name.empty()) throw std::invalid_argument("a prior is written name(arguments)");
    Expect('(');
    while (!Peek(')')) {
      const size_t start = Skip();
      const std::string word = Identifier();
      if (!word.empty() && Peek('=')) {
        ++pos_;
        call.kwargs.emplace_back(word, Literal(0));
      } else {
        pos_ = start;
        if (!call.kwargs.empty())
          throw std::invalid_argument("a positional argument after a keyword");
        call.args.push_back(Literal(0));
      }
      if (!Peek(',')) break;
      ++pos_;
    }
    Expect(')');
    if (Skip() != text_.size())
      throw std::invalid_argument(
          fmt::format("unexpected '{}' after the call", text_.substr(pos_)));
    return call;
  }

 private:
  size_t Skip() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    return pos_;
  }
  bool Peek(char c) { return Skip() < text_.size() && text_[pos_] == c; }
  void Expect(char c) {
    if (!Peek(c))
      throw std::invalid_argument(fmt::format("expected '{}' at column {}", c, pos_ + 1));
    ++pos_;
  }
  std::string Identifier() {
    Skip();
    const size_t start = pos_;
    while (pos_ < text_.size() &&
           (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_'))
      ++pos_;
    if (start < text_.size() && std::isdigit(static_cast<unsigned char>(text_[start]))) {
      pos_ = start;
      return "";
    }
    return std::string(text_.substr(start, pos_ - start));
  }

  PyNode Literal(int depth) {
    if (depth > 16) throw std::invalid_argument("nested too deeply");
    Skip();
    if (pos_ >= text_.size()) throw std::invalid_argument("an argument is missing");
    const char c = text_[pos_];
    if (c == '[' || c == '(') return Sequence(c == '[' ? ']' : ')', depth);
    if (c == '{') return Dict(depth);
    if (c == '\'' || c == '"') return Scalar(QuotedString());
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '+' || c == '.')
      return Scalar(NumberText());
    const std::string word = Identifier();
    if (word == "True" || word == "False") return Scalar(Value(word == "True"));
    if (word == "None") return Scalar(Value(nullptr));
    throw std::invalid_argument(
        fmt::format("'{}' is not a Python literal (hpo reads literal arguments only)",
                    word.empty() ? text_.substr(pos_, 1) : word));
  }
  static PyNode Scalar(Value v) {
    PyNode n;
    n.scalar = std::move(v);
    return n;
  }
  PyNode Sequence(char close, int depth) {
    ++pos_;
    PyNode n;
    n.kind = PyNode::Kind::kList;
    while (!Peek(close)) {
      n.items.push_back(Literal(depth + 1));
      if (!Peek(',')) break;
      ++pos_;
    }
    Expect(close);
    return n;
  }
  PyNode Dict(int depth) {
    ++pos_;
    PyNode n;
    n.kind = PyNode::Kind::kDict;
    while (!Peek('}')) {
      n.keys.push_back(Literal(depth + 1));
      Expect(':');
      n.items.push_back(Literal(depth + 1));
      if (!Peek(',')) break;
      ++pos_;
    }
    Expect('}');
    return n;
  }
  Value QuotedString() {
    const char quote = text_[pos_++];
    std::string out;
    while (pos_ < text_.size() && text_[pos_] != quote) {
      if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) ++pos_;
      out += text_[pos_++];
    }
    if (pos_ >= text_.size()) throw std::invalid_argument("unclosed string");
    ++pos_;
    return Value(out);
  }
  Value NumberText() {
    const size_t start = pos_;
    if (text_[pos_] == '-' || text_[pos_] == '+') ++pos_;
    while (pos_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[pos_])) ||
                                   text_[pos_] == '.' || text_[pos_] == '_' ||
                                   ((text_[pos_] == '-' || text_[pos_] == '+') &&
                                    (text_[pos_ - 1] == 'e' || text_[pos_ - 1] == 'E'))))
      ++pos_;
    std::string digits;
    for (char ch : text_.substr(start, pos_ - start))
      if (ch != '_') digits += ch;
    const bool is_float = digits.find_first_of(".eE") != std::string::npos;
    char* end = nullptr;
    Value v = is_float ? Value(std::strtod(digits.c_str(), &end))
                       : Value(static_cast<int64_t>(std::strtoll(digits.c_str(), &end, 10)));
    if (digits.empty() || end != digits.c_str() + digits.size())
      throw std::invalid_argument(fmt::format("'{}' is not a number", digits));
    return v;
  }

  std::string_view text_;
  size_t pos_ = 0;
};

Value ToValue(const PyNode& n) {
  if (n.kind == PyNode::Kind::kDict) throw std::invalid_argument("a dict is not a category");
  if (n.kind == PyNode::Kind::kScalar) return n.scalar;
  Value::List list;
  for (const PyNode& item : n.items) list.push_back(ToValue(item));
  return Value(std::move(list));
}

double Number(const PyNode& n, const std::string& what) {
  if (n.kind != PyNode::Kind::kScalar || !n.scalar.is_number())
    throw std::invalid_argument(fmt::format("{} must be a number", what));
  return n.scalar.as_double();
}

// What a file's priors ask beyond hpo's parameters, reported once the file is read.
struct OrionSpace {
  std::vector<std::string> rounded;  // real dimensions Orion rounds to `precision` digits
  int precision = 4;
  struct Fidelity {
    std::string name;
    int64_t low = 0, high = 0, base = 2;
    YAML::Node node;
  };
  std::optional<Fidelity> fidelity;
};

class PriorReader {
 public:
  PriorReader(SweepReading& r, OrionSpace& space) : r_(r), space_(space) {}

  void Add(const std::string& path, const YAML::Node& key_node, const YAML::Node& node,
           const std::string& expression) {
    path_ = path;
    node_ = node;
    PriorCall call;
    try {
      call = PriorParser(expression).ParseCall();
      AddCall(key_node, call);
    } catch (const std::invalid_argument& e) {
      r_.Fail(node,
              fmt::format("{}: Orion prior '{}': {}", Echo(path), Echo(expression), e.what()));
    }
  }

 private:
  void AddCall(const YAML::Node& key_node, const PriorCall& call) {
    const std::string& f = call.name;
    if (f == "choices") return AddChoices(key_node, call);
    if (f == "fidelity") return AddFidelity(key_node, call);
    if (f == "uniform" || f == "loguniform" || f == "normal" || f == "gaussian")
      return AddNumber(key_node, call);
    if (f == "randint")  // space_builder.py:164-175
      throw std::invalid_argument("Orion refuses randint; write uniform(a, b, discrete=True)");
    throw std::invalid_argument(
        "hpo reads Orion's uniform, loguniform, normal, gaussian, choices and fidelity; Orion "
        "would look this name up in scipy.stats (space_builder.py:223), whose other laws hpo "
        "has no form of: write one of those over the range you mean (uniform(a, b), with "
        "discrete=True for integers; loguniform(a, b); normal(loc, scale); choices([...]))");
  }

  // Keywords every numeric dimension takes (Dimension.__init__, Real.__init__).
  struct NumberOptions {
    bool discrete = false;
    std::optional<int> precision = 4;
    std::optional<double> loc, scale;
  };
  NumberOptions Options(const PriorCall& call) {
    NumberOptions o;
    for (const auto& [k, v] : call.kwargs) {
      if (k == "discrete" && v.scalar.is_bool()) {
        o.discrete = v.scalar.as_bool();
      } else if (k == "precision") {  // __init__.py:449-456: an int > 0, or None
        if (v.scalar.is_null()) {
          o.precision.reset();
        } else if (v.scalar.is_int() && v.scalar.as_int() > 0 && v.scalar.as_int() < 100) {
          o.precision = static_cast<int>(v.scalar.as_int());
        } else {
          throw std::invalid_argument("precision is a whole number > 0, or None");
        }
      } else if ((k == "loc" || k == "scale") &&
                 (call.name == "normal" || call.name == "gaussian")) {
        (k == "loc" ? o.loc : o.scale) = Number(v, k);
      } else {
        CommonKeyword(k, v);
      }
    }
    return o;
  }
  void CommonKeyword(const std::string& k, const PyNode& v) {
    if (k == "default_value") {  // the value of a dimension added to an existing experiment
      r_.Ignore(path_ + " (default_value)");
    } else if (k == "shape") {
      if (!(v.kind == PyNode::Kind::kScalar && v.scalar.is_null()))
        throw std::invalid_argument(fmt::format(
            "shape= makes the value a tensor (a list) of draws, which hpo cannot pass as one "
            "parameter: write one prior per element ({0}_0, {0}_1, ...) and build the list in "
            "the program",
            path_));
    } else if (k == "low" || k == "high") {
      throw std::invalid_argument(
          k +
          "= truncates the prior (Real.__init__, by redrawing), which hpo cannot: give the "
          "range to uniform(a, b) or loguniform(a, b), or drop " +
          k + "=");
    } else {
      throw std::invalid_argument(fmt::format("unknown keyword '{}'", k));
    }
  }

  void AddNumber(const YAML::Node& key_node, const PriorCall& call) {
    const NumberOptions o = Options(call);
    const bool normal = call.name == "normal" || call.name == "gaussian";
    if (normal) return AddNormal(key_node, call, o);
    if (call.args.size() != 2) throw std::invalid_argument("takes two bounds: (low, high)");
    const double a = Number(call.args[0], "low"), b = Number(call.args[1], "high");
    const bool log = call.name == "loguniform";
    if (!(a < b)) throw std::invalid_argument("needs low < high");
    if (log && !(a > 0)) throw std::invalid_argument("needs 0 < low");
    if (!o.discrete) {
      NoteRounding(o);
      return r_.AddNumeric(path_, key_node, log ? "loguniform" : "uniform", a, b);
    }
    // Integer.interval() is [floor(low), ceil(high)] and every integer in it can be drawn
    const double lo = std::floor(a), hi = std::ceil(b);
    if (log && lo < 1)
      throw std::invalid_argument("discrete loguniform can draw 0: needs low >= 1");
    if (log) {
      r_.config().notes.push_back(fmt::format(
          "{}: Orion floors a log-uniform draw stretched over [{}, {}); hpo's int_loguniform "
          "draws the same integers with slightly different odds",
          path_, FormatDouble(lo), FormatDouble(hi + 1)));
    }
    r_.AddNumeric(path_, key_node, log ? "int_loguniform" : "int_uniform", lo, hi);
  }

  void AddNormal(const YAML::Node& key_node, const PriorCall& call, NumberOptions o) {
    if (call.args.size() > 2) throw std::invalid_argument("takes (loc, scale)");
    if (!call.args.empty()) o.loc = Number(call.args[0], "loc");
    if (call.args.size() == 2) o.scale = Number(call.args[1], "scale");
    const double mu = o.loc.value_or(0.0), sigma = o.scale.value_or(1.0);  // scipy's defaults
    if (!(sigma > 0)) throw std::invalid_argument("needs scale > 0");
    if (!o.discrete) {
      NoteRounding(o);
      return r_.AddNormal(path_, key_node, "normal", mu, sigma, 1.0);
    }
    // floor(N(mu, sigma)) is round(N(mu - 0.5, sigma)): hpo's q_normal with q 1
    r_.config().notes.push_back(
        fmt::format("{}: Orion floors a normal draw; read as q_normal (rounded) around {}", path_,
                    FormatDouble(mu - 0.5)));
    r_.AddNormal(path_, key_node, "q_normal", mu - 0.5, sigma, 1.0);
  }

  void NoteRounding(const NumberOptions& o) {
    if (!o.precision) return;
    space_.rounded.push_back(path_);
    space_.precision = *o.precision;
  }

  void AddChoices(const YAML::Node& key_node, const PriorCall& call) {
    for (const auto& [k, v] : call.kwargs) CommonKeyword(k, v);
    if (call.args.empty()) throw std::invalid_argument("needs categories");
    const PyNode& first = call.args[0];
    std::vector<Value> values;
    std::vector<double> probabilities;
    if (first.kind == PyNode::Kind::kDict) {  // {category: probability}
      double sum = 0;
      for (size_t i = 0; i < first.keys.size(); ++i) {
        values.push_back(ToValue(first.keys[i]));
        probabilities.push_back(Number(first.items[i], "a probability"));
        sum += probabilities.back();
      }
      // scipy's rv_discrete refuses probabilities whose sum is not 1 (np.allclose)
      if (std::fabs(sum - 1.0) > 1e-8 + 1e-5)
        throw std::invalid_argument(
            fmt::format("probabilities sum to {}, not 1", FormatDouble(sum)));
      // equal odds are Orion's list (Categorical.__init__ tiles 1/n): no weights to keep
      if (std::all_of(probabilities.begin(), probabilities.end(),
                      [&](double p) { return p == probabilities.front(); }))
        probabilities.clear();
    } else if (first.kind == PyNode::Kind::kList) {
      for (const PyNode& item : first.items) values.push_back(ToValue(item));
    } else {
      for (const PyNode& arg : call.args) values.push_back(ToValue(arg));
    }
    r_.AddCategorical(path_, key_node, std::move(values), std::nullopt, std::move(probabilities));
  }

  // Fidelity.sample() returns high (__init__.py:986-988): a trial gets the whole budget unless a
  // multi-fidelity algorithm (Hyperband, ASHA) gives it less; the caller decides which.
  void AddFidelity(const YAML::Node& key_node, const PriorCall& call) {
    if (call.args.size() < 2 || call.args.size() > 3)
      throw std::invalid_argument("takes (low, high, base=2)");
    OrionSpace::Fidelity f;
    f.name = path_;
    f.node = node_;
    const double low = Number(call.args[0], "low"), high = Number(call.args[1], "high");
    double base = call.args.size() == 3 ? Number(call.args[2], "base") : 2;
    for (const auto& [k, v] : call.kwargs) {
      if (k != "base") throw std::invalid_argument(fmt::format("unknown keyword '{}'", k));
      base = Number(v, "base");
    }
    // Fidelity.__init__: low > 0, low <= high, base >= 1, each cast to int
    if (!(low > 0) || low > high || base < 1)
      throw std::invalid_argument("needs 0 < low <= high and base >= 1");
    if (space_.fidelity) throw std::invalid_argument("a second fidelity dimension");
    f.low = static_cast<int64_t>(low);
    f.high = static_cast<int64_t>(high);
    f.base = static_cast<int64_t>(base);
    space_.fidelity = f;
    r_.SetFixed(path_, key_node, Value(f.high), r_.At(node_));
  }

  SweepReading& r_;
  OrionSpace& space_;
  std::string path_;
  YAML::Node node_;
};

void NoteRounded(SweepReading& r, const OrionSpace& space) {
  if (space.rounded.empty()) return;
  r.config().notes.push_back(fmt::format(
      "Orion rounds {} to {} significant digits (precision=; core/worker/transformer.py "
      "Precision): hpo passes unrounded values",
      fmt::join(space.rounded, ", "), space.precision));
}

// ----- priors inside a program's config ---------------------------------------------------------

// Orion's prior_regex (.+)~([+->]?.+): the text after the last '~', when something precedes it.
std::optional<std::string> PriorExpression(const YAML::Node& node) {
  if (!node.IsScalar()) return std::nullopt;
  const std::string& text = node.Scalar();
  const size_t tilde = text.rfind('~');
  if (tilde == std::string::npos || tilde == 0 || tilde + 1 == text.size()) return std::nullopt;
  return text.substr(tilde + 1);
}

bool HasPrior(const YAML::Node& node) {
  bool found = false;
  ForEachNode(node, [&](const YAML::Node& n) { found = found || PriorExpression(n).has_value(); });
  return found;
}

void ReadProgramNode(SweepReading& r, PriorReader& priors, const std::string& path,
                     const YAML::Node& key_node, const YAML::Node& node) {
  if (!HasPrior(node)) return r.Ignore(path);  // the program's own setting, read from its file
  if (node.IsScalar()) {
    std::string expression = *PriorExpression(node);
    // space_builder.py:76-85: '-' (removed) and '>' (renamed) dimensions are not built
    if (expression[0] == '-' || expression[0] == '>') return r.Ignore(path);
    if (expression[0] == '+') expression.erase(0, 1);
    return priors.Add(path, key_node, node, expression);
  }
  if (node.IsMap()) {
    for (const auto& p : node)
      ReadProgramNode(r, priors, path + "." + r.Key(p.first), p.first, p.second);
    return;
  }
  for (size_t i = 0; i < node.size(); ++i)  // a list's items are named by their index
    ReadProgramNode(r, priors, fmt::format("{}.{}", path, i), node[i], node[i]);
}

// ----- the Hydra Orion sweeper ------------------------------------------------------------------

// The names DimensionBuilder has (space_builder.py:131-193); randint is one that refuses.
bool CallsOrionPrior(const std::string& text) {
  for (const char* f :
       {"uniform(", "loguniform(", "normal(", "gaussian(", "choices(", "fidelity(", "randint("}) {
    if (text.rfind(f, 0) == 0) return true;
  }
  return false;
}

// A call of another name: Orion builds it when scipy.stats has that name, else passes the text
// as a plain value (implementation.py:248-253); hpo cannot tell which.
bool CallsOtherFunction(const std::string& text) {
  const size_t open = text.find('(');
  if (open == std::string::npos || open == 0 || text.back() != ')') return false;
  for (size_t i = 0; i < open; ++i) {
    const char c = text[i];
    if (!(std::islower(static_cast<unsigned char>(c)) ||
          std::isdigit(static_cast<unsigned char>(c)) || c == '_'))
      return false;
  }
  return true;
}

class HydraOrionReader {
 public:
  explicit HydraOrionReader(SweepReading& r) : r_(r), c_(r.config()), priors_(r, space_) {}

  void Read(const YAML::Node& root) {
    c_.sampler.method = "random";  // AlgorithmConf.type (config.py:77)
    r_.SetGoal(false);             // Orion keeps the lowest objective (experiment.py:696)
    for (const auto& p : root) {
      const std::string key = r_.Key(p.first);
      if (key == "hydra" && p.second.IsMap()) {
        for (const auto& q : p.second) {
          const std::string k = r_.Key(q.first);
          if (k == "sweeper")
            ReadSweeper(q.second);
          else
            r_.Ignore("hydra." + k);
        }
      } else if (key == "optimized_metric") {  // lightning-hydra-template's name for the objective
        r_.SetMetric(p.second, key);
      } else {
        r_.Ignore(key);  // defaults and the task's own config
      }
    }
    NoteRounded(r_, space_);
    FinishFidelity();
  }

 private:
  void ReadSweeper(const YAML::Node& sweeper) {
    // orion_sweeper.py:30-45: params, else the deprecated parametrization
    const bool has_params = sweeper["params"] && !sweeper["params"].IsNull();
    for (const auto& p : sweeper) {
      const std::string key = r_.Key(p.first);
      const std::string path = "hydra.sweeper." + key;
      if ((key == "params" || (key == "parametrization" && !has_params)) && !p.second.IsNull()) {
        r_.Map(p.second, path);
        for (const auto& q : p.second) ReadParam(r_.Key(q.first), q.first, q.second);
      } else if (key == "worker" && p.second.IsMap()) {
        ReadWorker(p.second);
      } else if (key == "algorithm" && p.second.IsMap()) {
        ReadAlgorithm(p.second);
      } else {
        r_.Ignore(path);  // _target_, experiment/orion (name, version), storage
      }
    }
  }

  void ReadParam(const std::string& path, const YAML::Node& key_node, const YAML::Node& v) {
    if (v.IsMap()) {  // a nested group (implementation.py:233-246)
      for (const auto& q : v) ReadParam(path + "." + r_.Key(q.first), q.first, q.second);
      return;
    }
    const std::string text = v.IsScalar() ? v.Scalar() : "";
    if (CallsOrionPrior(text)) return priors_.Add(path, key_node, v, text);
    if (CallsOtherFunction(text)) {
      r_.Fail(v, fmt::format("{}: '{}' is not one of Orion's priors (uniform, loguniform, normal, "
                             "choices, fidelity); Orion builds it if scipy.stats has that name, "
                             "else passes the text to the task: write one of those priors over "
                             "the range you mean, or set a plain value in the task's own config",
                             Echo(path), Echo(text)));
    }
    r_.SetFixed(path, key_node, ValueFromYaml(v, r_.At(v)), r_.At(v));  // a regular argument
  }

  void ReadWorker(const YAML::Node& worker) {
    for (const auto& p : worker) {
      const std::string key = r_.Key(p.first);
      const std::string path = "hydra.sweeper.worker." + key;
      if (key == "max_trials") {
        c_.n_trials = r_.Int(p.second, path, 1);
      } else if (key == "n_workers") {  // <= 0: os.cpu_count() (implementation.py:421-427)
        const int64_t n = r_.Integer(p.second, path, -1'000'000, 1'000'000);
        c_.n_jobs = n <= 0 ? r_.Jobs(YAML::Node("auto"), path) : static_cast<int>(n);
      } else {
        r_.Ignore(path);  // max_broken, pool_size, reservation_timeout, max_trials_per_worker
      }
    }
  }

  void ReadAlgorithm(const YAML::Node& algorithm) {
    algorithm_node_ = algorithm;
    for (const auto& p : algorithm) {
      const std::string key = r_.Key(p.first);
      const std::string path = "hydra.sweeper.algorithm." + key;
      if (key == "type") {
        algorithm_ = LowerCase(r_.Text(p.second, path));
      } else if (key == "config" && p.second.IsMap()) {
        for (const auto& q : p.second) ReadAlgorithmSetting(r_.Key(q.first), q.second);
      } else {
        r_.Ignore(path);
      }
    }
    if (algorithm_ == "random" || algorithm_ == "tpe") {
      c_.sampler.method = algorithm_;
    } else if (algorithm_ == "gridsearch") {
      c_.sampler.method = "grid";
    } else if (algorithm_ == "hyperband" || algorithm_ == "asha") {
      c_.sampler.method = "random";  // both sample at random within their brackets
    } else {
      c_.sampler.method = "tpe";
      c_.notes.push_back(
          fmt::format("Orion algorithm {} has no hpo sampler: tpe is used", algorithm_));
    }
  }

  void ReadAlgorithmSetting(const std::string& key, const YAML::Node& v) {
    const std::string path = "hydra.sweeper.algorithm.config." + key;
    if (key == "seed" && !v.IsNull()) {
      c_.seed = static_cast<uint64_t>(r_.Integer(v, path, 0));
    } else if (key == "n_values" && v.IsScalar()) {  // gridsearch: points per dimension
      c_.sampler.grid.points = r_.Int(v, path, 1);
    } else {
      r_.Ignore(path);
    }
  }

  // Hyperband and ASHA take their budgets from the fidelity dimension: low, high and base as
  // min_resources, max_resources and reduction_factor (hyperband/hyperband.py:207-209). They
  // run a trial again at each larger budget; hpo runs it once at high and stops it at those step
  // counts, the same schedule when the trial reports its metric once per unit of the fidelity.
  void FinishFidelity() {
    const bool multi_fidelity = algorithm_ == "hyperband" || algorithm_ == "asha";
    if (multi_fidelity && !space_.fidelity) {
      r_.Fail(algorithm_node_, fmt::format("Orion's {} needs a fidelity() dimension in "
                                           "hydra.sweeper.params (hyperband.py:487)",
                                           algorithm_));
    }
    if (!space_.fidelity) return;
    const OrionSpace::Fidelity& f = *space_.fidelity;
    if (!multi_fidelity) {
      c_.notes.push_back(fmt::format("{}: fidelity({}, {}): Orion's {} gives every trial {}",
                                     f.name, f.low, f.high, algorithm_, f.high));
      return;
    }
    pruners::PrunerSettings& pruner = c_.pruner;
    pruner.method = algorithm_ == "hyperband" ? "hyperband" : "successive_halving";
    pruner.halving_rule.min_resource = f.low;
    if (algorithm_ == "hyperband") pruner.halving_rule.max_resource = f.high;
    pruner.halving_rule.reduction_factor = static_cast<int>(f.base);
    c_.notes.push_back(fmt::format(
        "{}: Orion's {} reruns trials at budgets from {} to {} (base {}); hpo runs each at {} and "
        "prunes it ({} pruner) at those step counts: the trial reports its metric once per unit "
        "of {}",
        f.name, algorithm_, f.low, f.high, f.base, f.high, pruner.method, f.name));
  }

  SweepReading& r_;
  SweepConfig& c_;
  OrionSpace space_;
  PriorReader priors_;
  std::string algorithm_ = "random";
  YAML::Node algorithm_node_;
};

}  // namespace

bool MatchesOrionConfig(const YAML::Node& root) {
  if (!root.IsMap()) return false;
  bool found = false;
  ForEachNode(root, [&](const YAML::Node& n) {
    found = found || (n.IsScalar() && n.Scalar().rfind("orion~", 0) == 0);
  });
  return found;
}

void ReadOrionConfig(SweepReading& r, const YAML::Node& root) {
  r.config().sampler.method = "random";  // Orion's default algorithm (core/__init__.py:197-201)
  OrionSpace space;
  PriorReader priors(r, space);
  for (const auto& p : root) ReadProgramNode(r, priors, r.Key(p.first), p.first, p.second);
  NoteRounded(r, space);
  if (space.fidelity) {
    r.config().notes.push_back(fmt::format(
        "{}: fidelity({}, {}, base={}) is Orion's budget for Hyperband/ASHA, whose algorithm is "
        "not in this file: every trial gets {} (as Orion's other algorithms give it)",
        space.fidelity->name, space.fidelity->low, space.fidelity->high, space.fidelity->base,
        space.fidelity->high));
  }
  // orion hunt's program reports report_objective(value, name="objective") (client/cli.py:31)
  r.SetImpliedMetric("objective", root);
  r.SetGoal(false);
  r.config().notes.push_back(
      "Orion writes each trial's values into a copy of this file; hpo passes them as arguments "
      "(give the program with --command)");
}

}  // namespace hpo::config

namespace hpo::config {

// A Hydra file whose sweeper is Orion's: the defaults list says so, or the sweeper has Orion's
// own keys, or its params call Orion's priors (no other plugin's grammar has them).
bool MatchesHydraOrion(const YAML::Node& root) {
  if (!MatchesHydra(root)) return false;
  // A file that is the sweeper's config itself (`# @package hydra.sweeper`) has no hydra: key.
  const YAML::Node hydra = root["hydra"];
  const YAML::Node sweeper = hydra && hydra.IsMap() ? hydra["sweeper"] : root;
  if (root["defaults"] && root["defaults"].IsSequence()) {
    for (const YAML::Node& item : root["defaults"]) {
      if (!item.IsMap()) continue;
      for (const auto& p : item) {
        const std::string key = p.first.IsScalar() ? p.first.Scalar() : "";
        if ((key == "override hydra/sweeper" || key == "hydra/sweeper") && p.second.IsScalar() &&
            p.second.Scalar() == "orion")
          return true;
      }
    }
  }
  if (sweeper["_target_"] && sweeper["_target_"].IsScalar() &&
      sweeper["_target_"].Scalar().find("orion") != std::string::npos)
    return true;
  for (const char* key : {"worker", "algorithm", "orion", "experiment"}) {
    if (sweeper[key]) return true;
  }
  bool priors = false;
  for (const char* key : {"params", "parametrization"}) {
    if (!sweeper[key]) continue;
    ForEachNode(sweeper[key], [&](const YAML::Node& n) {
      priors = priors || (n.IsScalar() && CallsOrionPrior(n.Scalar()));
    });
  }
  return priors;
}

void ReadHydraOrion(SweepReading& reading, const YAML::Node& root) {
  HydraOrionReader(reading).Read(root);
}

}  // namespace hpo::config
