#include "biac/formats/klv/encode.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <span>
#include <string_view>

#include "biac/formats/klv/klv.h"
#include "biac/formats/klv/st0601_tags.h"

namespace biac::formats::klv {
namespace {

// ST 0601.17 section 6.4: the checksum item, tag 1 with a 2-byte value, ends every set.
constexpr uint8_t kChecksumLength = 2;
constexpr size_t kMaxBerLengthBytes = 9;  // a long-form length of up to 8 bytes
constexpr size_t kMaxBerOidTagBytes = 2;  // ST 0601 tags fit in 2 BER-OID bytes
constexpr size_t kBitsPerByte = 8;

// Where each member of UasMetadata goes. One row per item; the scalings are in the tag table.
struct NumberItem {
  uint16_t tag;
  std::optional<double> UasMetadata::*member;
};
constexpr std::array kNumberItems = {
    NumberItem{5, &UasMetadata::platform_heading_deg},
    NumberItem{6, &UasMetadata::platform_pitch_deg},
    NumberItem{7, &UasMetadata::platform_roll_deg},
    NumberItem{tag::kSensorLatitude, &UasMetadata::sensor_latitude_deg},
    NumberItem{tag::kSensorLongitude, &UasMetadata::sensor_longitude_deg},
    NumberItem{tag::kSensorTrueAltitude, &UasMetadata::sensor_true_altitude_m},
    NumberItem{16, &UasMetadata::sensor_horizontal_fov_deg},
    NumberItem{17, &UasMetadata::sensor_vertical_fov_deg},
    NumberItem{18, &UasMetadata::sensor_relative_azimuth_deg},
    NumberItem{19, &UasMetadata::sensor_relative_elevation_deg},
    NumberItem{tag::kSlantRange, &UasMetadata::slant_range_m},
    NumberItem{22, &UasMetadata::target_width_m},
    NumberItem{tag::kFrameCenterLatitude, &UasMetadata::frame_center_latitude_deg},
    NumberItem{tag::kFrameCenterLongitude, &UasMetadata::frame_center_longitude_deg},
    NumberItem{tag::kFrameCenterElevation, &UasMetadata::frame_center_elevation_m},
    NumberItem{tag::kSensorEllipsoidHeight, &UasMetadata::sensor_ellipsoid_height_m},
    NumberItem{tag::kFrameCenterHae, &UasMetadata::frame_center_hae_m},
    NumberItem{tag::kSensorNorthVelocity, &UasMetadata::sensor_north_velocity_mps},
    NumberItem{tag::kSensorEastVelocity, &UasMetadata::sensor_east_velocity_mps},
};

struct TextItem {
  uint16_t tag;
  std::string UasMetadata::*member;
};
constexpr std::array kTextItems = {
    TextItem{tag::kMissionId, &UasMetadata::mission_id},
    TextItem{tag::kPlatformTailNumber, &UasMetadata::platform_tail_number},
    TextItem{tag::kPlatformDesignation, &UasMetadata::platform_designation},
    TextItem{tag::kImageSourceSensor, &UasMetadata::image_source_sensor},
    TextItem{tag::kPlatformCallSign, &UasMetadata::platform_call_sign},
};

std::string Place(const TagInfo& info) { return fmt::format("tag {} ({})", info.tag, info.name); }

const TagInfo* MappedInfo(uint16_t tag) {
  const TagInfo* info = FindTag(tag);
  if (info == nullptr || info->min_length != info->max_length || info->max_length == 0 ||
      info->max_length > sizeof(uint64_t) ||
      (info->kind != ItemKind::kUnsignedMapped && info->kind != ItemKind::kSignedMapped)) {
    return nullptr;
  }
  return info;
}

// Steps of the item's integer over its range (ST 0601.17 section 8 mappings; st0601.cc).
double Steps(const TagInfo& info) {
  const double span = std::ldexp(1.0, static_cast<int>(kBitsPerByte * info.max_length));
  return info.kind == ItemKind::kSignedMapped ? span - 2.0 : span - 1.0;
}

void AppendBigEndian(uint64_t value, size_t bytes, std::vector<uint8_t>& out) {
  for (size_t i = bytes; i-- > 0;) out.push_back(static_cast<uint8_t>(value >> (kBitsPerByte * i)));
}

void AppendTagAndLength(uint16_t tag, size_t length, std::vector<uint8_t>& out) {
  std::array<uint8_t, kMaxBerOidTagBytes + kMaxBerLengthBytes> head{};
  size_t n = WriteBerOid(tag, head);
  n += WriteBerLength(length, std::span<uint8_t>(head).subspan(n));
  out.insert(out.end(), head.begin(), head.begin() + static_cast<std::ptrdiff_t>(n));
}

struct Pending {
  uint16_t tag;
  uint64_t raw;  // numbers
  std::string_view text;
  bool is_text;
};

}  // namespace

Result<uint64_t> EncodeMappedValue(uint16_t tag, double value) {
  const TagInfo* info = MappedInfo(tag);
  if (info == nullptr) return InvalidArgument(fmt::format("tag {}: not a mapped item", tag));
  if (!std::isfinite(value) || value < info->min || value > info->max) {
    return InvalidArgument(
        fmt::format("{}: {} outside [{}, {}]", Place(*info), value, info->min, info->max));
  }
  const double per_unit = Steps(*info) / (info->max - info->min);
  if (info->kind == ItemKind::kUnsignedMapped) {
    return static_cast<uint64_t>(std::llround((value - info->min) * per_unit));
  }
  // Two's complement in max_length bytes.
  const auto raw = static_cast<int64_t>(std::llround(value * per_unit));
  const size_t bits = kBitsPerByte * info->max_length;
  const uint64_t mask = bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
  return static_cast<uint64_t>(raw) & mask;
}

double MappedHalfStep(uint16_t tag) {
  const TagInfo* info = MappedInfo(tag);
  if (info == nullptr) return 0.0;
  return 0.5 * (info->max - info->min) / Steps(*info);
}

Status EncodeUasPacket(const UasMetadata& metadata, std::vector<uint8_t>& out) {
  // Collect the items first: an error leaves `out` untouched.
  std::array<Pending, kNumberItems.size() + kTextItems.size() + kOffsetCornerItems + 1> items{};
  size_t count = 0;
  items[count++] = {tag::kVersionNumber, metadata.version, {}, false};
  for (const NumberItem& n : kNumberItems) {
    const std::optional<double>& v = metadata.*n.member;
    if (!v) continue;
    BIAC_ASSIGN_OR_RETURN(const uint64_t raw, EncodeMappedValue(n.tag, *v));
    items[count++] = {n.tag, raw, {}, false};
  }
  for (size_t i = 0; i < kOffsetCornerItems; ++i) {
    const std::optional<double>& v = metadata.offset_corner_deg[i];
    if (!v) continue;
    const auto t = static_cast<uint16_t>(tag::kOffsetCornerLatitude1 + i);
    BIAC_ASSIGN_OR_RETURN(const uint64_t raw, EncodeMappedValue(t, *v));
    items[count++] = {t, raw, {}, false};
  }
  for (const TextItem& t : kTextItems) {
    const std::string& text = metadata.*t.member;
    if (text.empty()) continue;
    const TagInfo* info = FindTag(t.tag);
    if (text.size() > info->max_length) {
      return InvalidArgument(
          fmt::format("{}: {} bytes, at most {}", Place(*info), text.size(), info->max_length));
    }
    items[count++] = {t.tag, 0, text, true};
  }
  std::sort(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(count),
            [](const Pending& a, const Pending& b) { return a.tag < b.tag; });

  std::vector<uint8_t> value;
  value.reserve(256);
  if (metadata.precision_time_stamp_us) {
    const TagInfo* info = FindTag(tag::kPrecisionTimeStamp);
    AppendTagAndLength(tag::kPrecisionTimeStamp, info->max_length, value);
    AppendBigEndian(*metadata.precision_time_stamp_us, info->max_length, value);
  }
  for (size_t i = 0; i < count; ++i) {
    const Pending& p = items[i];
    if (p.is_text) {
      AppendTagAndLength(p.tag, p.text.size(), value);
      value.insert(value.end(), p.text.begin(), p.text.end());
    } else {
      const size_t length = FindTag(p.tag)->max_length;
      AppendTagAndLength(p.tag, length, value);
      AppendBigEndian(p.raw, length, value);
    }
  }
  // The checksum item's tag and length are part of the summed bytes (klv.h).
  AppendTagAndLength(tag::kChecksum, kChecksumLength, value);

  const size_t start = out.size();
  out.insert(out.end(), kUasLocalSetKey.begin(), kUasLocalSetKey.end());
  std::array<uint8_t, kMaxBerLengthBytes> length{};
  const size_t n = WriteBerLength(value.size() + kChecksumLength, length);
  out.insert(out.end(), length.begin(), length.begin() + static_cast<std::ptrdiff_t>(n));
  out.insert(out.end(), value.begin(), value.end());
  const uint16_t sum = Checksum0601(std::span<const uint8_t>(out).subspan(start));
  AppendBigEndian(sum, kChecksumLength, out);
  return Status::Ok();
}

}  // namespace biac::formats::klv
