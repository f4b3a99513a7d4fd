#pragma once

// The canonical JSON form of a picture: compact, byte-deterministic, exactly reversible. It is
// what proves two pictures identical (the per-audience differential test of issue 4 §3) and
// what a release to a partner hashes and sends (sharing/), so the same picture always gives the
// same bytes: fixed key order, no whitespace, no locale, no unordered containers.
//
// Picture:  {"time":T,"tracks":[TRACK,...]}
// TRACK:    {"id":U,"time":T,"position":[lat_deg,lon_deg,alt_m],"has_altitude":B,
//            "velocity_enu":[e,n,u],"covariance":[36 numbers, row-major],
//            "identity":{IDENTITY},"domain":S,"category":S,"label":S,
//            "sources":[S,...],"provenance":[U,...],"updates":U}
// IDENTITY: members in this order, each omitted when absent (nullopt, empty string or list):
//            "mmsi":U,"icao_address":"4840d6","mode3a":"7700","callsign":S,"name":S,
//            "track_numbers":[{"source":S,"number":U},...]
//   icao_address: lowercase hexadecimal, at least 6 digits; mode3a: octal, at least 4 digits.
// T:  Timestamp::ToIso8601(), "2024-06-01T00:00:00.000000000Z" (UTC, nanoseconds).
// U:  unsigned decimal integer.
// Numbers: the shortest decimal that reads back to the same double (base/number_format.h,
//   std::to_chars: "1", "0.1", "-0", "1e+300"); a non-finite value as the string "NaN",
//   "Infinity" or "-Infinity" (JSON has no such numbers).
// S:  a JSON string: `"` and `\` escaped as \" and \\, the controls U+0008, U+0009, U+000A,
//   U+000C, U+000D as \b \t \n \f \r, other controls below U+0020 as \u00XX (lowercase hex),
//   everything else as its UTF-8 bytes; a byte sequence that is not valid UTF-8 is written
//   as U+FFFD (so such a string does not round-trip: biac's sources give valid UTF-8).
// domain: DomainName(); label: labels::Render() of the track's label.
//
// PictureFromJson reads exactly this form and nothing else: it rejects whitespace, other key
// orders, other number spellings and anything after the picture, so for every text it accepts
// PictureToJson(PictureFromJson(text)) == text, and for every picture whose strings are valid
// UTF-8 and whose labels render canonically, PictureFromJson(PictureToJson(p)) equals p.

#include <string>
#include <string_view>

#include "biac/base/status.h"
#include "biac/model/picture.h"

namespace biac::labels {
class Registry;
}  // namespace biac::labels

namespace biac::model {

std::string PictureToJson(const Picture& picture);
std::string FusedTrackToJson(const FusedTrack& track);
// Appends `s` as a JSON string in the canonical spelling above (for other JSON writers).
void AppendJsonString(std::string& out, std::string_view s);
// Appends the track's JSON to `out` (PictureToJson uses it; no temporary per track).
void AppendFusedTrackJson(std::string& out, const FusedTrack& track);

// Reads the canonical form; labels are parsed with the given registry (default:
// labels::Registry::Default()). Errors name the byte offset, the field and the reason
// ("picture JSON byte 57 (tracks[0].position[1]): expected a number").
Result<Picture> PictureFromJson(std::string_view text);
Result<Picture> PictureFromJson(std::string_view text, const labels::Registry& registry);

}  // namespace biac::model
