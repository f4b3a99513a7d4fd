#include "biac/app/feed_decode.h"

#include <fmt/format.h>

#include <array>
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
#include "biac/formats/cot/xml.h"
#include "biac/labels/label.h"

namespace biac::app {
namespace {

namespace adsb = formats::adsb;
namespace ais = formats::ais;
namespace asterix = formats::asterix;
namespace cot = formats::cot;

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

  std::string DecodeRecord(std::span<const uint8_t> record, Timestamp /*arrival*/,
                           std::vector<model::Observation>& out) override {
    const Status status = xml_.Decode(AsText(record), event_);
    if (!status.ok()) return status.message();
    // The configured label rules: the event's own marking is not consulted (feed_decode.h),
    // so it is removed before the mapping (a marking that does not parse is no error here).
    event_.access = {};
    event_.caveat = {};
    event_.releasable_to = {};
    Result<model::Observation> o = cot::ToObservation(event_, options_);
    if (!o.ok()) {
      if (o.error().code() == StatusCode::kNotFound) return {};  // not an atom: no observation
      return o.error().message();
    }
    Stamp(*o);
    out.push_back(std::move(*o));
    return {};
  }

 private:
  cot::XmlDecoder xml_;
  cot::Event event_;
  cot::ObservationOptions options_;
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
    case WireFormat::kGmti:
      break;  // no decoder yet: refused below
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
