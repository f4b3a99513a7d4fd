#include "biac/formats/klv/st0601.h"

#include <algorithm>
#include <cmath>

#include "biac/base/bits.h"

namespace biac::formats::klv {
namespace {

// MISB ST 0601.17 section 6.4: the checksum item is tag 1 with a 2-byte value and is the
// last item of the set.
constexpr uint8_t kChecksumTag = 1;
constexpr uint8_t kChecksumLength = 2;
constexpr size_t kChecksumItemSize = 4;  // tag, length, two value bytes

constexpr size_t kMaxIntegerBytes = 8;

// ST 0601.17 section 8 ("Mapping"): an unsigned N-byte integer maps onto [min, max] with
// the step (max - min) / (2^(8N) - 1).
double MapUnsigned(uint64_t raw, size_t n, double min, double max) {
  const double steps = std::ldexp(1.0, static_cast<int>(8 * n)) - 1.0;
  return min + static_cast<double>(raw) * ((max - min) / steps);
}

// A signed N-byte integer maps onto the symmetric [min, max] with the step
// (max - min) / (2^(8N) - 2): the most negative integer is left over as the out-of-range
// indicator.
double MapSigned(int64_t raw, size_t n, double min, double max) {
  const double steps = std::ldexp(1.0, static_cast<int>(8 * n)) - 2.0;
  return static_cast<double>(raw) * ((max - min) / steps);
}

bool LengthFits(const TagInfo& info, size_t length) {
  if (length < info.min_length) return false;
  return info.max_length == 0 || length <= info.max_length;
}

}  // namespace

std::string_view ChecksumStatusName(ChecksumStatus status) {
  switch (status) {
    case ChecksumStatus::kVerified:
      return "verified";
    case ChecksumStatus::kMismatch:
      return "mismatch";
    case ChecksumStatus::kMissing:
      return "missing";
  }
  return "unknown";
}

const Item* UasPacket::Find(uint32_t tag) const {
  if (tag <= kMaxTag0601) {
    const uint8_t index = first_item[tag];
    return index == 0 ? nullptr : &items[index - 1u];
  }
  for (size_t i = 0; i < item_count; ++i) {
    if (items[i].tag == tag) return &items[i];
  }
  return nullptr;
}

std::optional<double> UasPacket::Number(uint32_t tag) const {
  const Item* item = Find(tag);
  if (item == nullptr || item->status != ItemStatus::kOk) return std::nullopt;
  const ItemKind kind = item->kind();
  if (kind == ItemKind::kImap) {
    if (item->imap_kind != ImapKind::kNormal) return std::nullopt;
    return item->number;
  }
  if (kind == ItemKind::kUnsignedMapped || kind == ItemKind::kSignedMapped) return item->number;
  return std::nullopt;
}

std::string_view UasPacket::Text(uint32_t tag) const {
  const Item* item = Find(tag);
  if (item == nullptr || item->kind() != ItemKind::kString) return {};
  return item->text;
}

std::optional<uint64_t> UasPacket::Unsigned(uint32_t tag) const {
  const Item* item = Find(tag);
  if (item == nullptr || item->status != ItemStatus::kOk) return std::nullopt;
  switch (item->kind()) {
    case ItemKind::kChecksum:
    case ItemKind::kTimestamp:
    case ItemKind::kUnsigned:
    case ItemKind::kEnumeration:
      return item->unsigned_value;
    default:
      return std::nullopt;
  }
}

std::string DecodeError::Message() const {
  std::string message = "byte " + std::to_string(offset) + ": ";
  if (tag != 0) message += "tag " + std::to_string(tag) + ": ";
  message += KlvErrorName(error);
  return message;
}

void DecodeItemValue(Item& item) {
  item.status = ItemStatus::kOk;
  const TagInfo* info = item.info;
  if (info == nullptr) return;
  const size_t n = item.bytes.size();
  if (!LengthFits(*info, n)) {
    item.status = ItemStatus::kBadLength;
    return;
  }
  const uint8_t* p = item.bytes.data();
  switch (info->kind) {
    case ItemKind::kString:
      item.text = std::string_view(reinterpret_cast<const char*>(p), n);
      return;
    case ItemKind::kChecksum:
    case ItemKind::kTimestamp:
    case ItemKind::kUnsigned:
    case ItemKind::kEnumeration:
      if (n > kMaxIntegerBytes) {
        item.status = ItemStatus::kBadLength;
        return;
      }
      item.unsigned_value = LoadBigEndian(p, n);
      return;
    case ItemKind::kSigned:
      if (n == 0 || n > kMaxIntegerBytes) {
        item.status = ItemStatus::kBadLength;
        return;
      }
      item.signed_value = SignExtend(LoadBigEndian(p, n), static_cast<unsigned>(8 * n));
      return;
    case ItemKind::kUnsignedMapped:
      item.unsigned_value = LoadBigEndian(p, n);
      item.number = MapUnsigned(item.unsigned_value, n, info->min, info->max);
      return;
    case ItemKind::kSignedMapped: {
      const uint64_t raw = LoadBigEndian(p, n);
      item.signed_value = SignExtend(raw, static_cast<unsigned>(8 * n));
      const uint64_t indicator = uint64_t{1} << (8 * n - 1);
      if (info->error_indicator && raw == indicator) {
        item.status = ItemStatus::kOutOfRange;
        return;
      }
      item.number = MapSigned(item.signed_value, n, info->min, info->max);
      return;
    }
    case ItemKind::kImap: {
      const ImapB map = ImapB::Make(info->min, info->max, n);
      item.unsigned_value = LoadBigEndian(p, n);
      const ImapValue value = ImapDecode(map, item.unsigned_value);
      item.imap_kind = value.kind;
      item.number = value.value;
      return;
    }
    case ItemKind::kUnknown:
    case ItemKind::kLocalSet:
    case ItemKind::kPack:
    case ItemKind::kDeprecated:
      return;
  }
}

DecodeError DecodeUasPacket(std::span<const uint8_t> data, UasPacket& out) {
  out.item_count = 0;
  out.first_item.fill(0);
  out.bytes = {};
  out.checksum = ChecksumStatus::kMissing;
  out.stored_checksum = 0;
  out.computed_checksum = 0;

  KlvTriplet triplet;
  if (const KlvError e = ReadTriplet(data, triplet); e != KlvError::kNone) {
    return {e, data.size() < kUniversalKeySize ? 0 : kUniversalKeySize, 0};
  }
  if (!std::equal(kUasLocalSetKey.begin(), kUasLocalSetKey.end(), triplet.key.begin())) {
    return {KlvError::kNotUasLocalSet, 0, 0};
  }
  const std::span<const uint8_t> packet = data.first(triplet.size);
  const size_t value_offset = triplet.size - triplet.value.size();
  out.bytes = packet;
  out.value_offset = value_offset;

  size_t pos = value_offset;
  while (pos < packet.size()) {
    const size_t item_offset = pos;
    BerValue tag;
    if (const KlvError e = ReadBerOid(packet.subspan(pos), tag); e != KlvError::kNone) {
      return {e, item_offset, 0};
    }
    pos += tag.size;
    const auto tag_number = static_cast<uint32_t>(tag.value);
    BerValue length;
    if (const KlvError e = ReadBerLength(packet.subspan(pos), length); e != KlvError::kNone) {
      return {e, item_offset, tag_number};
    }
    pos += length.size;
    if (length.value > packet.size() - pos) return {KlvError::kTruncated, item_offset, tag_number};
    if (out.item_count == UasPacket::kMaxItems) {
      return {KlvError::kTooManyItems, item_offset, tag_number};
    }
    const TagInfo* info = FindTag(tag_number);
    if (info != nullptr && out.first_item[tag_number] != 0 && !info->repeatable) {
      return {KlvError::kDuplicateTag, item_offset, tag_number};
    }
    Item& item = out.items[out.item_count];
    item.tag = tag_number;
    item.info = info;
    item.imap_kind = ImapKind::kNormal;
    item.bytes = packet.subspan(pos, static_cast<size_t>(length.value));
    item.offset = item_offset;
    item.number = 0.0;
    item.unsigned_value = 0;
    item.signed_value = 0;
    item.text = {};
    DecodeItemValue(item);
    ++out.item_count;
    if (info != nullptr && out.first_item[tag_number] == 0) {
      out.first_item[tag_number] = static_cast<uint8_t>(out.item_count);
    }
    pos += static_cast<size_t>(length.value);
  }

  // ST 0601.17 section 6.4: the checksum covers everything before its two value bytes.
  if (out.item_count > 0) {
    const Item& last = out.items[out.item_count - 1];
    if (last.tag == kChecksumTag && last.bytes.size() == kChecksumLength &&
        last.offset + kChecksumItemSize == packet.size()) {
      out.stored_checksum = static_cast<uint16_t>(last.unsigned_value);
      out.computed_checksum = Checksum0601(packet.first(packet.size() - kChecksumLength));
      out.checksum = out.stored_checksum == out.computed_checksum ? ChecksumStatus::kVerified
                                                                  : ChecksumStatus::kMismatch;
    }
  }
  return {};
}

Status DecodeUasPacketStatus(std::span<const uint8_t> data, UasPacket& out) {
  const DecodeError error = DecodeUasPacket(data, out);
  if (error.ok()) return Status::Ok();
  return InvalidArgument(error.Message());
}

}  // namespace biac::formats::klv
