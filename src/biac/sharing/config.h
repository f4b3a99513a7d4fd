#pragma once

// The sharing configuration: the named sanitisation rules and the partners they apply to,
// read from the `sharing` table of a node's TOML configuration (docs/sharing.md):
//
//   [[sharing.rule]]
//   name = "coarse-1km"
//   coarsen_position_m = 1000
//   drop_source_identity = true
//   drop_fields = ["callsign"]
//
//   [[sharing.partner]]
//   name = "jpn-node"
//   audience = { clearance = "SECRET", nationality = "JPN" }
//   rules = ["coarse-1km"]
//
// The audience is an inline table with the keys of labels::ParseUser (clearance, nationality,
// affiliations, sci, caveats, orcon) and is read by it. Fail closed: an unknown key, a value
// of the wrong type, an unknown field or rule name, a repeated name, or a missing required key
// is an error naming the key and the reason ("sharing.rule[2].drop_fields[0]: unknown field
// 'colour'"). Tables other than `sharing` belong to other parts of the node and are ignored.

#include <string>
#include <string_view>
#include <vector>

#include "biac/base/status.h"
#include "biac/sharing/rules.h"

namespace biac::labels {
class Registry;
}  // namespace biac::labels

namespace biac::sharing {

struct SharingConfig {
  RuleSet rules;
  std::vector<PartnerPolicy> partners;

  const PartnerPolicy* FindPartner(std::string_view name) const;
};

// `source` names the text in parse-error messages (a file name). Audience clearances in a
// nation's own levels are read through `registry`'s equivalence table (default:
// labels::Registry::Default()).
Result<SharingConfig> ParseSharingConfig(std::string_view toml_text, std::string_view source);
Result<SharingConfig> ParseSharingConfig(std::string_view toml_text, std::string_view source,
                                         const labels::Registry& registry);

}  // namespace biac::sharing
