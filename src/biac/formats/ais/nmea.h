#pragma once

// The NMEA 0183 layer of AIS (IEC 61162-1 ed. 5 section 8.3.93 VDM / 8.3.94 VDO; the
// encapsulation of ITU-R M.1371-5 Annex 8 messages): sentence syntax and checksum, NMEA 4.0
// tag blocks (IEC 61162-1 ed. 4 section 7.9: `\s:source,c:unixtime*hh\`), the six-bit
// armouring with fill bits, and multi-sentence reassembly keyed by channel and sequential
// message id, with timeouts in sentences and in data time.
//
// Nothing here allocates on the success path: sentences are views into the caller's line,
// payloads and pending fragments live in fixed-size arrays owned by NmeaDecoder.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "biac/base/status.h"
#include "biac/base/time.h"
#include "biac/formats/ais/messages.h"

namespace biac::formats::ais {

// An NMEA 4.0 tag block. Only the source station (s:) and the UNIX receive time (c:) are
// kept; other parameters (g: group, n: line count, d: destination, t: text) are skipped.
inline constexpr size_t kMaxSourceLength = 31;
struct TagBlock {
  bool present = false;
  FixedText<kMaxSourceLength> source;  // s: (truncated to kMaxSourceLength characters)
  std::optional<Timestamp> time;       // c: seconds (or milliseconds, see nmea.cc) since 1970
};

// One parsed !xxVDM / !xxVDO sentence; the string views point into the parsed line.
struct Sentence {
  TagBlock tag;
  std::string_view talker;      // "AI", "AB", "BS", ...
  bool own_ship = false;        // VDO: the receiver's own ship
  uint8_t fragment_count = 0;   // 1..9
  uint8_t fragment_number = 0;  // 1..fragment_count
  int8_t sequence_id = -1;      // 0..9, -1 when empty
  char channel = 0;             // 'A', 'B' (or '1', '2'), 0 when empty
  std::string_view payload;     // the armoured characters
  uint8_t fill_bits = 0;        // 0..5
};

// Parses one line: an optional tag block, the sentence, its checksum. Anything after the
// two checksum digits (USCG / AISHub metadata, line endings) is ignored. Errors name the
// reason ("checksum 3F, expected 2A").
Result<Sentence> ParseSentence(std::string_view line);

// Appends the six-bit armoured characters (IEC 61162-1 Table 7 / M.1371-5 Annex 8 Table 44)
// to `payload`, then drops `fill_bits` from the end of the bit count. Errors name the
// offending character.
Status AppendArmoured(std::string_view armoured, uint8_t fill_bits, Payload& payload);

struct NmeaOptions {
  // A pending multi-sentence message is dropped when its next fragment has not arrived
  // within this many sentences...
  uint32_t max_sentence_gap = 50;
  // ...or, when both carry a tag-block time, within this much data time.
  Duration max_time_gap = std::chrono::seconds(10);
};

// A complete message with where and when it came from.
struct DecodedMessage {
  Message message;
  TagBlock tag;          // of the first sentence of the message
  char channel = 0;
  bool own_ship = false;
  uint8_t sentences = 0;  // how many sentences carried it
};

// Feeds sentences one at a time and yields complete messages.
class NmeaDecoder {
 public:
  enum class Outcome : uint8_t {
    kMessage,  // `out` holds a complete message
    kPending,  // a fragment was stored; more sentences are needed
  };

  explicit NmeaDecoder(NmeaOptions options = {});

  // Parses and reassembles one line. On kMessage `out` is overwritten. A bad sentence (syntax,
  // checksum, armouring, a fragment out of order, a message that does not decode) is an error
  // and leaves other pending messages untouched.
  Result<Outcome> Feed(std::string_view line, DecodedMessage& out);

  // Pending multi-sentence messages dropped so far because they timed out or were replaced.
  uint64_t dropped_fragments() const { return dropped_; }

 private:
  struct Pending {
    bool used = false;
    char channel = 0;
    int8_t sequence_id = -1;
    uint8_t fragment_count = 0;
    uint8_t next_fragment = 0;
    uint64_t last_sentence = 0;
    std::optional<Timestamp> last_time;
    TagBlock tag;
    bool own_ship = false;
    Payload payload;
  };
  static constexpr size_t kMaxPending = 16;

  Result<Outcome> Reassemble(const Sentence& s, DecodedMessage& out);
  void Expire(const std::optional<Timestamp>& now);
  Status Finish(Payload& payload, DecodedMessage& out);

  NmeaOptions options_;
  uint64_t sentence_index_ = 0;
  uint64_t dropped_ = 0;
  std::array<Pending, kMaxPending> pending_{};
  Payload single_;  // scratch for single-sentence messages
};

}  // namespace biac::formats::ais
