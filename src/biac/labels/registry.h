#pragma once

// The configuration labels are read against: which policies (originating nations) exist,
// each policy's own levels with their aliases and their equivalents on the common lattice
// (the partner-pair equivalence table), the restrictive caveats a deployment recognises, and
// the tetragraphs that expand to member nations.
//
// Defaults (Registry::Default()):
//   - USA: UNCLASSIFIED, CONFIDENTIAL, SECRET, TOP_SECRET (CAPCO words and abbreviations).
//   - JPN: research/japan-markings.md §5, rows in order of protection: UNCLASSIFIED, CHUI,
//     HI, CESI, GOKUHI, BOEI_HIMITSU, TOKUTEI_HIMITSU, KIMITSU, each with its Japanese script,
//     romanized and English aliases and the row's verification status. TOKUTEI_HIMITSU
//     defaults to S, accepts an explicit `equiv` of S or TS on the label, and leaves an audit
//     note when the default is used (§5 note).
//   - caveats: ORCON (CAPCO dissem, also "OC"), MDA (特別防衛秘密, the MDA Secrets Protection
//     Act category, japan-markings.md §5).
//   - tetragraphs: FVEY = USA AUS CAN GBR NZL, ACGU = USA AUS CAN GBR (security-anchors.md
//     §2); other codes (NATO, ...) are atoms.
// A deployment loads its own table with Registry::FromJson (format in docs/labels.md).

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "biac/base/status.h"
#include "biac/labels/label.h"

namespace biac::labels {

struct LevelRow {
  std::string id;                    // canonical level id, upper case ("GOKUHI")
  std::vector<std::string> aliases;  // accepted on input (Japanese script, romanized, English)
  Level equivalent = Level::kTopSecret;
  // Levels an explicit `equiv` on the label may choose (the row's own equivalent is always
  // allowed); empty: the equivalent is fixed.
  std::vector<Level> explicit_equivalents;
  // Using `equivalent` without an explicit `equiv` leaves an audit note.
  bool audit_default = false;
  // Without a releasability list the label is releasable to all (only the policy's
  // unclassified row); otherwise it fails closed to the originator alone.
  bool releasable_to_all_by_default = false;
  std::string status;  // source and verification status of the row
};

struct PolicyTable {
  std::string policy;            // trigraph
  std::string display_name;      // "United States", "Japan"
  std::vector<LevelRow> levels;  // in order of protection, lowest first
};

struct CaveatRow {
  std::string id;                    // canonical token, [A-Z0-9_-]
  std::vector<std::string> aliases;  // also accepted on input
};

class Registry {
 public:
  // The built-in USA-JPN table described in the file comment.
  static const Registry& Default();
  // A deployment's table (docs/labels.md "Configuration"); errors name the field.
  static Result<Registry> FromJson(std::string_view json);

  const PolicyTable* FindPolicy(std::string_view policy) const;
  // Finds a level of `policy` by id or alias (aliases compare after upper-casing ASCII
  // letters and mapping ' ' and '-' to '_').
  const LevelRow* FindLevel(const PolicyTable& policy, std::string_view name) const;
  const LevelRow* FindLevelById(std::string_view policy, std::string_view id) const;
  int RankOf(const PolicyTable& policy, const LevelRow& row) const;
  // The canonical caveat id for an id or alias, if known.
  std::optional<std::string> FindCaveat(std::string_view name) const;
  // Members of a tetragraph that expands, or nullptr for an atom.
  const std::vector<std::string>* Members(std::string_view tetragraph) const;

  const std::vector<PolicyTable>& policies() const { return policies_; }
  const std::vector<CaveatRow>& caveats() const { return caveats_; }
  const std::map<std::string, std::vector<std::string>, std::less<>>& tetragraphs() const {
    return tetragraphs_;
  }

  // The registry as JSON in the FromJson format (the default table is documented this way).
  std::string ToJson() const;

 private:
  std::vector<PolicyTable> policies_;
  std::vector<CaveatRow> caveats_;
  std::map<std::string, std::vector<std::string>, std::less<>> tetragraphs_;
  // "<policy>/<AliasKey(name)>" -> (policy index, row index), for every id and alias.
  std::map<std::string, std::pair<size_t, size_t>, std::less<>> level_index_;
  // AliasKey(name) -> caveat index, for every id and alias.
  std::map<std::string, size_t, std::less<>> caveat_index_;
};

// Upper-cases ASCII letters and maps ' ' and '-' to '_': the key aliases are compared by.
std::string AliasKey(std::string_view name);

}  // namespace biac::labels
