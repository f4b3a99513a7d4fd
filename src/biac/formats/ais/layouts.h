#pragma once

// Internal to formats/ais: the layout tables shared by the decoder (messages.cc) and the
// encoder (encode.cc), so that each wire field is described once. Every field is
// (name, first bit, width), transcribed from ITU-R M.1371-5 Annex 8 (table numbers on each
// block). The bit numbering is that of base/bits.h: bit 0 is the first bit of the payload.
// Tables used only by the decoder stay in messages.cc.

#include <cstddef>

#include "biac/base/bits.h"

namespace biac::formats::ais::layout {

// The common header of every message (M.1371-5 Annex 8, 3.3, Table 45 first rows).
namespace common {
inline constexpr BitField kType{"type", 0, 6};
inline constexpr BitField kRepeat{"repeat", 6, 2};
inline constexpr BitField kMmsi{"mmsi", 8, 30};
}  // namespace common

namespace type1 {  // Table 45 (also types 2 and 3)
inline constexpr BitField kStatus{"status", 38, 4};
inline constexpr BitField kTurn{"turn", 42, 8};
inline constexpr BitField kSpeed{"speed", 50, 10};
inline constexpr BitField kAccuracy{"accuracy", 60, 1};
inline constexpr BitField kLon{"lon", 61, 28};
inline constexpr BitField kLat{"lat", 89, 27};
inline constexpr BitField kCourse{"course", 116, 12};
inline constexpr BitField kHeading{"heading", 128, 9};
inline constexpr BitField kSecond{"second", 137, 6};
inline constexpr BitField kManeuver{"maneuver", 143, 2};
inline constexpr BitField kSpare{"spare", 145, 3};
inline constexpr BitField kRaim{"raim", 148, 1};
inline constexpr BitField kRadio{"radio", 149, 19};
// Nominal length (Table 45): what the encoder writes.
inline constexpr size_t kBits = 168;
// The decoder accepts 163..204 bits, as gpsd does (transmitters in the wild send short and
// long slots).
inline constexpr size_t kMinBits = 163;
inline constexpr size_t kMaxBits = 204;
}  // namespace type1

namespace type5 {  // Table 48
inline constexpr BitField kAisVersion{"ais_version", 38, 2};
inline constexpr BitField kImo{"imo", 40, 30};
inline constexpr BitField kCallsign{"callsign", 70, 42};
inline constexpr BitField kShipname{"shipname", 112, 120};
inline constexpr BitField kShiptype{"shiptype", 232, 8};
inline constexpr BitField kToBow{"to_bow", 240, 9};
inline constexpr BitField kToStern{"to_stern", 249, 9};
inline constexpr BitField kToPort{"to_port", 258, 6};
inline constexpr BitField kToStarboard{"to_starboard", 264, 6};
inline constexpr BitField kEpfd{"epfd", 270, 4};
inline constexpr BitField kMonth{"month", 274, 4};
inline constexpr BitField kDay{"day", 278, 5};
inline constexpr BitField kHour{"hour", 283, 5};
inline constexpr BitField kMinute{"minute", 288, 6};
inline constexpr BitField kDraught{"draught", 294, 8};
inline constexpr BitField kDestination{"destination", 302, 120};
inline constexpr BitField kDte{"dte", 422, 1};
inline constexpr BitField kSpare{"spare", 423, 1};
// Nominal length (Table 48): what the encoder writes.
inline constexpr size_t kBits = 424;
// Many transmitters send 420 or 422 bits; the decoder accepts >= 420, as gpsd does.
inline constexpr size_t kMinBits = 420;
}  // namespace type5

}  // namespace biac::formats::ais::layout
