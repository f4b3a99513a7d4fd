#include "biac/app/feed_decode.h"

#include <fmt/format.h>

#include <array>
#include <bitset>
#include <chrono>
#include <cmath>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "biac/base/bits.h"
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
// A streaming demultiplexer of ISO/IEC 13818-1 fed one 188-byte transport packet at a time
// (net::TsPacketFramer), with the same rules as formats/klv/ts_demux.h (which reads a whole
// stream at once): PAT and PMT sections (CRC-32 checked) name the KLV elementary streams
// (stream_type 0x15, or 0x06 with a "KLVA" registration descriptor; MISB ST 1402 §6), whose
// PES packets are reassembled per PID with continuity counters checked (§2.4.3.3: a gap drops
// the PES being assembled, a repeated counter is a duplicate). A metadata PES (stream_id
// 0xFC) holds metadata AU cells (§2.12.4, table 2-97). Each unit is read as ST 0601 packets
// (resynchronising on the next universal key) and mapped by formats/klv/observations.h.
// The state (tables, partial PES, counters) lives here, per stream.

// Table 2-2: transport packet header.
constexpr BitField kTsTransportError{"transport_error_indicator", 8, 1};
constexpr BitField kTsPayloadUnitStart{"payload_unit_start_indicator", 9, 1};
constexpr BitField kTsPid{"PID", 11, 13};
constexpr BitField kTsAdaptationFieldControl{"adaptation_field_control", 26, 2};
constexpr BitField kTsContinuityCounter{"continuity_counter", 28, 4};
constexpr size_t kTsHeaderBytes = 4;
constexpr uint64_t kTsHasAdaptationField = 0x2;
constexpr uint64_t kTsHasPayload = 0x1;
constexpr int kTsContinuityModulo = 16;
constexpr size_t kTsPidCount = 8192;
constexpr uint16_t kTsPatPid = 0x0000;
constexpr uint16_t kTsNullPid = 0x1FFF;
// Tables 2-30 (PAT), 2-33 (PMT): section header, entries; section_length counts the bytes
// after the 3-byte header, CRC_32 included; it is at most 1021 (§2.4.4.11).
constexpr uint8_t kPatTableId = 0x00;
constexpr uint8_t kPmtTableId = 0x02;
constexpr BitField kSectionLength{"section_length", 12, 12};
constexpr size_t kSectionHeaderBytes = 3;
constexpr size_t kSectionCrcBytes = 4;
constexpr size_t kMaxSectionBytes = kSectionHeaderBytes + 1021;
constexpr size_t kPatFixedBytes = 8;
constexpr size_t kPatEntryBytes = 4;
constexpr BitField kPatProgramNumber{"program_number", 0, 16};
constexpr BitField kPatPmtPid{"program_map_PID", 19, 13};
constexpr size_t kPmtFixedBytes = 12;
constexpr BitField kPmtProgramInfoLength{"program_info_length", 84, 12};
constexpr size_t kPmtEsHeaderBytes = 5;
constexpr BitField kPmtStreamType{"stream_type", 0, 8};
constexpr BitField kPmtElementaryPid{"elementary_PID", 11, 13};
constexpr BitField kPmtEsInfoLength{"ES_info_length", 28, 12};
constexpr uint8_t kStreamTypePrivateData = 0x06;
constexpr uint8_t kStreamTypeMetadataPes = 0x15;
constexpr std::array<uint8_t, 4> kKlvaIdentifier = {'K', 'L', 'V', 'A'};
// Table 2-21: PES packet. PES_packet_length is 16 bits, so a bounded PES is at most
// 6 + 65535 bytes; an unbounded one (length 0) is cut at the same size.
constexpr std::array<uint8_t, 3> kPesStartCode = {0x00, 0x00, 0x01};
constexpr size_t kPesFixedBytes = 6;
constexpr size_t kPesOptionalBytes = 3;
constexpr size_t kMaxPesBytes = kPesFixedBytes + 65535;
constexpr uint8_t kStreamIdMetadata = 0xFC;
constexpr uint8_t kStreamIdPadding = 0xBE;
constexpr uint8_t kStreamIdPrivate2 = 0xBF;
// Table 2-97: metadata AU cell header.
constexpr size_t kAuCellHeaderBytes = 5;
constexpr BitField kAuCellDataLength{"AU_cell_data_length", 24, 16};

class KlvTsDecoder final : public FeedDecoder::Impl {
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
    for (size_t at = 0; at < record.size(); at += klv::kTsPacketSize) {
      prefix_ = record.size() == klv::kTsPacketSize ? std::string()
                                                     : fmt::format("packet at byte {}: ", at);
      Packet(record.subspan(at, klv::kTsPacketSize), out);
    }
    return error_;
  }

 private:
  struct Assembly {
    std::vector<uint8_t> buffer;
    int last_counter = -1;
    bool assembling = false;
  };

  void Note(std::string reason) {
    if (error_.empty()) error_ = prefix_ + std::move(reason);
  }

  void Packet(std::span<const uint8_t> packet, std::vector<model::Observation>& out) {
    if (packet[0] != klv::kTsSyncByte) {
      Note(fmt::format("sync byte 0x{:02X}, expected 0x47", packet[0]));
      return;
    }
    if (Read(packet, kTsTransportError) != 0) {
      Note("transport_error_indicator set; packet dropped");
      return;
    }
    const auto pid = static_cast<uint16_t>(Read(packet, kTsPid));
    if (pid == kTsNullPid) return;
    const bool unit_start = Read(packet, kTsPayloadUnitStart) != 0;
    const uint64_t control = Read(packet, kTsAdaptationFieldControl);
    const auto counter = static_cast<int>(Read(packet, kTsContinuityCounter));
    size_t payload = kTsHeaderBytes;
    if ((control & kTsHasAdaptationField) != 0) payload += 1u + packet[kTsHeaderBytes];
    if ((control & kTsHasPayload) == 0) return;
    if (payload >= packet.size()) {
      Note(fmt::format("PID {}: adaptation_field_length {} leaves no payload", pid,
                       packet[kTsHeaderBytes]));
      return;
    }
    const std::span<const uint8_t> data = packet.subspan(payload);
    if (pid == kTsPatPid || pmt_pids_.test(pid)) {
      Section(pid, unit_start, data);
    } else if (klv_pids_.test(pid)) {
      Pes(pid, unit_start, counter, data, out);
    }
  }

  void Section(uint16_t pid, bool unit_start, std::span<const uint8_t> data) {
    Assembly& state = sections_[pid];
    if (unit_start) {
      const size_t pointer = data[0];
      if (1 + pointer > data.size()) {
        Note(fmt::format("PID {}: pointer_field {} runs past the packet", pid, pointer));
        state.assembling = false;
        return;
      }
      state.buffer.assign(data.begin() + 1 + static_cast<std::ptrdiff_t>(pointer), data.end());
      state.assembling = true;
    } else if (state.assembling) {
      state.buffer.insert(state.buffer.end(), data.begin(), data.end());
    }
    if (!state.assembling || state.buffer.size() < kSectionHeaderBytes) return;
    const size_t total = kSectionHeaderBytes + Read(state.buffer, kSectionLength);
    if (total > kMaxSectionBytes) {
      Note(fmt::format("PID {}: section_length {} above 1021", pid,
                       total - kSectionHeaderBytes));
      state.assembling = false;
      return;
    }
    if (state.buffer.size() < total) return;
    state.assembling = false;
    const std::span<const uint8_t> section(state.buffer.data(), total);
    if (total < kSectionHeaderBytes + kSectionCrcBytes || klv::Mpeg2Crc32(section) != 0) {
      Note(fmt::format("PID {}: section CRC-32 mismatch", pid));
      return;
    }
    if (pid == kTsPatPid && section[0] == kPatTableId) {
      const size_t end = section.size() - kSectionCrcBytes;
      for (size_t i = kPatFixedBytes; i + kPatEntryBytes <= end; i += kPatEntryBytes) {
        const std::span<const uint8_t> entry = section.subspan(i, kPatEntryBytes);
        if (Read(entry, kPatProgramNumber) == 0) continue;  // the network PID
        pmt_pids_.set(static_cast<uint16_t>(Read(entry, kPatPmtPid)));
      }
    } else if (section[0] == kPmtTableId && section.size() >= kPmtFixedBytes + kSectionCrcBytes) {
      const size_t end = section.size() - kSectionCrcBytes;
      size_t i = kPmtFixedBytes + Read(section, kPmtProgramInfoLength);
      while (i + kPmtEsHeaderBytes <= end) {
        const std::span<const uint8_t> es = section.subspan(i, kPmtEsHeaderBytes);
        const auto type = static_cast<uint8_t>(Read(es, kPmtStreamType));
        const auto es_pid = static_cast<uint16_t>(Read(es, kPmtElementaryPid));
        const size_t info_length = Read(es, kPmtEsInfoLength);
        i += kPmtEsHeaderBytes;
        if (i + info_length > end) break;
        const std::span<const uint8_t> descriptors = section.subspan(i, info_length);
        i += info_length;
        const bool klva = std::search(descriptors.begin(), descriptors.end(),
                                      kKlvaIdentifier.begin(),
                                      kKlvaIdentifier.end()) != descriptors.end();
        if ((type == kStreamTypeMetadataPes && (klva || descriptors.empty())) ||
            (type == kStreamTypePrivateData && klva)) {
          klv_pids_.set(es_pid);
        }
      }
    }
  }

  void Pes(uint16_t pid, bool unit_start, int counter, std::span<const uint8_t> data,
           std::vector<model::Observation>& out) {
    Assembly& state = pes_[pid];
    if (state.last_counter >= 0 && !unit_start) {
      const int expected = (state.last_counter + 1) % kTsContinuityModulo;
      if (counter == state.last_counter) return;  // a duplicate packet (2.4.3.3)
      if (counter != expected && state.assembling) {
        Note(fmt::format("PID {}: continuity counter {}, expected {}; PES dropped", pid, counter,
                         expected));
        state.assembling = false;
        state.buffer.clear();
      }
    }
    state.last_counter = counter;
    if (unit_start) {
      if (state.assembling) FlushPes(pid, state, out);  // an unbounded PES ends here
      state.buffer.assign(data.begin(), data.end());
      state.assembling = true;
    } else if (state.assembling) {
      if (state.buffer.size() + data.size() > kMaxPesBytes) {
        Note(fmt::format("PID {}: PES longer than {} bytes dropped", pid, kMaxPesBytes));
        state.assembling = false;
        state.buffer.clear();
        return;
      }
      state.buffer.insert(state.buffer.end(), data.begin(), data.end());
    }
    // A PES with a PES_packet_length is complete as soon as its bytes are in.
    if (state.assembling && state.buffer.size() >= kPesFixedBytes) {
      const size_t declared = LoadBigEndian(state.buffer.data() + 4, 2);
      if (declared != 0 && state.buffer.size() >= kPesFixedBytes + declared) {
        FlushPes(pid, state, out);
      }
    }
  }

  void FlushPes(uint16_t pid, Assembly& state, std::vector<model::Observation>& out) {
    state.assembling = false;
    std::span<const uint8_t> pes(state.buffer);
    if (pes.size() < kPesFixedBytes ||
        !std::equal(kPesStartCode.begin(), kPesStartCode.end(), pes.begin())) {
      Note(fmt::format("PID {}: PES packet without a start code", pid));
      return;
    }
    const uint8_t stream_id = pes[3];
    const size_t declared = LoadBigEndian(pes.data() + 4, 2);
    if (declared != 0) {
      if (pes.size() < kPesFixedBytes + declared) {
        Note(fmt::format("PID {}: PES packet truncated ({} of {} bytes)", pid, pes.size(),
                         kPesFixedBytes + declared));
        return;
      }
      pes = pes.first(kPesFixedBytes + declared);
    }
    size_t header = kPesFixedBytes;
    if (stream_id != kStreamIdPadding && stream_id != kStreamIdPrivate2) {
      if (pes.size() < kPesFixedBytes + kPesOptionalBytes) {
        Note(fmt::format("PID {}: PES header truncated", pid));
        return;
      }
      header += kPesOptionalBytes + pes[kPesFixedBytes + 2];
      if (header > pes.size()) {
        Note(fmt::format("PID {}: PES header longer than the packet", pid));
        return;
      }
    }
    std::span<const uint8_t> payload = pes.subspan(header);
    if (stream_id != kStreamIdMetadata) {
      Unit(pid, payload, out);
      return;
    }
    while (!payload.empty()) {
      if (payload.size() < kAuCellHeaderBytes) {
        Note(fmt::format("PID {}: metadata AU cell header truncated", pid));
        return;
      }
      const size_t length = Read(payload, kAuCellDataLength);
      if (kAuCellHeaderBytes + length > payload.size()) {
        Note(fmt::format("PID {}: metadata AU cell longer than the PES packet", pid));
        return;
      }
      Unit(pid, payload.subspan(kAuCellHeaderBytes, length), out);
      payload = payload.subspan(kAuCellHeaderBytes + length);
    }
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
  std::bitset<kTsPidCount> pmt_pids_;
  std::bitset<kTsPidCount> klv_pids_;
  std::map<uint16_t, Assembly> sections_;
  std::map<uint16_t, Assembly> pes_;
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
