// The ST 0601 encoder against the decoder (st0601.h) and hand-computed values from the
// ST 0601.17 item mappings.

#include "biac/formats/klv/encode.h"

#include <gtest/gtest.h>

#include <memory>
#include <random>

#include "biac/formats/klv/observations.h"
#include "biac/formats/klv/st0601.h"

namespace biac::formats::klv {
namespace {

UasMetadata Example() {
  UasMetadata m;
  m.precision_time_stamp_us = 1780272000ULL * 1'000'000ULL + 123'456;
  m.mission_id = "BIAC-UAV-1";
  m.platform_tail_number = "MQ9-01";
  m.platform_heading_deg = 159.9744;
  m.platform_pitch_deg = -0.4315251;
  m.platform_roll_deg = 3.405814;
  m.platform_designation = "MQ-9";
  m.image_source_sensor = "EO/IR";
  m.sensor_latitude_deg = 31.20;
  m.sensor_longitude_deg = 129.85;
  m.sensor_true_altitude_m = 7620.0;
  m.sensor_horizontal_fov_deg = 2.5;
  m.sensor_vertical_fov_deg = 1.4;
  m.sensor_relative_azimuth_deg = 85.0;
  m.sensor_relative_elevation_deg = -12.5;
  m.slant_range_m = 35000.0;
  m.target_width_m = 1520.0;
  m.frame_center_latitude_deg = 31.40;
  m.frame_center_longitude_deg = 130.30;
  m.frame_center_elevation_m = 40.0;
  m.offset_corner_deg = {0.006, -0.007, 0.006, 0.007, -0.006, 0.007, -0.006, -0.007};
  m.platform_call_sign = "HUNTER11";
  m.sensor_ellipsoid_height_m = 7650.0;
  m.frame_center_hae_m = 70.0;
  m.sensor_north_velocity_mps = -30.5;
  m.sensor_east_velocity_mps = 60.25;
  return m;
}

// ST 0601.17 tag 5 example (section 8, "Platform Heading Angle"): 159.9744 deg <-> 0x71C2;
// tag 6 example: -0.4315251 deg <-> 0xFD3D; tag 7: 3.405814 deg <-> 0x08B8; tag 13:
// 60.1768229669783 deg <-> 0x5595B66D.
TEST(EncodeMappedValue, StandardExamples) {
  EXPECT_EQ(*EncodeMappedValue(5, 159.9744), 0x71C2u);
  EXPECT_EQ(*EncodeMappedValue(6, -0.4315251), 0xFD3Du);
  EXPECT_EQ(*EncodeMappedValue(7, 3.405814), 0x08B8u);
  EXPECT_EQ(*EncodeMappedValue(13, 60.1768229669783), 0x5595B66Du);
  // Range ends: unsigned max is all ones; signed max is 2^(8N-1) - 1, min its negation.
  EXPECT_EQ(*EncodeMappedValue(5, 360.0), 0xFFFFu);
  EXPECT_EQ(*EncodeMappedValue(13, 90.0), 0x7FFFFFFFu);
  EXPECT_EQ(*EncodeMappedValue(13, -90.0), 0x80000001u);
  EXPECT_FALSE(EncodeMappedValue(13, 90.001).ok());
  EXPECT_FALSE(EncodeMappedValue(13, std::nan("")).ok());
  EXPECT_FALSE(EncodeMappedValue(2, 1.0).ok());  // a timestamp, not a mapped item
  EXPECT_DOUBLE_EQ(MappedHalfStep(5), 0.5 * 360.0 / 65535.0);
}

TEST(EncodeUasPacket, DecodesBackWithinTheResolution) {
  const UasMetadata m = Example();
  std::vector<uint8_t> bytes;
  ASSERT_TRUE(EncodeUasPacket(m, bytes).ok());
  auto p = std::make_unique<UasPacket>();
  ASSERT_TRUE(DecodeUasPacket(bytes, *p).ok());
  EXPECT_EQ(p->bytes.size(), bytes.size());
  EXPECT_EQ(p->checksum, ChecksumStatus::kVerified);
  // Layout: the time stamp first, the checksum last, tags ascending in between.
  ASSERT_GE(p->item_count, 3u);
  EXPECT_EQ(p->items[0].tag, tag::kPrecisionTimeStamp);
  EXPECT_EQ(p->items[p->item_count - 1].tag, tag::kChecksum);
  for (size_t i = 2; i + 1 < p->item_count; ++i) EXPECT_LT(p->items[i - 1].tag, p->items[i].tag);
  EXPECT_EQ(p->Unsigned(tag::kPrecisionTimeStamp), m.precision_time_stamp_us);
  EXPECT_EQ(p->Unsigned(tag::kVersionNumber), kEncodedVersion0601);
  EXPECT_EQ(p->Text(tag::kMissionId), "BIAC-UAV-1");
  EXPECT_EQ(p->Text(tag::kPlatformTailNumber), "MQ9-01");
  EXPECT_EQ(p->Text(tag::kPlatformDesignation), "MQ-9");
  EXPECT_EQ(p->Text(tag::kImageSourceSensor), "EO/IR");
  EXPECT_EQ(p->Text(tag::kPlatformCallSign), "HUNTER11");
  const std::pair<uint16_t, double> numbers[] = {
      {5, *m.platform_heading_deg},
      {6, *m.platform_pitch_deg},
      {7, *m.platform_roll_deg},
      {13, *m.sensor_latitude_deg},
      {14, *m.sensor_longitude_deg},
      {15, *m.sensor_true_altitude_m},
      {16, *m.sensor_horizontal_fov_deg},
      {17, *m.sensor_vertical_fov_deg},
      {18, *m.sensor_relative_azimuth_deg},
      {19, *m.sensor_relative_elevation_deg},
      {21, *m.slant_range_m},
      {22, *m.target_width_m},
      {23, *m.frame_center_latitude_deg},
      {24, *m.frame_center_longitude_deg},
      {25, *m.frame_center_elevation_m},
      {75, *m.sensor_ellipsoid_height_m},
      {78, *m.frame_center_hae_m},
      {79, *m.sensor_north_velocity_mps},
      {80, *m.sensor_east_velocity_mps},
  };
  for (const auto& [t, want] : numbers) {
    const std::optional<double> got = p->Number(t);
    ASSERT_TRUE(got.has_value()) << "tag " << t;
    EXPECT_NEAR(*got, want, MappedHalfStep(t) * (1 + 1e-9)) << "tag " << t;
  }
  for (size_t i = 0; i < kOffsetCornerItems; ++i) {
    const auto t = static_cast<uint16_t>(tag::kOffsetCornerLatitude1 + i);
    ASSERT_TRUE(p->Number(t).has_value()) << "tag " << t;
    EXPECT_NEAR(*p->Number(t), *m.offset_corner_deg[i], MappedHalfStep(t) * (1 + 1e-9));
  }
  // 1 time stamp + 5 strings + 19 numbers + 8 corners + version + checksum.
  EXPECT_EQ(p->item_count, 35u);
}

// The first bytes are fixed by ST 0601.17 sections 6.2 and 6.3: the key, a BER length, then
// tag 2 with length 8 and the big-endian microseconds.
TEST(EncodeUasPacket, KeyLengthAndTimeStampBytes) {
  UasMetadata m;
  m.precision_time_stamp_us = 0x0004'59F4'A6AA'4AA8ULL;  // the ST 0601.17 tag 2 example
  std::vector<uint8_t> bytes = {0xAA};                   // appends after what is there
  ASSERT_TRUE(EncodeUasPacket(m, bytes).ok());
  const std::vector<uint8_t> want = {
      0xAA,  // caller's byte
      0x06, 0x0E, 0x2B, 0x34, 0x02, 0x0B, 0x01, 0x01, 0x0E, 0x01, 0x03, 0x01, 0x01, 0x00, 0x00,
      0x00,                                                        // UAS LS key
      0x11,                                                        // 17 bytes follow
      0x02, 0x08, 0x00, 0x04, 0x59, 0xF4, 0xA6, 0xAA, 0x4A, 0xA8,  // tag 2
      0x41, 0x01, 0x11,                                            // tag 65 = 17
      0x01, 0x02};                                                 // tag 1, length 2
  ASSERT_EQ(bytes.size(), want.size() + 2);
  EXPECT_TRUE(std::equal(want.begin(), want.end(), bytes.begin()));
  const std::span<const uint8_t> packet = std::span<const uint8_t>(bytes).subspan(1);
  const uint16_t sum = Checksum0601(packet.first(packet.size() - 2));
  EXPECT_EQ(bytes[bytes.size() - 2], sum >> 8);
  EXPECT_EQ(bytes[bytes.size() - 1], sum & 0xFF);
}

TEST(EncodeUasPacket, RefusesValuesOutsideTheirItem) {
  std::vector<uint8_t> bytes = {1, 2, 3};
  UasMetadata m = Example();
  m.offset_corner_deg[3] = 0.08;  // beyond +-0.075 deg
  const Status s = EncodeUasPacket(m, bytes);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("tag 29"), std::string::npos) << s.message();
  EXPECT_EQ(bytes.size(), 3u);  // nothing appended
  m = Example();
  m.mission_id = std::string(128, 'x');
  EXPECT_FALSE(EncodeUasPacket(m, bytes).ok());
  m = Example();
  m.sensor_true_altitude_m = -1000.0;
  EXPECT_FALSE(EncodeUasPacket(m, bytes).ok());
}

// What the node makes of an encoded packet: the platform and the five sensor points.
TEST(EncodeUasPacket, GivesThePlatformAndTheFootprint) {
  std::vector<uint8_t> bytes;
  ASSERT_TRUE(EncodeUasPacket(Example(), bytes).ok());
  auto p = std::make_unique<UasPacket>();
  ASSERT_TRUE(DecodeUasPacket(bytes, *p).ok());
  ObservationOptions options;
  options.source.id = "uav-klv";
  std::vector<model::Observation> out;
  ASSERT_TRUE(AppendObservations(*p, options, out).ok());
  ASSERT_EQ(out.size(), 6u);
  EXPECT_EQ(out[0].kind, model::ObservationKind::kSelfReport);
  EXPECT_NEAR(out[0].position.latitude_deg, 31.20, 1e-7);
  EXPECT_NEAR(out[0].position.altitude_m, 7650.0, 0.2);  // tag 75 (HAE) wins over 15
  ASSERT_TRUE(out[0].velocity_enu.has_value());
  EXPECT_NEAR(out[0].velocity_enu->x(), 60.25, 0.01);
  EXPECT_NEAR(out[0].velocity_enu->y(), -30.5, 0.01);
  EXPECT_EQ(out[1].kind, model::ObservationKind::kSensorPoint);
  EXPECT_NEAR(out[1].position.latitude_deg, 31.40, 1e-7);
  EXPECT_NEAR(out[2].position.latitude_deg, 31.406, 2.5e-6);
}

// Random metadata in every item's range decodes back within half a step.
TEST(EncodeUasPacket, RandomRoundTrip) {
  std::mt19937_64 rng(7);
  auto uniform = [&rng](double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(rng);
  };
  auto p = std::make_unique<UasPacket>();
  for (int k = 0; k < 200; ++k) {
    UasMetadata m;
    m.precision_time_stamp_us = rng();
    m.sensor_latitude_deg = uniform(-90, 90);
    m.sensor_longitude_deg = uniform(-180, 180);
    m.sensor_true_altitude_m = uniform(-900, 19000);
    m.slant_range_m = uniform(0, 5e6);
    m.sensor_relative_elevation_deg = uniform(-180, 180);
    for (auto& c : m.offset_corner_deg) c = uniform(-0.075, 0.075);
    std::vector<uint8_t> bytes;
    ASSERT_TRUE(EncodeUasPacket(m, bytes).ok());
    ASSERT_TRUE(DecodeUasPacket(bytes, *p).ok());
    EXPECT_EQ(p->checksum, ChecksumStatus::kVerified);
    EXPECT_EQ(p->Unsigned(tag::kPrecisionTimeStamp), m.precision_time_stamp_us);
    EXPECT_NEAR(*p->Number(13), *m.sensor_latitude_deg, MappedHalfStep(13) * 1.000001);
    EXPECT_NEAR(*p->Number(14), *m.sensor_longitude_deg, MappedHalfStep(14) * 1.000001);
    EXPECT_NEAR(*p->Number(15), *m.sensor_true_altitude_m, MappedHalfStep(15) * 1.000001);
    EXPECT_NEAR(*p->Number(21), *m.slant_range_m, MappedHalfStep(21) * 1.000001);
    EXPECT_NEAR(*p->Number(19), *m.sensor_relative_elevation_deg, MappedHalfStep(19) * 1.000001);
    EXPECT_NEAR(*p->Number(33), *m.offset_corner_deg[7], MappedHalfStep(33) * 1.000001);
  }
}

}  // namespace
}  // namespace biac::formats::klv
