#pragma once

// The compact track forms of the live stream and the picture lists (docs/api.md, "Track
// forms"). The canonical picture JSON (model/picture_json.h) carries every field with its full
// covariance and provenance; a map client wants a few dozen bytes per track per second.
//
// Compact JSON, one object per track, members omitted when absent:
//   {"id":U,"t":ms,"lat":deg,"lon":deg,"alt":m,"ve":m/s,"vn":m/s,"vu":m/s,"sog":m/s,
//    "cog":deg,"sd":m,"dom":"sea","cat":S,"label":S,"mmsi":U,"icao":"4840d6","m3a":"7700",
//    "cs":S,"name":S,"tn":["source:number",...],"src":[S,...],"n":updates}
//   t: data time of the state, milliseconds since 1970-01-01 UTC; sd: the horizontal position
//   standard deviation (square root of the mean of the east and north variances).
//
// Binary (little-endian), for large pictures (version 2; version 1 is version 2 without the
// attributes block, and a version 1 reader reads version 2: the block follows all it knew):
//   message  := "BT" u8 version=2 u8 type (1 snapshot, 2 delta) i64 time_ms
//               u16 string_count { u16 length, bytes }*  u32 updated { record }*
//               u32 removed { u32 id }*  { attributes }*  (one per record, in record order)
//   record   := u32 id, i32 dt_ms (t - time_ms), i32 lat (1e-7 deg), i32 lon (1e-7 deg),
//               f32 alt (NaN when absent), f32 ve, f32 vn, u16 label index, u8 domain,
//               u8 flags (bit 0: has altitude)                                   (32 bytes)
//   attributes := u16 type index, u16 sources index                              (4 bytes)
//   Every index is into the message's string table, which holds each distinct string once:
//   the rendered labels (always present, listed first), the categories ("cat" of the compact
//   form: CoT type, AIS ship type...) and the source sets (the track's sorted source ids joined
//   by U+001F, the ASCII unit separator). kNoString (0xFFFF) stands for no category, no source,
//   or a string that did not fit (a table holds at most 65,535 strings of at most 65,535 bytes).
//   Identity and provenance are not in the binary form: a client asks for one track's details
//   through GET /api/v1/tracks/{id}.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "biac/base/time.h"
#include "biac/model/picture.h"

namespace biac::api {

int64_t UnixMillis(Timestamp time);

void AppendCompactTrack(std::string& out, const model::FusedTrack& track);
std::string CompactTrack(const model::FusedTrack& track);

constexpr uint8_t kBinarySnapshot = 1;
constexpr uint8_t kBinaryDelta = 2;
constexpr uint8_t kBinaryVersion = 2;
constexpr size_t kBinaryRecordSize = 32;
constexpr size_t kBinaryAttributesSize = 4;
constexpr uint16_t kNoString = 0xFFFF;
constexpr char kSourceSeparator = '\x1f';

// Encodes the binary message of `tracks` (pointers into a picture) and `removed`.
std::string EncodeBinaryMessage(uint8_t type, Timestamp time,
                                std::span<const model::FusedTrack* const> tracks,
                                std::span<const uint64_t> removed);

}  // namespace biac::api
