#pragma once

// A multi-source scenario as the bytes its sources would send (issue 5 §3, §4): every
// observation of sim::MultiSourceScenario re-expressed in the real wire format of its source,
// in arrival order, with the listener configuration a node needs to read each source back.
//
// Source -> format mapping (docs/wire-feeds.md; BuildWireFeed):
//   source kind / id                 format        transport   framing of one record
//   kAis ("ais")                     kAisNmea      UDP         one !AIVDM sentence + CR LF
//   kAdsb ("adsb")                   kBeast        TCP         one escaped Beast frame
//   kAsterix radars (us-radar,       kAsterix      UDP         one data block, CAT048
//     jpn-radar, jpn-only)                                      (one record per plot)
//   2-D plots of any other kind      kAsterix      UDP         CAT048: a plot extractor's
//     ("us-only", kSimulation)                                 output is CAT048 whatever
//                                                              carries the radar
//   system tracks (kPartner,         kAsterix      UDP         CAT062 (track number kept), or
//     "jpn-tracks")                                            kCot with partner_tracks_as_cot
//   other self reports               kCot          TCP         one <event> document
//   kKlv ("uav-klv")                 kKlvTs        UDP         7 TS packets (1316 bytes):
//                                                              PAT, PMT, the PES of one ST 0601
//                                                              packet, null packets
//   kGmti ("uav-gmti")               kGmti         TCP         one STANAG 4607 packet: mission
//                                                              segment, one dwell
// kSbs is a format the node reads (FeedDecoder) but the scenario does not produce.
//
// What the wire carries, per format (the details are in the encoders' headers):
// - AIS: a type 5 (static and voyage data: name, call sign, ship type; two sentences) before
//   a ship's first position report and every ais_static_period_s after, then one type 1 per
//   observation. A type 1 time stamp is the UTC second of the fix; the observation's time is
//   truncated to its whole second and the position moved back along the reported velocity
//   by the truncated fraction, so that the decoded (time, position) pair is consistent.
//   Accuracy flag 0, RAIM 1: the mapper's sigma 14.3 m (observation.h) for the simulator's
//   10 m.
// - ADS-B (DF17 in Beast frames): per observation an airborne velocity (TC 19: east/north
//   in kt, vertical rate, GNSS-minus-baro 0: the simulator's altitude is taken as pressure
//   altitude), then one airborne position (TC 11, NACp 8 via TC 31) alternating even/odd
//   CPR per aircraft. Before an aircraft's first position: identification (TC 4, emitter
//   category and callsign), operational status (TC 31 version 2, NACp 8, NACv 1) and the
//   other CPR format of the same position, so that the first position already decodes
//   globally; identification and status are repeated every adsb_status_period_s. The Beast
//   timestamp is the Radarcape GPS form (18 bits UTC seconds of the day, 30 bits
//   nanoseconds) of the observation's time, so a node that knows it (FeedSourceConfig::
//   beast_gps_timestamps) recovers the data time; the signal byte is a constant.
// - ASTERIX CAT048 (edition 1.21): I010 SAC/SIC, I140 time of day (1/128 s), I020 (TYP 1:
//   single PSR detection), I040 (RHO 1/256 NM, THETA 360/2^16 deg), plus I070 / I090 when the
//   observation has a Mode 3/A code / an altitude. 2-D plots: the decoder
//   (formats/asterix/observations.cc) places a plot without I090 in the radar's local
//   horizontal plane (elevation 0); I040 is written as the polar coordinates, in that plane,
//   of the point where the plot's local vertical meets it, so the decoded position is the
//   simulated one (within the quantisation). Writing the simulator's geodesic ground range
//   r instead would put the plot short by ~r^3 / (3 R^2) (350 m at 350 km); the RHO written
//   exceeds r by about as much (docs/wire-feeds.md).
// - ASTERIX CAT062 (edition 1.18): I010, I015, I040 track number, I070 time of track,
//   I105 WGS-84 position, I130 geometric altitude, I185 velocity, I220 rate of climb,
//   I500 accuracies (APC x/y 0.5 m, AGA 6.25 ft, ATV 0.25 m/s) from the covariance.
// - CoT: an <event> per observation, type a-u-A (unknown air) or a-u-S, how "m-f" (fused:
//   a system track), uid "<source>-<track number>", point with ce/le from the covariance,
//   <track> with course and speed; no security marking (the node labels by configuration).
//
// - KLV (MISB ST 0601.17 in MPEG-2 TS, formats/klv/encode.h, ts_mux.h): one packet per
//   KLV period from the UAV's six observations of that time (multisource.h UavDescription):
//   time stamp, mission id, tail number, designation, image sensor, call sign, platform
//   heading (from the velocity), pitch 0, roll (the orbit's bank), sensor latitude, longitude,
//   height (as tag 15 and tag 75: the simulator has no geoid), FOVs, sensor-relative azimuth
//   and elevation, slant range, target width, frame centre (tags 23-25 and 78), the four
//   corners as offsets (26-33), north and east velocity, version 17, checksum. Every datagram
//   repeats the PAT and PMT, so a listener can join at any datagram.
// - GMTI (STANAG 4607 edition 3, formats/gmti/encoder.h): one packet per dwell with
//   detections: header (platform id = tail number, P4 SECRET, P7 exercise/simulated), a
//   mission segment (reference date = the dwell's UTC date, platform type MQ-9), and the dwell
//   (time in ms of that day, sensor position, dwell area, MDV) whose reports carry hi-res
//   position, geodetic height, line-of-sight velocity, classification and their own
//   slant-range, cross-range, height and radial-velocity sigmas.
//
// Observations always get source and label from the listener configuration; nothing on the
// wire names either.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "biac/base/status.h"
#include "biac/base/time.h"
#include "biac/geo/coordinates.h"
#include "biac/model/observation.h"
#include "biac/sim/multisource.h"

namespace biac::sim {

// kKlvTs: MISB ST 0601 KLV in an MPEG-2 transport stream (188-byte packets; over UDP, a
// datagram holds whole packets). kGmti: STANAG 4607 packets.
enum class WireFormat : uint8_t { kAisNmea, kBeast, kSbs, kAsterix, kCot, kKlvTs, kGmti };

// "ais-nmea", "beast", "sbs", "asterix", "cot", "klv-ts", "gmti" (the names a node
// configuration uses).
std::string_view WireFormatName(WireFormat format);
Result<WireFormat> ParseWireFormat(std::string_view name);

// The transport a source's records are meant for (the node's listener kind).
enum class WireTransport : uint8_t { kUdp, kTcp };
std::string_view WireTransportName(WireTransport transport);  // "udp", "tcp"

struct WireRecord {
  Timestamp send_time;  // when the source puts the record on the wire (the scenario's arrival)
  std::string source;   // the source id (the listener it goes to)
  WireFormat format = WireFormat::kAisNmea;
  std::string bytes;  // exactly what is sent (see the framing column above)
};

// A radar or tracker site as ASTERIX identifies it.
struct AsterixSite {
  uint8_t sac = 0;
  uint8_t sic = 0;
  geo::Lla position;  // antenna (radar) or system reference point (tracker)
};

// What a node must be configured with to read one source back.
struct WireSourceConfig {
  std::string source;  // Observation::source
  WireFormat format = WireFormat::kAisNmea;
  WireTransport transport = WireTransport::kUdp;
  std::string label_text;  // labels::Parse(label_text) is the source's label
  std::string sensor;      // the simulator's sensor name (Observation::sensor for AIS/ADS-B)
  std::string description;
  // kAsterix: the category sent (48 plots, 62 tracks) and the site of the SAC/SIC used.
  uint8_t asterix_category = 0;
  std::optional<AsterixSite> site;
  // CAT048 plots carry no accuracy: the radar's noise, for the node's measurement model.
  double range_sigma_m = 0.0;
  double azimuth_sigma_deg = 0.0;
  // kBeast: timestamps are Radarcape GPS time of day (see above).
  bool beast_gps_timestamps = false;
};

struct WireFeedOptions {
  // Partner system tracks as CoT events instead of ASTERIX CAT062.
  bool partner_tracks_as_cot = false;
  // AIS type 5 repeat period (M.1371-5 Annex 1 Table 1: static data every 6 min).
  double ais_static_period_s = 360.0;
  // ADS-B identification and operational status repeat period (DO-260B 2.2.3.3.1.4: 5 s
  // for identification; 2.5 s / 5 s for status: one value for both here).
  double adsb_status_period_s = 5.0;
  // SAC of every ASTERIX source; SICs are numbered from first_sic in source order.
  uint8_t sac = 25;
  uint8_t first_sic = 10;
};

struct WireFeed {
  std::vector<WireSourceConfig> sources;  // in the scenario's source order
  std::vector<WireRecord> records;        // by send_time; ties keep the scenario's order
  // For each record, the index (into scenario.observations) of the observation it carries,
  // or -1 for records that carry no observation by themselves (AIS static data, ADS-B
  // velocity, identification, status and the priming CPR frame). A record that carries
  // several (a KLV packet: the platform and five sensor points; a GMTI dwell: its reports)
  // has the index of the first; they are adjacent in scenario.observations.
  std::vector<int64_t> observation_index;
  // For each record, how many observations it carries from observation_index on: 0 for -1,
  // 1 for most, 6 for a KLV packet, the report count for a GMTI dwell.
  std::vector<uint32_t> observation_count;
};

// The whole scenario on the wire. Errors: a value that does not fit its field (names the
// observation id and the field), or a source whose kind has no mapping.
Result<WireFeed> BuildWireFeed(const MultiSourceScenario& scenario,
                               const WireFeedOptions& options = {});

// The listener configuration of each source (what BuildWireFeed puts in WireFeed::sources),
// without encoding anything.
Result<std::vector<WireSourceConfig>> WireSources(const MultiSourceScenario& scenario,
                                                  const WireFeedOptions& options = {});

// ---- Encoders of one observation (shared with the load generator, load.h) ----------------

// Radarcape GPS Beast timestamp of `time`: UTC seconds of the day << 30 | nanoseconds.
uint64_t BeastGpsTimestamp(Timestamp time);

// One CAT048 data block with one record per plot. `plots[i].sensor_relative` is not needed:
// I040 is computed from the plot's position and `site` (see above).
Result<std::string> EncodeCat048Block(const AsterixSite& site,
                                      std::span<const model::Observation* const> plots);
// One CAT062 data block with one record per track (identity.track_number required).
Result<std::string> EncodeCat062Block(const AsterixSite& site,
                                      std::span<const model::Observation* const> tracks);

}  // namespace biac::sim
