// One libFuzzer target over the three framings and the reply decoder, chosen by the first
// byte: 0 hex lines, 1 Beast stream, 2 SBS lines, anything else a raw reply (the rest of the
// input, 7 or 14 bytes at a time) through CPR, JSON and the observation mapping. Properties
// checked beyond "no crash, no out-of-bounds read":
// - Beast: every parsed frame re-encodes to bytes that parse back to the same frame;
// - a reply whose parity verifies after single-bit correction has a zero remainder;
// - a decoded CPR position lies within +-90 / +-180 degrees;
// - a Comm-B register is reported only as the single candidate, with that register's fields,
//   and a 5,0 / 6,0 passes pyModeS's range rules (|roll| <= 50, speeds, Mach <= 1);
// - an SBS observation lies within +-90 / +-180 degrees with a positive covariance.

#include "biac/formats/adsb/modes.h"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string_view>
#include <variant>
#include <vector>

#include "biac/formats/adsb/cpr.h"
#include "biac/formats/adsb/crc.h"
#include "biac/formats/adsb/framing.h"
#include "biac/formats/adsb/json.h"
#include "biac/formats/adsb/observation.h"

namespace {

using namespace biac::formats::adsb;  // NOLINT: a fuzz entry point

void Check(bool condition) {
  if (!condition) std::abort();
}

void DecodeReply(std::span<const uint8_t> bytes, double time, PositionDecoder& positions,
                 ObservationMapper& mapper) {
  Message m;
  if (!DecodeFrame(bytes, FrameOptions{.fix_single_bit = true}, m).ok()) return;
  if (m.corrected_bit) Check(ParityRemainder(m.bytes()) == 0);
  if (m.commb.bds) {
    Check(m.commb.candidates.size() == 1 && m.commb.candidates.Contains(*m.commb.bds));
    if (const auto* t = std::get_if<TrackAndTurn>(&m.commb.data)) {
      Check(*m.commb.bds == CommBRegister::k50);
      Check(!t->roll_deg || std::abs(*t->roll_deg) <= 50.0);
      Check(!t->groundspeed_kt || *t->groundspeed_kt <= 600);
    } else if (const auto* h = std::get_if<HeadingAndSpeed>(&m.commb.data)) {
      Check(*m.commb.bds == CommBRegister::k60);
      Check(!h->mach || *h->mach <= 1.0);
      Check(!h->magnetic_heading_deg ||
            (*h->magnetic_heading_deg >= 0.0 && *h->magnetic_heading_deg < 360.0));
    }
  } else {
    Check(m.commb.candidates.size() != 1);
  }
  nlohmann::json j = MessageToJson(m);
  PositionUpdate update;
  const PositionUpdate* p = nullptr;
  if (const CprFields* cpr = m.cpr(); cpr != nullptr && m.crc_valid) {
    update = positions.Update(m.icao, time, *cpr, m.me_kind == MeKind::kSurfacePosition);
    if (update.decoded()) {
      Check(std::abs(update.position.lat_deg) <= 90.0);
      Check(std::abs(update.position.lon_deg) <= 180.0);
    }
    AddPosition(update, j);
    p = &update;
  }
  (void)mapper.Map(m, biac::Timestamp::FromSeconds(time), p);
  (void)j.dump();
}

void Lines(std::string_view text, bool sbs, PositionDecoder& positions, ObservationMapper& mapper,
           SbsObservationMapper& sbs_mapper) {
  size_t n = 0;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (sbs) {
      auto m = ParseSbsLine(line);
      if (m.ok()) {
        (void)SbsToJson(*m).dump();
        const auto obs = sbs_mapper.Map(*m, biac::Timestamp::FromSeconds(static_cast<double>(n)));
        if (obs) {
          Check(std::abs(obs->position.latitude_deg) <= 90.0);
          Check(std::abs(obs->position.longitude_deg) <= 180.0);
          Check(obs->position_covariance(0, 0) > 0.0);
        }
      }
    } else {
      HexLine hl;
      auto kind = ParseHexLine(line, n == 0, hl);
      if (kind.ok() && *kind == HexLineKind::kFrame) {
        DecodeReply(hl.frame(), hl.time_s.value_or(0.0), positions, mapper);
      }
    }
    ++n;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t mode = data[0];
  const std::span<const uint8_t> rest(data + 1, size - 1);
  PositionDecoder positions(
      PositionDecoderOptions{.receiver = LatLon{52.0, 4.0}, .max_aircraft = 8});
  ObservationMapper mapper(ObservationOptions{.max_aircraft = 8});
  SbsObservationMapper sbs_mapper(SbsObservationOptions{.max_aircraft = 4});
  const std::string_view text(reinterpret_cast<const char*>(rest.data()), rest.size());
  switch (mode) {
    case 0:
      Lines(text, false, positions, mapper, sbs_mapper);
      break;
    case 1: {
      size_t pos = 0;
      double time = 0;
      for (;;) {
        BeastFrame frame;
        const BeastResult r = ParseBeast(rest, pos, 0, true, frame);
        if (r.step == BeastStep::kNeedMore) break;
        if (r.step != BeastStep::kFrame) continue;
        std::vector<uint8_t> again;
        EncodeBeast(frame, again);
        size_t pos2 = 0;
        BeastFrame back;
        Check(ParseBeast(again, pos2, frame.offset, true, back).step == BeastStep::kFrame);
        Check(pos2 == again.size());
        Check(back.type == frame.type && back.timestamp == frame.timestamp &&
              back.signal == frame.signal && back.length == frame.length &&
              back.offset == frame.offset);
        Check(std::equal(back.payload().begin(), back.payload().end(), frame.payload().begin()));
        time += 0.5;
        if (frame.type == BeastType::kModeSShort || frame.type == BeastType::kModeSLong) {
          DecodeReply(frame.payload(), time, positions, mapper);
        }
      }
      break;
    }
    case 2:
      Lines(text, true, positions, mapper, sbs_mapper);
      break;
    default: {
      double time = 0;
      for (size_t off = 0; off < rest.size();) {
        const size_t n = rest.size() - off >= kLongFrameBytes && (rest[off] & 0x80)
                             ? kLongFrameBytes
                             : std::min(kShortFrameBytes, rest.size() - off);
        DecodeReply(rest.subspan(off, n), time, positions, mapper);
        off += n;
        time += 0.7;
      }
      break;
    }
  }
  return 0;
}
