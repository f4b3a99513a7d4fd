#include "biac/formats/klv/st0601_json.h"

#include <string>

#include "biac/base/time.h"
#include "biac/formats/common/hex.h"

namespace biac::formats::klv {
namespace {

constexpr uint64_t kNanosPerMicro = 1000;
constexpr uint64_t kMaxMicros = static_cast<uint64_t>(INT64_MAX) / kNanosPerMicro;

std::string JsonName(const Item& item) {
  if (item.info != nullptr) return std::string(item.info->json_name);
  return "tag_" + std::to_string(item.tag);
}

}  // namespace

nlohmann::json ItemValueToJson(const Item& item) {
  if (item.status == ItemStatus::kBadLength) {
    return {{"error", "bad length " + std::to_string(item.bytes.size())},
            {"raw", ToHex(item.bytes)}};
  }
  if (item.status == ItemStatus::kOutOfRange) {
    return {{"indicator", "out of range"}, {"raw", ToHex(item.bytes)}};
  }
  switch (item.kind()) {
    case ItemKind::kChecksum:
    case ItemKind::kTimestamp:
    case ItemKind::kUnsigned:
    case ItemKind::kEnumeration:
      return item.unsigned_value;
    case ItemKind::kSigned:
      return item.signed_value;
    case ItemKind::kString:
      return std::string(item.text);
    case ItemKind::kUnsignedMapped:
    case ItemKind::kSignedMapped:
      return item.number;
    case ItemKind::kImap:
      if (item.imap_kind == ImapKind::kNormal) return item.number;
      return {{"indicator", std::string(ImapKindName(item.imap_kind))}, {"raw", ToHex(item.bytes)}};
    case ItemKind::kLocalSet:
    case ItemKind::kPack:
      if (std::optional<nlohmann::json> value = PackValueToJson(item.tag, item.bytes)) {
        return *std::move(value);
      }
      return ToHex(item.bytes);
    case ItemKind::kUnknown:
    case ItemKind::kDeprecated:
      return ToHex(item.bytes);
  }
  return nullptr;
}

nlohmann::json PacketToJson(const UasPacket& packet, size_t offset) {
  nlohmann::json record;
  record["offset"] = offset;
  record["key"] = ToHex(packet.bytes.first(kUniversalKeySize));
  record["length"] = packet.bytes.size() - packet.value_offset;
  record["checksum"] = std::string(ChecksumStatusName(packet.checksum));
  if (packet.checksum != ChecksumStatus::kMissing) {
    record["stored_checksum"] = packet.stored_checksum;
    record["computed_checksum"] = packet.computed_checksum;
  }
  nlohmann::json items = nlohmann::json::object();
  for (const Item& item : packet.Items()) {
    const std::string name = JsonName(item);
    nlohmann::json value = ItemValueToJson(item);
    const bool repeatable = item.info == nullptr || item.info->repeatable;
    if (repeatable) {
      // Unknown tags may repeat too: every repeatable key holds an array.
      items[name].push_back(std::move(value));
    } else {
      items[name] = std::move(value);
    }
    if (item.kind() == ItemKind::kTimestamp && item.status == ItemStatus::kOk &&
        item.unsigned_value <= kMaxMicros) {
      items[name + "_utc"] =
          Timestamp::FromNanos(static_cast<int64_t>(item.unsigned_value * kNanosPerMicro))
              .ToIso8601();
    }
  }
  record["items"] = std::move(items);
  return record;
}

}  // namespace biac::formats::klv
