#include "biac/sim/wire_feed.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <variant>

#include "biac/formats/ais/nmea.h"
#include "biac/formats/asterix/observations.h"
#include "biac/formats/asterix/record.h"
#include "biac/formats/asterix/spec.h"
#include "biac/formats/cot/xml.h"
#include "biac/formats/gmti/decoder.h"
#include "biac/formats/gmti/observations.h"
#include "biac/formats/klv/observations.h"
#include "biac/formats/klv/st0601.h"
#include "biac/formats/klv/ts_demux.h"
#include "biac/geo/geodesic.h"
#include "biac/sim/multisource.h"

namespace biac::sim {
namespace {

const MultiSourceScenario& Small() {
  static const MultiSourceScenario* scenario = [] {
    Result<MultiSourceScenario> s = BuiltinMultiSource("kyushu-okinawa-small", 1);
    EXPECT_TRUE(s.ok());
    return new MultiSourceScenario(std::move(*s));
  }();
  return *scenario;
}

TEST(WireSources, MapsEverySourceOfTheBilateralScenario) {
  Result<std::vector<WireSourceConfig>> sources = WireSources(Small());
  ASSERT_TRUE(sources.ok()) << sources.error().message();
  std::map<std::string, WireSourceConfig> by_id;
  for (const WireSourceConfig& c : *sources) by_id[c.source] = c;
  ASSERT_EQ(by_id.size(), 9u);
  EXPECT_EQ(by_id["uav-klv"].format, WireFormat::kKlvTs);
  EXPECT_EQ(by_id["uav-klv"].transport, WireTransport::kUdp);
  EXPECT_EQ(by_id["uav-gmti"].format, WireFormat::kGmti);
  EXPECT_EQ(by_id["uav-gmti"].transport, WireTransport::kTcp);
  EXPECT_EQ(by_id["uav-gmti"].label_text, "SECRET//REL TO USA, JPN");
  EXPECT_EQ(by_id["ais"].format, WireFormat::kAisNmea);
  EXPECT_EQ(by_id["ais"].transport, WireTransport::kUdp);
  EXPECT_EQ(by_id["adsb"].format, WireFormat::kBeast);
  EXPECT_EQ(by_id["adsb"].transport, WireTransport::kTcp);
  EXPECT_TRUE(by_id["adsb"].beast_gps_timestamps);
  std::set<int> sics;
  for (const char* radar : {"us-radar", "jpn-radar", "us-only", "jpn-only"}) {
    const WireSourceConfig& c = by_id[radar];
    EXPECT_EQ(c.format, WireFormat::kAsterix) << radar;
    EXPECT_EQ(c.asterix_category, 48) << radar;
    ASSERT_TRUE(c.site.has_value()) << radar;
    sics.insert(c.site->sic);
    EXPECT_GT(c.range_sigma_m, 0.0);
  }
  EXPECT_EQ(sics.size(), 4u);  // distinct SAC/SIC per radar
  // The US radar's site is the simulator's (multisource.cc): 26.70 N 128.10 E, 200 m.
  EXPECT_DOUBLE_EQ(by_id["us-radar"].site->position.latitude_deg, 26.70);
  EXPECT_DOUBLE_EQ(by_id["us-radar"].site->position.altitude_m, 200.0);
  EXPECT_EQ(by_id["jpn-tracks"].format, WireFormat::kAsterix);
  EXPECT_EQ(by_id["jpn-tracks"].asterix_category, 62);
  EXPECT_EQ(by_id["jpn-only"].label_text,
            R"({"policy":"JPN","level":"GOKUHI","categories":{"releasable_to":["JPN"]}})");

  Result<std::vector<WireSourceConfig>> cot = WireSources(Small(), {.partner_tracks_as_cot = true});
  ASSERT_TRUE(cot.ok());
  for (const WireSourceConfig& c : *cot) {
    if (c.source == "jpn-tracks") EXPECT_EQ(c.format, WireFormat::kCot);
  }
}

TEST(WireFormat, NamesRoundTrip) {
  for (WireFormat f :
       {WireFormat::kAisNmea, WireFormat::kBeast, WireFormat::kSbs, WireFormat::kAsterix,
        WireFormat::kCot, WireFormat::kKlvTs, WireFormat::kGmti}) {
    Result<WireFormat> parsed = ParseWireFormat(WireFormatName(f));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, f);
  }
  EXPECT_FALSE(ParseWireFormat("nmea").ok());
}

TEST(WireFeed, RecordsAreFramedAndInSendOrder) {
  Result<WireFeed> feed = BuildWireFeed(Small());
  ASSERT_TRUE(feed.ok()) << feed.error().message();
  ASSERT_EQ(feed->records.size(), feed->observation_index.size());
  ASSERT_EQ(feed->records.size(), feed->observation_count.size());
  // Every observation is carried by exactly one record.
  std::vector<int> carried(Small().observations.size(), 0);
  for (size_t i = 0; i < feed->records.size(); ++i) {
    const int64_t index = feed->observation_index[i];
    EXPECT_EQ(index < 0, feed->observation_count[i] == 0) << i;
    for (uint32_t k = 0; index >= 0 && k < feed->observation_count[i]; ++k) {
      ++carried[static_cast<size_t>(index) + k];
    }
  }
  EXPECT_EQ(std::count(carried.begin(), carried.end(), 1),
            static_cast<std::ptrdiff_t>(carried.size()));
  std::map<WireFormat, size_t> counts;
  for (size_t i = 0; i < feed->records.size(); ++i) {
    const WireRecord& r = feed->records[i];
    if (i > 0) ASSERT_LE(feed->records[i - 1].send_time, r.send_time);
    ++counts[r.format];
    switch (r.format) {
      case WireFormat::kAisNmea: {
        ASSERT_GE(r.bytes.size(), 2u);
        EXPECT_EQ(r.bytes.substr(r.bytes.size() - 2), "\r\n");
        EXPECT_LE(r.bytes.size(), 82u);  // IEC 61162-1 sentence length, CR LF included
        Result<formats::ais::Sentence> s =
            formats::ais::ParseSentence(std::string_view(r.bytes).substr(0, r.bytes.size() - 2));
        ASSERT_TRUE(s.ok()) << s.error().message() << ": " << r.bytes;
        break;
      }
      case WireFormat::kBeast:
        ASSERT_GE(r.bytes.size(), 23u);  // 0x1A '3' 6 + 1 + 14, more when escaped
        EXPECT_EQ(static_cast<uint8_t>(r.bytes[0]), 0x1A);
        EXPECT_EQ(r.bytes[1], '3');
        break;
      case WireFormat::kAsterix: {
        ASSERT_GE(r.bytes.size(), 3u);
        const size_t len = static_cast<uint8_t>(r.bytes[1]) << 8 | static_cast<uint8_t>(r.bytes[2]);
        EXPECT_EQ(len, r.bytes.size());
        EXPECT_TRUE(r.bytes[0] == 48 || r.bytes[0] == 62);
        break;
      }
      case WireFormat::kKlvTs:
        ASSERT_EQ(r.bytes.size(), 7u * formats::klv::kTsPacketSize);
        for (size_t p = 0; p < 7; ++p) {
          EXPECT_EQ(static_cast<uint8_t>(r.bytes[p * formats::klv::kTsPacketSize]), 0x47);
        }
        EXPECT_EQ(feed->observation_count[i], 6u);
        break;
      case WireFormat::kGmti: {
        ASSERT_GE(r.bytes.size(), 32u);
        const size_t size =
            static_cast<uint8_t>(r.bytes[2]) << 24 | static_cast<uint8_t>(r.bytes[3]) << 16 |
            static_cast<uint8_t>(r.bytes[4]) << 8 | static_cast<uint8_t>(r.bytes[5]);
        EXPECT_EQ(size, r.bytes.size());  // P2 packet size
        EXPECT_EQ(r.bytes.substr(0, 2), "30");
        EXPECT_GE(feed->observation_count[i], 1u);
        break;
      }
      default:
        ADD_FAILURE() << "unexpected format " << WireFormatName(r.format);
    }
  }
  EXPECT_GT(counts[WireFormat::kAisNmea], 0u);
  EXPECT_GT(counts[WireFormat::kBeast], 0u);
  EXPECT_GT(counts[WireFormat::kAsterix], 0u);
  EXPECT_EQ(counts[WireFormat::kKlvTs], 601u);  // 1 Hz over 600 s
  EXPECT_GT(counts[WireFormat::kGmti], 100u);   // a dwell every 4 s, most with detections
}

std::span<const uint8_t> AsBytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

double Distance(const geo::Lla& a, const geo::Lla& b) {
  Result<geo::GeodesicInverseSolution> line = geo::GeodesicInverse(a, b);
  EXPECT_TRUE(line.ok());
  return line.ok() ? line->distance_m : 1e9;
}

// The KLV datagrams through the formats' own decoders (ts_demux, st0601, the observation
// mapping): one ST 0601 packet each, checksum verified, continuity unbroken across datagrams,
// and the six observations of the scenario back within the tags' resolution.
TEST(WireFeed, KlvDatagramsDecodeToTheScenariosObservations) {
  Result<WireFeed> feed = BuildWireFeed(Small());
  ASSERT_TRUE(feed.ok()) << feed.error().message();
  std::string stream;
  auto packet = std::make_unique<formats::klv::UasPacket>();
  formats::klv::ObservationOptions options;
  options.source.id = "uav-klv";
  size_t checked = 0;
  for (size_t i = 0; i < feed->records.size(); ++i) {
    const WireRecord& r = feed->records[i];
    if (r.format != WireFormat::kKlvTs) continue;
    stream += r.bytes;
    const formats::klv::TsKlvResult ts = formats::klv::ExtractKlvFromTs(AsBytes(r.bytes));
    ASSERT_TRUE(ts.problems.empty()) << ts.problems.front().reason;
    ASSERT_EQ(ts.units.size(), 1u);
    ASSERT_TRUE(formats::klv::DecodeUasPacket(ts.units[0].bytes, *packet).ok());
    EXPECT_EQ(packet->checksum, formats::klv::ChecksumStatus::kVerified);
    std::vector<model::Observation> out;
    ASSERT_TRUE(formats::klv::AppendObservations(*packet, options, out).ok());
    ASSERT_EQ(out.size(), 6u);
    // The decoder's order is the scenario's: platform, frame centre, corners 1-4.
    const size_t first = static_cast<size_t>(feed->observation_index[i]);
    for (size_t k = 0; k < 6; ++k) {
      const model::Observation& w = Small().observations[first + k];
      EXPECT_EQ(out[k].time, w.time);
      EXPECT_EQ(out[k].kind, w.kind);
      EXPECT_LT(Distance(out[k].position, w.position), 0.5) << "observation " << w.id;
      EXPECT_NEAR(out[k].position.altitude_m, w.position.altitude_m, 0.2);
      EXPECT_EQ(out[k].identity.uid, w.identity.uid);
    }
    ASSERT_TRUE(out[0].velocity_enu.has_value());
    const model::Observation& platform = Small().observations[first];
    EXPECT_NEAR(out[0].velocity_enu->x(), platform.velocity_enu->x(), 0.01);
    EXPECT_NEAR(out[0].velocity_enu->y(), platform.velocity_enu->y(), 0.01);
    EXPECT_EQ(out[0].identity.callsign, platform.identity.callsign);
    EXPECT_EQ(out[0].identity.name, "MQ-9");
    ++checked;
  }
  EXPECT_EQ(checked, 601u);
  // The datagrams back to back are one transport stream without a continuity error.
  const formats::klv::TsKlvResult all = formats::klv::ExtractKlvFromTs(AsBytes(stream));
  EXPECT_TRUE(all.problems.empty());
  EXPECT_EQ(all.units.size(), 601u);
}

// The GMTI packets through the STANAG 4607 decoder and its observation mapping: each dwell's
// reports come back as the scenario's detections (positions within the hi-res fields' 1 cm,
// radial speed within 1 cm/s, the time exact, the covariance from the reports' own sigmas).
TEST(WireFeed, GmtiPacketsDecodeToTheScenariosDetections) {
  Result<WireFeed> feed = BuildWireFeed(Small());
  ASSERT_TRUE(feed.ok()) << feed.error().message();
  formats::gmti::ObservationOptions options;
  options.source.id = "uav-gmti";
  size_t checked = 0;
  for (size_t i = 0; i < feed->records.size(); ++i) {
    const WireRecord& r = feed->records[i];
    if (r.format != WireFormat::kGmti) continue;
    Result<formats::gmti::Packet> packet = formats::gmti::DecodePacket(AsBytes(r.bytes));
    ASSERT_TRUE(packet.ok()) << packet.error().message();
    ASSERT_EQ(packet->segments.size(), 2u);
    const auto* mission = std::get_if<formats::gmti::MissionSegment>(&packet->segments[0]);
    const auto* dwell = std::get_if<formats::gmti::DwellSegment>(&packet->segments[1]);
    ASSERT_TRUE(mission != nullptr && dwell != nullptr);
    EXPECT_EQ(mission->Raw(formats::gmti::mission::kPlatformType), 36);  // MQ-9 Reaper
    formats::gmti::DwellContext context;
    context.header = &packet->header;
    context.mission = mission;
    std::vector<model::Observation> out;
    ASSERT_TRUE(formats::gmti::AppendObservations(context, *dwell, options, out).ok());
    ASSERT_EQ(out.size(), feed->observation_count[i]);
    const size_t first = static_cast<size_t>(feed->observation_index[i]);
    for (size_t k = 0; k < out.size(); ++k) {
      const model::Observation& w = Small().observations[first + k];
      EXPECT_EQ(out[k].time, w.time);
      EXPECT_EQ(out[k].sensor, "MQ9-01");
      EXPECT_LT(Distance(out[k].position, w.position), 0.02);
      EXPECT_EQ(out[k].identity.category, w.identity.category);
      ASSERT_TRUE(out[k].sensor_relative && out[k].sensor_relative->range_rate_mps);
      EXPECT_NEAR(*out[k].sensor_relative->range_rate_mps, *w.sensor_relative->range_rate_mps,
                  0.006);
      EXPECT_LT(
          Distance(out[k].sensor_relative->sensor_position, w.sensor_relative->sensor_position),
          0.02);
      // The decoder's covariance from D32.12-13 is the simulator's (cross range sent in dm),
      // to the geometry: the simulator projects the errors at the true position, the decoder
      // at the reported one (up to a few hundred metres away at 30-50 km): within 3 %.
      const Eigen::Matrix2d want_cov = w.position_covariance.topLeftCorner<2, 2>();
      const Eigen::Matrix2d got_cov = out[k].position_covariance.topLeftCorner<2, 2>();
      EXPECT_LT((got_cov - want_cov).norm(), 0.03 * want_cov.norm()) << "observation " << w.id;
      ++checked;
    }
  }
  EXPECT_GT(checked, 300u);
}

TEST(WireFeed, PartnerTracksAsCotEvents) {
  Result<WireFeed> feed = BuildWireFeed(Small(), {.partner_tracks_as_cot = true});
  ASSERT_TRUE(feed.ok()) << feed.error().message();
  size_t events = 0;
  for (size_t i = 0; i < feed->records.size(); ++i) {
    const WireRecord& r = feed->records[i];
    if (r.format != WireFormat::kCot) continue;
    ++events;
    Result<formats::cot::OwnedEvent> e = formats::cot::DecodeXml(r.bytes);
    ASSERT_TRUE(e.ok()) << e.error().message();
    const model::Observation& o =
        Small().observations[static_cast<size_t>(feed->observation_index[i])];
    EXPECT_EQ(e->uid, "jpn-tracks-" + std::to_string(*o.identity.track_number));
    EXPECT_EQ(e->how, "m-f");
    EXPECT_EQ(e->time, o.time);
    EXPECT_NEAR(e->point.lat, o.position.latitude_deg, 1e-9);
  }
  EXPECT_GT(events, 0u);
}

TEST(BeastGpsTimestamp, SecondsOfDayAndNanoseconds) {
  // 2026-06-01T00:00:01.5Z, and 23:59:59.999999999 of the same day.
  const int64_t midnight = 1780272000LL * 1'000'000'000LL;
  EXPECT_EQ(BeastGpsTimestamp(Timestamp::FromNanos(midnight + 1'500'000'000)),
            (uint64_t{1} << 30) | 500'000'000u);
  EXPECT_EQ(BeastGpsTimestamp(Timestamp::FromNanos(midnight + 86'399'999'999'999LL)),
            (uint64_t{86399} << 30) | 999'999'999u);
}

// A 2-D plot 350 km from its radar: the decoder (formats/asterix/observations.cc) reads I040
// in the radar's horizontal plane, and the encoder writes it so that the decoded position is
// the plot's (wire_feed.h). RHO / THETA quantisation at 350 km: 3.6 m + 17 m.
TEST(EncodeCat048Block, TwoDimensionalPlotDecodesToItsPosition) {
  const AsterixSite site{25, 10, {26.70, 128.10, 200.0}};
  Result<geo::GeodesicDirectSolution> end =
      geo::GeodesicDirect({26.70, 128.10, 0.0}, 33.0, 350000.0);
  ASSERT_TRUE(end.ok());
  model::Observation plot;
  plot.time = Timestamp::FromNanos(1780272000LL * 1'000'000'000LL + 3'600'000'000'000LL);
  plot.position = end->destination;
  plot.position.altitude_m = 0.0;
  const model::Observation* one[] = {&plot};
  Result<std::string> block = EncodeCat048Block(site, one);
  ASSERT_TRUE(block.ok()) << block.error().message();
  const std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(block->data()),
                                       block->size());
  Result<formats::asterix::DataBlock> data = formats::asterix::ReadDataBlock(bytes);
  ASSERT_TRUE(data.ok());
  formats::asterix::RecordView view;
  formats::asterix::DecodeFailure failure;
  ASSERT_TRUE(formats::asterix::DecodeRecord(*formats::asterix::DefaultEdition(48), data->records,
                                             view, failure));
  formats::asterix::ObservationOptions options;
  options.date = Timestamp::FromNanos(1780272000LL * 1'000'000'000LL);
  options.sites.push_back({25, 10, site.position});
  Result<model::Observation> o = formats::asterix::ToObservation(view, options);
  ASSERT_TRUE(o.ok()) << o.error().message();
  EXPECT_EQ(o->time, plot.time);  // 3600 s is a whole number of 1/128 s
  Result<geo::GeodesicInverseSolution> miss = geo::GeodesicInverse(o->position, plot.position);
  ASSERT_TRUE(miss.ok());
  EXPECT_LT(miss->distance_m, 21.0);
  // RHO is the range in the radar's plane, a few hundred metres beyond the geodesic's
  // 350 km (wire_feed.h: ~ r^3 / (3 R^2) = 350 m).
  ASSERT_TRUE(o->sensor_relative && o->sensor_relative->range_m);
  EXPECT_GT(*o->sensor_relative->range_m - 350000.0, 200.0);
  EXPECT_LT(*o->sensor_relative->range_m - 350000.0, 500.0);
}

}  // namespace
}  // namespace biac::sim
