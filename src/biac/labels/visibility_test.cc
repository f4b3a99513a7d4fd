// All 40 cases of testdata/labels/accumulo_visibility_cases.json (transcribed from Apache
// Accumulo's VisibilityEvaluatorTest / ColumnVisibilityTest and accumulo-access test data).

#include "biac/labels/visibility.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

#include "biac/labels/access.h"
#include "biac/labels/label.h"

namespace biac::labels {
namespace {

TEST(AccumuloCases, AllPass) {
  std::ifstream in("testdata/labels/accumulo_visibility_cases.json");
  ASSERT_TRUE(in.good()) << "run from the repository root";
  std::stringstream text;
  text << in.rdbuf();
  const nlohmann::json doc = nlohmann::json::parse(text.str(), nullptr, false);
  ASSERT_TRUE(doc.is_object());
  int passed = 0;
  for (const auto& c : doc["cases"]) {
    const std::string id = c["id"];
    const std::string kind = c["kind"];
    const std::string expected = c["expected"];
    const Result<VisibilityExpression> expr =
        VisibilityExpression::Parse(c["expression"].get<std::string>());
    bool ok = false;
    if (expected == "PARSE_ERROR") {
      ok = !expr.ok();
    } else if (expr.ok()) {
      if (kind == "evaluate") {
        const Authorizations auths(c["authorizations"].get<std::vector<std::string>>());
        ok = expr->Evaluate(auths) == (expected == "ACCESSIBLE");
      } else if (kind == "normalize") {
        ok = expr->Normalized() == c["normalized"].get<std::string>();
      } else {
        ok = expected == "VALID";
      }
    }
    EXPECT_TRUE(ok) << id << " " << c["expression"] << " expected " << expected << ": "
                    << (expr.ok() ? "parsed" : expr.status().message());
    if (ok) ++passed;
  }
  EXPECT_EQ(passed, 40);
}

TEST(Visibility, ErrorsNameThePlace) {
  const Result<VisibilityExpression> mixed = VisibilityExpression::Parse("a|b&c");
  ASSERT_FALSE(mixed.ok());
  EXPECT_EQ(mixed.status().message(),
            "visibility 3 ('&'): '&' and '|' mixed at one level without parentheses");
  EXPECT_FALSE(VisibilityExpression::Parse("()").ok());
  EXPECT_FALSE(VisibilityExpression::Parse("\"\\c\"").ok());
  EXPECT_FALSE(VisibilityExpression::Parse("A B").ok());
  EXPECT_FALSE(
      VisibilityExpression::Parse(std::string(300, '(') + "A" + std::string(300, ')')).ok());
}

TEST(Visibility, MultipleAuthorizationSets) {
  const Result<VisibilityExpression> expr = VisibilityExpression::Parse("A&(B|C)");
  ASSERT_TRUE(expr.ok());
  const Authorizations sets[] = {Authorizations({"A", "B"}), Authorizations({"A", "C"})};
  EXPECT_TRUE(expr->EvaluateAll(sets));
  const Authorizations with_bad[] = {Authorizations({"A", "B"}), Authorizations({"B", "C"})};
  EXPECT_FALSE(expr->EvaluateAll(with_bad));
}

TEST(Visibility, QuoteToken) {
  EXPECT_EQ(QuoteToken("rel:JPN"), "rel:JPN");
  EXPECT_EQ(QuoteToken("五"), "\"五\"");
  EXPECT_EQ(QuoteToken("a\"b\\c"), "\"a\\\"b\\\\c\"");
}

TEST(Visibility, CompiledLabels) {
  const Result<Label> label = Parse("TOP SECRET//SI/TK//ORCON/REL TO USA, FVEY");
  ASSERT_TRUE(label.ok());
  EXPECT_EQ(ToVisibility(*label),
            "cls:TS&sci:SI&sci:TK&dissem:ORCON&(rel:AUS|rel:CAN|rel:FVEY|rel:GBR|rel:NZL|rel:USA)");
  EXPECT_EQ(ToVisibility(*Parse("UNCLASSIFIED")), "cls:U");
  EXPECT_EQ(ToVisibility(*Parse("SECRET//NOFORN")), "cls:S&rel:USA");
  EXPECT_EQ(ToVisibility(Label()), "cls:TS&deny:all");
  User user;
  user.clearance = Level::kSecret;
  user.nationality = "JPN";
  user.caveats = {"MDA"};
  EXPECT_EQ(AuthorizationsFor(user).tokens(),
            (std::vector<std::string>{"caveat:MDA", "cls:C", "cls:S", "cls:U", "rel:JPN"}));
}

}  // namespace
}  // namespace biac::labels
