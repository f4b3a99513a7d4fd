#include "biac/audit/entry.h"

#include <algorithm>

#include "biac/base/bits.h"

namespace biac::audit {
namespace {

constexpr size_t kLengthBytes = 4;  // u32 length / count prefixes
constexpr size_t kTimeBytes = 8;

void PutU32(std::vector<uint8_t>& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(v >> shift));
}

void PutU64(std::vector<uint8_t>& out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(v >> shift));
}

Status PutString(std::vector<uint8_t>& out, std::string_view field, const std::string& s) {
  if (s.size() > kMaxFieldBytes) {
    return InvalidArgument("audit entry: " + std::string(field) + " has " +
                           std::to_string(s.size()) + " bytes, more than the limit " +
                           std::to_string(kMaxFieldBytes));
  }
  PutU32(out, static_cast<uint32_t>(s.size()));
  out.insert(out.end(), s.begin(), s.end());
  return Status::Ok();
}

Status PutList(std::vector<uint8_t>& out, std::string_view field,
               const std::vector<std::string>& items) {
  if (items.size() > kMaxListItems) {
    return InvalidArgument("audit entry: " + std::string(field) + " has " +
                           std::to_string(items.size()) + " items, more than the limit " +
                           std::to_string(kMaxListItems));
  }
  PutU32(out, static_cast<uint32_t>(items.size()));
  for (const auto& s : items) BIAC_RETURN_IF_ERROR(PutString(out, field, s));
  return Status::Ok();
}

// Field reader that names the field and offset of the first failure.
class FieldReader {
 public:
  explicit FieldReader(std::span<const uint8_t> bytes) : reader_(bytes) {}

  Status Fail(std::string_view field, std::string_view why) const {
    return InvalidArgument("audit entry: " + std::string(field) + " at byte " +
                           std::to_string(reader_.offset()) + ": " + std::string(why));
  }

  Result<uint8_t> U8(std::string_view field) {
    const uint8_t v = reader_.U8();
    if (!reader_.ok()) return Fail(field, "truncated");
    return v;
  }
  Result<uint64_t> U64(std::string_view field) {
    const uint64_t v = reader_.U(kTimeBytes);
    if (!reader_.ok()) return Fail(field, "truncated");
    return v;
  }
  Result<std::string> String(std::string_view field) {
    const uint32_t length = reader_.U32();
    if (!reader_.ok()) return Fail(field, "truncated length");
    if (length > kMaxFieldBytes) return Fail(field, "length over the limit");
    const auto bytes = reader_.Bytes(length);
    if (!reader_.ok()) return Fail(field, "truncated (length " + std::to_string(length) + ")");
    return std::string(bytes.begin(), bytes.end());
  }
  Result<std::vector<std::string>> List(std::string_view field) {
    const uint32_t count = reader_.U32();
    if (!reader_.ok()) return Fail(field, "truncated count");
    // Each item needs at least its length prefix: reject impossible counts before reserving.
    if (count > kMaxListItems || count > reader_.remaining() / kLengthBytes) {
      return Fail(field, "count " + std::to_string(count) + " is impossible here");
    }
    std::vector<std::string> items;
    items.reserve(count);
    for (uint32_t i = 0; i < count; ++i) {
      BIAC_ASSIGN_OR_RETURN(auto s, String(field));
      items.push_back(std::move(s));
    }
    return items;
  }
  Result<Hash> HashField(std::string_view field) {
    const auto bytes = reader_.Bytes(kHashSize);
    if (!reader_.ok()) return Fail(field, "truncated");
    Hash h{};
    std::copy(bytes.begin(), bytes.end(), h.begin());
    return h;
  }
  bool done() const { return reader_.ok() && reader_.empty(); }

 private:
  ByteReader reader_;
};

}  // namespace

std::string_view DecisionName(Decision d) { return d == Decision::kPermit ? "permit" : "deny"; }

std::string_view EntryKindName(EntryKind k) {
  return k == EntryKind::kAccessDecision ? "access" : "release";
}

Status EncodeEntry(const AuditEntry& entry, std::vector<uint8_t>& out) {
  out.push_back(kEntryFormatVersion);
  out.push_back(static_cast<uint8_t>(entry.kind()));
  PutU64(out, static_cast<uint64_t>(entry.time.nanos()));
  if (const auto* a = std::get_if<AccessDecision>(&entry.body)) {
    BIAC_RETURN_IF_ERROR(PutString(out, "subject", a->subject));
    BIAC_RETURN_IF_ERROR(PutString(out, "request", a->request));
    BIAC_RETURN_IF_ERROR(PutList(out, "labels", a->labels));
    out.push_back(static_cast<uint8_t>(a->decision));
    BIAC_RETURN_IF_ERROR(PutString(out, "reason", a->reason));
  } else {
    const auto& r = std::get<Release>(entry.body);
    BIAC_RETURN_IF_ERROR(PutString(out, "partner", r.partner));
    BIAC_RETURN_IF_ERROR(PutString(out, "rule", r.rule));
    BIAC_RETURN_IF_ERROR(PutList(out, "inputs", r.inputs));
    BIAC_RETURN_IF_ERROR(PutString(out, "label", r.label));
    out.insert(out.end(), r.output_hash.begin(), r.output_hash.end());
  }
  return Status::Ok();
}

Result<std::vector<uint8_t>> EncodeEntry(const AuditEntry& entry) {
  std::vector<uint8_t> out;
  BIAC_RETURN_IF_ERROR(EncodeEntry(entry, out));
  return out;
}

Result<AuditEntry> DecodeEntry(std::span<const uint8_t> bytes) {
  FieldReader in(bytes);
  BIAC_ASSIGN_OR_RETURN(const uint8_t version, in.U8("version"));
  if (version != kEntryFormatVersion) {
    return in.Fail("version", "unsupported version " + std::to_string(version));
  }
  BIAC_ASSIGN_OR_RETURN(const uint8_t kind, in.U8("kind"));
  BIAC_ASSIGN_OR_RETURN(const uint64_t time, in.U64("time"));
  AuditEntry entry;
  entry.time = Timestamp::FromNanos(static_cast<int64_t>(time));
  if (kind == static_cast<uint8_t>(EntryKind::kAccessDecision)) {
    AccessDecision a;
    BIAC_ASSIGN_OR_RETURN(a.subject, in.String("subject"));
    BIAC_ASSIGN_OR_RETURN(a.request, in.String("request"));
    BIAC_ASSIGN_OR_RETURN(a.labels, in.List("labels"));
    BIAC_ASSIGN_OR_RETURN(const uint8_t decision, in.U8("decision"));
    if (decision > static_cast<uint8_t>(Decision::kPermit)) {
      return in.Fail("decision", "value " + std::to_string(decision) + " is neither 0 nor 1");
    }
    a.decision = static_cast<Decision>(decision);
    BIAC_ASSIGN_OR_RETURN(a.reason, in.String("reason"));
    entry.body = std::move(a);
  } else if (kind == static_cast<uint8_t>(EntryKind::kRelease)) {
    Release r;
    BIAC_ASSIGN_OR_RETURN(r.partner, in.String("partner"));
    BIAC_ASSIGN_OR_RETURN(r.rule, in.String("rule"));
    BIAC_ASSIGN_OR_RETURN(r.inputs, in.List("inputs"));
    BIAC_ASSIGN_OR_RETURN(r.label, in.String("label"));
    BIAC_ASSIGN_OR_RETURN(r.output_hash, in.HashField("output_hash"));
    entry.body = std::move(r);
  } else {
    return in.Fail("kind", "unknown kind " + std::to_string(kind));
  }
  if (!in.done()) return in.Fail("end", "trailing bytes after the last field");
  return entry;
}

}  // namespace biac::audit
