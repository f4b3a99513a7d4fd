#pragma once

// The audit record: one access decision or one release to a partner, and its canonical
// byte serialisation, which is the Merkle leaf (leaf hash = SHA-256(0x00 || EncodeEntry(e))).
//
// Canonical encoding, version 1 (docs/audit.md, "Entry encoding"). All integers big-endian;
// `str` is a u32 byte length then that many bytes; `list` is a u32 count then that many `str`.
//
//   u8   format version   = 1
//   u8   kind             1 = access decision, 2 = release
//   i64  time             nanoseconds since 1970-01-01T00:00:00Z, two's complement
//   access decision:  str subject | str request | list labels | u8 decision | str reason
//   release:          str partner | str rule | list inputs | str label | 32 bytes output_hash
//
// decision: 0 = deny, 1 = permit. Every field is always present (empty strings and lists
// are encoded with length/count 0) and the record ends exactly after its last field, so the
// encoding is a bijection: DecodeEntry accepts only bytes that EncodeEntry produces, and
// EncodeEntry(DecodeEntry(b)) == b. Strings are opaque bytes to the log (biac writes UTF-8;
// labels are the canonical strings the labels module prints); this module depends on base
// only, so a label is carried as its text, never as a parsed value.

#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "biac/audit/hash.h"
#include "biac/base/status.h"
#include "biac/base/time.h"

namespace biac::audit {

inline constexpr uint8_t kEntryFormatVersion = 1;
// Limits that keep a hostile or corrupt record from asking for absurd allocations; far above
// any real entry.
inline constexpr uint32_t kMaxFieldBytes = 1u << 20;  // one string field
inline constexpr uint32_t kMaxListItems = 1u << 16;   // labels or inputs of one entry

enum class EntryKind : uint8_t { kAccessDecision = 1, kRelease = 2 };
enum class Decision : uint8_t { kDeny = 0, kPermit = 1 };

// Who asked for what, under which labels, and whether it was permitted.
struct AccessDecision {
  std::string subject;              // the authenticated user or partner node
  std::string request;              // what was asked (route and query, track id, ...)
  std::vector<std::string> labels;  // labels of the items decided upon, canonical strings
  Decision decision = Decision::kDeny;
  std::string reason;  // why (e.g. the missing authorization); may be empty

  bool operator==(const AccessDecision&) const = default;
};

// What was released to a partner, under which sanitisation rule, derived from what.
struct Release {
  std::string partner;              // the receiving audience
  std::string rule;                 // the named sanitisation rule(s) applied
  std::vector<std::string> inputs;  // identifiers of the released items' inputs
  std::string label;                // the release product's label, canonical string
  Hash output_hash{};               // SHA-256 of the bytes that were sent

  bool operator==(const Release&) const = default;
};

struct AuditEntry {
  Timestamp time;  // supplied by the caller (the decision's time), never read from a clock here
  std::variant<AccessDecision, Release> body;

  EntryKind kind() const {
    return body.index() == 0 ? EntryKind::kAccessDecision : EntryKind::kRelease;
  }
  bool operator==(const AuditEntry&) const = default;
};

// Appends the canonical encoding to `out` (reused by appenders to avoid reallocating).
// InvalidArgument if a field exceeds the limits above.
Status EncodeEntry(const AuditEntry& entry, std::vector<uint8_t>& out);
Result<std::vector<uint8_t>> EncodeEntry(const AuditEntry& entry);

// Strict inverse of EncodeEntry; errors name the field and byte offset.
Result<AuditEntry> DecodeEntry(std::span<const uint8_t> bytes);

std::string_view DecisionName(Decision d);    // "deny" / "permit"
std::string_view EntryKindName(EntryKind k);  // "access" / "release"

}  // namespace biac::audit
