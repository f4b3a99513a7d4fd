// `biac decode --format ais`: NMEA 0183 !AIVDM/!AIVDO lines (optionally with NMEA 4.0 tag
// blocks) to JSON Lines in gpsd's scaled form (formats/ais/json.h). Blank lines and '#'
// comment lines are skipped silently; every other line that is not a valid sentence, or
// whose message does not decode, is reported as "<input>: line N: <reason>". Type 24 parts
// are joined as gpsdecode joins them (a part A is printed with the next part B of its MMSI),
// so the output agrees with gpsd line for line.

#include <istream>
#include <string>

#include <nlohmann/json.hpp>

#include "biac/app/decode.h"
#include "biac/formats/ais/json.h"
#include "biac/formats/ais/nmea.h"

namespace biac::app {

Status DecodeAis(std::istream& in, const DecodeOptions& options, DecodeOutput& out) {
  using namespace biac::formats::ais;
  NmeaDecoder decoder;
  StaticDataMerger merger;
  DecodedMessage decoded;
  const std::string device = options.input_name == "-" ? "stdin" : options.input_name;
  std::string line;
  size_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (line.empty() || line.front() == '#') continue;
    auto outcome = decoder.Feed(line, decoded);
    if (!outcome.ok()) {
      out.Bad("line " + std::to_string(line_number), outcome.error().message());
      continue;
    }
    if (*outcome != NmeaDecoder::Outcome::kMessage) continue;
    Message& message = decoded.message;
    if (!merger.Merge(message)) continue;
    nlohmann::ordered_json json = ToJson(message, device);
    if (decoded.tag.present) {
      if (decoded.tag.source.size > 0) json["tag_source"] = decoded.tag.source.view();
      if (decoded.tag.time) json["tag_time"] = decoded.tag.time->ToIso8601();
    }
    out.RecordLine(json.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
  }
  if (in.bad()) return Unavailable("read error after line " + std::to_string(line_number));
  return Status::Ok();
}

}  // namespace biac::app
