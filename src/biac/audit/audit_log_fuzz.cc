// Fuzz target for everything in the audit module that reads untrusted bytes: the log-file
// reader and verifier, the entry decoder, the signed-note and checkpoint parsers and the key
// parsers. Besides never crashing, it checks the round-trip properties the formats promise:
// every accepted entry, note, checkpoint text and key re-encodes to exactly its input, and a
// log whose framing scans clean re-frames to exactly its bytes.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string_view>
#include <vector>

#include "biac/audit/checkpoint.h"
#include "biac/audit/entry.h"
#include "biac/audit/log_format.h"
#include "biac/audit/note.h"

namespace {

using namespace biac::audit;  // NOLINT: a fuzz entry point

void Check(bool property) {
  if (!property) std::abort();
}

const std::vector<NoteVerifier>& Keys() {
  // The key of the seed corpus's logs (seed 0x5a..., name bic.example/audit/usa).
  static const std::vector<NoteVerifier> keys = {
      NoteSigner::FromSeed("bic.example/audit/usa", std::vector<uint8_t>(32, 0x5a))
          .value()
          .Verifier()};
  return keys;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> bytes(data, size);
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  // The log reader: framing, then the full verification with and without keys.
  const LogScan scan = ScanLog(bytes);
  if (scan.end == LogScan::End::kClean) {
    std::vector<uint8_t> reframed(kLogHeader.begin(), kLogHeader.end());
    for (const auto& r : scan.records) AppendRecord(r.type, r.payload, reframed);
    Check(std::equal(reframed.begin(), reframed.end(), bytes.begin(), bytes.end()));
  }
  Check(scan.good_bytes <= size);
  VerifyOptions options;
  options.keys = Keys();
  const VerifyReport report = VerifyLog(bytes, options);
  Check(report.entries <= scan.records.size());
  VerifyOptions unsigned_options;
  unsigned_options.allow_unsigned = true;
  (void)VerifyLog(bytes, unsigned_options);

  // Entries: the encoding is a bijection.
  if (auto entry = DecodeEntry(bytes); entry.ok()) {
    const auto again = EncodeEntry(*entry);
    Check(again.ok() && std::equal(again->begin(), again->end(), bytes.begin(), bytes.end()));
  }

  // Signed notes and checkpoints.
  if (auto note = ParseSignedNote(text); note.ok()) {
    Check(FormatSignedNote(*note) == text);
    (void)VerifyNote(*note, Keys());
    if (auto cp = ParseCheckpointText(note->text); cp.ok()) {
      const auto again = FormatCheckpointText(*cp);
      Check(again.ok() && *again == note->text);
    }
  }
  if (auto cp = ParseCheckpointText(text); cp.ok()) {
    const auto again = FormatCheckpointText(*cp);
    Check(again.ok() && *again == text);
  }

  // Key strings.
  if (auto v = NoteVerifier::FromKey(text); v.ok()) Check(v->KeyString() == text);
  if (auto s = NoteSigner::FromKey(text); s.ok()) Check(s->SignerKeyString() == text);
  return 0;
}
