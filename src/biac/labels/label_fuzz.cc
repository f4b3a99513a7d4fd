// libFuzzer target for the label parsers and the Accumulo expression parser. Besides never
// crashing, it checks properties on every accepted input:
//   label:      Parse(Render(l)) == l and Render is a fixed point; the JSON form round-trips;
//               Rollup(l, l) == l; the compiled Accumulo expression parses and decides as
//               Decide does for a set of fixed users;
//   expression: Normalized() parses and decides as the original for fixed authorizations.

#include "biac/labels/label.h"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "biac/labels/access.h"
#include "biac/labels/visibility.h"

namespace {

using namespace biac::labels;  // NOLINT: a fuzz entry point

void Check(bool condition) {
  if (!condition) std::abort();
}

const std::vector<User>& Users() {
  static const std::vector<User> users = [] {
    std::vector<User> out;
    const char* nations[] = {"USA", "JPN", "GBR"};
    for (int level = 0; level < 4; ++level) {
      for (const char* nation : nations) {
        User user;
        user.clearance = static_cast<Level>(level);
        user.nationality = nation;
        if (level == 3) {
          user.affiliations = {"FVEY", "NATO"};
          user.sci = {"SI", "TK"};
          user.caveats = {"MDA", "ORCON"};
        }
        out.push_back(user);
      }
    }
    return out;
  }();
  return users;
}

void CheckLabel(const Label& label) {
  const std::string canonical = Render(label);
  const biac::Result<Label> again = Parse(canonical);
  Check(again.ok());
  Check(*again == label);
  Check(Render(*again) == canonical);
  const biac::Result<Label> from_json = Parse(RenderJson(label));
  Check(from_json.ok() && *from_json == label);
  Check(Rollup(label, label) == label);
  const biac::Result<VisibilityExpression> expr = VisibilityExpression::Parse(ToVisibility(label));
  Check(expr.ok());
  for (const User& user : Users()) {
    Check(Permits(user, label) == expr->Evaluate(AuthorizationsFor(user)));
  }
}

void CheckExpression(const VisibilityExpression& expr) {
  const biac::Result<VisibilityExpression> normalized =
      VisibilityExpression::Parse(expr.Normalized());
  Check(normalized.ok());
  static const Authorizations sets[] = {Authorizations(), Authorizations({"A", "B"}),
                                        Authorizations({"a", "b", "c"}),
                                        Authorizations({"A", "C", "a", "\xe4\xba\x94"})};
  for (const Authorizations& auths : sets) {
    Check(normalized->Evaluate(auths) == expr.Evaluate(auths));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (const biac::Result<Label> label = Parse(text); label.ok()) CheckLabel(*label);
  if (const auto expr = VisibilityExpression::Parse(text); expr.ok()) CheckExpression(*expr);
  (void)ParseUser(text);
  return 0;
}
