#pragma once

// AIS encoding: typed messages -> bit payload -> !AIVDM sentences. The inverse of
// messages.h (DecodeMessage) and nmea.h (NmeaDecoder) for the messages the simulator and the
// load generator send:
//   type 1, 2, 3  position report, Class A        ITU-R M.1371-5 Annex 8, Table 45
//   type 5        static and voyage related data  ITU-R M.1371-5 Annex 8, Table 48
// and the NMEA 0183 encapsulation (IEC 61162-1 ed. 5, 8.3.93 VDM): six-bit armouring
// (M.1371-5 Annex 8, Table 44), fill bits to a whole character, at most kMaxArmouredPerSentence
// characters per sentence (a longer payload is split into numbered fragments with a sequential
// message id), the XOR checksum of everything between '!' and '*'.
//
// Round trip: NmeaDecoder::Feed over the sentences of EncodeMessage(m) gives m back, field for
// field (text fields as the decoder trims them: trailing '@' and spaces dropped).
// Nothing here allocates except the output string's growth.

#include <cstdint>
#include <string>
#include <string_view>

#include "biac/base/status.h"
#include "biac/formats/ais/messages.h"

namespace biac::formats::ais {

// Longest armoured payload per sentence. IEC 61162-1 limits a sentence to 82 characters
// including "!AIVDM,x,x,x,A," (14), ",f*hh" (5) and CR LF (2); 60 characters (360 bits) is
// what transponders and gpsd's test data use for the first fragment of a type 5.
inline constexpr size_t kMaxArmouredPerSentence = 60;

// Encodes `message` into `payload` (overwritten). Supported bodies: PositionReportA (types 1,
// 2, 3; the type is message.type) and StaticVoyageData (type 5). Errors name the type and the
// field: an unsupported type, a value wider than its field ("type 1: field 'speed' = 1100
// does not fit in 10 bits"), a character not in the six-bit table.
Status EncodeMessage(const Message& message, Payload& payload);

struct SentenceOptions {
  std::string_view talker = "AI";  // two characters
  char channel = 'A';              // 'A' or 'B' (empty when 0)
  // The sequential message identifier (0..9) of a multi-sentence message; single-sentence
  // messages leave the field empty.
  uint8_t sequence_id = 0;
};

// Appends the sentences carrying `payload` to `out`, each ending in "\r\n". Returns the
// number of sentences (1..9); InvalidArgument if the payload needs more than 9 or the
// options are malformed.
Result<int> AppendSentences(const Payload& payload, const SentenceOptions& options,
                            std::string& out);

// Raw field values from physical ones, rounded to the nearest LSB (M.1371-5 Table 45):
// longitude/latitude in 1/10 000 min, SOG in 0.1 kn (1022 = 102.2 kn or more), COG in
// 0.1 deg in [0, 3600), heading in whole degrees [0, 360).
int32_t EncodeLongitude(double longitude_deg);
int32_t EncodeLatitude(double latitude_deg);
uint16_t EncodeSpeedOverGround(double knots);
uint16_t EncodeCourseOverGround(double degrees);
uint16_t EncodeHeading(double degrees);

// Fills a six-bit text field from `text` (upper-cased; at most N characters). Errors name the
// character that has no six-bit code (M.1371-5 Table 47).
template <size_t N>
Status SetText(std::string_view text, FixedText<N>& out);

}  // namespace biac::formats::ais

namespace biac::formats::ais {

Status CheckSixBitText(std::string_view text, size_t capacity);

template <size_t N>
Status SetText(std::string_view text, FixedText<N>& out) {
  BIAC_RETURN_IF_ERROR(CheckSixBitText(text, N));
  size_t n = 0;
  for (char c : text) {
    out.chars[n++] = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  }
  out.chars[n] = '\0';
  out.size = static_cast<uint8_t>(n);
  return Status::Ok();
}

}  // namespace biac::formats::ais
