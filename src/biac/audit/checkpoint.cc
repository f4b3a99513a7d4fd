#include "biac/audit/checkpoint.h"

#include <charconv>

#include "biac/audit/merkle.h"

namespace biac::audit {
namespace {

constexpr size_t kMandatoryLines = 3;  // origin, size, root (tlog-checkpoint "Note text")

}  // namespace

Result<std::string> FormatCheckpointText(const Checkpoint& checkpoint) {
  auto bad_line = [](std::string_view s) { return s.empty() || s.find('\n') != s.npos; };
  if (bad_line(checkpoint.origin)) {
    return InvalidArgument("checkpoint: origin is empty or holds a newline");
  }
  std::string text = checkpoint.origin + '\n' + std::to_string(checkpoint.size) + '\n' +
                     Base64Encode(checkpoint.root) + '\n';
  for (const auto& ext : checkpoint.extensions) {
    if (bad_line(ext)) return InvalidArgument("checkpoint: extension line empty or multi-line");
    text += ext;
    text += '\n';
  }
  return text;
}

Result<Checkpoint> ParseCheckpointText(std::string_view text) {
  if (text.empty() || text.back() != '\n') {
    return InvalidArgument("checkpoint: text does not end in a newline");
  }
  std::vector<std::string_view> lines;
  for (size_t start = 0; start < text.size();) {
    const size_t eol = text.find('\n', start);
    lines.push_back(text.substr(start, eol - start));
    start = eol + 1;
  }
  if (lines.size() < kMandatoryLines) {
    return InvalidArgument("checkpoint: " + std::to_string(lines.size()) +
                           " lines, expected origin, size and root hash");
  }
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].empty()) {
      return InvalidArgument("checkpoint: line " + std::to_string(i + 1) + " is empty");
    }
  }
  Checkpoint cp;
  cp.origin = std::string(lines[0]);
  const std::string_view size = lines[1];
  const bool leading_zero = size.size() > 1 && size[0] == '0';
  const auto [end, ec] = std::from_chars(size.data(), size.data() + size.size(), cp.size);
  if (ec != std::errc() || end != size.data() + size.size() || leading_zero) {
    return InvalidArgument("checkpoint: tree size '" + std::string(size) +
                           "' is not a decimal number without leading zeros");
  }
  auto root = Base64Decode(lines[2]);
  if (!root.ok()) return InvalidArgument("checkpoint: root hash: " + root.error().message());
  if (root->size() != kHashSize) {
    return InvalidArgument("checkpoint: root hash has " + std::to_string(root->size()) +
                           " bytes, expected 32");
  }
  std::copy(root->begin(), root->end(), cp.root.begin());
  for (size_t i = kMandatoryLines; i < lines.size(); ++i) {
    cp.extensions.emplace_back(lines[i]);
  }
  return cp;
}

Result<std::string> SignCheckpoint(const Checkpoint& checkpoint, const NoteSigner& signer) {
  BIAC_ASSIGN_OR_RETURN(const std::string text, FormatCheckpointText(checkpoint));
  const NoteSigner* signers[] = {&signer};
  return SignNote(text, signers);
}

Result<Checkpoint> OpenCheckpoint(std::string_view signed_note, std::span<const NoteVerifier> known,
                                  std::string_view origin) {
  BIAC_ASSIGN_OR_RETURN(const SignedNote note, ParseSignedNote(signed_note));
  BIAC_ASSIGN_OR_RETURN(Checkpoint cp, ParseCheckpointText(note.text));
  if (!origin.empty() && cp.origin != origin) {
    return InvalidArgument("checkpoint: origin '" + cp.origin + "', expected '" +
                           std::string(origin) + "'");
  }
  BIAC_RETURN_IF_ERROR(VerifyNote(note, known).status());
  return cp;
}

Status VerifyCheckpointConsistency(const Checkpoint& older, const Checkpoint& newer,
                                   std::span<const Hash> proof) {
  if (older.origin != newer.origin) {
    return InvalidArgument("checkpoints of different logs: '" + older.origin + "' and '" +
                           newer.origin + "'");
  }
  if (newer.size < older.size) {
    return InvalidArgument("checkpoint of size " + std::to_string(newer.size) +
                           " is older than the stored one of size " + std::to_string(older.size) +
                           ": the log shrank");
  }
  Status s = VerifyConsistency(older.size, newer.size, proof, older.root, newer.root);
  if (!s.ok()) {
    return InvalidArgument("checkpoint of size " + std::to_string(newer.size) +
                           " does not extend the one of size " + std::to_string(older.size) + ": " +
                           s.message());
  }
  return Status::Ok();
}

}  // namespace biac::audit
