// JSON of the decoded packs and nested sets (the value of an ST 0601 pack / local set item in
// a `biac decode --format klv` record). The field names are documented in
// docs/formats/klv.md; the layouts are in st0601_packs.h, st0102.h and st0903.h.

#include <array>
#include <string>

#include "biac/formats/common/hex.h"
#include "biac/formats/klv/st0102.h"
#include "biac/formats/klv/st0601_json.h"
#include "biac/formats/klv/st0601_packs.h"
#include "biac/formats/klv/st0903.h"

namespace biac::formats::klv {
namespace {

using nlohmann::json;

json Mapped(const MappedValue& v) {
  if (v.out_of_range) return {{"indicator", "out of range"}};
  if (v.kind != ImapKind::kNormal) return {{"indicator", std::string(ImapKindName(v.kind))}};
  return v.value;
}

std::string Text(std::string_view text) { return std::string(text); }

json ErrorJson(const PackResult& r, std::span<const uint8_t> value) {
  return {
      {"error", "byte " + std::to_string(r.offset) + " of the value: " + std::string(r.Reason())},
      {"raw", ToHex(value)}};
}

json LocationJson(const LocationDlp& l) {
  json j = {{"latitude", Mapped(l.latitude)}, {"longitude", Mapped(l.longitude)}};
  if (l.has_height) j["height_above_ellipsoid"] = Mapped(l.height);
  return j;
}

json SecurityJson(std::span<const uint8_t> value) {
  SecurityLocalSet set;
  if (const PackResult r = DecodeSecurityLocalSet(value, set); !r.ok()) {
    return ErrorJson(r, value);
  }
  json j = json::object();
  for (const SecurityTagInfo& info : AllSecurityTags()) {
    const SecurityItem* item = set.Find(info.tag);
    if (item == nullptr) continue;
    const std::string name(info.json_name);
    if (item->bad_length) {
      j[name] = {{"error", "bad length " + std::to_string(item->bytes.size())},
                 {"raw", ToHex(item->bytes)}};
      continue;
    }
    switch (info.kind) {
      case SecurityValueKind::kClassification:
        j[name] = item->unsigned_value;
        j[name + "_name"] = Text(SecurityClassificationName(item->unsigned_value));
        break;
      case SecurityValueKind::kCodingMethod:
        j[name] = item->unsigned_value;
        j[name + "_name"] = Text(CountryCodingMethodName(item->unsigned_value));
        break;
      case SecurityValueKind::kUnsigned:
        j[name] = item->unsigned_value;
        break;
      case SecurityValueKind::kString:
        j[name] = Text(item->text);
        break;
      case SecurityValueKind::kUtf16: {
        // At most 3 UTF-8 bytes per input byte (an ISO 646 byte >= 0x80 becomes U+FFFD).
        constexpr size_t kUtf8BytesPerByte = 3;
        std::string text(kUtf8BytesPerByte * item->bytes.size(), '\0');
        text.resize(Utf16OrAsciiToUtf8(item->bytes, text));
        j[name] = std::move(text);
        break;
      }
      case SecurityValueKind::kBytes:
        j[name] = ToHex(item->bytes);
        break;
    }
  }
  if (set.unknown_items > 0) j["unknown_items"] = set.unknown_items;
  return j;
}

json MiisJson(std::span<const uint8_t> value) {
  MiisCoreIdentifier id;
  if (const PackResult r = DecodeMiisCoreIdentifier(value, id); !r.ok()) {
    return ErrorJson(r, value);
  }
  std::array<char, kMiisTextMaxSize> buffer;
  const size_t n = MiisCoreIdentifierText(id, buffer);
  json j = {{"text", std::string(buffer.data(), n)},
            {"version", id.version},
            {"sensor_id_type", Text(MiisIdTypeName(id.sensor_id_type))},
            {"platform_id_type", Text(MiisIdTypeName(id.platform_id_type))}};
  if (!id.sensor_id.empty()) j["sensor_id"] = ToHex(id.sensor_id);
  if (!id.platform_id.empty()) j["platform_id"] = ToHex(id.platform_id);
  if (!id.window_id.empty()) j["window_id"] = ToHex(id.window_id);
  if (!id.minor_id.empty()) j["minor_id"] = ToHex(id.minor_id);
  return j;
}

// Walks a series, decoding each record with `decode` into `Record` and appending `to_json`.
template <typename Record, typename Decode, typename ToJson>
json SeriesJson(std::span<const uint8_t> value, size_t base, Decode decode, ToJson to_json,
                std::span<const uint8_t> whole) {
  json list = json::array();
  SeriesCursor cursor(value);
  std::span<const uint8_t> bytes;
  while (cursor.Next(bytes)) {
    Record record;
    if (const PackResult r = decode(bytes, record); !r.ok()) {
      return ErrorJson({r.error, base + cursor.offset() - bytes.size() + r.offset}, whole);
    }
    list.push_back(to_json(record));
  }
  if (!cursor.result().ok()) {
    return ErrorJson({cursor.result().error, base + cursor.result().offset}, whole);
  }
  return list;
}

json WavelengthJson(const WavelengthRecord& w) {
  return {{"id", w.id},
          {"min_nm", Mapped(w.min_nm)},
          {"max_nm", Mapped(w.max_nm)},
          {"name", Text(w.name)}};
}

json WeaponJson(const WeaponsStore& w) {
  json engagement = json::array();
  for (unsigned bit = 0; bit < kWeaponEngagementBits; ++bit) {
    if ((w.engagement >> bit) & 1u) engagement.push_back(Text(kWeaponEngagementNames[bit]));
  }
  return {{"station_id", w.station_id},
          {"hardpoint_id", w.hardpoint_id},
          {"carriage_id", w.carriage_id},
          {"store_id", w.store_id},
          {"general_status", w.general_status},
          {"general_status_name", Text(WeaponGeneralStatusName(w.general_status))},
          {"engagement_status", std::move(engagement)},
          {"weapon_type", Text(w.weapon_type)}};
}

json WaypointJson(const WaypointRecord& w) {
  json j = {{"id", w.id}, {"order", w.order}};
  if (w.has_info) {
    j["info"] = w.info;
    j["mode"] = (w.info & kWaypointInfoModeManual) ? "manual" : "automated";
    j["source"] = (w.info & kWaypointInfoSourceAdHoc) ? "ad hoc" : "pre-planned";
  }
  if (w.has_location) j["location"] = LocationJson(w.location);
  return j;
}

json PayloadJson(const PayloadRecord& p) {
  return {{"id", p.id},
          {"type", p.type},
          {"type_name", Text(PayloadTypeName(p.type))},
          {"name", Text(p.name)}};
}

json IntervalJson(const ViewDomainInterval& i) {
  return {{"start", Mapped(i.start)}, {"range", Mapped(i.range)}};
}

}  // namespace

std::optional<json> PackValueToJson(uint32_t tag, std::span<const uint8_t> value) {
  switch (PackKindOf(tag)) {
    case PackKind::kNone:
      return std::nullopt;
    case PackKind::kSecurity:
      return SecurityJson(value);
    case PackKind::kVmti:
      return VmtiToJson(value);
    case PackKind::kImageHorizon: {
      ImageHorizonPixelPack p;
      if (const PackResult r = DecodeImageHorizonPixelPack(value, p); !r.ok()) {
        return ErrorJson(r, value);
      }
      json j = {{"x0", p.x0}, {"y0", p.y0}, {"x1", p.x1}, {"y1", p.y1}};
      if (p.has_locations) {
        j["latitude0"] = Mapped(p.latitude0);
        j["longitude0"] = Mapped(p.longitude0);
        j["latitude1"] = Mapped(p.latitude1);
        j["longitude1"] = Mapped(p.longitude1);
      }
      return j;
    }
    case PackKind::kMiisCoreIdentifier:
      return MiisJson(value);
    case PackKind::kControlCommand: {
      ControlCommand c;
      if (const PackResult r = DecodeControlCommand(value, c); !r.ok()) {
        return ErrorJson(r, value);
      }
      json j = {{"id", c.id}, {"command", Text(c.text)}};
      if (c.has_time) j["time"] = c.time_us;
      return j;
    }
    case PackKind::kBerOidList: {
      // Each BER-OID takes at least one byte: value.size() entries always suffice, but the
      // JSON path bounds its stack buffer and reports longer lists as errors.
      std::array<uint64_t, 256> ids;
      size_t count = 0;
      if (const PackResult r = DecodeBerOidList(value, ids, count); !r.ok()) {
        return ErrorJson(r, value);
      }
      return json(std::vector<uint64_t>(ids.begin(), ids.begin() + static_cast<long>(count)));
    }
    case PackKind::kCountryCodes: {
      CountryCodes c;
      if (const PackResult r = DecodeCountryCodes(value, c); !r.ok()) return ErrorJson(r, value);
      json j = {{"coding_method", c.coding_method},
                {"coding_method_name", Text(CountryCodingMethodName(c.coding_method))},
                {"overflight_country", Text(c.overflight_country)}};
      if (!c.operator_country.empty()) j["operator_country"] = Text(c.operator_country);
      if (!c.country_of_manufacture.empty()) {
        j["country_of_manufacture"] = Text(c.country_of_manufacture);
      }
      return j;
    }
    case PackKind::kFrameRate: {
      FrameRate f;
      if (const PackResult r = DecodeFrameRate(value, f); !r.ok()) return ErrorJson(r, value);
      return json{{"numerator", f.numerator},
                  {"denominator", f.denominator},
                  {"frames_per_second", f.FramesPerSecond()}};
    }
    case PackKind::kWavelengthsList:
      return SeriesJson<WavelengthRecord>(value, 0, DecodeWavelengthRecord, WavelengthJson, value);
    case PackKind::kAirbaseLocations: {
      AirbaseLocations a;
      if (const PackResult r = DecodeAirbaseLocations(value, a); !r.ok()) {
        return ErrorJson(r, value);
      }
      json j = {{"take_off", a.take_off_known ? LocationJson(a.take_off) : json("unknown")},
                {"recovery", a.recovery_known ? LocationJson(a.recovery) : json("unknown")}};
      if (a.recovery_omitted) j["recovery_same_as_take_off"] = true;
      return j;
    }
    case PackKind::kPayloadList: {
      uint64_t count = 0;
      std::span<const uint8_t> records;
      size_t records_offset = 0;
      if (const PackResult r = ReadPayloadListHeader(value, count, records, records_offset);
          !r.ok()) {
        return ErrorJson(r, value);
      }
      json list = SeriesJson<PayloadRecord>(records, records_offset, DecodePayloadRecord,
                                            PayloadJson, value);
      if (list.is_object()) return list;  // an error
      return json{{"count", count}, {"payloads", std::move(list)}};
    }
    case PackKind::kActivePayloads: {
      json ids = json::array();
      constexpr uint64_t kBitsPerByte = 8;
      for (uint64_t id = 0; id < kBitsPerByte * value.size(); ++id) {
        if (PayloadIsActive(value, id)) ids.push_back(id);
      }
      return ids;
    }
    case PackKind::kWeaponsStores:
      return SeriesJson<WeaponsStore>(value, 0, DecodeWeaponsStore, WeaponJson, value);
    case PackKind::kWaypointList:
      return SeriesJson<WaypointRecord>(value, 0, DecodeWaypointRecord, WaypointJson, value);
    case PackKind::kViewDomain: {
      ViewDomain v;
      if (const PackResult r = DecodeViewDomain(value, v); !r.ok()) return ErrorJson(r, value);
      json j = json::object();
      if (v.azimuth.present) j["azimuth"] = IntervalJson(v.azimuth);
      if (v.elevation.present) j["elevation"] = IntervalJson(v.elevation);
      if (v.roll.present) j["roll"] = IntervalJson(v.roll);
      return j;
    }
    case PackKind::kSubstreamId: {
      SubstreamId s;
      if (const PackResult r = DecodeSubstreamId(value, s); !r.ok()) return ErrorJson(r, value);
      json j = {{"local_id", s.local_id}};
      if (!s.universal_id.empty()) j["universal_id"] = ToHex(s.universal_id);
      return j;
    }
  }
  return std::nullopt;
}

}  // namespace biac::formats::klv
