#pragma once

// Transparency-log checkpoints (c2sp.org/tlog-checkpoint): a signed note whose text is
//   <origin>\n<tree size, decimal, no leading zeros>\n<base64 root hash>\n[<extension>\n...]
// and the checks by which two parties exchange them so that neither can rewrite history.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "biac/audit/hash.h"
#include "biac/audit/note.h"
#include "biac/base/status.h"

namespace biac::audit {

struct Checkpoint {
  std::string origin;
  uint64_t size = 0;
  Hash root{};
  std::vector<std::string> extensions;  // opaque, non-empty lines; biac writes none

  bool operator==(const Checkpoint&) const = default;
};

// The note text of a checkpoint; InvalidArgument if the origin or an extension is empty or
// holds a newline.
Result<std::string> FormatCheckpointText(const Checkpoint& checkpoint);
// Strict inverse of FormatCheckpointText.
Result<Checkpoint> ParseCheckpointText(std::string_view text);

// A signed checkpoint note.
Result<std::string> SignCheckpoint(const Checkpoint& checkpoint, const NoteSigner& signer);

// Parses a signed checkpoint note and checks its signatures (VerifyNote rules) against the
// known keys. If `origin` is not empty the checkpoint's origin must equal it.
Result<Checkpoint> OpenCheckpoint(std::string_view signed_note, std::span<const NoteVerifier> known,
                                  std::string_view origin = {});

// Partner side of the exchange: `older` is a checkpoint we stored earlier, `newer` one the log
// presents now, `proof` the log's consistency proof between their sizes. Ok only if newer
// extends older (same origin, RFC 9162 section 2.1.4.2 verification).
Status VerifyCheckpointConsistency(const Checkpoint& older, const Checkpoint& newer,
                                   std::span<const Hash> proof);

}  // namespace biac::audit
