#pragma once

// Apache Accumulo visibility expressions (apache/accumulo-access SPECIFICATION.md, ABNF; the
// evaluator of Accumulo's ColumnVisibility / VisibilityEvaluator) and the compilation of
// labels into them (security-anchors.md §7.6), so that a store with Accumulo's semantics can
// enforce biac's decisions and a deployment can add its own restrictive tokens.
//
// Grammar: expression = term *("&" term) / term *("|" term); term = token / "(" expression
// ")"; token = 1*(ALPHA / DIGIT / "_" / "-" / "." / ":" / "/") or a double-quoted string of
// at least one character in which only \" and \\ are escapes. "&" and "|" never mix at one
// nesting level (no precedence); no whitespace anywhere; "" (the empty expression) is
// visible to everyone.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "biac/base/status.h"

namespace biac::labels {

class Label;
class Registry;
struct User;

// A set of authorization tokens (unescaped), kept sorted for lookup.
class Authorizations {
 public:
  Authorizations() = default;
  explicit Authorizations(std::vector<std::string> tokens);
  bool Contains(std::string_view token) const;
  const std::vector<std::string>& tokens() const { return tokens_; }

 private:
  std::vector<std::string> tokens_;
};

class VisibilityExpression {
 public:
  // Errors name the byte offset and the reason ("visibility 4: '&' and '|' mixed at one level
  // without parentheses").
  static Result<VisibilityExpression> Parse(std::string_view expression);

  bool Evaluate(const Authorizations& authorizations) const;
  // accumulo-access multi-evaluator: visible only if true for every set.
  bool EvaluateAll(std::span<const Authorizations> sets) const;
  // Accumulo's flatten(): duplicates removed, children sorted (terms before '|' before '&',
  // then by size and content), nested same-operator groups merged, redundant parentheses
  // dropped.
  std::string Normalized() const;

 private:
  enum class Kind { kEmpty, kTerm, kOr, kAnd };
  struct Node {
    Kind kind = Kind::kEmpty;
    std::string token;          // unescaped, for kTerm
    std::vector<int> children;  // indices into nodes_
  };
  class Parser;

  bool EvaluateNode(int node, const Authorizations& authorizations) const;

  std::vector<Node> nodes_;
  int root_ = 0;
};

// The token as it appears in an expression: bare if every byte is in the unquoted set, else
// double-quoted with " and \ escaped.
std::string QuoteToken(std::string_view token);

// expr(L) of security-anchors.md §7.6: "cls:<level>" & "sci:<t>"... & "dissem:ORCON" &
// "caveat:<c>"... & ("rel:<c1>"|"rel:<c2>"|...) over expand(rel) + rel, the group omitted
// when releasable to all; a label releasable to no one (UNLABELLED, or a roll-up of JPN-only
// and NOFORN inputs) gets the token "deny:all", which no user's authorizations contain.
std::string ToVisibility(const Label& label);
std::string ToVisibility(const Label& label, const Registry& registry);

// auths(u) of §7.6: cls:<every level <= clearance>, sci:<each>, dissem:ORCON if approved,
// caveat:<each other caveat>, rel:<nationality>, rel:<each affiliation>.
Authorizations AuthorizationsFor(const User& user);

}  // namespace biac::labels
