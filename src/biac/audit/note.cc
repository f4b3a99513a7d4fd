#include "biac/audit/note.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>

#include "biac/audit/hash.h"

namespace biac::audit {
namespace {

constexpr std::string_view kEmDashSpace = "\xE2\x80\x94 ";  // U+2014 then U+0020
constexpr std::string_view kSignerKeyPrefix = "PRIVATE+KEY+";
constexpr char kKeyFieldSeparator = '+';
constexpr size_t kKeyIdHexDigits = 2 * kKeyIdSize;

struct PkeyDeleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

// Decodes one UTF-8 sequence at s[i] (RFC 3629 section 4: no overlongs, no surrogates, nothing
// above U+10FFFF). Returns the code point and advances i, or -1.
int32_t NextCodePoint(std::string_view s, size_t& i) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  const uint8_t b0 = byte(i);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  // RFC 3629 section 3: lead-byte pattern, payload bits of the lead byte, smallest code point
  // that needs this length.
  struct Form {
    uint8_t mask, pattern;
    size_t length;
    int32_t min;
  };
  static constexpr Form kForms[] = {
      {0xE0, 0xC0, 2, 0x80}, {0xF0, 0xE0, 3, 0x800}, {0xF8, 0xF0, 4, 0x10000}};
  const Form* form = nullptr;
  for (const Form& f : kForms) {
    if ((b0 & f.mask) == f.pattern) form = &f;
  }
  if (form == nullptr) return -1;
  const size_t length = form->length;
  const int32_t min = form->min;
  int32_t cp = b0 & static_cast<uint8_t>(~form->mask);
  if (s.size() - i < length) return -1;
  for (size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return -1;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
  i += length;
  return cp;
}

// Unicode White_Space code points (Unicode PropList.txt).
bool IsUnicodeSpace(int32_t cp) {
  return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
         cp == 0x205F || cp == 0x3000;
}

uint32_t LoadKeyId(std::span<const uint8_t> b) {
  return (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3];
}

std::string KeyIdHex(uint32_t id) {
  const std::array<uint8_t, kKeyIdSize> b = {
      static_cast<uint8_t>(id >> 24), static_cast<uint8_t>(id >> 16), static_cast<uint8_t>(id >> 8),
      static_cast<uint8_t>(id)};
  return ToHex(b);
}

// Splits "name+hexid+base64" into its three fields and checks the key ID against the key.
struct KeyFields {
  std::string name;
  uint32_t key_id = 0;
  std::vector<uint8_t> key;  // without the type byte
};

Result<KeyFields> ParseKeyFields(std::string_view s, std::string_view what) {
  // The name holds no '+' but the base64 key may: split at the first two separators.
  const size_t p1 = s.find(kKeyFieldSeparator);
  const size_t p2 =
      p1 == std::string_view::npos ? std::string_view::npos : s.find(kKeyFieldSeparator, p1 + 1);
  if (p2 == std::string_view::npos) {
    return InvalidArgument(std::string(what) + ": expected name+keyid+key");
  }
  KeyFields f;
  f.name = std::string(s.substr(0, p1));
  BIAC_RETURN_IF_ERROR(CheckKeyName(f.name));
  const std::string_view id_hex = s.substr(p1 + 1, p2 - p1 - 1);
  // Lowercase only, as every implementation prints it (%08x): one key, one text.
  const bool lowercase_hex = std::all_of(id_hex.begin(), id_hex.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
  if (id_hex.size() != kKeyIdHexDigits || !lowercase_hex) {
    return InvalidArgument(std::string(what) + ": key ID '" + std::string(id_hex) +
                           "' is not 8 lowercase hex digits");
  }
  auto id = FromHex(id_hex);
  if (!id.ok()) return InvalidArgument(std::string(what) + ": key ID: " + id.error().message());
  f.key_id = LoadKeyId(*id);
  auto key = Base64Decode(s.substr(p2 + 1));
  if (!key.ok()) return InvalidArgument(std::string(what) + ": key: " + key.error().message());
  if (key->size() != 1 + kEd25519KeySize || (*key)[0] != kEd25519SignatureType) {
    return InvalidArgument(std::string(what) + ": not an Ed25519 key (type 0x01, 32 bytes)");
  }
  f.key.assign(key->begin() + 1, key->end());
  return f;
}

std::string KeyString(std::string_view name, uint32_t id, std::span<const uint8_t> key) {
  std::vector<uint8_t> typed;
  typed.push_back(kEd25519SignatureType);
  typed.insert(typed.end(), key.begin(), key.end());
  return std::string(name) + kKeyFieldSeparator + KeyIdHex(id) + kKeyFieldSeparator +
         Base64Encode(typed);
}

}  // namespace

uint32_t Ed25519KeyId(std::string_view name, std::span<const uint8_t> public_key) {
  const uint8_t separator[] = {'\n', kEd25519SignatureType};
  const Hash h = Sha256({AsBytes(name), separator, public_key});
  return LoadKeyId(h);
}

Status CheckKeyName(std::string_view name) {
  if (name.empty()) return InvalidArgument("key name is empty");
  for (size_t i = 0; i < name.size();) {
    const int32_t cp = NextCodePoint(name, i);
    if (cp < 0) return InvalidArgument("key name is not valid UTF-8");
    if (cp == '+' || IsUnicodeSpace(cp) || cp < 0x20) {
      return InvalidArgument("key name '" + std::string(name) +
                             "' contains a space, '+' or a control character");
    }
  }
  return Status::Ok();
}

Result<SignedNote> ParseSignedNote(std::string_view note) {
  if (note.size() > kMaxNoteBytes) {
    return InvalidArgument("signed note: " + std::to_string(note.size()) +
                           " bytes, over the limit " + std::to_string(kMaxNoteBytes));
  }
  for (size_t i = 0; i < note.size();) {
    const size_t at = i;
    const int32_t cp = NextCodePoint(note, i);
    if (cp < 0) return InvalidArgument("signed note: invalid UTF-8 at byte " + std::to_string(at));
    if (cp < 0x20 && cp != '\n') {
      return InvalidArgument("signed note: control character at byte " + std::to_string(at));
    }
  }
  if (note.empty() || note.back() != '\n') {
    return InvalidArgument("signed note: does not end in a newline");
  }
  const size_t split = note.rfind("\n\n");
  if (split == std::string_view::npos) {
    return InvalidArgument("signed note: no blank line before the signatures");
  }
  SignedNote out;
  out.text = std::string(note.substr(0, split + 1));
  std::string_view block = note.substr(split + 2);
  if (block.empty()) return InvalidArgument("signed note: no signature lines");
  size_t line_number = 0;
  while (!block.empty()) {
    ++line_number;
    const size_t eol = block.find('\n');  // present: the note ends in a newline
    const std::string_view line = block.substr(0, eol);
    block.remove_prefix(eol + 1);
    const std::string where = "signed note: signature line " + std::to_string(line_number);
    if (out.signatures.size() == kMaxNoteSignatures) {
      return InvalidArgument(where + ": more than " + std::to_string(kMaxNoteSignatures) +
                             " signatures");
    }
    if (line.substr(0, kEmDashSpace.size()) != kEmDashSpace) {
      return InvalidArgument(where + ": does not start with an em dash and a space");
    }
    const std::string_view rest = line.substr(kEmDashSpace.size());
    const size_t space = rest.find(' ');
    if (space == std::string_view::npos) {
      return InvalidArgument(where + ": no space between key name and signature");
    }
    NoteSignature sig;
    sig.name = std::string(rest.substr(0, space));
    if (Status s = CheckKeyName(sig.name); !s.ok()) {
      return InvalidArgument(where + ": " + s.message());
    }
    auto bytes = Base64Decode(rest.substr(space + 1));
    if (!bytes.ok()) return InvalidArgument(where + ": " + bytes.error().message());
    if (bytes->size() <= kKeyIdSize) {
      return InvalidArgument(where + ": signature too short (" + std::to_string(bytes->size()) +
                             " bytes)");
    }
    sig.key_id = LoadKeyId(*bytes);
    sig.signature.assign(bytes->begin() + kKeyIdSize, bytes->end());
    out.signatures.push_back(std::move(sig));
  }
  return out;
}

std::string FormatSignedNote(const SignedNote& note) {
  std::string out = note.text;
  out += '\n';
  for (const auto& sig : note.signatures) {
    std::vector<uint8_t> bytes = {
        static_cast<uint8_t>(sig.key_id >> 24), static_cast<uint8_t>(sig.key_id >> 16),
        static_cast<uint8_t>(sig.key_id >> 8), static_cast<uint8_t>(sig.key_id)};
    bytes.insert(bytes.end(), sig.signature.begin(), sig.signature.end());
    out += kEmDashSpace;
    out += sig.name;
    out += ' ';
    out += Base64Encode(bytes);
    out += '\n';
  }
  return out;
}

// ---- NoteVerifier ----

Result<NoteVerifier> NoteVerifier::FromPublicKey(std::string name,
                                                 std::span<const uint8_t> public_key) {
  BIAC_RETURN_IF_ERROR(CheckKeyName(name));
  if (public_key.size() != kEd25519KeySize) {
    return InvalidArgument("Ed25519 public key has " + std::to_string(public_key.size()) +
                           " bytes, expected 32");
  }
  NoteVerifier v;
  v.key_id_ = Ed25519KeyId(name, public_key);
  v.name_ = std::move(name);
  v.public_key_.assign(public_key.begin(), public_key.end());
  return v;
}

Result<NoteVerifier> NoteVerifier::FromKey(std::string_view verifier_key) {
  BIAC_ASSIGN_OR_RETURN(KeyFields f, ParseKeyFields(verifier_key, "verifier key"));
  BIAC_ASSIGN_OR_RETURN(NoteVerifier v, FromPublicKey(f.name, f.key));
  if (v.key_id_ != f.key_id) {
    return InvalidArgument("verifier key: key ID " + KeyIdHex(f.key_id) +
                           " does not match the key (" + KeyIdHex(v.key_id_) + ")");
  }
  return v;
}

std::string NoteVerifier::KeyString() const {
  return audit::KeyString(name_, key_id_, public_key_);
}

bool NoteVerifier::Verify(std::string_view text, std::span<const uint8_t> signature) const {
  if (signature.size() != kEd25519SignatureSize) return false;
  const PkeyPtr key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, public_key_.data(),
                                                public_key_.size()));
  const MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!key || !ctx) return false;
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1) return false;
  return EVP_DigestVerify(ctx.get(), signature.data(), signature.size(),
                          reinterpret_cast<const unsigned char*>(text.data()), text.size()) == 1;
}

// ---- NoteSigner ----

struct NoteSigner::Key {
  PkeyPtr pkey;
  std::array<uint8_t, kEd25519KeySize> public_key{};
};

NoteSigner::NoteSigner(std::string name, std::unique_ptr<Key> key)
    : name_(std::move(name)), key_(std::move(key)) {
  key_id_ = Ed25519KeyId(name_, key_->public_key);
}
NoteSigner::NoteSigner(NoteSigner&&) noexcept = default;
NoteSigner& NoteSigner::operator=(NoteSigner&&) noexcept = default;
NoteSigner::~NoteSigner() = default;

Result<NoteSigner> NoteSigner::FromSeed(std::string name, std::span<const uint8_t> seed) {
  BIAC_RETURN_IF_ERROR(CheckKeyName(name));
  if (seed.size() != kEd25519KeySize) {
    return InvalidArgument("Ed25519 seed has " + std::to_string(seed.size()) +
                           " bytes, expected 32");
  }
  auto key = std::make_unique<Key>();
  key->pkey.reset(
      EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size()));
  size_t length = key->public_key.size();
  if (!key->pkey ||
      EVP_PKEY_get_raw_public_key(key->pkey.get(), key->public_key.data(), &length) != 1 ||
      length != kEd25519KeySize) {
    return Internal("OpenSSL: cannot make an Ed25519 key");
  }
  return NoteSigner(std::move(name), std::move(key));
}

Result<NoteSigner> NoteSigner::FromKey(std::string_view signer_key) {
  if (signer_key.substr(0, kSignerKeyPrefix.size()) != kSignerKeyPrefix) {
    return InvalidArgument("signer key: does not start with PRIVATE+KEY+");
  }
  BIAC_ASSIGN_OR_RETURN(KeyFields f,
                        ParseKeyFields(signer_key.substr(kSignerKeyPrefix.size()), "signer key"));
  BIAC_ASSIGN_OR_RETURN(NoteSigner s, FromSeed(f.name, f.key));
  if (s.key_id_ != f.key_id) {
    return InvalidArgument("signer key: key ID " + KeyIdHex(f.key_id) +
                           " does not match the key (" + KeyIdHex(s.key_id_) + ")");
  }
  return s;
}

Result<NoteSigner> NoteSigner::Generate(std::string name) {
  std::array<uint8_t, kEd25519KeySize> seed{};
  if (RAND_bytes(seed.data(), static_cast<int>(seed.size())) != 1) {
    return Unavailable("OpenSSL: no random bytes for a new key");
  }
  return FromSeed(std::move(name), seed);
}

std::string NoteSigner::SignerKeyString() const {
  std::array<uint8_t, kEd25519KeySize> seed{};
  size_t length = seed.size();
  if (EVP_PKEY_get_raw_private_key(key_->pkey.get(), seed.data(), &length) != 1) return {};
  return std::string(kSignerKeyPrefix) + KeyString(name_, key_id_, seed);
}

std::string NoteSigner::VerifierKeyString() const {
  return KeyString(name_, key_id_, key_->public_key);
}

NoteVerifier NoteSigner::Verifier() const {
  return NoteVerifier::FromPublicKey(name_, key_->public_key).value();
}

Result<NoteSignature> NoteSigner::Sign(std::string_view text) const {
  const MdCtxPtr ctx(EVP_MD_CTX_new());
  NoteSignature sig;
  sig.name = name_;
  sig.key_id = key_id_;
  sig.signature.resize(kEd25519SignatureSize);
  size_t length = sig.signature.size();
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key_->pkey.get()) != 1 ||
      EVP_DigestSign(ctx.get(), sig.signature.data(), &length,
                     reinterpret_cast<const unsigned char*>(text.data()), text.size()) != 1 ||
      length != kEd25519SignatureSize) {
    return Internal("OpenSSL: Ed25519 signing failed");
  }
  return sig;
}

Result<std::string> SignNote(std::string_view text, std::span<const NoteSigner* const> signers) {
  if (text.empty() || text.back() != '\n') {
    return InvalidArgument("note text must end in a newline");
  }
  if (signers.empty()) return InvalidArgument("a note needs at least one signer");
  SignedNote note;
  note.text = std::string(text);
  for (const NoteSigner* s : signers) {
    BIAC_ASSIGN_OR_RETURN(auto sig, s->Sign(text));
    note.signatures.push_back(std::move(sig));
  }
  const std::string out = FormatSignedNote(note);
  // The text must be one the parser accepts back unchanged (no control characters, ...).
  BIAC_ASSIGN_OR_RETURN(const SignedNote check, ParseSignedNote(out));
  if (check.text != note.text) return InvalidArgument("note text does not survive parsing");
  return out;
}

Result<std::string> AddNoteSignature(std::string_view note, const NoteSigner& signer) {
  BIAC_ASSIGN_OR_RETURN(SignedNote parsed, ParseSignedNote(note));
  BIAC_ASSIGN_OR_RETURN(auto sig, signer.Sign(parsed.text));
  auto same = [&](const NoteSignature& s) { return s.name == sig.name && s.key_id == sig.key_id; };
  parsed.signatures.erase(std::remove_if(parsed.signatures.begin(), parsed.signatures.end(), same),
                          parsed.signatures.end());
  parsed.signatures.push_back(std::move(sig));
  return FormatSignedNote(parsed);
}

Result<std::vector<std::string>> VerifyNote(const SignedNote& note,
                                            std::span<const NoteVerifier> known) {
  std::vector<std::string> verified;
  for (const auto& sig : note.signatures) {
    const auto key = std::find_if(known.begin(), known.end(), [&](const NoteVerifier& v) {
      return v.name() == sig.name && v.key_id() == sig.key_id;
    });
    if (key == known.end()) continue;  // unknown key: ignored (signed-note "Signatures")
    if (!key->Verify(note.text, sig.signature)) {
      return InvalidArgument("signed note: the signature by " + sig.name + "+" +
                             KeyIdHex(sig.key_id) + " does not verify");
    }
    verified.push_back(sig.name);
  }
  if (verified.empty()) {
    return InvalidArgument("signed note: no signature by a known key");
  }
  return verified;
}

}  // namespace biac::audit
