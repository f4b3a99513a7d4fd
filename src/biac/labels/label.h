#pragma once

// Security labels: the value type every observation, track and release carries.
//
// Model (research/security-anchors.md §7.2, generalised to two policies as asked by issue 4 §1
// and research/japan-markings.md §4-§6): a label names
//   - its originators: each a policy (the originating nation, a trigraph: "USA", "JPN") with
//     that policy's own level word ("SECRET", "GOKUHI") and the level's equivalent on the
//     common lattice U < C < S < TS, looked up in the partner-pair equivalence table
//     (registry.h) - a JPN label is never rewritten into a USA label;
//   - its level on the common lattice: the highest equivalent of its originators;
//   - restrictive tokens: SCI control systems and caveats (ORCON, MDA, deployment tokens);
//     a user must hold every one;
//   - the releasability set: the nations and organisations it may be released to (permissive:
//     a user needs one of them); `ALL` (no FD&R restriction) only for unclassified material.
//     A single-originator label always lists its originator; {originator} alone is the
//     nation-only label (US NOFORN, and symmetrically JPN-only);
//   - FGI (CAPCO foreign-government-information marking): informative, not used in decisions.
//
// A default-constructed Label is UNLABELLED, the fail-closed choice: no originator, level
// TOP SECRET, releasable to no nation; no user passes the access decision on it, it renders
// as "UNLABELLED" (which parses back to it), and it absorbs every roll-up it takes part in.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "biac/base/status.h"

namespace biac::labels {

class Registry;

// The common lattice on which decisions are made.
enum class Level : uint8_t { kUnclassified = 0, kConfidential = 1, kSecret = 2, kTopSecret = 3 };

// "UNCLASSIFIED", "CONFIDENTIAL", "SECRET", "TOP SECRET".
std::string_view LevelName(Level level);
// "U", "C", "S", "TS".
std::string_view LevelAbbreviation(Level level);
// Accepts the names and abbreviations above (exact, upper case).
std::optional<Level> LevelFromName(std::string_view name);

// One originating policy of a label and its own level.
struct Origin {
  std::string policy;                    // ISO 3166-1 alpha-3 trigraph of the originating nation
  std::string level;                     // the policy's canonical level id ("SECRET", "GOKUHI")
  Level equivalent = Level::kTopSecret;  // the level's place on the common lattice
  uint8_t rank = 0;  // the level's row in its policy's table (higher = more protected)
  bool explicit_equivalent = false;  // `equiv` was given on the label (japan-markings §5 note)

  friend bool operator==(const Origin&, const Origin&) = default;
};

// CAPCO FGI marking (IC Markings Register and Manual 2016, Sec. D.2): absent, concealed
// ("FGI" without codes) or acknowledged with a list of source codes.
enum class FgiKind : uint8_t { kNone, kConcealed, kAcknowledged };

class Label {
 public:
  // UNLABELLED: see the file comment.
  Label() = default;

  bool unlabelled() const { return origins_.empty(); }
  // Sorted by policy; one entry per policy.
  const std::vector<Origin>& origins() const { return origins_; }
  Level level() const { return level_; }
  // SCI control systems, sorted ASCII ascending.
  const std::vector<std::string>& sci() const { return sci_; }
  // Restrictive caveats (canonical ids: "MDA", "ORCON", deployment tokens), sorted.
  const std::vector<std::string>& caveats() const { return caveats_; }
  bool orcon() const;
  FgiKind fgi() const { return fgi_; }
  const std::vector<std::string>& fgi_codes() const { return fgi_codes_; }
  // True when there is no FD&R restriction (only unclassified material).
  bool releasable_to_all() const { return !releasable_to_.has_value(); }
  // The releasability codes when restricted: trigraphs A-Z, then tetragraphs A-Z; a
  // tetragraph stands for its members (registry.h), codes it covers are not repeated except
  // an originator's.
  const std::vector<std::string>& releasable_to() const;

  friend bool operator==(const Label&, const Label&) = default;

 private:
  friend struct LabelAccess;

  std::vector<Origin> origins_;
  Level level_ = Level::kTopSecret;
  std::vector<std::string> sci_;
  std::vector<std::string> caveats_;
  FgiKind fgi_ = FgiKind::kNone;
  std::vector<std::string> fgi_codes_;
  std::optional<std::vector<std::string>> releasable_to_ = std::vector<std::string>{};
};

// Parses a label string with the default registry (Registry::Default()): a CAPCO banner
// ("SECRET//REL TO USA, JPN") or portion mark ("(S//NF)") as specified in
// security-anchors.md §7.1, the structured JSON form (docs/labels.md), or "UNLABELLED".
// Anything not understood is an error naming the place and the reason (fail closed).
Result<Label> Parse(std::string_view text);
Result<Label> Parse(std::string_view text, const Registry& registry);

// The canonical string: the CAPCO banner for labels the CAPCO subset can express (policy USA
// alone, no caveat other than ORCON), otherwise the compact structured JSON form;
// "UNLABELLED" for the default label. Parse(Render(x)) == x and Render(Parse(Render(x))) ==
// Render(x).
std::string Render(const Label& label);

// The structured JSON form, for any label (also those Render prints as CAPCO).
std::string RenderJson(const Label& label);

// Notes a parse or roll-up leaves for the audit log: a default equivalent taken from a table
// row that asks for it (TOKUTEI_HIMITSU without an explicit `equiv`, japan-markings.md §5).
std::vector<std::string> AuditNotes(const Label& label, const Registry& registry);
std::vector<std::string> AuditNotes(const Label& label);

// Roll-up of the labels of everything a product was derived from (security-anchors.md §7.3,
// generalised): every originator kept (per policy its most protected level), the highest
// equivalent level, the union of SCI and caveats, FGI concealed if any input conceals it
// else the union of codes, and the intersection of the releasability sets (tetragraphs
// expanded to their members; a tetragraph listed by every input and wholly inside the
// intersection is written back). Inputs releasable to ALL do not restrict. Commutative,
// associative and idempotent. UNLABELLED absorbs; the roll-up of nothing is UNLABELLED.
Label Rollup(std::span<const Label> labels);
Label Rollup(std::span<const Label> labels, const Registry& registry);
Label Rollup(const Label& a, const Label& b);

// How a viewer of nation `viewer` (trigraph) reads the label (japan-markings.md §2 rule (2),
// GSOMIA Japan-ROK Art. 4(2)): the originators with their own level words plus the common
// equivalent, e.g. "JPN GOKUHI / equivalent SECRET", "JPN GOKUHI + USA SECRET / equivalent
// SECRET"; a label whose only originator is the viewer reads as its own level word
// ("SECRET", "GOKUHI"; '_' shown as a space).
std::string Display(const Label& label, std::string_view viewer);

}  // namespace biac::labels
