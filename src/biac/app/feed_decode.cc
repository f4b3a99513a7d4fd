#include "biac/app/feed_decode.h"

#include <fmt/format.h>

#include <array>
#include <chrono>
#include <cmath>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "biac/formats/adsb/cpr.h"
#include "biac/formats/adsb/framing.h"
#include "biac/formats/adsb/modes.h"
#include "biac/formats/adsb/observation.h"
#include "biac/formats/ais/nmea.h"
#include "biac/formats/ais/observation.h"
#include "biac/formats/asterix/record.h"
#include "biac/formats/asterix/spec.h"
#include "biac/formats/cot/event.h"
#include "biac/formats/cot/observation.h"
#include "biac/formats/cot/takproto.h"
#include "biac/formats/cot/xml.h"
#include "biac/formats/gmti/decoder.h"
#include "biac/formats/gmti/observations.h"
#include "biac/formats/gmti/segments.h"
#include "biac/formats/klv/klv.h"
#include "biac/formats/klv/observations.h"
#include "biac/formats/klv/st0601.h"
#include "biac/formats/klv/ts_demux.h"
#include "biac/geo/local_frame.h"
#include "biac/labels/label.h"

namespace biac::app {
namespace {

namespace adsb = formats::adsb;
namespace ais = formats::ais;
namespace asterix = formats::asterix;
namespace cot = formats::cot;
namespace gmti = formats::gmti;
namespace klv = formats::klv;

constexpr int64_t kNanosPerSecond = 1'000'000'000;
constexpr int64_t kNanosPerDay = 86400 * kNanosPerSecond;
constexpr int64_t kHalfDayNanos = kNanosPerDay / 2;
// Radarcape GPS Beast timestamp: UTC seconds of the day in the top 18 bits, nanoseconds in
// the low 30 (sim/wire_feed.h).
constexpr unsigned kBeastNanosBits = 30;
constexpr uint64_t kBeastNanosMask = (uint64_t{1} << kBeastNanosBits) - 1;
// Beast record: type, 6-byte timestamp, signal, payload (formats/adsb/framing.h).
constexpr size_t kBeastHeaderBytes = 1 + adsb::kBeastTimestampBytes + 1;
constexpr size_t kMaxBeastRecord = kBeastHeaderBytes + adsb::kLongFrameBytes;

std::string_view AsText(std::span<const uint8_t> record) {
  std::string_view s(reinterpret_cast<const char*>(record.data()), record.size());
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

Timestamp UtcMidnight(Timestamp t) {
  int64_t day = t.nanos() / kNanosPerDay;
  if (t.nanos() < 0 && t.nanos() % kNanosPerDay != 0) --day;
  return Timestamp::FromNanos(day * kNanosPerDay);
}

// A time of day placed on the UTC day that puts it nearest the arrival (a record sent just
// before midnight and received just after belongs to the previous day).
Timestamp NearestDay(Timestamp candidate, Timestamp arrival) {
  const int64_t d = candidate.nanos() - arrival.nanos();
  if (d > kHalfDayNanos) return Timestamp::FromNanos(candidate.nanos() - kNanosPerDay);
  if (d < -kHalfDayNanos) return Timestamp::FromNanos(candidate.nanos() + kNanosPerDay);
  return candidate;
}

formats::SourceConfig SourceOf(const FeedSourceConfig& c, const labels::Label& label) {
  return {c.source, label};
}

}  // namespace

class FeedDecoder::Impl {
 public:
  Impl(FeedSourceConfig config, labels::Label label)
      : config_(std::move(config)), label_(std::move(label)) {}
  virtual ~Impl() = default;

  // Appends observations; returns the reason on failure (empty on success).
  virtual std::string DecodeRecord(std::span<const uint8_t> record, Timestamp arrival,
                                   std::vector<model::Observation>& out) = 0;

  void Stamp(model::Observation& o) {
    o.id = 0;
    o.source = config_.source;
    o.label = label_;
  }

  FeedSourceConfig config_;
  labels::Label label_;
  FeedDecodeStats stats_;
};

namespace {

class AisDecoder final : public FeedDecoder::Impl {
 public:
  AisDecoder(FeedSourceConfig config, labels::Label label)
      : Impl(std::move(config), std::move(label)),
        mapper_(ais::ObservationOptions{.source = SourceOf(config_, label_),
                                        .sensor = config_.sensor}) {}

  std::string DecodeRecord(std::span<const uint8_t> record, Timestamp arrival,
                           std::vector<model::Observation>& out) override {
    Result<ais::NmeaDecoder::Outcome> outcome = nmea_.Feed(AsText(record), decoded_);
    if (!outcome.ok()) return outcome.error().message();
    if (*outcome != ais::NmeaDecoder::Outcome::kMessage) return {};
    std::optional<model::Observation> o = mapper_.Map(decoded_, arrival);
    if (o) {
      Stamp(*o);
      out.push_back(std::move(*o));
    }
    return {};
  }

 private:
  ais::NmeaDecoder nmea_;
  ais::ObservationMapper mapper_;
  ais::DecodedMessage decoded_;
};

class BeastDecoder final : public FeedDecoder::Impl {
 public:
  BeastDecoder(FeedSourceConfig config, labels::Label label)
      : Impl(std::move(config), std::move(label)),
        positions_(PositionOptions(config_)),
        mapper_(adsb::ObservationOptions{.source = SourceOf(config_, label_),
                                         .sensor = config_.sensor}) {}

  std::string DecodeRecord(std::span<const uint8_t> record, Timestamp arrival,
                           std::vector<model::Observation>& out) override {
    // Accept the escaped wire form too (leading 0x1A, doubled 0x1A bytes).
    std::array<uint8_t, kMaxBeastRecord> buffer{};
    if (!record.empty() && record[0] == adsb::kBeastEscape) {
      size_t n = 0;
      for (size_t i = 1; i < record.size(); ++i) {
        if (n == buffer.size()) return fmt::format("Beast record longer than {} bytes", n);
        buffer[n++] = record[i];
        if (record[i] == adsb::kBeastEscape && i + 1 < record.size() &&
            record[i + 1] == adsb::kBeastEscape) {
          ++i;
        }
      }
      record = std::span<const uint8_t>(buffer.data(), n);
    }
    if (record.empty()) return "empty Beast record";
    const uint8_t type = record[0];
    const size_t payload = adsb::BeastPayloadBytes(type);
    if (payload == 0) return fmt::format("Beast type 0x{:02X} unknown", type);
    if (record.size() != kBeastHeaderBytes + payload) {
      return fmt::format("Beast type '{}': {} bytes, expected {}", static_cast<char>(type),
                         record.size(), kBeastHeaderBytes + payload);
    }
    if (type != static_cast<uint8_t>(adsb::BeastType::kModeSShort) &&
        type != static_cast<uint8_t>(adsb::BeastType::kModeSLong)) {
      return {};  // Mode A/C, status and position frames carry no observation
    }
    uint64_t timestamp = 0;
    for (size_t i = 1; i <= adsb::kBeastTimestampBytes; ++i) timestamp = timestamp << 8 | record[i];
    Timestamp time = arrival;
    if (config_.beast_gps_timestamps) {
      const int64_t seconds = static_cast<int64_t>(timestamp >> kBeastNanosBits);
      const int64_t nanos = static_cast<int64_t>(timestamp & kBeastNanosMask);
      if (nanos >= kNanosPerSecond || seconds >= 86400) {
        return fmt::format("Beast GPS timestamp {:012X} is not a time of day", timestamp);
      }
      time =
          NearestDay(UtcMidnight(arrival) + Duration(seconds * kNanosPerSecond + nanos), arrival);
    }
    const Status status =
        adsb::DecodeFrame(record.subspan(kBeastHeaderBytes), frame_options_, message_);
    if (!status.ok()) return "Mode S: " + status.message();
    if (message_.parity == adsb::ParityKind::kParityOnly && !message_.crc_valid) {
      return fmt::format("DF{}: parity remainder {:06X}, expected 000000", message_.df,
                         message_.remainder);
    }
    adsb::PositionUpdate update;
    const adsb::PositionUpdate* position = nullptr;
    if (const adsb::CprFields* cpr = message_.cpr()) {
      update = positions_.Update(message_.icao, time.seconds(), *cpr,
                                 message_.me_kind == adsb::MeKind::kSurfacePosition);
      position = &update;
    }
    std::optional<model::Observation> o = mapper_.Map(message_, time, position);
    if (o) {
      Stamp(*o);
      out.push_back(std::move(*o));
    }
    return {};
  }

 private:
  static adsb::PositionDecoderOptions PositionOptions(const FeedSourceConfig& c) {
    adsb::PositionDecoderOptions o;
    if (c.receiver) o.receiver = adsb::LatLon{c.receiver->latitude_deg, c.receiver->longitude_deg};
    return o;
  }

  adsb::FrameOptions frame_options_;
  adsb::PositionDecoder positions_;
  adsb::ObservationMapper mapper_;
  adsb::Message message_;
};

class SbsDecoder final : public FeedDecoder::Impl {
 public:
  SbsDecoder(FeedSourceConfig config, labels::Label label)
      : Impl(std::move(config), std::move(label)),
        mapper_(adsb::SbsObservationOptions{.source = SourceOf(config_, label_),
                                            .sensor = config_.sensor}) {}

  std::string DecodeRecord(std::span<const uint8_t> record, Timestamp arrival,
                           std::vector<model::Observation>& out) override {
    Result<adsb::SbsMessage> line = adsb::ParseSbsLine(AsText(record));
    if (!line.ok()) return line.error().message();
    std::optional<model::Observation> o = mapper_.Map(*line, arrival);
    if (o) {
      Stamp(*o);
      out.push_back(std::move(*o));
    }
    return {};
  }

 private:
  adsb::SbsObservationMapper mapper_;
};

class AsterixDecoder final : public FeedDecoder::Impl {
 public:
  AsterixDecoder(FeedSourceConfig config, labels::Label label)
      : Impl(std::move(config), std::move(label)) {
    options_.source = SourceOf(config_, label_);
    options_.sites = config_.sites;
    if (config_.range_sigma_m > 0.0) options_.range_sigma_m = config_.range_sigma_m;
    if (config_.azimuth_sigma_deg > 0.0) options_.azimuth_sigma_deg = config_.azimuth_sigma_deg;
  }

  // A record is one data block; a UDP datagram holding several consecutive blocks (as some
  // radars send) is read block by block too.
  std::string DecodeRecord(std::span<const uint8_t> record, Timestamp arrival,
                           std::vector<model::Observation>& out) override {
    options_.date = UtcMidnight(arrival);
    std::string error;
    auto note = [&error](const std::string& reason) {
      if (error.empty()) error = reason;
    };
    std::span<const uint8_t> rest_blocks = record;
    while (!rest_blocks.empty()) {
      Result<asterix::DataBlock> block = asterix::ReadDataBlock(rest_blocks);
      if (!block.ok()) {
        note(block.error().message());
        break;  // the rest cannot be delimited
      }
      rest_blocks = rest_blocks.subspan(block->size);
      const asterix::Edition* edition = asterix::DefaultEdition(block->category);
      if (edition == nullptr) {
        note(fmt::format("CAT{:03d}: no table for this category", block->category));
        continue;
      }
      std::span<const uint8_t> rest = block->records;
      size_t index = 0;
      while (!rest.empty()) {
        ++index;
        asterix::DecodeFailure failure;
        if (!asterix::DecodeRecord(*edition, rest, view_, failure)) {
          // The rest of the block cannot be delimited: go on with the next block.
          note(fmt::format("CAT{:03d} record {}: {} at octet {}", block->category, index,
                           failure.reason, failure.offset));
          break;
        }
        rest = rest.subspan(view_.bytes.size());
        Result<model::Observation> o = asterix::ToObservation(view_, options_);
        if (!o.ok()) {
          note(fmt::format("CAT{:03d} record {}: {}", block->category, index, o.error().message()));
          continue;
        }
        o->time = NearestDay(o->time, arrival);
        Stamp(*o);
        out.push_back(std::move(*o));
      }
    }
    return error;
  }

 private:
  asterix::ObservationOptions options_;
  asterix::RecordView view_;
};

class CotDecoder final : public FeedDecoder::Impl {
 public:
  CotDecoder(FeedSourceConfig config, labels::Label label)
      : Impl(std::move(config), std::move(label)) {
    options_.source = SourceOf(config_, label_);
    options_.sensor = config_.sensor;
  }

  // An XML <event>, or a TAK Protocol Version 1 message (formats/cot/takproto.h): a stream
  // frame (0xBF, varint length, TakMessage) as net's CotFramer cuts it, or a mesh datagram
  // (0xBF, version 1, 0xBF, TakMessage).
  std::string DecodeRecord(std::span<const uint8_t> record, Timestamp /*arrival*/,
                           std::vector<model::Observation>& out) override {
    if (!record.empty() && record[0] == cot::kTakMagic) {
      Result<cot::TakMessage> message = DecodeTak(record);
      if (!message.ok()) return "TAK protocol: " + message.error().message();
      if (!message->event) return {};  // a TakControl: no observation
      return Map(*message->event, out);
    }
    const Status status = xml_.Decode(AsText(record), event_);
    if (!status.ok()) return status.message();
    return Map(event_, out);
  }

 private:
  static Result<cot::TakMessage> DecodeTak(std::span<const uint8_t> record) {
    // Stream framing when the varint length accounts for the record exactly.
    uint64_t length = 0;
    size_t at = 1;
    for (unsigned shift = 0; at < record.size() && shift < 35; shift += 7) {
      const uint8_t byte = record[at++];
      length |= uint64_t{byte & 0x7Fu} << shift;
      if ((byte & 0x80) == 0) {
        if (at + length == record.size()) return cot::DecodeTakMessage(record.subspan(at));
        break;
      }
    }
    return cot::DecodeMesh(record);
  }

  std::string Map(cot::Event& event, std::vector<model::Observation>& out) {
    // The configured label rules: the event's own marking is not consulted (feed_decode.h),
    // so it is removed before the mapping (a marking that does not parse is no error here).
    event.access = {};
    event.caveat = {};
    event.releasable_to = {};
    Result<model::Observation> o = cot::ToObservation(event, options_);
    if (!o.ok()) {
      if (o.error().code() == StatusCode::kNotFound) return {};  // not an atom: no observation
      return o.error().message();
    }
    Stamp(*o);
    out.push_back(std::move(*o));
    return {};
  }

  cot::XmlDecoder xml_;
  cot::Event event_;
  cot::ObservationOptions options_;
};

// ---- KLV in MPEG-2 TS -------------------------------------------------------------------
//
// One 188-byte transport packet at a time (net::TsPacketFramer), or a datagram of whole
// packets, through formats/klv's incremental demultiplexer (ts_demux.h: PAT/PMT, PES per PID,
// continuity counters, metadata AU cells), which keeps the stream's state between records.
// Each KLV unit is read as ST 0601 packets (resynchronising on the next universal key) and
// mapped by formats/klv/observations.h.

class KlvTsDecoder final : public FeedDecoder::Impl, private klv::TsKlvSink {
 public:
  KlvTsDecoder(FeedSourceConfig config, labels::Label label)
      : Impl(std::move(config), std::move(label)), packet_(std::make_unique<klv::UasPacket>()) {
    options_.source = SourceOf(config_, label_);
  }

  // A record is one transport packet, or (a datagram framed elsewhere) several whole ones.
  std::string DecodeRecord(std::span<const uint8_t> record, Timestamp /*arrival*/,
                           std::vector<model::Observation>& out) override {
    error_.clear();
    if (record.empty() || record.size() % klv::kTsPacketSize != 0) {
      return fmt::format("{} bytes: not whole {}-byte transport packets", record.size(),
                         klv::kTsPacketSize);
    }
    out_ = &out;
    for (size_t at = 0; at < record.size(); at += klv::kTsPacketSize) {
      prefix_ = record.size() == klv::kTsPacketSize ? std::string()
                                                     : fmt::format("packet at byte {}: ", at);
      demuxer_.Feed(record.subspan(at, klv::kTsPacketSize), offset_, *this);
      offset_ += klv::kTsPacketSize;
    }
    out_ = nullptr;
    return error_;
  }

 private:
  // klv::TsKlvSink. The stream offsets are not reported: the caller names the record.
  void OnUnit(uint16_t pid, size_t /*offset*/, std::span<const uint8_t> bytes) override {
    Unit(pid, bytes, *out_);
  }
  void OnProblem(size_t /*offset*/, std::string_view reason) override {
    Note(std::string(reason));
  }

  void Note(std::string reason) {
    if (error_.empty()) error_ = prefix_ + std::move(reason);
  }

  // The ST 0601 packets of one KLV unit.
  void Unit(uint16_t pid, std::span<const uint8_t> bytes, std::vector<model::Observation>& out) {
    size_t pos = 0;
    while (pos < bytes.size()) {
      const size_t key_at = klv::FindUniversalKey(bytes, pos);
      if (key_at != pos) {
        Note(fmt::format("PID {} KLV byte {}: {} bytes before the next universal key skipped",
                         pid, pos, key_at - pos));
        pos = key_at;
        if (pos >= bytes.size()) return;
      }
      const std::span<const uint8_t> rest = bytes.subspan(pos);
      const klv::DecodeError error = klv::DecodeUasPacket(rest, *packet_);
      if (error.error == klv::KlvError::kNotUasLocalSet) {
        klv::KlvTriplet triplet;
        const bool framed = klv::ReadTriplet(rest, triplet) == klv::KlvError::kNone;
        pos = framed ? pos + triplet.size : klv::FindUniversalKey(bytes, pos + 1);
        continue;  // another SMPTE KLV set (not ST 0601): not ours, not an error
      }
      if (!error.ok()) {
        Note(fmt::format("PID {} KLV byte {}: {}", pid, pos, error.Message()));
        pos = klv::FindUniversalKey(bytes, pos + 1);
        continue;
      }
      pos += packet_->bytes.size();
      if (packet_->checksum == klv::ChecksumStatus::kMismatch) {
        Note(fmt::format("PID {} KLV byte {}: checksum 0x{:04X} does not verify (computed "
                         "0x{:04X}); packet dropped",
                         pid, pos - packet_->bytes.size(), packet_->stored_checksum,
                         packet_->computed_checksum));
        continue;
      }
      const size_t before = out.size();
      const Status status = klv::AppendObservations(*packet_, options_, out);
      if (!status.ok()) {
        Note(fmt::format("PID {} KLV byte {}: {}", pid, pos - packet_->bytes.size(),
                         status.message()));
        continue;
      }
      for (size_t i = before; i < out.size(); ++i) Stamp(out[i]);
    }
  }

  klv::ObservationOptions options_;
  std::unique_ptr<klv::UasPacket> packet_;  // large (a fixed item array): one per stream
  klv::TsKlvDemuxer demuxer_;
  size_t offset_ = 0;  // stream bytes fed to the demultiplexer
  std::vector<model::Observation>* out_ = nullptr;  // during DecodeRecord
  std::string error_;
  std::string prefix_;
};

// ---- STANAG 4607 GMTI --------------------------------------------------------------------
//
// A record is one packet (net::GmtiFramer cuts them by P2). The mission segment (reference
// date) and the job definitions (nominal accuracies, by J1) are remembered from packet to
// packet, as a 4607 stream sends them once or now and then. Dwells give one kDetection per
// target report (formats/gmti/observations.h); a platform location segment (AEDP-7 §2.11)
// gives the platform's kSelfReport. Without a mission segment yet, dwell and location times
// are placed on the arrival's UTC day.

constexpr size_t kMaxGmtiJobs = 256;  // job definitions remembered (a bound, not a limit
                                      // of the standard)
// The platform's navigation error (GPS/INS; the 4607 location segment carries none).
constexpr double kPlatformHorizontalSigmaM = 5.0;
constexpr double kPlatformVerticalSigmaM = 10.0;
constexpr double kPlatformVelocitySigmaMps = 1.0;

class GmtiDecoder final : public FeedDecoder::Impl {
 public:
  GmtiDecoder(FeedSourceConfig config, labels::Label label)
      : Impl(std::move(config), std::move(label)) {
    options_.source = SourceOf(config_, label_);
  }

  std::string DecodeRecord(std::span<const uint8_t> record, Timestamp arrival,
                           std::vector<model::Observation>& out) override {
    Result<gmti::PacketHeader> header = gmti::DecodePacketHeader(record);
    if (!header.ok()) return header.error().message();
    if (gmti::PacketSize(*header) != record.size()) {
      return fmt::format("packet size (P2) {} but the record has {} bytes",
                         gmti::PacketSize(*header), record.size());
    }
    header_ = *header;
    std::string error;
    const auto note = [&error](std::string reason) {
      if (error.empty()) error = std::move(reason);
    };
    gmti::SegmentReader reader(record);
    gmti::SegmentHeader segment;
    std::span<const uint8_t> payload;
    for (;;) {
      Result<bool> next = reader.Next(segment, payload);
      if (!next.ok()) {
        note(next.error().message());
        break;  // the remaining segments cannot be found
      }
      if (!*next) break;
      const size_t at = reader.segment_offset();
      const auto fail = [&](const Status& status) {
        note(fmt::format("segment at byte {} ({}): {}", at, gmti::SegmentTypeName(segment.type),
                         status.message()));
      };
      switch (static_cast<gmti::SegmentType>(segment.type)) {
        case gmti::SegmentType::kMission: {
          gmti::MissionSegment mission;
          const Status s = gmti::DecodeMission(payload, mission);
          if (!s.ok()) {
            fail(s);
          } else {
            mission_ = mission;
          }
          break;
        }
        case gmti::SegmentType::kJobDefinition: {
          gmti::JobDefinitionSegment job;
          const Status s = gmti::DecodeJobDefinition(payload, job);
          if (!s.ok()) {
            fail(s);
          } else if (jobs_.size() < kMaxGmtiJobs || jobs_.count(JobId(job)) != 0) {
            jobs_[JobId(job)] = job;
          }
          break;
        }
        case gmti::SegmentType::kDwell: {
          const Status s = gmti::DecodeDwell(payload, dwell_);
          if (!s.ok()) {
            fail(s);
            break;
          }
          gmti::DwellContext context;
          context.header = &header_;
          context.mission = mission_ ? &*mission_ : nullptr;
          const auto job = jobs_.find(header_.Raw(gmti::packet_header::kJobId));
          context.job = job != jobs_.end() ? &job->second : nullptr;
          options_.reference_date.reset();
          if (!mission_) options_.reference_date = ArrivalDate(arrival);
          const size_t before = out.size();
          const Status mapped = gmti::AppendObservations(context, dwell_, options_, out);
          if (!mapped.ok()) {
            fail(mapped);
            break;
          }
          for (size_t i = before; i < out.size(); ++i) Stamp(out[i]);
          break;
        }
        case gmti::SegmentType::kPlatformLocation: {
          gmti::PlatformLocationSegment location;
          const Status s = gmti::DecodePlatformLocation(payload, location);
          if (!s.ok()) {
            fail(s);
            break;
          }
          out.push_back(PlatformObservation(location, arrival));
          break;
        }
        default:
          break;  // free text, HRR, test and status, ...: no observation
      }
    }
    return error;
  }

 private:
  static int64_t JobId(const gmti::JobDefinitionSegment& job) {
    return job.Raw(gmti::job_definition::kJobId);
  }

  static gmti::CivilDate ArrivalDate(Timestamp arrival) {
    const std::chrono::sys_time<std::chrono::nanoseconds> time{
        std::chrono::nanoseconds(arrival.nanos())};
    const std::chrono::sys_days day{std::chrono::floor<std::chrono::days>(time)};
    const std::chrono::year_month_day ymd{day};
    return {static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
            static_cast<unsigned>(ymd.day())};
  }

  // Midnight UTC of the reference date (the mission's, else the arrival's day).
  Timestamp ReferenceMidnight(Timestamp arrival) const {
    if (!mission_) return UtcMidnight(arrival);
    const std::chrono::year_month_day ymd{
        std::chrono::year(static_cast<int>(mission_->Raw(gmti::mission::kYear))),
        std::chrono::month(static_cast<unsigned>(mission_->Raw(gmti::mission::kMonth))),
        std::chrono::day(static_cast<unsigned>(mission_->Raw(gmti::mission::kDay)))};
    if (!ymd.ok()) return UtcMidnight(arrival);
    const auto days = std::chrono::sys_days(ymd).time_since_epoch().count();
    return Timestamp::FromNanos(static_cast<int64_t>(days) * kNanosPerDay);
  }

  // AEDP-7 §2.11 platform location: L1 time (ms after the reference midnight), L2-L4 WGS-84
  // position (L4 ellipsoid height), L5 track, L6 speed, L7 vertical velocity.
  model::Observation PlatformObservation(const gmti::PlatformLocationSegment& location,
                                         Timestamp arrival) {
    namespace pl = gmti::platform_location;
    model::Observation o;
    o.time = ReferenceMidnight(arrival) +
             Duration(static_cast<int64_t>(location.Raw(pl::kTime)) * 1'000'000);
    o.source_kind = model::SourceKind::kGmti;
    o.kind = model::ObservationKind::kSelfReport;
    double lon = location.Value(pl::kLongitude);
    if (lon >= 180.0) lon -= 360.0;
    o.position = geo::Lla{location.Value(pl::kLatitude), lon, location.Value(pl::kAltitude)};
    o.has_altitude = true;
    o.position_covariance.diagonal() << kPlatformHorizontalSigmaM * kPlatformHorizontalSigmaM,
        kPlatformHorizontalSigmaM * kPlatformHorizontalSigmaM,
        kPlatformVerticalSigmaM * kPlatformVerticalSigmaM;
    const double track = location.Value(pl::kTrack) * M_PI / 180.0;
    const double speed = location.Value(pl::kSpeed);
    o.velocity_enu = Eigen::Vector3d(speed * std::sin(track), speed * std::cos(track),
                                     location.Value(pl::kVerticalVelocity));
    o.velocity_covariance =
        Eigen::Matrix3d::Identity() * kPlatformVelocitySigmaMps * kPlatformVelocitySigmaMps;
    o.has_vertical_velocity = true;
    std::string platform(header_.Text(gmti::packet_header::kPlatformId));
    while (!platform.empty() && (platform.back() == ' ' || platform.back() == '\0')) {
      platform.pop_back();
    }
    o.sensor = platform;
    o.identity.uid = platform;
    o.identity.callsign = platform;
    Stamp(o);
    return o;
  }

  gmti::ObservationOptions options_;
  gmti::PacketHeader header_;
  std::optional<gmti::MissionSegment> mission_;
  std::map<int64_t, gmti::JobDefinitionSegment> jobs_;
  gmti::DwellSegment dwell_;  // reused: its report vector grows to the largest dwell
};

}  // namespace

FeedSourceConfig FeedSourceConfigFrom(const sim::WireSourceConfig& wire) {
  FeedSourceConfig c;
  c.source = wire.source;
  c.label_text = wire.label_text;
  c.format = wire.format;
  c.sensor = wire.sensor;
  if (wire.site) {
    c.sites.push_back({wire.site->sac, wire.site->sic, wire.site->position});
  }
  c.range_sigma_m = wire.range_sigma_m;
  c.azimuth_sigma_deg = wire.azimuth_sigma_deg;
  c.beast_gps_timestamps = wire.beast_gps_timestamps;
  return c;
}

Result<std::unique_ptr<FeedDecoder>> FeedDecoder::Create(const FeedSourceConfig& config) {
  Result<labels::Label> label = labels::Parse(config.label_text);
  if (!label.ok()) {
    return InvalidArgument("source " + config.source + ": label '" + config.label_text +
                           "': " + label.error().message());
  }
  for (const asterix::SensorSite& site : config.sites) {
    const Status s = geo::ValidateLla(site.position);
    if (!s.ok()) {
      return InvalidArgument(fmt::format("source {}: site SAC {} SIC {}: {}", config.source,
                                         site.sac, site.sic, s.message()));
    }
  }
  std::unique_ptr<Impl> impl;
  switch (config.format) {
    case WireFormat::kAisNmea:
      impl = std::make_unique<AisDecoder>(config, std::move(*label));
      break;
    case WireFormat::kBeast:
      impl = std::make_unique<BeastDecoder>(config, std::move(*label));
      break;
    case WireFormat::kSbs:
      impl = std::make_unique<SbsDecoder>(config, std::move(*label));
      break;
    case WireFormat::kAsterix:
      impl = std::make_unique<AsterixDecoder>(config, std::move(*label));
      break;
    case WireFormat::kCot:
      impl = std::make_unique<CotDecoder>(config, std::move(*label));
      break;
    case WireFormat::kKlvTs:
      impl = std::make_unique<KlvTsDecoder>(config, std::move(*label));
      break;
    case WireFormat::kGmti:
      impl = std::make_unique<GmtiDecoder>(config, std::move(*label));
      break;
  }
  if (impl == nullptr) {
    return InvalidArgument("source " + config.source + ": unknown wire format " +
                           std::to_string(static_cast<int>(config.format)));
  }
  return std::unique_ptr<FeedDecoder>(new FeedDecoder(std::move(impl)));
}

FeedDecoder::FeedDecoder(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
FeedDecoder::~FeedDecoder() = default;

void FeedDecoder::Decode(std::span<const uint8_t> record, Timestamp arrival,
                         std::vector<model::Observation>& out, std::string* error) {
  Impl& impl = *impl_;
  ++impl.stats_.records;
  const size_t before = out.size();
  std::string reason = impl.DecodeRecord(record, arrival, out);
  const size_t added = out.size() - before;
  impl.stats_.observations += added;
  if (!reason.empty()) {
    ++impl.stats_.errors;
  } else if (added == 0) {
    ++impl.stats_.silent;
  }
  if (error != nullptr) *error = std::move(reason);
}

const FeedSourceConfig& FeedDecoder::config() const { return impl_->config_; }
FeedDecodeStats FeedDecoder::stats() const { return impl_->stats_; }

}  // namespace biac::app
