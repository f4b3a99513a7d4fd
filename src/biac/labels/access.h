#pragma once

// The access decision (ACDF) of security-anchors.md §7.4, generalised to both policies: a
// user or audience is described by its authorizations, and a label is released to it only
// if every rule holds.

#include <string>
#include <string_view>
#include <vector>

#include "biac/base/status.h"
#include "biac/labels/label.h"

namespace biac::labels {

class Registry;

// A user, or an audience (a partner release domain) described as a user profile.
struct User {
  Level clearance = Level::kUnclassified;  // on the common lattice
  std::string nationality;                 // trigraph, e.g. "JPN"
  std::vector<std::string> affiliations;   // tetragraphs / organisations, e.g. "NATO", "FVEY"
  std::vector<std::string> sci;            // SCI control systems the user is read into
  // Restrictive caveats the user is approved for (canonical ids, e.g. "ORCON", "MDA"):
  // §7.4's "orcon approved" flag is the caveat ORCON.
  std::vector<std::string> caveats;

  friend bool operator==(const User&, const User&) = default;
};

struct Decision {
  bool permit = false;
  // Why: the first rule that failed ("clearance CONFIDENTIAL below SECRET"), or "permit".
  std::string reason;
};

// acdf(u, L): permit iff L is not UNLABELLED, L.level <= u.clearance, L.sci within u.sci,
// L.caveats within u.caveats (restrictive: all), and L is releasable to all or
// ({u.nationality} + u.affiliations) meets expand(L.releasable_to) + L.releasable_to
// (permissive: at least one). FGI is informative.
Decision Decide(const User& user, const Label& label);
Decision Decide(const User& user, const Label& label, const Registry& registry);
inline bool Permits(const User& user, const Label& label) { return Decide(user, label).permit; }

// Reads a user from JSON: {"clearance":"SECRET","nationality":"JPN","affiliations":["NATO"],
// "sci":["SI"],"caveats":["MDA"],"orcon":true}. The clearance may be a common level (U, C, S,
// TS or their names) or a level of the user's own nation's policy ("GOKUHI", "極秘"), read
// through the equivalence table. Unknown keys, codes or caveats are errors (deny).
Result<User> ParseUser(std::string_view json);
Result<User> ParseUser(std::string_view json, const Registry& registry);
std::string UserToJson(const User& user);

}  // namespace biac::labels
