#include "biac/formats/asterix/record.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>

#include "biac/base/bits.h"
#include "biac/formats/common/hex.h"

namespace biac::formats::asterix {

namespace {

// FX: the least significant bit of an FSPEC octet, a compound item's presence octet or an
// extended item's part (ASTERIX Part 1, 4.3.2 and 4.3.5).
constexpr uint8_t kFxBit = 0x01;
constexpr unsigned kPresenceBitsPerOctet = 7;
// Raw fields wider than this are not exact in a JSON number (IEEE double).
constexpr unsigned kMaxExactJsonBits = 53;
constexpr unsigned kIcaoCharBits = 6;
constexpr unsigned kAsciiCharBits = 8;
constexpr unsigned kOctalDigitBits = 3;

// ICAO Annex 10 vol IV, table 3-9: the 6-bit character set of aircraft identification.
// Code 0 (undefined, but sent by transponders as padding) reads as a space, as in the
// reference decoders; the other undefined codes read as '#'.
constexpr std::string_view kIcaoCharset =
    " ABCDEFGHIJKLMNOPQRSTUVWXYZ##### ###############0123456789######";

const Variation& VariationAt(const Edition& e, int index) {
  return e.variations[static_cast<size_t>(index)];
}

// Size of a presence-bit field (FSPEC or compound primary subfield) at the start of data,
// or 0 if its FX chain runs past the data or past `max_octets`.
size_t PresenceSize(std::span<const uint8_t> data, size_t max_octets) {
  for (size_t i = 0; i < data.size() && i < max_octets; ++i) {
    if ((data[i] & kFxBit) == 0) return i + 1;
  }
  return 0;
}

bool PresenceBit(std::span<const uint8_t> presence, size_t index) {
  const size_t octet = index / kPresenceBitsPerOctet;
  const unsigned bit = static_cast<unsigned>(index % kPresenceBitsPerOctet);
  return (presence[octet] >> (7u - bit)) & 1u;
}

}  // namespace

Result<DataBlock> ReadDataBlock(std::span<const uint8_t> data) {
  if (data.size() < kBlockHeaderSize) {
    return InvalidArgument("data block header needs 3 octets, " + std::to_string(data.size()) +
                           " left");
  }
  const size_t len = LoadBigEndian(data.data() + 1, 2);
  if (len < kBlockHeaderSize) {
    return InvalidArgument("data block LEN " + std::to_string(len) + " is less than 3");
  }
  if (len > data.size()) {
    return InvalidArgument("data block LEN " + std::to_string(len) + " exceeds the " +
                           std::to_string(data.size()) + " octets left");
  }
  DataBlock block;
  block.category = data[0];
  block.size = len;
  block.records = data.subspan(kBlockHeaderSize, len - kBlockHeaderSize);
  return block;
}

int RecordView::FrnIndexOf(int item_index) const {
  for (size_t k = 0; k < uap.size(); ++k) {
    if (uap[k] == item_index) return static_cast<int>(k);
  }
  return -1;
}

std::span<const uint8_t> RecordView::Item(int item_index) const {
  const int k = FrnIndexOf(item_index);
  if (k < 0 || !Has(static_cast<size_t>(k))) return {};
  const ItemSpan& s = items[static_cast<size_t>(k)];
  return bytes.subspan(s.offset, s.size);
}

size_t ItemSize(const Edition& edition, int variation, std::span<const uint8_t> data,
                DecodeFailure& failure) {
  const Variation& v = VariationAt(edition, variation);
  switch (v.kind) {
    case VariationKind::kElement:
    case VariationKind::kGroup:
      if (data.size() < v.byte_size) break;
      return v.byte_size;
    case VariationKind::kExtended: {
      size_t size = 0;
      for (uint16_t p = 0; p < v.part_count; ++p) {
        const ExtendedPart& part = edition.parts[v.first_part + p];
        size += part.byte_size;
        if (size > data.size()) {
          failure.reason = "extended item runs past the end of the block";
          return 0;
        }
        if (!part.has_fx || (data[size - 1] & kFxBit) == 0) return size;
      }
      // Extents beyond those of this edition (a later edition's): one octet each, skipped.
      while (size < data.size()) {
        ++size;
        if ((data[size - 1] & kFxBit) == 0) return size;
      }
      failure.reason = "extended item runs past the end of the block";
      return 0;
    }
    case VariationKind::kRepetitive: {
      if (data.empty()) break;
      const size_t size = 1 + size_t{data[0]} * v.byte_size;
      if (size > data.size()) {
        failure.reason = "repetitive item runs past the end of the block";
        return 0;
      }
      return size;
    }
    case VariationKind::kRepetitiveFx: {
      size_t size = 0;
      while (true) {
        size += v.byte_size;
        if (size > data.size()) {
          failure.reason = "repetitive item runs past the end of the block";
          return 0;
        }
        if ((data[size - 1] & kFxBit) == 0) return size;
      }
    }
    case VariationKind::kExplicit: {
      if (data.empty()) break;
      const size_t size = data[0];
      if (size == 0) {
        failure.reason = "explicit item with length 0";
        return 0;
      }
      if (size > data.size()) {
        failure.reason = "explicit item runs past the end of the block";
        return 0;
      }
      return size;
    }
    case VariationKind::kCompound: {
      const size_t max_octets = (v.sub_count + kPresenceBitsPerOctet - 1) / kPresenceBitsPerOctet;
      const size_t primary = PresenceSize(data, max_octets == 0 ? 1 : max_octets);
      if (primary == 0) {
        failure.reason = "compound item presence bits run past the block or the item's subfields";
        return 0;
      }
      size_t size = primary;
      for (size_t i = 0; i < primary * kPresenceBitsPerOctet; ++i) {
        if (!PresenceBit(data, i)) continue;
        if (i >= v.sub_count || edition.subitems[v.first_sub + i].variation < 0) {
          failure.reason = "compound item announces a subfield its edition does not define";
          return 0;
        }
        const size_t sub = ItemSize(edition, edition.subitems[v.first_sub + i].variation,
                                    data.subspan(size), failure);
        if (sub == 0) return 0;
        size += sub;
      }
      return size;
    }
  }
  failure.reason = "item runs past the end of the block";
  return 0;
}

bool DecodeRecord(const Edition& edition, std::span<const uint8_t> data, RecordView& view,
                  DecodeFailure& failure) {
  view.edition = &edition;
  view.uap = edition.uap;
  view.present = 0;
  const size_t fspec = PresenceSize(data, kMaxFspecOctets);
  if (fspec == 0) {
    failure.offset = 0;
    failure.reason = data.size() < kMaxFspecOctets ? "FSPEC runs past the end of the block"
                                                   : "FSPEC longer than 9 octets";
    return false;
  }
  size_t offset = fspec;
  for (size_t k = 0; k < fspec * kPresenceBitsPerOctet; ++k) {
    if (!PresenceBit(data, k)) continue;
    if (k >= view.uap.size() || view.uap[k] < 0) {
      failure.offset = k / kPresenceBitsPerOctet;
      failure.reason = "FSPEC announces an FRN the category's UAP does not define";
      return false;
    }
    const int item = view.uap[k];
    const size_t size = ItemSize(edition, edition.items[static_cast<size_t>(item)].variation,
                                 data.subspan(offset), failure);
    if (size == 0) {
      failure.offset = offset;
      return false;
    }
    view.items[k] = {static_cast<uint16_t>(offset), static_cast<uint16_t>(size)};
    view.present |= uint64_t{1} << k;
    offset += size;
    // A category with two UAPs (CAT001 plot/track) chooses by a field of an early item.
    if (!edition.alternate_uap.empty() &&
        edition.items[static_cast<size_t>(item)].id == edition.selector_item) {
      const int field = FindField(edition, edition.items[static_cast<size_t>(item)].variation,
                                  edition.selector_field);
      if (field >= 0) {
        const uint64_t value =
            ReadRaw(edition.fields[static_cast<size_t>(field)], data.subspan(offset - size, size));
        if (value == edition.alternate_selector_value) view.uap = edition.alternate_uap;
      }
    }
  }
  if (view.present == 0) {
    failure.offset = 0;
    failure.reason = "FSPEC announces no item";
    return false;
  }
  view.bytes = data.first(offset);
  return true;
}

bool FieldPresent(const FieldDef& field, std::span<const uint8_t> part) {
  return size_t{field.bit_offset} + field.bit_size <= 8 * part.size();
}

uint64_t ReadRaw(const FieldDef& field, std::span<const uint8_t> part) {
  if (!FieldPresent(field, part)) return 0;
  return ReadBits(part, field.bit_offset, field.bit_size);
}

double ScaledValue(const FieldDef& field, uint64_t raw, const Edition& edition,
                   uint64_t selector_raw) {
  Content content = field.content;
  bool is_signed = field.is_signed;
  double lsb = field.lsb;
  if (content == Content::kDependent) {
    content = Content::kRaw;
    for (uint8_t c = 0; c < field.case_count; ++c) {
      const DependentCase& dc = edition.cases[field.first_case + c];
      if (dc.selector_value == selector_raw) {
        content = dc.content;
        is_signed = dc.is_signed;
        lsb = dc.lsb;
      }
    }
  }
  if (content == Content::kQuantity) {
    return is_signed ? static_cast<double>(SignExtend(raw, field.bit_size)) * lsb
                     : static_cast<double>(raw) * lsb;
  }
  if (is_signed) return static_cast<double>(SignExtend(raw, field.bit_size));
  return static_cast<double>(raw);
}

size_t FieldText(const FieldDef& field, uint64_t raw, std::span<char> out) {
  unsigned char_bits = kOctalDigitBits;
  if (field.content == Content::kStringIcao) char_bits = kIcaoCharBits;
  if (field.content == Content::kStringAscii) char_bits = kAsciiCharBits;
  const size_t count = field.bit_size / char_bits;
  size_t n = 0;
  for (size_t i = 0; i < count && n < out.size(); ++i) {
    const unsigned shift = static_cast<unsigned>((count - 1 - i) * char_bits);
    const unsigned code = static_cast<unsigned>((raw >> shift) & ((1u << char_bits) - 1u));
    char c = '#';
    if (field.content == Content::kStringIcao) {
      c = kIcaoCharset[code];
    } else if (field.content == Content::kStringAscii) {
      c = static_cast<char>(code);
    } else {
      c = static_cast<char>('0' + code);
    }
    out[n++] = c;
  }
  return n;
}

std::string ItemKey(uint8_t category, std::string_view id) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "I%03u/", static_cast<unsigned>(category));
  return std::string(buf).append(id);
}

namespace {

std::string HexBits(uint64_t raw, unsigned bits) {
  char buf[20];
  std::snprintf(buf, sizeof buf, "%0*llx", static_cast<int>((bits + 3) / 4),
                static_cast<unsigned long long>(raw));
  return buf;
}

nlohmann::ordered_json FieldJson(const Edition& e, const Variation& v, const FieldDef& f,
                                 std::span<const uint8_t> part) {
  const uint64_t raw = ReadRaw(f, part);
  switch (f.content) {
    case Content::kRaw:
      if (f.bit_size > kMaxExactJsonBits) return HexBits(raw, f.bit_size);
      return raw;
    case Content::kTable:
      return raw;
    case Content::kInteger:
      if (f.is_signed) return SignExtend(raw, f.bit_size);
      return raw;
    case Content::kQuantity:
      return ScaledValue(f, raw, e);
    case Content::kStringIcao:
    case Content::kStringAscii:
    case Content::kStringOctal: {
      std::array<char, 24> text{};
      const size_t n = FieldText(f, raw, text);
      return std::string(text.data(), n);
    }
    case Content::kBds:
      return HexBits(raw, f.bit_size);
    case Content::kDependent: {
      const FieldDef& sel = e.fields[v.first_field + static_cast<size_t>(f.selector)];
      const uint64_t selector = ReadRaw(sel, part);
      for (uint8_t c = 0; c < f.case_count; ++c) {
        if (e.cases[f.first_case + c].selector_value == selector) {
          return ScaledValue(f, raw, e, selector);
        }
      }
      return raw;
    }
  }
  return raw;
}

nlohmann::ordered_json VariationJson(const Edition& e, int index, std::span<const uint8_t> bytes) {
  const Variation& v = VariationAt(e, index);
  switch (v.kind) {
    case VariationKind::kElement:
      if (v.element_is_value) return FieldJson(e, v, e.fields[v.first_field], bytes);
      [[fallthrough]];
    case VariationKind::kGroup:
    case VariationKind::kExtended: {
      nlohmann::ordered_json out = nlohmann::ordered_json::object();
      for (uint16_t i = 0; i < v.field_count; ++i) {
        const FieldDef& f = e.fields[v.first_field + i];
        if (!FieldPresent(f, bytes)) continue;
        if (f.group.empty()) {
          out[std::string(f.name)] = FieldJson(e, v, f, bytes);
        } else {
          out[std::string(f.group)][std::string(f.name)] = FieldJson(e, v, f, bytes);
        }
      }
      return out;
    }
    case VariationKind::kRepetitive:
    case VariationKind::kRepetitiveFx: {
      nlohmann::ordered_json out = nlohmann::ordered_json::array();
      size_t offset = v.kind == VariationKind::kRepetitive ? 1 : 0;
      while (offset + v.byte_size <= bytes.size()) {
        out.push_back(VariationJson(e, v.element, bytes.subspan(offset, v.byte_size)));
        offset += v.byte_size;
      }
      return out;
    }
    case VariationKind::kExplicit:
      return ToHex(bytes.subspan(1));
    case VariationKind::kCompound: {
      nlohmann::ordered_json out = nlohmann::ordered_json::object();
      const size_t primary = PresenceSize(bytes, bytes.size());
      size_t offset = primary;
      for (size_t i = 0; i < primary * kPresenceBitsPerOctet && i < v.sub_count; ++i) {
        if (!PresenceBit(bytes, i)) continue;
        const SubItem& sub = e.subitems[v.first_sub + i];
        DecodeFailure ignored;
        const size_t size = ItemSize(e, sub.variation, bytes.subspan(offset), ignored);
        out[std::string(sub.name)] = VariationJson(e, sub.variation, bytes.subspan(offset, size));
        offset += size;
      }
      return out;
    }
  }
  return nullptr;
}

}  // namespace

std::optional<FieldRef> LocateField(const RecordView& view, std::string_view item,
                                    std::string_view subitem, std::string_view field) {
  const Edition& e = *view.edition;
  const int item_index = FindItem(e, item);
  if (item_index < 0) return std::nullopt;
  std::span<const uint8_t> bytes = view.Item(item_index);
  if (bytes.empty()) return std::nullopt;
  int var = e.items[static_cast<size_t>(item_index)].variation;
  if (!subitem.empty()) {
    const Variation& c = VariationAt(e, var);
    if (c.kind != VariationKind::kCompound) return std::nullopt;
    const int wanted = FindSubItem(e, var, subitem);
    if (wanted < 0) return std::nullopt;
    const size_t primary = PresenceSize(bytes, bytes.size());
    size_t offset = primary;
    bool found = false;
    for (size_t i = 0; i < primary * kPresenceBitsPerOctet && i < c.sub_count; ++i) {
      if (!PresenceBit(bytes, i)) continue;
      const SubItem& sub = e.subitems[c.first_sub + i];
      DecodeFailure ignored;
      const size_t size = ItemSize(e, sub.variation, bytes.subspan(offset), ignored);
      if (static_cast<int>(i) == wanted) {
        bytes = bytes.subspan(offset, size);
        var = sub.variation;
        found = true;
        break;
      }
      offset += size;
    }
    if (!found) return std::nullopt;
  }
  const Variation* v = &VariationAt(e, var);
  if (v->kind == VariationKind::kRepetitive || v->kind == VariationKind::kRepetitiveFx) {
    const size_t start = v->kind == VariationKind::kRepetitive ? 1 : 0;
    if (bytes.size() < start + v->byte_size) return std::nullopt;
    bytes = bytes.subspan(start, v->byte_size);
    var = v->element;
    v = &VariationAt(e, var);
  }
  for (uint16_t i = 0; i < v->field_count; ++i) {
    const FieldDef& f = e.fields[v->first_field + i];
    const bool match = field.empty() ? v->element_is_value : f.name == field;
    if (!match) continue;
    if (!FieldPresent(f, bytes)) return std::nullopt;
    return FieldRef{&f, var, bytes};
  }
  return std::nullopt;
}

double NumericValue(const Edition& edition, const FieldRef& ref) {
  const FieldDef& f = *ref.field;
  uint64_t selector = 0;
  if (f.content == Content::kDependent) {
    const Variation& v = VariationAt(edition, ref.variation);
    selector = ReadRaw(edition.fields[v.first_field + static_cast<size_t>(f.selector)], ref.part);
  }
  return ScaledValue(f, ReadRaw(f, ref.part), edition, selector);
}

std::optional<double> Numeric(const RecordView& view, std::string_view item,
                              std::string_view subitem, std::string_view field) {
  const auto ref = LocateField(view, item, subitem, field);
  if (!ref) return std::nullopt;
  return NumericValue(*view.edition, *ref);
}

std::optional<uint64_t> Raw(const RecordView& view, std::string_view item, std::string_view subitem,
                            std::string_view field) {
  const auto ref = LocateField(view, item, subitem, field);
  if (!ref) return std::nullopt;
  return ReadRaw(*ref->field, ref->part);
}

std::string Text(const RecordView& view, std::string_view item, std::string_view subitem,
                 std::string_view field) {
  const auto ref = LocateField(view, item, subitem, field);
  if (!ref) return {};
  std::array<char, 24> text{};
  size_t n = FieldText(*ref->field, ReadRaw(*ref->field, ref->part), text);
  while (n > 0 && text[n - 1] == ' ') --n;
  return std::string(text.data(), n);
}

nlohmann::ordered_json RecordToJson(const RecordView& view) {
  const Edition& e = *view.edition;
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  out["category"] = e.category;
  out["edition"] = std::string(e.edition);
  for (size_t k = 0; k < view.uap.size(); ++k) {
    if (!view.Has(k)) continue;
    const ItemDef& item = e.items[static_cast<size_t>(view.uap[k])];
    const ItemSpan& s = view.items[k];
    out[ItemKey(e.category, item.id)] =
        VariationJson(e, item.variation, view.bytes.subspan(s.offset, s.size));
  }
  return out;
}

}  // namespace biac::formats::asterix
