#include "biac/labels/visibility.h"

#include <algorithm>
#include <set>

#include "biac/labels/access.h"
#include "biac/labels/label.h"
#include "biac/labels/registry.h"

namespace biac::labels {

namespace {

// Nesting beyond any expression biac writes; bounds the recursive parser's stack on hostile
// input.
constexpr int kMaxNesting = 200;
constexpr std::string_view kDenyToken = "deny:all";

bool IsBareTokenChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.' || c == ':' || c == '/';
}

}  // namespace

Authorizations::Authorizations(std::vector<std::string> tokens) : tokens_(std::move(tokens)) {
  std::sort(tokens_.begin(), tokens_.end());
  tokens_.erase(std::unique(tokens_.begin(), tokens_.end()), tokens_.end());
}

bool Authorizations::Contains(std::string_view token) const {
  return std::binary_search(tokens_.begin(), tokens_.end(), token,
                            [](std::string_view a, std::string_view b) { return a < b; });
}

class VisibilityExpression::Parser {
 public:
  Parser(std::string_view text, std::vector<Node>& nodes) : text_(text), nodes_(nodes) {}

  Result<int> ParseAll() {
    if (text_.empty()) {
      nodes_.push_back(Node{});
      return 0;
    }
    BIAC_ASSIGN_OR_RETURN(int root, Expression(0));
    if (pos_ != text_.size()) {
      return Error(text_[pos_] == ')' ? "')' without a matching '('" : "unexpected character");
    }
    return root;
  }

 private:
  Status Error(std::string_view reason) const {
    std::string where = "visibility " + std::to_string(pos_);
    if (pos_ < text_.size()) {
      where += " ('";
      where += text_[pos_];
      where += "')";
    }
    return InvalidArgument(where + ": " + std::string(reason));
  }

  Result<int> Expression(int depth) {
    if (depth > kMaxNesting) return Error("parentheses nested too deeply");
    BIAC_ASSIGN_OR_RETURN(int first, Term(depth));
    if (pos_ >= text_.size() || (text_[pos_] != '&' && text_[pos_] != '|')) return first;
    const char op = text_[pos_];
    Node group;
    group.kind = op == '&' ? Kind::kAnd : Kind::kOr;
    group.children.push_back(first);
    while (pos_ < text_.size() && (text_[pos_] == '&' || text_[pos_] == '|')) {
      if (text_[pos_] != op) return Error("'&' and '|' mixed at one level without parentheses");
      ++pos_;
      BIAC_ASSIGN_OR_RETURN(int next, Term(depth));
      group.children.push_back(next);
    }
    nodes_.push_back(std::move(group));
    return static_cast<int>(nodes_.size()) - 1;
  }

  Result<int> Term(int depth) {
    if (pos_ >= text_.size()) return Error("expected a token or '(' at the end");
    const char c = text_[pos_];
    if (c == '(') {
      ++pos_;
      if (pos_ < text_.size() && text_[pos_] == ')') return Error("empty parentheses");
      BIAC_ASSIGN_OR_RETURN(int inner, Expression(depth + 1));
      if (pos_ >= text_.size() || text_[pos_] != ')') return Error("missing ')'");
      ++pos_;
      return AfterTerm(inner);
    }
    Node term;
    term.kind = Kind::kTerm;
    if (c == '"') {
      ++pos_;
      while (true) {
        if (pos_ >= text_.size()) return Error("unterminated quoted token");
        const char q = text_[pos_];
        if (q == '"') break;
        if (q == '\\') {
          if (pos_ + 1 >= text_.size()) return Error("unterminated escape in quoted token");
          const char e = text_[pos_ + 1];
          if (e != '"' && e != '\\') {
            ++pos_;
            return Error("only \\\" and \\\\ are escapes in a quoted token");
          }
          term.token += e;
          pos_ += 2;
          continue;
        }
        term.token += q;
        ++pos_;
      }
      if (term.token.empty()) return Error("empty quoted token");
      ++pos_;  // closing quote
    } else if (IsBareTokenChar(c)) {
      while (pos_ < text_.size() && IsBareTokenChar(text_[pos_])) term.token += text_[pos_++];
    } else {
      return Error(c == '&' || c == '|' ? "operator without a term before it"
                   : c == ')'           ? "')' without a term before it"
                                        : "character not allowed (quote the token)");
    }
    nodes_.push_back(std::move(term));
    return AfterTerm(static_cast<int>(nodes_.size()) - 1);
  }

  // A term must be followed by an operator, ')' or the end: "(A)(B)", "A(B)", "\"A\"A" fail.
  Result<int> AfterTerm(int node) {
    if (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c != '&' && c != '|' && c != ')') return Error("terms without an operator between");
    }
    return node;
  }

  std::string_view text_;
  std::vector<Node>& nodes_;
  size_t pos_ = 0;
};

Result<VisibilityExpression> VisibilityExpression::Parse(std::string_view expression) {
  VisibilityExpression out;
  Parser parser(expression, out.nodes_);
  BIAC_ASSIGN_OR_RETURN(out.root_, parser.ParseAll());
  return out;
}

bool VisibilityExpression::EvaluateNode(int index, const Authorizations& auths) const {
  const Node& node = nodes_[static_cast<size_t>(index)];
  switch (node.kind) {
    case Kind::kEmpty:
      return true;
    case Kind::kTerm:
      return auths.Contains(node.token);
    case Kind::kAnd:
      for (int child : node.children) {
        if (!EvaluateNode(child, auths)) return false;
      }
      return true;
    case Kind::kOr:
      for (int child : node.children) {
        if (EvaluateNode(child, auths)) return true;
      }
      return false;
  }
  return false;
}

bool VisibilityExpression::Evaluate(const Authorizations& authorizations) const {
  return EvaluateNode(root_, authorizations);
}

bool VisibilityExpression::EvaluateAll(std::span<const Authorizations> sets) const {
  return std::all_of(sets.begin(), sets.end(),
                     [&](const Authorizations& auths) { return Evaluate(auths); });
}

namespace {

// A self-contained tree for flatten(), compared as Accumulo's NodeComparator does: by kind
// (term < or < and), terms by content, groups by child count and then child by child.
struct Flat {
  int kind = 0;  // 0 empty, 1 term, 2 or, 3 and
  std::string token;
  std::vector<Flat> children;
};

int Compare(const Flat& a, const Flat& b) {
  if (a.kind != b.kind) return a.kind < b.kind ? -1 : 1;
  if (a.kind == 1) return a.token < b.token ? -1 : (a.token == b.token ? 0 : 1);
  if (a.children.size() != b.children.size()) {
    return a.children.size() < b.children.size() ? -1 : 1;
  }
  for (size_t i = 0; i < a.children.size(); ++i) {
    const int c = Compare(a.children[i], b.children[i]);
    if (c != 0) return c;
  }
  return 0;
}

Flat Normalize(Flat node) {
  if (node.kind < 2) return node;
  std::vector<Flat> merged;
  for (Flat& child : node.children) {
    Flat c = Normalize(std::move(child));
    if (c.kind == node.kind) {
      for (Flat& grandchild : c.children) merged.push_back(std::move(grandchild));
    } else {
      merged.push_back(std::move(c));
    }
  }
  std::sort(merged.begin(), merged.end(),
            [](const Flat& a, const Flat& b) { return Compare(a, b) < 0; });
  merged.erase(std::unique(merged.begin(), merged.end(),
                           [](const Flat& a, const Flat& b) { return Compare(a, b) == 0; }),
               merged.end());
  if (merged.size() == 1) return std::move(merged.front());
  node.children = std::move(merged);
  return node;
}

void Stringify(const Flat& node, std::string& out) {
  if (node.kind == 0) return;
  if (node.kind == 1) {
    out += QuoteToken(node.token);
    return;
  }
  for (size_t i = 0; i < node.children.size(); ++i) {
    if (i > 0) out += node.kind == 3 ? '&' : '|';
    const Flat& child = node.children[i];
    const bool parens = child.kind >= 2 && child.kind != node.kind;
    if (parens) out += '(';
    Stringify(child, out);
    if (parens) out += ')';
  }
}

}  // namespace

std::string VisibilityExpression::Normalized() const {
  auto build = [&](auto&& self, int index) -> Flat {
    const Node& node = nodes_[static_cast<size_t>(index)];
    Flat flat;
    flat.kind = static_cast<int>(node.kind);
    flat.token = node.token;
    for (int child : node.children) flat.children.push_back(self(self, child));
    return flat;
  };
  std::string out;
  Stringify(Normalize(build(build, root_)), out);
  return out;
}

std::string QuoteToken(std::string_view token) {
  if (!token.empty() && std::all_of(token.begin(), token.end(), IsBareTokenChar)) {
    return std::string(token);
  }
  std::string out = "\"";
  for (char c : token) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string ToVisibility(const Label& label) { return ToVisibility(label, Registry::Default()); }

std::string ToVisibility(const Label& label, const Registry& registry) {
  std::string out = "cls:" + std::string(LevelAbbreviation(label.level()));
  for (const std::string& token : label.sci()) out += "&" + QuoteToken("sci:" + token);
  for (const std::string& token : label.caveats()) {
    out += "&" + QuoteToken((token == "ORCON" ? "dissem:" : "caveat:") + token);
  }
  if (label.unlabelled()) return out + "&" + std::string(kDenyToken);
  if (label.releasable_to_all()) return out;
  std::set<std::string> codes;
  for (const std::string& code : label.releasable_to()) {
    codes.insert(code);
    if (const std::vector<std::string>* members = registry.Members(code)) {
      codes.insert(members->begin(), members->end());
    }
  }
  if (codes.empty()) return out + "&" + std::string(kDenyToken);
  std::string group;
  for (const std::string& code : codes)
    group += (group.empty() ? "" : "|") + QuoteToken("rel:" + code);
  return out + "&" + (codes.size() == 1 ? group : "(" + group + ")");
}

Authorizations AuthorizationsFor(const User& user) {
  std::vector<std::string> tokens;
  for (int level = 0; level <= static_cast<int>(user.clearance); ++level) {
    tokens.push_back("cls:" + std::string(LevelAbbreviation(static_cast<Level>(level))));
  }
  for (const std::string& token : user.sci) tokens.push_back("sci:" + token);
  for (const std::string& token : user.caveats) {
    tokens.push_back((token == "ORCON" ? "dissem:" : "caveat:") + token);
  }
  tokens.push_back("rel:" + user.nationality);
  for (const std::string& code : user.affiliations) tokens.push_back("rel:" + code);
  return Authorizations(std::move(tokens));
}

}  // namespace biac::labels
