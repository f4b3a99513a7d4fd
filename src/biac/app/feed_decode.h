#pragma once

// Framed feed records -> model::Observations, for the node's listeners (issue 5 §1). One
// FeedDecoder per source (per connection for TCP sources whose state must not mix: the
// AIS reassembly and the ADS-B CPR pairs are per stream), fed one framed record at a time
// by the net/feed framers:
//   kAisNmea  one NMEA line (with or without CR LF; tag blocks allowed)
//   kBeast    one Beast frame from its type byte, unescaped (type, 6-byte timestamp, signal,
//             payload: what net/feed's BeastFramer delivers); a leading 0x1A is also accepted
//   kSbs      one SBS-1 BaseStation line
//   kAsterix  one ASTERIX data block (CAT048 plots, CAT062 tracks, CAT021 ADS-B reports), or
//             a UDP datagram of several consecutive blocks
//   kCot      one CoT <event> document (XML)
//   kKlvTs    one 188-byte MPEG-2 transport packet, or a UDP datagram of whole packets
//   kGmti     one STANAG 4607 packet (header + segments, P2 bytes)
// It uses the formats' own decoders and observation mappers, with their state:
//   AIS     NmeaDecoder (multi-sentence reassembly) + ObservationMapper (static data per MMSI)
//   Beast   PositionDecoder (CPR even/odd pairs, local decoding) + ObservationMapper (identity,
//           quality and velocity per aircraft)
//   SBS     SbsObservationMapper
//   ASTERIX stateless (ToObservation per record), times of day placed on the arrival's UTC day
//   CoT     XmlDecoder + ToObservation
//   KLV     klv::TsKlvDemuxer (PAT/PMT, PES per PID, continuity counters; ts_demux.h) +
//           st0601 DecodeUasPacket + klv::AppendObservations (platform, frame centre, corners)
//   GMTI    gmti::SegmentReader, the last mission segment and job definitions + gmti::
//           AppendObservations (target reports); platform location segments as self reports
//
// Observations get `source` and the label parsed from `label_text` from the configuration,
// never from the wire (a CoT event's own marking is ignored); `id` stays 0 (the node's store
// numbers them). Times: the data's own time where the wire has one (AIS UTC second,
// ASTERIX time of day, CoT time, Beast GPS timestamps when configured), else the arrival.
//
// Not thread-safe: one decoder is used by one listener thread.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "biac/base/status.h"
#include "biac/base/time.h"
#include "biac/formats/asterix/observations.h"
#include "biac/geo/coordinates.h"
#include "biac/model/observation.h"
#include "biac/sim/wire_feed.h"

namespace biac::app {

using sim::WireFormat;

struct FeedSourceConfig {
  std::string source;      // Observation::source
  std::string label_text;  // parsed by labels::Parse; every observation carries it
  WireFormat format = WireFormat::kAisNmea;
  std::string sensor;  // Observation::sensor for AIS (without tag block), Beast, SBS, CoT
  // ASTERIX: the radar sites (CAT048 polar plots) and tracker reference points (CAT062
  // Cartesian-only tracks), by SAC/SIC.
  std::vector<formats::asterix::SensorSite> sites;
  // ASTERIX CAT048 plot noise (1 sigma); 0: the asterix mapper's defaults.
  double range_sigma_m = 0.0;
  double azimuth_sigma_deg = 0.0;
  // Beast: the 48-bit timestamp is Radarcape GPS time (UTC seconds of the day << 30 |
  // nanoseconds); otherwise (a free-running 12 MHz counter) the arrival time is used.
  bool beast_gps_timestamps = false;
  // Beast: the receiver's position, for surface positions and (when every aircraft is
  // within 180 NM of it) local CPR decoding of a first frame.
  std::optional<geo::Lla> receiver;
};

// The configuration of a simulated source (sim::WireSources), as the node would be given it.
FeedSourceConfig FeedSourceConfigFrom(const sim::WireSourceConfig& wire);

// Counters of one decoder (monotonic).
struct FeedDecodeStats {
  uint64_t records = 0;       // Decode calls
  uint64_t errors = 0;        // records that set *error
  uint64_t observations = 0;  // observations appended
  uint64_t silent = 0;        // good records that gave no observation (static data, velocity,
                              // a CPR frame waiting for its pair, a fragment)
};

class FeedDecoder {
 public:
  // Errors: the label does not parse ("source jpn-radar: label '...': <reason>"), an
  // ASTERIX site out of range.
  static Result<std::unique_ptr<FeedDecoder>> Create(const FeedSourceConfig& config);
  ~FeedDecoder();
  FeedDecoder(const FeedDecoder&) = delete;
  FeedDecoder& operator=(const FeedDecoder&) = delete;

  // Decodes ONE framed record received at `arrival`, appending its observations (0, 1 or, for
  // an ASTERIX block, several) to `out`. On a bad record nothing is appended for the bad part
  // and, if `error` is not null, *error says why ("checksum 3F, expected 2A", "CAT048 record
  // 2: ..."); the caller adds the place (source, connection, offset). On success *error is
  // cleared. A bad record never stops the decoder: the next record is decoded normally.
  void Decode(std::span<const uint8_t> record, Timestamp arrival,
              std::vector<model::Observation>& out, std::string* error);

  const FeedSourceConfig& config() const;
  FeedDecodeStats stats() const;

  class Impl;

 private:
  explicit FeedDecoder(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace biac::app
