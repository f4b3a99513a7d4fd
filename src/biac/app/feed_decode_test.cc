#include "biac/app/feed_decode.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <memory>
#include <numbers>
#include <string>
#include <vector>

#include <fstream>
#include <iterator>
#include <variant>

#include "biac/formats/adsb/cpr.h"
#include "biac/formats/gmti/decoder.h"
#include "biac/formats/klv/observations.h"
#include "biac/formats/klv/st0601.h"
#include "biac/formats/klv/ts_demux.h"
#include "biac/geo/geodesic.h"
#include "biac/labels/label.h"
#include "biac/sim/multisource.h"
#include "biac/sim/wire_feed.h"

namespace biac::app {
namespace {

constexpr double kDegToRad = std::numbers::pi / 180.0;
// Round-trip tolerances of the UAV's KLV and GMTI: half the wire resolution, see the tests
// (measured worst: 0.164 m and 0.005 m).
constexpr double kKlvToleranceM = 0.3;
constexpr double kGmtiToleranceM = 0.01;

// A record as net/feed's framers deliver it: lines without CR LF, Beast frames from the type
// byte with the 0x1A escapes removed, ASTERIX blocks and CoT events as they are.
std::vector<uint8_t> Framed(const sim::WireRecord& r) {
  std::vector<uint8_t> out;
  if (r.format == WireFormat::kBeast) {
    for (size_t i = 1; i < r.bytes.size(); ++i) {
      out.push_back(static_cast<uint8_t>(r.bytes[i]));
      if (r.bytes[i] == 0x1A) ++i;  // the doubled escape
    }
    return out;
  }
  std::string_view s = r.bytes;
  if (r.format == WireFormat::kAisNmea || r.format == WireFormat::kSbs) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
  }
  return {s.begin(), s.end()};
}

double HorizontalDistance(const geo::Lla& a, const geo::Lla& b) {
  Result<geo::GeodesicInverseSolution> line = geo::GeodesicInverse(a, b);
  EXPECT_TRUE(line.ok());
  return line.ok() ? line->distance_m : 1e9;
}

struct Decoded {
  std::map<std::string, std::unique_ptr<FeedDecoder>> decoders;
  std::map<std::string, size_t> expected, got;
  // For records that carry an observation: the scenario's index and what was decoded.
  std::vector<std::pair<size_t, model::Observation>> pairs;
  std::vector<std::string> errors;
  std::vector<size_t> missing;  // scenario indexes whose record gave no observation
};

class FeedRoundTrip : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Result<sim::MultiSourceScenario> s = sim::BuiltinMultiSource("kyushu-okinawa-small", 1);
    ASSERT_TRUE(s.ok()) << s.error().message();
    scenario_ = new sim::MultiSourceScenario(std::move(*s));
    Result<sim::WireFeed> feed = sim::BuildWireFeed(*scenario_);
    ASSERT_TRUE(feed.ok()) << feed.error().message();
    feed_ = new sim::WireFeed(std::move(*feed));
    decoded_ = new Decoded;
    for (const sim::WireSourceConfig& c : feed_->sources) {
      Result<std::unique_ptr<FeedDecoder>> d = FeedDecoder::Create(FeedSourceConfigFrom(c));
      ASSERT_TRUE(d.ok()) << d.error().message();
      decoded_->decoders[c.source] = std::move(*d);
    }
    for (const model::Observation& o : scenario_->observations) ++decoded_->expected[o.source];
    std::vector<model::Observation> out;
    std::string error;
    for (size_t i = 0; i < feed_->records.size(); ++i) {
      const sim::WireRecord& r = feed_->records[i];
      const std::vector<uint8_t> bytes = Framed(r);
      out.clear();
      decoded_->decoders.at(r.source)->Decode(bytes, r.send_time, out, &error);
      if (!error.empty()) decoded_->errors.push_back(r.source + ": " + error);
      decoded_->got[r.source] += out.size();
      // A record carries observation_count observations from observation_index on (a KLV
      // packet: the platform and five sensor points; a GMTI dwell: its reports).
      const int64_t index = feed_->observation_index[i];
      const size_t count = feed_->observation_count[i];
      if (index >= 0 && out.empty()) {
        for (size_t k = 0; k < count; ++k) {
          decoded_->missing.push_back(static_cast<size_t>(index) + k);
        }
      }
      if (index >= 0 && out.size() == count) {
        for (size_t k = 0; k < count; ++k) {
          decoded_->pairs.emplace_back(static_cast<size_t>(index) + k, out[k]);
        }
      }
    }
  }
  static void TearDownTestSuite() {
    delete decoded_;
    delete feed_;
    delete scenario_;
  }

  static sim::MultiSourceScenario* scenario_;
  static sim::WireFeed* feed_;
  static Decoded* decoded_;
};

sim::MultiSourceScenario* FeedRoundTrip::scenario_ = nullptr;
sim::WireFeed* FeedRoundTrip::feed_ = nullptr;
Decoded* FeedRoundTrip::decoded_ = nullptr;

TEST_F(FeedRoundTrip, EveryRecordDecodesWithoutError) {
  ASSERT_NE(decoded_, nullptr);
  EXPECT_TRUE(decoded_->errors.empty())
      << decoded_->errors.size() << " errors, first: " << decoded_->errors.front();
}

// Every scenario observation comes back exactly once, per source: AIS static reports, ADS-B
// velocity/identification/status and the priming CPR frame give no observation of their
// own (observation_index -1), and every record that carries observations gives them (one;
// six for a KLV packet, the reports of a GMTI dwell: observation_count) - except ADS-B
// positions whose even/odd pair straddles an NL zone boundary (DO-260B A.1.7.7: the global
// decode is rejected; formats/adsb/cpr.h does not fall back to a local decode then). With
// seed 1 there are 3 (near 27.939 N and 29.911 N, the NL 53/54 and 52/53 boundaries).
TEST_F(FeedRoundTrip, SameObservationCountPerSource) {
  ASSERT_NE(decoded_, nullptr);
  std::map<std::string, size_t> missing;
  for (size_t index : decoded_->missing) {
    const model::Observation& o = scenario_->observations[index];
    ++missing[o.source];
    EXPECT_EQ(o.source, "adsb") << "observation " << o.id;
    // Within a 4 s flight (1 km, 0.01 deg) of a latitude where NL changes.
    constexpr double kReachDeg = 0.01;
    EXPECT_NE(formats::adsb::CprNl(o.position.latitude_deg - kReachDeg),
              formats::adsb::CprNl(o.position.latitude_deg + kReachDeg))
        << "observation " << o.id << " at " << o.position.latitude_deg;
  }
  EXPECT_EQ(decoded_->missing.size(), 3u);
  for (const auto& [source, count] : decoded_->expected) {
    EXPECT_EQ(decoded_->got[source] + missing[source], count) << source;
    std::printf("%-10s scenario %5zu decoded %5zu\n", source.c_str(), count, decoded_->got[source]);
  }
  size_t carrying = 0;
  for (uint32_t count : feed_->observation_count) carrying += count;
  EXPECT_EQ(carrying, scenario_->observations.size());
  EXPECT_EQ(decoded_->pairs.size() + decoded_->missing.size(), scenario_->observations.size());
}

TEST_F(FeedRoundTrip, SourceLabelAndIdComeFromTheConfiguration) {
  ASSERT_NE(decoded_, nullptr);
  std::map<std::string, labels::Label> label;
  for (const sim::SourceDescription& s : scenario_->sources) label[s.id] = s.label;
  for (const auto& [index, o] : decoded_->pairs) {
    const model::Observation& want = scenario_->observations[index];
    ASSERT_EQ(o.source, want.source);
    EXPECT_EQ(o.label, label[want.source]) << want.source;
    EXPECT_EQ(o.id, 0u);
  }
}

// Positions, times, velocities and identities within the wire's quantisation.
TEST_F(FeedRoundTrip, ValuesWithinWireQuantisation) {
  ASSERT_NE(decoded_, nullptr);
  std::map<std::string, double> worst;
  for (const auto& [index, o] : decoded_->pairs) {
    const model::Observation& want = scenario_->observations[index];
    const std::string& source = want.source;
    if (source == "ais") {
      // Time: the whole UTC second of the fix; position: moved back along the velocity by
      // the truncated fraction (wire_feed.h), 1/10 000 min = 0.19 m; SOG 0.1 kn, COG 0.1 deg.
      const int64_t ns = want.time.nanos();
      EXPECT_EQ(o.time.nanos(), ns - ns % 1'000'000'000);
      const double back = ToSeconds(want.time - o.time);
      const Eigen::Vector3d v = *want.velocity_enu;
      geo::Lla expect = want.position;
      expect.latitude_deg -= v.y() * back / 6371000.0 / kDegToRad;
      expect.longitude_deg -=
          v.x() * back / (6371000.0 * std::cos(expect.latitude_deg * kDegToRad)) / kDegToRad;
      const double d = HorizontalDistance(o.position, expect);
      EXPECT_LT(d, 0.3) << "ais observation " << want.id;
      worst[source] = std::max(worst[source], d);
      ASSERT_TRUE(o.velocity_enu.has_value());
      EXPECT_LT((o.velocity_enu->head<2>() - v.head<2>()).norm(), 0.1) << want.id;
      EXPECT_EQ(o.identity.mmsi, want.identity.mmsi);
      EXPECT_EQ(o.identity.name, want.identity.name);
      EXPECT_EQ(o.identity.callsign, want.identity.callsign);
      // The mapper names AIS ship types "shiptype:<code>"; the simulator "<code>".
      EXPECT_EQ(o.identity.category, "shiptype:" + want.identity.category);
    } else if (source == "adsb") {
      // Beast GPS timestamps carry the time exactly; CPR resolution about 5 m; 25 ft.
      EXPECT_EQ(o.time, want.time);
      const double d = HorizontalDistance(o.position, want.position);
      EXPECT_LT(d, 6.0) << "adsb observation " << want.id;
      worst[source] = std::max(worst[source], d);
      ASSERT_TRUE(o.has_altitude);
      EXPECT_NEAR(o.position.altitude_m, want.position.altitude_m, 12.5 * 0.3048 + 1e-6);
      ASSERT_TRUE(o.velocity_enu.has_value());
      const double kt = 1852.0 / 3600.0;
      EXPECT_NEAR(o.velocity_enu->x(), want.velocity_enu->x(), 0.5 * kt + 1e-9);
      EXPECT_NEAR(o.velocity_enu->y(), want.velocity_enu->y(), 0.5 * kt + 1e-9);
      EXPECT_NEAR(o.velocity_enu->z(), want.velocity_enu->z(), 32.0 * 0.3048 / 60.0 + 1e-9);
      EXPECT_EQ(o.identity.icao_address, want.identity.icao_address);
      EXPECT_EQ(o.identity.callsign, want.identity.callsign);
      EXPECT_EQ(o.identity.category, want.identity.category);
      // NACp 8: EPU 92.6 m as a 95 % radius, the simulator's own sigma.
      EXPECT_NEAR(std::sqrt(o.position_covariance(0, 0)), std::sqrt(want.position_covariance(0, 0)),
                  1e-6);
    } else if (source == "jpn-tracks") {
      // CAT062: 1/128 s, 180/2^25 deg (0.6 m), 6.25 ft, 0.25 m/s.
      EXPECT_LE(std::abs(ToSeconds(o.time - want.time)), 1.0 / 256.0 + 1e-9);
      const double d = HorizontalDistance(o.position, want.position);
      EXPECT_LT(d, 0.7) << "track observation " << want.id;
      worst[source] = std::max(worst[source], d);
      EXPECT_NEAR(o.position.altitude_m, want.position.altitude_m, 3.125 * 0.3048 + 1e-6);
      EXPECT_NEAR(o.velocity_enu->x(), want.velocity_enu->x(), 0.125 + 1e-9);
      EXPECT_NEAR(o.velocity_enu->y(), want.velocity_enu->y(), 0.125 + 1e-9);
      EXPECT_EQ(o.identity.track_number, want.identity.track_number);
      EXPECT_EQ(o.kind, model::ObservationKind::kSystemTrack);
    } else if (source == "uav-klv") {
      // MISB ST 0601: precision time stamp in microseconds; positions in 4-byte mapped
      // latitudes/longitudes (tags 13/14, 23/24, 82-89: about 5 mm) or 2-byte corner offsets
      // (tags 26-33: 0.075 deg / 32767, about 0.25 m).
      EXPECT_LE(std::abs((o.time - want.time).count()), 1000) << want.id;
      EXPECT_EQ(o.kind, want.kind) << want.id;
      const double d = HorizontalDistance(o.position, want.position);
      EXPECT_LT(d, kKlvToleranceM) << "klv observation " << want.id;
      worst[source] = std::max(worst[source], d);
    } else if (source == "uav-gmti") {
      // STANAG 4607: dwell time in milliseconds; report positions D32.2-3 (SA32/BA32, about
      // 5 mm) or deltas from the dwell centre (D32.4-5 with the dwell's scale factors).
      EXPECT_LE(std::abs(ToSeconds(o.time - want.time)), 0.001 + 1e-9) << want.id;
      EXPECT_EQ(o.kind, model::ObservationKind::kDetection);
      const double d = HorizontalDistance(o.position, want.position);
      EXPECT_LT(d, kGmtiToleranceM) << "gmti observation " << want.id;
      worst[source] = std::max(worst[source], d);
    } else {
      // CAT048 plots: 1/128 s; RHO 1/256 NM (half: 3.6 m) and THETA 360/2^16 deg (half: r x
      // 4.8e-5 rad), at the plot's range from the radar.
      EXPECT_LE(std::abs(ToSeconds(o.time - want.time)), 1.0 / 256.0 + 1e-9);
      ASSERT_TRUE(want.sensor_relative.has_value());
      const double range = *want.sensor_relative->range_m;
      const double tolerance = 1852.0 / 512.0 + range * (360.0 / 65536.0 / 2.0) * kDegToRad + 0.5;
      const double d = HorizontalDistance(o.position, want.position);
      EXPECT_LT(d, tolerance) << source << " observation " << want.id << " at " << range;
      worst[source] = std::max(worst[source], d);
      EXPECT_EQ(o.kind, model::ObservationKind::kDetection);
      EXPECT_FALSE(o.has_altitude);
    }
  }
  for (const auto& [source, d] : worst) {
    std::printf("%-10s worst horizontal difference %.3f m\n", source.c_str(), d);
  }
}

// The CoT alternative for partner tracks (WireFeedOptions::partner_tracks_as_cot).
TEST(FeedDecoder, PartnerTracksAsCotRoundTrip) {
  Result<sim::MultiSourceScenario> s = sim::BuiltinMultiSource("kyushu-okinawa-small", 1);
  ASSERT_TRUE(s.ok());
  Result<sim::WireFeed> feed = sim::BuildWireFeed(*s, {.partner_tracks_as_cot = true});
  ASSERT_TRUE(feed.ok()) << feed.error().message();
  std::unique_ptr<FeedDecoder> decoder;
  for (const sim::WireSourceConfig& c : feed->sources) {
    if (c.source != "jpn-tracks") continue;
    ASSERT_EQ(c.format, WireFormat::kCot);
    Result<std::unique_ptr<FeedDecoder>> d = FeedDecoder::Create(FeedSourceConfigFrom(c));
    ASSERT_TRUE(d.ok()) << d.error().message();
    decoder = std::move(*d);
  }
  ASSERT_NE(decoder, nullptr);
  size_t tracks = 0;
  std::vector<model::Observation> out;
  std::string error;
  for (size_t i = 0; i < feed->records.size(); ++i) {
    const sim::WireRecord& r = feed->records[i];
    if (r.source != "jpn-tracks") continue;
    ++tracks;
    out.clear();
    decoder->Decode(Framed(r), r.send_time, out, &error);
    ASSERT_TRUE(error.empty()) << error;
    ASSERT_EQ(out.size(), 1u);
    const model::Observation& want =
        s->observations[static_cast<size_t>(feed->observation_index[i])];
    const model::Observation& o = out[0];
    EXPECT_EQ(o.kind, model::ObservationKind::kSystemTrack);  // how "m-f"
    EXPECT_EQ(o.identity.uid, "jpn-tracks-" + std::to_string(*want.identity.track_number));
    EXPECT_LE(std::abs(ToSeconds(o.time - want.time)), 1e-3);
    EXPECT_LT(HorizontalDistance(o.position, want.position), 0.01);
    EXPECT_NEAR(o.position.altitude_m, want.position.altitude_m, 1e-6);
    EXPECT_NEAR(o.velocity_enu->x(), want.velocity_enu->x(), 1e-6);
    EXPECT_EQ(o.label, want.label);
  }
  EXPECT_GT(tracks, 0u);
}

TEST(FeedDecoder, BadRecordsAreErrorsAndDecodingGoesOn) {
  FeedSourceConfig config;
  config.source = "ais-test";
  config.label_text = "UNCLASSIFIED";
  config.format = WireFormat::kAisNmea;
  Result<std::unique_ptr<FeedDecoder>> d = FeedDecoder::Create(config);
  ASSERT_TRUE(d.ok());
  std::vector<model::Observation> out;
  std::string error;
  const std::string bad = "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4B";
  (*d)->Decode({reinterpret_cast<const uint8_t*>(bad.data()), bad.size()}, Timestamp::FromNanos(0),
               out, &error);
  EXPECT_NE(error.find("checksum 4B, expected 4A"), std::string::npos) << error;
  EXPECT_TRUE(out.empty());
  const std::string good = "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A\r\n";
  (*d)->Decode({reinterpret_cast<const uint8_t*>(good.data()), good.size()},
               Timestamp::FromNanos(1'200'000'000'000'000'000LL), out, &error);
  EXPECT_TRUE(error.empty()) << error;
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].source, "ais-test");
  EXPECT_EQ(out[0].identity.mmsi, 371798000u);
  EXPECT_EQ((*d)->stats().errors, 1u);
  EXPECT_EQ((*d)->stats().observations, 1u);
}

TEST(FeedDecoder, AsterixWithoutItsSiteIsAnErrorNamingTheRecord) {
  Result<sim::MultiSourceScenario> s = sim::BuiltinMultiSource("kyushu-okinawa-small", 2);
  ASSERT_TRUE(s.ok());
  const model::Observation* plot = nullptr;
  for (const model::Observation& o : s->observations) {
    if (o.source == "us-radar") {
      plot = &o;
      break;
    }
  }
  ASSERT_NE(plot, nullptr);
  const model::Observation* one[] = {plot};
  Result<std::string> block =
      sim::EncodeCat048Block({25, 10, plot->sensor_relative->sensor_position}, one);
  ASSERT_TRUE(block.ok());
  FeedSourceConfig config;
  config.source = "radar";
  config.label_text = "UNCLASSIFIED";
  config.format = WireFormat::kAsterix;
  config.sites.push_back({25, 11, plot->sensor_relative->sensor_position});  // wrong SIC
  Result<std::unique_ptr<FeedDecoder>> d = FeedDecoder::Create(config);
  ASSERT_TRUE(d.ok());
  std::vector<model::Observation> out;
  std::string error;
  (*d)->Decode({reinterpret_cast<const uint8_t*>(block->data()), block->size()}, plot->time, out,
               &error);
  EXPECT_TRUE(out.empty());
  EXPECT_NE(error.find("CAT048 record 1"), std::string::npos) << error;
  EXPECT_NE(error.find("SAC 25 SIC 10"), std::string::npos) << error;
  // A truncated block.
  (*d)->Decode({reinterpret_cast<const uint8_t*>(block->data()), block->size() - 1}, plot->time,
               out, &error);
  EXPECT_NE(error.find("exceeds"), std::string::npos) << error;
  EXPECT_TRUE(out.empty());

  // With the right site, a datagram of two consecutive blocks gives both plots.
  config.sites[0].sic = 10;
  Result<std::unique_ptr<FeedDecoder>> good = FeedDecoder::Create(config);
  ASSERT_TRUE(good.ok());
  const std::string two = *block + *block;
  (*good)->Decode({reinterpret_cast<const uint8_t*>(two.data()), two.size()}, plot->time, out,
                  &error);
  EXPECT_TRUE(error.empty()) << error;
  EXPECT_EQ(out.size(), 2u);
}

std::vector<uint8_t> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << path;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::unique_ptr<FeedDecoder> MakeDecoder(WireFormat format, const std::string& source) {
  FeedSourceConfig config;
  config.source = source;
  config.label_text = "UNCLASSIFIED";
  config.format = format;
  Result<std::unique_ptr<FeedDecoder>> d = FeedDecoder::Create(config);
  EXPECT_TRUE(d.ok()) << d.error().message();
  return d.ok() ? std::move(*d) : nullptr;
}

// What the whole-stream demultiplexer (formats/klv/ts_demux.h) and the ST 0601 mapper give for
// a transport stream, leaving out the packets whose checksum does not verify (the feed drops
// them): the reference the streaming decoder must agree with.
std::vector<model::Observation> ReferenceKlvObservations(std::span<const uint8_t> ts) {
  namespace klv = formats::klv;
  std::vector<model::Observation> out;
  const klv::TsKlvResult result = klv::ExtractKlvFromTs(ts);
  EXPECT_TRUE(result.problems.empty());
  auto packet = std::make_unique<klv::UasPacket>();
  klv::ObservationOptions options;
  for (const klv::TsKlvUnit& unit : result.units) {
    EXPECT_TRUE(klv::DecodeUasPacket(unit.bytes, *packet).ok());
    if (packet->checksum == klv::ChecksumStatus::kMismatch) continue;
    EXPECT_TRUE(klv::AppendObservations(*packet, options, out).ok());
  }
  return out;
}

TEST(FeedDecoder, KlvTransportStreamPacketByPacketAgreesWithTheWholeStreamDemultiplexer) {
  // testdata/klv/klv_in_ts.ts: PAT, PMT (KLV on PIDs 0x101 and 0x102), a null packet, and
  // four KLV units (one PES spans two transport packets; one is a metadata AU cell). The
  // third unit is ST 0902.5's "Dynamic and Constant" sample, whose stored checksum 0xAA43 does
  // not verify (0x3E1E computed; testdata/klv/PROVENANCE.md): it is reported and dropped.
  const std::vector<uint8_t> ts = ReadFile("testdata/klv/klv_in_ts.ts");
  ASSERT_EQ(ts.size(), 8 * formats::klv::kTsPacketSize);
  const std::vector<model::Observation> reference = ReferenceKlvObservations(ts);
  ASSERT_FALSE(reference.empty());
  std::unique_ptr<FeedDecoder> d = MakeDecoder(WireFormat::kKlvTs, "uav-1");
  ASSERT_NE(d, nullptr);
  std::vector<model::Observation> out;
  std::string error;
  std::vector<std::pair<size_t, std::string>> errors;
  for (size_t at = 0; at < ts.size(); at += formats::klv::kTsPacketSize) {
    d->Decode({ts.data() + at, formats::klv::kTsPacketSize}, Timestamp::FromNanos(0), out, &error);
    if (!error.empty()) errors.emplace_back(at, error);
  }
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].first, 6 * formats::klv::kTsPacketSize);  // the PES's second packet
  EXPECT_EQ(errors[0].second,
            "PID 257 KLV byte 0: checksum 0xAA43 does not verify (computed 0x3E1E); packet "
            "dropped");
  ASSERT_EQ(out.size(), reference.size());
  for (size_t i = 0; i < out.size(); ++i) {
    EXPECT_EQ(out[i].kind, reference[i].kind) << i;
    EXPECT_EQ(out[i].time, reference[i].time) << i;
    EXPECT_DOUBLE_EQ(out[i].position.latitude_deg, reference[i].position.latitude_deg) << i;
    EXPECT_DOUBLE_EQ(out[i].position.longitude_deg, reference[i].position.longitude_deg) << i;
    EXPECT_EQ(out[i].source, "uav-1");
    EXPECT_EQ(out[i].source_kind, model::SourceKind::kKlv);
  }
  EXPECT_EQ(d->stats().records, 8u);
  EXPECT_EQ(d->stats().errors, 1u);

  // The same stream as two datagrams of whole packets (5 + 3) gives the same observations;
  // the error names the packet within the datagram.
  std::unique_ptr<FeedDecoder> datagrams = MakeDecoder(WireFormat::kKlvTs, "uav-1");
  std::vector<model::Observation> again;
  datagrams->Decode({ts.data(), 5 * 188}, Timestamp::FromNanos(0), again, &error);
  EXPECT_TRUE(error.empty()) << error;
  datagrams->Decode({ts.data() + 5 * 188, 3 * 188}, Timestamp::FromNanos(0), again, &error);
  EXPECT_EQ(error.rfind("packet at byte 188: PID 257 KLV byte 0: checksum 0xAA43", 0), 0u)
      << error;
  EXPECT_EQ(again.size(), reference.size());
}

TEST(FeedDecoder, KlvContinuityGapDropsThePesAndTheStreamGoesOn) {
  const std::vector<uint8_t> ts = ReadFile("testdata/klv/klv_in_ts.ts");
  const std::vector<model::Observation> reference = ReferenceKlvObservations(ts);
  // The third KLV unit (DynamicConstant on PID 0x101, whose checksum does not verify) is a
  // PES spanning two transport packets (make_ts.py). Losing its second packet drops that PES,
  // reported as truncated (no longer as a bad checksum) when the next PES of the PID starts;
  // the other units decode as before.
  const formats::klv::TsKlvResult whole = formats::klv::ExtractKlvFromTs(ts);
  ASSERT_EQ(whole.units.size(), 4u);
  const size_t spanning = whole.units[2].offset / formats::klv::kTsPacketSize;
  std::unique_ptr<FeedDecoder> d = MakeDecoder(WireFormat::kKlvTs, "uav-1");
  std::vector<model::Observation> out;
  std::vector<std::string> errors;
  std::string error;
  for (size_t packet = 0; packet < 8; ++packet) {
    if (packet == spanning + 1) continue;  // lost
    d->Decode({ts.data() + packet * 188, 188}, Timestamp::FromNanos(0), out, &error);
    if (!error.empty()) errors.push_back(error);
  }
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("PID 257: PES packet truncated"), std::string::npos) << errors[0];
  EXPECT_EQ(out.size(), reference.size());

  // Garbage: a packet without the sync byte and a record that is not whole packets.
  const uint8_t junk[188] = {0x00};
  d->Decode({junk, 188}, Timestamp::FromNanos(0), out, &error);
  EXPECT_EQ(error, "sync byte 0x00, expected 0x47");
  d->Decode({junk, 100}, Timestamp::FromNanos(0), out, &error);
  EXPECT_EQ(error, "100 bytes: not whole 188-byte transport packets");
  EXPECT_EQ(d->stats().errors, 3u);
}

TEST(FeedDecoder, GmtiPacketsGiveTargetReportsAndPlatformLocations) {
  // testdata/gmti/sample.4607 (make_sample_capture.py): packet 1 mission, job definition,
  // a dwell, a platform location, free text; packet 2 a dwell and an HRR segment; packet 3 a
  // dwell lacking mandatory D24 (bad) and a platform location; junk; packet 4 a platform
  // location; a cut-off packet. The framer's records: packets 1-4 at 0, 324, 459, 612.
  const std::vector<uint8_t> capture = ReadFile("testdata/gmti/sample.4607");
  ASSERT_EQ(capture.size(), 712u);
  const std::pair<size_t, size_t> packets[] = {{0, 324}, {324, 135}, {459, 148}, {612, 60}};
  // The reference: the format's own whole-packet decoder, counting target reports.
  size_t reports[4] = {};
  for (size_t i = 0; i < 3; ++i) {
    Result<formats::gmti::Packet> p =
        formats::gmti::DecodePacket({capture.data() + packets[i].first, packets[i].second});
    if (!p.ok()) continue;  // packet 3's dwell does not decode
    for (const formats::gmti::Segment& segment : p->segments) {
      if (const auto* dwell = std::get_if<formats::gmti::DwellSegment>(&segment)) {
        reports[i] += dwell->reports.size();
      }
    }
  }
  ASSERT_GT(reports[0], 0u);
  ASSERT_GT(reports[1], 0u);
  std::unique_ptr<FeedDecoder> d = MakeDecoder(WireFormat::kGmti, "jstars");
  ASSERT_NE(d, nullptr);
  std::string error;
  size_t detections[4] = {}, platforms[4] = {};
  std::vector<std::string> errors(4);
  for (size_t i = 0; i < 4; ++i) {
    std::vector<model::Observation> out;
    d->Decode({capture.data() + packets[i].first, packets[i].second}, Timestamp::FromNanos(0),
              out, &error);
    errors[i] = error;
    for (const model::Observation& o : out) {
      EXPECT_EQ(o.source, "jstars");
      EXPECT_EQ(o.source_kind, model::SourceKind::kGmti);
      if (o.kind == model::ObservationKind::kDetection) ++detections[i];
      if (o.kind == model::ObservationKind::kSelfReport) {
        ++platforms[i];
        EXPECT_EQ(o.identity.uid, "BIAC-SIM01");
      }
    }
  }
  EXPECT_TRUE(errors[0].empty()) << errors[0];
  EXPECT_EQ(detections[0], reports[0]);
  EXPECT_EQ(platforms[0], 1u);
  EXPECT_TRUE(errors[1].empty()) << errors[1];
  EXPECT_EQ(detections[1], reports[1]);  // the HRR segment is skipped by its size
  EXPECT_NE(errors[2].find("segment at byte 32 (dwell)"), std::string::npos) << errors[2];
  EXPECT_EQ(detections[2], 0u);
  EXPECT_EQ(platforms[2], 1u);  // the segment after the bad dwell still decodes
  EXPECT_TRUE(errors[3].empty()) << errors[3];
  EXPECT_EQ(platforms[3], 1u);
  EXPECT_EQ(d->stats().errors, 1u);

  // A record whose length is not its P2.
  std::vector<model::Observation> out;
  d->Decode({capture.data(), 100}, Timestamp::FromNanos(0), out, &error);
  EXPECT_EQ(error, "packet size (P2) 324 but the record has 100 bytes");
  EXPECT_TRUE(out.empty());
}

TEST(FeedDecoder, CotTakProtocolStreamFrameAndMeshDatagram) {
  // testdata/cot/takproto_stream.bin: its first stream frame (290 bytes: 0xBF, varint 287,
  // TakMessage) carries the WinTAK event of cot_stream.xml (uid aa0b0312-..., lat 43.97957317).
  const std::vector<uint8_t> tak = ReadFile("testdata/cot/takproto_stream.bin");
  ASSERT_GE(tak.size(), 290u);
  std::unique_ptr<FeedDecoder> d = MakeDecoder(WireFormat::kCot, "tak");
  std::vector<model::Observation> out;
  std::string error;
  d->Decode({tak.data(), 290}, Timestamp::FromNanos(0), out, &error);
  EXPECT_TRUE(error.empty()) << error;
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].identity.uid, "aa0b0312-b5cd-4c2c-bbbc-9c4c70216261");
  EXPECT_NEAR(out[0].position.latitude_deg, 43.97957317, 1e-8);
  EXPECT_EQ(out[0].source, "tak");
  // The same message as a mesh datagram.
  std::vector<uint8_t> mesh = {0xBF, 0x01, 0xBF};
  mesh.insert(mesh.end(), tak.begin() + 3, tak.begin() + 290);
  d->Decode(mesh, Timestamp::FromNanos(0), out, &error);
  EXPECT_TRUE(error.empty()) << error;
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].identity.uid, out[0].identity.uid);
  // A frame whose message is not a TakMessage (the file's frame at 582, 6 bytes).
  d->Decode({tak.data() + 582, 6}, Timestamp::FromNanos(0), out, &error);
  EXPECT_EQ(error.rfind("TAK protocol: ", 0), 0u) << error;
  EXPECT_EQ(out.size(), 2u);
}

TEST(FeedDecoder, LabelThatDoesNotParseIsRejected) {
  FeedSourceConfig config;
  config.source = "x";
  config.label_text = "SECRET//NOT A MARKING";
  EXPECT_FALSE(FeedDecoder::Create(config).ok());
}

}  // namespace
}  // namespace biac::app
