#include "lib/config/interpolation.h"

#include <fmt/format.h>

#include <optional>

namespace hpo::config {
namespace {

// One ${...} in a scalar: where it starts and ends in the text, and what is inside the braces.
struct Reference {
  size_t begin = 0, end = 0;  // [begin, end) covers "${...}"
  std::string body;
};

std::vector<Reference> FindReferences(const std::string& text) {
  std::vector<Reference> refs;
  for (size_t at = text.find("${"); at != std::string::npos; at = text.find("${", at)) {
    if (at + 2 < text.size() && text[at + 2] == '{') {  // Azure ML's ${{...}} is not OmegaConf's
      at += 3;
      continue;
    }
    int depth = 0;
    size_t close = at + 1;
    for (; close < text.size(); ++close) {
      if (text[close] == '{') ++depth;
      if (text[close] == '}' && --depth == 0) break;
    }
    if (close >= text.size())
      break;  // unclosed: plain text, as OmegaConf's grammar would refuse it
    refs.push_back({at, close + 1, text.substr(at + 2, close - at - 2)});
    at = close + 1;
  }
  return refs;
}

bool IsMettaResolver(const Reference& ref) { return ref.body.rfind("ss:", 0) == 0; }
bool IsResolver(const Reference& ref) { return ref.body.find(':') != std::string::npos; }
bool IsNested(const Reference& ref) { return ref.body.find("${") != std::string::npos; }

// "a.b[0].c" -> {a, b, 0, c}; leading dots are counted into `up`.
std::vector<std::string> PathTokens(const std::string& body, size_t& up) {
  up = 0;
  while (up < body.size() && body[up] == '.') ++up;
  std::vector<std::string> tokens;
  std::string current;
  for (size_t i = up; i < body.size(); ++i) {
    const char ch = body[i];
    if (ch == '.' || ch == '[' || ch == ']') {
      if (!current.empty()) tokens.push_back(current);
      current.clear();
    } else if (ch != ' ') {
      current += ch;
    }
  }
  if (!current.empty()) tokens.push_back(current);
  return tokens;
}

std::optional<size_t> IndexOf(const std::string& token) {
  if (token.empty() || token.find_first_not_of("0123456789") != std::string::npos ||
      token.size() > 9)
    return std::nullopt;
  return static_cast<size_t>(std::stoul(token));
}

class Interpolator {
 public:
  explicit Interpolator(YAML::Node root) : root_(root) {}

  void Walk(YAML::Node node, std::vector<std::string>& path) {
    if (node.IsMap()) {
      for (auto pair : node) {
        // command: and hooks: hold hpo's trial macros (${args}, ${run_dir}), not OmegaConf's
        // references
        if (!pair.first.IsScalar() || pair.first.Scalar() == "command" ||
            pair.first.Scalar() == "hooks")
          continue;
        path.push_back(pair.first.Scalar());
        Walk(pair.second, path);
        path.pop_back();
      }
    } else if (node.IsSequence()) {
      for (size_t i = 0; i < node.size(); ++i) {
        path.push_back(std::to_string(i));
        Walk(node[i], path);
        path.pop_back();
      }
    } else if (node.IsScalar() && NeedsResolving(node.Scalar())) {
      const std::string text = node.Scalar();
      std::vector<std::string> parent(path.begin(), path.end() - 1);
      if (!Resolve(node, parent, 0)) unresolved_.push_back({Joined(path), text});
    }
  }

  const std::vector<UnresolvedValue>& unresolved() const { return unresolved_; }

 private:
  static bool NeedsResolving(const std::string& text) {
    return text == "???" || text.find("${") != std::string::npos;
  }

  static std::string Joined(const std::vector<std::string>& path) {
    std::string out;
    for (const std::string& part : path) out += (out.empty() ? "" : ".") + part;
    return out;
  }

  // The node `body` points to from a value whose container is at `parent`, and that node's own
  // container path. std::nullopt when the file has no such node.
  std::optional<std::pair<YAML::Node, std::vector<std::string>>> Lookup(
      const std::string& body, const std::vector<std::string>& parent) const {
    size_t up = 0;
    const std::vector<std::string> tokens = PathTokens(body, up);
    if (tokens.empty()) return std::nullopt;
    std::vector<std::string> at;
    if (up > 0) {  // ${.x}: x beside the value; each further dot goes one container up
      if (up - 1 > parent.size()) return std::nullopt;
      at.assign(parent.begin(), parent.end() - static_cast<std::ptrdiff_t>(up - 1));
    }
    std::vector<std::string> full = at;
    full.insert(full.end(), tokens.begin(), tokens.end());
    YAML::Node node = root_;
    for (const std::string& token : full) {
      if (node.IsMap()) {
        YAML::Node child;
        bool found = false;
        for (auto pair : node) {
          if (pair.first.IsScalar() && pair.first.Scalar() == token)
            child.reset(pair.second), found = true;
        }
        if (!found) return std::nullopt;
        node.reset(child);  // rebinds; `node = child` would overwrite the node it refers to
      } else if (node.IsSequence()) {
        const std::optional<size_t> index = IndexOf(token);
        if (!index || *index >= node.size()) return std::nullopt;
        node.reset(node[*index]);
      } else {
        return std::nullopt;
      }
    }
    full.pop_back();
    return std::make_pair(node, full);
  }

  // Resolves `node` (a scalar in the container at `parent`) in place; false, with the node
  // tagged, when it cannot. `depth` stops reference cycles.
  bool Resolve(YAML::Node node, const std::vector<std::string>& parent, int depth) {
    if (node.Tag() == kUnresolvedTag) return false;
    if (!node.IsScalar() || !NeedsResolving(node.Scalar())) return true;
    const std::string text = node.Scalar();
    const std::vector<Reference> refs = FindReferences(text);
    const auto fail = [&node] {
      node.SetTag(kUnresolvedTag);
      return false;
    };
    if (text == "???" || depth > 32) return fail();
    // a reference's target, itself resolved first
    const auto target_of = [&](const Reference& ref) -> std::optional<YAML::Node> {
      if (IsResolver(ref) || IsNested(ref)) return std::nullopt;
      auto found = Lookup(ref.body, parent);
      if (!found || !Resolve(found->first, found->second, depth + 1)) return std::nullopt;
      return found->first;
    };
    if (refs.size() == 1 && refs[0].begin == 0 && refs[0].end == text.size()) {  // the whole value
      if (IsMettaResolver(refs[0])) return true;  // the readers parse ${ss:...}
      const std::optional<YAML::Node> target = target_of(refs[0]);
      if (!target) return fail();
      node = *target;  // its value and type, as OmegaConf gives them
      return true;
    }
    std::string out;
    size_t copied = 0;
    for (const Reference& ref : refs) {
      out += text.substr(copied, ref.begin - copied);
      copied = ref.end;
      if (IsMettaResolver(ref)) {
        out += text.substr(ref.begin, ref.end - ref.begin);
        continue;
      }
      const std::optional<YAML::Node> target = target_of(ref);
      if (!target || !target->IsScalar()) return fail();
      out += target->Scalar();
    }
    out += text.substr(copied);
    // Keeps the node's tag: a Hydra sweep's "choice(${a}, 2)" becomes an override to parse, as in
    // Hydra.
    node = out;
    return true;
  }

  YAML::Node root_;
  std::vector<UnresolvedValue> unresolved_;
};

}  // namespace

std::vector<UnresolvedValue> ResolveInterpolations(YAML::Node root) {
  Interpolator interpolator(root);
  std::vector<std::string> path;
  interpolator.Walk(root, path);
  return interpolator.unresolved();
}

std::string WhyUnresolved(const std::string& text) {
  if (text == "???")
    return "'??"
           "?' is OmegaConf's mark of a value to be given elsewhere";  // split: "??'" is a trigraph
  for (const Reference& ref : FindReferences(text)) {
    if (IsMettaResolver(ref)) continue;
    const std::string quoted = Echo(text.substr(ref.begin, ref.end - ref.begin));
    if (IsNested(ref))
      return fmt::format("'{}' nests interpolations, which hpo does not resolve", quoted);
    if (IsResolver(ref)) {
      return fmt::format("'{}' calls the OmegaConf resolver '{}', which hpo does not run", quoted,
                         Echo(ref.body.substr(0, ref.body.find(':'))));
    }
  }
  const std::vector<Reference> refs = FindReferences(text);
  const std::string first =
      refs.empty() ? text : text.substr(refs[0].begin, refs[0].end - refs[0].begin);
  return fmt::format("'{}' points outside this file (or in a circle), so hpo cannot resolve it",
                     Echo(first));
}

void RequireResolved(const YAML::Node& node, const Origin& origin) {
  if (node.IsScalar() && node.Tag() == kUnresolvedTag) {
    throw UserError(origin, WhyUnresolved(node.Scalar()) + "; give the value itself");
  }
}

}  // namespace hpo::config
