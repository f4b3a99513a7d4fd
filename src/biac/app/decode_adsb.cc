// `biac decode --format modes|beast|sbs`: Mode S / ADS-B captures to JSON Lines
// (docs/formats/adsb.md lists the fields).

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <vector>

#include "biac/app/decode.h"
#include "biac/formats/adsb/cpr.h"
#include "biac/formats/adsb/framing.h"
#include "biac/formats/adsb/json.h"
#include "biac/formats/adsb/modes.h"
#include "biac/formats/common/hex.h"

namespace biac::app {
namespace {

namespace adsb = formats::adsb;

// Decodes replies and resolves their positions across a whole capture.
class ReplyDecoder {
 public:
  explicit ReplyDecoder(const DecodeOptions& options)
      : frame_options_{.fix_single_bit = options.fix} {}

  // Decodes one reply; `time_s` (any monotonic scale) enables CPR position decoding, which
  // needs to know how far apart the even and odd frames are. `framing` holds the framing's
  // own fields (timestamps, signal) and is merged into the record.
  void Handle(std::span<const uint8_t> bytes, std::optional<double> time_s,
              const nlohmann::json& framing, std::string_view position, DecodeOutput& out) {
    const Status status = adsb::DecodeFrame(bytes, frame_options_, message_);
    if (!status.ok()) {
      out.Bad(position, "Mode S: " + status.message());
      return;
    }
    if (message_.parity == adsb::ParityKind::kParityOnly && !message_.crc_valid) {
      out.Bad(position,
              fmt::format("DF{} {}: parity remainder {:06X}, expected 000000{}", message_.df,
                          formats::ToHex(message_.bytes()), message_.remainder,
                          message_.df == 11 ? " apart from the interrogator id" : ""));
      return;
    }
    nlohmann::json record = adsb::MessageToJson(message_);
    if (const adsb::CprFields* cpr = message_.cpr(); cpr != nullptr && time_s) {
      const adsb::PositionUpdate update = positions_.Update(
          message_.icao, *time_s, *cpr, message_.me_kind == adsb::MeKind::kSurfacePosition);
      adsb::AddPosition(update, record);
    }
    if (time_s) record["time"] = *time_s;
    for (const auto& [key, value] : framing.items()) record[key] = value;
    out.Record(record);
  }

 private:
  adsb::FrameOptions frame_options_;
  adsb::PositionDecoder positions_;
  adsb::Message message_;
};

Status ReadError(const DecodeOptions& options) {
  return Unavailable(fmt::format("read error on {}", options.input_name));
}

}  // namespace

Status DecodeModes(std::istream& in, const DecodeOptions& options, DecodeOutput& out) {
  ReplyDecoder decoder(options);
  std::string line;
  size_t number = 0;
  adsb::HexLine hex;
  const nlohmann::json no_framing = nlohmann::json::object();
  while (std::getline(in, line)) {
    ++number;
    const std::string position = fmt::format("line {}", number);
    auto kind = adsb::ParseHexLine(line, number == 1, hex);
    if (!kind.ok()) {
      out.Bad(position, kind.error().message());
      continue;
    }
    if (*kind == adsb::HexLineKind::kSkip) continue;
    std::optional<double> time = hex.time_s;
    nlohmann::json framing = nlohmann::json::object();
    if (hex.mlat_ticks) {
      framing["mlat_timestamp"] = *hex.mlat_ticks;
      if (!time) time = static_cast<double>(*hex.mlat_ticks) / adsb::kBeastClockHz;
    }
    decoder.Handle(hex.frame(), time, framing, position, out);
  }
  if (in.bad()) return ReadError(options);
  return Status::Ok();
}

Status DecodeBeast(std::istream& in, const DecodeOptions& options, DecodeOutput& out) {
  ReplyDecoder decoder(options);
  constexpr size_t kChunk = 1 << 16;
  std::vector<uint8_t> buffer;
  size_t base = 0;  // stream offset of buffer[0]
  size_t pos = 0;
  bool eof = false;
  while (true) {
    if (!eof) {
      const size_t old = buffer.size();
      buffer.resize(old + kChunk);
      in.read(reinterpret_cast<char*>(buffer.data() + old), kChunk);
      buffer.resize(old + static_cast<size_t>(in.gcount()));
      if (in.bad()) return ReadError(options);
      eof = in.eof() || in.gcount() == 0;
    }
    while (true) {
      adsb::BeastFrame frame;
      const adsb::BeastResult r = adsb::ParseBeast(buffer, pos, base, eof, frame);
      if (r.step == adsb::BeastStep::kNeedMore) break;
      if (r.step == adsb::BeastStep::kBad) {
        out.Bad(fmt::format("byte {}", r.error_offset), std::string(r.error));
        continue;
      }
      const std::string position = fmt::format("byte {}", frame.offset);
      nlohmann::json framing;
      framing["mlat_timestamp"] = frame.timestamp;
      framing["signal"] = frame.signal;
      switch (frame.type) {
        case adsb::BeastType::kModeAc: {
          nlohmann::json record;
          record["mode_ac"] = formats::ToHex(frame.payload());
          for (const auto& [key, value] : framing.items()) record[key] = value;
          out.Record(record);
          break;
        }
        case adsb::BeastType::kModeSShort:
        case adsb::BeastType::kModeSLong: {
          // A zero counter means the receiver sends none: no time, so no CPR pairing.
          std::optional<double> time;
          if (frame.timestamp != 0) {
            time = static_cast<double>(frame.timestamp) / adsb::kBeastClockHz;
          }
          decoder.Handle(frame.payload(), time, framing, position, out);
          break;
        }
        default:  // receiver status and position frames carry no aircraft data
          break;
      }
    }
    // Drop what was consumed; keep an incomplete frame for the next read.
    buffer.erase(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(pos));
    base += pos;
    pos = 0;
    if (eof) break;
  }
  return Status::Ok();
}

Status DecodeSbs(std::istream& in, const DecodeOptions& options, DecodeOutput& out) {
  std::string line;
  size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;  // heartbeat
    auto message = formats::adsb::ParseSbsLine(line);
    if (!message.ok()) {
      out.Bad(fmt::format("line {}", number), "SBS: " + message.error().message());
      continue;
    }
    out.Record(formats::adsb::SbsToJson(*message));
  }
  if (in.bad()) return ReadError(options);
  return Status::Ok();
}

}  // namespace biac::app
