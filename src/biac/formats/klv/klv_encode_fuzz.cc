// libFuzzer target: fuzz bytes as UAS Datalink LS metadata (encode.h), encoded, carried in a
// transport stream (ts_mux.h) and read back through the demultiplexer and the decoder.
// Properties: the encoder never crashes; it fails exactly when a value lies outside its item's
// range (or is not finite) or a string is too long; an encoded packet decodes with a verified
// checksum and every value within half a step of what was encoded; the demultiplexer gives back
// the very bytes the muxer was given.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "biac/formats/klv/encode.h"
#include "biac/formats/klv/st0601.h"
#include "biac/formats/klv/st0601_tags.h"
#include "biac/formats/klv/ts_demux.h"
#include "biac/formats/klv/ts_mux.h"

namespace {

namespace klv = biac::formats::klv;

// Aborts naming the failed property's line (libFuzzer then saves the input).
void CheckAt(bool condition, int line) {
  if (!condition) {
    std::fprintf(stderr, "klv_encode_fuzz.cc:%d: property failed\n", line);
    std::abort();
  }
}
#define Check(condition) CheckAt((condition), __LINE__)

class Input {
 public:
  explicit Input(std::span<const uint8_t> data) : data_(data) {}
  uint8_t Byte() { return at_ < data_.size() ? data_[at_++] : 0; }
  uint64_t U64() {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = v << 8 | Byte();
    return v;
  }
  // Mostly a value inside [lo, hi] (the ends included); sometimes a raw double (outside, NaN).
  std::optional<double> Number(double lo, double hi) {
    const uint8_t mode = Byte();
    if (mode < 64) return std::nullopt;
    if (mode < 72) {
      double d;
      const uint64_t bits = U64();
      std::memcpy(&d, &bits, sizeof d);
      return d;
    }
    if (mode < 76) return lo;
    if (mode < 80) return hi;
    const double u = static_cast<double>(U64() >> 11) * 0x1.0p-53;
    return lo + u * (hi - lo);
  }
  std::string Text() {
    const size_t n = Byte() % 140;
    std::string s;
    for (size_t i = 0; i < n; ++i) s.push_back(static_cast<char>(Byte()));
    return s;
  }

 private:
  std::span<const uint8_t> data_;
  size_t at_ = 0;
};

struct Field {
  uint16_t tag;
  std::optional<double> klv::UasMetadata::*member;
};
constexpr Field kFields[] = {
    {5, &klv::UasMetadata::platform_heading_deg},
    {6, &klv::UasMetadata::platform_pitch_deg},
    {7, &klv::UasMetadata::platform_roll_deg},
    {13, &klv::UasMetadata::sensor_latitude_deg},
    {14, &klv::UasMetadata::sensor_longitude_deg},
    {15, &klv::UasMetadata::sensor_true_altitude_m},
    {16, &klv::UasMetadata::sensor_horizontal_fov_deg},
    {17, &klv::UasMetadata::sensor_vertical_fov_deg},
    {18, &klv::UasMetadata::sensor_relative_azimuth_deg},
    {19, &klv::UasMetadata::sensor_relative_elevation_deg},
    {21, &klv::UasMetadata::slant_range_m},
    {22, &klv::UasMetadata::target_width_m},
    {23, &klv::UasMetadata::frame_center_latitude_deg},
    {24, &klv::UasMetadata::frame_center_longitude_deg},
    {25, &klv::UasMetadata::frame_center_elevation_m},
    {75, &klv::UasMetadata::sensor_ellipsoid_height_m},
    {78, &klv::UasMetadata::frame_center_hae_m},
    {79, &klv::UasMetadata::sensor_north_velocity_mps},
    {80, &klv::UasMetadata::sensor_east_velocity_mps},
};

bool InRange(uint16_t tag, double v) {
  const klv::TagInfo* info = klv::FindTag(tag);
  return std::isfinite(v) && v >= info->min && v <= info->max;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Input in({data, size});
  klv::UasMetadata m;
  bool valid = true;
  if (in.Byte() & 1) m.precision_time_stamp_us = in.U64();
  for (const Field& f : kFields) {
    const klv::TagInfo* info = klv::FindTag(f.tag);
    m.*f.member = in.Number(info->min, info->max);
    if (m.*f.member && !InRange(f.tag, *(m.*f.member))) valid = false;
  }
  for (size_t i = 0; i < klv::kOffsetCornerItems; ++i) {
    const auto tag = static_cast<uint16_t>(klv::tag::kOffsetCornerLatitude1 + i);
    m.offset_corner_deg[i] = in.Number(-0.075, 0.075);
    if (m.offset_corner_deg[i] && !InRange(tag, *m.offset_corner_deg[i])) valid = false;
  }
  for (std::string* s : {&m.mission_id, &m.platform_tail_number, &m.platform_designation,
                         &m.image_source_sensor, &m.platform_call_sign}) {
    *s = in.Text();
    if (s->size() > 127) valid = false;
  }
  m.version = in.Byte();

  std::vector<uint8_t> bytes = {0x47};  // the encoder appends
  const biac::Status status = klv::EncodeUasPacket(m, bytes);
  Check(status.ok() == valid);
  if (!status.ok()) {
    Check(bytes.size() == 1);
    return 0;
  }
  const std::span<const uint8_t> packet = std::span<const uint8_t>(bytes).subspan(1);
  auto p = std::make_unique<klv::UasPacket>();
  Check(klv::DecodeUasPacket(packet, *p).ok());
  Check(p->bytes.size() == packet.size());
  Check(p->checksum == klv::ChecksumStatus::kVerified);
  Check(p->Unsigned(klv::tag::kPrecisionTimeStamp) == m.precision_time_stamp_us);
  Check(p->Unsigned(klv::tag::kVersionNumber) == m.version);
  Check(p->Text(klv::tag::kMissionId) == m.mission_id);
  Check(p->Text(klv::tag::kPlatformCallSign) == m.platform_call_sign);
  for (const Field& f : kFields) {
    const std::optional<double>& want = m.*f.member;
    const std::optional<double> got = p->Number(f.tag);
    // Half a step, plus the rounding of the decoder's double arithmetic (relative to the
    // value: a value on a tie between two steps comes back exactly half a step away, and the
    // decoder's product then lands a few ulps beyond it).
    if (want.has_value() != got.has_value() ||
        (want && !(std::abs(*got - *want) <=
                   klv::MappedHalfStep(f.tag) * (1 + 1e-9) + 1e-12 * (1 + std::abs(*want))))) {
      std::fprintf(stderr, "tag %u: encoded %.17g, decoded %.17g\n", f.tag, want.value_or(-1),
                   got.value_or(-1));
      Check(false);
    }
  }
  for (size_t i = 0; i < klv::kOffsetCornerItems; ++i) {
    const auto tag = static_cast<uint16_t>(klv::tag::kOffsetCornerLatitude1 + i);
    const std::optional<double> got = p->Number(tag);
    Check(m.offset_corner_deg[i].has_value() == got.has_value());
    if (got) {
      Check(std::abs(*got - *m.offset_corner_deg[i]) <=
            klv::MappedHalfStep(tag) * (1 + 1e-9) + 1e-15);  // values below 0.075: ulps 1e-17
    }
  }

  // Through a transport stream and back.
  biac::Result<klv::TsMuxer> mux = klv::TsMuxer::Create();
  Check(mux.ok());
  std::vector<uint8_t> ts;
  mux->AppendTables(ts);
  const std::optional<uint64_t> pts =
      m.precision_time_stamp_us
          ? std::optional<uint64_t>(klv::PtsFromMicros(*m.precision_time_stamp_us))
          : std::nullopt;
  Check(mux->AppendKlv(packet, pts, ts).ok());
  mux->PadWithNullPackets(7, ts);
  const klv::TsKlvResult result = klv::ExtractKlvFromTs(ts);
  Check(result.problems.empty());
  Check(result.units.size() == 1);
  Check(std::equal(packet.begin(), packet.end(), result.units[0].bytes.begin(),
                   result.units[0].bytes.end()));
  return 0;
}
