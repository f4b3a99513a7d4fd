#pragma once

// The three ways Mode S replies reach biac:
// - hex lines: bare hex ("8D4840D6202CC371C32CE0576098"), AVR ("*...;"), AVR with a 12 MHz
//   MLAT counter ("@<12 hex digits><reply>;"), or a CSV row whose first column is a Unix
//   time in seconds and whose second is the hex (the pyModeS sample CSV:
//   `1457996400,"8D406B90...","406B90",19`);
// - Beast binary (the Mode-S Beast receiver's format, as written by dump1090's net_io.c
//   writeBeastMessage): 0x1A, a type byte ('1' Mode A/C, '2' 56-bit, '3' 112-bit Mode S),
//   a 48-bit big-endian 12 MHz counter, one signal byte, the reply; every 0x1A byte after
//   the type is sent twice;
// - SBS-1 BaseStation CSV ("port 30003"), as written by dump1090's modesSendSBSOutput:
//   MSG,<1..8>,<session>,<aircraft>,<hex ident>,<flight>,<date gen>,<time gen>,<date log>,
//   <time log>,<callsign>,<altitude>,<ground speed>,<track>,<lat>,<lon>,<vertical rate>,
//   <squawk>,<alert>,<emergency>,<SPI>,<on ground>.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "biac/base/status.h"
#include "biac/formats/adsb/modes.h"

namespace biac::formats::adsb {

// ---- Hex lines -------------------------------------------------------------------------

struct HexLine {
  std::array<uint8_t, kLongFrameBytes> bytes{};
  uint8_t length = 0;
  std::optional<double> time_s;        // leading timestamp column (Unix seconds)
  std::optional<uint64_t> mlat_ticks;  // AVR-MLAT '@' counter (12 MHz)
  std::span<const uint8_t> frame() const { return {bytes.data(), length}; }
};

enum class HexLineKind : uint8_t { kFrame, kSkip };  // kSkip: blank, comment or CSV header

// Parses one line (without its newline). `first_line` lets a CSV header through as kSkip.
Result<HexLineKind> ParseHexLine(std::string_view line, bool first_line, HexLine& out);

// ---- Beast binary ----------------------------------------------------------------------

inline constexpr uint8_t kBeastEscape = 0x1A;
inline constexpr size_t kBeastTimestampBytes = 6;
inline constexpr size_t kModeAcBytes = 2;
inline constexpr double kBeastClockHz = 12e6;

enum class BeastType : uint8_t {
  kModeAc = '1',
  kModeSShort = '2',
  kModeSLong = '3',
  kStatus = '4',    // receiver status (Radarcape): framed, not decoded
  kPosition = '5',  // receiver position (Radarcape): framed, not decoded
};

struct BeastFrame {
  BeastType type = BeastType::kModeSLong;
  uint64_t timestamp = 0;  // 48-bit 12 MHz counter (0 when the receiver has none)
  uint8_t signal = 0;      // RSSI: sqrt(power) * 255 (dump1090)
  std::array<uint8_t, kLongFrameBytes> data{};
  uint8_t length = 0;  // payload bytes: 2, 7 or 14
  size_t offset = 0;   // byte offset of the frame's 0x1A in the stream
  std::span<const uint8_t> payload() const { return {data.data(), length}; }
};

// Payload length of a type byte, 0 if the type is unknown.
size_t BeastPayloadBytes(uint8_t type);

enum class BeastStep : uint8_t {
  kFrame,     // `frame` holds the next frame
  kNeedMore,  // the rest of the buffer is an incomplete frame (or empty): feed more bytes
  kBad,       // `error` says what was skipped; parsing resumes at `pos`
};

struct BeastResult {
  BeastStep step = BeastStep::kNeedMore;
  std::string_view error;   // static text for kBad
  size_t error_offset = 0;  // absolute offset of the problem
};

// Parses the next frame of `data` from `pos` (advanced past what was consumed); `base` is the
// absolute stream offset of data[0], for offsets in frames and errors. At end of input call
// with `final` = true so that a truncated last frame is reported instead of awaited.
BeastResult ParseBeast(std::span<const uint8_t> data, size_t& pos, size_t base, bool final,
                       BeastFrame& frame);

// Appends one escaped frame (for tests, tools and the fuzzer's round trip).
void EncodeBeast(const BeastFrame& frame, std::vector<uint8_t>& out);

// ---- SBS-1 BaseStation ---------------------------------------------------------------

enum class SbsType : uint8_t { kMsg, kSel, kId, kAir, kSta, kClk };
std::string_view SbsTypeName(SbsType type);

struct SbsMessage {
  SbsType type = SbsType::kMsg;
  uint8_t transmission_type = 0;  // MSG: 1..8
  std::optional<uint32_t> icao;
  bool non_icao = false;  // readsb's "~" prefix: a TIS-B/ADS-R or anonymous address
  std::string_view date_generated, time_generated, date_logged, time_logged;
  std::optional<double> time_generated_s;  // Unix seconds, date and time read as UTC
  std::string_view callsign;               // MSG 1 (and ID/SEL), trimmed
  std::string_view status;                 // STA: PL, SL, RM, AD, OK
  std::optional<int32_t> altitude_ft;
  bool altitude_gnss = false;  // "H" suffix (dump1090 --gnss)
  std::optional<double> groundspeed_kt;
  std::optional<double> track_deg;
  std::optional<double> lat_deg;
  std::optional<double> lon_deg;
  std::optional<int32_t> vertical_rate_fpm;
  bool vertical_rate_gnss = false;
  std::optional<uint16_t> squawk;  // four octal digits as a number
  std::optional<bool> alert, emergency, spi, on_ground;
};

// Parses one line (without "\r\n"). Errors name the field (1-based) and the reason.
Result<SbsMessage> ParseSbsLine(std::string_view line);

}  // namespace biac::formats::adsb
