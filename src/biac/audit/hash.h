#pragma once

// SHA-256 and the RFC 6962 Merkle tree hashes, through OpenSSL, plus the hex and base64
// encodings the log, its proofs and its checkpoints use.
//
// RFC 6962 section 2.1 (restated in RFC 9162 section 2.1.1): a leaf hashes as
// SHA-256(0x00 || data) and an interior node as SHA-256(0x01 || left || right). The distinct
// prefixes give domain separation: a leaf can never be passed off as an interior node.

#include <array>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "biac/base/status.h"

namespace biac::audit {

inline constexpr size_t kHashSize = 32;  // SHA-256 output, FIPS 180-4
using Hash = std::array<uint8_t, kHashSize>;

// RFC 6962 section 2.1 domain-separation prefixes.
inline constexpr uint8_t kLeafHashPrefix = 0x00;
inline constexpr uint8_t kNodeHashPrefix = 0x01;

// SHA-256 of the concatenation of `parts`.
Hash Sha256(std::initializer_list<std::span<const uint8_t>> parts);
inline Hash Sha256(std::span<const uint8_t> data) { return Sha256({data}); }

// MTH({}) = SHA-256("") (RFC 6962 section 2.1).
Hash EmptyRoot();
// SHA-256(0x00 || leaf_data).
Hash HashLeaf(std::span<const uint8_t> leaf_data);
// SHA-256(0x01 || left || right). Spans, not Hash, so that the test vectors with short
// stand-in child values ("N123") can be reproduced.
Hash HashChildren(std::span<const uint8_t> left, std::span<const uint8_t> right);

std::span<const uint8_t> AsBytes(std::string_view s);

// Lowercase hex.
std::string ToHex(std::span<const uint8_t> bytes);
// Accepts upper- and lowercase hex of even length.
Result<std::vector<uint8_t>> FromHex(std::string_view hex);
// Exactly 64 hex digits.
Result<Hash> HashFromHex(std::string_view hex);

// Standard base64 with padding (RFC 4648 section 4), as C2SP signed notes and checkpoints use.
std::string Base64Encode(std::span<const uint8_t> bytes);
// Strict: only the standard alphabet, correct padding, no whitespace, and the input must be
// the canonical encoding of its value (unused trailing bits zero), so one value has one text.
Result<std::vector<uint8_t>> Base64Decode(std::string_view text);

}  // namespace biac::audit
