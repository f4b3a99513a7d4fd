#include "biac/sim/wire_feed.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <numbers>
#include <string>
#include <unordered_map>
#include <utility>

#include "biac/formats/adsb/encode_es.h"
#include "biac/formats/adsb/framing.h"
#include "biac/formats/ais/encode.h"
#include "biac/formats/asterix/encode.h"
#include "biac/formats/asterix/spec.h"
#include "biac/formats/cot/event.h"
#include "biac/formats/cot/xml.h"
#include "biac/formats/gmti/encoder.h"
#include "biac/formats/klv/encode.h"
#include "biac/formats/klv/ts_demux.h"
#include "biac/formats/klv/ts_mux.h"
#include "biac/geo/geodesic.h"
#include "biac/geo/local_frame.h"

namespace biac::sim {
namespace {

using Json = nlohmann::ordered_json;

constexpr double kDegToRad = std::numbers::pi / 180.0;
constexpr double kMetresPerNm = 1852.0;
constexpr double kKnotsPerMps = 3600.0 / 1852.0;
constexpr double kFeetPerMetre = 1.0 / 0.3048;
constexpr double kFeetPerFlightLevel = 100.0;
constexpr double kFpmPerMps = kFeetPerMetre * 60.0;
constexpr int64_t kNanosPerSecond = 1'000'000'000;
constexpr int64_t kSecondsPerDay = 86400;
constexpr int64_t kNanosPerDay = kSecondsPerDay * kNanosPerSecond;
constexpr unsigned kBeastNanosBits = 30;  // Radarcape GPS timestamp: seconds << 30 | ns
constexpr uint8_t kBeastSignal = 0x80;    // a mid-scale RSSI (no physical meaning here)
// Mean Earth radius for moving an AIS fix back by a fraction of a second (a few metres:
// the sphere's error is far below the 0.19 m wire resolution).
constexpr double kEarthRadiusM = 6371000.0;

// AIS (M.1371-5 Table 45 / 48).
constexpr uint8_t kAisPositionReport = 1;
constexpr uint8_t kAisStaticVoyage = 5;
constexpr uint8_t kNavStatusUnderWayEngine = 0;
constexpr int8_t kTurnNotAvailable = -128;
constexpr uint16_t kHeadingNotAvailable = 511;
constexpr uint8_t kEpfdGps = 1;
constexpr uint8_t kEtaHourNotAvailable = 24;
constexpr uint8_t kEtaMinuteNotAvailable = 60;
constexpr int kSecondsPerMinute = 60;
constexpr int kAisSequenceIds = 10;

// ADS-B: TC 11 (NIC 8 / NUCp 7), NACp 8 (EPU < 92.6 m) and NACv 1 (< 10 m/s), the
// simulator's declared qualities (multisource.cc); GVA 2 (< 45 m), SIL 3, NIC-baro 1.
constexpr uint8_t kAdsbPositionTypecode = 11;
constexpr uint8_t kAdsbNacP = 8;
constexpr uint8_t kAdsbNacV = 1;
constexpr uint8_t kAdsbGva = 2;
constexpr uint8_t kAdsbSil = 3;
constexpr uint8_t kIdentificationTypecodeSetA = 4;

// ASTERIX: the editions written and the values of fixed items.
constexpr std::string_view kCat048Edition = "1.21";
constexpr std::string_view kCat062Edition = "1.18";
constexpr uint8_t kCat048 = 48;
constexpr uint8_t kCat062 = 62;
constexpr double kThetaSteps = 65536.0;  // I048/040 THETA: 16 bits over 360 deg
constexpr double kThetaLsbDeg = 360.0 / kThetaSteps;
constexpr int kTypSinglePsr = 1;           // I048/020 TYP: single PSR detection
constexpr int kServiceIdentification = 1;  // I062/015
constexpr int kSrcGnss = 1;                // I062/080 SRC: altitude from GNSS-like source

// CoT: how long an event stays valid, in reporting periods.
constexpr double kCotStalePeriods = 3.0;
constexpr double kDefaultCotPeriodS = 4.0;

double Wrap360(double deg) {
  double d = std::fmod(deg, 360.0);
  if (d < 0.0) d += 360.0;
  return d >= 360.0 ? 0.0 : d;
}

double SecondsOfDay(Timestamp t) {
  int64_t ns = t.nanos() % kNanosPerDay;
  if (ns < 0) ns += kNanosPerDay;
  return static_cast<double>(ns) * 1e-9;
}

std::string Bytes(const std::vector<uint8_t>& v) { return std::string(v.begin(), v.end()); }

const formats::asterix::Edition& Cat048() {
  static const formats::asterix::Edition* e =
      formats::asterix::FindEdition(kCat048, kCat048Edition);
  return *e;
}
const formats::asterix::Edition& Cat062() {
  static const formats::asterix::Edition* e =
      formats::asterix::FindEdition(kCat062, kCat062Edition);
  return *e;
}

std::string OctalMode3a(uint16_t code) {
  std::string s(4, '0');
  for (int i = 3; i >= 0; --i) {
    s[static_cast<size_t>(i)] = static_cast<char>('0' + (code & 7));
    code = static_cast<uint16_t>(code >> 3);
  }
  return s;
}

std::string ObservationPlace(const model::Observation& o) {
  return "observation " + std::to_string(o.id) + " (" + o.source + ")";
}

// ---- AIS ------------------------------------------------------------------------------

struct AisState {
  std::unordered_map<uint32_t, Timestamp> last_static;
  int sequence = 0;
};

Status AppendAisLines(std::string_view text, const std::string& source, Timestamp send,
                      int64_t index, WireFeed& feed) {
  size_t start = 0;
  while (start < text.size()) {
    const size_t end = text.find('\n', start) + 1;
    feed.records.push_back(
        {send, source, WireFormat::kAisNmea, std::string(text.substr(start, end - start))});
    feed.observation_index.push_back(index);
    start = end;
  }
  return Status::Ok();
}

Status EncodeAis(const model::Observation& o, Timestamp send, int64_t index,
                 const WireFeedOptions& options, AisState& state, WireFeed& feed) {
  if (!o.identity.mmsi) return InvalidArgument(ObservationPlace(o) + ": AIS report without MMSI");
  const uint32_t mmsi = *o.identity.mmsi;
  std::string text;
  // Static and voyage data first (and every ais_static_period_s).
  const auto last = state.last_static.find(mmsi);
  if (last == state.last_static.end() ||
      ToSeconds(o.time - last->second) >= options.ais_static_period_s) {
    formats::ais::Message m;
    m.type = kAisStaticVoyage;
    m.mmsi = mmsi;
    formats::ais::StaticVoyageData d;
    d.imo = o.identity.imo.value_or(0);
    BIAC_RETURN_IF_ERROR(formats::ais::SetText(o.identity.callsign, d.callsign));
    BIAC_RETURN_IF_ERROR(formats::ais::SetText(o.identity.name, d.shipname));
    int shiptype = 0;
    if (!o.identity.category.empty()) shiptype = std::atoi(o.identity.category.c_str());
    d.shiptype = static_cast<uint8_t>(std::clamp(shiptype, 0, 255));
    d.epfd = kEpfdGps;
    d.hour = kEtaHourNotAvailable;
    d.minute = kEtaMinuteNotAvailable;
    m.body = d;
    formats::ais::Payload payload;
    const Status s = formats::ais::EncodeMessage(m, payload);
    if (!s.ok()) return InvalidArgument(ObservationPlace(o) + ": " + s.message());
    const uint8_t seq = static_cast<uint8_t>(state.sequence);
    state.sequence = (state.sequence + 1) % kAisSequenceIds;
    BIAC_ASSIGN_OR_RETURN(int sentences, formats::ais::AppendSentences(
                                             payload, {.channel = 'A', .sequence_id = seq}, text));
    (void)sentences;
    BIAC_RETURN_IF_ERROR(AppendAisLines(text, o.source, send, -1, feed));
    text.clear();
    state.last_static[mmsi] = o.time;
  }

  // The fix time is the whole UTC second: move the position back along the velocity.
  const int64_t ns = o.time.nanos();
  const int64_t whole = ns - ((ns % kNanosPerSecond) + kNanosPerSecond) % kNanosPerSecond;
  const double back_s = static_cast<double>(ns - whole) * 1e-9;
  const Eigen::Vector3d v = o.velocity_enu.value_or(Eigen::Vector3d::Zero());
  const double lat = o.position.latitude_deg - v.y() * back_s / kEarthRadiusM / kDegToRad;
  const double lon = o.position.longitude_deg -
                     v.x() * back_s / (kEarthRadiusM * std::cos(lat * kDegToRad)) / kDegToRad;
  const int64_t second_of_minute =
      ((whole / kNanosPerSecond) % kSecondsPerMinute + kSecondsPerMinute) % kSecondsPerMinute;

  formats::ais::Message m;
  m.type = kAisPositionReport;
  m.mmsi = mmsi;
  formats::ais::PositionReportA r;
  r.status = kNavStatusUnderWayEngine;
  r.turn = kTurnNotAvailable;
  const double speed = std::hypot(v.x(), v.y());
  r.speed = formats::ais::EncodeSpeedOverGround(speed * kKnotsPerMps);
  r.accuracy = false;
  r.raim = true;
  r.lon = formats::ais::EncodeLongitude(lon);
  r.lat = formats::ais::EncodeLatitude(lat);
  r.course = formats::ais::EncodeCourseOverGround(std::atan2(v.x(), v.y()) / kDegToRad);
  r.heading = kHeadingNotAvailable;
  r.second = static_cast<uint8_t>(second_of_minute);
  m.body = r;
  formats::ais::Payload payload;
  const Status s = formats::ais::EncodeMessage(m, payload);
  if (!s.ok()) return InvalidArgument(ObservationPlace(o) + ": " + s.message());
  BIAC_ASSIGN_OR_RETURN(int sentences,
                        formats::ais::AppendSentences(payload, {.channel = 'A'}, text));
  (void)sentences;
  return AppendAisLines(text, o.source, send, index, feed);
}

// ---- ADS-B in Beast frames --------------------------------------------------------------

struct AircraftWireState {
  uint8_t next_format = 0;
  bool primed = false;
  std::optional<Timestamp> last_status;
};
using AdsbState = std::unordered_map<uint32_t, AircraftWireState>;

void AppendBeast(const formats::adsb::ExtendedSquitter& frame, uint64_t timestamp,
                 const std::string& source, Timestamp send, int64_t index, WireFeed& feed) {
  formats::adsb::BeastFrame beast;
  beast.type = formats::adsb::BeastType::kModeSLong;
  beast.timestamp = timestamp;
  beast.signal = kBeastSignal;
  std::copy(frame.begin(), frame.end(), beast.data.begin());
  beast.length = static_cast<uint8_t>(frame.size());
  std::vector<uint8_t> bytes;
  formats::adsb::EncodeBeast(beast, bytes);
  feed.records.push_back({send, source, WireFormat::kBeast, Bytes(bytes)});
  feed.observation_index.push_back(index);
}

// "A3" -> type code 4 (set A), category 3 (DO-260B Table 2-8); anything else: 4, 0.
std::pair<uint8_t, uint8_t> EmitterCategory(std::string_view text) {
  if (text.size() == 2 && text[0] >= 'A' && text[0] <= 'D' && text[1] >= '0' && text[1] <= '7') {
    return {static_cast<uint8_t>(kIdentificationTypecodeSetA - (text[0] - 'A')),
            static_cast<uint8_t>(text[1] - '0')};
  }
  return {kIdentificationTypecodeSetA, 0};
}

Status EncodeAdsb(const model::Observation& o, Timestamp send, int64_t index,
                  const WireFeedOptions& options, AdsbState& state, WireFeed& feed) {
  if (!o.identity.icao_address) {
    return InvalidArgument(ObservationPlace(o) + ": ADS-B report without ICAO address");
  }
  const uint32_t icao = *o.identity.icao_address;
  const uint64_t ts = BeastGpsTimestamp(o.time);
  AircraftWireState& a = state[icao];
  auto fail = [&o](const Status& s) {
    return InvalidArgument(ObservationPlace(o) + ": " + s.message());
  };
  formats::adsb::ExtendedSquitter frame;

  if (!a.last_status || ToSeconds(o.time - *a.last_status) >= options.adsb_status_period_s) {
    const auto [typecode, category] = EmitterCategory(o.identity.category);
    Status s = formats::adsb::EncodeIdentification(
        icao, {.typecode = typecode, .category = category, .callsign = o.identity.callsign}, frame);
    if (!s.ok()) return fail(s);
    AppendBeast(frame, ts, o.source, send, -1, feed);
    s = formats::adsb::EncodeOperationalStatus(
        icao, {.nac_p = kAdsbNacP, .gva = kAdsbGva, .sil = kAdsbSil, .nic_baro = true}, frame);
    if (!s.ok()) return fail(s);
    AppendBeast(frame, ts, o.source, send, -1, feed);
    a.last_status = o.time;
  }

  if (o.velocity_enu) {
    const Eigen::Vector3d& v = *o.velocity_enu;
    formats::adsb::VelocityFields f;
    f.nac_v = kAdsbNacV;
    f.east_kt = v.x() * kKnotsPerMps;
    f.north_kt = v.y() * kKnotsPerMps;
    f.vertical_rate_baro = true;
    if (o.has_vertical_velocity) f.vertical_rate_fpm = v.z() * kFpmPerMps;
    f.geo_minus_baro_ft = 0.0;  // the simulator's altitude serves as pressure altitude
    const Status s = formats::adsb::EncodeVelocity(icao, f, frame);
    if (!s.ok()) return fail(s);
    AppendBeast(frame, ts, o.source, send, -1, feed);
  }

  formats::adsb::AirbornePositionFields p;
  p.typecode = kAdsbPositionTypecode;
  if (o.has_altitude) p.altitude_ft = o.position.altitude_m * kFeetPerMetre;
  p.lat_deg = o.position.latitude_deg;
  p.lon_deg = o.position.longitude_deg;
  if (!a.primed) {
    // The other CPR format of the same position first: the real frame then decodes globally.
    p.cpr_format = static_cast<uint8_t>(1 - a.next_format);
    const Status s = formats::adsb::EncodeAirbornePosition(icao, p, frame);
    if (!s.ok()) return fail(s);
    AppendBeast(frame, ts, o.source, send, -1, feed);
    a.primed = true;
  }
  p.cpr_format = a.next_format;
  a.next_format = static_cast<uint8_t>(1 - a.next_format);
  const Status s = formats::adsb::EncodeAirbornePosition(icao, p, frame);
  if (!s.ok()) return fail(s);
  AppendBeast(frame, ts, o.source, send, index, feed);
  return Status::Ok();
}

// ---- CoT --------------------------------------------------------------------------------

Result<std::string> EncodeCot(const model::Observation& o, double period_s) {
  formats::cot::Event e;
  const std::string uid =
      o.source + "-" +
      (o.identity.track_number ? std::to_string(*o.identity.track_number) : std::to_string(o.id));
  e.uid = uid;
  e.type = o.has_altitude ? "a-u-A" : "a-u-S";
  e.how = "m-f";
  e.time = o.time;
  e.start = o.time;
  e.stale =
      o.time + FromSeconds(kCotStalePeriods * (period_s > 0.0 ? period_s : kDefaultCotPeriodS));
  e.point.lat = o.position.latitude_deg;
  e.point.lon = o.position.longitude_deg;
  const double ce = std::sqrt(0.5 * (o.position_covariance(0, 0) + o.position_covariance(1, 1)));
  e.point.ce = ce;
  if (o.has_altitude) {
    e.point.hae = o.position.altitude_m;
    e.point.le = std::sqrt(o.position_covariance(2, 2));
  }
  if (o.velocity_enu) {
    const Eigen::Vector3d& v = *o.velocity_enu;
    e.detail.track = formats::cot::Track{Wrap360(std::atan2(v.x(), v.y()) / kDegToRad),
                                         std::hypot(v.x(), v.y()), std::nullopt, std::nullopt};
  }
  std::string out;
  formats::cot::AppendXml(e, out);
  return out;
}

// ---- UAV: KLV in MPEG-2 TS, and STANAG 4607 ------------------------------------------------

// ST 0601 in TS over UDP: 7 transport packets per datagram (7 x 188 = 1316 bytes, the usual
// payload of TS over UDP/RTP: SMPTE 2022-2, and what fits a 1500-byte Ethernet MTU).
constexpr size_t kTsPacketsPerDatagram = 7;
constexpr int64_t kNanosPerMicro = 1000;
constexpr int64_t kNanosPerMilli = 1'000'000;
constexpr double kMetresPerKm = 1000.0;

// STANAG 4607 packet header values (AEDP-7 edition 3, P1-P7): version "30" (edition 3),
// nationality and classification system "US" (the UAV is a US asset), P4 2 (SECRET; the
// node labels by configuration, this is the platform's own marking), P7 129 (exercise,
// simulated: the feed is a simulation).
constexpr std::string_view kGmtiVersion = "30";
constexpr std::string_view kGmtiNation = "US";
constexpr int64_t kGmtiClassificationSecret = 2;
constexpr int64_t kGmtiExerciseSimulated = 129;
constexpr int64_t kGmtiMissionId = 1;
constexpr int64_t kGmtiJobId = 1;
constexpr std::string_view kGmtiFlightPlan = "ORBIT-WEST";
constexpr uint16_t kMaxRevisitIndex = 0xFFFF;

const UavDescription* FindUav(const MultiSourceScenario& scenario, const std::string& source,
                              bool klv) {
  for (const UavDescription& u : scenario.uavs) {
    if ((klv ? u.klv_source : u.gmti_source) == source) return &u;
  }
  return nullptr;
}

// One record's observations: [begin, end) of scenario.observations with one source and one
// data time (the simulator makes them adjacent, multisource.h).
size_t GroupEnd(const MultiSourceScenario& scenario, size_t begin) {
  const model::Observation& first = scenario.observations[begin];
  size_t end = begin + 1;
  while (end < scenario.observations.size() && scenario.observations[end].source == first.source &&
         scenario.observations[end].time == first.time) {
    ++end;
  }
  return end;
}

struct UavCivilDate {
  int year;
  unsigned month, day;
  int64_t midnight_nanos;
};

// The UTC date of a time (H. Hinnant's civil_from_days).
UavCivilDate DateOf(Timestamp t) {
  int64_t days = t.nanos() / kNanosPerDay;
  if (t.nanos() % kNanosPerDay < 0) --days;
  const int64_t midnight = days * kNanosPerDay;
  days += 719468;  // days from 0000-03-01 to 1970-01-01
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned day = doy - (153 * mp + 2) / 5 + 1;
  const unsigned month = mp < 10 ? mp + 3 : mp - 9;
  const int year = static_cast<int>(yoe) + static_cast<int>(era) * 400 + (month <= 2 ? 1 : 0);
  return {year, month, day, midnight};
}

Result<std::string> EncodeKlvTs(const UavDescription& uav,
                                std::span<const model::Observation> group,
                                formats::klv::TsMuxer& mux) {
  const model::Observation* platform = nullptr;
  const model::Observation* centre = nullptr;
  std::vector<const model::Observation*> corners;
  for (const model::Observation& o : group) {
    if (o.kind == model::ObservationKind::kSelfReport) {
      platform = &o;
    } else if (o.identity.category == "frame_center") {
      centre = &o;
    } else {
      corners.push_back(&o);
    }
  }
  const std::string place = platform ? ObservationPlace(*platform) : ObservationPlace(group[0]);
  if (platform == nullptr || centre == nullptr || corners.size() != 4 || !centre->sensor_relative) {
    return InvalidArgument(place +
                           ": a KLV packet needs a platform report, a frame centre with "
                           "its sensor geometry and four corners");
  }
  formats::klv::UasMetadata m;
  m.precision_time_stamp_us = static_cast<uint64_t>(platform->time.nanos() / kNanosPerMicro);
  m.mission_id = uav.mission_id;
  m.platform_tail_number = uav.tail_number;
  m.platform_designation = uav.designation;
  m.image_source_sensor = uav.image_sensor;
  m.platform_call_sign = uav.call_sign;
  const Eigen::Vector3d v = platform->velocity_enu.value_or(Eigen::Vector3d::Zero());
  const double heading = Wrap360(std::atan2(v.x(), v.y()) / kDegToRad);
  m.platform_heading_deg = heading;
  m.platform_pitch_deg = 0.0;
  m.platform_roll_deg = uav.bank_deg;
  m.sensor_latitude_deg = platform->position.latitude_deg;
  m.sensor_longitude_deg = platform->position.longitude_deg;
  // The simulator has no geoid: its heights serve as both ellipsoid heights (tags 75, 78,
  // which the node's mapping prefers) and heights above mean sea level (tags 15, 25).
  m.sensor_true_altitude_m = platform->position.altitude_m;
  m.sensor_ellipsoid_height_m = platform->position.altitude_m;
  m.sensor_horizontal_fov_deg = uav.horizontal_fov_deg;
  m.sensor_vertical_fov_deg = uav.vertical_fov_deg;
  const model::SensorRelative& look = *centre->sensor_relative;
  m.sensor_relative_azimuth_deg = Wrap360(look.azimuth_deg.value_or(heading) - heading);
  m.sensor_relative_elevation_deg = look.elevation_deg.value_or(0.0);
  m.slant_range_m = look.range_m.value_or(0.0);
  m.target_width_m =
      2.0 * look.range_m.value_or(0.0) * std::tan(0.5 * uav.horizontal_fov_deg * kDegToRad);
  m.frame_center_latitude_deg = centre->position.latitude_deg;
  m.frame_center_longitude_deg = centre->position.longitude_deg;
  m.frame_center_elevation_m = centre->position.altitude_m;
  m.frame_center_hae_m = centre->position.altitude_m;
  for (size_t c = 0; c < corners.size(); ++c) {
    m.offset_corner_deg[2 * c] = corners[c]->position.latitude_deg - centre->position.latitude_deg;
    m.offset_corner_deg[2 * c + 1] =
        corners[c]->position.longitude_deg - centre->position.longitude_deg;
  }
  m.sensor_north_velocity_mps = v.y();
  m.sensor_east_velocity_mps = v.x();
  std::vector<uint8_t> klv;
  if (const Status s = formats::klv::EncodeUasPacket(m, klv); !s.ok()) {
    return InvalidArgument(place + ": " + s.message());
  }
  std::vector<uint8_t> ts;
  ts.reserve(kTsPacketsPerDatagram * formats::klv::kTsPacketSize);
  mux.AppendTables(ts);
  const uint64_t pts = formats::klv::PtsFromMicros(*m.precision_time_stamp_us);
  if (formats::klv::TsMuxer::PesPacketCount(klv.size(), true) + 2 > kTsPacketsPerDatagram) {
    return InvalidArgument(place + ": a KLV packet of " + std::to_string(klv.size()) +
                           " bytes does not fit one datagram");
  }
  BIAC_RETURN_IF_ERROR(mux.AppendKlv(klv, pts, ts));
  mux.PadWithNullPackets(kTsPacketsPerDatagram, ts);
  return Bytes(ts);
}

Result<double> SlantRange(const geo::Lla& sensor, const geo::Lla& point) {
  BIAC_ASSIGN_OR_RETURN(const geo::LocalFrame frame, geo::LocalFrame::Create(point));
  BIAC_ASSIGN_OR_RETURN(const geo::Enu enu, frame.LlaToEnu(sensor));
  return enu.AsVector().norm();
}

Result<std::string> EncodeGmti(const UavDescription& uav, std::span<const model::Observation> group,
                               uint16_t revisit) {
  namespace g = formats::gmti;
  const model::Observation& first = group[0];
  if (!first.sensor_relative) {
    return InvalidArgument(ObservationPlace(first) + ": a GMTI report without its sensor position");
  }
  const UavCivilDate date = DateOf(first.time);
  g::PacketHeader header;
  header.SetText(g::packet_header::kVersion, kGmtiVersion);
  header.SetText(g::packet_header::kNationality, kGmtiNation);
  header.SetRaw(g::packet_header::kClassification, kGmtiClassificationSecret);
  header.SetText(g::packet_header::kClassSystem, kGmtiNation);
  header.SetRaw(g::packet_header::kExerciseIndicator, kGmtiExerciseSimulated);
  header.SetText(g::packet_header::kPlatformId, uav.tail_number);
  header.SetRaw(g::packet_header::kMissionId, kGmtiMissionId);
  header.SetRaw(g::packet_header::kJobId, kGmtiJobId);
  g::MissionSegment mission;
  mission.SetText(g::mission::kMissionPlan, uav.mission_id);
  mission.SetText(g::mission::kFlightPlan, kGmtiFlightPlan);
  mission.SetRaw(g::mission::kPlatformType, uav.gmti_platform_type);
  mission.SetText(g::mission::kPlatformConfig, uav.designation);
  mission.SetRaw(g::mission::kYear, date.year);
  mission.SetRaw(g::mission::kMonth, date.month);
  mission.SetRaw(g::mission::kDay, date.day);

  g::DwellSegment dwell;
  const geo::Lla& sensor = first.sensor_relative->sensor_position;
  dwell.SetRaw(g::DwellField::kRevisitIndex, revisit);
  dwell.SetRaw(g::DwellField::kDwellIndex, 0);
  dwell.SetRaw(g::DwellField::kLastDwellOfRevisit, 1);
  dwell.SetRaw(g::DwellField::kDwellTime,
               (first.time.nanos() - date.midnight_nanos) / kNanosPerMilli);
  dwell.SetValue(g::DwellField::kSensorLat, sensor.latitude_deg);
  dwell.SetValue(g::DwellField::kSensorLon, Wrap360(sensor.longitude_deg));
  dwell.SetValue(g::DwellField::kSensorAlt, sensor.altitude_m);
  dwell.SetValue(g::DwellField::kDwellCenterLat, uav.dwell_center.latitude_deg);
  dwell.SetValue(g::DwellField::kDwellCenterLon, Wrap360(uav.dwell_center.longitude_deg));
  dwell.SetValue(g::DwellField::kRangeHalfExtent, uav.dwell_range_half_extent_m / kMetresPerKm);
  dwell.SetValue(g::DwellField::kAngleHalfExtent, uav.dwell_angle_half_extent_deg);
  dwell.SetValue(g::DwellField::kMinimumDetectableVelocity, uav.minimum_detectable_velocity_mps);
  for (g::TargetField f :
       {g::TargetField::kMtiReportIndex, g::TargetField::kHiResLat, g::TargetField::kHiResLon,
        g::TargetField::kGeodeticHeight, g::TargetField::kVelocityLos,
        g::TargetField::kClassification, g::TargetField::kSlantRangeUncertainty,
        g::TargetField::kCrossRangeUncertainty, g::TargetField::kHeightUncertainty,
        g::TargetField::kRadialVelocityUncertainty}) {
    dwell.existence_mask |= g::MaskBit(f);
  }
  dwell.reports.resize(group.size());
  for (size_t i = 0; i < group.size(); ++i) {
    const model::Observation& o = group[i];
    if (!o.sensor_relative || !o.sensor_relative->range_rate_mps) {
      return InvalidArgument(ObservationPlace(o) + ": a GMTI report without its radial speed");
    }
    BIAC_ASSIGN_OR_RETURN(const double slant, SlantRange(sensor, o.position));
    g::TargetReport& r = dwell.reports[i];
    r.SetRaw(g::TargetField::kMtiReportIndex, static_cast<int64_t>(i));
    r.SetValue(g::TargetField::kHiResLat, o.position.latitude_deg);
    r.SetValue(g::TargetField::kHiResLon, Wrap360(o.position.longitude_deg));
    r.SetValue(g::TargetField::kGeodeticHeight, o.position.altitude_m);
    r.SetValue(g::TargetField::kVelocityLos, *o.sensor_relative->range_rate_mps);
    r.SetRaw(g::TargetField::kClassification, uav.gmti_classification);
    r.SetValue(g::TargetField::kSlantRangeUncertainty, uav.slant_range_sigma_m);
    r.SetValue(g::TargetField::kCrossRangeUncertainty,
               slant * uav.cross_range_sigma_deg * kDegToRad);
    r.SetValue(g::TargetField::kHeightUncertainty, uav.height_sigma_m);
    r.SetValue(g::TargetField::kRadialVelocityUncertainty, uav.radial_velocity_sigma_mps);
  }
  const std::vector<g::Segment> segments{mission, std::move(dwell)};
  Result<std::vector<uint8_t>> packet = g::EncodePacket(header, segments);
  if (!packet.ok())
    return InvalidArgument(ObservationPlace(first) + ": " + packet.status().message());
  return Bytes(*packet);
}

}  // namespace

std::string_view WireFormatName(WireFormat format) {
  switch (format) {
    case WireFormat::kAisNmea:
      return "ais-nmea";
    case WireFormat::kBeast:
      return "beast";
    case WireFormat::kSbs:
      return "sbs";
    case WireFormat::kAsterix:
      return "asterix";
    case WireFormat::kCot:
      return "cot";
    case WireFormat::kKlvTs:
      return "klv-ts";
    case WireFormat::kGmti:
      return "gmti";
  }
  return "?";
}

Result<WireFormat> ParseWireFormat(std::string_view name) {
  for (WireFormat f :
       {WireFormat::kAisNmea, WireFormat::kBeast, WireFormat::kSbs, WireFormat::kAsterix,
        WireFormat::kCot, WireFormat::kKlvTs, WireFormat::kGmti}) {
    if (WireFormatName(f) == name) return f;
  }
  return InvalidArgument("wire format '" + std::string(name) +
                         "': unknown (ais-nmea, beast, sbs, asterix, cot)");
}

std::string_view WireTransportName(WireTransport transport) {
  return transport == WireTransport::kUdp ? "udp" : "tcp";
}

uint64_t BeastGpsTimestamp(Timestamp time) {
  int64_t ns = time.nanos() % kNanosPerDay;
  if (ns < 0) ns += kNanosPerDay;
  const auto seconds = static_cast<uint64_t>(ns / kNanosPerSecond);
  const auto nanos = static_cast<uint64_t>(ns % kNanosPerSecond);
  return seconds << kBeastNanosBits | nanos;
}

Result<std::string> EncodeCat048Block(const AsterixSite& site,
                                      std::span<const model::Observation* const> plots) {
  BIAC_ASSIGN_OR_RETURN(const geo::LocalFrame frame, geo::LocalFrame::Create(site.position));
  const Eigen::Vector3d up_site = frame.enu_to_ecef_rotation().col(2);
  std::vector<Json> records;
  records.reserve(plots.size());
  for (const model::Observation* o : plots) {
    Json r = Json::object();
    r["I048/010"] = {{"SAC", site.sac}, {"SIC", site.sic}};
    r["I048/140"] = SecondsOfDay(o->time);
    r["I048/020"] = {{"TYP", kTypSinglePsr}, {"SIM", 0}, {"RDP", 0}, {"SPI", 0}, {"RAB", 0}};
    double east = 0.0, north = 0.0;
    if (o->has_altitude) {
      // A 3-D plot: slant range and azimuth to the target, its height as I090.
      BIAC_ASSIGN_OR_RETURN(const geo::Enu enu, frame.LlaToEnu(o->position));
      const double ground = std::hypot(enu.east, enu.north);
      const double slant = std::hypot(ground, enu.up);
      east = enu.east / ground * slant;
      north = enu.north / ground * slant;
    } else {
      // A 2-D plot: where the plot's local vertical meets the radar's horizontal plane (see
      // wire_feed.h): ECEF(lat, lon, h) = ECEF(lat, lon, 0) + h n, n the plot's up vector.
      const geo::Lla foot{o->position.latitude_deg, o->position.longitude_deg, 0.0};
      BIAC_ASSIGN_OR_RETURN(const geo::Ecef foot_ecef, geo::LlaToEcef(foot));
      const double lat = foot.latitude_deg * kDegToRad;
      const double lon = foot.longitude_deg * kDegToRad;
      const Eigen::Vector3d n(std::cos(lat) * std::cos(lon), std::cos(lat) * std::sin(lon),
                              std::sin(lat));
      const Eigen::Vector3d rel = foot_ecef.AsVector() - frame.origin().AsVector();
      const double h = -up_site.dot(rel) / up_site.dot(n);
      const geo::Enu enu = frame.EcefToEnu(geo::Ecef::FromVector(foot_ecef.AsVector() + h * n));
      east = enu.east;
      north = enu.north;
    }
    const double rho_nm = std::hypot(east, north) / kMetresPerNm;
    // THETA is 16 bits of 360/2^16 deg: an azimuth that rounds up to 360 deg is 0.
    const double theta =
        std::fmod(std::round(Wrap360(std::atan2(east, north) / kDegToRad) / kThetaLsbDeg),
                  kThetaSteps) *
        kThetaLsbDeg;
    r["I048/040"] = {{"RHO", rho_nm}, {"THETA", theta}};
    if (o->identity.mode3a) {
      r["I048/070"] = {{"V", 0}, {"G", 0}, {"L", 0}, {"MODE3A", OctalMode3a(*o->identity.mode3a)}};
    }
    if (o->has_altitude) {
      r["I048/090"] = {
          {"V", 0}, {"G", 0}, {"FL", o->position.altitude_m * kFeetPerMetre / kFeetPerFlightLevel}};
    }
    records.push_back(std::move(r));
  }
  Result<std::vector<uint8_t>> block = formats::asterix::EncodeDataBlock(Cat048(), records);
  if (!block.ok()) return block.status();
  return Bytes(*block);
}

Result<std::string> EncodeCat062Block(const AsterixSite& site,
                                      std::span<const model::Observation* const> tracks) {
  std::vector<Json> records;
  records.reserve(tracks.size());
  for (const model::Observation* o : tracks) {
    if (!o->identity.track_number) {
      return InvalidArgument(ObservationPlace(*o) + ": CAT062 track without a track number");
    }
    Json r = Json::object();
    r["I062/010"] = {{"SAC", site.sac}, {"SIC", site.sic}};
    r["I062/015"] = kServiceIdentification;
    r["I062/070"] = SecondsOfDay(o->time);
    r["I062/105"] = {{"LAT", o->position.latitude_deg}, {"LON", o->position.longitude_deg}};
    if (o->velocity_enu) {
      r["I062/185"] = {{"VX", o->velocity_enu->x()}, {"VY", o->velocity_enu->y()}};
    }
    r["I062/040"] = *o->identity.track_number;
    r["I062/080"] = {{"MON", 0}, {"SPI", 0}, {"MRH", 1}, {"SRC", kSrcGnss}, {"CNF", 0}};
    if (o->has_altitude) r["I062/130"] = o->position.altitude_m * kFeetPerMetre;
    if (o->velocity_enu && o->has_vertical_velocity) {
      r["I062/220"] = o->velocity_enu->z() * kFpmPerMps;
    }
    Json accuracy = Json::object();
    accuracy["APC"] = {{"X", std::sqrt(o->position_covariance(0, 0))},
                       {"Y", std::sqrt(o->position_covariance(1, 1))}};
    if (o->has_altitude) {
      accuracy["AGA"] = std::sqrt(o->position_covariance(2, 2)) * kFeetPerMetre;
    }
    if (o->velocity_enu) {
      accuracy["ATV"] = {{"X", std::sqrt(o->velocity_covariance(0, 0))},
                         {"Y", std::sqrt(o->velocity_covariance(1, 1))}};
    }
    r["I062/500"] = std::move(accuracy);
    records.push_back(std::move(r));
  }
  Result<std::vector<uint8_t>> block = formats::asterix::EncodeDataBlock(Cat062(), records);
  if (!block.ok()) return block.status();
  return Bytes(*block);
}

Result<std::vector<WireSourceConfig>> WireSources(const MultiSourceScenario& scenario,
                                                  const WireFeedOptions& options) {
  std::map<std::string, const model::Observation*> first;
  for (const model::Observation& o : scenario.observations) first.emplace(o.source, &o);
  std::vector<WireSourceConfig> out;
  uint8_t sic = options.first_sic;
  for (const SourceDescription& s : scenario.sources) {
    WireSourceConfig c;
    c.source = s.id;
    c.label_text = s.label_text;
    c.description = s.description;
    const auto it = first.find(s.id);
    const model::Observation* o = it == first.end() ? nullptr : it->second;
    if (o != nullptr) c.sensor = o->sensor;
    const bool plots = s.observation_kind == model::ObservationKind::kDetection;
    if (s.kind == model::SourceKind::kKlv) {
      c.format = WireFormat::kKlvTs;
      c.transport = WireTransport::kUdp;
    } else if (s.kind == model::SourceKind::kGmti) {
      c.format = WireFormat::kGmti;
      c.transport = WireTransport::kTcp;
    } else if (s.kind == model::SourceKind::kAis) {
      c.format = WireFormat::kAisNmea;
      c.transport = WireTransport::kUdp;
    } else if (s.kind == model::SourceKind::kAdsb) {
      c.format = WireFormat::kBeast;
      c.transport = WireTransport::kTcp;
      c.beast_gps_timestamps = true;
    } else if (plots) {
      if (o == nullptr || !o->sensor_relative) {
        return InvalidArgument("source " + s.id +
                               ": no plot with a sensor position to take the "
                               "radar site from");
      }
      c.format = WireFormat::kAsterix;
      c.transport = WireTransport::kUdp;
      c.asterix_category = kCat048;
      c.site = AsterixSite{options.sac, sic++, o->sensor_relative->sensor_position};
      c.range_sigma_m = o->sensor_relative->range_sigma_m;
      c.azimuth_sigma_deg = o->sensor_relative->azimuth_sigma_deg;
    } else if (s.observation_kind == model::ObservationKind::kSystemTrack &&
               !options.partner_tracks_as_cot) {
      c.format = WireFormat::kAsterix;
      c.transport = WireTransport::kUdp;
      c.asterix_category = kCat062;
      c.site = AsterixSite{options.sac, sic++, scenario.origin};
    } else if (s.observation_kind == model::ObservationKind::kSystemTrack ||
               s.observation_kind == model::ObservationKind::kSelfReport) {
      c.format = WireFormat::kCot;
      c.transport = WireTransport::kTcp;
    } else {
      return InvalidArgument("source " + s.id + ": no wire format for its observations");
    }
    out.push_back(std::move(c));
  }
  return out;
}

Result<WireFeed> BuildWireFeed(const MultiSourceScenario& scenario,
                               const WireFeedOptions& options) {
  WireFeed feed;
  BIAC_ASSIGN_OR_RETURN(feed.sources, WireSources(scenario, options));
  std::unordered_map<std::string, size_t> by_id;
  for (size_t i = 0; i < feed.sources.size(); ++i) by_id[feed.sources[i].source] = i;
  std::unordered_map<std::string, double> periods;
  for (const SourceDescription& s : scenario.sources) periods[s.id] = s.period_s;

  AisState ais;
  AdsbState adsb;
  std::unordered_map<std::string, formats::klv::TsMuxer> muxers;
  std::unordered_map<std::string, uint16_t> revisits;
  feed.records.reserve(scenario.observations.size() * 2);
  feed.observation_index.reserve(scenario.observations.size() * 2);
  feed.observation_count.reserve(scenario.observations.size() * 2);
  for (size_t i = 0; i < scenario.observations.size(); ++i) {
    const model::Observation& o = scenario.observations[i];
    const Timestamp send = scenario.arrival[i];
    const auto index = static_cast<int64_t>(i);
    const auto it = by_id.find(o.source);
    if (it == by_id.end()) {
      return InvalidArgument(ObservationPlace(o) + ": source not in the scenario's sources");
    }
    const WireSourceConfig& c = feed.sources[it->second];
    const size_t records_before = feed.records.size();
    switch (c.format) {
      case WireFormat::kAisNmea:
        BIAC_RETURN_IF_ERROR(EncodeAis(o, send, index, options, ais, feed));
        break;
      case WireFormat::kBeast:
        BIAC_RETURN_IF_ERROR(EncodeAdsb(o, send, index, options, adsb, feed));
        break;
      case WireFormat::kAsterix: {
        const model::Observation* one[] = {&o};
        Result<std::string> block = c.asterix_category == kCat048 ? EncodeCat048Block(*c.site, one)
                                                                  : EncodeCat062Block(*c.site, one);
        if (!block.ok()) {
          return InvalidArgument(ObservationPlace(o) + ": " + block.status().message());
        }
        feed.records.push_back({send, o.source, WireFormat::kAsterix, std::move(*block)});
        feed.observation_index.push_back(index);
        break;
      }
      case WireFormat::kCot: {
        BIAC_ASSIGN_OR_RETURN(std::string xml, EncodeCot(o, periods[o.source]));
        feed.records.push_back({send, o.source, WireFormat::kCot, std::move(xml)});
        feed.observation_index.push_back(index);
        break;
      }
      case WireFormat::kSbs:
        return InvalidArgument(ObservationPlace(o) + ": the simulator does not write SBS");
      case WireFormat::kKlvTs:
      case WireFormat::kGmti: {
        const bool klv = c.format == WireFormat::kKlvTs;
        const UavDescription* uav = FindUav(scenario, o.source, klv);
        if (uav == nullptr) {
          return InvalidArgument(ObservationPlace(o) + ": no UAV of the scenario has this feed");
        }
        const size_t end = GroupEnd(scenario, i);
        const std::span<const model::Observation> group(scenario.observations.data() + i, end - i);
        Result<std::string> bytes = [&]() -> Result<std::string> {
          if (!klv) {
            uint16_t& revisit = revisits[o.source];
            const uint16_t this_revisit = revisit;
            revisit = static_cast<uint16_t>((revisit + 1) % (kMaxRevisitIndex + 1));
            return EncodeGmti(*uav, group, this_revisit);
          }
          auto mux = muxers.find(o.source);
          if (mux == muxers.end()) {
            BIAC_ASSIGN_OR_RETURN(formats::klv::TsMuxer m, formats::klv::TsMuxer::Create());
            mux = muxers.emplace(o.source, std::move(m)).first;
          }
          return EncodeKlvTs(*uav, group, mux->second);
        }();
        if (!bytes.ok()) return bytes.status();
        feed.records.push_back({send, o.source, c.format, std::move(*bytes)});
        feed.observation_index.push_back(index);
        feed.observation_count.push_back(static_cast<uint32_t>(end - i));
        i = end - 1;
        continue;
      }
    }
    for (size_t r = records_before; r < feed.records.size(); ++r) {
      feed.observation_count.push_back(feed.observation_index[r] >= 0 ? 1 : 0);
    }
  }
  return feed;
}

}  // namespace biac::sim
