#include "biac/audit/hash.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdlib>
#include <memory>

namespace biac::audit {
namespace {

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
struct MdDeleter {
  void operator()(EVP_MD* md) const { EVP_MD_free(md); }
};

// OpenSSL 3 fetches an algorithm implementation on every EVP_sha256() use unless it is
// fetched once explicitly ("Performance" in OpenSSL's crypto(7)); one fetch per process, one
// digest context per thread, reused.
const EVP_MD* Sha256Md() {
  static const std::unique_ptr<EVP_MD, MdDeleter> md(EVP_MD_fetch(nullptr, "SHA256", nullptr));
  return md.get();
}

EVP_MD_CTX* ThreadContext() {
  thread_local const std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  return ctx.get();
}

constexpr std::string_view kHexDigits = "0123456789abcdef";
constexpr std::string_view kBase64Alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kBase64Pad = '=';

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

int Base64Value(char c) {
  const size_t pos = kBase64Alphabet.find(c);
  return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

}  // namespace

Hash Sha256(std::initializer_list<std::span<const uint8_t>> parts) {
  EVP_MD_CTX* ctx = ThreadContext();
  Hash out{};
  unsigned int length = 0;
  // These calls fail only on allocation failure or a broken OpenSSL installation; a digest
  // that silently returned zeros would defeat the log, so that is treated as fatal.
  bool ok =
      ctx != nullptr && Sha256Md() != nullptr && EVP_DigestInit_ex(ctx, Sha256Md(), nullptr) == 1;
  for (const auto& part : parts) {
    ok = ok && EVP_DigestUpdate(ctx, part.data(), part.size()) == 1;
  }
  ok = ok && EVP_DigestFinal_ex(ctx, out.data(), &length) == 1 && length == kHashSize;
  if (!ok) std::abort();
  return out;
}

Hash EmptyRoot() { return Sha256(std::span<const uint8_t>{}); }

Hash HashLeaf(std::span<const uint8_t> leaf_data) {
  const uint8_t prefix[] = {kLeafHashPrefix};
  return Sha256({prefix, leaf_data});
}

Hash HashChildren(std::span<const uint8_t> left, std::span<const uint8_t> right) {
  const uint8_t prefix[] = {kNodeHashPrefix};
  return Sha256({prefix, left, right});
}

std::span<const uint8_t> AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::string ToHex(std::span<const uint8_t> bytes) {
  std::string out;
  out.reserve(2 * bytes.size());
  for (uint8_t b : bytes) {
    out.push_back(kHexDigits[b >> 4]);
    out.push_back(kHexDigits[b & 0x0f]);
  }
  return out;
}

Result<std::vector<uint8_t>> FromHex(std::string_view hex) {
  if (hex.size() % 2 != 0) {
    return InvalidArgument("hex: odd number of digits (" + std::to_string(hex.size()) + ")");
  }
  std::vector<uint8_t> out(hex.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) {
    const int hi = HexValue(hex[2 * i]);
    const int lo = HexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      return InvalidArgument("hex: character " + std::to_string(2 * i + (hi < 0 ? 0 : 1)) +
                             " is not a hex digit");
    }
    out[i] = static_cast<uint8_t>((hi << 4) | lo);
  }
  return out;
}

Result<Hash> HashFromHex(std::string_view hex) {
  if (hex.size() != 2 * kHashSize) {
    return InvalidArgument("hash: " + std::to_string(hex.size()) + " hex digits, expected 64");
  }
  BIAC_ASSIGN_OR_RETURN(const auto bytes, FromHex(hex));
  Hash h{};
  std::copy(bytes.begin(), bytes.end(), h.begin());
  return h;
}

std::string Base64Encode(std::span<const uint8_t> bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t v = (uint32_t{bytes[i]} << 16) | (uint32_t{bytes[i + 1]} << 8) | bytes[i + 2];
    out.push_back(kBase64Alphabet[(v >> 18) & 63]);
    out.push_back(kBase64Alphabet[(v >> 12) & 63]);
    out.push_back(kBase64Alphabet[(v >> 6) & 63]);
    out.push_back(kBase64Alphabet[v & 63]);
  }
  const size_t rest = bytes.size() - i;
  if (rest == 1) {
    const uint32_t v = uint32_t{bytes[i]} << 16;
    out.push_back(kBase64Alphabet[(v >> 18) & 63]);
    out.push_back(kBase64Alphabet[(v >> 12) & 63]);
    out.append(2, kBase64Pad);
  } else if (rest == 2) {
    const uint32_t v = (uint32_t{bytes[i]} << 16) | (uint32_t{bytes[i + 1]} << 8);
    out.push_back(kBase64Alphabet[(v >> 18) & 63]);
    out.push_back(kBase64Alphabet[(v >> 12) & 63]);
    out.push_back(kBase64Alphabet[(v >> 6) & 63]);
    out.push_back(kBase64Pad);
  }
  return out;
}

Result<std::vector<uint8_t>> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) {
    return InvalidArgument("base64: length " + std::to_string(text.size()) +
                           " is not a multiple of 4");
  }
  std::vector<uint8_t> out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    int pad = 0;
    if (last && text[i + 3] == kBase64Pad) pad = text[i + 2] == kBase64Pad ? 2 : 1;
    uint32_t v = 0;
    for (size_t j = 0; j < 4; ++j) {
      const char c = text[i + j];
      int d = 0;
      if (j >= 4 - static_cast<size_t>(pad)) {
        d = 0;  // padding position
      } else {
        d = Base64Value(c);
        if (d < 0) {
          return InvalidArgument("base64: character " + std::to_string(i + j) +
                                 " is not in the standard alphabet");
        }
      }
      v = (v << 6) | static_cast<uint32_t>(d);
    }
    out.push_back(static_cast<uint8_t>(v >> 16));
    if (pad < 2) out.push_back(static_cast<uint8_t>(v >> 8));
    if (pad < 1) out.push_back(static_cast<uint8_t>(v));
    // Canonical form: the bits the padding drops must be zero.
    const uint32_t dropped = pad == 2 ? (v & 0xffff) : pad == 1 ? (v & 0xff) : 0;
    if (dropped != 0) {
      return InvalidArgument("base64: non-zero trailing bits before padding at character " +
                             std::to_string(i));
    }
  }
  return out;
}

}  // namespace biac::audit
