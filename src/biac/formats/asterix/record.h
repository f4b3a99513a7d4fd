#pragma once

// Decoding ASTERIX data blocks and records against the tables of spec.h.
//
// The hot path (DecodeRecord) allocates nothing: it walks the FSPEC and the item layouts and
// fills a caller-owned RecordView with each present item's place in the input. Field values
// are read from the view on demand (ReadField), and JSON is built only when asked for
// (RecordToJson). EUROCONTROL-SPEC-0149 ASTERIX Part 1 edition 2.4, section 4.

#include <nlohmann/json_fwd.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "biac/base/status.h"
#include "biac/formats/asterix/spec.h"

namespace biac::formats::asterix {

// Data block header: CAT (1 octet), LEN (2 octets, the whole block including the header).
inline constexpr size_t kBlockHeaderSize = 3;
// FSPEC octets hold 7 presence bits and an FX bit; biac accepts up to 9 octets (63 FRNs),
// more than any category's UAP needs.
inline constexpr size_t kMaxFspecOctets = 9;
inline constexpr size_t kMaxFrn = 7 * kMaxFspecOctets;

struct DataBlock {
  uint8_t category = 0;
  std::span<const uint8_t> records;  // the block after its header
  size_t size = 0;                   // LEN: header plus records
};

// The data block at the start of `data`. Errors: fewer than 3 octets, LEN < 3, or LEN
// larger than what is left.
Result<DataBlock> ReadDataBlock(std::span<const uint8_t> data);

// Where one present item lies inside RecordView::bytes.
struct ItemSpan {
  uint16_t offset = 0;
  uint16_t size = 0;
};

// A decoded record: its bytes, the UAP it was read with, and each present item's span.
// Valid while the input bytes live. items[k] is meaningful only when Has(k).
struct RecordView {
  const Edition* edition = nullptr;
  std::span<const int16_t> uap;
  std::span<const uint8_t> bytes;  // FSPEC and items: the whole record
  uint64_t present = 0;            // bit k set: the item of FRN k + 1 is present
  std::array<ItemSpan, kMaxFrn> items{};

  bool Has(size_t frn_index) const { return (present >> frn_index) & 1u; }
  // The FRN index (frn - 1) of item `item_index` of the edition in this record's UAP, or -1.
  int FrnIndexOf(int item_index) const;
  // The bytes of item `item_index` (an index into edition->items), empty if absent.
  std::span<const uint8_t> Item(int item_index) const;
};

// Reasons a record fails to decode, with the offset (from the start of `data`) where the
// problem was seen. Filled only on failure.
struct DecodeFailure {
  size_t offset = 0;
  const char* reason = "";
};

// Decodes one record at the start of `data` (the rest of a data block) into `view`;
// view.bytes.size() is the record's length. Returns false and fills `failure` if the
// record is truncated or uses an FRN or a compound subfield its edition does not define.
bool DecodeRecord(const Edition& edition, std::span<const uint8_t> data, RecordView& view,
                  DecodeFailure& failure);

// The size of an item of variation `variation` at the start of `data`, or 0 (with
// `failure.reason` set) if it does not fit or is malformed.
size_t ItemSize(const Edition& edition, int variation, std::span<const uint8_t> data,
                DecodeFailure& failure);

// The raw bits of field `field` of a fixed part (item, subitem, extended item or one
// repetition) whose bytes are `part`. Bits beyond `part` (an extended item's absent parts)
// read as absent: FieldPresent is false.
bool FieldPresent(const FieldDef& field, std::span<const uint8_t> part);
uint64_t ReadRaw(const FieldDef& field, std::span<const uint8_t> part);

// The value of a numeric field in its specification unit: raw * lsb with the field's
// signedness (kQuantity, kInteger, kRaw, kTable; kDependent picks its case through
// `selector_raw`, the selector field's raw value).
double ScaledValue(const FieldDef& field, uint64_t raw, const Edition& edition,
                   uint64_t selector_raw = 0);

// Characters of a string field (ICAO 6-bit, ASCII, octal) written into `out`; returns the
// count. `out` must hold bit_size / 3 + 1 characters (at most 22 for 64 bits).
size_t FieldText(const FieldDef& field, uint64_t raw, std::span<char> out);

// A field located in a decoded record: its definition, the bytes of the fixed part that
// holds it, and the variation (for dependent fields' selectors).
struct FieldRef {
  const FieldDef* field = nullptr;
  int variation = -1;
  std::span<const uint8_t> part;
};

// Finds field `field` of item `item` ("040") in a decoded record; for a compound item,
// `subitem` names the subfield ("APC"), else it is empty. A bare element (an item or
// subfield that is a single value, e.g. I048/140) is found with an empty `field`. For a
// repetitive item the first repetition is used. Nullopt when the item, the subfield or (for
// extended items) the part holding the field is absent.
std::optional<FieldRef> LocateField(const RecordView& view, std::string_view item,
                                    std::string_view subitem, std::string_view field);

// The value of a located numeric field in its specification unit (ScaledValue).
double NumericValue(const Edition& edition, const FieldRef& ref);
// Convenience: LocateField then NumericValue / ReadRaw / FieldText.
std::optional<double> Numeric(const RecordView& view, std::string_view item,
                              std::string_view subitem, std::string_view field);
std::optional<uint64_t> Raw(const RecordView& view, std::string_view item, std::string_view subitem,
                            std::string_view field);
// The characters of a string field, trailing spaces removed; empty if absent.
std::string Text(const RecordView& view, std::string_view item, std::string_view subitem,
                 std::string_view field);

// The JSON of a record: {"category": 48, "edition": "1.21", "I048/010": {...}, ...} with
// field names as in the specification, quantities scaled to the specification's units,
// table codes and counts as integers, strings (callsigns, octal Mode 3/A codes) as strings,
// raw bits as integers (hex strings when wider than 53 bits), explicit items as hex.
nlohmann::ordered_json RecordToJson(const RecordView& view);

// The JSON key of an item: "I048/040".
std::string ItemKey(uint8_t category, std::string_view id);

}  // namespace biac::formats::asterix
