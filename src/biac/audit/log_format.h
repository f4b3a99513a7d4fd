#pragma once

// The audit log file: a header line, then records. Layout (docs/audit.md, "File format"),
// integers big-endian:
//
//   header   the 18 bytes "biac-audit-log v1\n"
//   record   u8 type | u32 payload length | payload | u32 CRC-32C(type | length | payload)
//   type     0x01 entry      payload = the canonical entry encoding (entry.h), the Merkle leaf
//            0x02 checkpoint payload = a signed checkpoint note (checkpoint.h) over all the
//                            entries before it
//
// The CRC catches torn and corrupted records and lets a reader name the first bad record;
// tampering by someone who recomputes CRCs is caught by the signed checkpoints' roots.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "biac/audit/hash.h"
#include "biac/audit/merkle.h"
#include "biac/audit/note.h"

namespace biac::audit {

inline constexpr std::string_view kLogHeader = "biac-audit-log v1\n";
inline constexpr size_t kRecordTypeBytes = 1;
inline constexpr size_t kRecordLengthBytes = 4;
inline constexpr size_t kRecordCrcBytes = 4;
inline constexpr size_t kRecordOverhead = kRecordTypeBytes + kRecordLengthBytes + kRecordCrcBytes;
inline constexpr uint32_t kMaxRecordPayload = 16u << 20;

enum class RecordType : uint8_t { kEntry = 0x01, kCheckpoint = 0x02 };

// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78; RFC 3720 appendix B.4), continuing
// from `crc` (0 to start).
uint32_t Crc32c(std::span<const uint8_t> data, uint32_t crc = 0);

// Appends one framed record to `out`.
void AppendRecord(RecordType type, std::span<const uint8_t> payload, std::vector<uint8_t>& out);

struct LogRecord {
  RecordType type = RecordType::kEntry;
  uint64_t offset = 0;               // of the record's type byte in the file
  std::span<const uint8_t> payload;  // into the scanned bytes
};

// The framing of a log file, checked (header, lengths, CRCs), without interpreting payloads.
struct LogScan {
  enum class End {
    kClean,    // every byte belongs to a complete, intact record
    kTorn,     // the last record is incomplete: what a crash during an append leaves
    kCorrupt,  // a complete record fails its check (or the header is wrong)
  };
  std::vector<LogRecord> records;  // the good records, up to the end or the first problem
  uint64_t good_bytes = 0;         // offset just after the last good record
  End end = End::kClean;
  uint64_t problem_offset = 0;  // where the torn or corrupt part starts
  std::string problem;          // the reason, naming the record and offset
  // The type byte of the torn or corrupt record, if it could be read.
  std::optional<uint8_t> problem_type;
};

LogScan ScanLog(std::span<const uint8_t> file);

// What `biac audit verify` checks: framing and CRCs, every entry's canonical encoding, every
// checkpoint's signature (against `keys`), origin, size (the number of entries before it) and
// root, and that checkpoint sizes never decrease.
struct VerifyOptions {
  std::vector<NoteVerifier> keys;
  std::string origin;  // required origin; empty = whatever the first checkpoint says
  // Without keys, signatures cannot be checked; unless this is set that is a problem.
  bool allow_unsigned = false;
};

struct VerifyReport {
  uint64_t entries = 0;                        // complete entries read before the first problem
  uint64_t checkpoints = 0;                    // checkpoints whose signature and root verified
  Hash root{};                                 // root over `entries`
  std::optional<std::string> last_checkpoint;  // the last verified checkpoint note
  uint64_t last_checkpoint_size = 0;
  // The first entry that is wrong, or from which on nothing could be read (corrupt framing).
  std::optional<uint64_t> first_bad_entry;
  // The first checkpoint (0-based count in the file) that is wrong.
  std::optional<uint64_t> first_bad_checkpoint;
  bool torn_tail = false;              // an incomplete final record (ignored: a crash mid-append)
  std::optional<uint64_t> torn_entry;  // the entry index the torn record would have had
  std::vector<std::string> problems;   // each names the entry/checkpoint index and offset
  std::vector<std::string> warnings;

  bool ok() const { return problems.empty(); }
  bool clean() const { return ok() && !torn_tail && warnings.empty(); }
};

VerifyReport VerifyLog(std::span<const uint8_t> file, const VerifyOptions& options);

}  // namespace biac::audit
