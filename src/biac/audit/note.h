#pragma once

// C2SP signed notes (c2sp.org/signed-note) with Ed25519 keys, through OpenSSL.
//
// A signed note is a text ending in a newline, a blank line, then one or more signature lines
// "— <key name> <base64(4-byte big-endian key ID || signature)>\n" (U+2014 EM DASH, space).
// Ed25519 key ID = SHA-256(key name || 0x0A || 0x01 || 32-byte public key)[:4].
// Key strings (the Go golang.org/x/mod/sumdb/note forms every C2SP tool reads):
//   verifier key  <name>+<8 hex key ID>+<base64(0x01 || public key)>
//   signer key    PRIVATE+KEY+<name>+<8 hex key ID>+<base64(0x01 || 32-byte seed)>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "biac/base/status.h"

namespace biac::audit {

inline constexpr uint8_t kEd25519SignatureType = 0x01;  // signed-note "Signature types"
inline constexpr size_t kEd25519KeySize = 32;           // RFC 8032 section 5.1.5
inline constexpr size_t kEd25519SignatureSize = 64;     // RFC 8032 section 5.1.6
inline constexpr size_t kKeyIdSize = 4;
// signed-note: verifiers must accept at least 16 signatures; biac accepts up to this many.
inline constexpr size_t kMaxNoteSignatures = 100;
inline constexpr size_t kMaxNoteBytes = 1u << 16;

// Key ID of an Ed25519 key, as above.
uint32_t Ed25519KeyId(std::string_view name, std::span<const uint8_t> public_key);
// A key name must be non-empty and contain no Unicode space and no '+'.
Status CheckKeyName(std::string_view name);

struct NoteSignature {
  std::string name;
  uint32_t key_id = 0;
  std::vector<uint8_t> signature;  // without the key ID

  bool operator==(const NoteSignature&) const = default;
};

struct SignedNote {
  std::string text;  // the note text, including its final newline
  std::vector<NoteSignature> signatures;

  bool operator==(const SignedNote&) const = default;
};

// Strict parse: valid UTF-8, no control characters but newline, text ending in a newline,
// separated from the signature block by the last blank line, well-formed signature lines.
Result<SignedNote> ParseSignedNote(std::string_view note);
// The exact inverse of ParseSignedNote for every note it accepts.
std::string FormatSignedNote(const SignedNote& note);

class NoteVerifier {
 public:
  // From a verifier key string; only Ed25519 (type 0x01) keys.
  static Result<NoteVerifier> FromKey(std::string_view verifier_key);
  static Result<NoteVerifier> FromPublicKey(std::string name, std::span<const uint8_t> public_key);

  const std::string& name() const { return name_; }
  uint32_t key_id() const { return key_id_; }
  std::span<const uint8_t> public_key() const { return public_key_; }
  std::string KeyString() const;
  bool Verify(std::string_view text, std::span<const uint8_t> signature) const;

 private:
  std::string name_;
  uint32_t key_id_ = 0;
  std::vector<uint8_t> public_key_;
};

class NoteSigner {
 public:
  static Result<NoteSigner> FromSeed(std::string name, std::span<const uint8_t> seed);
  static Result<NoteSigner> FromKey(std::string_view signer_key);
  // A new key from OpenSSL's CSPRNG.
  static Result<NoteSigner> Generate(std::string name);

  NoteSigner(NoteSigner&&) noexcept;
  NoteSigner& operator=(NoteSigner&&) noexcept;
  ~NoteSigner();

  const std::string& name() const { return name_; }
  uint32_t key_id() const { return key_id_; }
  std::string SignerKeyString() const;  // secret: PRIVATE+KEY+...
  std::string VerifierKeyString() const;
  NoteVerifier Verifier() const;
  // Ed25519 signature (64 bytes) over the text.
  Result<NoteSignature> Sign(std::string_view text) const;

 private:
  struct Key;
  NoteSigner(std::string name, std::unique_ptr<Key> key);

  std::string name_;
  uint32_t key_id_ = 0;
  std::unique_ptr<Key> key_;
};

// Signs `text` (which must end in a newline) with every signer, as a new note.
Result<std::string> SignNote(std::string_view text, std::span<const NoteSigner* const> signers);
// Adds a signature line to an existing note (a partner cosigning our checkpoint). The note
// must parse; a signature by the same name and key ID is replaced rather than duplicated.
Result<std::string> AddNoteSignature(std::string_view note, const NoteSigner& signer);

// The signed-note verification rule: signatures by unknown keys (name and key ID not both
// matching a known key) are ignored; a signature by a known key that fails to verify rejects
// the note; at least one known key must verify. On success returns the names of the known
// keys that verified.
Result<std::vector<std::string>> VerifyNote(const SignedNote& note,
                                            std::span<const NoteVerifier> known);

}  // namespace biac::audit
