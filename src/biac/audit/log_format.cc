#include "biac/audit/log_format.h"

#include <array>

#include "biac/audit/checkpoint.h"
#include "biac/audit/entry.h"
#include "biac/base/bits.h"

namespace biac::audit {
namespace {

constexpr uint32_t kCrc32cPolynomial = 0x82F63B78;  // reflected Castagnoli

constexpr std::array<uint32_t, 256> MakeCrcTable() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1u) != 0 ? (c >> 1) ^ kCrc32cPolynomial : c >> 1;
    table[i] = c;
  }
  return table;
}
constexpr std::array<uint32_t, 256> kCrcTable = MakeCrcTable();

void PutU32(uint32_t v, std::vector<uint8_t>& out) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(v >> shift));
}

std::string At(uint64_t offset) { return "offset " + std::to_string(offset); }

}  // namespace

uint32_t Crc32c(std::span<const uint8_t> data, uint32_t crc) {
  crc = ~crc;
  for (uint8_t b : data) crc = kCrcTable[(crc ^ b) & 0xFFu] ^ (crc >> 8);
  return ~crc;
}

void AppendRecord(RecordType type, std::span<const uint8_t> payload, std::vector<uint8_t>& out) {
  const size_t start = out.size();
  out.push_back(static_cast<uint8_t>(type));
  PutU32(static_cast<uint32_t>(payload.size()), out);
  out.insert(out.end(), payload.begin(), payload.end());
  const uint32_t crc = Crc32c(std::span<const uint8_t>(out).subspan(start));
  PutU32(crc, out);
}

LogScan ScanLog(std::span<const uint8_t> file) {
  LogScan scan;
  const auto header = AsBytes(kLogHeader);
  const size_t have = std::min(file.size(), header.size());
  if (!std::equal(file.begin(), file.begin() + have, header.begin())) {
    scan.end = LogScan::End::kCorrupt;
    scan.problem = "header: not a biac audit log (expected \"biac-audit-log v1\")";
    return scan;
  }
  if (file.size() < header.size()) {
    // A crash while the header itself was being written.
    scan.end = LogScan::End::kTorn;
    scan.problem = "header: incomplete (" + std::to_string(file.size()) + " bytes)";
    return scan;
  }
  uint64_t offset = header.size();
  scan.good_bytes = offset;
  uint64_t entries = 0;
  uint64_t checkpoints = 0;
  while (offset < file.size()) {
    const auto rest = file.subspan(offset);
    scan.problem_offset = offset;
    scan.problem_type = rest[0];
    const uint8_t type = rest[0];
    const bool is_entry = type == static_cast<uint8_t>(RecordType::kEntry);
    const bool is_checkpoint = type == static_cast<uint8_t>(RecordType::kCheckpoint);
    const std::string name = is_entry        ? "entry " + std::to_string(entries)
                             : is_checkpoint ? "checkpoint " + std::to_string(checkpoints)
                                             : "record after entry " + std::to_string(entries);
    if (!is_entry && !is_checkpoint) {
      scan.end = LogScan::End::kCorrupt;
      scan.problem = name + " at " + At(offset) + ": unknown record type " + std::to_string(type);
      return scan;
    }
    if (rest.size() < kRecordTypeBytes + kRecordLengthBytes) {
      scan.end = LogScan::End::kTorn;
      scan.problem = name + " at " + At(offset) + ": incomplete length field";
      return scan;
    }
    const uint32_t length = static_cast<uint32_t>(LoadBigEndian(rest.data() + 1, 4));
    if (length > kMaxRecordPayload) {
      scan.end = LogScan::End::kCorrupt;
      scan.problem = name + " at " + At(offset) + ": length " + std::to_string(length) +
                     " exceeds the limit " + std::to_string(kMaxRecordPayload);
      return scan;
    }
    const uint64_t total = uint64_t{length} + kRecordOverhead;
    if (rest.size() < total) {
      scan.end = LogScan::End::kTorn;
      scan.problem = name + " at " + At(offset) + ": incomplete (" + std::to_string(rest.size()) +
                     " of " + std::to_string(total) + " bytes)";
      return scan;
    }
    const size_t body = kRecordTypeBytes + kRecordLengthBytes + length;
    const uint32_t stored = static_cast<uint32_t>(LoadBigEndian(rest.data() + body, 4));
    const uint32_t computed = Crc32c(rest.first(body));
    if (stored != computed) {
      scan.end = LogScan::End::kCorrupt;
      scan.problem = name + " at " + At(offset) + ": CRC mismatch (the record was changed)";
      return scan;
    }
    scan.records.push_back({static_cast<RecordType>(type), offset,
                            rest.subspan(kRecordTypeBytes + kRecordLengthBytes, length)});
    if (is_entry) ++entries;
    if (is_checkpoint) ++checkpoints;
    offset += total;
    scan.good_bytes = offset;
  }
  scan.problem_offset = 0;
  scan.problem_type.reset();
  return scan;
}

VerifyReport VerifyLog(std::span<const uint8_t> file, const VerifyOptions& options) {
  VerifyReport report;
  const LogScan scan = ScanLog(file);
  CompactRange tree;
  std::string origin = options.origin;
  uint64_t checkpoint_index = 0;
  uint64_t last_good_checkpoint_size = 0;
  bool signatures_unchecked = false;
  for (const LogRecord& record : scan.records) {
    if (record.type == RecordType::kEntry) {
      const uint64_t index = tree.size();
      if (auto entry = DecodeEntry(record.payload); !entry.ok()) {
        report.problems.push_back("entry " + std::to_string(index) + " at " + At(record.offset) +
                                  ": " + entry.error().message());
        if (!report.first_bad_entry) report.first_bad_entry = index;
      }
      tree.Append(HashLeaf(record.payload));
      continue;
    }
    const uint64_t k = checkpoint_index++;
    const std::string name = "checkpoint " + std::to_string(k) + " at " + At(record.offset);
    auto fail = [&](const std::string& why) {
      report.problems.push_back(name + ": " + why);
      if (!report.first_bad_checkpoint) report.first_bad_checkpoint = k;
    };
    const std::string_view text(reinterpret_cast<const char*>(record.payload.data()),
                                record.payload.size());
    auto note = ParseSignedNote(text);
    if (!note.ok()) {
      fail(note.error().message());
      continue;
    }
    auto cp = ParseCheckpointText(note->text);
    if (!cp.ok()) {
      fail(cp.error().message());
      continue;
    }
    if (origin.empty()) origin = cp->origin;
    if (cp->origin != origin) {
      fail("origin '" + cp->origin + "', expected '" + origin + "'");
      continue;
    }
    if (cp->size != tree.size()) {
      fail("tree size " + std::to_string(cp->size) + " but " + std::to_string(tree.size()) +
           " entries precede it");
      continue;
    }
    if (cp->root != tree.Root()) {
      fail("root hash does not match the entries: one of entries " +
           std::to_string(last_good_checkpoint_size) + " to " + std::to_string(cp->size - 1) +
           " was changed after it was signed");
      continue;
    }
    if (options.keys.empty()) {
      signatures_unchecked = true;
    } else if (auto v = VerifyNote(*note, options.keys); !v.ok()) {
      fail(v.error().message());
      continue;
    }
    ++report.checkpoints;
    last_good_checkpoint_size = cp->size;
    report.last_checkpoint = std::string(text);
    report.last_checkpoint_size = cp->size;
  }
  report.entries = tree.size();
  report.root = tree.Root();

  const bool type_is_checkpoint =
      scan.problem_type == static_cast<uint8_t>(RecordType::kCheckpoint);
  if (scan.end == LogScan::End::kCorrupt) {
    report.problems.push_back(scan.problem + "; nothing after " + At(scan.problem_offset) +
                              " can be read");
    if (scan.records.empty() && scan.good_bytes == 0) {
      // The header itself is wrong.
    } else if (type_is_checkpoint) {
      if (!report.first_bad_checkpoint) report.first_bad_checkpoint = checkpoint_index;
    } else if (!report.first_bad_entry) {
      report.first_bad_entry = tree.size();
    }
  } else if (scan.end == LogScan::End::kTorn) {
    report.torn_tail = true;
    if (!type_is_checkpoint) report.torn_entry = tree.size();
    report.warnings.push_back(scan.problem + ": an append interrupted by a crash; ignored, the " +
                              "log verifies up to its last complete record");
  }
  if (signatures_unchecked && !options.allow_unsigned) {
    report.problems.push_back("checkpoint signatures not checked: no verifier key given");
  } else if (signatures_unchecked) {
    report.warnings.push_back("checkpoint signatures not checked: no verifier key given");
  }
  if (report.entries > last_good_checkpoint_size && report.ok()) {
    report.warnings.push_back("entries " + std::to_string(last_good_checkpoint_size) + " to " +
                              std::to_string(report.entries - 1) +
                              " are not yet covered by a signed checkpoint");
  }
  return report;
}

}  // namespace biac::audit
