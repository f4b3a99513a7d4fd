#include "biac/formats/adsb/framing.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "biac/base/bits.h"
#include "biac/base/civil.h"
#include "biac/formats/common/hex.h"

namespace biac::formats::adsb {
namespace {

constexpr size_t kShortHexDigits = 2 * kShortFrameBytes;
constexpr size_t kLongHexDigits = 2 * kLongFrameBytes;
constexpr size_t kMlatHexDigits = 2 * kBeastTimestampBytes;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

std::string_view Unquote(std::string_view s) {
  s = Trim(s);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  return Trim(s);
}

template <typename T>
bool ParseNumber(std::string_view s, T& out) {
  if (s.empty()) return false;
  if (s.front() == '+') s.remove_prefix(1);
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

bool ParseFiniteDouble(std::string_view s, double& out) {
  return ParseNumber(s, out) && std::isfinite(out);
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Status ParseReplyHex(std::string_view hex, HexLine& out) {
  if (hex.size() != kShortHexDigits && hex.size() != kLongHexDigits) {
    return InvalidArgument(fmt::format("{} hex digits: a Mode S reply has {} or {}", hex.size(),
                                       kShortHexDigits, kLongHexDigits));
  }
  auto n = ParseHex(hex, out.bytes);
  if (!n.ok()) return n.error();
  out.length = static_cast<uint8_t>(*n);
  return Status::Ok();
}

}  // namespace

Result<HexLineKind> ParseHexLine(std::string_view line, bool first_line, HexLine& out) {
  out = HexLine{};
  line = Trim(line);
  if (line.empty() || line.front() == '#') return HexLineKind::kSkip;
  if (line.front() == '*' || line.front() == '@') {
    if (line.back() != ';') {
      return InvalidArgument(
          fmt::format("AVR line starting '{}' does not end with ';'", line.front()));
    }
    std::string_view hex = line.substr(1, line.size() - 2);
    if (line.front() == '@') {
      if (hex.size() < kMlatHexDigits) return InvalidArgument("AVR-MLAT line too short");
      uint64_t ticks = 0;
      for (char c : hex.substr(0, kMlatHexDigits)) {
        const int d = HexDigit(c);
        if (d < 0) return InvalidArgument(fmt::format("MLAT counter digit '{}' is not hex", c));
        ticks = ticks << 4 | static_cast<uint64_t>(d);
      }
      out.mlat_ticks = ticks;
      hex.remove_prefix(kMlatHexDigits);
    }
    BIAC_RETURN_IF_ERROR(ParseReplyHex(hex, out));
    return HexLineKind::kFrame;
  }
  const size_t comma = line.find(',');
  const size_t space = line.find_first_of(" \t");
  if (comma != std::string_view::npos || space != std::string_view::npos) {
    const size_t cut = comma != std::string_view::npos ? comma : space;
    const std::string_view first = Unquote(line.substr(0, cut));
    std::string_view rest = line.substr(cut + 1);
    if (comma != std::string_view::npos) rest = rest.substr(0, rest.find(','));
    double time = 0;
    if (!ParseFiniteDouble(first, time)) {
      if (first_line) return HexLineKind::kSkip;  // a CSV header such as "timestamp,hex"
      return InvalidArgument(fmt::format("column 1 '{}' is not a timestamp", first));
    }
    // Unix seconds within biac's Timestamp range (1970 to 2262; base/time.h).
    constexpr double kMaxUnixSeconds = 9.2e9;
    if (time < 0.0 || time > kMaxUnixSeconds) {
      return InvalidArgument(fmt::format("timestamp {} is outside 0..9.2e9 Unix seconds", first));
    }
    out.time_s = time;
    std::string_view hex = Unquote(rest);
    if (hex.size() >= 2 && hex.front() == '*' && hex.back() == ';') {
      hex = hex.substr(1, hex.size() - 2);
    }
    BIAC_RETURN_IF_ERROR(ParseReplyHex(hex, out));
    return HexLineKind::kFrame;
  }
  BIAC_RETURN_IF_ERROR(ParseReplyHex(line, out));
  return HexLineKind::kFrame;
}

// ---- Beast ------------------------------------------------------------------------------

size_t BeastPayloadBytes(uint8_t type) {
  switch (static_cast<BeastType>(type)) {
    case BeastType::kModeAc:
      return kModeAcBytes;
    case BeastType::kModeSShort:
      return kShortFrameBytes;
    case BeastType::kModeSLong:
      return kLongFrameBytes;
    // Receiver status and position frames carry a long frame's worth of bytes
    // (dump1090 net_io.c, READ_MODE_BEAST).
    case BeastType::kStatus:
      return kLongFrameBytes;
    case BeastType::kPosition:
      return kLongFrameBytes;
  }
  return 0;
}

BeastResult ParseBeast(std::span<const uint8_t> data, size_t& pos, size_t base, bool final,
                       BeastFrame& frame) {
  const size_t size = data.size();
  if (pos >= size) return {BeastStep::kNeedMore, {}, 0};
  if (data[pos] != kBeastEscape) {
    const size_t start = pos;
    while (pos < size && data[pos] != kBeastEscape) ++pos;
    return {BeastStep::kBad, "bytes outside a frame skipped (no 0x1A)", base + start};
  }
  const size_t start = pos;
  auto incomplete = [&]() -> BeastResult {
    if (!final) return {BeastStep::kNeedMore, {}, 0};
    pos = size;
    return {BeastStep::kBad, "truncated frame at end of input", base + start};
  };
  if (start + 1 >= size) return incomplete();
  const uint8_t type = data[start + 1];
  if (type == kBeastEscape) {  // an escaped 0x1A where a frame should start
    pos = start + 2;
    return {BeastStep::kBad, "escaped 0x1A outside a frame skipped", base + start};
  }
  const size_t payload = BeastPayloadBytes(type);
  if (payload == 0) {
    pos = start + 1;
    while (pos < size && data[pos] != kBeastEscape) ++pos;
    return {BeastStep::kBad, "unknown frame type after 0x1A", base + start};
  }
  // Timestamp, signal and payload, unescaping doubled 0x1A bytes.
  std::array<uint8_t, kBeastTimestampBytes + 1 + kLongFrameBytes> raw{};
  const size_t need = kBeastTimestampBytes + 1 + payload;
  size_t p = start + 2;
  for (size_t i = 0; i < need; ++i) {
    if (p >= size) return incomplete();
    const uint8_t b = data[p];
    if (b == kBeastEscape) {
      if (p + 1 >= size) return incomplete();
      if (data[p + 1] != kBeastEscape) {
        // The next frame began before this one ended: this one is cut short.
        pos = p;
        return {BeastStep::kBad, "frame cut short by an unescaped 0x1A", base + start};
      }
      ++p;
    }
    raw[i] = b;
    ++p;
  }
  frame = BeastFrame{};
  frame.type = static_cast<BeastType>(type);
  frame.offset = base + start;
  frame.timestamp = LoadBigEndian(raw.data(), kBeastTimestampBytes);
  frame.signal = raw[kBeastTimestampBytes];
  frame.length = static_cast<uint8_t>(payload);
  std::copy_n(raw.begin() + kBeastTimestampBytes + 1, payload, frame.data.begin());
  pos = p;
  return {BeastStep::kFrame, {}, 0};
}

void EncodeBeast(const BeastFrame& frame, std::vector<uint8_t>& out) {
  auto put = [&out](uint8_t b) {
    out.push_back(b);
    if (b == kBeastEscape) out.push_back(b);
  };
  out.push_back(kBeastEscape);
  out.push_back(static_cast<uint8_t>(frame.type));
  for (size_t i = kBeastTimestampBytes; i > 0; --i) {
    put(static_cast<uint8_t>(frame.timestamp >> (8 * (i - 1))));
  }
  put(frame.signal);
  for (size_t i = 0; i < frame.length; ++i) put(frame.data[i]);
}

// ---- SBS ----------------------------------------------------------------------------------

namespace {

// SBS field numbers (1-based, as in the BaseStation documentation and dump1090's comments).
namespace sbs {
constexpr size_t kMessageType = 1;
constexpr size_t kTransmissionType = 2;
constexpr size_t kHexIdent = 5;
constexpr size_t kDateGenerated = 7;
constexpr size_t kTimeGenerated = 8;
constexpr size_t kDateLogged = 9;
constexpr size_t kTimeLogged = 10;
constexpr size_t kCallsign = 11;  // MSG, ID, SEL; STA: status
constexpr size_t kAltitude = 12;
constexpr size_t kGroundSpeed = 13;
constexpr size_t kTrack = 14;
constexpr size_t kLatitude = 15;
constexpr size_t kLongitude = 16;
constexpr size_t kVerticalRate = 17;
constexpr size_t kSquawk = 18;
constexpr size_t kAlert = 19;
constexpr size_t kEmergency = 20;
constexpr size_t kSpi = 21;
constexpr size_t kOnGround = 22;
constexpr size_t kFieldCount = 22;
constexpr size_t kMinFields = 10;  // AIR and CLK lines stop after the logged time
}  // namespace sbs

// "2024/06/01" and "12:34:56.789" to Unix seconds; nullopt if either is malformed.
std::optional<double> SbsTime(std::string_view date, std::string_view time) {
  if (date.size() != 10 || date[4] != '/' || date[7] != '/') return std::nullopt;
  if (time.size() < 8 || time[2] != ':' || time[5] != ':') return std::nullopt;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0;
  double s = 0;
  if (!ParseNumber(date.substr(0, 4), y) || !ParseNumber(date.substr(5, 2), mo) ||
      !ParseNumber(date.substr(8, 2), d) || !ParseNumber(time.substr(0, 2), h) ||
      !ParseNumber(time.substr(3, 2), mi) || !ParseFiniteDouble(time.substr(6), s)) {
    return std::nullopt;
  }
  // Years inside biac's Timestamp range (base/time.h).
  constexpr int kFirstYear = 1970, kLastYear = 2261;
  if (y < kFirstYear || y > kLastYear || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 ||
      mi < 0 || mi > 59 || s < 0 || s >= 61) {
    return std::nullopt;
  }
  constexpr double kSecondsPerDay = 86400.0;
  return static_cast<double>(
             DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d))) *
             kSecondsPerDay +
         h * 3600.0 + mi * 60.0 + s;
}

Result<std::optional<bool>> SbsFlag(std::string_view s, size_t field) {
  if (s.empty()) return std::optional<bool>{};
  if (s == "-1" || s == "1") return std::optional<bool>{true};
  if (s == "0") return std::optional<bool>{false};
  return InvalidArgument(fmt::format("field {}: flag '{}' is not -1, 0 or empty", field, s));
}

// An integer with an optional "H" suffix (GNSS rather than barometric, dump1090 --gnss).
Result<std::optional<int32_t>> SbsInt(std::string_view s, size_t field, bool& gnss) {
  gnss = false;
  if (s.empty()) return std::optional<int32_t>{};
  if (s.back() == 'H') {
    gnss = true;
    s.remove_suffix(1);
  }
  int32_t v = 0;
  if (!ParseNumber(s, v)) {
    return InvalidArgument(fmt::format("field {}: '{}' is not an integer", field, s));
  }
  return std::optional<int32_t>{v};
}

Result<std::optional<double>> SbsDouble(std::string_view s, size_t field, double limit) {
  if (s.empty()) return std::optional<double>{};
  double v = 0;
  if (!ParseFiniteDouble(s, v)) {
    return InvalidArgument(fmt::format("field {}: '{}' is not a number", field, s));
  }
  if (std::fabs(v) > limit) {
    return InvalidArgument(fmt::format("field {}: {} is outside +-{}", field, s, limit));
  }
  return std::optional<double>{v};
}

}  // namespace

std::string_view SbsTypeName(SbsType type) {
  switch (type) {
    case SbsType::kMsg:
      return "MSG";
    case SbsType::kSel:
      return "SEL";
    case SbsType::kId:
      return "ID";
    case SbsType::kAir:
      return "AIR";
    case SbsType::kSta:
      return "STA";
    case SbsType::kClk:
      return "CLK";
  }
  return "?";
}

Result<SbsMessage> ParseSbsLine(std::string_view line) {
  line = Trim(line);
  std::array<std::string_view, sbs::kFieldCount + 1> f{};  // f[1..22]; f[0] unused
  size_t count = 0;
  size_t start = 0;
  while (count < sbs::kFieldCount) {
    const size_t comma = line.find(',', start);
    f[++count] =
        Trim(line.substr(start, comma == std::string_view::npos ? line.npos : comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
    if (count == sbs::kFieldCount) {
      return InvalidArgument(fmt::format("more than {} fields", sbs::kFieldCount));
    }
  }
  SbsMessage m;
  static constexpr std::pair<std::string_view, SbsType> kTypes[] = {
      {"MSG", SbsType::kMsg}, {"SEL", SbsType::kSel}, {"ID", SbsType::kId},
      {"AIR", SbsType::kAir}, {"STA", SbsType::kSta}, {"CLK", SbsType::kClk}};
  bool known = false;
  for (const auto& [name, type] : kTypes) {
    if (f[sbs::kMessageType] == name) {
      m.type = type;
      known = true;
    }
  }
  if (!known) {
    return InvalidArgument(
        fmt::format("field 1: message type '{}' is not MSG, SEL, ID, AIR, "
                    "STA or CLK",
                    f[sbs::kMessageType]));
  }
  if (count < sbs::kMinFields) {
    return InvalidArgument(fmt::format("{} fields, {} needs at least {}", count,
                                       f[sbs::kMessageType], sbs::kMinFields));
  }
  if (m.type == SbsType::kMsg) {
    int t = 0;
    if (!ParseNumber(f[sbs::kTransmissionType], t) || t < 1 || t > 8) {
      return InvalidArgument(
          fmt::format("field 2: transmission type '{}' is not 1..8", f[sbs::kTransmissionType]));
    }
    m.transmission_type = static_cast<uint8_t>(t);
  }
  std::string_view hex = f[sbs::kHexIdent];
  if (!hex.empty() && hex.front() == '~') {  // readsb: non-ICAO address
    hex.remove_prefix(1);
    m.non_icao = true;
  }
  if (!hex.empty()) {
    uint32_t icao = 0;
    const auto [end, ec] = std::from_chars(hex.data(), hex.data() + hex.size(), icao, 16);
    if (ec != std::errc() || end != hex.data() + hex.size() || hex.size() > 6) {
      return InvalidArgument(fmt::format("field 5: '{}' is not a 24-bit hex address", hex));
    }
    m.icao = icao;
  } else if (m.type == SbsType::kMsg) {
    return InvalidArgument("field 5: MSG without an aircraft address");
  }
  m.date_generated = f[sbs::kDateGenerated];
  m.time_generated = f[sbs::kTimeGenerated];
  m.date_logged = f[sbs::kDateLogged];
  m.time_logged = f[sbs::kTimeLogged];
  if (!m.date_generated.empty() || !m.time_generated.empty()) {
    m.time_generated_s = SbsTime(m.date_generated, m.time_generated);
    if (!m.time_generated_s) {
      return InvalidArgument(fmt::format("fields 7-8: '{} {}' is not YYYY/MM/DD HH:MM:SS.sss",
                                         m.date_generated, m.time_generated));
    }
  }
  for (const char c : f[sbs::kCallsign]) {
    if (c < ' ' || c > '~') {
      return InvalidArgument(
          fmt::format("field 11: byte 0x{:02X} is not printable ASCII", static_cast<uint8_t>(c)));
    }
  }
  if (m.type == SbsType::kSta) {
    m.status = f[sbs::kCallsign];
  } else {
    m.callsign = f[sbs::kCallsign];
  }
  if (m.type != SbsType::kMsg) return m;

  bool gnss = false;
  BIAC_ASSIGN_OR_RETURN(m.altitude_ft, SbsInt(f[sbs::kAltitude], sbs::kAltitude, gnss));
  m.altitude_gnss = gnss;
  constexpr double kMaxSpeedKt = 5000.0;
  BIAC_ASSIGN_OR_RETURN(m.groundspeed_kt,
                        SbsDouble(f[sbs::kGroundSpeed], sbs::kGroundSpeed, kMaxSpeedKt));
  BIAC_ASSIGN_OR_RETURN(m.track_deg, SbsDouble(f[sbs::kTrack], sbs::kTrack, 360.0));
  BIAC_ASSIGN_OR_RETURN(m.lat_deg, SbsDouble(f[sbs::kLatitude], sbs::kLatitude, 90.0));
  BIAC_ASSIGN_OR_RETURN(m.lon_deg, SbsDouble(f[sbs::kLongitude], sbs::kLongitude, 180.0));
  if (m.lat_deg.has_value() != m.lon_deg.has_value()) {
    return InvalidArgument("fields 15-16: latitude without longitude or the reverse");
  }
  BIAC_ASSIGN_OR_RETURN(m.vertical_rate_fpm,
                        SbsInt(f[sbs::kVerticalRate], sbs::kVerticalRate, gnss));
  m.vertical_rate_gnss = gnss;
  const std::string_view squawk = f[sbs::kSquawk];
  if (!squawk.empty()) {
    uint16_t v = 0;
    bool octal = squawk.size() <= 4;
    for (char c : squawk) octal = octal && c >= '0' && c <= '7';
    if (!octal || !ParseNumber(squawk, v)) {
      return InvalidArgument(fmt::format("field 18: squawk '{}' is not 4 octal digits", squawk));
    }
    m.squawk = v;
  }
  BIAC_ASSIGN_OR_RETURN(m.alert, SbsFlag(f[sbs::kAlert], sbs::kAlert));
  BIAC_ASSIGN_OR_RETURN(m.emergency, SbsFlag(f[sbs::kEmergency], sbs::kEmergency));
  BIAC_ASSIGN_OR_RETURN(m.spi, SbsFlag(f[sbs::kSpi], sbs::kSpi));
  BIAC_ASSIGN_OR_RETURN(m.on_ground, SbsFlag(f[sbs::kOnGround], sbs::kOnGround));
  return m;
}

}  // namespace biac::formats::adsb
