#pragma once

// JSON of a decoded ST 0601 packet (the `biac decode --format klv` record):
//   {"offset": <byte offset in the input>, "key": "060e2b34...", "length": <value bytes>,
//    "checksum": "verified" | "mismatch" | "missing",
//    "stored_checksum": 43587, "computed_checksum": 15902,
//    "items": {"<json name>": <value>, ...}}
// Item values by kind (see st0601_tags.h): mapped and IMAP items as numbers in their units;
// strings as strings; integers, enumeration codes, the checksum and timestamps as integers
// (timestamps also as "<json name>_utc": ISO 8601); the packs and nested sets biac decodes
// (PackValueToJson) as objects or arrays; other nested local sets, packs, deprecated and
// unknown items ("tag_<n>") as lower-case hex. A value that is not a number is an object:
// {"indicator": "out of range" | "+infinity" | ..., "raw": "<hex>"}; a value of the wrong
// length is {"error": "bad length <n>", "raw": "<hex>"}. Repeatable items are arrays.

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "biac/formats/klv/st0601.h"

namespace biac::formats::klv {

nlohmann::json ItemValueToJson(const Item& item);
// The decoded value of a pack or nested local set item (st0601_packs.h, st0102.h, st0903.h),
// or nullopt for a tag biac keeps as raw hex. A value that fails to decode is
// {"error": "byte <n> of the value: <reason>", "raw": "<hex>"}.
std::optional<nlohmann::json> PackValueToJson(uint32_t tag, std::span<const uint8_t> value);
nlohmann::json PacketToJson(const UasPacket& packet, size_t offset);

}  // namespace biac::formats::klv
