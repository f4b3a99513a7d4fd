#include "biac/formats/klv/st0601_packs.h"

namespace biac::formats::klv {
namespace {

// ST 0601.17 tags whose values biac decodes through a pack decoder.
struct PackRow {
  uint16_t tag;
  PackKind kind;
};
constexpr std::array<PackRow, 17> kPackTags = {{
    {48, PackKind::kSecurity},
    {74, PackKind::kVmti},
    {81, PackKind::kImageHorizon},
    {94, PackKind::kMiisCoreIdentifier},
    {115, PackKind::kControlCommand},
    {116, PackKind::kBerOidList},
    {121, PackKind::kBerOidList},
    {122, PackKind::kCountryCodes},
    {127, PackKind::kFrameRate},
    {128, PackKind::kWavelengthsList},
    {130, PackKind::kAirbaseLocations},
    {138, PackKind::kPayloadList},
    {139, PackKind::kActivePayloads},
    {140, PackKind::kWeaponsStores},
    {141, PackKind::kWaypointList},
    {142, PackKind::kViewDomain},
    {143, PackKind::kSubstreamId},
}};

// 81 Image Horizon Pixel Pack: four uint8 percentages, then optionally four int32 positions.
constexpr size_t kHorizonPixelBytes = 4;
constexpr size_t kHorizonPositionBytes = 4;
constexpr size_t kHorizonWithLocationsBytes = kHorizonPixelBytes + 4 * kHorizonPositionBytes;
constexpr double kLatitudeMin = -90.0, kLatitudeMax = 90.0;
constexpr double kLongitudeMin = -180.0, kLongitudeMax = 180.0;

// ST 1204.3: version byte, usage byte, 16-byte UUIDs; text form groups of 4 hex digits.
constexpr size_t kMiisHeaderBytes = 2;
constexpr size_t kUuidGroupDigits = 4;
constexpr size_t kHexDigitsPerByte = 2;
// ST 1204.3 check value: two 4-bit permutations P and Q applied (position mod 15) times.
constexpr size_t kCheckCycle = 15;
constexpr unsigned kNibbleValues = 16;

// 115 Control Command: the optional time is a MISP time stamp of 8 bytes.
constexpr size_t kCommandTimeBytes = 8;

// Location DLP (tags 130, 141): IMAPB latitude, longitude (4 bytes), height (3 bytes).
constexpr size_t kLocationCoordinateBytes = 4;
constexpr size_t kLocationHeightBytes = 3;
constexpr double kLocationHeightMin = -900.0, kLocationHeightMax = 9000.0;

// 128 Wavelength record: IMAPB(0, 1e9, 4) nanometres.
constexpr size_t kWavelengthBytes = 4;
constexpr double kWavelengthMin = 0.0, kWavelengthMax = 1.0e9;

// 141 Waypoint record: int16 prosecution order, uint8 info.
constexpr size_t kWaypointOrderBytes = 2;
constexpr size_t kWaypointInfoBytes = 1;

// 142 View Domain: start and range ranges.
constexpr double kAngleMin = 0.0, kAngleMax = 360.0;
constexpr double kElevationMin = -180.0, kElevationMax = 180.0;

constexpr std::array<std::string_view, 4> kPayloadTypeNames = {"electro-optical", "LIDAR", "RADAR",
                                                               "SIGINT"};
constexpr std::array<std::string_view, 12> kWeaponGeneralStatusNames = {
    "Off",       "Initialization", "Ready/Degraded", "Ready/All Up Round",
    "Launch",    "Free Flight",    "Abort",          "Miss Fire",
    "Hang Fire", "Jettisoned",     "Stepped Over",   "No Status Available"};

constexpr std::array<char, 16> kHexUpper = {'0', '1', '2', '3', '4', '5', '6', '7',
                                            '8', '9', 'A', 'B', 'C', 'D', 'E', 'F'};

// ST 1204.3 section 6.3.3 check value permutations of a nibble abcd (a most significant):
// P(abcd) = (a^b) c d a, Q(abcd) = d (a^d) b c, written as the output's bits from the most
// significant.
constexpr unsigned PermuteP(unsigned x) {
  const unsigned a = (x >> 3) & 1u, b = (x >> 2) & 1u, c = (x >> 1) & 1u, d = x & 1u;
  return ((a ^ b) << 3) | (c << 2) | (d << 1) | a;
}
constexpr unsigned PermuteQ(unsigned x) {
  const unsigned a = (x >> 3) & 1u, b = (x >> 2) & 1u, c = (x >> 1) & 1u, d = x & 1u;
  return (d << 3) | ((a ^ d) << 2) | (b << 1) | c;
}

using PermutationTable = std::array<std::array<uint8_t, kNibbleValues>, kCheckCycle>;
template <unsigned (*Permute)(unsigned)>
constexpr PermutationTable MakePermutationTable() {
  PermutationTable table{};
  for (unsigned j = 0; j < kNibbleValues; ++j) table[0][j] = static_cast<uint8_t>(j);
  for (size_t i = 1; i < kCheckCycle; ++i) {
    for (unsigned j = 0; j < kNibbleValues; ++j) {
      table[i][j] = static_cast<uint8_t>(Permute(table[i - 1][j]));
    }
  }
  return table;
}
constexpr PermutationTable kPTable = MakePermutationTable<PermuteP>();
constexpr PermutationTable kQTable = MakePermutationTable<PermuteQ>();

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// A small bounded text writer (drops what does not fit; the caller sizes the buffer).
class TextOut {
 public:
  explicit TextOut(std::span<char> out) : out_(out) {}
  void Put(char c) {
    if (size_ < out_.size()) out_[size_++] = c;
  }
  void Byte(uint8_t b) {
    Put(kHexUpper[b >> 4]);
    Put(kHexUpper[b & 0x0F]);
  }
  void Uuid(std::span<const uint8_t> id) {
    for (size_t i = 0; i < id.size(); ++i) {
      if (i > 0 && (i * kHexDigitsPerByte) % kUuidGroupDigits == 0) Put('-');
      Byte(id[i]);
    }
  }
  std::string_view view() const { return {out_.data(), size_}; }
  size_t size() const { return size_; }

 private:
  std::span<char> out_;
  size_t size_ = 0;
};

PackResult Finish(const PackReader& reader) {
  if (!reader.ok()) return reader.result();
  if (!reader.empty()) return {PackError::kTrailingBytes, reader.offset()};
  return {};
}

std::string_view AsText(std::span<const uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

}  // namespace

PackKind PackKindOf(uint32_t tag) {
  for (const PackRow& row : kPackTags) {
    if (row.tag == tag) return row.kind;
  }
  return PackKind::kNone;
}

PackResult DecodeImageHorizonPixelPack(std::span<const uint8_t> value, ImageHorizonPixelPack& out) {
  out = {};
  if (value.size() != kHorizonPixelBytes && value.size() != kHorizonWithLocationsBytes) {
    return {PackError::kBadLength, 0};
  }
  PackReader reader(value);
  out.x0 = static_cast<uint8_t>(reader.Unsigned(1));
  out.y0 = static_cast<uint8_t>(reader.Unsigned(1));
  out.x1 = static_cast<uint8_t>(reader.Unsigned(1));
  out.y1 = static_cast<uint8_t>(reader.Unsigned(1));
  if (!reader.empty()) {
    out.has_locations = true;
    out.latitude0 = ReadSignedMapped(reader, kHorizonPositionBytes, kLatitudeMin, kLatitudeMax);
    out.longitude0 = ReadSignedMapped(reader, kHorizonPositionBytes, kLongitudeMin, kLongitudeMax);
    out.latitude1 = ReadSignedMapped(reader, kHorizonPositionBytes, kLatitudeMin, kLatitudeMax);
    out.longitude1 = ReadSignedMapped(reader, kHorizonPositionBytes, kLongitudeMin, kLongitudeMax);
  }
  return Finish(reader);
}

std::string_view MiisIdTypeName(MiisIdType type) {
  switch (type) {
    case MiisIdType::kNone:
      return "none";
    case MiisIdType::kManaged:
      return "managed";
    case MiisIdType::kVirtual:
      return "virtual";
    case MiisIdType::kPhysical:
      return "physical";
  }
  return "unknown";
}

PackResult DecodeMiisCoreIdentifier(std::span<const uint8_t> value, MiisCoreIdentifier& out) {
  out = {};
  PackReader reader(value);
  const std::span<const uint8_t> header = reader.Bytes(kMiisHeaderBytes);
  if (!reader.ok()) return reader.result();
  out.version = header[0];
  out.usage = header[1];
  const std::span<const uint8_t> usage = header.subspan(1, 1);
  out.sensor_id_type = static_cast<MiisIdType>(Read(usage, miis_usage::kSensorIdType));
  out.platform_id_type = static_cast<MiisIdType>(Read(usage, miis_usage::kPlatformIdType));
  if (out.sensor_id_type != MiisIdType::kNone) out.sensor_id = reader.Bytes(kUuidSize);
  if (out.platform_id_type != MiisIdType::kNone) out.platform_id = reader.Bytes(kUuidSize);
  if (Read(usage, miis_usage::kWindowId) != 0) out.window_id = reader.Bytes(kUuidSize);
  if (Read(usage, miis_usage::kMinorId) != 0) out.minor_id = reader.Bytes(kUuidSize);
  return Finish(reader);
}

uint8_t MiisCheckValue(std::string_view text) {
  unsigned p = 0, q = 0;
  size_t position = 0;
  for (const char c : text) {
    const int digit = HexValue(c);
    if (digit < 0) continue;
    ++position;  // ST 1204.3 numbers the digits from 1
    p ^= kPTable[position % kCheckCycle][static_cast<unsigned>(digit)];
    q ^= kQTable[position % kCheckCycle][static_cast<unsigned>(digit)];
  }
  return static_cast<uint8_t>((p << 4) | q);
}

size_t MiisCoreIdentifierText(const MiisCoreIdentifier& id, std::span<char> out) {
  TextOut text(out);
  text.Byte(id.version);
  text.Byte(id.usage);
  text.Put(':');
  bool need_slash = false;
  for (const std::span<const uint8_t> part : {id.sensor_id, id.platform_id, id.window_id}) {
    if (part.empty()) continue;
    if (need_slash) text.Put('/');
    text.Uuid(part);
    need_slash = true;
  }
  if (!id.minor_id.empty()) text.Uuid(id.minor_id);
  text.Put(':');
  text.Byte(MiisCheckValue(text.view()));
  return text.size();
}

PackResult DecodeControlCommand(std::span<const uint8_t> value, ControlCommand& out) {
  out = {};
  PackReader reader(value);
  out.id = reader.BerOid();
  out.text = AsText(reader.LengthPrefixed());
  if (reader.ok() && !reader.empty()) {
    if (reader.remaining() != kCommandTimeBytes) return {PackError::kBadLength, reader.offset()};
    out.has_time = true;
    out.time_us = reader.Unsigned(kCommandTimeBytes);
  }
  return Finish(reader);
}

PackResult DecodeBerOidList(std::span<const uint8_t> value, std::span<uint64_t> out,
                            size_t& count) {
  count = 0;
  PackReader reader(value);
  while (reader.ok() && !reader.empty()) {
    const size_t at = reader.offset();
    const uint64_t v = reader.BerOid();
    if (!reader.ok()) break;
    if (count == out.size()) return {PackError::kTooMany, at};
    out[count++] = v;
  }
  return Finish(reader);
}

PackResult DecodeCountryCodes(std::span<const uint8_t> value, CountryCodes& out) {
  out = {};
  PackReader reader(value);
  const std::span<const uint8_t> method = reader.LengthPrefixed();
  if (!reader.ok()) return reader.result();
  if (method.empty() || method.size() > sizeof(uint64_t)) return {PackError::kBadLength, 0};
  out.coding_method = LoadBigEndian(method.data(), method.size());
  out.overflight_country = AsText(reader.LengthPrefixed());
  if (reader.ok() && !reader.empty()) out.operator_country = AsText(reader.LengthPrefixed());
  if (reader.ok() && !reader.empty()) {
    out.country_of_manufacture = AsText(reader.LengthPrefixed());
  }
  return Finish(reader);
}

double FrameRate::FramesPerSecond() const {
  return denominator == 0 ? 0.0 : static_cast<double>(numerator) / static_cast<double>(denominator);
}

PackResult DecodeFrameRate(std::span<const uint8_t> value, FrameRate& out) {
  out = {};
  PackReader reader(value);
  out.numerator = reader.BerOid();
  if (reader.ok() && !reader.empty()) out.denominator = reader.BerOid();
  return Finish(reader);
}

PackResult DecodeLocation(std::span<const uint8_t> value, LocationDlp& out) {
  out = {};
  const size_t horizontal = 2 * kLocationCoordinateBytes;
  if (value.size() != horizontal && value.size() != horizontal + kLocationHeightBytes) {
    return {PackError::kBadLength, 0};
  }
  PackReader reader(value);
  out.latitude = ReadImap(reader, kLatitudeMin, kLatitudeMax, kLocationCoordinateBytes);
  out.longitude = ReadImap(reader, kLongitudeMin, kLongitudeMax, kLocationCoordinateBytes);
  if (!reader.empty()) {
    out.has_height = true;
    out.height = ReadImap(reader, kLocationHeightMin, kLocationHeightMax, kLocationHeightBytes);
  }
  return Finish(reader);
}

bool SeriesCursor::Next(std::span<const uint8_t>& record) {
  if (!reader_.ok() || reader_.empty()) return false;
  record_offset_ = reader_.offset();
  record = reader_.LengthPrefixed();
  return reader_.ok();
}

PackResult DecodeWavelengthRecord(std::span<const uint8_t> record, WavelengthRecord& out) {
  out = {};
  PackReader reader(record);
  out.id = reader.BerOid();
  out.min_nm = ReadImap(reader, kWavelengthMin, kWavelengthMax, kWavelengthBytes);
  out.max_nm = ReadImap(reader, kWavelengthMin, kWavelengthMax, kWavelengthBytes);
  out.name = AsText(reader.Rest());
  return Finish(reader);
}

PackResult DecodeAirbaseLocations(std::span<const uint8_t> value, AirbaseLocations& out) {
  out = {};
  PackReader reader(value);
  const std::span<const uint8_t> take_off = reader.LengthPrefixed();
  if (!reader.ok()) return reader.result();
  if (!take_off.empty()) {
    const size_t at = reader.offset() - take_off.size();
    if (const PackResult r = DecodeLocation(take_off, out.take_off); !r.ok()) {
      return {r.error, at + r.offset};
    }
    out.take_off_known = true;
  }
  if (reader.empty()) {
    out.recovery_omitted = true;
    out.recovery_known = out.take_off_known;
    out.recovery = out.take_off;
    return {};
  }
  const std::span<const uint8_t> recovery = reader.LengthPrefixed();
  if (!reader.ok()) return reader.result();
  if (!recovery.empty()) {
    const size_t at = reader.offset() - recovery.size();
    if (const PackResult r = DecodeLocation(recovery, out.recovery); !r.ok()) {
      return {r.error, at + r.offset};
    }
    out.recovery_known = true;
  }
  return Finish(reader);
}

std::string_view PayloadTypeName(uint64_t type) {
  return type < kPayloadTypeNames.size() ? kPayloadTypeNames[type] : std::string_view{};
}

PackResult ReadPayloadListHeader(std::span<const uint8_t> value, uint64_t& count,
                                 std::span<const uint8_t>& records, size_t& records_offset) {
  PackReader reader(value);
  count = reader.BerOid();
  if (!reader.ok()) return reader.result();
  records_offset = reader.offset();
  records = reader.Rest();
  return {};
}

PackResult DecodePayloadRecord(std::span<const uint8_t> record, PayloadRecord& out) {
  out = {};
  PackReader reader(record);
  out.id = reader.BerOid();
  out.type = reader.BerOid();
  out.name = AsText(reader.LengthPrefixed());
  return Finish(reader);
}

bool PayloadIsActive(std::span<const uint8_t> value, uint64_t id) {
  constexpr uint64_t kBitsPerByte = 8;
  const uint64_t byte_from_end = id / kBitsPerByte;
  if (byte_from_end >= value.size()) return false;
  const uint8_t byte = value[value.size() - 1 - byte_from_end];
  return ((byte >> (id % kBitsPerByte)) & 1u) != 0;
}

std::string_view WeaponGeneralStatusName(uint64_t status) {
  return status < kWeaponGeneralStatusNames.size() ? kWeaponGeneralStatusNames[status]
                                                   : std::string_view{};
}

PackResult DecodeWeaponsStore(std::span<const uint8_t> record, WeaponsStore& out) {
  out = {};
  PackReader reader(record);
  out.station_id = reader.BerOid();
  out.hardpoint_id = reader.BerOid();
  out.carriage_id = reader.BerOid();
  out.store_id = reader.BerOid();
  const uint64_t status = reader.BerOid();
  constexpr uint64_t kGeneralMask = (uint64_t{1} << kWeaponGeneralStatusBits) - 1;
  constexpr uint64_t kEngagementMask = (uint64_t{1} << kWeaponEngagementBits) - 1;
  out.general_status = static_cast<uint8_t>(status & kGeneralMask);
  out.engagement = static_cast<uint8_t>((status >> kWeaponGeneralStatusBits) & kEngagementMask);
  out.weapon_type = AsText(reader.LengthPrefixed());
  return Finish(reader);
}

PackResult DecodeWaypointRecord(std::span<const uint8_t> record, WaypointRecord& out) {
  out = {};
  PackReader reader(record);
  out.id = reader.BerOid();
  out.order = static_cast<int16_t>(reader.Signed(kWaypointOrderBytes));
  if (reader.ok() && !reader.empty()) {
    out.has_info = true;
    out.info = static_cast<uint8_t>(reader.Unsigned(kWaypointInfoBytes));
  }
  if (reader.ok() && !reader.empty()) {
    const size_t at = reader.offset();
    if (const PackResult r = DecodeLocation(reader.Rest(), out.location); !r.ok()) {
      return {r.error, at + r.offset};
    }
    out.has_location = true;
  }
  return Finish(reader);
}

PackResult DecodeViewDomain(std::span<const uint8_t> value, ViewDomain& out) {
  out = {};
  PackReader reader(value);
  struct IntervalLayout {
    ViewDomainInterval* interval;
    double start_min, start_max;
  };
  const std::array<IntervalLayout, 3> layout = {{
      {&out.azimuth, kAngleMin, kAngleMax},
      {&out.elevation, kElevationMin, kElevationMax},
      {&out.roll, kAngleMin, kAngleMax},
  }};
  for (const IntervalLayout& l : layout) {
    if (!reader.ok() || reader.empty()) break;
    const size_t at = reader.offset();
    const std::span<const uint8_t> bytes = reader.LengthPrefixed();
    if (!reader.ok()) break;
    if (bytes.empty()) continue;
    const size_t half = bytes.size() / 2;
    if (bytes.size() % 2 != 0 || half > kImapMaxLength) return {PackError::kBadLength, at};
    PackReader halves(bytes);
    l.interval->present = true;
    l.interval->start = ReadImap(halves, l.start_min, l.start_max, half);
    l.interval->range = ReadImap(halves, kAngleMin, kAngleMax, half);
  }
  return Finish(reader);
}

PackResult DecodeSubstreamId(std::span<const uint8_t> value, SubstreamId& out) {
  out = {};
  PackReader reader(value);
  out.local_id = reader.BerOid();
  if (reader.ok() && out.local_id == 0) out.universal_id = reader.Bytes(kUuidSize);
  return Finish(reader);
}

}  // namespace biac::formats::klv
