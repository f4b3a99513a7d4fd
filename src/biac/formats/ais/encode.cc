#include "biac/formats/ais/encode.h"

#include <cmath>
#include <string>
#include <variant>

#include "biac/base/bits.h"
#include "biac/formats/ais/layouts.h"

namespace biac::formats::ais {
namespace {

constexpr unsigned kSixBits = 6;
constexpr unsigned kMaxFragments = 9;
constexpr double kFineUnitsPerDegree = 600000.0;  // 1/10 000 min
constexpr uint16_t kSogLimitTenths = 1022;        // 102.2 kn or more
constexpr uint16_t kCogFullCircleTenths = 3600;
constexpr uint16_t kHeadingFullCircle = 360;

// Layout tables (ITU-R M.1371-5 Annex 8, Tables 45 and 48), shared with the decoder.
namespace common = layout::common;
namespace type1 = layout::type1;
namespace type5 = layout::type5;

// Writes fields into a payload, remembering the first value that did not fit.
class Writer {
 public:
  Writer(uint8_t type, Payload& payload, size_t bits) : type_(type), payload_(payload) {
    payload_.bytes.fill(0);
    payload_.bit_count = static_cast<uint16_t>(bits);
    payload_.armoured_bits = static_cast<uint16_t>(bits);
  }

  void U(const BitField& f, uint64_t value) {
    if (f.width < 64 && value >> f.width != 0) {
      Fail(f, std::to_string(value));
      return;
    }
    Write(std::span<uint8_t>(payload_.bytes), f, value);
  }
  void S(const BitField& f, int64_t value) {
    const int64_t limit = int64_t{1} << (f.width - 1);
    if (value < -limit || value >= limit) {
      Fail(f, std::to_string(value));
      return;
    }
    Write(std::span<uint8_t>(payload_.bytes), f, static_cast<uint64_t>(value));
  }
  // Six-bit text, padded with '@' (value 0) to the field's width (Table 47).
  template <size_t N>
  void Text(const BitField& f, const FixedText<N>& text) {
    const size_t chars = f.width / kSixBits;
    if (text.size > chars) {
      Fail(f, "'" + std::string(text.view()) + "' (" + std::to_string(chars) + " characters)");
      return;
    }
    for (size_t i = 0; i < chars; ++i) {
      unsigned value = 0;
      if (i < text.size) {
        const unsigned c = static_cast<unsigned char>(text.chars[i]);
        value = c >= 64 ? c - 64 : c;
      }
      WriteBits(std::span<uint8_t>(payload_.bytes), f.offset + kSixBits * i, kSixBits, value);
    }
  }

  Status status() const { return status_; }

 private:
  void Fail(const BitField& f, const std::string& value) {
    if (!status_.ok()) return;
    status_ =
        InvalidArgument("type " + std::to_string(type_) + ": field '" + std::string(f.name) +
                        "' = " + value + " does not fit in " + std::to_string(f.width) + " bits");
  }

  uint8_t type_;
  Payload& payload_;
  Status status_ = Status::Ok();
};

bool IsSixBit(char c) {
  // Table 47: '@', 'A'..'Z', '[', '\', ']', '^', '_' (0..31) and ' '..'?' (32..63).
  return (c >= '@' && c <= '_') || (c >= ' ' && c <= '?');
}

char ArmourChar(unsigned value) {
  // Table 44: 0..39 -> '0'..'W', 40..63 -> '`'..'w'.
  return static_cast<char>(value < 40 ? value + '0' : value - 40 + '`');
}

constexpr char kHexDigits[] = "0123456789ABCDEF";

}  // namespace

Status CheckSixBitText(std::string_view text, size_t capacity) {
  if (text.size() > capacity) {
    return InvalidArgument("text '" + std::string(text) + "' longer than " +
                           std::to_string(capacity) + " characters");
  }
  for (char c : text) {
    const char upper = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    if (!IsSixBit(upper)) {
      return InvalidArgument("text '" + std::string(text) + "': character '" + std::string(1, c) +
                             "' has no six-bit code");
    }
  }
  return Status::Ok();
}

Status EncodeMessage(const Message& m, Payload& payload) {
  if (const auto* b = std::get_if<PositionReportA>(&m.body)) {
    if (m.type < 1 || m.type > 3) {
      return InvalidArgument("type " + std::to_string(m.type) +
                             ": a Class A position report is type 1, 2 or 3");
    }
    using namespace type1;
    Writer w(m.type, payload, kBits);
    w.U(common::kType, m.type);
    w.U(common::kRepeat, m.repeat);
    w.U(common::kMmsi, m.mmsi);
    w.U(kStatus, b->status);
    w.S(kTurn, b->turn);
    w.U(kSpeed, b->speed);
    w.U(kAccuracy, b->accuracy ? 1 : 0);
    w.S(kLon, b->lon);
    w.S(kLat, b->lat);
    w.U(kCourse, b->course);
    w.U(kHeading, b->heading);
    w.U(kSecond, b->second);
    w.U(kManeuver, b->maneuver);
    w.U(kSpare, b->spare);
    w.U(kRaim, b->raim ? 1 : 0);
    w.U(kRadio, b->radio);
    return w.status();
  }
  if (const auto* b = std::get_if<StaticVoyageData>(&m.body)) {
    if (m.type != 5) {
      return InvalidArgument("type " + std::to_string(m.type) +
                             ": static and voyage data is type 5");
    }
    using namespace type5;
    Writer w(m.type, payload, kBits);
    w.U(common::kType, m.type);
    w.U(common::kRepeat, m.repeat);
    w.U(common::kMmsi, m.mmsi);
    w.U(kAisVersion, b->ais_version);
    w.U(kImo, b->imo);
    w.Text(kCallsign, b->callsign);
    w.Text(kShipname, b->shipname);
    w.U(kShiptype, b->shiptype);
    w.U(kToBow, b->to_bow);
    w.U(kToStern, b->to_stern);
    w.U(kToPort, b->to_port);
    w.U(kToStarboard, b->to_starboard);
    w.U(kEpfd, b->epfd);
    w.U(kMonth, b->month);
    w.U(kDay, b->day);
    w.U(kHour, b->hour);
    w.U(kMinute, b->minute);
    w.U(kDraught, b->draught);
    w.Text(kDestination, b->destination);
    w.U(kDte, b->dte);
    w.U(kSpare, b->spare);
    return w.status();
  }
  return InvalidArgument("type " + std::to_string(m.type) + ": encoding not supported");
}

Result<int> AppendSentences(const Payload& payload, const SentenceOptions& options,
                            std::string& out) {
  if (options.talker.size() != 2) {
    return InvalidArgument("talker '" + std::string(options.talker) + "': two characters");
  }
  if (options.sequence_id > 9) return InvalidArgument("sequential message id above 9");
  const size_t chars = (payload.bit_count + kSixBits - 1) / kSixBits;
  const unsigned fill = static_cast<unsigned>(chars * kSixBits - payload.bit_count);
  const size_t fragments =
      chars == 0 ? 1 : (chars + kMaxArmouredPerSentence - 1) / kMaxArmouredPerSentence;
  if (fragments > kMaxFragments) {
    return InvalidArgument("payload of " + std::to_string(payload.bit_count) +
                           " bits needs more than 9 sentences");
  }
  for (size_t f = 0; f < fragments; ++f) {
    const size_t start = out.size();
    out += '!';
    out += options.talker;
    out += "VDM,";
    out += static_cast<char>('0' + fragments);
    out += ',';
    out += static_cast<char>('0' + f + 1);
    out += ',';
    if (fragments > 1) out += static_cast<char>('0' + options.sequence_id);
    out += ',';
    if (options.channel != 0) out += options.channel;
    out += ',';
    const size_t first = f * kMaxArmouredPerSentence;
    const size_t last = std::min(chars, first + kMaxArmouredPerSentence);
    for (size_t c = first; c < last; ++c) {
      // Bits past bit_count are zero in a Payload written by EncodeMessage; mask anyway.
      unsigned value = static_cast<unsigned>(
          ReadBits(std::span<const uint8_t>(payload.bytes), c * kSixBits, kSixBits));
      if (c + 1 == chars && fill != 0) value &= ~((1u << fill) - 1u);
      out += ArmourChar(value);
    }
    out += ',';
    out += static_cast<char>('0' + (f + 1 == fragments ? fill : 0));
    unsigned sum = 0;
    for (size_t i = start + 1; i < out.size(); ++i) sum ^= static_cast<unsigned char>(out[i]);
    out += '*';
    out += kHexDigits[(sum >> 4) & 0xF];
    out += kHexDigits[sum & 0xF];
    out += "\r\n";
  }
  return static_cast<int>(fragments);
}

int32_t EncodeLongitude(double longitude_deg) {
  return static_cast<int32_t>(std::lround(longitude_deg * kFineUnitsPerDegree));
}
int32_t EncodeLatitude(double latitude_deg) {
  return static_cast<int32_t>(std::lround(latitude_deg * kFineUnitsPerDegree));
}
uint16_t EncodeSpeedOverGround(double knots) {
  const long tenths = std::lround(std::max(0.0, knots) * 10.0);
  return static_cast<uint16_t>(std::min<long>(tenths, kSogLimitTenths));
}
uint16_t EncodeCourseOverGround(double degrees) {
  long tenths = std::lround(std::fmod(degrees, 360.0) * 10.0);
  if (tenths < 0) tenths += kCogFullCircleTenths;
  return static_cast<uint16_t>(tenths % kCogFullCircleTenths);
}
uint16_t EncodeHeading(double degrees) {
  long whole = std::lround(std::fmod(degrees, 360.0));
  if (whole < 0) whole += kHeadingFullCircle;
  return static_cast<uint16_t>(whole % kHeadingFullCircle);
}

}  // namespace biac::formats::ais
