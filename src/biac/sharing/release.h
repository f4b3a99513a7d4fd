#pragma once

// Release of a picture to a partner (issue 4 §3 "Per-audience release", §4 "every release to a
// partner (rule, inputs, output hash)").
//
// The picture handed in must already be the partner's own view (fusion computes it from only
// the observations the partner may see). Release is the second line of defence: it checks
// every track's label against the partner's audience with labels::Decide and refuses the whole
// release if any track is not releasable; then it applies the partner's sanitisation rules in
// order, writes the canonical bytes (model::PictureToJson) and hashes them (SHA-256, FIPS
// 180-4, through OpenSSL). The product carries what the audit record of the release needs;
// sharing does not depend on audit (docs/architecture.md), so the app copies ReleaseRecord
// into audit::Release.

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "biac/base/status.h"
#include "biac/labels/label.h"
#include "biac/model/picture.h"
#include "biac/sharing/rules.h"

namespace biac::labels {
class Registry;
}  // namespace biac::labels

namespace biac::sharing {

inline constexpr size_t kSha256Size = 32;
using Sha256Digest = std::array<uint8_t, kSha256Size>;

// SHA-256 of `bytes` (FIPS 180-4) through OpenSSL's EVP interface.
Sha256Digest Sha256(std::span<const uint8_t> bytes);
Sha256Digest Sha256(std::string_view bytes);
// Lowercase hexadecimal, 64 characters.
std::string DigestHex(const Sha256Digest& digest);

struct ReleaseProduct {
  std::string partner;
  model::Picture picture;          // sanitised
  std::string bytes;               // model::PictureToJson(picture): what is sent
  Sha256Digest sha256{};           // Sha256(bytes)
  std::vector<std::string> rules;  // names of the rules applied, in order
  // What the release was derived from, taken before sanitisation: one entry per released track,
  // "track <id>: obs <provenance ids, comma-separated>" ("track 7: obs 3,9,12"; "track 7: obs"
  // for a track without provenance).
  std::vector<std::string> inputs;
  // labels::Rollup of the released tracks' labels (UNLABELLED for an empty picture: the
  // roll-up of nothing, which no one passes).
  labels::Label label;
};

// Refusal: FailedPrecondition "release to 'jpn-node' refused: track 7 (SECRET//NOFORN): <reason
// from labels::Decide>" for the first track (in picture order) the audience does not pass; a
// rule name the rule set does not hold or a rule ValidateRule rejects is also an error. Nothing
// is released on error.
Result<ReleaseProduct> Release(const model::Picture& picture, const PartnerPolicy& partner,
                               const RuleSet& rules);
Result<ReleaseProduct> Release(const model::Picture& picture, const PartnerPolicy& partner,
                               const RuleSet& rules, const labels::Registry& registry);

// The fields of an audit release record (audit::Release in audit/entry.h), as plain values.
struct ReleaseRecord {
  std::string partner;
  std::string rule;                 // rule names joined by "," (names never contain ',')
  std::vector<std::string> inputs;  // ReleaseProduct::inputs
  std::string label;                // labels::Render(ReleaseProduct::label)
  Sha256Digest output_hash{};       // ReleaseProduct::sha256
};
ReleaseRecord ToReleaseRecord(const ReleaseProduct& product);

}  // namespace biac::sharing
