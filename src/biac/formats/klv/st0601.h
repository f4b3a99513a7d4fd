#pragma once

// MISB ST 0601.17 UAS Datalink Local Set: one KLV packet (the UAS LS universal key, a BER
// length, then tag-length-value items with BER-OID tags and BER lengths) decoded into a
// caller-owned UasPacket.
//
// Ownership: a UasPacket holds spans and string_views into the caller's bytes (strings,
// nested local sets, raw values); it is valid while those bytes are. Decoding allocates
// nothing (the items live in a fixed array), so one UasPacket can be reused for a stream.
//
// Leniency: an item whose length is wrong for its definition is kept with
// ItemStatus::kBadLength and its raw bytes (the rest of the set still decodes); a packet
// whose checksum does not verify decodes completely and says so in `checksum`. Structural
// errors (truncation, bad BER, a non-UAS key) fail the packet.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "biac/base/status.h"
#include "biac/formats/klv/imap.h"
#include "biac/formats/klv/klv.h"
#include "biac/formats/klv/st0601_tags.h"

namespace biac::formats::klv {

enum class ItemStatus : uint8_t {
  kOk = 0,
  kOutOfRange,  // the ST 0601 "out of range" indicator (signed mapped kinds)
  kBadLength,   // the value length does not fit the item's definition; raw bytes kept
};

// One item of a local set.
struct Item {
  uint32_t tag = 0;
  const TagInfo* info = nullptr;  // nullptr for a tag ST 0601.17 does not define
  ItemStatus status = ItemStatus::kOk;
  ImapKind imap_kind = ImapKind::kNormal;  // kImap: the ST 1201 kind of the value
  std::span<const uint8_t> bytes;          // the value bytes
  size_t offset = 0;                       // offset of the item's tag from the packet start
  // The decoded value, by kind: `number` for mapped and IMAP kinds, `unsigned_value` for
  // checksum, timestamps, unsigned and enumerations, `signed_value` for signed, `text` for
  // strings.
  double number = 0.0;
  uint64_t unsigned_value = 0;
  int64_t signed_value = 0;
  std::string_view text;

  ItemKind kind() const { return info ? info->kind : ItemKind::kUnknown; }
};

enum class ChecksumStatus : uint8_t {
  kVerified = 0,
  kMismatch,  // the stored checksum differs from the computed one
  kMissing,   // the set does not end with the checksum item
};

std::string_view ChecksumStatusName(ChecksumStatus status);

struct UasPacket {
  // Room for every ST 0601.17 tag once plus repeated and unknown items; a set with more
  // items is rejected (KlvError::kTooManyItems).
  static constexpr size_t kMaxItems = 192;

  std::span<const uint8_t> bytes;  // the whole packet: key, length, value
  size_t value_offset = 0;         // where the set's items start within `bytes`
  ChecksumStatus checksum = ChecksumStatus::kMissing;
  uint16_t stored_checksum = 0;
  uint16_t computed_checksum = 0;

  std::array<Item, kMaxItems> items;
  size_t item_count = 0;
  // first_item[tag] = 1 + index into items of the tag's first occurrence, 0 if absent.
  std::array<uint8_t, kMaxTag0601 + 1> first_item{};

  std::span<const Item> Items() const { return {items.data(), item_count}; }
  const Item* Find(uint32_t tag) const;
  // The value of a mapped or IMAP item that is present and valid (not out of range, right
  // length, an ST 1201 normal value).
  std::optional<double> Number(uint32_t tag) const;
  // The text of a string item ("" if absent).
  std::string_view Text(uint32_t tag) const;
  // The value of a timestamp, unsigned or enumeration item that is present with a valid length.
  std::optional<uint64_t> Unsigned(uint32_t tag) const;
};

// Where and why a packet failed.
struct DecodeError {
  KlvError error = KlvError::kNone;
  size_t offset = 0;  // byte offset from the packet start
  uint32_t tag = 0;   // the item being read, 0 at the packet level

  bool ok() const { return error == KlvError::kNone; }
  // "byte 18: tag 5: truncated"
  std::string Message() const;
};

// Decodes the UAS Datalink LS packet at the start of `data` (which may hold more bytes after
// it: out.bytes.size() says how many the packet took). The hot-path entry point.
DecodeError DecodeUasPacket(std::span<const uint8_t> data, UasPacket& out);

// The same, with the failure as a Status naming the byte offset and the reason.
Status DecodeUasPacketStatus(std::span<const uint8_t> data, UasPacket& out);

// Decodes one item's value bytes by its table entry into `item` (used by DecodeUasPacket and
// by the per-tag tests): sets status, number / unsigned / signed / text.
void DecodeItemValue(Item& item);

}  // namespace biac::formats::klv
