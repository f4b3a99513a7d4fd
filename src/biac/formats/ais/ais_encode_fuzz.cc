// libFuzzer target for the AIS encoder (encode.h). The input chooses a message (type 1, 2, 3
// or 5) and its raw field values; properties: EncodeMessage accepts exactly the values that
// fit their fields, and the sentences of an accepted message decode (NmeaDecoder) back to the
// same fields - text as the decoder trims it (trailing spaces and '@' dropped; '@' never
// inside, since the decoder stops at it).

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

#include "biac/formats/ais/encode.h"
#include "biac/formats/ais/nmea.h"

namespace {

using namespace biac::formats::ais;

// Aborts with the failed property's line, for the crash report.
void CheckAt(bool condition, int line) {
  if (condition) return;
  std::fprintf(stderr, "property failed at line %d\n", line);
  std::abort();
}
#define Check(condition) CheckAt((condition), __LINE__)

class Input {
 public:
  Input(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  uint64_t Next(unsigned bits) {
    uint64_t v = 0;
    for (unsigned i = 0; i < 8; ++i) v = v << 8 | (pos_ < size_ ? data_[pos_++] : 0);
    return bits >= 64 ? v : v & ((uint64_t{1} << bits) - 1);
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

template <size_t N>
std::string Text(Input& in, size_t max) {
  const size_t n = in.Next(8) % (max + 1);
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    char c = SixBitChar(static_cast<unsigned>(in.Next(6)));
    if (c == '@') c = 'A';
    s.push_back(c);
  }
  return s;
}

std::string Trimmed(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '@')) s.pop_back();
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Input in(data, size);
  const uint64_t selector = in.Next(8);
  // Every eighth input may use values wider than their fields: they must be rejected.
  const bool wide = selector % 8 == 7;
  const unsigned extra = wide ? 1 : 0;
  Message m;
  m.type = static_cast<uint8_t>(std::array<uint8_t, 4>{1, 2, 3, 5}[(selector >> 3) % 4]);
  m.repeat = static_cast<uint8_t>(in.Next(2));
  m.mmsi = static_cast<uint32_t>(in.Next(30 + extra));
  bool fits = m.mmsi < (1u << 30);
  std::string callsign, name, destination;
  if (m.type != 5) {
    PositionReportA r;
    r.status = static_cast<uint8_t>(in.Next(4));
    r.turn = static_cast<int8_t>(in.Next(8));
    r.speed = static_cast<uint16_t>(in.Next(10 + extra));
    fits = fits && r.speed < 1024;
    r.accuracy = in.Next(1) != 0;
    r.lon = static_cast<int32_t>(static_cast<int64_t>(in.Next(28)) - (int64_t{1} << 27));
    r.lat = static_cast<int32_t>(static_cast<int64_t>(in.Next(27)) - (int64_t{1} << 26));
    r.course = static_cast<uint16_t>(in.Next(12));
    r.heading = static_cast<uint16_t>(in.Next(9));
    r.second = static_cast<uint8_t>(in.Next(6));
    r.maneuver = static_cast<uint8_t>(in.Next(2));
    r.spare = static_cast<uint8_t>(in.Next(3));
    r.raim = in.Next(1) != 0;
    r.radio = static_cast<uint32_t>(in.Next(19));
    m.body = r;
  } else {
    StaticVoyageData d;
    d.ais_version = static_cast<uint8_t>(in.Next(2));
    d.imo = static_cast<uint32_t>(in.Next(30));
    callsign = Text<7>(in, 7);
    name = Text<20>(in, 20);
    destination = Text<20>(in, 20);
    Check(SetText(callsign, d.callsign).ok());
    Check(SetText(name, d.shipname).ok());
    Check(SetText(destination, d.destination).ok());
    d.shiptype = static_cast<uint8_t>(in.Next(8));
    d.to_bow = static_cast<uint16_t>(in.Next(9 + extra));
    fits = fits && d.to_bow < 512;
    d.to_stern = static_cast<uint16_t>(in.Next(9));
    d.to_port = static_cast<uint8_t>(in.Next(6));
    d.to_starboard = static_cast<uint8_t>(in.Next(6));
    d.epfd = static_cast<uint8_t>(in.Next(4));
    d.month = static_cast<uint8_t>(in.Next(4));
    d.day = static_cast<uint8_t>(in.Next(5));
    d.hour = static_cast<uint8_t>(in.Next(5));
    d.minute = static_cast<uint8_t>(in.Next(6));
    d.draught = static_cast<uint8_t>(in.Next(8));
    d.dte = static_cast<uint8_t>(in.Next(1));
    m.body = d;
  }
  Payload payload;
  const biac::Status status = EncodeMessage(m, payload);
  Check(status.ok() == fits);
  if (!status.ok()) return 0;

  std::string text;
  const SentenceOptions options{.channel = 'B', .sequence_id = static_cast<uint8_t>(selector % 10)};
  Check(AppendSentences(payload, options, text).ok());
  NmeaDecoder decoder;
  DecodedMessage decoded;
  int messages = 0;
  size_t start = 0;
  while (start < text.size()) {
    const size_t end = text.find("\r\n", start);
    Check(end != std::string::npos && end - start <= 80);
    const auto outcome = decoder.Feed(std::string_view(text).substr(start, end - start), decoded);
    Check(outcome.ok());
    if (*outcome == NmeaDecoder::Outcome::kMessage) ++messages;
    start = end + 2;
  }
  Check(messages == 1);
  const Message& back = decoded.message;
  Check(back.type == m.type && back.repeat == m.repeat && back.mmsi == m.mmsi);
  if (const auto* r = std::get_if<PositionReportA>(&m.body)) {
    const auto* b = std::get_if<PositionReportA>(&back.body);
    Check(b != nullptr);
    Check(b->status == r->status && b->turn == r->turn && b->speed == r->speed &&
          b->accuracy == r->accuracy && b->lon == r->lon && b->lat == r->lat &&
          b->course == r->course && b->heading == r->heading && b->second == r->second &&
          b->maneuver == r->maneuver && b->raim == r->raim && b->radio == r->radio);
  } else {
    const auto& d = std::get<StaticVoyageData>(m.body);
    const auto* b = std::get_if<StaticVoyageData>(&back.body);
    Check(b != nullptr);
    Check(std::string(b->callsign.view()) == Trimmed(std::string(d.callsign.view())));
    Check(std::string(b->shipname.view()) == Trimmed(std::string(d.shipname.view())));
    Check(std::string(b->destination.view()) == Trimmed(std::string(d.destination.view())));
    Check(b->imo == d.imo && b->shiptype == d.shiptype && b->to_bow == d.to_bow &&
          b->to_stern == d.to_stern && b->to_port == d.to_port &&
          b->to_starboard == d.to_starboard && b->epfd == d.epfd && b->month == d.month &&
          b->day == d.day && b->hour == d.hour && b->minute == d.minute &&
          b->draught == d.draught && b->dte == d.dte);
  }
  return 0;
}
