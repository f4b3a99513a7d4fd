#include "biac/formats/asterix/encode.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <limits>
#include <string>

#include "biac/base/bits.h"
#include "biac/formats/asterix/record.h"

namespace biac::formats::asterix {

namespace {

constexpr uint8_t kFxBit = 0x01;
constexpr unsigned kPresenceBitsPerOctet = 7;
constexpr size_t kMaxBlockSize = 0xFFFF;
constexpr size_t kMaxRepetitions = 0xFF;
constexpr size_t kMaxExplicitSize = 0xFF;
constexpr unsigned kMaxExactJsonBits = 53;
constexpr size_t kIcaoSpace = 32;
constexpr std::string_view kIcaoCharset =
    "#ABCDEFGHIJKLMNOPQRSTUVWXYZ##### ###############0123456789######";

Status FieldError(std::string_view where, std::string_view what) {
  return InvalidArgument(std::string(where) + ": " + std::string(what));
}

Result<uint64_t> ParseHexValue(const nlohmann::ordered_json& v, unsigned bits,
                               const std::string& where) {
  if (!v.is_string()) return FieldError(where, "expected a hex string");
  const std::string& s = v.get_ref<const std::string&>();
  if (s.empty() || s.size() > 16) return FieldError(where, "hex string of 1..16 digits expected");
  uint64_t raw = 0;
  for (char c : s) {
    int d = -1;
    if (c >= '0' && c <= '9') d = c - '0';
    if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
    if (d < 0) return FieldError(where, "not a hex digit in '" + s + "'");
    raw = (raw << 4) | static_cast<uint64_t>(d);
  }
  if (bits < 64 && (raw >> bits) != 0) return FieldError(where, "value wider than the field");
  return raw;
}

Result<uint64_t> CheckedUnsigned(int64_t value, unsigned bits, const std::string& where) {
  const uint64_t max =
      bits >= 64 ? std::numeric_limits<uint64_t>::max() : (uint64_t{1} << bits) - 1;
  if (value < 0 || static_cast<uint64_t>(value) > max) {
    return FieldError(where,
                      std::to_string(value) + " out of range [0, " + std::to_string(max) + "] raw");
  }
  return static_cast<uint64_t>(value);
}

Result<uint64_t> CheckedSigned(int64_t value, unsigned bits, const std::string& where) {
  const int64_t min = -(int64_t{1} << (bits - 1));
  const int64_t max = (int64_t{1} << (bits - 1)) - 1;
  if (value < min || value > max) {
    return FieldError(where, std::to_string(value) + " out of range [" + std::to_string(min) +
                                 ", " + std::to_string(max) + "] raw");
  }
  const uint64_t mask = bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
  return static_cast<uint64_t>(value) & mask;
}

Result<uint64_t> NumberToRaw(const nlohmann::ordered_json& v, bool is_signed, double lsb,
                             unsigned bits, const std::string& where) {
  if (!v.is_number()) return FieldError(where, "expected a number");
  double scaled = v.get<double>() / lsb;
  if (!std::isfinite(scaled) || std::fabs(scaled) > 9.0e18) {
    return FieldError(where, "value not finite or too large");
  }
  if (v.is_number_unsigned()) {
    const uint64_t u = v.get<uint64_t>();
    if (lsb == 1.0 && !is_signed) {
      if (bits < 64 && (u >> bits) != 0) return FieldError(where, "value wider than the field");
      return u;
    }
  }
  const int64_t rounded = std::llround(scaled);
  return is_signed ? CheckedSigned(rounded, bits, where) : CheckedUnsigned(rounded, bits, where);
}

Result<uint64_t> TextToRaw(const FieldDef& f, const nlohmann::ordered_json& v,
                           const std::string& where) {
  if (!v.is_string()) return FieldError(where, "expected a string");
  const std::string& s = v.get_ref<const std::string&>();
  unsigned char_bits = 3;
  if (f.content == Content::kStringIcao) char_bits = 6;
  if (f.content == Content::kStringAscii) char_bits = 8;
  const size_t count = f.bit_size / char_bits;
  if (s.size() > count) {
    return FieldError(where, "'" + s + "' longer than " + std::to_string(count) + " characters");
  }
  uint64_t raw = 0;
  for (size_t i = 0; i < count; ++i) {
    unsigned code = 0;
    if (f.content == Content::kStringIcao) {
      const char c = i < s.size() ? s[i] : ' ';
      // A space encodes as 32 (the decoder also shows code 0 as a space).
      const size_t pos = c == ' '   ? kIcaoSpace
                         : c == '#' ? std::string_view::npos
                                    : kIcaoCharset.find(c);
      if (pos == std::string_view::npos) {
        return FieldError(where, std::string("'") + c + "' is not an ICAO 6-bit character");
      }
      code = static_cast<unsigned>(pos);
    } else if (f.content == Content::kStringAscii) {
      code = static_cast<unsigned char>(i < s.size() ? s[i] : ' ');
    } else {
      // Octal digits, right-aligned: "7700" -> 7,7,0,0; fewer digits are leading zeros.
      const size_t pad = count - s.size();
      const char c = i < pad ? '0' : s[i - pad];
      if (c < '0' || c > '7') return FieldError(where, "'" + s + "' is not octal");
      code = static_cast<unsigned>(c - '0');
    }
    raw = (raw << char_bits) | code;
  }
  return raw;
}

class Encoder {
 public:
  Encoder(const Edition& e, std::vector<uint8_t>& out) : e_(e), out_(out) {}

  Status Variation(int index, const nlohmann::ordered_json& value, const std::string& where) {
    const asterix::Variation& v = e_.variations[static_cast<size_t>(index)];
    switch (v.kind) {
      case VariationKind::kElement:
        if (v.element_is_value) {
          const size_t start = Grow(v.byte_size);
          return WriteField(v, e_.fields[v.first_field], value, nullptr, start, where);
        }
        [[fallthrough]];
      case VariationKind::kGroup:
        return Fields(v, value, v.byte_size, where);
      case VariationKind::kExtended: {
        if (!value.is_object()) return FieldError(where, "expected an object");
        // Parts needed: up to the part holding the last given field (at least one).
        size_t bits_needed = 8;
        for (auto it = value.begin(); it != value.end(); ++it) {
          for (uint16_t i = 0; i < v.field_count; ++i) {
            const FieldDef& f = e_.fields[v.first_field + i];
            if (f.name == it.key() || f.group == it.key()) {
              bits_needed = std::max<size_t>(bits_needed, size_t{f.bit_offset} + f.bit_size);
            }
          }
        }
        size_t size = 0;
        uint16_t parts = 0;
        for (; parts < v.part_count; ++parts) {
          size += e_.parts[v.first_part + parts].byte_size;
          if (size * 8 >= bits_needed) {
            ++parts;
            break;
          }
        }
        const size_t start = out_.size();
        BIAC_RETURN_IF_ERROR(Fields(v, value, size, where));
        size_t end = 0;
        for (uint16_t p = 0; p < parts; ++p) {
          end += e_.parts[v.first_part + p].byte_size;
          if (p + 1 < parts) out_[start + end - 1] |= kFxBit;
        }
        return Status::Ok();
      }
      case VariationKind::kRepetitive:
      case VariationKind::kRepetitiveFx: {
        if (!value.is_array()) return FieldError(where, "expected an array");
        const bool fx = v.kind == VariationKind::kRepetitiveFx;
        if (value.size() > kMaxRepetitions) return FieldError(where, "more than 255 repetitions");
        if (fx && value.empty()) return FieldError(where, "a repetitive-FX item needs an element");
        if (!fx) out_.push_back(static_cast<uint8_t>(value.size()));
        for (size_t i = 0; i < value.size(); ++i) {
          const std::string w = where + "[" + std::to_string(i) + "]";
          BIAC_RETURN_IF_ERROR(Variation(v.element, value[i], w));
          if (fx && i + 1 < value.size()) out_.back() |= kFxBit;
        }
        return Status::Ok();
      }
      case VariationKind::kExplicit: {
        std::vector<uint8_t> bytes;
        if (!value.is_string()) return FieldError(where, "expected a hex string");
        const std::string& s = value.get_ref<const std::string&>();
        if (s.size() % 2 != 0) return FieldError(where, "odd number of hex digits");
        if (s.size() / 2 + 1 > kMaxExplicitSize) return FieldError(where, "longer than 254 octets");
        out_.push_back(static_cast<uint8_t>(s.size() / 2 + 1));
        for (size_t i = 0; i < s.size(); i += 2) {
          BIAC_ASSIGN_OR_RETURN(const uint64_t b, ParseHexValue(s.substr(i, 2), 8, where));
          out_.push_back(static_cast<uint8_t>(b));
        }
        return Status::Ok();
      }
      case VariationKind::kCompound: {
        if (!value.is_object()) return FieldError(where, "expected an object");
        int last = -1;
        for (auto it = value.begin(); it != value.end(); ++it) {
          const int sub = FindSubItem(e_, index, it.key());
          if (sub < 0 || it.key().empty())
            return FieldError(where, "no subfield '" + it.key() + "'");
          last = std::max(last, sub);
        }
        const size_t octets = last < 0 ? 1 : static_cast<size_t>(last) / kPresenceBitsPerOctet + 1;
        const size_t start = Grow(octets);
        for (size_t i = 0; i + 1 < octets; ++i) out_[start + i] |= kFxBit;
        for (int i = 0; i <= last; ++i) {
          const SubItem& sub = e_.subitems[v.first_sub + static_cast<size_t>(i)];
          const auto it = value.find(std::string(sub.name));
          if (sub.name.empty() || it == value.end()) continue;
          out_[start + static_cast<size_t>(i) / kPresenceBitsPerOctet] |=
              static_cast<uint8_t>(0x80u >> (static_cast<unsigned>(i) % kPresenceBitsPerOctet));
          BIAC_RETURN_IF_ERROR(Variation(sub.variation, *it, where + "/" + std::string(sub.name)));
        }
        return Status::Ok();
      }
    }
    return Internal("unknown variation kind");
  }

 private:
  size_t Grow(size_t n) {
    const size_t start = out_.size();
    out_.resize(start + n, 0);
    return start;
  }

  Status Fields(const asterix::Variation& v, const nlohmann::ordered_json& value, size_t size,
                const std::string& where) {
    if (!value.is_object()) return FieldError(where, "expected an object");
    // Every key must name a field (or a nested group) of the item.
    for (auto it = value.begin(); it != value.end(); ++it) {
      bool known = false;
      for (uint16_t i = 0; i < v.field_count && !known; ++i) {
        const FieldDef& f = e_.fields[v.first_field + i];
        known = !f.name.empty() && (f.group.empty() ? f.name == it.key() : f.group == it.key());
      }
      if (!known) return FieldError(where, "no field '" + it.key() + "'");
    }
    const size_t start = Grow(size);
    for (uint16_t i = 0; i < v.field_count; ++i) {
      const FieldDef& f = e_.fields[v.first_field + i];
      if (f.name.empty() || size_t{f.bit_offset} + f.bit_size > 8 * size) continue;
      const nlohmann::ordered_json* holder = &value;
      if (!f.group.empty()) {
        const auto g = value.find(std::string(f.group));
        if (g == value.end()) continue;
        holder = &*g;
      }
      const auto it = holder->find(std::string(f.name));
      if (it == holder->end()) continue;
      BIAC_RETURN_IF_ERROR(WriteField(v, f, *it, holder, start, where + "/" + std::string(f.name)));
    }
    return Status::Ok();
  }

  Status WriteField(const asterix::Variation& v, const FieldDef& f,
                    const nlohmann::ordered_json& value, const nlohmann::ordered_json* siblings,
                    size_t start, const std::string& where) {
    Result<uint64_t> raw = uint64_t{0};
    switch (f.content) {
      case Content::kRaw:
        raw = f.bit_size > kMaxExactJsonBits ? ParseHexValue(value, f.bit_size, where)
                                             : NumberToRaw(value, false, 1.0, f.bit_size, where);
        break;
      case Content::kBds:
        raw = ParseHexValue(value, f.bit_size, where);
        break;
      case Content::kTable:
        raw = NumberToRaw(value, false, 1.0, f.bit_size, where);
        break;
      case Content::kInteger:
      case Content::kQuantity:
        raw = NumberToRaw(value, f.is_signed, f.content == Content::kQuantity ? f.lsb : 1.0,
                          f.bit_size, where);
        break;
      case Content::kStringIcao:
      case Content::kStringAscii:
      case Content::kStringOctal:
        raw = TextToRaw(f, value, where);
        break;
      case Content::kDependent: {
        // The selector's value (read from the same JSON object) picks the scaling.
        const FieldDef& sel = e_.fields[v.first_field + static_cast<size_t>(f.selector)];
        uint64_t selector = 0;
        if (siblings != nullptr) {
          const auto s = siblings->find(std::string(sel.name));
          if (s != siblings->end() && s->is_number_unsigned()) selector = s->get<uint64_t>();
        }
        raw = NumberToRaw(value, false, 1.0, f.bit_size, where);
        for (uint8_t c = 0; c < f.case_count; ++c) {
          const DependentCase& dc = e_.cases[f.first_case + c];
          if (dc.selector_value == selector) {
            raw = NumberToRaw(value, dc.is_signed, dc.content == Content::kQuantity ? dc.lsb : 1.0,
                              f.bit_size, where);
          }
        }
        break;
      }
    }
    if (!raw.ok()) return raw.error();
    WriteBits(std::span<uint8_t>(out_).subspan(start), f.bit_offset, f.bit_size, *raw);
    return Status::Ok();
  }

  const Edition& e_;
  std::vector<uint8_t>& out_;
};

// The item index for a JSON key "I048/040" or "040" of this edition, or -1.
int ItemForKey(const Edition& e, const std::string& key) {
  std::string_view id = key;
  const std::string prefix = ItemKey(e.category, "");
  if (id.substr(0, prefix.size()) == prefix) id.remove_prefix(prefix.size());
  return FindItem(e, id);
}

}  // namespace

Status EncodeRecord(const Edition& edition, const nlohmann::ordered_json& record,
                    std::vector<uint8_t>& out) {
  if (!record.is_object()) return InvalidArgument("record: expected a JSON object");
  if (!edition.alternate_uap.empty()) {
    return InvalidArgument("encoding categories with two UAPs is not supported");
  }
  uint64_t present = 0;
  size_t last = 0;
  for (auto it = record.begin(); it != record.end(); ++it) {
    if (it.key() == "category" || it.key() == "edition") continue;
    const int item = ItemForKey(edition, it.key());
    int frn = -1;
    for (size_t k = 0; k < edition.uap.size() && item >= 0; ++k) {
      if (edition.uap[k] == item) frn = static_cast<int>(k);
    }
    if (frn < 0) {
      return InvalidArgument("record: no item '" + it.key() + "' in CAT" +
                             std::to_string(edition.category) + " edition " +
                             std::string(edition.edition));
    }
    present |= uint64_t{1} << frn;
    last = std::max(last, static_cast<size_t>(frn));
  }
  const size_t fspec = last / kPresenceBitsPerOctet + 1;
  const size_t start = out.size();
  out.resize(start + fspec, 0);
  for (size_t i = 0; i + 1 < fspec; ++i) out[start + i] |= kFxBit;
  Encoder encoder(edition, out);
  for (size_t k = 0; k <= last; ++k) {
    if (((present >> k) & 1u) == 0) continue;
    out[start + k / kPresenceBitsPerOctet] |=
        static_cast<uint8_t>(0x80u >> (k % kPresenceBitsPerOctet));
    const ItemDef& item = edition.items[static_cast<size_t>(edition.uap[k])];
    const std::string key = ItemKey(edition.category, item.id);
    auto it = record.find(key);
    if (it == record.end()) it = record.find(std::string(item.id));
    const Status status = encoder.Variation(item.variation, *it, key);
    if (!status.ok()) {
      out.resize(start);
      return status;
    }
  }
  return Status::Ok();
}

Result<std::vector<uint8_t>> EncodeDataBlock(const Edition& edition,
                                             std::span<const nlohmann::ordered_json> records) {
  std::vector<uint8_t> out = {edition.category, 0, 0};
  for (size_t i = 0; i < records.size(); ++i) {
    const Status status = EncodeRecord(edition, records[i], out);
    if (!status.ok()) {
      return InvalidArgument("record " + std::to_string(i) + ": " + status.message());
    }
  }
  if (out.size() > kMaxBlockSize) {
    return InvalidArgument("data block of " + std::to_string(out.size()) +
                           " octets exceeds LEN's 65535");
  }
  out[1] = static_cast<uint8_t>(out.size() >> 8);
  out[2] = static_cast<uint8_t>(out.size() & 0xFF);
  return out;
}

}  // namespace biac::formats::asterix
